#include "core/manifest_csv.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "core/file.h"
#include "core/manifest.h"

namespace acta {
namespace {

std::unexpected<Error> BadLine(std::string_view file, size_t line, std::string_view why) {
  return MakeError(ErrorCode::kMalformed,
                   std::string(file) + ":" + std::to_string(line) + ": " + std::string(why));
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

Result<uint32_t> ParseU32(std::string_view s, std::string_view file, size_t line,
                          std::string_view column) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 10 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return BadLine(
        file, line,
        std::string(column) + " must be a decimal number, got \"" + std::string(s) + "\"");
  }
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  if (v > UINT32_MAX) return BadLine(file, line, std::string(column) + " is too large");
  return static_cast<uint32_t>(v);
}

Result<std::vector<CsvRow>> ReadCsv(const std::string& dir, std::string_view file,
                                    const std::vector<std::string>& header) {
  auto text = ReadTextFile((std::filesystem::path(dir) / file).string());
  if (!text) return std::unexpected(text.error());
  return ParseCsv(*text, file, header);
}

Seed DrawSeed(Random& rng) {
  Seed s;
  rng.Fill(s);
  return s;
}

// A `center` row: a key name (init generates the key) or a vkey whose
// private key is kept elsewhere (a token; `acta keygen --token`).
struct CenterRow {
  std::string name;
  std::optional<VerifierKey> given;
};

struct Election {
  std::string name;
  std::string authority;
  std::vector<CenterRow> centers;
  uint64_t not_before = 0, not_after = 0;
  uint64_t witness_quorum = 0;  // 0: not given
  std::vector<Hash256> release_hashes;
};

Result<Election> ReadElection(const std::string& dir) {
  constexpr std::string_view kFile = "election.csv";
  auto rows = ReadCsv(dir, kFile, {"key", "value"});
  if (!rows) return std::unexpected(rows.error());
  Election e;
  bool seen_name = false, seen_before = false, seen_after = false, seen_authority = false;
  for (const CsvRow& row : *rows) {
    const std::string& key = row.fields[0];
    const std::string& value = row.fields[1];
    auto once = [&](bool& seen) -> Status {
      if (seen) return BadLine(kFile, row.line, "duplicate key \"" + key + "\"");
      seen = true;
      return Ok();
    };
    if (key == "name") {
      ACTA_RETURN_IF_ERROR(once(seen_name));
      e.name = value;
    } else if (key == "polls_close_not_before" || key == "polls_close_not_after") {
      bool before = key == "polls_close_not_before";
      ACTA_RETURN_IF_ERROR(once(before ? seen_before : seen_after));
      auto t = ParseUtcTimestamp(value);
      if (!t) return BadLine(kFile, row.line, t.error().message);
      (before ? e.not_before : e.not_after) = *t;
    } else if (key == "witness_quorum") {
      uint64_t q = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || q == 0) {
        return BadLine(kFile, row.line, "witness_quorum must be a positive integer");
      }
      if (e.witness_quorum != 0)
        return BadLine(kFile, row.line, "duplicate key \"witness_quorum\"");
      e.witness_quorum = q;
    } else if (key == "release_hash") {
      auto hash = ParseReleaseHash(value);
      if (!hash) return BadLine(kFile, row.line, "release_hash " + hash.error().message);
      e.release_hashes.push_back(*hash);
    } else if (key == "center" && value.find('+') != std::string::npos) {
      // A name has no '+', so a '+' means a vkey: name+keyid+base64.
      auto vkey = VerifierKey::Parse(value);
      if (!vkey) return BadLine(kFile, row.line, "center " + vkey.error().message);
      for (const CenterRow& c : e.centers) {
        if (c.given && c.given->key == vkey->key) {
          return BadLine(kFile, row.line, "center key " + vkey->name + " is listed twice");
        }
      }
      e.centers.push_back(CenterRow{vkey->name, std::move(*vkey)});
    } else if (key == "authority" || key == "center") {
      if (!IsValidKeyName(value)) {
        return BadLine(kFile, row.line,
                       "key name \"" + value + "\" must be non-empty, without '+' or spaces");
      }
      if (key == "authority") {
        ACTA_RETURN_IF_ERROR(once(seen_authority));
        e.authority = value;
      } else {
        e.centers.push_back(CenterRow{value, std::nullopt});
      }
    } else {
      return BadLine(
          kFile, row.line,
          "unknown key \"" + key +
              "\" (name, polls_close_not_before, polls_close_not_after, authority, center, "
              "witness_quorum, release_hash)");
    }
  }
  size_t end = rows->empty() ? 1 : rows->back().line;
  if (!seen_name) return BadLine(kFile, end, "missing key \"name\"");
  if (!seen_before) return BadLine(kFile, end, "missing key \"polls_close_not_before\"");
  if (!seen_after) return BadLine(kFile, end, "missing key \"polls_close_not_after\"");
  if (!seen_authority) return BadLine(kFile, end, "missing key \"authority\"");
  if (e.centers.empty()) return BadLine(kFile, end, "missing key \"center\"");
  return e;
}

Status ReadContests(const std::string& dir, Manifest& m) {
  constexpr std::string_view kFile = "contests.csv";
  auto rows = ReadCsv(dir, kFile,
                      {"contest_id", "contest_name", "candidate_id", "candidate_name", "party"});
  if (!rows) return std::unexpected(rows.error());
  for (const CsvRow& row : *rows) {
    const auto& f = row.fields;
    if (m.contests.empty() || m.contests.back().id != f[0]) {
      for (const Contest& c : m.contests) {
        if (c.id == f[0]) {
          return BadLine(kFile, row.line, "rows of contest \"" + f[0] + "\" must be contiguous");
        }
      }
      m.contests.push_back(Contest{f[0], f[1], {}});
    } else if (m.contests.back().name != f[1]) {
      return BadLine(kFile, row.line, "contest \"" + f[0] + "\" has two names");
    }
    for (const Candidate& k : m.contests.back().candidates) {
      if (k.id == f[2]) return BadLine(kFile, row.line, "duplicate candidate id \"" + f[2] + "\"");
    }
    m.contests.back().candidates.push_back(Candidate{f[2], f[3], f[4]});
  }
  return Ok();
}

Status ReadRegions(const std::string& dir, Manifest& m) {
  constexpr std::string_view kFile = "regions.csv";
  auto rows = ReadCsv(dir, kFile, {"code", "name", "level", "parent"});
  if (!rows) return std::unexpected(rows.error());
  std::unordered_map<std::string, int32_t> index;
  for (const CsvRow& row : *rows) {
    const auto& f = row.fields;
    Region r{f[0], f[1], RegionLevel::kCountry, -1};
    bool known_level = false;
    for (uint8_t l = 0; l <= static_cast<uint8_t>(RegionLevel::kVotingCenter); ++l) {
      if (f[2] == RegionLevelName(static_cast<RegionLevel>(l))) {
        r.level = static_cast<RegionLevel>(l);
        known_level = true;
      }
    }
    if (!known_level) return BadLine(kFile, row.line, "unknown level \"" + f[2] + "\"");
    if (r.level == RegionLevel::kCountry) {
      if (!m.regions.empty())
        return BadLine(kFile, row.line, "only the first region may be the country");
      if (!f[3].empty()) return BadLine(kFile, row.line, "the country has no parent");
    } else {
      if (m.regions.empty())
        return BadLine(kFile, row.line, "the first region must be the country");
      auto it = index.find(f[3]);
      if (it == index.end()) {
        return BadLine(kFile, row.line,
                       "unknown parent \"" + f[3] + "\" (parents must be listed before children)");
      }
      auto expected = static_cast<RegionLevel>(static_cast<uint8_t>(r.level) - 1);
      if (m.regions[it->second].level != expected) {
        return BadLine(
            kFile, row.line,
            "parent \"" + f[3] + "\" is not a " + std::string(RegionLevelName(expected)));
      }
      r.parent = it->second;
    }
    if (!index.emplace(r.code, static_cast<int32_t>(m.regions.size())).second) {
      return BadLine(kFile, row.line, "duplicate region code \"" + r.code + "\"");
    }
    m.regions.push_back(std::move(r));
  }
  if (m.regions.empty()) return BadLine(kFile, 1, "no regions");
  return Ok();
}

// Returns true when the public keys were given.
Result<bool> ReadTables(const std::string& dir, Manifest& m) {
  constexpr std::string_view kFile = "tables.csv";
  auto rows = ReadCsv(dir, kFile, {"id", "region", "registered", "public_key"});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return BadLine(kFile, 1, "no tables");
  std::unordered_map<std::string_view, uint32_t> regions;
  for (size_t i = 0; i < m.regions.size(); ++i) regions.emplace(m.regions[i].code, i);
  const bool with_keys = !(*rows)[0].fields[3].empty();
  std::vector<size_t> lines;
  for (const CsvRow& row : *rows) {
    const auto& f = row.fields;
    TableRecord t;
    auto id = ParseU32(f[0], kFile, row.line, "id");
    if (!id) return std::unexpected(id.error());
    auto registered = ParseU32(f[2], kFile, row.line, "registered");
    if (!registered) return std::unexpected(registered.error());
    if (*id == 0) return BadLine(kFile, row.line, "table id must be > 0");
    if (*registered == 0) return BadLine(kFile, row.line, "registered voters must be > 0");
    auto it = regions.find(f[1]);
    if (it == regions.end()) return BadLine(kFile, row.line, "unknown region \"" + f[1] + "\"");
    if (m.regions[it->second].level != RegionLevel::kVotingCenter) {
      return BadLine(kFile, row.line, "region \"" + f[1] + "\" is not a voting_center");
    }
    if (f[3].empty() == with_keys) {
      return BadLine(kFile, row.line, "public_key must be given for every table or for none");
    }
    if (with_keys) {
      auto key = Base64Decode(f[3]);
      if (!key || key->size() != kPublicKeySize) {
        return BadLine(kFile, row.line, "public_key must be base64 of 32 bytes");
      }
      std::copy(key->begin(), key->end(), t.key.begin());
    }
    t.id = *id;
    t.region = it->second;
    t.registered = *registered;
    m.tables.push_back(t);
    lines.push_back(row.line);
  }
  std::vector<size_t> order(m.tables.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&m](size_t a, size_t b) { return m.tables[a].id < m.tables[b].id; });
  std::vector<TableRecord> sorted;
  sorted.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && m.tables[order[k]].id == sorted.back().id) {
      return BadLine(kFile, std::max(lines[order[k]], lines[order[k - 1]]),
                     "duplicate table id " + std::to_string(sorted.back().id));
    }
    sorted.push_back(m.tables[order[k]]);
  }
  m.tables = std::move(sorted);
  return with_keys;
}

}  // namespace

Result<std::vector<CsvRow>> ParseCsv(std::string_view text, std::string_view file,
                                     const std::vector<std::string>& header) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // spreadsheets add a BOM
  if (!IsValidUtf8(text)) return BadLine(file, 1, "not valid UTF-8");
  std::vector<CsvRow> rows;
  size_t pos = 0, line = 1;
  while (pos < text.size()) {
    CsvRow row{line, {}};
    for (;;) {
      std::string field;
      if (pos < text.size() && text[pos] == '"') {
        ++pos;
        for (;;) {
          if (pos >= text.size()) return BadLine(file, row.line, "unterminated quoted field");
          char c = text[pos++];
          if (c == '"') {
            if (pos < text.size() && text[pos] == '"') {
              field += '"';
              ++pos;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          return BadLine(file, line, "unexpected character after a closing quote");
        }
      } else {
        while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
          if (text[pos] == '"') return BadLine(file, line, "quote inside an unquoted field");
          field += text[pos++];
        }
      }
      row.fields.push_back(std::move(field));
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      break;
    }
    if (pos < text.size() && text[pos] == '\r') {
      if (pos + 1 >= text.size() || text[pos + 1] != '\n')
        return BadLine(file, line, "stray carriage return");
      ++pos;
    }
    if (pos < text.size()) ++pos;  // the '\n'
    ++line;
    if (row.fields.size() == 1 && row.fields[0].empty())
      return BadLine(file, row.line, "blank line");
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return BadLine(file, 1, "empty file, expected a header line");
  if (rows[0].fields != header) {
    std::string want;
    for (const std::string& h : header) want += (want.empty() ? "" : ",") + h;
    return BadLine(file, 1, "header must be \"" + want + "\"");
  }
  rows.erase(rows.begin());
  for (const CsvRow& row : rows) {
    if (row.fields.size() != header.size()) {
      return BadLine(file, row.line,
                     "expected " + std::to_string(header.size()) + " fields, found " +
                         std::to_string(row.fields.size()));
    }
  }
  return rows;
}

// witnesses.csv (optional): name,vkey,url per witness; election.csv's
// witness_quorum goes with it. The JSON parser checks the rest.
static Status ReadWitnesses(const std::string& dir, uint64_t quorum, Manifest& m) {
  constexpr std::string_view kFile = "witnesses.csv";
  const bool present = std::filesystem::exists(std::filesystem::path(dir) / kFile);
  if (!present) {
    if (quorum != 0) {
      return MakeError(ErrorCode::kMalformed,
                       "election.csv: witness_quorum is given but there is no witnesses.csv");
    }
    return Ok();
  }
  auto rows = ReadCsv(dir, kFile, {"name", "vkey", "url"});
  if (!rows) return std::unexpected(rows.error());
  for (const CsvRow& row : *rows) {
    auto key = CosignerKey::Parse(row.fields[1]);
    if (!key) return BadLine(kFile, row.line, key.error().message);
    m.witnesses.push_back(ManifestWitness{row.fields[0], std::move(*key), row.fields[2]});
  }
  if (quorum == 0) {
    return MakeError(ErrorCode::kMalformed,
                     "election.csv: witnesses.csv lists witnesses but witness_quorum is missing");
  }
  m.witness_quorum = static_cast<uint32_t>(std::min<uint64_t>(quorum, UINT32_MAX));
  return Ok();
}

Result<ElectionMaterial> BuildManifestFromCsv(const std::string& dir, Random& rng) {
  auto election = ReadElection(dir);
  if (!election) return std::unexpected(election.error());
  Manifest m;
  m.name = election->name;
  m.polls_close_not_before = election->not_before;
  m.polls_close_not_after = election->not_after;
  ACTA_RETURN_IF_ERROR(ReadContests(dir, m));
  ACTA_RETURN_IF_ERROR(ReadRegions(dir, m));
  ACTA_RETURN_IF_ERROR(ReadWitnesses(dir, election->witness_quorum, m));
  m.release_hashes = election->release_hashes;  // repeats: the JSON parser names them
  auto with_keys = ReadTables(dir, m);
  if (!with_keys) return std::unexpected(with_keys.error());

  NamedSigningKey authority = NamedSigningKey::From(election->authority, DrawSeed(rng));
  m.authority = authority.verifier();
  std::vector<NamedSigningKey> centers;  // the generated ones only: their secrets get written
  for (const CenterRow& c : election->centers) {
    if (c.given) {
      m.centers.push_back(*c.given);
      continue;
    }
    centers.push_back(NamedSigningKey::From(c.name, DrawSeed(rng)));
    m.centers.push_back(centers.back().verifier());
  }
  TransportKey transport;
  rng.Fill(transport);
  m.transport_key_ids.push_back(TransportKeyId(transport));
  std::vector<Seed> seeds;
  if (!*with_keys) {
    seeds.reserve(m.tables.size());
    for (TableRecord& t : m.tables) {
      seeds.push_back(DrawSeed(rng));
      t.key = SigningKey::FromSeed(seeds.back()).public_key();
    }
  }
  m.Finalize();
  // The JSON parser holds every rule (limits, ids, names); running the result
  // through it keeps the two paths from drifting apart.
  auto check = ParseManifest(m.ToJson(), m.EncodeTables());
  if (!check)
    return MakeError(check.error().code,
                     "the CSV files make an invalid manifest: " + check.error().message);
  if (check->election_id != m.election_id) {
    return MakeError(ErrorCode::kInternal, "manifest does not survive a JSON round trip");
  }
  return ElectionMaterial{
      std::move(m), std::move(authority), std::move(centers), transport, std::move(seeds), {}, {}};
}

}  // namespace acta
