#include "bench/attack_load_children.h"

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

namespace acta::bench {
namespace {

using std::chrono::milliseconds;

// "http://127.0.0.1:43211" -> 43211.
uint16_t PortOfUrl(const std::string& url) {
  const size_t colon = url.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    return static_cast<uint16_t>(std::stoul(url.substr(colon + 1)));
  } catch (const std::exception&) {
    return 0;
  }
}

// "401:12345" -> {401, 12345}; false for anything else.
template <typename K>
bool SplitCount(const std::string& token, K& key, uint64_t& n) {
  const size_t colon = token.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == token.size()) return false;
  try {
    n = std::stoull(token.substr(colon + 1));
    if constexpr (std::is_same_v<K, int>) {
      size_t used = 0;
      key = std::stoi(token.substr(0, colon), &used);
      return used == colon;
    } else {
      key = token.substr(0, colon);
      return true;
    }
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

Result<CenterProcess> StartCenterProcess(const CenterLaunch& launch) {
  std::filesystem::remove(launch.db_path);
  std::vector<std::string> argv = {launch.acta,
                                   "center",
                                   "--election",
                                   launch.election_dir,
                                   "--db",
                                   "sqlite:" + launch.db_path,
                                   "--key",
                                   launch.election_dir + "/secrets/center.key",
                                   "--ingest-listen",
                                   "127.0.0.1:0",
                                   "--public-listen",
                                   "127.0.0.1:0"};
  if (launch.threads > 0) {
    argv.push_back("--threads");
    argv.push_back(std::to_string(launch.threads));
  }
  auto child = ChildProcess::Spawn(argv, launch.log_path, /*pipe_stderr=*/false);
  if (!child) return std::unexpected(child.error());
  CenterProcess c;
  c.child = std::move(*child);
  // The URLs come first on stdout (spdlog's lines share it); 30 s covers
  // loading a large manifest.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((c.ingest_port == 0 || c.public_port == 0) &&
         std::chrono::steady_clock::now() < deadline) {
    auto line = c.child->ReadLine(ChildProcess::Stream::kStdout, milliseconds(1000));
    if (!line) {
      if (!c.child->Running()) break;
      continue;
    }
    if (line->rfind("ingest ", 0) == 0) c.ingest_port = PortOfUrl(*line);
    if (line->rfind("public ", 0) == 0) c.public_port = PortOfUrl(*line);
  }
  if (c.ingest_port == 0 || c.public_port == 0) {
    c.child->Kill();
    return MakeError(ErrorCode::kUnavailable,
                     "acta center did not report its ports; see " + launch.log_path);
  }
  c.child->DrainInBackground(ChildProcess::Stream::kStdout, launch.log_path);
  return c;
}

int StopCenterProcess(CenterProcess& center, milliseconds timeout) {
  if (!center.child) return -1;
  center.child->Signal(SIGTERM);
  return center.child->Wait(timeout);
}

uint64_t AttackOutcome::rejected() const {
  uint64_t n = 0;
  for (const auto& [status, count] : statuses) n += status >= 400 ? count : 0;
  return n;
}

uint64_t AttackOutcome::error_count() const {
  uint64_t n = 0;
  for (const auto& [name, count] : errors) n += count;
  return n;
}

std::string AttackOutcome::StatusText() const {
  std::string out;
  for (const auto& [status, n] : statuses) {
    out += (out.empty() ? "" : " ") + std::to_string(status) + ":" + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

Result<AttackOutcome> ParseAttackOutput(const std::string& text) {
  AttackOutcome o;
  o.text = text;
  bool total = false, summary = false;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream tokens(line);
    std::string first;
    tokens >> first;
    if (first == "total") {
      // total SENT STATUS:N... ERROR:N... (each cell "-" when empty)
      std::string token;
      if (!(tokens >> o.sent)) return MakeError(ErrorCode::kInvalidArgument, "bad total row");
      while (tokens >> token) {
        int status = 0;
        std::string name;
        uint64_t n = 0;
        if (SplitCount(token, status, n)) {
          o.statuses[status] += n;
        } else if (SplitCount(token, name, n)) {
          o.errors[name] += n;
        }
      }
      total = true;
    }
    unsigned long long sent = 0;
    double seconds = 0;
    if (std::sscanf(line.c_str(), "%llu sent in %lf s", &sent, &seconds) == 2) {
      o.seconds = seconds;
      summary = true;
    }
  }
  if (!total || !summary) {
    return MakeError(ErrorCode::kInvalidArgument, "no attack report in: " + text.substr(0, 400));
  }
  return o;
}

Result<std::unique_ptr<ChildProcess>> StartAttack(const AttackLaunch& l) {
  const double seconds = static_cast<double>(l.duration.count()) / 1000.0;
  char rate[32], duration[32];
  std::snprintf(rate, sizeof rate, "%.3f", l.rate);
  std::snprintf(duration, sizeof duration, "%.3f", seconds);
  const uint64_t count = static_cast<uint64_t>(l.rate * seconds) + 1;
  std::vector<std::string> argv = {l.acta,          "attack",
                                   "--target",      "http://127.0.0.1:" + std::to_string(l.port),
                                   "--mode",        l.mode,
                                   "--rate",        rate,
                                   "--concurrency", std::to_string(l.concurrency),
                                   "--duration",    duration,
                                   "--count",       std::to_string(count),
                                   "--election",    l.election_dir,
                                   "--seed",        std::to_string(l.seed)};
  auto child = ChildProcess::Spawn(argv, "", /*pipe_stderr=*/true);
  if (!child) return std::unexpected(child.error());
  // "attack: 1 s: N sent, ..." once a second: the flood is on.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string seen;
  while (std::chrono::steady_clock::now() < deadline) {
    auto line = (*child)->ReadLine(ChildProcess::Stream::kStderr, milliseconds(500));
    if (!line) {
      if (!(*child)->Running()) break;
      continue;
    }
    if (line->rfind("attack: ", 0) == 0 && line->find(" sent") != std::string::npos) {
      (*child)->DrainInBackground(ChildProcess::Stream::kStderr, "");
      return std::move(*child);
    }
    if (seen.size() < 2000) seen += *line + "\n";
  }
  (*child)->Kill();
  return MakeError(ErrorCode::kUnavailable,
                   "acta attack --mode " + l.mode + " did not start: " + seen);
}

Result<AttackOutcome> FinishAttack(ChildProcess& attacker, milliseconds timeout) {
  const std::string text = attacker.ReadAll(ChildProcess::Stream::kStdout, timeout);
  const int code = attacker.Wait(milliseconds(1000));
  if (code != 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "acta attack exited with " + std::to_string(code) + ": " + text);
  }
  return ParseAttackOutput(text);
}

Result<DemoOutcome> RunDemoProcess(const std::string& acta, uint32_t tables, bool attack,
                                   const std::string& log_path, milliseconds timeout) {
  std::vector<std::string> argv = {
      acta, "demo", "--json", "--tables", std::to_string(tables), "--no-verify"};
  if (attack) argv.push_back("--attack");
  auto child = ChildProcess::Spawn(argv, log_path, /*pipe_stderr=*/false);
  if (!child) return std::unexpected(child.error());
  const std::string out = (*child)->ReadAll(ChildProcess::Stream::kStdout, timeout);
  const int code = (*child)->Wait(milliseconds(1000));
  // The summary is the last JSON line; the demo exits 1 when a table is
  // lost or miscounted, and still prints it.
  std::string json_line;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] == '{') json_line = line;
  }
  if (json_line.empty()) {
    return MakeError(ErrorCode::kUnavailable, "acta demo exited with " + std::to_string(code) +
                                                  " and no JSON summary; see " + log_path);
  }
  try {
    const auto j = nlohmann::json::parse(json_line);
    DemoOutcome d;
    d.ok = j.at("ok").get<bool>();
    d.tables = j.at("tables").get<uint64_t>();
    d.counted = j.at("counted").get<uint64_t>();
    d.window_seconds = j.at("window_seconds").get<double>();
    d.p100_seconds = j.at("p100_seconds").get<double>();
    d.wall_seconds = j.at("wall_seconds").get<double>();
    d.peak_rss_mb = j.at("peak_rss_mb").get<double>();
    return d;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("demo summary: ") + e.what());
  }
}

}  // namespace acta::bench
