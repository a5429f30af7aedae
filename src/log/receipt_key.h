// Receipt keys (issue #23): the format, the derivation and the verifier's
// check; center/receipt_keys.h issues them. Receipts are signed once per acta, by the verify
// workers, so they must be fast; a center key kept in a PKCS#11 token may sign only tens or
// hundreds of times a second (docs/PERFORMANCE.md, "Signing keys"). Such a center signs receipts
// with a receipt key made in memory at start (one per run, "per night") and published in a
// certificate its token-held center key signs. A certificate is a C2SP signed note whose text is
// (docs/FORMATS.md, "Receipt key certificate"):
//
//   acta/v1/receipt-key\n
//   <log origin: "acta/" + election id in hex>\n
//   <receipt key as a vkey: name+key id+base64(0x01 || public key)>\n
//   <not before, Unix ms> <not after, Unix ms>\n
//
// signed by a center key the manifest lists. A receipt signed by a receipt
// key counts when its key id is the certified key's, the certificate
// verifies with a manifest center key for this election's origin, and the
// receipt's time lies within the certificate's interval. A center whose key
// is in a file signs receipts with that key, as before; ReceiptKeyRing
// accepts both. Pure functions; ReceiptKeyRing is not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/error.h"
#include "core/keys.h"
#include "core/manifest.h"
#include "core/receipt.h"
#include "core/signer.h"

namespace acta::log {

constexpr std::string_view kReceiptKeyHeader = "acta/v1/receipt-key";
// Where a center publishes certificates (docs/FORMATS.md): the header on
// ingest answers carrying the certificate of the key that signed the
// receipt (base64 of the note), and the route listing every one it issued.
constexpr std::string_view kReceiptKeyHttpHeader = "Acta-Receipt-Key";
constexpr std::string_view kReceiptKeysPath = "/v1/receipt-keys";

struct ReceiptKeyCertificate {
  std::string origin;
  VerifierKey key;
  uint64_t not_before_ms = 0;
  uint64_t not_after_ms = 0;

  bool operator==(const ReceiptKeyCertificate& o) const {
    return origin == o.origin && key.name == o.key.name && key.key == o.key.key &&
           key.key_id == o.key.key_id && not_before_ms == o.not_before_ms &&
           not_after_ms == o.not_after_ms;
  }
};

// The note text above. REQUIRES a valid origin (no newline) and key.
[[nodiscard]] std::string ReceiptKeyCertificateText(const ReceiptKeyCertificate& cert);
// Strict parse of the text. Errors: kMalformed (wrong header, not four
// lines, bad vkey, numbers not canonical decimal, not_before > not_after).
[[nodiscard]] Result<ReceiptKeyCertificate> ParseReceiptKeyCertificateText(std::string_view text);

// The signed note. Errors: the signer's.
[[nodiscard]] Result<std::string> CertifyReceiptKey(const ReceiptKeyCertificate& cert,
                                                    const NamedSigner& center);

// A center's receipt key for one UTC day (docs/FORMATS.md, "Receipt key
// certificate"): named "<center name>/receipts/<day>", valid from the day's
// 00:00 UTC for seven days, its seed SHA-256(kReceiptKeySeedContext ||
// the center key's signature over kReceiptKeySeedContext || origin || "\n"
// || not before || "\n"). Ed25519 signatures are deterministic, so the same
// token key gives the same receipt key on every start and every node.
constexpr std::string_view kReceiptKeySeedContext = "acta/v1/receipt-key-seed\n";
constexpr uint64_t kDayMs = 86'400'000;
constexpr uint64_t kReceiptKeyDays = 7;

struct IssuedReceiptKey {
  NamedSigningKey key;
  ReceiptKeyCertificate certificate;
  std::string note;  // the certificate signed by the center key
};

// Derives and certifies day `day`'s receipt key with `center` (two
// signatures by the center key). Errors: the signer's.
[[nodiscard]] Result<IssuedReceiptKey> IssueReceiptKey(const NamedSigner& center,
                                                       std::string_view origin, uint64_t day);

// Parses the note and checks that one of `centers` signed it (signatures by
// others are ignored) and that it is for `origin`. Errors: kMalformed,
// kBadSignature (no valid signature by a center, or a failing one),
// kWrongElection.
[[nodiscard]] Result<ReceiptKeyCertificate> VerifyReceiptKeyCertificate(
    std::string_view note, std::span<const VerifierKey> centers, std::string_view origin);

// The keys a receipt may be signed by: the manifest's center keys and the
// receipt keys of the certificates added.
class ReceiptKeyRing {
 public:
  explicit ReceiptKeyRing(const Manifest& manifest);

  // Verifies and adds a certificate (as VerifyReceiptKeyCertificate).
  [[nodiscard]] Status AddCertificate(std::string_view note);
  // Adds each certificate of a /v1/receipt-keys body,
  // {"receipt_keys": ["<note>", ...]} (docs/API.md). Errors: kMalformed;
  // the first failing certificate's.
  [[nodiscard]] Status AddCertificates(std::string_view json_body);

  // A receipt for this election signed by a center key, or by a certified
  // receipt key within its interval. Errors: kWrongElection,
  // kNotFound (no known key has the receipt's key id: a certificate is
  // missing), kBadSignature.
  [[nodiscard]] Status Verify(const Receipt& receipt) const;

  size_t certificates() const { return receipt_keys_.size(); }
  // The certificates added, as a /v1/receipt-keys body in the order they
  // were first added (what a mirror republishes: only checked ones).
  std::string Json() const;

 private:
  const Manifest& manifest_;
  std::string origin_;
  std::multimap<uint32_t, ReceiptKeyCertificate> receipt_keys_;  // by key id
  std::vector<std::string> notes_;                               // as added
};

}  // namespace acta::log
