#include "center/http/internal/sse_stream.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <string>
#include <utility>

namespace acta::http::internal {

SseStreamImpl::SseStreamImpl(std::shared_ptr<ReplyGate> gate, boost::asio::any_io_executor executor,
                             std::weak_ptr<SessionBase> session, std::size_t max_queued_bytes)
    : gate_(std::move(gate)),
      executor_(std::move(executor)),
      session_(std::move(session)),
      max_queued_bytes_(max_queued_bytes) {}

// Caller holds mu_. The session may be gone or the server stopped: then the
// action is dropped, which is what a closed stream means anyway.
template <class F>
void SseStreamImpl::PostLocked(F f) {
  std::lock_guard gate_lock(gate_->mu);
  if (!gate_->open) return;
  boost::asio::post(executor_, [session = session_, f = std::move(f)]() mutable {
    if (auto s = session.lock()) f(*s);
  });
}

bool SseStreamImpl::Send(std::string_view event, std::string_view data, std::string_view id) {
  std::string text = FormatSseEvent(event, data, id);
  std::lock_guard lock(mu_);
  if (!open_) return false;
  if (queued_ + text.size() > max_queued_bytes_) {
    // The client is not keeping up; holding more would let one slow reader
    // pin unbounded memory.
    open_ = false;
    PostLocked([](SessionBase& s) { s.SseAbort(); });
    return false;
  }
  queued_ += text.size();
  PostLocked([text = std::move(text)](SessionBase& s) mutable { s.SseWrite(std::move(text)); });
  return true;
}

void SseStreamImpl::Close() {
  std::lock_guard lock(mu_);
  if (!open_) return;
  open_ = false;
  PostLocked([](SessionBase& s) { s.SseFinish(); });
}

bool SseStreamImpl::IsOpen() const {
  std::lock_guard lock(mu_);
  return open_;
}

void SseStreamImpl::MarkClosed() {
  std::lock_guard lock(mu_);
  open_ = false;
}

void SseStreamImpl::Written(std::size_t n) {
  std::lock_guard lock(mu_);
  queued_ -= std::min(n, queued_);
}

}  // namespace acta::http::internal
