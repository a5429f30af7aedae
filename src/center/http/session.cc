// One connection's life, after Boost.Beast's async server examples:
// [handshake] → idle → header → [100-continue] → body → handler → write →
// idle ... → drain/close, with one deadline timer whose meaning follows the
// phase. Everything here runs on the connection's own io_context thread, so
// no strand is needed; only reply functions and SSE streams cross threads,
// and they post back here.
#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "center/http/internal/server_state.h"
#include "center/http/internal/sse_stream.h"

namespace acta::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Body = bhttp::vector_body<uint8_t>;

constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kIdleReadBytes = 1024;
// After "Connection: close" we read and discard what the client still sends
// for a moment, so that closing does not reset the connection (and destroy
// the response in flight) because of unread bytes.
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr std::chrono::milliseconds kMaxDrainTime{1'000};

bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty() || name.find_first_of("\r\n:") != std::string_view::npos ||
      value.find_first_of("\r\n") != std::string_view::npos) {
    return false;
  }
  for (std::string_view reserved :
       {"content-length", "transfer-encoding", "connection", "content-type"}) {
    if (beast::iequals(name, reserved)) return false;
  }
  return true;
}

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Session(tcp::socket socket, const tcp::endpoint& remote, ServerState& state, Worker& worker)
      : stream_(MakeStream(std::move(socket), state)),
        timer_(stream_.get_executor()),
        state_(state),
        worker_(worker),
        remote_(remote),
        buffer_(std::max<std::size_t>(state.limits.max_header_bytes, 4096) + 4096) {}

  ~Session() override {
    worker_.sessions.erase(this);
    if (sse_) sse_->MarkClosed();
    state_.limiter.Release(remote_.address());
  }

  void Run() {
    worker_.sessions.emplace(this, this->weak_from_this());
    if (state_.stopping) return Close();
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      Arm(state_.limits.tls_handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = Self()](error_code ec) { self->OnHandshake(ec); });
    } else {
      StartRequest(/*first=*/true);
    }
  }

  void OnServerStop() override {
    switch (phase_) {
      case Phase::kHandshake:
      case Phase::kIdle:
      case Phase::kHeader:
      case Phase::kSse:
        return Close();
      case Phase::kContinue:
      case Phase::kBody:
      case Phase::kHandler:
      case Phase::kWrite:
        close_after_write_ = true;  // finish this request, then go
        return;
      case Phase::kDrain:
      case Phase::kClosed:
        return;
    }
  }

  void SseWrite(std::string text) override { SseQueue(std::move(text), /*counted=*/true); }
  void SseFinish() override {
    sse_finish_ = true;
    if (phase_ == Phase::kSse && !sse_writing_) Close();
  }
  void SseAbort() override { Close(); }

 private:
  enum class Phase {
    kHandshake,
    kIdle,
    kHeader,
    kContinue,
    kBody,
    kHandler,
    kWrite,
    kSse,
    kDrain,
    kClosed
  };
  struct SseChunk {
    std::string text;
    bool counted;  // part of the SseStreamImpl queue budget
  };

  static Stream MakeStream(tcp::socket socket, ServerState& state) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state.tls);
    } else {
      return socket;
    }
  }

  std::shared_ptr<Session> Self() { return this->shared_from_this(); }
  tcp::socket& Lowest() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }
  void Reject(RejectReason reason) { state_.Reject(reason, remote_.address()); }

  // The generation number makes a wait that already completed (but whose
  // handler has not run yet) harmless after the timer is re-armed.
  void Arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    const uint64_t generation = ++timer_generation_;
    timer_.expires_after(timeout);
    timer_.async_wait([self = Self(), generation](error_code ec) {
      if (ec || generation != self->timer_generation_ || self->phase_ == Phase::kClosed) return;
      self->OnDeadline();
    });
  }
  void Disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  void OnDeadline() {
    switch (phase_) {
      case Phase::kHandshake:
        Reject(RejectReason::kTlsHandshake);
        return Close();
      case Phase::kIdle:
      case Phase::kWrite:
      case Phase::kDrain:
      case Phase::kClosed:
        return Close();
      case Phase::kHeader:
      case Phase::kContinue:
      case Phase::kBody: {
        // Cancel rather than close, so that the read handler can still
        // answer 408 on the open connection.
        timed_out_ = true;
        error_code ignored;
        Lowest().cancel(ignored);
        return;
      }
      case Phase::kHandler:
        ++request_id_;  // a late reply is now stale
        Reject(RejectReason::kHandlerTimeout);
        return SendError(503, RejectReason::kHandlerTimeout,
                         "the request could not be answered in time");
      case Phase::kSse:
        SseQueue(": keep-alive\n\n", /*counted=*/false);
        return Arm(state_.limits.sse_heartbeat);
    }
  }

  void OnHandshake(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      Reject(RejectReason::kTlsHandshake);
      return Close();
    }
    StartRequest(/*first=*/true);
  }

  // The first request's header deadline starts at once; later ones get the
  // idle timeout until their first byte, then the header deadline.
  void StartRequest(bool first) {
    if (state_.stopping) return Close();
    head_request_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(state_.limits.max_header_bytes));
    parser_->body_limit(state_.limits.max_body_bytes);
    if (first || buffer_.size() > 0) return ReadHeader();
    phase_ = Phase::kIdle;
    Arm(state_.limits.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kIdleReadBytes),
                            [self = Self()](error_code ec, std::size_t n) {
                              if (self->phase_ == Phase::kClosed) return;
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    phase_ = Phase::kHeader;
    Arm(state_.limits.header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = Self()](error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return OnReadError(ec, RejectReason::kHeaderTimeout);
    const auto& msg = parser_->get();
    Request head;
    head.method = std::string(msg.method_string());
    head.target = std::string(msg.target());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      head.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    head.remote_address = remote_.address();
    head.remote_port = remote_.port();
    head.tls = kTls;

    std::size_t limit = state_.limits.max_body_bytes;
    try {
      limit = std::min(limit, state_.handler.BodyLimit(head, limit));
    } catch (...) {
      return SendError(500, "internal", "internal error");
    }
    if (auto length = parser_->content_length(); length && *length > limit) {
      Reject(RejectReason::kBodyTooLarge);
      return SendError(413, RejectReason::kBodyTooLarge,
                       "request body exceeds " + std::to_string(limit) + " bytes");
    }
    parser_->body_limit(limit);
    head_ = std::move(head);
    if (parser_->is_done()) return Dispatch();
    if (beast::iequals(msg[bhttp::field::expect], "100-continue")) {
      phase_ = Phase::kContinue;
      Arm(state_.limits.write_timeout);
      return asio::async_write(stream_, asio::buffer(k100Continue),
                               [self = Self()](error_code ec, std::size_t) {
                                 if (self->phase_ == Phase::kClosed) return;
                                 if (ec) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    phase_ = Phase::kBody;
    Arm(state_.limits.body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = Self()](error_code ec, std::size_t) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->OnReadError(ec, RejectReason::kBodyTimeout);
      self->Dispatch();
    });
  }

  void OnReadError(error_code ec, RejectReason timeout_reason) {
    if (timed_out_) {
      Reject(timeout_reason);
      return SendError(408, timeout_reason, "request not received in time");
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      Reject(RejectReason::kHeaderTooLarge);
      return SendError(
          431, RejectReason::kHeaderTooLarge,
          "request header exceeds " + std::to_string(state_.limits.max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      Reject(RejectReason::kBodyTooLarge);
      return SendError(413, RejectReason::kBodyTooLarge, "request body too large");
    }
    // A peer that just went away (cleanly or mid-message) gets no answer;
    // bytes that are not HTTP get a 400.
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      Reject(RejectReason::kBadRequest);
      return SendError(400, RejectReason::kBadRequest, "malformed request: " + ec.message());
    }
    Close();
  }

  void Dispatch() {
    phase_ = Phase::kHandler;
    Arm(state_.limits.handler_timeout);
    keep_alive_ = parser_->get().keep_alive();
    head_request_ = parser_->get().method() == bhttp::verb::head;
    Request request = std::move(*head_);
    head_.reset();
    request.body = std::move(parser_->get().body());
    const uint64_t id = ++request_id_;
    auto once = std::make_shared<std::atomic<bool>>(false);
    ReplyFn reply = [gate = state_.gate, weak = this->weak_from_this(),
                     executor = stream_.get_executor(), id, once](Response response) {
      if (once->exchange(true)) return;
      std::lock_guard lock(gate->mu);
      if (!gate->open) return;
      asio::post(executor, [weak, id, response = std::move(response)]() mutable {
        if (auto self = weak.lock()) self->OnReply(id, std::move(response));
      });
    };
    try {
      state_.handler.Handle(std::move(request), std::move(reply));
    } catch (...) {
      if (!once->exchange(true)) OnReply(id, Response::Error(500, "internal", "internal error"));
    }
  }

  void OnReply(uint64_t id, Response response) {
    if (phase_ != Phase::kHandler || id != request_id_) return;  // stale
    if (response.on_sse_open) return StartSse(std::move(response));
    WriteResponse(std::move(response));
  }

  void SendError(int status, RejectReason reason, std::string message) {
    SendError(status, RejectReasonName(reason), std::move(message));
  }
  void SendError(int status, std::string_view code, std::string message) {
    close_after_write_ = true;
    WriteResponse(Response::Error(status, code, message));
  }

  void WriteResponse(Response r) {
    ++requests_served_;
    const bool keep = keep_alive_ && !r.close && !close_after_write_ && !state_.stopping &&
                      requests_served_ < state_.limits.max_requests_per_connection;
    close_after_write_ = !keep;
    res_.emplace();
    res_->version(11);
    res_->result(r.status >= 200 && r.status <= 999 ? static_cast<unsigned>(r.status) : 500u);
    res_->set(bhttp::field::server, "acta");
    if (IsSafeHeader("x", r.content_type)) res_->set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) {
      if (IsSafeHeader(name, value)) res_->insert(name, value);
    }
    res_->keep_alive(keep);
    const unsigned status = res_->result_int();
    if (status == 204 || status == 304) {
      r.body.clear();  // these never carry a body (Beast would throw)
    } else if (head_request_) {
      res_->content_length(r.body.size());  // what GET would send, without it
      r.body.clear();
    }
    res_->body() = std::move(r.body);
    if (!head_request_) res_->prepare_payload();
    phase_ = Phase::kWrite;
    Arm(state_.limits.write_timeout);
    bhttp::async_write(stream_, *res_, [self = Self()](error_code ec, std::size_t) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->Close();
      self->res_.reset();
      if (self->close_after_write_) return self->GracefulClose();
      self->StartRequest(/*first=*/false);
    });
  }

  void GracefulClose() {
    phase_ = Phase::kDrain;
    Arm(std::min(kMaxDrainTime, state_.limits.write_timeout));
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](error_code) { self->Close(); });
    } else {
      error_code ignored;
      stream_.shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    }
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(scratch_), [self = Self()](error_code ec, std::size_t n) {
      if (self->phase_ == Phase::kClosed) return;
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes) return self->Close();
      self->Drain();
    });
  }

  // Server-sent events: the body is delimited by closing the connection. A
  // one-byte read watches for the client leaving (it sends nothing else).
  void StartSse(Response r) {
    phase_ = Phase::kSse;
    sse_ =
        std::make_shared<SseStreamImpl>(state_.gate, stream_.get_executor(), this->weak_from_this(),
                                        state_.limits.sse_max_queued_bytes);
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: acta\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\nConnection: close\r\n";
    for (const auto& [name, value] : r.headers) {
      if (IsSafeHeader(name, value)) head += name + ": " + value + "\r\n";
    }
    head += "\r\n";
    SseQueue(std::move(head), /*counted=*/false);
    stream_.async_read_some(asio::buffer(scratch_, 1),
                            [self = Self()](error_code, std::size_t) { self->Close(); });
    Arm(state_.limits.sse_heartbeat);
    try {
      r.on_sse_open(sse_);
    } catch (...) {
      Close();
    }
  }

  void SseQueue(std::string text, bool counted) {
    if (phase_ != Phase::kSse) return;
    sse_queue_.push_back(SseChunk{std::move(text), counted});
    if (!sse_writing_) SseWriteNext();
  }

  void SseWriteNext() {
    if (sse_queue_.empty()) {
      sse_writing_ = false;
      if (sse_finish_) Close();
      return;
    }
    sse_writing_ = true;
    asio::async_write(stream_, asio::buffer(sse_queue_.front().text),
                      [self = Self()](error_code ec, std::size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) return self->Close();
                        const SseChunk& done = self->sse_queue_.front();
                        if (done.counted) self->sse_->Written(done.text.size());
                        self->sse_queue_.pop_front();
                        self->SseWriteNext();
                      });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    Disarm();
    if (sse_) sse_->MarkClosed();
    error_code ignored;
    Lowest().close(ignored);
  }

  Stream stream_;
  asio::steady_timer timer_;
  ServerState& state_;
  Worker& worker_;
  const tcp::endpoint remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<Body>> parser_;
  std::optional<Request> head_;
  std::optional<bhttp::response<Body>> res_;
  Phase phase_ = Phase::kIdle;
  uint64_t timer_generation_ = 0;
  uint64_t request_id_ = 0;
  std::size_t requests_served_ = 0;
  std::size_t drained_ = 0;
  bool timed_out_ = false;
  bool keep_alive_ = false;
  bool head_request_ = false;
  bool close_after_write_ = false;
  std::shared_ptr<SseStreamImpl> sse_;
  std::deque<SseChunk> sse_queue_;
  bool sse_writing_ = false;
  bool sse_finish_ = false;
  char scratch_[4096];
};

}  // namespace

void StartSession(tcp::socket socket, const tcp::endpoint& remote, ServerState& state,
                  Worker& worker) {
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (state.tls) {
    std::make_shared<Session<asio::ssl::stream<tcp::socket>>>(std::move(socket), remote, state,
                                                              worker)
        ->Run();
  } else {
    std::make_shared<Session<tcp::socket>>(std::move(socket), remote, state, worker)->Run();
  }
}

}  // namespace acta::http::internal
