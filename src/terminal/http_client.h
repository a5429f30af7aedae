// HttpClient: a small blocking HTTP/1.1 client over one kept-alive
// connection (plain or TLS), for terminals, the verifier and tools.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::http {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// "http://127.0.0.1:8080", "https://[::1]:8443", "http://center.example/base".
struct ParsedUrl {
  bool tls = false;
  std::string host;         // IPv6 without brackets
  uint16_t port = 0;        // 80/443 when absent
  std::string host_header;  // "127.0.0.1:8080", "[::1]:8443"
  std::string base_path;    // "" or "/base" (no trailing slash), prefixed to every path
};

// Errors: kInvalidArgument (scheme other than http/https, userinfo, query or
// fragment, empty or malformed host, port outside 1..65535).
Result<ParsedUrl> ParseUrl(std::string_view url);

struct HttpClientOptions {
  std::string base_url;
  // TCP connect plus TLS handshake.
  std::chrono::milliseconds connect_timeout{5'000};
  // Everything for one request, connecting included.
  std::chrono::milliseconds request_timeout{15'000};
  // PEM file of CAs to trust for https; empty: the system's default store.
  std::string ca_file;
  std::size_t max_response_bytes = 16 * 1024 * 1024;
  std::string user_agent = "acta/0.1";
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lowercased
  Bytes body;

  // First value of the header `name` (lowercase), or "".
  std::string_view Header(std::string_view name) const;
  std::string_view BodyText() const { return AsChars(body); }
};

// Not thread-safe: use one client per thread (or lock around it). Any HTTP
// status is a successful Result; the caller decides what 4xx/5xx mean.
//
// Errors of Get/Post/Send:
//   kInvalidArgument    path not starting with '/', CR/LF/space in path or
//                       headers
//   kUnavailable        resolve/connect failure, refused, reset, closed,
//                       timeout, TLS handshake or certificate failure
//   kMalformed          the response is not HTTP/1.1
//   kResourceExhausted  the response exceeds max_response_bytes
// After an error the connection is dropped; the next call reconnects. A
// request on a reused connection that fails before any response byte
// arrives (the server closed the idle connection) is retried once on a
// fresh connection, so requests must be idempotent, as acta's are.
class HttpClient {
 public:
  // Errors: kInvalidArgument (bad base_url), kIo (ca_file unreadable).
  static Result<std::unique_ptr<HttpClient>> Create(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Get(std::string_view path, const HttpHeaders& headers = {});
  // Content-Type defaults to application/octet-stream unless in `headers`.
  Result<HttpResponse> Post(std::string_view path, ByteSpan body, const HttpHeaders& headers = {});
  Result<HttpResponse> Send(std::string_view method, std::string_view path, ByteSpan body,
                            const HttpHeaders& headers);

  // GET `path` and hand the body to `on_data` as it arrives (a stream of
  // server-sent events, which never ends by itself). Returns the status
  // without reading the body when it is not 200, or 200 once `on_data`
  // returned false. Errors as for Get (kUnavailable also when the stream
  // ends, or sends nothing for `idle_timeout`). The connection is dropped
  // afterwards; the request timeout bounds only the answer's headers.
  Result<int> Stream(std::string_view path, const std::function<bool(std::string_view)>& on_data,
                     std::chrono::milliseconds idle_timeout);

  // Drops the connection (the next request opens a new one).
  void Disconnect();
  const ParsedUrl& url() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace acta::http
