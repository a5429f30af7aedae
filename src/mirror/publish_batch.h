// PublishBatch: a set of files written into a directory so that each one
// appears whole or not at all, and all of them are durable before Commit
// returns. `acta mirror` commits three batches per checkpoint (tiles and
// bundles, then the data derived from them, then the checkpoint), so a
// reader, or a mirror killed at any instant, never finds a checkpoint whose
// tiles are missing or a torn file.
//
// Commit writes every file to "<path>.acta-tmp", makes the temporary files
// durable (fsync of each one, or one syncfs of the file system for large
// batches, which is the same guarantee for far fewer system calls), renames
// each over its final path, then fsyncs every directory a rename touched.
// Not thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::mirror {

// The suffix of temporary files; `acta mirror` removes leftovers at start.
inline constexpr char kTempSuffix[] = ".acta-tmp";
// Text files of at least this size get a "<path>.gz" beside them (nginx's
// gzip_static sends it; below this, compression saves less than it costs).
inline constexpr size_t kGzipMinBytes = 1024;

class PublishBatch {
 public:
  explicit PublishBatch(std::string root) : root_(std::move(root)) {}

  // Queues `data` for `path` (relative, '/'-separated; directories are
  // created). Paths with "..", empty components or a leading '/' are
  // refused at Commit (kInvalidArgument): some names come from the network.
  void Add(std::string path, Bytes data) { files_.emplace_back(std::move(path), std::move(data)); }
  void Add(std::string path, std::string_view text) {
    const ByteSpan b = AsBytes(text);
    Add(std::move(path), Bytes(b.begin(), b.end()));
  }
  // Like Add, plus "<path>.gz" (its gzip) when `text` has kGzipMinBytes or
  // more; the .gz is renamed just before the file. A shorter text instead
  // removes any "<path>.gz" an earlier version left, before the file is
  // replaced, so a .gz never stands beside a file it does not decompress to
  // (except between those two renames).
  [[nodiscard]] Status AddCompressible(std::string path, Bytes data);
  [[nodiscard]] Status AddCompressible(std::string path, std::string_view text) {
    const ByteSpan b = AsBytes(text);
    return AddCompressible(std::move(path), Bytes(b.begin(), b.end()));
  }
  // Queues a removal, done after every write of the batch is durable.
  void Remove(std::string path) { removals_.push_back(std::move(path)); }

  size_t size() const { return files_.size(); }
  uint64_t bytes() const;

  // Writes everything as described above, then clears the batch.
  // Errors: kInvalidArgument (a bad path), kIo (naming the file and errno).
  [[nodiscard]] Status Commit();

 private:
  std::string root_;
  std::vector<std::pair<std::string, Bytes>> files_;
  std::vector<std::string> removals_;
  std::vector<std::string> stale_gzips_;  // removed before any rename
};

// True for a relative path of non-empty components none of which is "." or "..".
bool IsSafeRelativePath(std::string_view path);

}  // namespace acta::mirror
