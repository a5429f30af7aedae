#include "bench/center_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "terminal/http_client.h"

extern char** environ;

namespace acta::bench {
namespace {

using Steady = std::chrono::steady_clock;

uint16_t PortOf(const std::string& url) {
  return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

}  // namespace

CenterProcess::CenterProcess(const std::string& acta_binary, const std::string& election_dir,
                             const std::string& db_url, const std::string& key_file,
                             const std::vector<std::string>& extra_args) {
  // Output goes to files next to the election (a pipe closed after the
  // first lines would kill the center with SIGPIPE on its next write).
  static int serial = 0;
  const std::string base =
      election_dir + "/../center-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
  const std::string out_path = base + ".out";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (base + ".log").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = {acta_binary,
                                   "center",
                                   "--election",
                                   election_dir,
                                   "--db",
                                   db_url,
                                   "--key",
                                   key_file,
                                   "--ingest-listen",
                                   "127.0.0.1:0",
                                   "--public-listen",
                                   "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, acta_binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "cannot start %s\n", acta_binary.c_str());
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  // "ingest http://127.0.0.1:P\npublic http://127.0.0.1:Q\n"
  std::string text;
  const auto deadline = Steady::now() + std::chrono::seconds(30);
  while (Steady::now() < deadline && std::count(text.begin(), text.end(), '\n') < 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream f(out_path);
    text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  std::istringstream lines(text);
  std::string word, url;
  while (lines >> word >> url) {
    if (word == "ingest") ingest_port_ = PortOf(url);
    if (word == "public") public_port_ = PortOf(url);
  }
  if (ingest_port_ == 0 || public_port_ == 0) {
    std::fprintf(stderr, "acta center did not report its listeners: %s\n", text.c_str());
    Kill();
    std::exit(1);
  }
}

CenterProcess::~CenterProcess() { Kill(); }

void CenterProcess::Reap(int timeout_ms) {
  for (int waited = 0; pid_ > 0; waited += 10) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    if (waited >= timeout_ms) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void CenterProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  Reap(0);
}

void CenterProcess::Terminate() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  Reap(30'000);
}

std::optional<double> CenterProcess::Metric(const std::string& name) const {
  http::HttpClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(public_port_);
  auto client = http::HttpClient::Create(o);
  if (!client) return std::nullopt;
  auto r = (*client)->Get("/metrics");
  if (!r || r->status != 200) return std::nullopt;
  std::istringstream lines(std::string(r->body.begin(), r->body.end()));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return std::nullopt;
}

std::vector<double> MeasureFailovers(const std::string& acta_binary, const BenchElection& e,
                                     const std::string& db_url,
                                     const std::vector<PreparedRequest>& requests, int kills) {
  const std::string keys[2] = {e.dir + "/secrets/center.key", e.dir + "/secrets/center-2.key"};
  std::unique_ptr<CenterProcess> nodes[2];
  nodes[0] = std::make_unique<CenterProcess>(acta_binary, e.dir, db_url, keys[0]);
  nodes[1] = std::make_unique<CenterProcess>(acta_binary, e.dir, db_url, keys[1]);
  const char* kBatches = "acta_sequencer_batches_total";
  constexpr size_t kPerRound = 1500;  // 6 s at 250/s
  std::vector<double> times;
  size_t next = 0;
  for (int round = 0; round < kills && next + kPerRound + 100 <= requests.size(); ++round) {
    // Find the leader: the node whose batch count grows under a little load.
    const double b0[2] = {nodes[0]->Metric(kBatches).value_or(0),
                          nodes[1]->Metric(kBatches).value_or(0)};
    LoadOptions warm;
    warm.port = nodes[0]->ingest_port();
    warm.connections = 4;
    LoadResult warmed = RunLoad(warm, {requests.begin() + static_cast<long>(next),
                                       requests.begin() + static_cast<long>(next + 100)});
    next += 100;
    if (warmed.ok == 0) {
      std::fprintf(stderr, "failover round %d: the warm-up load failed (%lu failed)\n", round,
                   static_cast<unsigned long>(warmed.failed));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    const double grew[2] = {nodes[0]->Metric(kBatches).value_or(0) - b0[0],
                            nodes[1]->Metric(kBatches).value_or(0) - b0[1]};
    if ((grew[0] > 0) == (grew[1] > 0)) {
      std::fprintf(stderr, "failover round %d: cannot tell the leader (batches +%.0f, +%.0f)\n",
                   round, grew[0], grew[1]);
      continue;
    }
    const int leader = grew[0] > 0 ? 0 : 1;
    CenterProcess& follower = *nodes[1 - leader];
    // Terminal load on the survivor throughout.
    LoadOptions lo;
    lo.port = follower.ingest_port();
    lo.connections = 8;
    lo.rate = 250;
    lo.max_duration = std::chrono::milliseconds(6000);
    std::vector<PreparedRequest> slice(requests.begin() + static_cast<long>(next),
                                       requests.begin() + static_cast<long>(next + kPerRound));
    next += kPerRound;
    std::thread load([&] { RunLoad(lo, slice); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const double before = follower.Metric(kBatches).value_or(0);
    const auto killed_at = Steady::now();
    nodes[leader]->Kill();
    double seconds = -1;
    while (Steady::now() - killed_at < std::chrono::seconds(30)) {
      if (follower.Metric(kBatches).value_or(0) > before) {
        seconds = std::chrono::duration<double>(Steady::now() - killed_at).count();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    load.join();
    if (seconds < 0) {
      std::fprintf(stderr, "failover round %d: no checkpoint from the survivor within 30 s\n",
                   round);
    } else {
      std::fprintf(stderr, "failover round %d: %.2f s\n", round, seconds);
      times.push_back(seconds);
    }
    nodes[leader] = std::make_unique<CenterProcess>(acta_binary, e.dir, db_url, keys[leader]);
  }
  nodes[0]->Terminate();
  nodes[1]->Terminate();
  return times;
}

}  // namespace acta::bench
