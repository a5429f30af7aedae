// Test-only: a Handler with routes that exercise the server, and a helper
// to wait for a condition without asserting on time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "center/http/handler.h"
#include "center/http/limits.h"

namespace acta::http::testing {

// Polls `done` until true; gives up (returns false) after 20 s so a bug
// fails a test instead of hanging it.
bool WaitUntil(const std::function<bool()>& done);

// Routes:
//   /echo    200, body "<method> <target> tls=<0|1>\n<body>", header
//            x-remote-port
//   /async   like /echo, answered from another thread
//   /hold    kept until ReleaseHeld()/TakeHeld()
//   /events  an SSE stream, kept in streams()
//   /throw   the handler throws
//   /small   body limit 16 bytes
//   /stall   blocks the I/O thread in Handle until ReleaseStall(), then
//            answers like /echo (for ordering what the kernel queues)
class TestHandler : public Handler {
 public:
  ~TestHandler() override;

  std::size_t BodyLimit(const Request& head, std::size_t server_limit) const override;
  void Handle(Request&& request, ReplyFn reply) override;

  std::size_t held_count();
  ReplyFn TakeHeld();  // REQUIRES: held_count() > 0
  std::vector<std::shared_ptr<SseStream>> streams();
  int handled() const;
  bool stalled();  // a /stall request is blocking its I/O thread
  void ReleaseStall();

 private:
  std::mutex stall_mu_;
  std::condition_variable stall_cv_;
  bool stalled_ = false;
  bool stall_released_ = false;
  mutable std::mutex mu_;
  std::vector<ReplyFn> held_;
  std::vector<std::shared_ptr<SseStream>> streams_;
  std::vector<std::thread> threads_;
  int handled_ = 0;
};

// Collects on_reject calls. Thread-safe.
class RejectLog {
 public:
  std::function<void(RejectReason, const boost::asio::ip::address&)> Callback();
  std::vector<RejectReason> reasons();
  bool Contains(RejectReason reason);

 private:
  std::mutex mu_;
  std::vector<RejectReason> reasons_;
};

}  // namespace acta::http::testing
