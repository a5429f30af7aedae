// One connection's life, after Boost.Beast's async server examples:
// [handshake] → idle → header → [100-continue] → body → handler → write →
// idle ... → drain/close, with one deadline whose meaning follows the phase
// (checked by the worker's sweep, see StartDeadlineSweep). Everything here
// runs on the connection's own io_context thread, so no strand is needed;
// only reply functions and SSE streams cross threads, and they post back.
//
// The request path is built for floods of requests that are refused at
// once (a wrong MAC): the bytes are fed to Beast's parser straight from our
// own reads, a reply given during Handle is written without a round trip
// through the io_context, the head is one string, and on plain TCP the
// write is tried at once, and a read that emptied the socket is not
// followed by a recv that fails with EAGAIN (PlainSocket). Per request that
// is one recv, one send, one read completion and, usually, no other queued
// handler and no timer syscall.
#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "center/http/internal/fast_request.h"
#include "center/http/internal/plain_socket.h"
#include "center/http/internal/request_parser.h"
#include "center/http/internal/response_head.h"
#include "center/http/internal/server_state.h"
#include "center/http/internal/sse_stream.h"

namespace acta::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kReadBytes = 16 * 1024;
// Bodies up to this size are copied behind the head and sent as one buffer.
constexpr std::size_t kJoinBodyBytes = 2048;
// After "Connection: close" we read and discard what the client still sends
// for a moment, so that closing does not reset the connection (and destroy
// the response in flight) because of unread bytes.
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr std::chrono::milliseconds kMaxDrainTime{1'000};

// A reply given while Handle is still running, on the same thread: taken
// here and written after Handle returns, without a post.
struct SyncReply {
  const void* session;
  uint64_t id;
  std::optional<Response> response;
};
thread_local SyncReply* current_sync_reply = nullptr;

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainSocket>;

  Session(tcp::socket socket, const tcp::endpoint& remote, ServerState& state, Worker& worker)
      : stream_(MakeStream(std::move(socket), state)),
        handler_timer_(stream_.get_executor()),
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
      SetPhase(Phase::kHandshake);
      Arm(state_.limits.tls_handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = Self()](error_code ec) { self->OnHandshake(ec); });
    } else {
      // Lets WriteResponse try the write at once (async operations are not
      // affected by this mode).
      error_code ignored;
      stream_.non_blocking(true, ignored);
      StartRequest(/*first=*/true);
    }
  }

  void OnDeadline() override {
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
        deadline = TimePoint::max();
        error_code ignored;
        Lowest().cancel(ignored);
        return;
      }
      case Phase::kHandler:
        return OnHandlerTimeout();
      case Phase::kSse:
        SseQueue(": keep-alive\n\n", /*counted=*/false);
        return Arm(state_.limits.sse_heartbeat);
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

  // The connection's end of its ReplyFns, made once per connection. It holds
  // the session weakly: a reply for a session that is gone is dropped.
  class SessionReplySink final : public ReplySink {
   public:
    SessionReplySink(std::shared_ptr<ReplyGate> gate, std::weak_ptr<Session> session,
                     asio::io_context::executor_type executor, const void* key)
        : gate_(std::move(gate)), session_(std::move(session)), executor_(executor), key_(key) {}

    void Deliver(uint64_t id, Response response) override {
      if (SyncReply* sync = current_sync_reply;
          sync != nullptr && sync->session == key_ && sync->id == id) {
        if (!sync->response) sync->response = std::move(response);
        return;
      }
      auto deliver = [weak = session_, id, response = std::move(response)]() mutable {
        if (auto self = weak.lock()) self->OnReply(id, std::move(response));
      };
      if (ReplyBatchOpen()) return HoldReply(gate_, executor_, std::move(deliver));
      std::lock_guard lock(gate_->mu);
      if (!gate_->open) return;
      asio::post(executor_, std::move(deliver));
    }

   private:
    const std::shared_ptr<ReplyGate> gate_;
    const std::weak_ptr<Session> session_;
    const asio::io_context::executor_type executor_;
    const void* const key_;  // the session, for the same-thread check only
  };

  static Stream MakeStream(tcp::socket socket, ServerState& state) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state.tls);
    } else {
      return PlainSocket(std::move(socket));
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

  // A phase's deadline is set only once the session has to wait in it
  // (Arm): most requests arrive whole and are answered at once, and then no
  // clock is read for them.
  void SetPhase(Phase phase) {
    phase_ = phase;
    armed_ = false;
    timed_out_ = false;
    deadline = TimePoint::max();
  }
  void Arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    armed_ = true;
    deadline = std::chrono::steady_clock::now() + timeout;
  }

  void CancelHandlerTimer() {
    if (!handler_timer_armed_) return;
    handler_timer_armed_ = false;
    handler_timer_.cancel();
  }

  void OnHandlerTimeout() {
    ++request_id_;  // a late reply is now stale
    Reject(RejectReason::kHandlerTimeout);
    SendError(503, RejectReason::kHandlerTimeout, "the request could not be answered in time");
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
    header_done_ = false;
    fast_tried_ = false;
    parser_.reset();  // Beast's parser is made only for what the fast path declines
    if (first || buffer_.size() > 0) {
      SetPhase(Phase::kHeader);
      return Parse();
    }
    SetPhase(Phase::kIdle);
    ReadMore();
  }

  void ReadMore() {
    const std::size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) {  // only an unfinished header can fill the buffer
      return OnParseError(bhttp::error::header_limit);
    }
    // The header deadline runs from the first wait after its first byte,
    // and is not moved by later bytes: that is the slowloris defence.
    if (!armed_) {
      Arm(phase_ == Phase::kIdle     ? state_.limits.idle_timeout
          : phase_ == Phase::kHeader ? state_.limits.header_timeout
                                     : state_.limits.body_timeout);
    }
    const auto into = buffer_.prepare(std::min(room, kReadBytes));
    auto on_read = [self = Self()](error_code ec, std::size_t n) { self->OnRead(ec, n); };
    if constexpr (kTls) {
      stream_.async_read_some(into, std::move(on_read));
    } else {
      stream_.AsyncReadSome(into, std::move(on_read));  // no EAGAIN recv per request
    }
  }

  void OnRead(error_code ec, std::size_t n) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      if (!timed_out_) return Close();  // the peer left, cleanly or mid-message
      const RejectReason reason =
          phase_ == Phase::kHeader ? RejectReason::kHeaderTimeout : RejectReason::kBodyTimeout;
      Reject(reason);
      return SendError(408, reason, "request not received in time");
    }
    buffer_.commit(n);
    if (phase_ == Phase::kIdle) SetPhase(Phase::kHeader);
    Parse();
  }

  // Feeds what is buffered to the parser until the request is complete (then
  // dispatches it), more bytes are needed (then reads), or it is refused.
  void Parse() {
    if (!header_done_ && !fast_tried_ && buffer_.size() > 0) {
      fast_tried_ = true;  // once per request: a head trickling in is Beast's
      if (TryFastRequest()) return;
    }
    if (!parser_) {
      parser_.emplace();
      parser_->header_limit(static_cast<uint32_t>(state_.limits.max_header_bytes));
      parser_->body_limit(state_.limits.max_body_bytes);
    }
    while (true) {
      if (header_done_ && parser_->is_done()) return DispatchParsed();
      if (buffer_.size() > 0) {  // never put() nothing: Beast 1.81 trips UBSan on it
        error_code ec;
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec && ec != bhttp::error::need_more) return OnParseError(ec);
        if (!ec && !header_done_ && parser_->is_header_done()) {
          header_done_ = true;
          if (!OnHeader()) return;
          continue;
        }
        if (!ec && (used > 0 || parser_->is_done())) continue;
      }
      if (header_done_ && phase_ == Phase::kHeader) SetPhase(Phase::kBody);
      return ReadMore();
    }
  }

  void OnParseError(error_code ec) {
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
    Reject(RejectReason::kBadRequest);
    SendError(400, RejectReason::kBadRequest, "malformed request: " + ec.message());
  }

  // The header is in: check the body size, answer 100-continue. True when
  // parsing goes on; false when this call already answered, dispatched or
  // started the 100-continue write.
  bool OnHeader() {
    const auto length = parser_->content_length();  // a boost::optional
    const std::optional<std::size_t> limit = BodyLimitFor(
        parser_->request(), length ? std::optional<std::uint64_t>(*length) : std::nullopt);
    if (!limit) return false;
    parser_->body_limit(*limit);
    if (parser_->is_done()) {
      DispatchParsed();
      return false;
    }
    if (parser_->expects_continue()) {
      SetPhase(Phase::kContinue);
      Arm(state_.limits.write_timeout);
      asio::async_write(stream_, asio::buffer(k100Continue),
                        [self = Self()](error_code ec, std::size_t) {
                          if (self->phase_ == Phase::kClosed) return;
                          if (ec) return self->Close();
                          self->SetPhase(Phase::kBody);
                          self->Parse();
                        });
      return false;
    }
    return true;
  }

  // The head is in: completes it with the connection's facts and returns
  // the body limit in force, or answers (413, or 500 when the handler
  // throws) and returns nullopt.
  std::optional<std::size_t> BodyLimitFor(Request& head,
                                          std::optional<std::uint64_t> content_length) {
    head.remote_address = remote_.address();
    head.remote_port = remote_.port();
    head.tls = kTls;
    std::size_t limit = state_.limits.max_body_bytes;
    try {
      limit = std::min(limit, state_.handler.BodyLimit(head, limit));
    } catch (...) {
      SendError(500, "internal", "internal error");
      return std::nullopt;
    }
    if (content_length && *content_length > limit) {
      Reject(RejectReason::kBodyTooLarge);
      SendError(413, RejectReason::kBodyTooLarge,
                "request body exceeds " + std::to_string(limit) + " bytes");
      return std::nullopt;
    }
    return limit;
  }

  // A whole plain request is buffered: take it without Beast (see
  // fast_request.h). False, with nothing consumed, when Beast must parse it.
  bool TryFastRequest() {
    const auto data = buffer_.data();
    const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
    const auto fast = ParseFastRequest(bytes, state_.limits.max_header_bytes, request_);
    if (!fast) return false;
    header_done_ = true;
    request_.body.clear();  // the handler sees the head alone, as from Beast
    if (!BodyLimitFor(request_, fast->content_length)) return true;
    const ByteSpan body = AsBytes(bytes.substr(fast->head_size, fast->content_length));
    request_.body.assign(body.begin(), body.end());
    buffer_.consume(fast->head_size + fast->content_length);
    keep_alive_ = fast->keep_alive;
    head_request_ = fast->head;
    Dispatch();
    return true;
  }

  void DispatchParsed() {
    keep_alive_ = parser_->keep_alive();
    head_request_ = parser_->is_head();
    request_ = std::move(parser_->request());
    Dispatch();
  }

  void Dispatch() {
    SetPhase(Phase::kHandler);  // handler_timer_ below, if it comes to that
    const uint64_t id = ++request_id_;
    // Replies for an older id, or after the phase moved on, are dropped in
    // OnReply: that is what makes every reply after the first a no-op.
    if (!reply_sink_) {
      reply_sink_ = std::make_shared<SessionReplySink>(worker_.gate, this->weak_from_this(),
                                                       worker_.ioc.get_executor(), this);
    }
    ReplyFn reply(reply_sink_, id);
    SyncReply sync{this, id, std::nullopt};
    SyncReply* const outer = current_sync_reply;
    current_sync_reply = &sync;
    try {
      // request_ stays ours: what the handler does not move out of it
      // (headers, mostly) keeps its storage for the next request.
      state_.handler.Handle(std::move(request_), std::move(reply));
    } catch (...) {
      if (!sync.response) sync.response = Response::Error(500, "internal", "internal error");
    }
    current_sync_reply = outer;
    TrimForReuse(request_);  // an idle connection keeps a few KiB at most
    if (sync.response) return OnReply(id, std::move(*sync.response));
    // The reply comes later, from another thread. The pending wait also
    // keeps this session alive meanwhile: the reply function holds only a
    // weak reference, so a session whose server is gone is not kept.
    handler_timer_armed_ = true;
    handler_timer_.expires_after(state_.limits.handler_timeout);
    handler_timer_.async_wait([self = Self(), id](error_code ec) {
      if (ec || self->phase_ != Phase::kHandler || self->request_id_ != id) return;
      self->OnHandlerTimeout();
    });
  }

  void OnReply(uint64_t id, Response response) {
    if (phase_ != Phase::kHandler || id != request_id_) return;  // stale
    CancelHandlerTimer();
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
    out_head_.clear();
    AppendResponseHead(r, r.body.size(), keep, out_head_);
    out_body_ = std::move(r.body);
    if (head_request_ || !StatusAllowsBody(EffectiveStatus(r))) out_body_.clear();
    if (out_body_.size() <= kJoinBodyBytes) {  // one buffer: a plain send, not sendmsg
      out_head_.append(AsChars(out_body_));
      out_body_.clear();
    }
    SetPhase(Phase::kWrite);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(out_head_),
                                                    asio::buffer(out_body_)};
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
    if constexpr (!kTls) {
      // Most responses fit in the socket buffer: write now, skip the queue.
      error_code ec;
      const std::size_t n = out_body_.empty() ? stream_.write_some(asio::buffer(out_head_), ec)
                                              : stream_.write_some(buffers, ec);
      if (!ec && n == out_head_.size() + out_body_.size()) return OnWritten(/*inline_write=*/true);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return Close();
      rest.consume(ec ? 0 : n);
    }
    Arm(state_.limits.write_timeout);
    asio::async_write(stream_, rest, [self = Self()](error_code ec, std::size_t) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) return self->Close();
      self->OnWritten(/*inline_write=*/false);
    });
  }

  void OnWritten(bool inline_write) {
    out_body_.clear();
    if (close_after_write_) return GracefulClose();
    // A pipelined request already buffered would be parsed, answered and
    // written within this call: go through the queue to bound the stack.
    if (inline_write && buffer_.size() > 0) {
      return asio::post(stream_.get_executor(), [self = Self()] {
        if (self->phase_ != Phase::kClosed) self->StartRequest(/*first=*/false);
      });
    }
    StartRequest(/*first=*/false);
  }

  void GracefulClose() {
    SetPhase(Phase::kDrain);
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
    SetPhase(Phase::kSse);
    sse_ =
        std::make_shared<SseStreamImpl>(worker_.gate, stream_.get_executor(),
                                        this->weak_from_this(), state_.limits.sse_max_queued_bytes);
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
    deadline = TimePoint::max();
    CancelHandlerTimer();
    if (sse_) sse_->MarkClosed();
    error_code ignored;
    Lowest().close(ignored);
  }

  Stream stream_;
  asio::steady_timer handler_timer_;
  ServerState& state_;
  Worker& worker_;
  const tcp::endpoint remote_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;  // only for requests the fast path declines
  Request request_;                      // the request being handled, reused
  std::string out_head_;
  Bytes out_body_;
  Phase phase_ = Phase::kIdle;
  uint64_t request_id_ = 0;
  std::size_t requests_served_ = 0;
  std::size_t drained_ = 0;
  bool timed_out_ = false;
  bool keep_alive_ = false;
  bool head_request_ = false;
  bool header_done_ = false;
  bool fast_tried_ = false;  // ParseFastRequest had its one try at this request
  bool armed_ = false;       // the current phase's deadline is set
  bool handler_timer_armed_ = false;
  bool close_after_write_ = false;
  std::shared_ptr<SessionReplySink> reply_sink_;  // made at the first request
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
    std::make_shared<Session<PlainSocket>>(std::move(socket), remote, state, worker)->Run();
  }
}

}  // namespace acta::http::internal
