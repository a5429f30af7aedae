// The acta: one table's signed tally sheet, in its canonical binary encoding
// (docs/FORMATS.md, "Acta"). Encoding is deterministic and decoding strict,
// so one byte string has exactly one meaning and every acta has exactly one
// byte string.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/crypto.h"

namespace acta {

constexpr uint8_t kActaVersion = 1;
constexpr size_t kMaxContests = 16;
constexpr size_t kMaxCandidates = 64;
constexpr size_t kMaxActaSize = 1024;
// Offsets of the fixed header, so cheap checks need no full decode.
constexpr size_t kActaElectionIdOffset = 1;
constexpr size_t kActaTableIdOffset = 33;
constexpr size_t kActaFixedHeaderSize = 45;
constexpr size_t kMinActaSize = kActaFixedHeaderSize + 3 + 4 + kSignatureSize;
// The QR text is this prefix followed by the base45 of the acta bytes.
constexpr std::string_view kActaTextPrefix = "ACTA1:";

struct ContestCounts {
  std::vector<uint32_t> candidates;  // in manifest order
  uint32_t blank = 0;
  uint32_t null_votes = 0;

  uint64_t Total() const;  // candidates + blank + null
  bool operator==(const ContestCounts&) const = default;
};

// Everything the terminal signs.
struct ActaBody {
  Hash256 election_id{};
  uint32_t table_id = 0;
  uint64_t closing_time = 0;  // Unix seconds
  uint32_t correction = 0;    // 0 for the first acta of a table, then 1, 2...
  uint32_t ballots_cast = 0;
  std::vector<ContestCounts> contests;  // in manifest order

  bool operator==(const ActaBody&) const = default;
};

// A decoded, structurally valid acta. `bytes` is its canonical encoding
// (body followed by signature); the signature is NOT checked by Decode.
struct Acta {
  ActaBody body;
  Signature signature{};
  Bytes bytes;

  // RFC 9162 leaf hash: SHA-256(0x00 || bytes).
  Hash256 LeafHash() const;
  // The signed message: "acta/v1/acta\n" || bytes without the signature.
  Bytes SignedMessage() const;
  bool VerifySignature(const PublicKey& key) const;
};

// Checks the body's own structural limits (contest and candidate counts).
Status ValidateBodyShape(const ActaBody& body);

// Encodes the body (no signature).
Result<Bytes> EncodeActaBody(const ActaBody& body);
// Encodes and signs with the table's key.
Result<Acta> SignActa(const ActaBody& body, const SigningKey& key);

// Strict decode: wrong version, truncation, trailing bytes, non-minimal
// varints, counts above 2^32-1, per-contest totals that overflow, sizes
// outside [kMinActaSize, kMaxActaSize] are all kMalformed (or
// kUnsupportedVersion) with the offset and field named.
Result<Acta> DecodeActa(ByteSpan bytes);

// RFC 9162 leaf hash of raw entry bytes.
Hash256 LeafHashOf(ByteSpan entry);

// QR text form: "ACTA1:" + base45(bytes).
std::string ActaToText(const Acta& acta);
// Accepts exactly the form ActaToText produces (surrounding whitespace is
// trimmed, as scanners add line ends).
Result<Acta> ActaFromText(std::string_view text);

}  // namespace acta
