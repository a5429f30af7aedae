#include "tests/center/chaos_check.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/tiles.h"
#include "store/open_store.h"
#include "terminal/http_client.h"
#include "tests/center/chaos_node.h"
#include "verify/dump_layout.h"
#include "verify/fetch.h"
#include "verify/files.h"
#include "verify/state.h"
#include "verify/verifier.h"

namespace acta::testing::chaos {
namespace {

struct Totals {
  uint64_t ballots_cast = 0;
  // Per contest: candidates' votes, then blank, then null.
  std::vector<std::vector<uint64_t>> contests;
  bool operator==(const Totals&) const = default;
};

Totals TruthTotals(const ElectionMaterial& e) {
  Totals t;
  for (const auto& c : e.manifest.contests) t.contests.emplace_back(c.candidates.size() + 2, 0);
  size_t per_table = 1;
  for (const auto& c : e.manifest.contests) per_table += c.candidates.size() + 2;
  for (size_t table = 0; table < e.manifest.tables.size(); ++table) {
    size_t at = table * per_table;
    t.ballots_cast += e.truth[at++];
    for (auto& contest : t.contests) {
      for (auto& v : contest) v += e.truth[at++];
    }
  }
  return t;
}

std::string Describe(const Totals& t) {
  std::string s = "ballots " + std::to_string(t.ballots_cast);
  for (const auto& c : t.contests) {
    s += " |";
    for (uint64_t v : c) s += " " + std::to_string(v);
  }
  return s;
}

// The country's totals in a bulletin (docs/FORMATS.md, "Bulletin JSON").
Result<Totals> BulletinTotals(std::string_view json, uint64_t* tables_counted) {
  try {
    auto j = nlohmann::json::parse(json);
    const auto& country = j.at("regions").at(0);
    Totals t;
    t.ballots_cast = country.at("ballots_cast").get<uint64_t>();
    *tables_counted = country.at("tables_counted").get<uint64_t>();
    for (const auto& c : country.at("contests")) {
      std::vector<uint64_t> v = c.at("votes").get<std::vector<uint64_t>>();
      v.push_back(c.at("blank").get<uint64_t>());
      v.push_back(c.at("null").get<uint64_t>());
      t.contests.push_back(std::move(v));
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kMalformed, std::string("bulletin: ") + e.what());
  }
}

// Every log entry's bytes, in log order, from the fetched entry bundles.
std::vector<Bytes> Entries(const verify::Files& files, uint64_t size) {
  std::vector<Bytes> out;
  for (const log::TileId& id : verify::EntryBundlesFor(size)) {
    auto data = files.Read(log::TilePath(id));
    EXPECT_TRUE(data) << log::TilePath(id);
    if (!data) return out;
    auto entries = log::ParseEntryBundle(*data);
    EXPECT_TRUE(entries) << log::TilePath(id);
    if (!entries) return out;
    for (auto& e : *entries) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

FinalCheckSummary CheckFinalState(const FinalCheckInput& in) {
  FinalCheckSummary summary;
  const ElectionMaterial& e = *in.election;
  const Manifest& m = e.manifest;
  const size_t tables = m.tables.size();

  // 1. Every table has a verified receipt for the acta it sent.
  std::vector<Hash256> receipted;
  for (size_t i = 0; i < in.deliveries.size(); ++i) {
    const TableDelivery& d = in.deliveries[i];
    EXPECT_TRUE(d.delivered) << "table index " << i << " has no receipt: " << d.error;
    if (!d.delivered) continue;
    EXPECT_EQ(d.receipt.leaf_hash, in.actas[i].LeafHash()) << "table index " << i;
    const VerifierKey* key = m.FindCenter(d.receipt.center_key_id);
    EXPECT_TRUE(key != nullptr && d.receipt.Verify(*key)) << "table index " << i;
    receipted.push_back(d.receipt.leaf_hash);
  }

  // Every checkpoint: seen on the nodes during the run, and stored.
  std::vector<SeenCheckpoint> all = in.seen;
  auto store = store::OpenStore(in.db_url);
  EXPECT_TRUE(store) << store.error().ToString();
  if (store) {
    EXPECT_TRUE((*store)->Initialize(m.election_id));
    auto stored = (*store)->ListCheckpoints();
    EXPECT_TRUE(stored) << stored.error().ToString();
    if (stored) {
      summary.stored_checkpoints = stored->size();
      for (const auto& cp : *stored) {
        SeenCheckpoint s;
        s.size = cp.size;
        s.root = cp.root;
        s.note = cp.note;
        auto note = log::ParseNote(cp.note);
        if (note && !note->signatures.empty()) s.signer_key_id = note->signatures[0].key_id;
        all.push_back(std::move(s));
      }
    }
  }
  verify::VerifierState remembered;
  remembered.origin = log::LogOrigin(m.election_id);
  std::map<std::string, bool> distinct_notes;
  for (const auto& s : all) {
    if (!distinct_notes.emplace(s.note, true).second) continue;
    auto st = remembered.Remember({s.size, s.root, s.note});
    // kConflict: two different roots for one size were published (a fork).
    EXPECT_TRUE(st) << "checkpoint of size " << s.size << ": " << st.error().ToString();
  }
  summary.checkpoints_checked = distinct_notes.size();

  // 2. The public verifier, fed every checkpoint ever seen.
  http::HttpClientOptions co;
  co.base_url = in.public_url;
  auto client = http::HttpClient::Create(co);
  EXPECT_TRUE(client);
  if (!client) return summary;
  verify::MemoryFiles files;
  auto fetched = verify::FetchCenter(**client, files, {});
  EXPECT_TRUE(fetched) << fetched.error().ToString();
  if (!fetched) return summary;
  verify::VerifyOptions vo;
  vo.expected_election_id = m.election_id;
  vo.state = &remembered;
  vo.threads = 2;
  verify::Report report = verify::VerifyFiles(files, vo);
  for (const auto& p : report.problems) ADD_FAILURE() << verify::FormatProblem(p);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.latest_size, tables);
  EXPECT_EQ(report.tables_counted, tables);
  EXPECT_EQ(report.tables_conflicted, 0u);
  summary.log_size = report.latest_size;

  // 3. Every receipted acta in the log exactly once; nothing else in it.
  const std::vector<Bytes> entries = Entries(files, fetched->latest_size);
  EXPECT_EQ(entries.size(), fetched->latest_size);
  std::map<Hash256, std::vector<uint64_t>> where;
  log::MerkleTree tree;
  for (uint64_t i = 0; i < entries.size(); ++i) {
    const Hash256 leaf = LeafHashOf(entries[i]);
    where[leaf].push_back(i);
    tree.Append(leaf);
  }
  for (const Hash256& leaf : receipted) {
    const auto it = where.find(leaf);
    const size_t times = it == where.end() ? 0 : it->second.size();
    EXPECT_EQ(times, 1u) << "receipted leaf " << HexEncode(leaf) << " is in the log " << times
                         << " times";
  }
  EXPECT_EQ(where.size(), entries.size()) << "some entry is logged twice";
  EXPECT_EQ(entries.size(), receipted.size()) << "the log holds entries nobody has a receipt for";

  // 4. Every checkpoint seen or stored: signed by a manifest center key, and
  //    its root is the final tree's root at its size (consistent with the
  //    final checkpoint).
  const std::string origin = log::LogOrigin(m.election_id);
  for (const auto& [note, unused] : distinct_notes) {
    auto parsed = log::ParseCheckpointUnverified(note);
    EXPECT_TRUE(parsed) << note;
    if (!parsed) continue;
    auto signed_note = log::ParseNote(note);
    const VerifierKey* key = signed_note && !signed_note->signatures.empty()
                                 ? m.FindCenter(signed_note->signatures[0].key_id)
                                 : nullptr;
    EXPECT_TRUE(key != nullptr) << "checkpoint " << parsed->size << " not by a center key";
    if (key != nullptr) {
      EXPECT_TRUE(log::ParseAndVerifyCheckpoint(note, *key, origin)) << note;
    }
    auto root = tree.RootAt(parsed->size);
    EXPECT_TRUE(root && *root == parsed->root)
        << "checkpoint of size " << parsed->size << " is not consistent with the final log of "
        << tree.size();
  }

  // 5. The same through the CLI, with every checkpoint as remembered state.
  const std::string state_path = in.work_dir + "/verify-state.json";
  auto saved = verify::SaveVerifierState(state_path, remembered);
  EXPECT_TRUE(saved) << saved.error().ToString();
  const std::string cli_log = in.work_dir + "/acta-verify.log";
  const int rc = RunActa({"verify", "--center", in.public_url, "--state", state_path,
                          "--election-id", HexEncode(m.election_id), "--threads", "2", "--quiet"},
                         cli_log, std::chrono::seconds(60));
  EXPECT_EQ(rc, 0) << "acta verify --center " << in.public_url << " (log in " << cli_log << ")";

  // 6. The totals equal the truth.
  auto bulletin = files.Read(verify::BulletinPath(fetched->latest_size));
  EXPECT_TRUE(bulletin) << "no bulletin for " << fetched->latest_size;
  if (bulletin) {
    uint64_t counted = 0;
    auto totals = BulletinTotals(AsChars(*bulletin), &counted);
    EXPECT_TRUE(totals) << totals.error().ToString();
    const Totals truth = TruthTotals(e);
    if (totals) {
      EXPECT_EQ(*totals, truth) << "bulletin: " << Describe(*totals)
                                << "\ntruth:    " << Describe(truth);
    }
    EXPECT_EQ(counted, tables);
  }
  return summary;
}

}  // namespace acta::testing::chaos
