// Entry checks: read the bundles, verify every acta on all cores, find
// conflicting actas, and check checkpoint roots against the recomputed tree.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "core/acta_check.h"
#include "log/checkpoint.h"
#include "log/tiles.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"

namespace acta::verify::internal {
namespace {

constexpr uint64_t kChunk = 256;

// Verifies entries [begin, end) into infos; returns their problems.
std::vector<Problem> CheckRange(const Manifest& manifest, std::span<const Bytes> entries,
                                uint64_t begin, uint64_t end, std::vector<EntryInfo>& infos) {
  std::vector<Problem> problems;
  for (uint64_t i = begin; i < end; ++i) {
    EntryInfo& info = infos[i];
    info.leaf = LeafHashOf(entries[i]);
    auto acta = DecodeActa(entries[i]);
    if (!acta) {
      std::optional<uint32_t> table;
      if (entries[i].size() >= kActaTableIdOffset + 4)
        table = LoadU32(entries[i].data() + kActaTableIdOffset);
      problems.push_back({ProblemKind::kEntry,
                          "does not decode: " + acta.error().message,
                          i,
                          table,
                          {},
                          {},
                          acta.error().code});
      continue;
    }
    info.decoded = true;
    auto checked = VerifyActa(*acta, manifest);
    if (!checked) {
      problems.push_back({ProblemKind::kEntry,
                          "acta does not verify: " + checked.error().message,
                          i,
                          acta->body.table_id,
                          {},
                          {},
                          checked.error().code});
    } else {
      info.valid = true;
    }
    info.body = std::move(acta->body);
  }
  return problems;
}

// The widest "tile/entries/<N>.p/<W>" in the files, if any.
Result<Bytes> WidestPartialBundle(const Files& files, uint64_t index) {
  const std::string prefix = log::TilePath({true, 0, index, 1});  // ".../<N>.p/1"
  const std::string dir = prefix.substr(0, prefix.size() - 1);
  uint32_t best = 0;
  for (const auto& path : files.List(dir)) {
    auto tile = log::ParseTilePath(path);
    if (tile && tile->entries && tile->index == index && tile->width > best) best = tile->width;
  }
  if (best == 0) return MakeError(ErrorCode::kNotFound, "no partial bundle");
  return files.Read(log::TilePath({true, 0, index, best}));
}

}  // namespace

std::vector<Bytes> LoadEntries(const Files& files, uint64_t size, Report& report) {
  std::vector<Bytes> entries;
  entries.reserve(size);
  for (const log::TileId& tile : EntryBundlesFor(size)) {
    const std::string path = log::TilePath(tile);
    auto data = files.Read(path);
    bool narrower = false;
    if (!data && data.error().code == ErrorCode::kNotFound) {
      report.Add({ProblemKind::kMissingFile,
                  "entry bundle for entries from " + std::to_string(tile.index * log::kTileWidth) +
                      " is missing",
                  tile.index * log::kTileWidth,
                  {},
                  {},
                  path,
                  ErrorCode::kNotFound});
      // The center may serve a narrower bundle than its checkpoints need
      // (it dropped entries): read what it does serve, so the roots show
      // where the log differs.
      data = WidestPartialBundle(files, tile.index);
      if (!data) break;
      narrower = true;
    }
    if (!data) {
      report.Add({data.error().code == ErrorCode::kNotFound ? ProblemKind::kMissingFile
                                                            : ProblemKind::kMalformedFile,
                  "entry bundle for entries from " + std::to_string(tile.index * log::kTileWidth) +
                      ": " + data.error().message,
                  tile.index * log::kTileWidth,
                  {},
                  {},
                  path,
                  data.error().code});
      break;
    }
    auto bundle = log::ParseEntryBundle(*data);
    if (!bundle || (!narrower && bundle->size() != tile.width)) {
      report.Add({ProblemKind::kMalformedFile,
                  bundle ? "holds " + std::to_string(bundle->size()) + " entries, its name says " +
                               std::to_string(tile.width)
                         : bundle.error().message,
                  tile.index * log::kTileWidth,
                  {},
                  {},
                  path,
                  ErrorCode::kMalformed});
      break;
    }
    for (auto& e : *bundle) entries.push_back(std::move(e));
    if (narrower) break;
  }
  report.entries = entries.size();
  return entries;
}

std::vector<EntryInfo> CheckEntries(const Manifest& manifest, std::span<const Bytes> entries,
                                    const VerifyOptions& options, Report& report) {
  std::vector<EntryInfo> infos(entries.size());
  const uint64_t n = entries.size();
  const uint64_t chunks = (n + kChunk - 1) / kChunk;
  unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<uint64_t>(threads, std::max<uint64_t>(chunks, 1)));
  // Chunks are handed out in order; each chunk's problems are kept apart so
  // the report lists them in log order whatever the scheduling.
  std::vector<std::vector<Problem>> problems(chunks);
  std::atomic<uint64_t> next{0}, done{0};
  auto work = [&](bool report_progress) {
    for (uint64_t c; (c = next.fetch_add(1)) < chunks;) {
      problems[c] = CheckRange(manifest, entries, c * kChunk, std::min(n, (c + 1) * kChunk), infos);
      const uint64_t d = done.fetch_add(1) + 1;
      if (report_progress && options.progress)
        options.progress("entries", std::min(n, d * kChunk), n);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, false);
  work(true);
  for (auto& t : pool) t.join();
  if (options.progress) options.progress("entries", n, n);
  for (auto& chunk : problems) {
    for (auto& p : chunk) report.Add(std::move(p));
  }
  report.entries_valid = static_cast<uint64_t>(
      std::count_if(infos.begin(), infos.end(), [](const EntryInfo& i) { return i.valid; }));
  return infos;
}

std::vector<ConflictPair> FindConflicts(const Manifest& manifest, std::span<const Bytes> entries,
                                        std::span<const EntryInfo> infos) {
  (void)entries;
  std::vector<int64_t> first(manifest.tables.size(), -1);
  std::vector<bool> seen_conflict(manifest.tables.size(), false);
  std::vector<ConflictPair> out;
  for (uint64_t i = 0; i < infos.size(); ++i) {
    if (!infos[i].valid) continue;
    const TableRecord* t = manifest.FindTable(infos[i].body.table_id);
    const size_t idx = static_cast<size_t>(t - manifest.tables.data());
    if (first[idx] < 0) {
      first[idx] = static_cast<int64_t>(i);
    } else if (!seen_conflict[idx] && infos[first[idx]].body != infos[i].body) {
      seen_conflict[idx] = true;
      out.push_back({t->id, static_cast<uint64_t>(first[idx]), i});
    }
  }
  return out;
}

void CheckTree(const log::MerkleTree& tree, std::span<const PublishedCp> checkpoints,
               const Manifest& manifest, const VerifierState* state, Report& report) {
  // Entries since the last checkpoint that matched: where a mismatch lies.
  uint64_t good = 0;
  std::vector<const PublishedCp*> sorted;
  for (const auto& cp : checkpoints) {
    // Checkpoints signed after the pinned one are judged here only when the
    // entries read cover them; larger ones: CheckLaterCheckpoints.
    if (cp.parsed && (!cp.after_pin || cp.size <= report.latest_size)) sorted.push_back(&cp);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto* a, auto* b) { return a->size < b->size; });
  uint64_t good_below_size = 0, size_of_good = 0;  // `good` as of sizes below the current one
  for (const PublishedCp* cp : sorted) {
    if (cp->size != size_of_good) {
      good_below_size = good;
      size_of_good = cp->size;
    }
    if (cp->size > tree.size()) {
      report.Add({ProblemKind::kCheckpointBeyondLog,
                  "checkpoint #" + std::to_string(cp->index) + " has size " +
                      std::to_string(cp->size) + " but the log serves only " +
                      std::to_string(tree.size()) + " entries",
                  {},
                  {},
                  cp->size,
                  {},
                  {}});
      continue;
    }
    auto root = tree.RootAt(cp->size);
    if (*root == cp->root) {
      good = std::max(good, cp->size);
      continue;
    }
    report.Add({ProblemKind::kCheckpointRoot,
                "checkpoint #" + std::to_string(cp->index) + " signs root " + HexEncode(cp->root) +
                    " but the entries give " + HexEncode(*root) +
                    "; the difference lies in entries [" + std::to_string(good_below_size) + ", " +
                    std::to_string(cp->size) + ")",
                good_below_size,
                {},
                cp->size,
                {},
                ErrorCode::kCorruption});
  }
  if (state == nullptr) return;
  const std::string origin = log::LogOrigin(manifest.election_id);
  if (!state->origin.empty() && state->origin != origin) {
    report.Add({ProblemKind::kState,
                "the state file remembers log \"" + state->origin + "\", not \"" + origin + "\"",
                {},
                {},
                {},
                {},
                ErrorCode::kWrongElection});
    return;
  }
  for (const auto& rem : state->checkpoints) {
    // Beyond the pinned size: CheckLaterCheckpoints (rollback or proof).
    if (rem.size > report.latest_size) continue;
    if (rem.size > tree.size()) continue;
    auto root = tree.RootAt(rem.size);
    if (*root != rem.root) {
      report.Add({ProblemKind::kFork,
                  "a checkpoint of size " + std::to_string(rem.size) + " with root " +
                      HexEncode(rem.root) + " was seen before; the log now gives root " +
                      HexEncode(*root) + " at that size",
                  {},
                  {},
                  rem.size,
                  {},
                  {}});
    }
  }
}

}  // namespace acta::verify::internal
