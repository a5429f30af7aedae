#include "center/http/server.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "center/http/internal/server_state.h"

namespace acta::http {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using internal::ServerState;
using internal::Worker;

Result<tcp::endpoint> ParseEndpoint(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(ErrorCode::kInvalidArgument, "bad listen address: " + std::string(text));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos ||
        text.substr(0, colon).find(':') != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "listen address must be ip:port or [ipv6]:port: " + std::string(text));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "bad port in listen address: " + std::string(text));
  }
  error_code parse_error;
  auto address = asio::ip::make_address(std::string(host), parse_error);
  if (parse_error) {
    return MakeError(ErrorCode::kInvalidArgument, "bad IP in listen address: " + std::string(text));
  }
  return tcp::endpoint(address, static_cast<uint16_t>(value));
}

Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const TlsFiles& files) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  error_code ec;
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  if (ec || SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) {
    return MakeError(ErrorCode::kInternal, "cannot configure TLS: " + ec.message());
  }
  ctx->use_certificate_chain_file(files.cert_chain_file, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, "cannot load TLS certificate chain " + files.cert_chain_file +
                                         ": " + ec.message());
  }
  ctx->use_private_key_file(files.private_key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo,
                     "cannot load TLS private key " + files.private_key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return MakeError(ErrorCode::kIo, "TLS private key does not match the certificate");
  }
  return ctx;
}

// The whole answer to a connection over a cap, written without waiting: a
// flood must not make us spend more than one syscall per refused socket.
void SendCanned503(tcp::socket& socket, RejectReason reason) {
  const std::string body = JsonErrorBody(RejectReasonName(reason), "server busy, retry later");
  const std::string text =
      "HTTP/1.1 503 Service Unavailable\r\nServer: acta\r\n"
      "Content-Type: application/json\r\nConnection: close\r\n"
      "Retry-After: 1\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(text), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

// Named, not anonymous: HttpServer::Impl (external linkage) holds Listeners,
// and a unity build (cmake/ActaHelpers.cmake) compiles this file as an
// included one, where GCC refuses such a field (-Wsubobject-linkage).
namespace server_detail {

// Accepts on workers[0] and hands each connection to the next worker.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(ServerState& state, std::vector<std::unique_ptr<Worker>>& workers)
      : state_(state), workers_(workers), acceptor_(workers[0]->ioc), retry_(workers[0]->ioc) {}

  Result<uint16_t> Bind(const tcp::endpoint& endpoint) {
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return MakeError(ErrorCode::kIo, "cannot listen on " + endpoint.address().to_string() + ":" +
                                           std::to_string(endpoint.port()) + ": " + ec.message());
    }
    const auto local = acceptor_.local_endpoint(ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot read bound port: " + ec.message());
    return local.port();
  }

  void Accept() {
    index_ = next_++ % workers_.size();
    acceptor_.async_accept(workers_[index_]->ioc,
                           [self = shared_from_this()](error_code ec, tcp::socket socket) {
                             self->OnAccept(ec, std::move(socket));
                           });
  }

  void Close() {
    error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

 private:
  void OnAccept(error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || state_.stopping) return;
    if (ec) {
      // Typically EMFILE/ENFILE: back off instead of spinning on the error.
      spdlog::warn("http accept failed: {}", ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->Accept();
      });
      return;
    }
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    if (!ec) {
      if (auto reason = state_.limiter.TryAcquire(remote.address())) {
        state_.Reject(*reason, remote.address());
        if (!state_.tls) SendCanned503(socket, *reason);
      } else {
        Worker& worker = *workers_[index_];
        asio::post(worker.ioc,
                   [socket = std::move(socket), remote, &state = state_, &worker]() mutable {
                     internal::StartSession(std::move(socket), remote, state, worker);
                   });
      }
    }
    Accept();
  }

  ServerState& state_;
  std::vector<std::unique_ptr<Worker>>& workers_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  std::size_t next_ = 0;
  std::size_t index_ = 0;
};

}  // namespace server_detail
using server_detail::Listener;

struct HttpServer::Impl {
  Impl(const ServerOptions& options, Handler& handler)
      : state(options.limits, handler, options.on_reject) {}

  ~Impl() {
    Stop();
    listeners.clear();
    workers.clear();  // destroys the io_contexts and any session left in them
  }

  void Stop() {
    std::lock_guard lock(stop_mu);
    if (stopped) return;
    stopped = true;
    state.stopping = true;
    for (auto& listener : listeners) {
      asio::post(workers[0]->ioc, [listener] { listener->Close(); });
    }
    for (auto& worker : workers) {
      asio::post(worker->ioc, [w = worker.get()] {
        std::vector<std::weak_ptr<internal::SessionBase>> sessions;
        for (auto& [ptr, weak] : w->sessions) sessions.push_back(weak);
        for (auto& weak : sessions) {
          if (auto session = weak.lock()) session->OnServerStop();
        }
      });
    }
    if (!state.limiter.WaitForZero(std::chrono::steady_clock::now() +
                                   state.limits.shutdown_grace)) {
      spdlog::warn("http server stopping with {} connections still open", state.limiter.total());
    }
    for (auto& worker : workers) worker->ioc.stop();
    for (auto& thread : threads) {
      if (thread.joinable()) thread.join();
    }
    // The posted Close may not have run before ioc.stop(); with the threads
    // gone it is safe here, and the port refuses new connections at once.
    for (auto& listener : listeners) listener->Close();
    for (auto& worker : workers) {
      std::lock_guard gate_lock(worker->gate->mu);
      worker->gate->open = false;
    }
  }

  ServerState state;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<uint16_t> ports;
  std::vector<std::thread> threads;
  std::mutex stop_mu;
  bool stopped = false;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Handler& handler) {
  if (options.threads < 1) return MakeError(ErrorCode::kInvalidArgument, "threads must be >= 1");
  if (options.listen.empty()) return MakeError(ErrorCode::kInvalidArgument, "nothing to listen on");
  auto impl = std::make_unique<Impl>(options, handler);
  if (options.tls) {
    auto ctx = MakeTlsContext(*options.tls);
    if (!ctx) return std::unexpected(ctx.error());
    impl->state.tls = std::move(*ctx);
  }
  for (int i = 0; i < options.threads; ++i) impl->workers.push_back(std::make_unique<Worker>());
  for (const std::string& text : options.listen) {
    auto endpoint = ParseEndpoint(text);
    if (!endpoint) return std::unexpected(endpoint.error());
    auto listener = std::make_shared<Listener>(impl->state, impl->workers);
    auto port = listener->Bind(*endpoint);
    if (!port) return std::unexpected(port.error());
    impl->ports.push_back(*port);
    impl->listeners.push_back(std::move(listener));
  }
  for (auto& listener : impl->listeners) listener->Accept();
  const auto resolution = internal::DeadlineResolution(options.limits);
  for (auto& worker : impl->workers) {
    internal::StartDeadlineSweep(*worker, resolution);
    impl->threads.emplace_back([w = worker.get()] {
      auto guard = asio::make_work_guard(w->ioc);
      // Handlers are not supposed to throw; if one does, log and carry on
      // rather than take every connection of this thread down.
      while (true) {
        try {
          w->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http io thread: uncaught exception: {}", e.what());
        }
      }
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() = default;

const std::vector<uint16_t>& HttpServer::ports() const { return impl_->ports; }

void HttpServer::Stop() { impl_->Stop(); }

std::size_t HttpServer::ActiveConnections() const { return impl_->state.limiter.total(); }

}  // namespace acta::http
