// PlainSocket: the server's plain-TCP connection socket, with a read that
// tells Asio's reactor when a short read has emptied the socket.
//
// Why: Boost 1.81's epoll reactor tries every async read at once (a
// "speculative" recv) unless the previous read on the descriptor returned 0
// bytes. For keep-alive request/response traffic that first recv fails with
// EAGAIN after nearly every response: one wasted syscall per request, about a
// tenth of the kernel time of a flood of refused requests. async_wait is no
// way out: it re-arms the descriptor with epoll_ctl every time.
//
// AsyncReadSome behaves like async_read_some, except that its operation
// reports a read that emptied the socket as "done and exhausted". The
// reactor then skips the speculative recv of the next read on this
// descriptor until epoll reports it readable again; any byte arriving later
// raises a new edge-triggered event, which sets speculation back on.
//
// A short read alone does not prove the socket empty: TCP also stops short
// at a FIN (or an urgent mark) queued behind the data, whose wakeup has
// already been consumed, and the connection would then sit until its idle
// timeout instead of seeing the end. So the socket asks the kernel (TCP_INQ)
// to return, with every read, how much is still queued, counting a pending
// FIN as 1; only a read that leaves 0 behind is "exhausted". Without that
// hint (TCP_INQ refused) nothing is, as in stock Asio.
//
// It reaches into boost::asio::detail (reactor_op, the reactor's start_op),
// so it is built only where those are known to match: Boost 1.81 with the
// epoll reactor. Elsewhere AsyncReadSome is plain async_read_some.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/recycling_allocator.hpp>
#include <boost/version.hpp>
#include <memory>
#include <utility>

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && \
    !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#define ACTA_DRAIN_AWARE_READ 1
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <cerrno>
#include <cstring>
#else
#define ACTA_DRAIN_AWARE_READ 0
#endif

namespace acta::http::internal {

class PlainSocket : public boost::asio::ip::tcp::socket {
 public:
  explicit PlainSocket(boost::asio::ip::tcp::socket&& socket)
      : boost::asio::ip::tcp::socket(std::move(socket)) {
#if ACTA_DRAIN_AWARE_READ
    const int on = 1;  // failure leaves reads without the hint: stock behaviour
    ::setsockopt(native_handle(), SOL_TCP, TCP_INQ, &on, sizeof on);
    // Looked up once: use_service takes the registry's mutex.
    reactor_ = &boost::asio::use_service<boost::asio::detail::reactor>(
        boost::asio::query(get_executor(), boost::asio::execution::context));
#endif
  }

  // Handler: void(boost::system::error_code, std::size_t). Completes through
  // the socket's io_context like async_read_some; cancel() and close() abort
  // it with operation_aborted.
  template <class Handler>
  void AsyncReadSome(boost::asio::mutable_buffer into, Handler&& handler);

 private:
#if ACTA_DRAIN_AWARE_READ
  template <class Handler>
  class RecvOp;
  boost::asio::detail::reactor* reactor_ = nullptr;
#endif
};

#if ACTA_DRAIN_AWARE_READ

template <class Handler>
class PlainSocket::RecvOp final : public boost::asio::detail::reactor_op {
 public:
  using Allocator =
      std::allocator_traits<boost::asio::recycling_allocator<void>>::rebind_alloc<RecvOp>;

  RecvOp(boost::asio::detail::socket_type socket, boost::asio::mutable_buffer into, Handler handler)
      : reactor_op(boost::system::error_code(), &Perform, &Complete),
        socket_(socket),
        into_(into),
        handler_(std::move(handler)) {}

 private:
  static status Perform(reactor_op* base) {
    auto* op = static_cast<RecvOp*>(base);
    iovec iov{op->into_.data(), op->into_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    while (true) {
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(op->socket_, &msg, 0);
      if (n > 0) {
        op->ec_ = boost::system::error_code();
        op->bytes_transferred_ = static_cast<std::size_t>(n);
        return NothingQueued(msg) ? done_and_exhausted : done;
      }
      op->bytes_transferred_ = 0;
      if (n == 0) {
        op->ec_ = boost::asio::error::eof;
        return done_and_exhausted;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return not_done;  // wait for the next edge
      op->ec_ = boost::system::error_code(errno, boost::asio::error::get_system_category());
      return done_and_exhausted;
    }
  }

  // The kernel's TCP_INQ hint: bytes still queued, a pending FIN counted
  // as 1. No hint: assume something may be left.
  static bool NothingQueued(msghdr& msg) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) {
        int queued = 0;
        std::memcpy(&queued, CMSG_DATA(c), sizeof queued);
        return queued == 0;
      }
    }
    return false;
  }

  // owner is null when the io_context is destroyed with the read pending:
  // then the operation is only freed.
  static void Complete(void* owner, boost::asio::detail::operation* base,
                       const boost::system::error_code&, std::size_t) {
    auto* op = static_cast<RecvOp*>(base);
    Handler handler(std::move(op->handler_));
    const boost::system::error_code ec = op->ec_;
    const std::size_t n = op->bytes_transferred_;
    Allocator allocator;
    std::allocator_traits<Allocator>::destroy(allocator, op);
    allocator.deallocate(op, 1);
    if (owner != nullptr) std::move(handler)(ec, n);
  }

  boost::asio::detail::socket_type socket_;
  boost::asio::mutable_buffer into_;
  Handler handler_;
};

template <class Handler>
void PlainSocket::AsyncReadSome(boost::asio::mutable_buffer into, Handler&& handler) {
  namespace asio = boost::asio;
  auto& impl = impl_.get_implementation();
  // The operation must run in non-blocking mode; the server sets it at the
  // start of every plain connection, so the fallback is only a safety net.
  if (into.size() == 0 || (impl.state_ & asio::detail::socket_ops::non_blocking) == 0) {
    return async_read_some(into, std::forward<Handler>(handler));
  }
  using Op = RecvOp<std::decay_t<Handler>>;
  typename Op::Allocator allocator;
  Op* op = allocator.allocate(1);
  std::allocator_traits<typename Op::Allocator>::construct(allocator, op, impl.socket_, into,
                                                           std::forward<Handler>(handler));
  reactor_->start_op(asio::detail::reactor::read_op, impl.socket_, impl.reactor_data_, op,
                     /*is_continuation=*/false, /*allow_speculative=*/true);
}

#else

template <class Handler>
void PlainSocket::AsyncReadSome(boost::asio::mutable_buffer into, Handler&& handler) {
  async_read_some(into, std::forward<Handler>(handler));
}

#endif

}  // namespace acta::http::internal
