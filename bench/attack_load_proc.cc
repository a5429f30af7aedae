#include "bench/attack_load_proc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace acta::bench {

using SteadyClock = std::chrono::steady_clock;

namespace {

struct StatFields {
  pid_t ppid = 0;
  double user_seconds = 0;
  double system_seconds = 0;
};

Result<StatFields> ReadStat(const std::string& proc_dir) {
  std::ifstream stat(proc_dir + "/stat");
  std::string text;
  if (!stat || !std::getline(stat, text)) {
    return MakeError(ErrorCode::kNotFound, "no process " + proc_dir);
  }
  // The command name (field 2) may hold spaces; fields after its ')' are
  // plain: state is field 3, ppid 4, utime 14, stime 15 (in clock ticks).
  const size_t close = text.rfind(')');
  if (close == std::string::npos) {
    return MakeError(ErrorCode::kInternal, "bad " + proc_dir + "/stat");
  }
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  StatFields f;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n == 4) f.ppid = static_cast<pid_t>(std::stol(field));
    if (n == 14) f.user_seconds = std::stod(field) / tick;
    if (n == 15) f.system_seconds = std::stod(field) / tick;
  }
  return f;
}

}  // namespace

Result<ProcUsage> ReadProcUsage(pid_t pid) {
  ProcUsage u;
  const std::string base = "/proc/" + std::to_string(pid);
  auto stat = ReadStat(base);
  if (!stat) return std::unexpected(stat.error());
  u.user_seconds = stat->user_seconds;
  u.system_seconds = stat->system_seconds;
  u.cpu_seconds = u.user_seconds + u.system_seconds;
  std::ifstream status(base + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) u.peak_rss_kb = std::stoull(line.substr(6));
  }
  return u;
}

Result<double> ProcessAndChildrenCpuSeconds(pid_t pid) {
  auto self = ReadStat("/proc/" + std::to_string(pid));
  if (!self) return std::unexpected(self.error());
  double total = self->user_seconds + self->system_seconds;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto child = ReadStat(entry.path().string());  // gone meanwhile: skipped
    if (child && child->ppid == pid) total += child->user_seconds + child->system_seconds;
  }
  return total;
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                                          const std::string& log_path,
                                                          bool pipe_stderr) {
  std::unique_ptr<ChildProcess> c(new ChildProcess());
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || (pipe_stderr && pipe2(err, O_CLOEXEC) != 0)) {
    return MakeError(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (pipe_stderr) {
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO,
                                     log_path.empty() ? "/dev/null" : log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawn(&c->pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (pipe_stderr) close(err[1]);
  c->out_fd_ = out[0];
  c->err_fd_ = err[0];
  if (rc != 0) {
    c->pid_ = -1;
    c->exited_ = true;
    return MakeError(ErrorCode::kInternal, "spawn " + argv[0] + ": " + std::strerror(rc));
  }
  return c;
}

ChildProcess::~ChildProcess() {
  if (!exited_) Wait(std::chrono::milliseconds(0));
  for (std::thread& t : drains_) t.join();
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

std::optional<std::string> ChildProcess::ReadLine(Stream stream,
                                                  std::chrono::milliseconds timeout) {
  int& fd = Fd(stream);
  std::string& buf = Buffer(stream);
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    if (size_t nl = buf.find('\n'); nl != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      return line;
    }
    if (fd < 0) {
      if (buf.empty()) return std::nullopt;
      return std::exchange(buf, {});
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      fd = -1;
      continue;
    }
    buf.append(chunk, static_cast<size_t>(n));
  }
}

std::string ChildProcess::ReadAll(Stream stream, std::chrono::milliseconds timeout) {
  std::string all;
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) break;
    auto line = ReadLine(stream, left);
    if (!line) break;
    all += *line + "\n";
  }
  return all;
}

void ChildProcess::DrainInBackground(Stream stream, const std::string& log_path) {
  const int fd = std::exchange(Fd(stream), -1);
  if (fd < 0) return;
  std::string pending = std::exchange(Buffer(stream), {});
  drains_.emplace_back([fd, log_path, pending] {
    FILE* log = log_path.empty() ? nullptr : std::fopen(log_path.c_str(), "a");
    if (log != nullptr) std::fwrite(pending.data(), 1, pending.size(), log);
    char chunk[4096];
    while (true) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (log != nullptr) std::fwrite(chunk, 1, static_cast<size_t>(n), log);
    }
    if (log != nullptr) std::fclose(log);
    close(fd);
  });
}

void ChildProcess::Signal(int sig) {
  if (!exited_ && pid_ > 0) kill(pid_, sig);
}

void ChildProcess::Kill() { Signal(SIGKILL); }

bool ChildProcess::Running() {
  if (exited_) return false;
  const pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_ || (r < 0 && errno != EINTR)) exited_ = true;
  return !exited_;
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!exited_) {
    const pid_t r = waitpid(pid_, &status_, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      exited_ = true;
      break;
    }
    if (SteadyClock::now() >= deadline) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      exited_ = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return -1;
}

}  // namespace acta::bench
