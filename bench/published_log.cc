#include "bench/published_log.h"

#include <sodium.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "bench/cpu_time.h"
#include "core/election_secrets.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "tally/bulletin.h"
#include "tally/csv_export.h"
#include "verify/dump_layout.h"

namespace acta::bench {
namespace {

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "bench: %s: %s\n", what, r.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void Must(Status st, const char* what) {
  if (!st) {
    std::fprintf(stderr, "bench: %s: %s\n", what, st.error().ToString().c_str());
    std::exit(1);
  }
}

}  // namespace

PublishedLog BuildPublishedLog(uint32_t tables) {
  sim::SynthOptions o;
  o.tables = tables;
  PublishedLog log{Must(sim::SynthesizeElection(o), "synthesize"), {}, {}, {}, {}};
  const Manifest& m = log.synth.election.manifest;
  Truth truth(m, log.synth.election.truth);
  Must(log.files.Write(verify::kManifestJson, AsBytes(m.ToJson())), "manifest");
  Must(log.files.Write(verify::kTablesBin, m.EncodeTables()), "tables.bin");
  Must(
      log.files.Write(verify::kManifestSig, AsBytes(SignManifest(m, log.synth.election.authority))),
      "manifest.sig");
  for (size_t i = 0; i < m.tables.size(); ++i) {
    ActaBody body = truth.BodyFor(i);
    body.closing_time = m.polls_close_not_before + 100;
    log.entries.push_back(
        Must(SignActa(body, SigningKey::FromSeed(log.synth.election.table_seeds[i])), "sign")
            .bytes);
  }
  for (const auto& tile : verify::EntryBundlesFor(log.entries.size())) {
    const uint64_t from = tile.index * log::kTileWidth;
    std::vector<Bytes> part(log.entries.begin() + static_cast<ptrdiff_t>(from),
                            log.entries.begin() + static_cast<ptrdiff_t>(from + tile.width));
    Must(log.files.Write(log::TilePath(tile), Must(log::EncodeEntryBundle(part), "bundle")),
         "bundle");
  }
  log::MerkleTree tree;
  auto tally = Must(tally::Tally::Create(m), "tally");
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < log.entries.size(); ++i) {
    tree.Append(LeafHashOf(log.entries[i]));
    Must(tally.Apply(Must(DecodeActa(log.entries[i]), "decode"), i), "apply");
    if ((i + 1) % 256 == 0 || i + 1 == log.entries.size()) {
      log::Checkpoint cp{log::LogOrigin(m.election_id), tree.size(), tree.Root(), {}};
      log.notes.push_back(log::SignCheckpoint(cp, log.synth.election.centers[0]));
      log.sizes.push_back(cp.size);
      list.push_back({{"size", cp.size},
                      {"root", HexEncode(cp.root)},
                      {"created_at_ms", 1'800'000'000'000 + i},
                      {"note", log.notes.back()}});
    }
  }
  Must(log.files.Write(verify::kCheckpointsJson, AsBytes(list.dump() + "\n")), "list");
  Must(log.files.Write(verify::kLatestCheckpoint, AsBytes(log.notes.back())), "checkpoint");
  const uint64_t created = list.back()["created_at_ms"].get<uint64_t>();
  Must(log.files.Write(
           verify::BulletinPath(tree.size()),
           AsBytes(Must(tally::BuildBulletin(tally, {tree.size(), tree.Root()}, created / 1000),
                        "bulletin"))),
       "bulletin");
  Must(log.files.Write(verify::kTablesCsv, AsBytes(tally::TableCsv(tally))), "csv");
  return log;
}

double RawVerifyRate(const PublishedLog& log, size_t sample, bool cpu_time) {
  const Manifest& m = log.synth.election.manifest;
  sample = std::min(sample, log.entries.size());
  std::vector<Acta> decoded;
  std::vector<Bytes> messages;
  for (size_t i = 0; i < sample; ++i) {
    decoded.push_back(Must(DecodeActa(log.entries[i]), "decode"));
    messages.push_back(decoded.back().SignedMessage());
  }
  auto now = [cpu_time] {
    if (cpu_time) return ThreadCpuSeconds();
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  const double t0 = now();
  size_t good = 0;
  for (size_t i = 0; i < sample; ++i) {
    good += crypto_sign_verify_detached(decoded[i].signature.data(), messages[i].data(),
                                        messages[i].size(), m.tables[i].key.data()) == 0;
  }
  const double secs = now() - t0;
  if (good != sample) {
    std::fprintf(stderr, "bench: raw verify rejected %zu signatures\n", sample - good);
    std::exit(1);
  }
  return static_cast<double>(sample) / secs;
}

}  // namespace acta::bench
