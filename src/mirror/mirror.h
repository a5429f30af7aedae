// `acta mirror`: a checked, static copy of everything a center (or another
// mirror) publishes, written into a directory that any web server or CDN
// can serve (layout in layout.h and docs/FORMATS.md, "Mirror directory").
//
// Each Sync takes the source's latest checkpoint and publishes it only
// after checking it against the checkpoint this mirror holds:
//   - the note is signed by a center key of the (authority-signed) manifest;
//   - a smaller size is a rollback and the same size with another root a
//     fork: both refused, and so are entries this mirror holds that the
//     source now serves differently;
//   - every new entry is a validly signed acta of this election, and the
//     tree over the held entries plus the new ones gives the signed root
//     (which is what a consistency proof from the held checkpoint attests;
//     the mirror recomputes the whole tree instead of trusting a proof);
//   - every listed checkpoint is signed and matches the tree; each table's
//     stored actas match the log and carry valid receipts.
// Then it writes, in three atomic batches (publish_batch.h): the entry
// bundles and hash tiles; the data derived from them (bulletins, regions,
// tables, CSV, checkpoint list, arrivals, the dashboard); the checkpoint
// last, byte for byte as the source served it (cosignature lines included).
//
// Resumable: Open flushes the directory's file system (what a run that
// stopped on an error renamed into place is durable before it is served
// on), re-derives the tree and tally from the directory's own bundles and
// refuses a directory that does not reproduce its checkpoint.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/error.h"
#include "terminal/http_client.h"

namespace acta::mirror {

using ClientFactory = std::function<Result<std::unique_ptr<http::HttpClient>>()>;

struct MirrorOptions {
  std::string out_dir;
  // The source's URL, recorded in mirror.json.
  std::string source_url;
  // The built dashboard (index.html and assets) copied into the mirror;
  // empty: no dashboard.
  std::string web_root;
  // Pins: refuse a source whose manifest has another election id.
  std::optional<Hash256> election_id;
  // Clients used at once to fetch table files (1..16).
  int fetch_threads = 4;
  // Full bulletins kept at v1/bulletins/<size> (the latest ones).
  size_t keep_bulletins = 3;
  // Progress of long steps ("entries", "tables", "files"): done of total.
  std::function<void(std::string_view stage, uint64_t done, uint64_t total)> progress;
};

struct SyncResult {
  uint64_t held_size = 0;  // before this sync
  uint64_t size = 0;       // after it
  bool published = false;  // a new checkpoint (or new cosignatures) written
  uint64_t files_written = 0;
  uint64_t bytes_written = 0;
  uint64_t bytes_fetched = 0;
};

class Mirror {
 public:
  // Opens (creating it if needed) the mirror directory and resumes from the
  // checkpoint it holds. The manifest comes from the directory, or from the
  // source the first time. Errors: kCorruption (the directory's bundles do
  // not reproduce its signed checkpoint: damaged or tampered),
  // kWrongElection (the election id pin), kBadSignature, the source's
  // errors, kIo.
  [[nodiscard]] static Result<std::unique_ptr<Mirror>> Open(MirrorOptions options,
                                                            ClientFactory clients,
                                                            const Clock& clock);
  ~Mirror();

  // Brings the mirror up to the source's latest checkpoint (see above).
  // Errors: kFailedPrecondition for a fork or rollback (the message says
  // which sizes and roots), kBadSignature / kMalformed for entries,
  // checkpoints, tables or receipts that do not verify, kUnavailable /
  // kNotFound from the source, kIo. A refused sync publishes nothing.
  [[nodiscard]] Result<SyncResult> Sync();

  uint64_t held_size() const;

  struct State;

 private:
  explicit Mirror(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace acta::mirror
