// The receipt keys a center whose key is in a token issues at start
// (docs/FORMATS.md, "Receipt key certificate"): the keys of its start day
// and of the six days before, each certified by the token's key; receipts
// are signed in memory by the start day's key, since a token signs too
// slowly for one signature per acta. A center with a key file issues none
// and signs receipts with its key, as before. Immutable after Issue, so
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
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

  // Derives and certifies the keys of the days now_ms's UTC day - 6 .. that
  // day with `center` (two token signatures each). Errors: the signer's.
  [[nodiscard]] static Result<std::unique_ptr<ReceiptKeys>> Issue(const NamedSigner& center,
                                                                  std::string_view origin,
                                                                  uint64_t now_ms);

  // The key receipts are signed with (the start day's); REQUIRES issued.
  NamedSigner signer() const { return NamedSigner{current_name_, current_.get()}; }
  bool issued() const { return current_ != nullptr; }

  // The Acta-Receipt-Key header value for a receipt by key `key_id`: the
  // base64 of its certificate note, or "" (a center key, or not issued here).
  std::string_view HeaderFor(uint32_t key_id) const;
  // GET /v1/receipt-keys: {"receipt_keys": ["<note>", ...]}, oldest first.
  const std::string& json() const { return json_; }

 private:
  struct Issued {
    uint32_t key_id;
    std::string header;
  };
  std::vector<Issued> issued_;
  std::unique_ptr<MemorySigner> current_;
  std::string current_name_;
  std::string json_ = "{\"receipt_keys\":[]}";
};

}  // namespace acta::center
