#include "core/acta.h"

#include <cstring>
#include <limits>

#include "core/wire.h"

namespace acta {
namespace {

constexpr std::string_view kActaSigContext = "acta/v1/acta\n";

Bytes SignedMessageOf(ByteSpan body_bytes) {
  // Sized once and filled with memcpy: vector::insert here trips a false
  // -Warray-bounds in g++ 12 at -O2.
  Bytes msg(kActaSigContext.size() + body_bytes.size());
  std::memcpy(msg.data(), kActaSigContext.data(), kActaSigContext.size());
  if (!body_bytes.empty()) {
    std::memcpy(msg.data() + kActaSigContext.size(), body_bytes.data(), body_bytes.size());
  }
  return msg;
}

}  // namespace

uint64_t ContestCounts::Total() const {
  uint64_t t = uint64_t{blank} + null_votes;
  for (uint32_t c : candidates) t += c;
  return t;
}

Hash256 LeafHashOf(ByteSpan entry) {
  Sha256Hasher h;
  const uint8_t prefix = 0x00;
  h.Update(ByteSpan(&prefix, 1));
  h.Update(entry);
  return h.Finish();
}

Hash256 Acta::LeafHash() const { return LeafHashOf(bytes); }

Bytes Acta::SignedMessage() const {
  return SignedMessageOf(ByteSpan(bytes).first(bytes.size() - kSignatureSize));
}

bool Acta::VerifySignature(const PublicKey& key) const {
  return acta::VerifySignature(key, SignedMessage(), signature);
}

Status ValidateBodyShape(const ActaBody& body) {
  if (body.contests.empty() || body.contests.size() > kMaxContests) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "acta must have 1.." + std::to_string(kMaxContests) + " contests, has " +
                         std::to_string(body.contests.size()));
  }
  for (size_t i = 0; i < body.contests.size(); ++i) {
    size_t n = body.contests[i].candidates.size();
    if (n == 0 || n > kMaxCandidates) {
      return MakeError(ErrorCode::kInvalidArgument, "contest " + std::to_string(i) +
                                                        " must have 1.." +
                                                        std::to_string(kMaxCandidates) +
                                                        " candidates, has " + std::to_string(n));
    }
  }
  return Ok();
}

Result<Bytes> EncodeActaBody(const ActaBody& body) {
  ACTA_RETURN_IF_ERROR(ValidateBodyShape(body));
  Bytes out;
  out.reserve(256);
  out.push_back(kActaVersion);
  out.insert(out.end(), body.election_id.begin(), body.election_id.end());
  AppendU32(out, body.table_id);
  AppendU64(out, body.closing_time);
  AppendVarint(out, body.correction);
  AppendVarint(out, body.ballots_cast);
  AppendVarint(out, body.contests.size());
  for (const ContestCounts& c : body.contests) {
    AppendVarint(out, c.candidates.size());
    for (uint32_t v : c.candidates) AppendVarint(out, v);
    AppendVarint(out, c.blank);
    AppendVarint(out, c.null_votes);
  }
  if (out.size() + kSignatureSize > kMaxActaSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "encoded acta would exceed " + std::to_string(kMaxActaSize) + " bytes");
  }
  return out;
}

Result<Acta> SignActa(const ActaBody& body, const SigningKey& key) {
  auto encoded = EncodeActaBody(body);
  if (!encoded) return std::unexpected(encoded.error());
  Acta acta;
  acta.body = body;
  acta.signature = key.Sign(SignedMessageOf(*encoded));
  acta.bytes = std::move(*encoded);
  acta.bytes.insert(acta.bytes.end(), acta.signature.begin(), acta.signature.end());
  return acta;
}

Result<Acta> DecodeActa(ByteSpan bytes) {
  if (bytes.size() < kMinActaSize) {
    return MakeError(ErrorCode::kMalformed, "acta too short: " + std::to_string(bytes.size()) +
                                                " bytes, minimum " + std::to_string(kMinActaSize));
  }
  if (bytes.size() > kMaxActaSize) {
    return MakeError(ErrorCode::kMalformed, "acta too long: " + std::to_string(bytes.size()) +
                                                " bytes, maximum " + std::to_string(kMaxActaSize));
  }
  if (bytes[0] != kActaVersion) {
    return MakeError(ErrorCode::kUnsupportedVersion, "acta version " + std::to_string(bytes[0]) +
                                                         " is not supported (expected " +
                                                         std::to_string(kActaVersion) + ")");
  }
  const ByteSpan body_bytes = bytes.first(bytes.size() - kSignatureSize);
  WireReader r(body_bytes);
  Acta acta;
  ActaBody& b = acta.body;
  (void)r.U8("version");
  auto eid = r.Take(32, "election_id");
  if (!eid) return std::unexpected(eid.error());
  std::copy(eid->begin(), eid->end(), b.election_id.begin());
  auto table = r.U32("table_id");
  if (!table) return std::unexpected(table.error());
  b.table_id = *table;
  auto closing = r.U64("closing_time");
  if (!closing) return std::unexpected(closing.error());
  b.closing_time = *closing;
  constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();
  auto correction = r.Varint("correction", kU32Max);
  if (!correction) return std::unexpected(correction.error());
  b.correction = static_cast<uint32_t>(*correction);
  auto cast = r.Varint("ballots_cast", kU32Max);
  if (!cast) return std::unexpected(cast.error());
  b.ballots_cast = static_cast<uint32_t>(*cast);
  auto ncontests = r.Varint("contest_count", kMaxContests);
  if (!ncontests) return std::unexpected(ncontests.error());
  if (*ncontests == 0) return r.Fail("contest_count", "must be at least 1");
  b.contests.resize(*ncontests);
  for (size_t i = 0; i < b.contests.size(); ++i) {
    const std::string prefix = "contest[" + std::to_string(i) + "].";
    ContestCounts& c = b.contests[i];
    auto ncand = r.Varint(prefix + "candidate_count", kMaxCandidates);
    if (!ncand) return std::unexpected(ncand.error());
    if (*ncand == 0) return r.Fail(prefix + "candidate_count", "must be at least 1");
    c.candidates.resize(*ncand);
    for (size_t k = 0; k < c.candidates.size(); ++k) {
      auto v = r.Varint(prefix + "candidate[" + std::to_string(k) + "]", kU32Max);
      if (!v) return std::unexpected(v.error());
      c.candidates[k] = static_cast<uint32_t>(*v);
    }
    auto blank = r.Varint(prefix + "blank", kU32Max);
    if (!blank) return std::unexpected(blank.error());
    c.blank = static_cast<uint32_t>(*blank);
    auto null_votes = r.Varint(prefix + "null", kU32Max);
    if (!null_votes) return std::unexpected(null_votes.error());
    c.null_votes = static_cast<uint32_t>(*null_votes);
    if (c.Total() > kU32Max) return r.Fail(prefix + "total", "votes in contest overflow 2^32-1");
  }
  if (!r.done()) {
    return r.Fail("signature", "body followed by " + std::to_string(r.remaining()) +
                                   " unexpected bytes before the signature");
  }
  std::copy(bytes.end() - kSignatureSize, bytes.end(), acta.signature.begin());
  acta.bytes.assign(bytes.begin(), bytes.end());
  return acta;
}

std::string ActaToText(const Acta& acta) {
  return std::string(kActaTextPrefix) + Base45Encode(acta.bytes);
}

Result<Acta> ActaFromText(std::string_view text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r' || text.front() == ' ' ||
                           text.front() == '\t'))
    text.remove_prefix(1);
  if (!text.starts_with(kActaTextPrefix)) {
    return MakeError(ErrorCode::kMalformed, "acta text must start with \"ACTA1:\"");
  }
  auto bytes = Base45Decode(text.substr(kActaTextPrefix.size()));
  if (!bytes) return MakeError(ErrorCode::kMalformed, "acta text: " + bytes.error().message);
  return DecodeActa(*bytes);
}

}  // namespace acta
