#include "tests/center/acta_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace acta::testing::chaos {
namespace {

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A wrapped process's acta is not our child: wait (bounded) until no
// process of its group is left, so that a restart never opens the same
// files beside it.
void WaitForGroupGone(pid_t group) {
  for (int i = 0; i < 500 && kill(-group, 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// posix_spawn of ACTA_BINARY (behind `wrapper` if not empty) with stdin
// from /dev/null, in a process group of its own so that a kill reaches the
// wrapper and acta together.
pid_t Spawn(std::vector<std::string> args, const std::string& out, const std::string& err,
            const std::vector<std::string>& wrapper = {}) {
  args.insert(args.begin(), ACTA_BINARY);
  args.insert(args.begin(), wrapper.begin(), wrapper.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err == out) {
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args.front().c_str(), &fa, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

}  // namespace

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunActa(const std::vector<std::string>& args, const std::string& log_path,
            std::chrono::milliseconds timeout, const std::vector<std::string>& wrapper) {
  const pid_t pid = Spawn(args, log_path, log_path, wrapper);
  if (pid <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      WaitForGroupGone(pid);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ExitCode(status);
}

ActaProcess::~ActaProcess() { Kill(); }

std::string ActaProcess::out_path() const {
  return config_.log_dir + "/" + config_.name + "-" + std::to_string(incarnation_) + ".out";
}
std::string ActaProcess::err_path() const {
  return config_.log_dir + "/" + config_.name + "-" + std::to_string(incarnation_) + ".err";
}

std::string ActaProcess::LogTail(size_t max_bytes) const {
  auto tail = [&](const std::string& path) {
    std::string text = Slurp(path);
    return text.size() > max_bytes ? "..." + text.substr(text.size() - max_bytes) : text;
  };
  // Errors that stop the process go to stderr; the running log to stdout.
  return "stderr: " + tail(err_path()) + "\nstdout: " + tail(out_path());
}

void ActaProcess::Reaped(int status) {
  WaitForGroupGone(pid_);
  pid_ = -1;
  exit_code_ = ExitCode(status);
}

Status ActaProcess::Start(std::vector<std::string> args, const std::string& ready,
                          std::chrono::milliseconds timeout) {
  if (pid_ > 0) return MakeError(ErrorCode::kFailedPrecondition, config_.name + " already runs");
  ++incarnation_;
  exit_code_ = -1;
  const std::string out = out_path(), err = err_path();
  pid_ = Spawn(std::move(args), out, err, config_.wrapper);
  if (pid_ <= 0) {
    pid_ = -1;
    return MakeError(ErrorCode::kUnavailable, "cannot spawn " + std::string(ACTA_BINARY));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Slurp(out).find(ready) != std::string::npos) return Ok();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      Reaped(status);
      return MakeError(ErrorCode::kUnavailable, config_.name + " exited at start (" +
                                                    DescribeStatus(status) + "): " + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return MakeError(
      ErrorCode::kUnavailable,
      config_.name + " not ready after " + std::to_string(timeout.count()) + " ms: " + LogTail());
}

void ActaProcess::Kill() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  Reaped(status);
}

int ActaProcess::Terminate(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  if (config_.wrapper.empty()) {
    kill(-pid_, SIGTERM);
  } else {
    // Only acta: a wrapper such as strace must keep tracing its shutdown.
    std::ifstream children("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) +
                           "/children");
    for (pid_t child = 0; children >> child;) kill(child, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      Reaped(status);
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return -1;
}

bool ActaProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    Reaped(status);
    return false;
  }
  return true;
}

}  // namespace acta::testing::chaos
