// The mirror's private state and the steps of one Sync, split over
// mirror.cc (open, resume, order of a sync), source.cc (what is fetched
// and how it is checked) and derived.cc (the files derived from the log).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/acta.h"
#include "core/manifest.h"
#include "log/checkpoint.h"
#include "log/cosigned_checkpoint.h"
#include "log/merkle.h"
#include "log/receipt_key.h"
#include "mirror/mirror.h"
#include "mirror/publish_batch.h"
#include "tally/tally.h"

namespace acta::mirror {

// One entry of the checkpoint list (/v1/checkpoints).
struct ListedCheckpoint {
  uint64_t size = 0;
  Hash256 root{};
  uint64_t created_at_ms = 0;
  std::string note;
};

struct Mirror::State {
  MirrorOptions options;
  ClientFactory clients;
  const Clock* clock = nullptr;
  std::unique_ptr<http::HttpClient> client;  // the sequential fetches

  Bytes manifest_json, tables_bin, manifest_sig;
  std::unique_ptr<Manifest> manifest;
  std::string origin;
  std::optional<tally::Tally> tally;
  log::MerkleTree tree;

  // The checkpoint this mirror holds (published last), as served.
  std::string held_note;
  log::Checkpoint held;
  // Log indexes of the second and later entries of a table (conflicts);
  // the first is in the tally.
  std::map<uint32_t, std::vector<uint64_t>> later_entries;
  // The checkpoint list as last published (checked once).
  std::vector<ListedCheckpoint> listed;
  // Full bulletins kept at v1/bulletins/<size>, oldest first.
  std::vector<uint64_t> bulletin_sizes;
  bool dashboard_written = false;
  // The bundles FetchNewEntries fetched and checked, to be published.
  std::vector<std::pair<std::string, Bytes>> fetched_bundles;
  // Receipt keys certified by a center key (a center whose key is in a
  // token), from the source's /v1/receipt-keys and the directory's copy;
  // the fetch threads share it. Republished as kReceiptKeys, so that readers
  // of the mirror (a monitor checking its receipts, the observers' page)
  // can check receipts signed by them. Created by Open.
  std::mutex receipt_keys_mu;
  std::unique_ptr<log::ReceiptKeyRing> receipt_keys;
};

namespace internal {

// GET `path` from the source; any status but 200 is an error naming the
// path (kNotFound for 404, kUnavailable otherwise).
Result<http::HttpResponse> GetOk(http::HttpClient& client, const std::string& path);

// Verifies a checkpoint note as readers will (log::VerifyCheckpointForManifest):
// a center key's signature, the origin, and every cosignature line of a
// manifest witness (a failing one would make readers reject the whole note,
// so the mirror must not republish it). Errors: kMalformed, kBadSignature,
// kWrongElection.
Result<log::CosignedCheckpoint> VerifyCosignedNote(const Mirror::State& s, std::string_view note);
// The same, the checkpoint only.
Result<log::Checkpoint> VerifyNote(const Mirror::State& s, std::string_view note);

// Fetches entry bundles covering [from, to) (from the bundle holding
// `from`), checks the entries below `from` equal the held ones (a fork
// otherwise) and returns the entries [from, to). Errors: kFailedPrecondition
// (fork), kMalformed, the client's.
Result<std::vector<Bytes>> FetchNewEntries(Mirror::State& s, uint64_t from, uint64_t to,
                                           uint64_t& bytes_fetched);

// Decodes and verifies `entries` (log indexes from `first`) on a few
// threads. Errors: the first bad entry, naming its index and table.
Result<std::vector<Acta>> VerifyEntries(const Manifest& manifest, const std::vector<Bytes>& entries,
                                        uint64_t first);

// Fetches /v1/checkpoints, checks every checkpoint not checked before
// (signature, root at its size in the tree) and that earlier ones are
// unchanged, and returns the list cut at `size`. Errors: kBadSignature,
// kFailedPrecondition (a listed root differs from the tree: a fork).
Result<std::vector<ListedCheckpoint>> FetchCheckpointList(Mirror::State& s, uint64_t size,
                                                          uint64_t& bytes_fetched);

// The table files (path, JSON) of `tables` at the tree's size: the tally's
// status and, for each logged acta, the source's stored row (receipt,
// arrival time, lane) checked against the log and the manifest's center
// keys, with an inclusion proof at `size` from this mirror's tree.
Result<std::vector<std::pair<std::string, std::string>>> BuildTableFiles(
    Mirror::State& s, std::span<const uint32_t> tables, uint64_t size, uint64_t& bytes_fetched);

// Adds the files of `regions` (manifest indexes) to `batch`.
Status AddRegionFiles(const Mirror::State& s, std::span<const int32_t> regions,
                      PublishBatch& batch);

// Adds to `batch` the other derived files for the last checkpoint of
// `list`: bulletins, tables.csv, checkpoint lists, arrivals, the dashboard
// (once per process).
Status AddDerivedFiles(Mirror::State& s, const std::vector<ListedCheckpoint>& list,
                       PublishBatch& batch, uint64_t& bytes_fetched);

}  // namespace internal
}  // namespace acta::mirror
