// Limits that keep one HTTP server usable while clients misbehave: sizes,
// deadlines and connection caps, plus the reasons a request or connection is
// turned away (reported through ServerOptions::on_reject).
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace acta::http {

// Why the server refused a connection or a request. Stable names (see
// RejectReasonName) are used as metric labels.
enum class RejectReason {
  kTooManyConnections,  // ServerLimits::max_connections reached
  kTooManyFromSource,   // ServerLimits::max_connections_per_source reached
  kHeaderTooLarge,      // 431
  kBodyTooLarge,        // 413
  kBadRequest,          // 400: the bytes are not HTTP/1.x
  kHeaderTimeout,       // 408: header not complete in time (slowloris)
  kBodyTimeout,         // 408: body not complete in time
  kTlsHandshake,        // handshake failed or timed out
  kHandlerTimeout,      // 503: the handler did not reply in time
};

// "too_many_connections", "header_too_large", ... Also the "error" field of
// the JSON error bodies.
std::string_view RejectReasonName(RejectReason reason);

struct ServerLimits {
  // Request line plus header fields. Larger: 431 and close.
  std::size_t max_header_bytes = 8 * 1024;
  // Global body cap; Handler::BodyLimit may lower it per request. A larger
  // Content-Length is answered with 413 before any body byte is read.
  std::size_t max_body_bytes = 64 * 1024;
  // From the first byte of a request (or from the end of the TLS handshake
  // for a connection's first request) to the end of its header. Expiry: 408
  // and close. This is the slowloris defence.
  std::chrono::milliseconds header_timeout{5'000};
  // From the end of the header to the end of the body. Expiry: 408 and close.
  std::chrono::milliseconds body_timeout{10'000};
  // A keep-alive connection with no request in progress is closed after this.
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds tls_handshake_timeout{5'000};
  // Writing one response (a client that does not read is dropped).
  std::chrono::milliseconds write_timeout{10'000};
  // From dispatch to the handler's reply. Expiry: 503 and close; a later
  // reply is dropped.
  std::chrono::milliseconds handler_timeout{30'000};
  // How long HttpServer::Stop waits for in-flight requests.
  std::chrono::milliseconds shutdown_grace{5'000};
  // After this many responses the server answers with "Connection: close".
  std::size_t max_requests_per_connection = 1'000;
  // Open connections in total and per source network (SourceNetwork: IPv4
  // /24, IPv6 /48). Over a cap the connection gets a canned 503 (plain
  // HTTP) or is closed at once (TLS).
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_source = 64;
  // Server-sent events: a comment line is sent this often so dead clients
  // are noticed, and a client that lets more than sse_max_queued_bytes pile
  // up is dropped.
  std::chrono::milliseconds sse_heartbeat{15'000};
  std::size_t sse_max_queued_bytes = 256 * 1024;
};

}  // namespace acta::http
