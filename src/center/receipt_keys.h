// The receipt keys a center whose key is in a token issues (docs/FORMATS.md,
// "Receipt key certificate"): at start the keys of its start day and of the
// six days before, each certified by the token's key; then, once a new UTC
// day begins, that day's key (Rotate, which the center calls every minute).
// Receipts are signed in memory by the newest day's key, since a token signs
// too slowly for one signature per acta, and a key certified for seven days
// must not sign past them: a center that ran longer than a week on its start
// day's key would give receipts that no reader accepts. A center with a key
// file issues none and signs receipts with its key, as before.
//
// Thread-safe: readers (the verify workers signing receipts, the listeners
// serving certificates) take the current generation, which is immutable and
// lives as long as the object; Rotate publishes a new one.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/signer.h"
#include "log/receipt_key.h"

namespace acta::center {

class ReceiptKeys {
 public:
  ReceiptKeys() = default;  // none: a center with a key file
  ~ReceiptKeys();
  ReceiptKeys(const ReceiptKeys&) = delete;
  ReceiptKeys& operator=(const ReceiptKeys&) = delete;

  // Derives and certifies the keys of the days now_ms's UTC day - 6 .. that
  // day with `center` (two token signatures each), which must outlive the
  // object (Rotate uses it). Errors: the signer's.
  [[nodiscard]] static Result<std::unique_ptr<ReceiptKeys>> Issue(const NamedSigner& center,
                                                                  std::string_view origin,
                                                                  uint64_t now_ms);

  // If now_ms is in a later UTC day than the current key's, issues that
  // day's key and makes it current (receipts signed before keep their
  // certificates, still served). Returns whether it did. Errors: the
  // signer's (a token that fails): the current key stays, and is valid for
  // the rest of its seven days, so the next call may try again. Calls are
  // serialized; REQUIRES issued().
  [[nodiscard]] Result<bool> Rotate(uint64_t now_ms);

  bool issued() const { return current_.load(std::memory_order_acquire) != nullptr; }

  struct Current {
    std::string name;  // "<center>/receipts/<day>"
    uint64_t day = 0;
    uint32_t key_id = 0;
    const Signer* signer = nullptr;
  };
  // The key receipts are signed with now; REQUIRES issued(). Valid as long
  // as the object.
  const Current& current() const { return current_.load(std::memory_order_acquire)->key; }
  NamedSigner signer() const { return NamedSigner{current().name, current().signer}; }

  // The Acta-Receipt-Key header value for a receipt by key `key_id`: the
  // base64 of its certificate note, or "" (a center key, or not issued here).
  std::string_view HeaderFor(uint32_t key_id) const;
  // GET /v1/receipt-keys: {"receipt_keys": ["<note>", ...]}, oldest first.
  const std::string& json() const;

 private:
  struct Issued {
    uint32_t key_id;
    std::string header;
  };
  // What readers see; never changed once published.
  struct Generation {
    Current key;
    std::vector<Issued> issued;
    std::string json;
  };
  Status Add(uint64_t day, std::vector<std::string>& notes, std::vector<Issued>& issued,
             Current& current);

  NamedSigner center_;
  std::string origin_;
  std::mutex rotate_mu_;
  std::vector<std::string> notes_;                   // guarded by rotate_mu_
  std::vector<std::unique_ptr<MemorySigner>> keys_;  // every key issued, kept
  std::vector<std::unique_ptr<Generation>> generations_;
  std::atomic<const Generation*> current_{nullptr};
  std::string empty_json_ = "{\"receipt_keys\":[]}";
};

}  // namespace acta::center
