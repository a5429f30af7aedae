// Watches what center nodes publish during a chaos run: polls every node's
// public GET /checkpoint and keeps every distinct signed checkpoint with who
// signed it and when it was first seen, so the test can check afterwards
// that each one is consistent with the final log, and measure failover
// (leader killed -> first new checkpoint signed by another node).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.h"

namespace acta::testing::chaos {

struct SeenCheckpoint {
  uint64_t size = 0;
  Hash256 root{};
  std::string note;
  uint32_t signer_key_id = 0;  // key id of the note's first signature
  size_t node = 0;             // the node it was first seen on
  std::chrono::steady_clock::time_point first_seen{};
};

class CheckpointWatcher {
 public:
  // `public_urls[i]` is node i's public listener.
  CheckpointWatcher(std::vector<std::string> public_urls, std::chrono::milliseconds period);
  ~CheckpointWatcher();  // Stop()
  void Start();
  void Stop();

  // Every distinct note seen, in the order first seen.
  std::vector<SeenCheckpoint> All() const;
  // The largest checkpoint seen so far (nullopt before the first).
  std::optional<SeenCheckpoint> Largest() const;
  // Waits at most `timeout` for a checkpoint larger than `size` signed by a
  // key other than `key_id`; returns it, or nullopt on timeout.
  std::optional<SeenCheckpoint> WaitForLargerSignedByOther(uint64_t size, uint32_t key_id,
                                                           std::chrono::milliseconds timeout);
  // Waits at most `timeout` until every node in `nodes` serves a checkpoint
  // of exactly `size` (the same root everywhere). true on success.
  bool WaitForAllAt(const std::vector<size_t>& nodes, uint64_t size,
                    std::chrono::milliseconds timeout);

 private:
  void Run();
  void Record(size_t node, const std::string& note);

  const std::vector<std::string> urls_;
  const std::chrono::milliseconds period_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<SeenCheckpoint> seen_;         // guarded by mu_
  std::vector<std::string> latest_by_node_;  // guarded by mu_: last note served
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace acta::testing::chaos
