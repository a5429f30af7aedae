#include "mirror/publish_batch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "core/file.h"
#include "mirror/gzip.h"

namespace acta::mirror {
namespace {

// Above this many files one syncfs is cheaper than an fsync per file.
constexpr size_t kSyncfsThreshold = 64;

std::unexpected<Error> IoError(const std::string& what, const std::string& path) {
  return MakeError(ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

std::string ParentOf(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// mkdir -p of root/rel; new directories' parents are added to `dirty`
// (their entries must be made durable too).
Status MakeDirs(const std::string& root, const std::string& rel, std::set<std::string>& known,
                std::set<std::string>& dirty) {
  if (rel.empty() || known.contains(rel)) return Ok();
  ACTA_RETURN_IF_ERROR(MakeDirs(root, ParentOf(rel), known, dirty));
  const std::string full = root + "/" + rel;
  if (::mkdir(full.c_str(), 0755) == 0) {
    dirty.insert(ParentOf(rel));
  } else if (errno != EEXIST) {
    return IoError("cannot create directory", full);
  }
  known.insert(rel);
  return Ok();
}

Status WriteAll(int fd, ByteSpan data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

// Removes root/path for each path (a missing file is fine); parents of
// removed files go to `dirty`.
Status Unlink(const std::string& root, const std::vector<std::string>& paths,
              std::set<std::string>& dirty) {
  for (const auto& path : paths) {
    const std::string full = root + "/" + path;
    if (::unlink(full.c_str()) == 0) {
      dirty.insert(ParentOf(path));
    } else if (errno != ENOENT) {
      return IoError("cannot remove", full);
    }
  }
  return Ok();
}

}  // namespace

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

Status PublishBatch::AddCompressible(std::string path, Bytes data) {
  if (data.size() >= kGzipMinBytes) {
    auto gz = Gzip(data);
    if (!gz) return std::unexpected(gz.error());
    Add(path + ".gz", std::move(*gz));
  } else {
    stale_gzips_.push_back(path + ".gz");
  }
  Add(std::move(path), std::move(data));
  return Ok();
}

uint64_t PublishBatch::bytes() const {
  uint64_t n = 0;
  for (const auto& [path, data] : files_) n += data.size();
  return n;
}

Status PublishBatch::Commit() {
  for (const auto& [path, data] : files_) {
    if (!IsSafeRelativePath(path))
      return MakeError(ErrorCode::kInvalidArgument, "unsafe path in mirror: " + path);
  }
  for (const auto* list : {&removals_, &stale_gzips_}) {
    for (const auto& path : *list) {
      if (!IsSafeRelativePath(path))
        return MakeError(ErrorCode::kInvalidArgument, "unsafe path in mirror: " + path);
    }
  }
  std::set<std::string> known_dirs, dirty_dirs;
  const bool per_file_sync = files_.size() <= kSyncfsThreshold;
  int any_fd = -1;
  for (const auto& [path, data] : files_) {
    ACTA_RETURN_IF_ERROR(MakeDirs(root_, ParentOf(path), known_dirs, dirty_dirs));
    const std::string tmp = root_ + "/" + path + kTempSuffix;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return IoError("cannot create", tmp);
    Status st = WriteAll(fd, data, tmp);
    if (st && per_file_sync && ::fsync(fd) != 0) st = IoError("cannot fsync", tmp);
    if (!st) {
      ::close(fd);
      return st;
    }
    if (any_fd < 0 && !per_file_sync) {
      any_fd = fd;  // kept open for syncfs
    } else {
      ::close(fd);
    }
  }
  if (any_fd >= 0) {
    // syncfs flushes every dirty inode of the file system, these included.
    const int rc = ::syncfs(any_fd);
    ::close(any_fd);
    if (rc != 0) return IoError("cannot syncfs", root_);
  }
  ACTA_RETURN_IF_ERROR(Unlink(root_, stale_gzips_, dirty_dirs));
  for (const auto& [path, data] : files_) {
    const std::string final_path = root_ + "/" + path;
    const std::string tmp = final_path + kTempSuffix;
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) return IoError("cannot rename", tmp);
    dirty_dirs.insert(ParentOf(path));
  }
  ACTA_RETURN_IF_ERROR(Unlink(root_, removals_, dirty_dirs));
  for (const auto& dir : dirty_dirs) {
    ACTA_RETURN_IF_ERROR(SyncDirectory(dir.empty() ? root_ : root_ + "/" + dir));
  }
  files_.clear();
  removals_.clear();
  stale_gzips_.clear();
  return Ok();
}

}  // namespace acta::mirror
