#include "tests/center/chaos_watch.h"

#include <algorithm>
#include <memory>

#include "log/checkpoint.h"
#include "log/note.h"
#include "terminal/http_client.h"

namespace acta::testing::chaos {

CheckpointWatcher::CheckpointWatcher(std::vector<std::string> public_urls,
                                     std::chrono::milliseconds period)
    : urls_(std::move(public_urls)), period_(period), latest_by_node_(urls_.size()) {}

CheckpointWatcher::~CheckpointWatcher() { Stop(); }

void CheckpointWatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void CheckpointWatcher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void CheckpointWatcher::Run() {
  std::vector<std::unique_ptr<http::HttpClient>> clients;
  for (const auto& url : urls_) {
    http::HttpClientOptions o;
    o.base_url = url;
    o.connect_timeout = std::chrono::milliseconds(300);
    o.request_timeout = std::chrono::milliseconds(1000);
    auto c = http::HttpClient::Create(o);
    clients.push_back(c ? std::move(*c) : nullptr);
  }
  while (!stop_) {
    for (size_t i = 0; i < clients.size() && !stop_; ++i) {
      if (clients[i] == nullptr) continue;
      auto r = clients[i]->Get("/checkpoint");
      // A dead or restarting node refuses the connection: skip it this round.
      if (r && r->status == 200) Record(i, std::string(r->BodyText()));
    }
    std::this_thread::sleep_for(period_);
  }
}

void CheckpointWatcher::Record(size_t node, const std::string& note) {
  auto parsed = log::ParseCheckpointUnverified(note);
  auto signed_note = log::ParseNote(note);
  std::lock_guard lock(mu_);
  latest_by_node_[node] = note;
  for (const auto& s : seen_) {
    if (s.note == note) return;
  }
  SeenCheckpoint s;
  s.note = note;
  s.node = node;
  s.first_seen = std::chrono::steady_clock::now();
  if (parsed) {
    s.size = parsed->size;
    s.root = parsed->root;
  }
  if (signed_note && !signed_note->signatures.empty()) {
    s.signer_key_id = signed_note->signatures.front().key_id;
  }
  seen_.push_back(std::move(s));
  changed_.notify_all();
}

std::vector<SeenCheckpoint> CheckpointWatcher::All() const {
  std::lock_guard lock(mu_);
  return seen_;
}

std::optional<SeenCheckpoint> CheckpointWatcher::Largest() const {
  std::lock_guard lock(mu_);
  if (seen_.empty()) return std::nullopt;
  return *std::max_element(seen_.begin(), seen_.end(),
                           [](const auto& a, const auto& b) { return a.size < b.size; });
}

std::optional<SeenCheckpoint> CheckpointWatcher::WaitForLargerSignedByOther(
    uint64_t size, uint32_t key_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  std::optional<SeenCheckpoint> found;
  changed_.wait_for(lock, timeout, [&] {
    for (const auto& s : seen_) {
      if (s.size > size && s.signer_key_id != key_id) {
        found = s;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool CheckpointWatcher::WaitForAllAt(const std::vector<size_t>& nodes, uint64_t size,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      bool all = true;
      std::optional<Hash256> root;
      for (size_t n : nodes) {
        auto cp = log::ParseCheckpointUnverified(latest_by_node_[n]);
        if (!cp || cp->size != size || (root && *root != cp->root)) {
          all = false;
          break;
        }
        root = cp->root;
      }
      if (all) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace acta::testing::chaos
