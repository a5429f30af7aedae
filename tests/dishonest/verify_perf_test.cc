// How fast the verifier checks a dump (not run by default: it is a
// measurement, not a test). Run with
//   dishonest_test --gtest_also_run_disabled_tests --gtest_filter='*Perf*'
// and ACTA_VERIFY_PERF_TABLES=N (default 20000). The dump is built the way a
// center publishes it (entry bundles, a checkpoint every 256 entries signed
// by the center key, the latest bulletin, tables.csv), in memory.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/election_secrets.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "sim/synth.h"
#include "tally/bulletin.h"
#include "tally/csv_export.h"
#include "verify/dump_layout.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace {

TEST(VerifyPerf, DISABLED_VerifyDumpOfManyEntries) {
  const char* env = std::getenv("ACTA_VERIFY_PERF_TABLES");
  sim::SynthOptions o;
  o.tables = env ? static_cast<uint32_t>(std::atoi(env)) : 20000;
  auto synth = sim::SynthesizeElection(o).value();
  const Manifest& m = synth.election.manifest;
  Truth truth(m, synth.election.truth);
  verify::MemoryFiles files;
  ASSERT_TRUE(files.Write(verify::kManifestJson, AsBytes(m.ToJson())));
  ASSERT_TRUE(files.Write(verify::kTablesBin, m.EncodeTables()));
  ASSERT_TRUE(
      files.Write(verify::kManifestSig, AsBytes(SignManifest(m, synth.election.authority))));

  std::vector<Bytes> entries;
  for (size_t i = 0; i < m.tables.size(); ++i) {
    ActaBody body = truth.BodyFor(i);
    body.closing_time = m.polls_close_not_before + 100;
    entries.push_back(
        SignActa(body, SigningKey::FromSeed(synth.election.table_seeds[i])).value().bytes);
  }
  for (const auto& tile : verify::EntryBundlesFor(entries.size())) {
    const uint64_t from = tile.index * log::kTileWidth;
    std::vector<Bytes> part(entries.begin() + from, entries.begin() + from + tile.width);
    ASSERT_TRUE(files.Write(log::TilePath(tile), log::EncodeEntryBundle(part).value()));
  }
  log::MerkleTree tree;
  auto tally = tally::Tally::Create(m).value();
  nlohmann::json list = nlohmann::json::array();
  std::string note;
  for (size_t i = 0; i < entries.size(); ++i) {
    tree.Append(LeafHashOf(entries[i]));
    ASSERT_TRUE(tally.Apply(DecodeActa(entries[i]).value(), i));
    if ((i + 1) % 256 == 0 || i + 1 == entries.size()) {
      log::Checkpoint cp{log::LogOrigin(m.election_id), tree.size(), tree.Root(), {}};
      note = log::SignCheckpoint(cp, synth.election.centers[0]);
      list.push_back({{"size", cp.size},
                      {"root", HexEncode(cp.root)},
                      {"created_at_ms", 1'800'000'000'000 + i},
                      {"note", note}});
    }
  }
  ASSERT_TRUE(files.Write(verify::kCheckpointsJson, AsBytes(list.dump() + "\n")));
  ASSERT_TRUE(files.Write(verify::kLatestCheckpoint, AsBytes(note)));
  const uint64_t created = list.back()["created_at_ms"].get<uint64_t>();
  auto bulletin = tally::BuildBulletin(tally, {tree.size(), tree.Root()}, created / 1000).value();
  ASSERT_TRUE(files.Write(verify::BulletinPath(tree.size()), AsBytes(bulletin)));
  ASSERT_TRUE(files.Write(verify::kTablesCsv, AsBytes(tally::TableCsv(tally))));

  for (unsigned threads : {1u, 2u}) {
    verify::VerifyOptions vo;
    vo.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    std::string last_stage;
    vo.progress = [&](std::string_view stage, uint64_t, uint64_t) {
      if (stage == last_stage) return;
      last_stage = stage;
      std::printf("  %.3f s: %.*s\n",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                  static_cast<int>(stage.size()), stage.data());
    };
    verify::Report r = verify::VerifyFiles(files, vo);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(r.ok()) << verify::FormatReport(r);
    EXPECT_EQ(r.entries, entries.size());
    std::printf("verify: %zu entries, %llu checkpoints, %u threads: %.3f s, %.0f entries/s\n",
                entries.size(), static_cast<unsigned long long>(r.checkpoints), threads, secs,
                static_cast<double>(entries.size()) / secs);
  }
}

}  // namespace
}  // namespace acta::testing
