// Every rejection path of ParseManifest, each with its exact message.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "core/manifest.h"
#include "core/testing/manifest_fixtures.h"

namespace acta {
namespace {

using testing::VectorManifest;
using OJson = nlohmann::ordered_json;

struct JsonCase {
  const char* what;
  std::function<void(OJson&)> edit;
  std::string message;  // exact
  ErrorCode code = ErrorCode::kMalformed;
};

void ExpectRejected(const std::string& json, ByteSpan tables, ErrorCode code,
                    const std::string& message) {
  auto r = ParseManifest(json, tables);
  ASSERT_FALSE(r) << "accepted";
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  EXPECT_EQ(r.error().message, message);
}

TEST(ManifestRejectTest, JsonFieldErrors) {
  const Manifest m = VectorManifest();
  const Bytes tables = m.EncodeTables();
  const std::string vc = "XX-01-01-01-001";
  Bytes id_bytes;
  AppendU32(id_bytes, m.centers[0].key_id);
  const std::string center_id = HexEncode(id_bytes);
  const std::vector<JsonCase> cases = {
      {"unknown top field", [](OJson& j) { j["extra"] = 1; }, "extra: unknown field"},
      {"missing name", [](OJson& j) { j.erase("name"); }, "name: missing"},
      {"name type", [](OJson& j) { j["name"] = 5; }, "name: must be a string"},
      {"empty name", [](OJson& j) { j["name"] = ""; }, "name: must be 1..200 bytes"},
      {"control char", [](OJson& j) { j["name"] = "a\nb"; },
       "name: must not contain control characters"},
      {"format", [](OJson& j) { j["format"] = "acta-manifest-v2"; },
       "format: \"acta-manifest-v2\" is not supported (expected \"acta-manifest-v1\")",
       ErrorCode::kUnsupportedVersion},
      {"not object", [](OJson& j) { j = OJson::array(); }, "manifest.json: must be an object"},
      {"polls time", [](OJson& j) { j["polls_close"]["not_after"] = "2026-12-07T02:00:00+00:00"; },
       "polls_close.not_after: \"2026-12-07T02:00:00+00:00\" is not a UTC time "
       "YYYY-MM-DDTHH:MM:SSZ: wrong length"},
      {"polls order", [](OJson& j) { j["polls_close"]["not_before"] = "2026-12-08T00:00:00Z"; },
       "polls_close: not_before is after not_after"},
      {"polls extra", [](OJson& j) { j["polls_close"]["tz"] = "UTC"; },
       "polls_close.tz: unknown field"},
      {"authority", [](OJson& j) { j["authority"] = "nope"; },
       "authority: verifier key: missing '+'"},
      {"centers empty", [](OJson& j) { j["centers"] = OJson::array(); },
       "centers: must hold at least one center key"},
      {"center dup", [](OJson& j) { j["centers"].push_back(j["centers"][0]); },
       "centers[1]: duplicate key id " + center_id},
      {"transport hex", [](OJson& j) { j["transport_key_ids"][0] = "ABCDEF0123456789"; },
       "transport_key_ids[0]: must be 16 lowercase hex digits"},
      {"transport dup",
       [](OJson& j) { j["transport_key_ids"].push_back(j["transport_key_ids"][0]); },
       "transport_key_ids[1]: duplicate id \"" + m.transport_key_ids[0] + "\""},
      {"no contests", [](OJson& j) { j["contests"] = OJson::array(); },
       "contests: must hold 1..16 contests, has 0"},
      {"17 contests",
       [](OJson& j) {
         for (int i = 0; i < 15; ++i) {
           OJson c = j["contests"][0];
           c["id"] = "c" + std::to_string(i);
           j["contests"].push_back(c);
         }
       },
       "contests: must hold 1..16 contests, has 17"},
      {"dup contest", [](OJson& j) { j["contests"][1]["id"] = "president"; },
       "contests[1].id: duplicate id \"president\""},
      {"bad id chars", [](OJson& j) { j["contests"][1]["id"] = "may or"; },
       "contests[1].id: \"may or\" may only contain letters, digits, '-', '_' and '.'"},
      {"no candidates", [](OJson& j) { j["contests"][1]["candidates"] = OJson::array(); },
       "contests[1].candidates: must hold 1..64 candidates, has 0"},
      {"65 candidates",
       [](OJson& j) {
         OJson& c = j["contests"][1]["candidates"];
         for (int i = 0; i < 63; ++i)
           c.push_back({{"id", "x" + std::to_string(i)}, {"name", "X"}, {"party", ""}});
       },
       "contests[1].candidates: must hold 1..64 candidates, has 65"},
      {"dup candidate", [](OJson& j) { j["contests"][0]["candidates"][2]["id"] = "p1"; },
       "contests[0].candidates[2].id: duplicate id \"p1\""},
      {"candidate party missing",
       [](OJson& j) { j["contests"][0]["candidates"][0].erase("party"); },
       "contests[0].candidates[0].party: missing"},
      {"dup region", [&](OJson& j) { j["regions"][5]["code"] = vc; },
       "regions[5].code: duplicate code \"XX-01-01-01-001\" (also regions[4])"},
      {"unknown parent", [](OJson& j) { j["regions"][3]["parent"] = "VE-99"; },
       "regions[3].parent: unknown region \"VE-99\""},
      {"parent two up", [](OJson& j) { j["regions"][3]["parent"] = "XX-01"; },
       "regions[3].parent: \"XX-01\" is a state, the parent of a parish must be a municipality"},
      {"parent after child", [](OJson& j) { std::swap(j["regions"][4], j["regions"][3]); },
       "regions[3].parent: region \"XX-01-01-01\" must come before its children"},
      {"second country", [](OJson& j) { j["regions"][1]["level"] = "country"; },
       "regions[1].level: only regions[0] may be the country"},
      {"country not first", [](OJson& j) { j["regions"][0]["level"] = "state"; },
       "regions[0].level: regions[0] must be the country"},
      {"country parent", [](OJson& j) { j["regions"][0]["parent"] = "XX"; },
       "regions[0].parent: the country's parent must be null"},
      {"null parent", [](OJson& j) { j["regions"][1]["parent"] = nullptr; },
       "regions[1].parent: must name the parent region"},
      {"bad level", [](OJson& j) { j["regions"][1]["level"] = "province"; },
       "regions[1].level: unknown level \"province\" (country, state, municipality, parish or "
       "voting_center)"},
      {"tables file", [](OJson& j) { j["tables"]["file"] = "t.bin"; },
       "tables.file: must be \"tables.bin\""},
      {"tables count type", [](OJson& j) { j["tables"]["count"] = -3; },
       "tables.count: must be a non-negative integer"},
      {"tables count zero", [](OJson& j) { j["tables"]["count"] = 0; },
       "tables.count: must be 1..10000000"},
      {"tables count mismatch", [](OJson& j) { j["tables"]["count"] = 4; },
       "tables.bin: holds 3 records, tables.count is 4"},
      {"sha hex", [](OJson& j) { j["tables"]["sha256"] = "00"; },
       "tables.sha256: must be 64 lowercase hex digits"},
      {"sha mismatch", [](OJson& j) { j["tables"]["sha256"] = std::string(64, '0'); },
       "tables.bin: SHA-256 " + HexEncode(m.tables_sha256) + " does not match tables.sha256 " +
           std::string(64, '0')},
  };
  for (const JsonCase& c : cases) {
    SCOPED_TRACE(c.what);
    OJson j = OJson::parse(m.ToJson());
    c.edit(j);
    ExpectRejected(j.dump(2), tables, c.code, c.message);
  }
}

TEST(ManifestRejectTest, DuplicateKeysAndSyntax) {
  const Manifest m = VectorManifest();
  const Bytes tables = m.EncodeTables();
  std::string json = m.ToJson();
  std::string dup_top = json;
  dup_top.insert(dup_top.find("\"name\""), "\"name\": \"Other\",\n  ");
  ExpectRejected(dup_top, tables, ErrorCode::kMalformed, "manifest.json: duplicate key \"name\"");
  std::string dup_nested = json;
  dup_nested.insert(dup_nested.find("\"party\": \"Party B\""), "\"party\": \"Party Z\", ");
  ExpectRejected(dup_nested, tables, ErrorCode::kMalformed,
                 "manifest.json: duplicate key \"party\" in contests[0].candidates[1]");
  auto r = ParseManifest(json.substr(0, json.size() / 2), tables);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_TRUE(r.error().message.starts_with("manifest.json: syntax error at byte "))
      << r.error().message;
}

TEST(ManifestRejectTest, TablesBinErrors) {
  const Manifest base = VectorManifest();
  struct Case {
    const char* what;
    std::function<void(Manifest&)> edit;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"registered 0", [](Manifest& m) { m.tables[1].registered = 0; },
       "tables.bin record 1 (table 11): registered voters must be > 0"},
      {"region not vc", [](Manifest& m) { m.tables[2].region = 3; },
       "tables.bin record 2 (table 12): region 3 (\"XX-01-01-01\") is not a voting center"},
      {"region range", [](Manifest& m) { m.tables[0].region = 99; },
       "tables.bin record 0 (table 10): region 99 is out of range (6 regions)"},
      {"transport", [](Manifest& m) { m.tables[0].transport_key = 1; },
       "tables.bin record 0 (table 10): transport key 1 is out of range (1 transport keys)"},
      {"duplicate id", [](Manifest& m) { m.tables[1].id = 10; },
       "tables.bin record 1 (table 10): duplicate table id"},
      {"unsorted", [](Manifest& m) { m.tables[2].id = 9; },
       "tables.bin record 2 (table 9): not sorted by id (previous record is table 11)"},
      {"zero id", [](Manifest& m) { m.tables[0].id = 0; },
       "tables.bin record 0 (table 0): table id must be > 0"},
      {"zero key", [](Manifest& m) { m.tables[1].key = PublicKey{}; },
       "tables.bin record 1 (table 11): public key is all zeros"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Manifest m = base;
    c.edit(m);
    m.Finalize();
    ExpectRejected(m.ToJson(), m.EncodeTables(), ErrorCode::kMalformed, c.message);
  }
  Bytes t = base.EncodeTables();
  t.push_back(0);
  ExpectRejected(base.ToJson(), t, ErrorCode::kMalformed,
                 "tables.bin: size 139 is not a multiple of 46");
  t.resize(2 * kTableRecordSize);
  ExpectRejected(base.ToJson(), t, ErrorCode::kMalformed,
                 "tables.bin: holds 2 records, tables.count is 3");
}

}  // namespace
}  // namespace acta
