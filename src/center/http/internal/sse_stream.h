// The SseStream handed to handlers: a thread-safe front that posts framed
// events to the owning session's thread, with a bound on queued bytes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>

#include "center/http/handler.h"
#include "center/http/internal/server_state.h"

namespace acta::http::internal {

class SseStreamImpl final : public SseStream {
 public:
  SseStreamImpl(std::shared_ptr<ReplyGate> gate, boost::asio::any_io_executor executor,
                std::weak_ptr<SessionBase> session, std::size_t max_queued_bytes);

  bool Send(std::string_view event, std::string_view data, std::string_view id) override;
  void Close() override;
  bool IsOpen() const override;

  // Session side (its thread): the connection is gone; `n` queued bytes
  // reached the socket.
  void MarkClosed();
  void Written(std::size_t n);

 private:
  template <class F>
  void PostLocked(F f);

  const std::shared_ptr<ReplyGate> gate_;
  const boost::asio::any_io_executor executor_;
  const std::weak_ptr<SessionBase> session_;
  const std::size_t max_queued_bytes_;
  mutable std::mutex mu_;
  bool open_ = true;
  std::size_t queued_ = 0;
};

}  // namespace acta::http::internal
