#include "tests/center/chaos_load.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/random.h"
#include "terminal/http_transport.h"
#include "terminal/transmitter.h"

namespace acta::testing::chaos {
namespace {

using std::chrono::milliseconds;

// Short backoff so a terminal that met two dead centers comes back within
// the test's time, with the same full-jitter scheme as in production.
terminal::TransmitterOptions ChaosTransmitterOptions() {
  terminal::TransmitterOptions o;
  o.backoff.base = milliseconds(50);
  o.backoff.cap = milliseconds(800);
  o.backoff.floor = milliseconds(10);
  return o;
}

}  // namespace

Acta TruthActa(const ElectionMaterial& election, size_t index) {
  ActaBody body = Truth(election.manifest, election.truth).BodyFor(index);
  body.closing_time = election.manifest.polls_close_not_before + 1;
  return *SignActa(body, SigningKey::FromSeed(election.table_seeds[index]));
}

TerminalLoad::TerminalLoad(const ElectionMaterial& election, LoadOptions options)
    : election_(election), options_(std::move(options)) {
  const size_t n = election_.manifest.tables.size();
  actas_.reserve(n);
  macs_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    actas_.push_back(TruthActa(election_, i));
    macs_.push_back(
        ComputeMac(DeriveTransportKey(election_.transport_master, actas_.back().body.table_id),
                   actas_.back().bytes));
  }
  deliveries_.resize(n);
}

TerminalLoad::~TerminalLoad() { Stop(); }

void TerminalLoad::Start() {
  start_ = std::chrono::steady_clock::now();
  for (size_t w = 0; w < options_.workers; ++w) threads_.emplace_back([this, w] { Work(w); });
}

bool TerminalLoad::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (finished_workers_.load() < threads_.size()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

void TerminalLoad::Stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::vector<TableDelivery> TerminalLoad::Deliveries() const {
  std::lock_guard lock(mu_);
  return deliveries_;
}

void TerminalLoad::Work(size_t worker) {
  const size_t centers = options_.urls.size();
  const size_t offset = options_.rotate ? worker % centers : 0;
  terminal::HttpTransportOptions to;
  for (size_t i = 0; i < centers; ++i)
    to.center_urls.push_back(options_.urls[(offset + i) % centers]);
  to.connect_timeout = milliseconds(1000);
  to.request_timeout = milliseconds(5000);
  auto transport = terminal::HttpTransport::Create(to);
  SeededRandom rng(options_.seed * 1000 + worker);
  const auto give_up = start_ + options_.deadline;
  const size_t n = actas_.size();
  while (!stop_ && transport) {
    const size_t i = next_.fetch_add(1);
    if (i >= n) break;
    std::this_thread::sleep_until(start_ + options_.spread * i / n);
    terminal::Transmitter t(election_.manifest, actas_[i], macs_[i], centers,
                            ChaosTransmitterOptions());
    TableDelivery d;
    d.started = std::chrono::steady_clock::now();
    while (!t.done() && !stop_) {
      auto now = std::chrono::steady_clock::now();
      if (now >= give_up) break;
      if (t.due() > now) {
        // Sleep in slices so Stop() is honoured promptly.
        std::this_thread::sleep_until(std::min({t.due(), now + milliseconds(50), give_up}));
        continue;
      }
      (void)t.Step(**transport, rng, now);
    }
    d.attempts = t.attempts();
    if (t.delivery()) {
      d.delivered = true;
      d.receipt = t.delivery()->receipt;
      d.url_index = (offset + t.delivery()->center) % centers;
      d.at = std::chrono::steady_clock::now();
      delivered_.fetch_add(1);
    } else if (t.failure()) {
      d.error = t.failure()->ToString();
    } else {
      d.error =
          "no receipt before the deadline after " + std::to_string(t.attempts()) + " attempts";
    }
    std::lock_guard lock(mu_);
    deliveries_[i] = std::move(d);
  }
  finished_workers_.fetch_add(1);
}

}  // namespace acta::testing::chaos
