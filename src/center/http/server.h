// HttpServer: HTTP/1.1 (optionally over TLS 1.2+) on one or more endpoints,
// with the limits of ServerLimits, handing complete requests to a Handler.
//
// Threading: one io_context per thread, each run by exactly one thread; the
// listeners accept on the first and hand each new connection round-robin to
// the next io_context, where it lives until closed. So a connection's
// handlers never run concurrently and need no strand, and the io_contexts
// share no scheduler lock. We chose this over one io_context run by N
// threads with a strand per connection because, for many short keep-alive
// requests on 2 cores, every completion there passes the single scheduler
// mutex plus a strand; and over SO_REUSEPORT acceptors because those spread
// by a hash of the 4-tuple (uneven with few, NATed sources), need a second
// bind step for port 0, and let any process of the same user bind the port
// and take connections. Accepting is a small share of the work here.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "center/http/handler.h"
#include "center/http/limits.h"
#include "core/error.h"

namespace acta::http {

struct TlsFiles {
  std::string cert_chain_file;   // PEM: server certificate first, then intermediates
  std::string private_key_file;  // PEM
};

struct ServerOptions {
  // IP literal and port: "127.0.0.1:0", "[::1]:0", "0.0.0.0:8080". Port 0
  // picks a free port (see HttpServer::ports). IPv6 listeners are v6-only.
  std::vector<std::string> listen = {"127.0.0.1:0"};
  int threads = 1;  // >= 1
  ServerLimits limits;
  // When set, every listener speaks HTTPS.
  std::optional<TlsFiles> tls;
  // Called for every refused connection or request, from I/O threads
  // (concurrently): must be thread-safe and quick.
  std::function<void(RejectReason, const boost::asio::ip::address&)> on_reject;
};

class HttpServer {
 public:
  // Binds every endpoint, loads the TLS files, starts the threads. The
  // handler must outlive the server. Errors: kInvalidArgument (endpoint
  // text, threads < 1), kIo (bind/listen failed, TLS files unusable).
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options, Handler& handler);

  // Stop()s.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Bound ports, in the order of ServerOptions::listen.
  const std::vector<uint16_t>& ports() const;
  uint16_t port() const { return ports().front(); }

  // Stops accepting, closes idle and half-read connections and SSE streams,
  // lets requests whose header is complete get their response (sent with
  // "Connection: close"), waits up to limits.shutdown_grace for them, then
  // stops the threads. Replies that come later are dropped. Idempotent;
  // call from any thread except the server's own. A stopped server does not
  // restart.
  void Stop();

  // Connections currently open (admitted and not yet closed).
  std::size_t ActiveConnections() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace acta::http
