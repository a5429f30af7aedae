// Verifier benchmark (issue: the public verifier, "Performance"): builds a
// dump the way a center publishes it (entry bundles, a checkpoint every 256
// entries, the latest bulletin, tables.csv) in memory, then times
// verify::VerifyFiles on it with 1 and with all cores, against the raw
// libsodium verify rate x cores measured in the same run.
//
//   verify_load [--tables N] [--out FILE]      (default 1,000,000)
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/election_secrets.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "sim/synth.h"
#include "tally/bulletin.h"
#include "tally/csv_export.h"
#include "verify/dump_layout.h"
#include "verify/verifier.h"

#define MUST(expr)                                              \
  do {                                                          \
    if (!(expr)) {                                              \
      std::fprintf(stderr, "verify_load: failed: %s\n", #expr); \
      std::exit(1);                                             \
    }                                                           \
  } while (0)

namespace acta::bench {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Run(uint32_t tables, const std::string& out_path) {
  sim::SynthOptions o;
  o.tables = tables;
  auto synth = sim::SynthesizeElection(o).value();
  const Manifest& m = synth.election.manifest;
  Truth truth(m, synth.election.truth);
  verify::MemoryFiles files;
  MUST(files.Write(verify::kManifestJson, AsBytes(m.ToJson())));
  MUST(files.Write(verify::kTablesBin, m.EncodeTables()));
  MUST(files.Write(verify::kManifestSig, AsBytes(SignManifest(m, synth.election.authority))));

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
    MUST(files.Write(log::TilePath(tile), log::EncodeEntryBundle(part).value()));
  }
  log::MerkleTree tree;
  auto tally = tally::Tally::Create(m).value();
  nlohmann::json list = nlohmann::json::array();
  std::string note;
  for (size_t i = 0; i < entries.size(); ++i) {
    tree.Append(LeafHashOf(entries[i]));
    MUST(tally.Apply(DecodeActa(entries[i]).value(), i));
    if ((i + 1) % 256 == 0 || i + 1 == entries.size()) {
      log::Checkpoint cp{log::LogOrigin(m.election_id), tree.size(), tree.Root(), {}};
      note = log::SignCheckpoint(cp, synth.election.centers[0]);
      list.push_back({{"size", cp.size},
                      {"root", HexEncode(cp.root)},
                      {"created_at_ms", 1'800'000'000'000 + i},
                      {"note", note}});
    }
  }
  MUST(files.Write(verify::kCheckpointsJson, AsBytes(list.dump() + "\n")));
  MUST(files.Write(verify::kLatestCheckpoint, AsBytes(note)));
  const uint64_t created = list.back()["created_at_ms"].get<uint64_t>();
  auto bulletin = tally::BuildBulletin(tally, {tree.size(), tree.Root()}, created / 1000).value();
  MUST(files.Write(verify::BulletinPath(tree.size()), AsBytes(bulletin)));
  MUST(files.Write(verify::kTablesCsv, AsBytes(tally::TableCsv(tally))));

  // Raw limit: libsodium verify of the same actas' signatures on one core.
  const size_t sample = std::min<size_t>(entries.size(), 20000);
  std::vector<Acta> decoded;
  std::vector<Bytes> messages;
  for (size_t i = 0; i < sample; ++i) {
    decoded.push_back(DecodeActa(entries[i]).value());
    messages.push_back(decoded.back().SignedMessage());
  }
  auto t0 = std::chrono::steady_clock::now();
  size_t good = 0;
  for (size_t i = 0; i < sample; ++i) {
    good += crypto_sign_verify_detached(decoded[i].signature.data(), messages[i].data(),
                                        messages[i].size(), m.tables[i].key.data()) == 0;
  }
  const double raw = static_cast<double>(sample) / Seconds(t0);
  MUST(good == sample);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  nlohmann::json rows = nlohmann::json::array();
  char buf[128], lim[128], ratio[64];
  std::snprintf(buf, sizeof buf, "%.0f /s", raw);
  rows.push_back({"raw libsodium Ed25519 verify, 1 core", buf, "", "", ""});
  for (unsigned threads : {1u, cores}) {
    verify::VerifyOptions vo;
    vo.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    verify::Report r = verify::VerifyFiles(files, vo);
    const double secs = Seconds(start);
    MUST(r.ok());
    MUST(r.entries == entries.size());
    const double rate = static_cast<double>(entries.size()) / secs;
    std::fprintf(stderr, "verify: %zu entries, %u threads: %.2f s, %.0f entries/s\n",
                 entries.size(), threads, secs, rate);
    std::snprintf(buf, sizeof buf, "%.1f s, %.0f entries/s", secs, rate);
    std::snprintf(lim, sizeof lim, "%.0f /s (raw verify x %u)", raw * threads, threads);
    std::snprintf(ratio, sizeof ratio, "%.2f", rate / (raw * threads));
    rows.push_back({"verify a dump of " + std::to_string(entries.size()) +
                        " actas (signatures, tree, " + std::to_string(r.checkpoints) +
                        " checkpoints, totals, CSV), " + std::to_string(threads) + " thread(s)",
                    buf, lim, ratio, threads == cores ? "≥ 0.80" : ""});
  }
  nlohmann::json out = {{"title", "Public verifier"},
                        {"columns", {"measure", "value", "limit (same run)", "ratio", "goal"}},
                        {"rows", rows},
                        {"notes",
                         {"The dump is built in memory the way a center publishes it; reading "
                          "it from disk adds little (sequential files)."}}};
  if (out_path.empty()) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::ofstream(out_path) << out.dump(2) << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  acta::InitCrypto();
  uint32_t tables = 1000000;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--tables")
      tables = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (a == "--out")
      out = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: verify_load [--tables N] [--out FILE]\n");
      return 2;
    }
  }
  return acta::bench::Run(tables, out);
}
