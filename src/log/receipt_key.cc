#include "log/receipt_key.h"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/bytes.h"
#include "log/checkpoint.h"
#include "log/note.h"
#include "log/signer_notes.h"

namespace acta::log {
namespace {

std::unexpected<Error> Malformed(const std::string& what) {
  return MakeError(ErrorCode::kMalformed, "receipt key certificate: " + what);
}

// Canonical decimal: digits only, no leading zero, fits 64 bits.
std::optional<uint64_t> CanonicalU64(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string KeyIdHex(uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", id);
  return buf;
}

}  // namespace

std::string ReceiptKeyCertificateText(const ReceiptKeyCertificate& cert) {
  return std::string(kReceiptKeyHeader) + "\n" + cert.origin + "\n" + cert.key.ToString() + "\n" +
         std::to_string(cert.not_before_ms) + " " + std::to_string(cert.not_after_ms) + "\n";
}

Result<ReceiptKeyCertificate> ParseReceiptKeyCertificateText(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return Malformed("last line does not end in a newline");
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (lines.size() != 4) {
    return Malformed("has " + std::to_string(lines.size()) + " lines, not 4");
  }
  if (lines[0] != kReceiptKeyHeader) {
    return Malformed("first line is not " + std::string(kReceiptKeyHeader));
  }
  ReceiptKeyCertificate cert;
  if (lines[1].empty()) return Malformed("empty origin");
  cert.origin = std::string(lines[1]);
  auto key = VerifierKey::Parse(lines[2]);
  if (!key) return Malformed("receipt key: " + key.error().message);
  cert.key = std::move(*key);
  const size_t space = lines[3].find(' ');
  if (space == std::string_view::npos) return Malformed("validity is not two numbers");
  auto from = CanonicalU64(lines[3].substr(0, space));
  auto to = CanonicalU64(lines[3].substr(space + 1));
  if (!from || !to) return Malformed("validity is not two canonical decimal numbers");
  if (*from > *to) return Malformed("not before is after not after");
  cert.not_before_ms = *from;
  cert.not_after_ms = *to;
  return cert;
}

Result<std::string> CertifyReceiptKey(const ReceiptKeyCertificate& cert,
                                      const NamedSigner& center) {
  return SignNoteWith(ReceiptKeyCertificateText(cert), center);
}

Result<IssuedReceiptKey> IssueReceiptKey(const NamedSigner& center, std::string_view origin,
                                         uint64_t day) {
  ReceiptKeyCertificate cert;
  cert.origin = std::string(origin);
  cert.not_before_ms = day * kDayMs;
  cert.not_after_ms = cert.not_before_ms + kReceiptKeyDays * kDayMs - 1;
  const std::string seed_message = std::string(kReceiptKeySeedContext) + cert.origin + "\n" +
                                   std::to_string(cert.not_before_ms) + "\n";
  auto signature = center.signer->Sign(AsBytes(seed_message));
  if (!signature) return std::unexpected(signature.error());
  Bytes seed_input(kReceiptKeySeedContext.begin(), kReceiptKeySeedContext.end());
  seed_input.insert(seed_input.end(), signature->begin(), signature->end());
  const Hash256 seed = Sha256(seed_input);
  IssuedReceiptKey out{
      NamedSigningKey::From(center.name + "/receipts/" + std::to_string(day), Seed(seed)), {}, {}};
  cert.key = out.key.verifier();
  auto note = CertifyReceiptKey(cert, center);
  if (!note) return std::unexpected(note.error());
  out.certificate = std::move(cert);
  out.note = std::move(*note);
  return out;
}

Result<ReceiptKeyCertificate> VerifyReceiptKeyCertificate(std::string_view note,
                                                          std::span<const VerifierKey> centers,
                                                          std::string_view origin) {
  auto parsed = ParseNote(note);
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<NoteKey> keys;
  for (const VerifierKey& c : centers) keys.push_back(NoteKey::Of(c));
  auto signers = VerifyNoteSigners(*parsed, keys);
  if (!signers) return std::unexpected(signers.error());
  if (signers->empty()) {
    return MakeError(ErrorCode::kBadSignature,
                     "receipt key certificate is not signed by a center key of the manifest");
  }
  auto cert = ParseReceiptKeyCertificateText(parsed->text);
  if (!cert) return std::unexpected(cert.error());
  if (cert->origin != origin) {
    return MakeError(ErrorCode::kWrongElection, "receipt key certificate is for " + cert->origin +
                                                    ", not " + std::string(origin));
  }
  return cert;
}

ReceiptKeyRing::ReceiptKeyRing(const Manifest& manifest)
    : manifest_(manifest), origin_(LogOrigin(manifest.election_id)) {}

Status ReceiptKeyRing::AddCertificate(std::string_view note) {
  auto cert = VerifyReceiptKeyCertificate(note, manifest_.centers, origin_);
  if (!cert) return std::unexpected(cert.error());
  auto [from, to] = receipt_keys_.equal_range(cert->key.key_id);
  for (auto it = from; it != to; ++it) {
    if (it->second == *cert) return Ok();
  }
  receipt_keys_.emplace(cert->key.key_id, std::move(*cert));
  notes_.emplace_back(note);
  return Ok();
}

std::string ReceiptKeyRing::Json() const { return nlohmann::json{{"receipt_keys", notes_}}.dump(); }

Status ReceiptKeyRing::AddCertificates(std::string_view json_body) {
  auto doc = nlohmann::json::parse(json_body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("receipt_keys") ||
      !doc["receipt_keys"].is_array()) {
    return MakeError(ErrorCode::kMalformed, "receipt keys: not {\"receipt_keys\": [notes]}");
  }
  for (const auto& note : doc["receipt_keys"]) {
    if (!note.is_string()) return MakeError(ErrorCode::kMalformed, "receipt keys: not a string");
    ACTA_RETURN_IF_ERROR(AddCertificate(note.get<std::string>()));
  }
  return Ok();
}

Status ReceiptKeyRing::Verify(const Receipt& receipt) const {
  if (receipt.election_id != manifest_.election_id) {
    return MakeError(ErrorCode::kWrongElection, "receipt is for another election");
  }
  if (const VerifierKey* center = manifest_.FindCenter(receipt.center_key_id)) {
    if (receipt.Verify(*center)) return Ok();
    return MakeError(ErrorCode::kBadSignature,
                     "receipt does not verify with center key " + center->name);
  }
  auto [from, to] = receipt_keys_.equal_range(receipt.center_key_id);
  if (from == to) {
    return MakeError(ErrorCode::kNotFound,
                     "receipt signed by a key the manifest does not list (key id " +
                         KeyIdHex(receipt.center_key_id) +
                         ", and no receipt key certificate "
                         "for it)");
  }
  for (auto it = from; it != to; ++it) {
    const ReceiptKeyCertificate& c = it->second;
    if (receipt.received_at_ms < c.not_before_ms || receipt.received_at_ms > c.not_after_ms) {
      continue;
    }
    if (receipt.Verify(c.key)) return Ok();
  }
  return MakeError(ErrorCode::kBadSignature,
                   "receipt does not verify with a receipt key certified for its time");
}

}  // namespace acta::log
