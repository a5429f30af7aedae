// The witness's HTTP routes, on the center's HttpServer:
//   POST /add-checkpoint             Witness::AddCheckpoint
//   GET  /<origin hash>/checkpoint   Witness::LatestCheckpoint
//   GET  /metrics                    Prometheus counters
//   GET  /healthz
// add-checkpoint waits on an fsync, so it runs on one worker thread behind a
// bounded queue (the server's I/O threads never block); when the queue is
// full the answer is 503 with Retry-After and nothing changes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "center/http/handler.h"
#include "witness/witness.h"

namespace acta::witness {

class WitnessHandler final : public http::Handler {
 public:
  // REQUIRES: witness outlives this object.
  explicit WitnessHandler(Witness& witness, size_t max_queued = 256);
  // Answers what is queued, then joins the worker.
  ~WitnessHandler() override;
  WitnessHandler(const WitnessHandler&) = delete;
  WitnessHandler& operator=(const WitnessHandler&) = delete;

  std::size_t BodyLimit(const http::Request& head, std::size_t server_limit) const override;
  void Handle(http::Request&& request, http::ReplyFn reply) override;

  // A checkpoint note is at most 128 KiB, plus 64 proof lines.
  static constexpr size_t kMaxBody = 136 * 1024;

 private:
  struct Job {
    Bytes body;
    http::ReplyFn reply;
  };
  void Run();
  std::string Metrics() const;

  Witness& witness_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace acta::witness
