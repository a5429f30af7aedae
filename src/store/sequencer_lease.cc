#include "store/sequencer_lease.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <string>

#include "store/postgres_lease.h"

namespace acta::store {
namespace {

// A single process owns a SQLite store: the lease is an exclusive flock on a
// file beside the database. The kernel drops it when the process dies, so a
// crashed center never blocks its replacement.
class FileLease final : public SequencerLease {
 public:
  explicit FileLease(std::string path) : path_(std::move(path)) {}
  ~FileLease() override { Release(); }

  Result<bool> TryAcquire() override {
    std::lock_guard lock(mu_);
    if (fd_ >= 0) return true;
    // A fresh open file description each time: flock conflicts between
    // descriptions, so two leases in one process exclude each other too.
    int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return MakeError(ErrorCode::kIo, "cannot open lock file " + path_ + ": " + strerror(errno));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      holder_ = ReadHolder(fd);
      close(fd);
      if (err == EWOULDBLOCK) return false;
      return MakeError(ErrorCode::kIo, "cannot lock " + path_ + ": " + strerror(err));
    }
    // Best effort: the pid only makes the other center's message clearer.
    const std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) == 0) (void)!pwrite(fd, pid.data(), pid.size(), 0);
    fd_ = fd;
    holder_.clear();
    return true;
  }

  bool StillHeld() override {
    std::lock_guard lock(mu_);
    return fd_ >= 0;
  }

  void Release() override {
    std::lock_guard lock(mu_);
    if (fd_ < 0) return;
    close(fd_);  // drops the flock
    fd_ = -1;
  }

  std::string Describe() const override {
    std::lock_guard lock(mu_);
    std::string out = "flock on " + path_;
    if (fd_ >= 0) return out + " (held by this process)";
    if (!holder_.empty()) out += " (held by pid " + holder_ + ")";
    return out;
  }

 private:
  static std::string ReadHolder(int fd) {
    char buf[32] = {};
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    std::string pid;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
    return pid;
  }

  const std::string path_;
  mutable std::mutex mu_;
  int fd_ = -1;         // guarded by mu_; open and locked while held
  std::string holder_;  // guarded by mu_; pid seen in the file on refusal
};

}  // namespace

Result<std::unique_ptr<SequencerLease>> OpenLease(std::string_view url, const Hash256& election_id,
                                                  const OpenOptions& options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) return MakeError(ErrorCode::kInvalidArgument, "sqlite lease needs a path");
    return std::unique_ptr<SequencerLease>(new FileLease(path + ".lock"));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    pg::ConnectOptions connect;
    connect.answer_timeout_ms = options.answer_timeout_ms;
    auto lease = PostgresLease::Open(std::string(url), election_id, connect);
    if (!lease) return std::unexpected(std::move(lease).error());
    return std::unique_ptr<SequencerLease>(std::move(*lease));
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown store URL \"" + std::string(url) +
                                                    "\": expected sqlite:PATH or postgres://...");
}

}  // namespace acta::store
