// manifest.json <-> Manifest, and the strict checks of tables.bin. Every
// error names the JSON path or the tables.bin record it is about, because
// the people who fix a manifest are not the people who wrote this code.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/acta.h"
#include "core/crypto.h"
#include "core/manifest.h"
#include "core/strict_json.h"

namespace acta {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFormat = "acta-manifest-v1";
constexpr std::string_view kTablesFile = "tables.bin";
constexpr size_t kMaxTables = 10'000'000;
constexpr size_t kMaxRegions = 10'000'000;
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxIdBytes = 64;
constexpr size_t kMaxTransportKeys = 65536;  // indexed by a u16
constexpr size_t kMaxWitnesses = 32;         // a note carries 32 signatures at most

std::unexpected<Error> Bad(const std::string& path, std::string_view why) {
  return MakeError(ErrorCode::kMalformed, path + ": " + std::string(why));
}

std::string Sub(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string At(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }
std::string Quote(std::string_view s) {
  std::string out(1, '"');
  out.append(s).append(1, '"');
  return out;
}

// Requires `v` to be an object holding exactly `fields`.
template <typename Fields>
Status CheckFields(const Json& v, const std::string& path, const Fields& fields) {
  if (!v.is_object()) return Bad(path.empty() ? "manifest.json" : path, "must be an object");
  for (std::string_view f : fields) {
    if (!v.contains(f)) return Bad(Sub(path, f), "missing");
  }
  for (const auto& [key, value] : v.items()) {
    bool known = false;
    for (std::string_view f : fields) known = known || key == f;
    if (!known) return Bad(Sub(path, key), "unknown field");
  }
  return Ok();
}
Status CheckObject(const Json& v, const std::string& path,
                   std::initializer_list<std::string_view> fields) {
  return CheckFields(v, path, fields);
}

Result<std::string> GetString(const Json& v, const std::string& path) {
  if (!v.is_string()) return Bad(path, "must be a string");
  return v.get<std::string>();
}

Status CheckId(std::string_view s, const std::string& path) {
  if (s.empty() || s.size() > kMaxIdBytes) {
    return Bad(path, "must be 1.." + std::to_string(kMaxIdBytes) + " characters");
  }
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return Bad(path, Quote(s) + " may only contain letters, digits, '-', '_' and '.'");
  }
  return Ok();
}

Status CheckText(std::string_view s, const std::string& path, bool allow_empty) {
  if ((s.empty() && !allow_empty) || s.size() > kMaxNameBytes) {
    return Bad(path, "must be " + std::string(allow_empty ? "0" : "1") + ".." +
                         std::to_string(kMaxNameBytes) + " bytes");
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Bad(path, "must not contain control characters");
    }
  }
  return Ok();
}

Result<std::string> GetId(const Json& obj, const std::string& path, std::string_view key) {
  auto s = GetString(obj.at(key), Sub(path, key));
  if (s) ACTA_RETURN_IF_ERROR(CheckId(*s, Sub(path, key)));
  return s;
}

Result<std::string> GetText(const Json& obj, const std::string& path, std::string_view key,
                            bool allow_empty = false) {
  auto s = GetString(obj.at(key), Sub(path, key));
  if (s) ACTA_RETURN_IF_ERROR(CheckText(*s, Sub(path, key), allow_empty));
  return s;
}

Result<VerifierKey> GetKey(const Json& v, const std::string& path) {
  auto s = GetString(v, path);
  if (!s) return std::unexpected(s.error());
  auto key = VerifierKey::Parse(*s);
  if (!key || key->ToString() != *s) {
    return Bad(path, key ? "not in canonical form" : key.error().message);
  }
  return key;
}

Result<RegionLevel> ParseLevel(const Json& v, const std::string& path) {
  auto s = GetString(v, path);
  if (!s) return std::unexpected(s.error());
  for (uint8_t l = 0; l <= static_cast<uint8_t>(RegionLevel::kVotingCenter); ++l) {
    if (*s == RegionLevelName(static_cast<RegionLevel>(l))) return static_cast<RegionLevel>(l);
  }
  return Bad(path, "unknown level " + Quote(*s) +
                       " (country, state, municipality, parish or voting_center)");
}

Status ParseContests(const Json& v, Manifest& m) {
  if (!v.is_array()) return Bad("contests", "must be an array");
  if (v.empty() || v.size() > kMaxContests) {
    return Bad("contests", "must hold 1.." + std::to_string(kMaxContests) + " contests, has " +
                               std::to_string(v.size()));
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string path = At("contests", i);
    ACTA_RETURN_IF_ERROR(CheckObject(v[i], path, {"id", "name", "candidates"}));
    Contest c;
    auto id = GetId(v[i], path, "id");
    if (!id) return std::unexpected(id.error());
    for (const Contest& prev : m.contests) {
      if (prev.id == *id) return Bad(Sub(path, "id"), "duplicate id " + Quote(*id));
    }
    auto name = GetText(v[i], path, "name");
    if (!name) return std::unexpected(name.error());
    c.id = std::move(*id);
    c.name = std::move(*name);
    const Json& cands = v[i]["candidates"];
    const std::string cpath = Sub(path, "candidates");
    if (!cands.is_array()) return Bad(cpath, "must be an array");
    if (cands.empty() || cands.size() > kMaxCandidates) {
      return Bad(cpath, "must hold 1.." + std::to_string(kMaxCandidates) + " candidates, has " +
                            std::to_string(cands.size()));
    }
    for (size_t j = 0; j < cands.size(); ++j) {
      const std::string kpath = At(cpath, j);
      ACTA_RETURN_IF_ERROR(CheckObject(cands[j], kpath, {"id", "name", "party"}));
      auto kid = GetId(cands[j], kpath, "id");
      if (!kid) return std::unexpected(kid.error());
      for (const Candidate& prev : c.candidates) {
        if (prev.id == *kid) return Bad(Sub(kpath, "id"), "duplicate id " + Quote(*kid));
      }
      auto kname = GetText(cands[j], kpath, "name");
      if (!kname) return std::unexpected(kname.error());
      auto party = GetText(cands[j], kpath, "party", /*allow_empty=*/true);
      if (!party) return std::unexpected(party.error());
      c.candidates.push_back(Candidate{std::move(*kid), std::move(*kname), std::move(*party)});
    }
    m.contests.push_back(std::move(c));
  }
  return Ok();
}

Status ParseRegions(const Json& v, Manifest& m) {
  if (!v.is_array()) return Bad("regions", "must be an array");
  if (v.empty()) return Bad("regions", "must hold at least the country");
  if (v.size() > kMaxRegions) return Bad("regions", "more than " + std::to_string(kMaxRegions));
  m.regions.reserve(v.size());
  // Pass 1: fields and unique codes. The index maps views of codes stored in
  // m.regions, which the reserve above keeps from moving.
  std::unordered_map<std::string_view, int32_t> index;
  index.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string path = At("regions", i);
    ACTA_RETURN_IF_ERROR(CheckObject(v[i], path, {"code", "name", "level", "parent"}));
    auto code = GetId(v[i], path, "code");
    if (!code) return std::unexpected(code.error());
    auto name = GetText(v[i], path, "name");
    if (!name) return std::unexpected(name.error());
    auto level = ParseLevel(v[i]["level"], Sub(path, "level"));
    if (!level) return std::unexpected(level.error());
    m.regions.push_back(Region{std::move(*code), std::move(*name), *level, -1});
    auto [it, inserted] = index.emplace(m.regions.back().code, static_cast<int32_t>(i));
    if (!inserted) {
      return Bad(Sub(path, "code"), "duplicate code " + Quote(m.regions.back().code) +
                                        " (also regions[" + std::to_string(it->second) + "])");
    }
  }
  // Pass 2: the tree. Parents precede children, one level up.
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string path = At("regions", i);
    Region& r = m.regions[i];
    const Json& parent = v[i]["parent"];
    if (r.level == RegionLevel::kCountry) {
      if (i != 0) return Bad(Sub(path, "level"), "only regions[0] may be the country");
      if (!parent.is_null()) return Bad(Sub(path, "parent"), "the country's parent must be null");
      continue;
    }
    if (i == 0) return Bad(Sub(path, "level"), "regions[0] must be the country");
    if (parent.is_null()) return Bad(Sub(path, "parent"), "must name the parent region");
    if (!parent.is_string()) return Bad(Sub(path, "parent"), "must be a string or null");
    const std::string& pcode = parent.get_ref<const std::string&>();
    auto it = index.find(pcode);
    if (it == index.end()) return Bad(Sub(path, "parent"), "unknown region " + Quote(pcode));
    if (static_cast<size_t>(it->second) >= i) {
      return Bad(Sub(path, "parent"), "region " + Quote(pcode) + " must come before its children");
    }
    const Region& p = m.regions[it->second];
    auto expected = static_cast<RegionLevel>(static_cast<uint8_t>(r.level) - 1);
    if (p.level != expected) {
      return Bad(Sub(path, "parent"),
                 Quote(pcode) + " is a " + std::string(RegionLevelName(p.level)) +
                     ", the parent of a " + std::string(RegionLevelName(r.level)) + " must be a " +
                     std::string(RegionLevelName(expected)));
    }
    r.parent = it->second;
  }
  return Ok();
}

Status ParseTableRecords(ByteSpan bin, size_t count, const Hash256& sha, Manifest& m) {
  if (bin.size() % kTableRecordSize != 0) {
    return Bad("tables.bin", "size " + std::to_string(bin.size()) + " is not a multiple of " +
                                 std::to_string(kTableRecordSize));
  }
  if (bin.size() / kTableRecordSize != count) {
    return Bad("tables.bin", "holds " + std::to_string(bin.size() / kTableRecordSize) +
                                 " records, tables.count is " + std::to_string(count));
  }
  Hash256 actual = Sha256(bin);
  if (actual != sha) {
    return Bad("tables.bin",
               "SHA-256 " + HexEncode(actual) + " does not match tables.sha256 " + HexEncode(sha));
  }
  m.tables.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = bin.data() + i * kTableRecordSize;
    TableRecord& t = m.tables[i];
    t.id = LoadU32(p);
    t.region = LoadU32(p + 4);
    t.registered = LoadU32(p + 8);
    t.transport_key = LoadU16(p + 12);
    std::copy(p + 14, p + kTableRecordSize, t.key.begin());
    auto fail = [&](std::string_view why) {
      return Bad("tables.bin record " + std::to_string(i) + " (table " + std::to_string(t.id) + ")",
                 why);
    };
    if (t.id == 0) return fail("table id must be > 0");
    if (i > 0 && t.id == m.tables[i - 1].id) return fail("duplicate table id");
    if (i > 0 && t.id < m.tables[i - 1].id) {
      return fail("not sorted by id (previous record is table " +
                  std::to_string(m.tables[i - 1].id) + ")");
    }
    if (t.region >= m.regions.size()) {
      return fail("region " + std::to_string(t.region) + " is out of range (" +
                  std::to_string(m.regions.size()) + " regions)");
    }
    const Region& r = m.regions[t.region];
    if (r.level != RegionLevel::kVotingCenter) {
      return fail("region " + std::to_string(t.region) + " (" + Quote(r.code) +
                  ") is not a voting center");
    }
    if (t.registered == 0) return fail("registered voters must be > 0");
    if (t.transport_key >= m.transport_key_ids.size()) {
      return fail("transport key " + std::to_string(t.transport_key) + " is out of range (" +
                  std::to_string(m.transport_key_ids.size()) + " transport keys)");
    }
    if (std::all_of(t.key.begin(), t.key.end(), [](uint8_t b) { return b == 0; })) {
      return fail("public key is all zeros");
    }
  }
  return Ok();
}

// "witnesses": {"quorum": k, "list": [{"name", "vkey", "url"}...]}: 1 <= k
// <= n, names and keys unique, vkeys of type 0x04, URLs http(s).
Status ParseWitnesses(const Json& w, Manifest& m) {
  ACTA_RETURN_IF_ERROR(CheckObject(w, "witnesses", {"quorum", "list"}));
  const Json& list = w["list"];
  if (!list.is_array() || list.empty() || list.size() > kMaxWitnesses) {
    return Bad("witnesses.list",
               "must be an array of 1.." + std::to_string(kMaxWitnesses) + " witnesses");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = At("witnesses.list", i);
    ACTA_RETURN_IF_ERROR(CheckObject(list[i], path, {"name", "vkey", "url"}));
    auto name = GetText(list[i], path, "name");
    if (!name) return std::unexpected(name.error());
    auto vkey = GetString(list[i]["vkey"], Sub(path, "vkey"));
    if (!vkey) return std::unexpected(vkey.error());
    auto key = CosignerKey::Parse(*vkey);
    if (!key) return Bad(Sub(path, "vkey"), key.error().message);
    auto url = GetString(list[i]["url"], Sub(path, "url"));
    if (!url) return std::unexpected(url.error());
    ACTA_RETURN_IF_ERROR(CheckText(*url, Sub(path, "url"), false));
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
      return Bad(Sub(path, "url"), "must start with http:// or https://");
    }
    for (const ManifestWitness& prev : m.witnesses) {
      if (prev.name == *name) return Bad(Sub(path, "name"), "duplicate name " + Quote(*name));
      if (prev.key.key == key->key ||
          (prev.key.name == key->name && prev.key.key_id == key->key_id)) {
        return Bad(Sub(path, "vkey"), "the same key as witness " + Quote(prev.name));
      }
    }
    m.witnesses.push_back(ManifestWitness{std::move(*name), std::move(*key), std::move(*url)});
  }
  if (!w["quorum"].is_number_unsigned()) {
    return Bad("witnesses.quorum", "must be a non-negative integer");
  }
  const uint64_t quorum = w["quorum"].get<uint64_t>();
  if (quorum == 0 || quorum > m.witnesses.size()) {
    return Bad("witnesses.quorum", "must be 1.." + std::to_string(m.witnesses.size()) +
                                       " (the number of witnesses listed)");
  }
  m.witness_quorum = static_cast<uint32_t>(quorum);
  return Ok();
}

// "release_hashes": ["<64 lowercase hex>"...]: 1..kMaxReleaseHashes,
// distinct.
Status ParseReleaseHashes(const Json& v, Manifest& m) {
  if (!v.is_array() || v.empty() || v.size() > kMaxReleaseHashes) {
    return Bad("release_hashes",
               "must be an array of 1.." + std::to_string(kMaxReleaseHashes) + " hashes");
  }
  for (size_t i = 0; i < v.size(); ++i) {
    auto hex = GetString(v[i], At("release_hashes", i));
    if (!hex) return std::unexpected(hex.error());
    auto hash = ParseReleaseHash(*hex);
    if (!hash) return Bad(At("release_hashes", i), hash.error().message);
    for (size_t j = 0; j < m.release_hashes.size(); ++j) {
      if (m.release_hashes[j] == *hash) {
        return Bad(At("release_hashes", i), "the same hash as " + At("release_hashes", j));
      }
    }
    m.release_hashes.push_back(*hash);
  }
  return Ok();
}

Status ParseBody(const Json& root, ByteSpan tables_bin, Manifest& m) {
  std::vector<std::string_view> fields = {"format",    "name",    "polls_close",
                                          "authority", "centers", "transport_key_ids",
                                          "contests",  "regions", "tables"};
  // The optional sections (FORMATS.md, "Canonical bytes").
  for (std::string_view optional : {"witnesses", "release_hashes"}) {
    if (root.is_object() && root.contains(optional)) fields.push_back(optional);
  }
  ACTA_RETURN_IF_ERROR(CheckFields(root, "", fields));
  if (root.contains("witnesses")) ACTA_RETURN_IF_ERROR(ParseWitnesses(root["witnesses"], m));
  if (root.contains("release_hashes")) {
    ACTA_RETURN_IF_ERROR(ParseReleaseHashes(root["release_hashes"], m));
  }
  auto format = GetString(root["format"], "format");
  if (!format) return std::unexpected(format.error());
  if (*format != kFormat) {
    return MakeError(
        ErrorCode::kUnsupportedVersion,
        "format: " + Quote(*format) + " is not supported (expected " + Quote(kFormat) + ")");
  }
  m.format = *format;
  auto name = GetText(root, "", "name");
  if (!name) return std::unexpected(name.error());
  m.name = std::move(*name);

  const Json& pc = root["polls_close"];
  ACTA_RETURN_IF_ERROR(CheckObject(pc, "polls_close", {"not_before", "not_after"}));
  for (auto [field, out] : {std::pair{"not_before", &m.polls_close_not_before},
                            std::pair{"not_after", &m.polls_close_not_after}}) {
    const std::string path = Sub("polls_close", field);
    auto s = GetString(pc[field], path);
    if (!s) return std::unexpected(s.error());
    auto t = ParseUtcTimestamp(*s);
    if (!t) return Bad(path, t.error().message);
    *out = *t;
  }
  if (m.polls_close_not_before > m.polls_close_not_after) {
    return Bad("polls_close", "not_before is after not_after");
  }

  auto authority = GetKey(root["authority"], "authority");
  if (!authority) return std::unexpected(authority.error());
  m.authority = std::move(*authority);

  const Json& centers = root["centers"];
  if (!centers.is_array()) return Bad("centers", "must be an array");
  if (centers.empty()) return Bad("centers", "must hold at least one center key");
  for (size_t i = 0; i < centers.size(); ++i) {
    auto key = GetKey(centers[i], At("centers", i));
    if (!key) return std::unexpected(key.error());
    if (m.FindCenter(key->key_id)) {
      Bytes id;
      AppendU32(id, key->key_id);
      return Bad(At("centers", i), "duplicate key id " + HexEncode(id));
    }
    m.centers.push_back(std::move(*key));
  }

  const Json& tk = root["transport_key_ids"];
  if (!tk.is_array()) return Bad("transport_key_ids", "must be an array");
  if (tk.empty() || tk.size() > kMaxTransportKeys) {
    return Bad("transport_key_ids", "must hold 1.." + std::to_string(kMaxTransportKeys) + " ids");
  }
  for (size_t i = 0; i < tk.size(); ++i) {
    const std::string path = At("transport_key_ids", i);
    auto id = GetString(tk[i], path);
    if (!id) return std::unexpected(id.error());
    bool hex = id->size() == 16 && std::all_of(id->begin(), id->end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
               });
    if (!hex) return Bad(path, "must be 16 lowercase hex digits");
    for (const std::string& prev : m.transport_key_ids) {
      if (prev == *id) return Bad(path, "duplicate id " + Quote(*id));
    }
    m.transport_key_ids.push_back(std::move(*id));
  }

  ACTA_RETURN_IF_ERROR(ParseContests(root["contests"], m));
  ACTA_RETURN_IF_ERROR(ParseRegions(root["regions"], m));

  const Json& tables = root["tables"];
  ACTA_RETURN_IF_ERROR(CheckObject(tables, "tables", {"file", "count", "sha256"}));
  auto file = GetString(tables["file"], "tables.file");
  if (!file) return std::unexpected(file.error());
  if (*file != kTablesFile) return Bad("tables.file", "must be " + Quote(kTablesFile));
  if (!tables["count"].is_number_unsigned()) {
    return Bad("tables.count", "must be a non-negative integer");
  }
  uint64_t count = tables["count"].get<uint64_t>();
  if (count == 0 || count > kMaxTables) {
    return Bad("tables.count", "must be 1.." + std::to_string(kMaxTables));
  }
  auto sha_text = GetString(tables["sha256"], "tables.sha256");
  if (!sha_text) return std::unexpected(sha_text.error());
  auto sha = HexDecodeFixed<32>(*sha_text);
  if (!sha || HexEncode(*sha) != *sha_text) {
    return Bad("tables.sha256", "must be 64 lowercase hex digits");
  }
  m.tables_sha256 = *sha;
  return ParseTableRecords(tables_bin, count, *sha, m);
}

}  // namespace

Result<Manifest> ParseManifest(std::string_view json, ByteSpan tables_bin) {
  auto root = ParseStrictJson(json, "manifest.json");
  if (!root) return std::unexpected(root.error());
  Manifest m;
  try {
    ACTA_RETURN_IF_ERROR(ParseBody(*root, tables_bin, m));
  } catch (const std::exception& e) {
    // Every access above is type-checked first; this is only a backstop.
    return MakeError(ErrorCode::kMalformed, std::string("manifest.json: ") + e.what());
  }
  m.election_id = Sha256(m.CanonicalBytes());
  return m;
}

// Written by hand rather than through a JSON DOM: a million-table manifest
// has half a million regions, and a DOM of them costs seconds and hundreds
// of MB. Regions go one per line, which also keeps diffs readable.
std::string Manifest::ToJson() const {
  std::string out;
  out.reserve(1024 + regions.size() * 110);
  auto str = [&out](std::string_view s) {
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[(c >> 4) & 0xf];
        out += kHex[c & 0xf];
      } else {
        out += c;
      }
    }
    out += '"';
  };
  auto field = [&](std::string_view indent, std::string_view key, std::string_view value) {
    out.append(indent).append(1, '"').append(key).append("\": ");
    str(value);
  };
  out += "{\n";
  field("  ", "format", format);
  out += ",\n";
  field("  ", "name", name);
  out += ",\n  \"polls_close\": {\n";
  field("    ", "not_before", FormatUtcTimestamp(polls_close_not_before));
  out += ",\n";
  field("    ", "not_after", FormatUtcTimestamp(polls_close_not_after));
  out += "\n  },\n";
  field("  ", "authority", authority.ToString());
  out += ",\n  \"centers\": [";
  for (size_t i = 0; i < centers.size(); ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    str(centers[i].ToString());
  }
  if (!witnesses.empty()) {
    out += "\n  ],\n  \"witnesses\": {\n    \"quorum\": " + std::to_string(witness_quorum) +
           ",\n    \"list\": [";
    for (size_t i = 0; i < witnesses.size(); ++i) {
      out += i == 0 ? "\n      {" : ",\n      {";
      field("", "name", witnesses[i].name);
      field(", ", "vkey", witnesses[i].key.ToString());
      field(", ", "url", witnesses[i].url);
      out += "}";
    }
    out += "\n    ]\n  }";
  } else {
    out += "\n  ]";
  }
  if (!release_hashes.empty()) {
    out += ",\n  \"release_hashes\": [";
    for (size_t i = 0; i < release_hashes.size(); ++i) {
      out += i == 0 ? "\n    " : ",\n    ";
      str(HexEncode(release_hashes[i]));
    }
    out += "\n  ]";
  }
  out += ",\n  \"transport_key_ids\": [";
  for (size_t i = 0; i < transport_key_ids.size(); ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    str(transport_key_ids[i]);
  }
  out += "\n  ],\n  \"contests\": [";
  for (size_t i = 0; i < contests.size(); ++i) {
    const Contest& c = contests[i];
    out += i == 0 ? "\n    {\n" : ",\n    {\n";
    field("      ", "id", c.id);
    out += ",\n";
    field("      ", "name", c.name);
    out += ",\n      \"candidates\": [";
    for (size_t j = 0; j < c.candidates.size(); ++j) {
      const Candidate& k = c.candidates[j];
      out += j == 0 ? "\n        {" : ",\n        {";
      field("", "id", k.id);
      field(", ", "name", k.name);
      field(", ", "party", k.party);
      out += "}";
    }
    out += "\n      ]\n    }";
  }
  out += "\n  ],\n  \"regions\": [";
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& r = regions[i];
    out += i == 0 ? "\n    {" : ",\n    {";
    field("", "code", r.code);
    field(", ", "name", r.name);
    field(", ", "level", RegionLevelName(r.level));
    out += ", \"parent\": ";
    if (r.parent < 0) {
      out += "null";
    } else {
      str(regions[r.parent].code);
    }
    out += "}";
  }
  out += "\n  ],\n  \"tables\": {\n";
  field("    ", "file", kTablesFile);
  out += ",\n    \"count\": " + std::to_string(tables.size()) + ",\n";
  field("    ", "sha256", HexEncode(tables_sha256));
  out += "\n  }\n}\n";
  return out;
}

}  // namespace acta
