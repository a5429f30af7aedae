#include "sim/fleet.h"

#include <algorithm>

namespace acta::sim {

struct Fleet::Terminal {
  std::unique_ptr<terminal::Transmitter> tx;
  std::unique_ptr<terminal::HttpTransport> transport;
};

Fleet::Fleet(const Manifest& manifest, const TableKeys& keys, const Truth& truth,
             const TransportKey& master, std::vector<TerminalPlan> plans, FleetOptions options)
    : manifest_(manifest),
      keys_(keys),
      truth_(truth),
      master_(master),
      plans_(std::move(plans)),
      options_(std::move(options)),
      live_(plans_.size()),
      delivered_ms_(plans_.size(), -1),
      receipt_leaves_(options_.keep_receipts ? plans_.size() : 0) {
  const size_t links = std::max<size_t>(options_.link_names.size(), 1);
  link_tables_ = std::make_unique<std::atomic<uint64_t>[]>(links);
  link_delivered_ = std::make_unique<std::atomic<uint64_t>[]>(links);
  link_attempts_ = std::make_unique<std::atomic<uint64_t>[]>(links);
  link_failed_ = std::make_unique<std::atomic<uint64_t>[]>(links);
  for (const auto& p : plans_) ++link_tables_[std::min<size_t>(p.link, links - 1)];
}

Fleet::~Fleet() { Stop(); }

int64_t Fleet::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start_)
      .count();
}

void Fleet::Start() {
  start_ = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    std::vector<Due> all;
    all.reserve(plans_.size());
    for (size_t i = 0; i < plans_.size(); ++i) {
      all.push_back(
          Due{std::chrono::duration_cast<std::chrono::nanoseconds>(plans_[i].close_at).count(),
              static_cast<uint32_t>(i)});
    }
    heap_ = decltype(heap_)(std::greater<Due>(), std::move(all));
  }
  const size_t workers = std::max<size_t>(1, std::min(options_.workers, plans_.size()));
  for (size_t w = 0; w < workers; ++w) threads_.emplace_back([this, w] { Work(w); });
}

void Fleet::Work(size_t worker) {
  SeededRandom rng = SeededRandom(options_.seed).Fork(1000 + worker);
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (heap_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const Due next = heap_.top();
    const int64_t now = NowNs();
    if (next.at_ns > now) {
      // One worker (the leader) sleeps until the earliest due time; the
      // others sleep until woken, so a due time wakes one thread, not all.
      if (leader_) {
        cv_.wait(lock);
      } else {
        leader_ = true;
        leader_cv_.wait_for(lock, std::chrono::nanoseconds(next.at_ns - now));
        leader_ = false;
      }
      continue;
    }
    heap_.pop();
    // Pass the baton: someone must watch the next due time.
    if (!heap_.empty() && !leader_) cv_.notify_one();
    lock.unlock();
    StepTerminal(next.index, rng);
    lock.lock();
  }
}

void Fleet::Push(Due due) {
  heap_.push(due);
  if (!leader_) {
    cv_.notify_one();
  } else if (heap_.top().index == due.index) {
    leader_cv_.notify_one();  // earlier than what the leader waits for
  }
}

void Fleet::StepTerminal(size_t index, Random& rng) {
  const TerminalPlan& plan = plans_[index];
  const size_t link =
      std::min<size_t>(plan.link, std::max<size_t>(options_.link_names.size(), 1) - 1);
  auto& t = live_[index];
  if (!t) {
    // Close of polls: the terminal signs its acta now.
    ActaBody body = truth_.BodyFor(index);
    body.closing_time =
        manifest_.polls_close_not_before +
        static_cast<uint64_t>(plan.close_at.count() / 1000.0 * options_.closing_time_scale);
    body.closing_time = std::min(body.closing_time, manifest_.polls_close_not_after);
    auto acta = SignActa(body, keys_.key(index));
    t = std::make_unique<Terminal>();
    if (!acta) {
      std::lock_guard lock(mu_);
      failures_.push_back("table " + std::to_string(body.table_id) + ": " +
                          acta.error().ToString());
      ++failed_;
      ++done_;
      t.reset();
      done_cv_.notify_all();
      return;
    }
    const uint32_t table_id = manifest_.tables[index].id;
    const Mac mac = ComputeMac(DeriveTransportKey(master_, table_id), acta->bytes);
    ++closed_;
    const std::vector<std::string> urls = options_.urls(index);
    t->tx = std::make_unique<terminal::Transmitter>(manifest_, std::move(*acta), mac, urls.size(),
                                                    options_.transmitter);
  }
  if (!t->transport) {
    terminal::HttpTransportOptions o;
    o.center_urls = options_.urls(index);
    o.connect_timeout = options_.connect_timeout;
    o.request_timeout = options_.request_timeout;
    auto transport = terminal::HttpTransport::Create(std::move(o));
    if (!transport) {
      std::lock_guard lock(mu_);
      failures_.push_back(transport.error().ToString());
      ++failed_;
      ++done_;
      t.reset();
      done_cv_.notify_all();
      return;
    }
    t->transport = std::move(*transport);
  }
  const auto now = std::chrono::steady_clock::now();
  terminal::AttemptReport report = t->tx->Step(*t->transport, rng, now);
  ++attempts_;
  ++link_attempts_[link];
  using Kind = terminal::AttemptReport::Kind;
  if (report.kind != Kind::kDelivered) {
    ++retries_;
    ++link_failed_[link];
    if (report.kind == Kind::kBadReceipt) ++bad_receipts_;
    if (report.kind == Kind::kRetryAfter) ++retry_after_;
  }
  if (t->tx->done()) {
    bool ok = t->tx->delivery().has_value();
    if (ok) {
      delivered_ms_[index] = static_cast<int32_t>(NowNs() / 1'000'000);
      if (options_.keep_receipts) receipt_leaves_[index] = t->tx->delivery()->receipt.leaf_hash;
      if (t->tx->delivery()->conflict) ++conflicts_;
      ++delivered_;
      ++link_delivered_[link];
    }
    std::string failure = ok ? "" : t->tx->failure()->ToString();
    t.reset();  // closes the connection and frees the acta
    std::lock_guard lock(mu_);
    if (!ok) {
      ++failed_;
      if (failures_.size() < 20) {
        failures_.push_back("table " + std::to_string(manifest_.tables[index].id) + ": " + failure);
      }
    }
    ++done_;
    done_cv_.notify_all();
    return;
  }
  // Waiting: hang up (the HTTP clients and their connections go), also
  // when the next attempt is an immediate failover to another center: that
  // one needs a new connection anyway, and a terminal queued behind busy
  // workers must not hold an event loop and a socket per center it tried
  // (with three centers in a failover, thousands queued ran the process out
  // of descriptors).
  t->transport.reset();
  const int64_t due_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t->tx->due() - start_).count();
  std::lock_guard lock(mu_);
  Push(Due{due_ns, static_cast<uint32_t>(index)});
}

bool Fleet::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return done_cv_.wait_for(lock, timeout, [&] { return done_ == plans_.size(); });
}

void Fleet::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  leader_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

FleetSnapshot Fleet::Snapshot() const {
  FleetSnapshot s;
  s.tables = plans_.size();
  s.closed = closed_.load();
  s.delivered = delivered_.load();
  s.failed = failed_.load();
  s.attempts = attempts_.load();
  s.retries = retries_.load();
  s.conflicts = conflicts_.load();
  s.bad_receipts = bad_receipts_.load();
  s.retry_after = retry_after_.load();
  const size_t links = std::max<size_t>(options_.link_names.size(), 1);
  for (size_t i = 0; i < links; ++i) {
    s.links.push_back(LinkCounters{link_tables_[i].load(), link_delivered_[i].load(),
                                   link_attempts_[i].load(), link_failed_[i].load()});
  }
  return s;
}

std::vector<int64_t> Fleet::DeliveryTimes() const {
  std::lock_guard lock(mu_);  // orders the workers' writes before this read
  return std::vector<int64_t>(delivered_ms_.begin(), delivered_ms_.end());
}

std::vector<Hash256> Fleet::ReceiptLeaves() const {
  std::lock_guard lock(mu_);  // as DeliveryTimes
  std::vector<Hash256> out;
  for (size_t i = 0; i < receipt_leaves_.size(); ++i) {
    if (delivered_ms_[i] >= 0) out.push_back(receipt_leaves_[i]);
  }
  return out;
}

std::vector<std::string> Fleet::Failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

}  // namespace acta::sim
