#include "sim/demo_monitor.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include "log/checkpoint.h"
#include "terminal/http_client.h"
#include "verify/log_source.h"
#include "verify/monitor.h"
#include "verify/witness_reader.h"

namespace acta::sim {
namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

DemoMonitor::DemoMonitor(std::string public_url, std::string state_dir,
                         DemoMonitorWitnesses witnesses, unsigned poll_ms)
    : url_(std::move(public_url)),
      state_dir_(std::move(state_dir)),
      witnesses_(std::move(witnesses)),
      poll_ms_(poll_ms) {
  thread_ = std::thread([this] { Run(); });
}

DemoMonitor::~DemoMonitor() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void DemoMonitor::Run() {
  const double cpu0 = ThreadCpuSeconds();
  http::HttpClientOptions co;
  co.base_url = url_;
  co.max_response_bytes = 256 * 1024 * 1024;
  auto client = http::HttpClient::Create(co);
  if (!client) {
    report_.error = client.error().ToString();
    return;
  }
  verify::HttpLogSource source(**client, false);
  verify::MonitorOptions mo;
  mo.state_dir = state_dir_;
  // Bulletins are compared at most once a second: a national bulletin costs
  // milliseconds to rebuild, checkpoints come several times a second.
  mo.bulletin_interval = std::chrono::milliseconds(1'000);
  verify::WitnessReader reader(witnesses_.origin);
  // Asked by name: the manifest's URLs are the synthetic election's
  // placeholders, the demo's witnesses run on loopback.
  auto at_url = [this](const ManifestWitness& w) {
    ManifestWitness at = w;
    for (const auto& here : witnesses_.witnesses) {
      if (here.name == w.name) at.url = here.url;
    }
    return at;
  };
  if (!witnesses_.witnesses.empty()) {
    mo.witness_checkpoint = [&reader, at_url](const ManifestWitness& w) {
      return reader.Latest(at_url(w));
    };
  }
  SystemClock clock;
  auto sink = [this](const nlohmann::json& e) {
    if (e.value("event", "") == "alarm" && report_.alarm_lines.size() < 5)
      report_.alarm_lines.push_back(e.value("kind", "") + ": " + e.value("message", ""));
  };
  std::unique_ptr<verify::Monitor> monitor;
  while (!stop_ && !monitor) {
    auto opened = verify::Monitor::Open(source, mo, clock, sink);
    if (opened) {
      monitor = std::move(*opened);
    } else {
      report_.error = opened.error().ToString();
      std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms_));
    }
  }
  if (!monitor) return;
  report_.error.clear();
  report_.ran = true;
  while (!stop_) {
    (void)monitor->Poll();
    held_ = monitor->stats().size;
    if (held_ >= target_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms_));
  }
  // One last bulletin comparison at the final size, whatever the interval.
  const verify::MonitorStats& s = monitor->stats();
  report_.size = s.size;
  report_.checkpoints = s.checkpoints_verified;
  report_.entries = s.entries_verified;
  report_.bulletins = s.bulletins_checked;
  report_.conflicts = s.conflicts;
  report_.alarms = s.alarms;
  report_.unavailable = s.unavailable;
  report_.lag_p50_ms = Percentile(s.lags_ms, 0.50);
  report_.lag_p99_ms = Percentile(s.lags_ms, 0.99);
  report_.lag_max_ms =
      s.lags_ms.empty() ? 0 : *std::max_element(s.lags_ms.begin(), s.lags_ms.end());
  report_.cosigned = s.checkpoints_cosigned;
  report_.cpu_seconds = ThreadCpuSeconds() - cpu0;
  // What each witness holds now, as `acta monitor` asks it (C2SP GET
  // <url>/<origin hash>/checkpoint); outside the CPU figure above.
  for (const auto& w : witnesses_.witnesses) {
    auto note = reader.Latest(w);
    auto cp = note ? log::ParseCheckpointUnverified(*note)
                   : Result<log::Checkpoint>(std::unexpected(note.error()));
    report_.witness_lines.push_back(
        w.name + ": " + (cp ? "cosigned size " + std::to_string(cp->size) : cp.error().message));
  }
}

DemoMonitorReport DemoMonitor::Finish(uint64_t size, std::chrono::milliseconds timeout) {
  target_ = size;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (held_ < size && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return report_;
}

}  // namespace acta::sim
