// Each direction of a connection is a Pipe: a read loop that stamps every
// chunk with the time it would arrive over the emulated link, and a write
// loop that hands chunks to the other socket when their time comes. The
// stamp models the link as a serialization queue (line rate) followed by a
// propagation delay (latency + jitter, never reordering), which is how a
// modem or radio link behaves for one TCP stream.
#include "sim/shaping_proxy.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/random.h"

namespace acta::sim {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// Named, not anonymous: ShapingProxy::Impl (external linkage) holds Conns,
// and a unity build (cmake/ActaHelpers.cmake) compiles this file as an
// included one, where GCC refuses such a field (-Wsubobject-linkage).
namespace proxy_detail {

class Conn;

struct Chunk {
  std::vector<char> data;
  bool fin = false;  // the sender closed its side
  SteadyClock::time_point at;
};

struct Pipe {
  explicit Pipe(asio::io_context& io) : timer(io) {}
  tcp::socket* from = nullptr;
  tcp::socket* to = nullptr;
  bool upstream = false;  // terminal -> center
  double bps = 0;
  SteadyClock::time_point link_free{};
  SteadyClock::time_point last_at{};
  std::deque<Chunk> queue;
  size_t queued = 0;
  bool reading = false;
  bool writing = false;
  bool first = true;
  bool done_reading = false;
  asio::steady_timer timer;
  std::array<char, 8192> buf{};
};

}  // namespace proxy_detail
using proxy_detail::Conn;

struct ShapingProxy::Impl {
  ProxyOptions options;
  asio::io_context io{1};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<uint16_t> ports;
  std::thread thread;
  bool stopped = false;
  // I/O-thread state.
  uint16_t upstream_port = 0;
  SeededRandom rng{1};
  std::unordered_set<uint32_t> down_groups;
  std::unordered_map<uint32_t, std::unordered_set<Conn*>> live;
  double extra_loss = 0;
  double extra_drop = 0;
  // Stats (read from any thread).
  std::atomic<uint64_t> connections{0}, refused{0}, cut{0}, stalls{0}, upstream_failures{0},
      bytes_up{0}, bytes_down{0};

  void Accept(size_t index);
};

namespace proxy_detail {

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  enum class DropPlan { kNone, kRequest, kResponse };

  Conn(ShapingProxy::Impl& proxy, tcp::socket client, const AccessPoint& ap)
      : proxy_(proxy),
        client_(std::move(client)),
        server_(proxy.io),
        ap_(ap),
        up_(proxy.io),
        down_(proxy.io) {
    const LinkProfile& p = ap.profile;
    auto rate = [&](double full) {
      if (full <= 0) return 0.0;
      const double f =
          p.min_rate_fraction + (1.0 - p.min_rate_fraction) * proxy_.rng.UniformDouble();
      return full * f;
    };
    up_.from = &client_;
    up_.to = &server_;
    up_.upstream = true;
    up_.bps = rate(p.up_bps);
    down_.from = &server_;
    down_.to = &client_;
    down_.bps = rate(p.down_bps);
    if (proxy_.rng.UniformDouble() < p.drop + proxy_.extra_drop) {
      drop_ = proxy_.rng.UniformDouble() < 0.5 ? DropPlan::kRequest : DropPlan::kResponse;
    }
    proxy_.live[ap_.group].insert(this);
  }
  ~Conn() {
    auto it = proxy_.live.find(ap_.group);
    if (it != proxy_.live.end()) it->second.erase(this);
  }

  void Start() {
    auto self = shared_from_this();
    tcp::endpoint target(asio::ip::address_v4::loopback(), proxy_.upstream_port);
    server_.async_connect(target, [this, self](error_code ec) {
      if (closed_) return;
      if (ec) {
        ++proxy_.upstream_failures;
        return Close(/*reset=*/true);
      }
      error_code ignored;
      server_.set_option(tcp::no_delay(true), ignored);
      connected_ = true;
      Read(down_);
      if (!up_.queue.empty() && !up_.writing) Arm(up_);
    });
    Read(up_);
  }

  // Resets both sides (the terminal sees "connection reset").
  void Close(bool reset) {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    if (reset) client_.set_option(asio::socket_base::linger(true, 0), ignored);
    client_.close(ignored);
    server_.close(ignored);
    up_.timer.cancel();
    down_.timer.cancel();
  }
  void Cut() {
    if (closed_) return;
    ++proxy_.cut;
    Close(true);
  }

 private:
  void Read(Pipe& p) {
    if (closed_ || p.reading || p.done_reading) return;
    if (p.queued >= proxy_.options.max_buffered_bytes) return;  // resumed by Deliver
    p.reading = true;
    auto self = shared_from_this();
    p.from->async_read_some(asio::buffer(p.buf), [this, self, &p](error_code ec, size_t n) {
      p.reading = false;
      if (closed_) return;
      if (ec && ec != asio::error::eof) return Close(true);
      Chunk c;
      if (ec == asio::error::eof) {
        c.fin = true;
        p.done_reading = true;
      } else {
        c.data.assign(p.buf.data(), p.buf.data() + n);
        (p.upstream ? proxy_.bytes_up : proxy_.bytes_down) += n;
      }
      c.at = Stamp(p, n);
      p.queued += n;
      p.queue.push_back(std::move(c));
      if (!p.writing) Arm(p);
      Read(p);
    });
  }

  SteadyClock::time_point Stamp(Pipe& p, size_t n) {
    const LinkProfile& prof = ap_.profile;
    const auto now = SteadyClock::now();
    auto start = std::max(now, p.link_free);
    if (p.bps > 0 && n > 0) {
      start += std::chrono::nanoseconds(static_cast<int64_t>(n * 8 * 1e9 / p.bps));
    }
    p.link_free = start;
    auto at = start + prof.latency;
    if (prof.jitter.count() > 0) {
      at += std::chrono::microseconds(
          proxy_.rng.Uniform(static_cast<uint64_t>(prof.jitter.count()) + 1));
    }
    // The TCP handshake the loopback skipped: one round trip before the
    // first byte of the request can arrive.
    if (p.first && p.upstream) at += 2 * prof.latency;
    p.first = false;
    if (n > 0 && proxy_.rng.UniformDouble() < prof.loss + proxy_.extra_loss) {
      at += prof.loss_stall;
      ++proxy_.stalls;
    }
    at = std::max(at, p.last_at);
    p.last_at = at;
    return at;
  }

  void Arm(Pipe& p) {
    if (closed_ || p.queue.empty()) return;
    p.writing = true;
    auto self = shared_from_this();
    p.timer.expires_at(p.queue.front().at);
    p.timer.async_wait([this, self, &p](error_code ec) {
      if (closed_ || ec) return;
      Deliver(p);
    });
  }

  void Deliver(Pipe& p) {
    if (p.upstream && !connected_) {
      p.writing = false;  // Start() re-arms once connected
      return;
    }
    Chunk& c = p.queue.front();
    if (!c.fin && drop_ != DropPlan::kNone && (drop_ == DropPlan::kRequest) == p.upstream)
      return Cut();
    auto self = shared_from_this();
    if (c.fin) {
      error_code ignored;
      p.to->shutdown(tcp::socket::shutdown_send, ignored);
      p.queue.pop_front();
      p.writing = false;
      if (up_.done_reading && down_.done_reading && up_.queue.empty() && down_.queue.empty())
        Close(false);
      return;
    }
    asio::async_write(*p.to, asio::buffer(c.data), [this, self, &p](error_code ec, size_t n) {
      if (closed_) return;
      if (ec) return Close(true);
      p.queued -= n;
      p.queue.pop_front();
      p.writing = false;
      Read(p);
      if (!p.queue.empty()) Arm(p);
    });
  }

  ShapingProxy::Impl& proxy_;
  tcp::socket client_;
  tcp::socket server_;
  const AccessPoint& ap_;
  Pipe up_;
  Pipe down_;
  DropPlan drop_ = DropPlan::kNone;
  bool connected_ = false;
  bool closed_ = false;
};

}  // namespace proxy_detail

void ShapingProxy::Impl::Accept(size_t index) {
  acceptors[index]->async_accept([this, index](error_code ec, tcp::socket socket) {
    if (stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      const AccessPoint& ap = options.access_points[index];
      if (down_groups.contains(ap.group)) {
        // No carrier: the connection is reset at once.
        ++refused;
        error_code ignored;
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
      } else {
        ++connections;
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Conn>(*this, std::move(socket), ap)->Start();
      }
    }
    Accept(index);
  });
}

Result<std::unique_ptr<ShapingProxy>> ShapingProxy::Start(ProxyOptions options) {
  if (options.access_points.empty())
    return MakeError(ErrorCode::kInvalidArgument, "no access point");
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->rng = SeededRandom(impl->options.seed);
  impl->upstream_port = impl->options.upstream_port;
  for (size_t i = 0; i < impl->options.access_points.size(); ++i) {
    auto acceptor = std::make_unique<tcp::acceptor>(impl->io);
    error_code ec;
    tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(4096, ec);
    if (ec) return MakeError(ErrorCode::kIo, "shaping proxy cannot listen: " + ec.message());
    impl->ports.push_back(acceptor->local_endpoint().port());
    impl->acceptors.push_back(std::move(acceptor));
  }
  for (size_t i = 0; i < impl->acceptors.size(); ++i) impl->Accept(i);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<ShapingProxy>(new ShapingProxy(std::move(impl)));
}

ShapingProxy::ShapingProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ShapingProxy::~ShapingProxy() { Stop(); }

uint16_t ShapingProxy::port(size_t access_point) const { return impl_->ports.at(access_point); }

void ShapingProxy::SetUpstreamPort(uint16_t port) {
  asio::post(impl_->io, [impl = impl_.get(), port] { impl->upstream_port = port; });
}

void ShapingProxy::SetGroupDown(uint32_t group, bool down) {
  asio::post(impl_->io, [impl = impl_.get(), group, down] {
    if (!down) {
      impl->down_groups.erase(group);
      return;
    }
    impl->down_groups.insert(group);
    auto it = impl->live.find(group);
    if (it == impl->live.end()) return;
    // Cut() may destroy nothing here (handlers hold the shared_ptrs), but
    // copy the set anyway: Close cancels timers whose handlers run later.
    std::vector<Conn*> conns(it->second.begin(), it->second.end());
    for (Conn* c : conns) c->Cut();
  });
}

void ShapingProxy::SetExtraLoss(double loss, double drop) {
  asio::post(impl_->io, [impl = impl_.get(), loss, drop] {
    impl->extra_loss = loss;
    impl->extra_drop = drop;
  });
}

ProxyStats ShapingProxy::stats() const {
  const Impl& i = *impl_;
  return ProxyStats{i.connections.load(), i.refused.load(),           i.cut.load(),
                    i.stalls.load(),      i.upstream_failures.load(), i.bytes_up.load(),
                    i.bytes_down.load()};
}

void ShapingProxy::Stop() {
  if (!impl_ || impl_->stopped) return;
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->stopped = true;
    for (auto& a : impl->acceptors) {
      error_code ignored;
      a->close(ignored);
    }
    for (auto& [group, conns] : impl->live) {
      std::vector<Conn*> copy(conns.begin(), conns.end());
      for (Conn* c : copy) c->Close(true);
    }
  });
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->stopped = true;
}

}  // namespace acta::sim
