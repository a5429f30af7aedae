// The socket-free side of the HTTP server: what a request handler sees and
// returns. Handlers are tested with plain Request values, no network.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/bytes.h"

namespace acta::http {

// Header fields in arrival order. Request names are lowercase.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // origin-form, e.g. "/v1/acta?lane=public"
  HeaderList headers;  // names lowercased; bounded by ServerLimits::max_header_bytes
  Bytes body;          // bounded by the body limit in force for this request
  boost::asio::ip::address remote_address;
  uint16_t remote_port = 0;
  bool tls = false;

  // Value of the first header named `name` (give it lowercase), or "".
  std::string_view Header(std::string_view name) const;
  // target without "?query".
  std::string_view Path() const;
};

// A server-sent-events stream (text/event-stream) that a handler keeps and
// pushes to until the client goes away. Thread-safe: any thread may call any
// method, at any time, also after the server stopped.
class SseStream {
 public:
  virtual ~SseStream() = default;
  // Queues one event ("event:", "id:" and one "data:" line per line of
  // `data`; empty event/id are left out). Returns false when the stream is
  // closed: the client left, the server stopped, Close was called, or the
  // client fell more than ServerLimits::sse_max_queued_bytes behind (then it
  // is closed). Drop the stream once Send returns false.
  virtual bool Send(std::string_view event, std::string_view data, std::string_view id = {}) = 0;
  // Flushes what is queued and then closes the connection.
  virtual void Close() = 0;
  virtual bool IsOpen() const = 0;
};

struct Response {
  int status = 200;  // 200..999; anything else becomes 500
  // Empty means application/octet-stream (a default that would cost an
  // allocation for every response, the common refusals included).
  std::string content_type;
  // Extra fields. Content-Length, Transfer-Encoding, Connection and
  // Content-Type are set by the server and ignored here, as is any field
  // whose name or value holds CR or LF.
  HeaderList headers;
  Bytes body;
  // Close the connection after this response.
  bool close = false;
  // When set, the response is a server-sent-events stream: the server sends
  // "200 text/event-stream" headers (status, content_type and body are
  // ignored) and calls this once, on an I/O thread, with the stream.
  std::function<void(std::shared_ptr<SseStream>)> on_sse_open;

  static Response Text(int status, std::string_view text);  // text/plain; charset=utf-8
  static Response Json(int status, std::string_view json);  // application/json
  // {"error":"<code>","message":"<message>"} with application/json.
  static Response Error(int status, std::string_view code, std::string_view message);
  static Response EventStream(std::function<void(std::shared_ptr<SseStream>)> on_open);
};

// Where a ReplyFn delivers: the server's connection (or, in tests, any
// function). Deliver may be called from any thread.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void Deliver(uint64_t request_id, Response response) = 0;
};

// Delivers the response for one request. Call it once, from any thread, at
// any time (also after the server stopped: then it is a no-op). Later calls
// are ignored. Copyable.
//
// A small class rather than a std::function: the server makes one for every
// request, and this one is a reference to its connection's sink and a
// number, with no allocation of its own.
class ReplyFn {
 public:
  ReplyFn() = default;
  ReplyFn(std::shared_ptr<ReplySink> sink, uint64_t request_id)
      : sink_(std::move(sink)), request_id_(request_id) {}
  // Wraps any function of a Response (tests, handlers that adapt replies).
  // Copies share the one wrapped function (a mutable lambda's state too).
  // An empty function (a null std::function) gives an empty ReplyFn.
  template <class F>
  requires(std::is_invocable_v<F&, Response> && !std::is_same_v<std::decay_t<F>, ReplyFn>)
      ReplyFn(F fn) {  // NOLINT: implicit, as from a lambda to std::function
    if constexpr (std::is_constructible_v<bool, const F&>) {
      if (!static_cast<bool>(fn)) return;
    }
    sink_ = std::make_shared<FunctionSink<F>>(std::move(fn));
  }

  // No-op on an empty ReplyFn.
  void operator()(Response response) const {
    if (sink_ != nullptr) sink_->Deliver(request_id_, std::move(response));
  }
  explicit operator bool() const { return sink_ != nullptr; }

 private:
  template <class F>
  class FunctionSink final : public ReplySink {
   public:
    explicit FunctionSink(F fn) : fn_(std::move(fn)) {}
    void Deliver(uint64_t /*request_id*/, Response response) override { fn_(std::move(response)); }

   private:
    F fn_;
  };

  std::shared_ptr<ReplySink> sink_;
  uint64_t request_id_ = 0;
};

// While one lives on a thread, the replies that thread delivers to the
// server's connections are held and handed to their I/O threads when it
// ends: one hand-over (and at most one wake-up) per I/O thread instead of
// one per reply. On a busy core each hand-over can wake the I/O thread,
// which then preempts the deliverer to send one response; a thread that
// answers many requests at once (the group commit's writer after each
// commit) wraps them in one. Replies to other sinks (functions) are not
// held. Nests: an inner batch hands its replies over when it ends.
class ReplyBatch {
 public:
  ReplyBatch();
  ~ReplyBatch();
  ReplyBatch(const ReplyBatch&) = delete;
  ReplyBatch& operator=(const ReplyBatch&) = delete;

  struct Held;  // internal (center/http/internal/server_state.h)

 private:
  std::unique_ptr<Held> held_;
  Held* outer_;  // the batch this one nests in, or null
};

// Application logic behind an HttpServer. Called on the server's I/O
// threads, concurrently for different connections: implementations must be
// thread-safe and must not block (answer later through `reply` instead).
class Handler {
 public:
  virtual ~Handler() = default;

  // Called once the header is in, before any body byte is read: the largest
  // body to accept for this request (`head.body` is still empty). The server
  // uses min(result, server_limit). Default: server_limit.
  virtual std::size_t BodyLimit(const Request& head, std::size_t server_limit) const;

  // Handles one complete request. Exceptions are caught and answered 500.
  // `request` is valid for this call only (the server reuses its storage):
  // move out of it what an answer given later needs.
  virtual void Handle(Request&& request, ReplyFn reply) = 0;
};

// The JSON error body {"error":"...","message":"..."} (strings escaped).
std::string JsonErrorBody(std::string_view code, std::string_view message);

// One event in text/event-stream framing (see SseStream::Send). CR and LF
// are stripped from event and id; CRLF/CR in data count as line breaks.
std::string FormatSseEvent(std::string_view event, std::string_view data, std::string_view id = {});

}  // namespace acta::http
