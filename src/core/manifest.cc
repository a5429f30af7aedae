#include "core/manifest.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/crypto.h"
#include "core/file.h"
#include "core/wire.h"

namespace acta {
namespace {

constexpr std::string_view kManifestSigContext = "acta/v1/manifest\n";

void AppendString(Bytes& out, std::string_view s) {
  AppendVarint(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// A center or authority key (type 0x01), or a witness's (0x04; its section
// of the canonical bytes says which).
template <typename Key>
void AppendKey(Bytes& out, const Key& key) {
  AppendString(out, key.name);
  out.insert(out.end(), key.key.begin(), key.key.end());
}

void EncodeRecord(const TableRecord& t, uint8_t* p) {
  auto put32 = [&p](uint32_t v) {
    *p++ = static_cast<uint8_t>(v >> 24);
    *p++ = static_cast<uint8_t>(v >> 16);
    *p++ = static_cast<uint8_t>(v >> 8);
    *p++ = static_cast<uint8_t>(v);
  };
  put32(t.id);
  put32(t.region);
  put32(t.registered);
  *p++ = static_cast<uint8_t>(t.transport_key >> 8);
  *p++ = static_cast<uint8_t>(t.transport_key);
  std::copy(t.key.begin(), t.key.end(), p);
}

Bytes SignedMessage(const Manifest& m) {
  Bytes msg(kManifestSigContext.begin(), kManifestSigContext.end());
  Bytes canonical = m.CanonicalBytes();
  msg.insert(msg.end(), canonical.begin(), canonical.end());
  return msg;
}

std::string KeyIdHex(uint32_t id) {
  Bytes b;
  AppendU32(b, id);
  return HexEncode(b);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

Result<uint64_t> ParseUtcTimestamp(std::string_view t) {
  auto bad = [&t](std::string_view why) {
    std::string msg(1, '"');
    msg.append(t).append("\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ: ").append(why);
    return MakeError(ErrorCode::kMalformed, std::move(msg));
  };
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (t.size() != kShape.size()) return bad("wrong length");
  for (size_t i = 0; i < kShape.size(); ++i) {
    bool ok = kShape[i] == 'd' ? (t[i] >= '0' && t[i] <= '9') : t[i] == kShape[i];
    if (!ok) return bad("unexpected character at position " + std::to_string(i));
  }
  auto num = [&t](size_t pos, size_t len) {
    unsigned v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + static_cast<unsigned>(t[i] - '0');
    return v;
  };
  const unsigned year = num(0, 4), month = num(5, 2), day = num(8, 2);
  const unsigned hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  if (year < 1970) return bad("year before 1970");
  if (month < 1 || month > 12) return bad("month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return bad("day out of range");
  if (hour > 23 || minute > 59 || second > 59) return bad("time of day out of range");
  return static_cast<uint64_t>(DaysFromCivil(year, month, day)) * 86400 + hour * 3600 +
         minute * 60 + second;
}

std::string FormatUtcTimestamp(uint64_t unix_seconds) {
  // Hinnant's civil_from_days.
  const int64_t z = static_cast<int64_t>(unix_seconds / 86400) + 719468;
  const int64_t era = z / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  const uint64_t secs = unix_seconds % 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(y), m,
                d, static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60),
                static_cast<unsigned>(secs % 60));
  return buf;
}

std::string_view RegionLevelName(RegionLevel level) {
  switch (level) {
    case RegionLevel::kCountry:
      return "country";
    case RegionLevel::kState:
      return "state";
    case RegionLevel::kMunicipality:
      return "municipality";
    case RegionLevel::kParish:
      return "parish";
    case RegionLevel::kVotingCenter:
      return "voting_center";
  }
  return "unknown";
}

const TableRecord* Manifest::FindTable(uint32_t id) const {
  auto it = std::lower_bound(tables.begin(), tables.end(), id,
                             [](const TableRecord& t, uint32_t v) { return t.id < v; });
  if (it == tables.end() || it->id != id) return nullptr;
  return &*it;
}

int32_t Manifest::FindRegion(std::string_view code) const {
  // Linear: called rarely (CLI lookups, CSV import); a per-region index
  // would cost more memory than it saves on a 500,000-region manifest.
  for (size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].code == code) return static_cast<int32_t>(i);
  }
  return -1;
}

const VerifierKey* Manifest::FindCenter(uint32_t key_id) const {
  for (const VerifierKey& c : centers) {
    if (c.key_id == key_id) return &c;
  }
  return nullptr;
}

// The layout is documented byte by byte in docs/FORMATS.md ("Canonical
// bytes"); any change there must change the format string.
Bytes Manifest::CanonicalBytes() const {
  Bytes out;
  size_t estimate = 256 + regions.size() * 48;
  out.reserve(estimate);
  AppendString(out, format);
  AppendString(out, name);
  AppendU64(out, polls_close_not_before);
  AppendU64(out, polls_close_not_after);
  AppendKey(out, authority);
  AppendVarint(out, centers.size());
  for (const VerifierKey& c : centers) AppendKey(out, c);
  AppendVarint(out, transport_key_ids.size());
  for (const std::string& id : transport_key_ids) AppendString(out, id);
  AppendVarint(out, contests.size());
  for (const Contest& c : contests) {
    AppendString(out, c.id);
    AppendString(out, c.name);
    AppendVarint(out, c.candidates.size());
    for (const Candidate& k : c.candidates) {
      AppendString(out, k.id);
      AppendString(out, k.name);
      AppendString(out, k.party);
    }
  }
  AppendVarint(out, regions.size());
  for (const Region& r : regions) {
    AppendString(out, r.code);
    AppendString(out, r.name);
    out.push_back(static_cast<uint8_t>(r.level));
    AppendVarint(out, static_cast<uint64_t>(static_cast<int64_t>(r.parent) + 1));
  }
  AppendVarint(out, tables.size());
  out.insert(out.end(), tables_sha256.begin(), tables_sha256.end());
  // Appended only when present, so that a manifest without witnesses keeps
  // the bytes (and the election id) it always had.
  if (!witnesses.empty()) {
    AppendString(out, "witnesses");
    AppendVarint(out, witness_quorum);
    AppendVarint(out, witnesses.size());
    for (const ManifestWitness& w : witnesses) {
      AppendString(out, w.name);
      AppendKey(out, w.key);
      AppendString(out, w.url);
    }
  }
  if (!release_hashes.empty()) {
    AppendString(out, "release_hashes");
    AppendVarint(out, release_hashes.size());
    for (const Hash256& h : release_hashes) out.insert(out.end(), h.begin(), h.end());
  }
  return out;
}

Bytes Manifest::EncodeTables() const {
  Bytes out(tables.size() * kTableRecordSize);
  for (size_t i = 0; i < tables.size(); ++i)
    EncodeRecord(tables[i], out.data() + i * kTableRecordSize);
  return out;
}

void Manifest::Finalize() {
  // Hash tables.bin in chunks: a million tables would otherwise need a 46 MB
  // temporary just to hash it.
  Sha256Hasher hasher;
  constexpr size_t kChunk = 4096;
  uint8_t buf[kChunk * kTableRecordSize];
  for (size_t i = 0; i < tables.size(); i += kChunk) {
    size_t n = std::min(kChunk, tables.size() - i);
    for (size_t j = 0; j < n; ++j) EncodeRecord(tables[i + j], buf + j * kTableRecordSize);
    hasher.Update(ByteSpan(buf, n * kTableRecordSize));
  }
  tables_sha256 = hasher.Finish();
  election_id = Sha256(CanonicalBytes());
}

std::string SignManifest(const Manifest& manifest, const NamedSigningKey& authority) {
  Signature sig = authority.key.Sign(SignedMessage(manifest));
  return KeyIdHex(authority.key_id) + " " + Base64Encode(sig) + "\n";
}

Status VerifyManifestSignature(const Manifest& manifest, std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  auto space = text.find(' ');
  if (space == std::string_view::npos || space != 8) {
    return MakeError(ErrorCode::kMalformed,
                     "manifest.sig: expected \"<8 hex key id> <base64 signature>\"");
  }
  auto id = HexDecodeFixed<4>(text.substr(0, 8));
  if (!id) return MakeError(ErrorCode::kMalformed, "manifest.sig: key id must be 8 hex digits");
  auto sig_bytes = Base64Decode(text.substr(9));
  if (!sig_bytes || sig_bytes->size() != kSignatureSize) {
    return MakeError(ErrorCode::kMalformed, "manifest.sig: signature must be base64 of " +
                                                std::to_string(kSignatureSize) + " bytes");
  }
  uint32_t key_id = LoadU32(id->data());
  if (key_id != manifest.authority.key_id) {
    return MakeError(ErrorCode::kBadSignature, "manifest.sig: signed by key id " +
                                                   KeyIdHex(key_id) + ", the authority's is " +
                                                   KeyIdHex(manifest.authority.key_id));
  }
  Signature sig;
  std::copy(sig_bytes->begin(), sig_bytes->end(), sig.begin());
  if (!VerifySignature(manifest.authority.key, SignedMessage(manifest), sig)) {
    return MakeError(ErrorCode::kBadSignature,
                     "manifest.sig: signature does not verify with the authority key " +
                         manifest.authority.name + "+" + KeyIdHex(manifest.authority.key_id));
  }
  return Ok();
}

Result<Manifest> LoadManifest(const std::string& dir, const LoadOptions& options) {
  const std::filesystem::path base(dir);
  auto json = ReadTextFile((base / "manifest.json").string());
  if (!json) return std::unexpected(json.error());
  auto tables = ReadFile((base / "tables.bin").string());
  if (!tables) return std::unexpected(tables.error());
  auto sig = ReadTextFile((base / "manifest.sig").string());
  if (!sig) return std::unexpected(sig.error());

  auto manifest = ParseManifest(*json, *tables);
  if (!manifest) return manifest;
  tables->clear();
  tables->shrink_to_fit();
  if (options.pinned_authority) {
    const VerifierKey& pin = *options.pinned_authority;
    if (pin.key != manifest->authority.key || pin.name != manifest->authority.name) {
      return MakeError(ErrorCode::kBadSignature,
                       "manifest authority " + manifest->authority.ToString() +
                           " is not the pinned authority " + pin.ToString());
    }
  }
  ACTA_RETURN_IF_ERROR(VerifyManifestSignature(*manifest, *sig));
  if (options.expected_election_id && *options.expected_election_id != manifest->election_id) {
    return MakeError(ErrorCode::kWrongElection,
                     "manifest election id " + HexEncode(manifest->election_id) +
                         " is not the expected " + HexEncode(*options.expected_election_id));
  }
  return manifest;
}

Status WriteManifest(const std::string& dir, const Manifest& manifest,
                     const NamedSigningKey& authority) {
  if (authority.key.public_key() != manifest.authority.key) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "signing key " + authority.name + " is not the manifest's authority key");
  }
  const std::filesystem::path base(dir);
  Bytes tables = manifest.EncodeTables();
  if (Sha256(tables) != manifest.tables_sha256) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "manifest is not finalized: tables_sha256 does not match its tables");
  }
  // tables.bin first, manifest.json and its signature last: a reader that
  // sees the new JSON also finds the tables it names.
  ACTA_RETURN_IF_ERROR(WriteFileAtomic((base / "tables.bin").string(), tables));
  ACTA_RETURN_IF_ERROR(WriteFileAtomic((base / "manifest.json").string(), manifest.ToJson()));
  return WriteFileAtomic((base / "manifest.sig").string(), SignManifest(manifest, authority));
}

}  // namespace acta
