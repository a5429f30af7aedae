// State shared by the listeners and sessions of one HttpServer. Internal to
// acta_http: includes Asio, so keep it out of public headers.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "center/http/handler.h"
#include "center/http/limits.h"
#include "center/http/source_network.h"

namespace acta::http::internal {

// Reply functions and SSE streams may outlive the io_contexts they post to.
// They post only under `mu` while `open`; the server closes the gate after
// its threads have stopped and before the io_contexts are destroyed.
struct ReplyGate {
  std::mutex mu;
  bool open = true;
};

// Whether a ReplyBatch is open on this thread.
bool ReplyBatchOpen();
// Queues `fn` to run on `executor` when the ReplyBatch open on this thread
// ends, posted under `gate` like any reply. REQUIRES ReplyBatchOpen().
void HoldReply(const std::shared_ptr<ReplyGate>& gate,
               const boost::asio::io_context::executor_type& executor,
               std::move_only_function<void()> fn);

// What the server and SSE streams need from a session. All methods run on
// the session's own thread.
class SessionBase {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~SessionBase() = default;
  // When the current phase (header, body, write, idle...) runs out of time;
  // max() when nothing is timed. The worker's sweep (StartDeadlineSweep)
  // calls OnDeadline once it has passed: a per-phase timer would cost a
  // timer-queue update, often a timerfd syscall, and a cancelled completion
  // on every request.
  TimePoint deadline = TimePoint::max();
  virtual void OnDeadline() = 0;
  virtual void OnServerStop() = 0;
  virtual void SseWrite(std::string text) = 0;  // one framed event, counted in the queue
  virtual void SseFinish() = 0;                 // flush, then close
  virtual void SseAbort() = 0;                  // close now
};

// One I/O thread: its io_context and the sessions living on it.
struct Worker {
  // Touched only on this worker's thread (or after it stopped). Declared
  // before ioc so that sessions destroyed with ioc can still unregister.
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  boost::asio::io_context ioc{1};
  boost::asio::steady_timer sweep{ioc};
  // This worker's reply functions and SSE streams hold this gate. One per
  // worker, not one per server: every request copies the shared_ptr, and a
  // reference count shared by all I/O threads would bounce between cores.
  std::shared_ptr<ReplyGate> gate = std::make_shared<ReplyGate>();
};

// Every `resolution`, on the worker's thread, calls OnDeadline on each of its
// sessions whose deadline has passed: deadlines fire late by at most one
// resolution, never early. Runs until the io_context stops.
void StartDeadlineSweep(Worker& worker, std::chrono::milliseconds resolution);

// The sweep resolution for `limits`: an eighth of the shortest timeout,
// between 1 ms and 100 ms.
std::chrono::milliseconds DeadlineResolution(const ServerLimits& limits);

struct ServerState {
  ServerState(const ServerLimits& l, Handler& h,
              std::function<void(RejectReason, const boost::asio::ip::address&)> reject)
      : limits(l),
        handler(h),
        on_reject(std::move(reject)),
        limiter(l.max_connections, l.max_connections_per_source) {}

  void Reject(RejectReason reason, const boost::asio::ip::address& address) const {
    if (on_reject) on_reject(reason, address);
  }

  const ServerLimits limits;
  Handler& handler;
  const std::function<void(RejectReason, const boost::asio::ip::address&)> on_reject;
  ConnectionLimiter limiter;
  std::unique_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::atomic<bool> stopping{false};
};

// Runs a connection admitted by state.limiter (the session releases it).
// Call on `worker`'s thread; `socket` belongs to worker.ioc.
void StartSession(boost::asio::ip::tcp::socket socket, const boost::asio::ip::tcp::endpoint& remote,
                  ServerState& state, Worker& worker);

}  // namespace acta::http::internal
