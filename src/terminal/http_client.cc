// The blocking API runs Beast's asynchronous operations on a private
// io_context with a deadline: run_one_until returns at the deadline, and
// closing the socket then makes the pending operation finish, so no call
// ever blocks longer than its budget (DNS aside, see Connect).
#include "terminal/http_client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <charconv>
#include <optional>

namespace acta::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}
// Printable ASCII without space (RFC 3986 characters, loosely).
bool IsPathText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}
bool IsHostName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

std::unexpected<Error> Unavailable(std::string message) {
  return MakeError(ErrorCode::kUnavailable, std::move(message));
}

}  // namespace

Result<ParsedUrl> ParseUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "bad URL \"" + std::string(url) + "\": " + std::string(why));
  };
  ParsedUrl out;
  std::string_view rest;
  auto starts_with_ci = [&](std::string_view prefix) {
    return url.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), url.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  };
  if (starts_with_ci("http://")) {
    rest = url.substr(7);
    out.port = 80;
  } else if (starts_with_ci("https://")) {
    rest = url.substr(8);
    out.tls = true;
    out.port = 443;
  } else {
    return bad("scheme must be http or https");
  }
  if (rest.find_first_of("?#@") != std::string_view::npos) {
    return bad("no userinfo, query or fragment allowed");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed [");
    out.host = std::string(authority.substr(1, close - 1));
    error_code ec;
    asio::ip::make_address_v6(out.host, ec);
    if (ec) return bad("not an IPv6 address in []");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return bad("junk after ]");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port");
    }
    out.host_header = "[" + out.host + "]";
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("empty port");
    }
    if (!IsHostName(out.host)) return bad("bad host");
    out.host_header = out.host;
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad("port must be 1..65535");
    }
    out.port = static_cast<uint16_t>(port);
  }
  out.host_header += ":" + std::to_string(out.port);
  if (!IsPathText(path)) return bad("bad characters in path");
  while (path.ends_with('/')) path.remove_suffix(1);
  out.base_path = std::string(path);
  return out;
}

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

struct HttpClient::Impl {
  HttpClientOptions options;
  ParsedUrl url;
  asio::io_context ioc{1};
  std::optional<asio::ssl::context> ssl_ctx;  // https only; outlives the stream
  std::optional<tcp::resolver> resolver;
  std::optional<tcp::socket> plain;
  std::optional<asio::ssl::stream<tcp::socket>> tls;
  beast::flat_buffer buffer;

  bool connected() const { return plain.has_value() || tls.has_value(); }
  tcp::socket* Lowest() {
    if (tls) return &tls->next_layer();
    if (plain) return &*plain;
    return nullptr;
  }

  void Disconnect() {
    if (tcp::socket* s = Lowest()) {
      error_code ignored;
      s->close(ignored);
    }
    tls.reset();
    plain.reset();
    buffer.clear();
  }

  // Runs the io_context until `done` or `deadline`. At the deadline the
  // pending operation is aborted (socket closed, resolver cancelled) and
  // waited for; then false.
  bool RunUntil(const bool& done, Clock::time_point deadline) {
    ioc.restart();
    while (!done && Clock::now() < deadline) {
      if (ioc.run_one_until(deadline) == 0 && ioc.stopped()) break;
    }
    if (done) return true;
    if (resolver) resolver->cancel();
    if (tcp::socket* s = Lowest()) {
      error_code ignored;
      s->close(ignored);
    }
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
    return false;
  }

  // DNS: getaddrinfo runs on Asio's resolver thread; cancel() abandons it at
  // the deadline, although the thread itself finishes in its own time.
  Status Connect(Clock::time_point request_deadline) {
    Disconnect();
    const auto deadline = std::min(request_deadline, Clock::now() + options.connect_timeout);
    error_code ec;
    bool done = false;
    tcp::resolver::results_type endpoints;
    resolver.emplace(ioc);
    resolver->async_resolve(url.host, std::to_string(url.port),
                            [&](error_code e, tcp::resolver::results_type results) {
                              ec = e;
                              endpoints = std::move(results);
                              done = true;
                            });
    const bool resolved = RunUntil(done, deadline);
    resolver.reset();
    if (!resolved) return Unavailable("resolving " + url.host + " timed out");
    if (ec) return Unavailable("cannot resolve " + url.host + ": " + ec.message());

    if (ssl_ctx) {
      tls.emplace(ioc, *ssl_ctx);
    } else {
      plain.emplace(ioc);
    }
    done = false;
    asio::async_connect(*Lowest(), endpoints, [&](error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    if (!RunUntil(done, deadline)) {
      Disconnect();
      return Unavailable("connecting to " + url.host_header + " timed out");
    }
    if (ec) {
      Disconnect();
      return Unavailable("cannot connect to " + url.host_header + ": " + ec.message());
    }
    Lowest()->set_option(tcp::no_delay(true), ec);
    if (!tls) return Ok();

    error_code not_ip;
    asio::ip::make_address(url.host, not_ip);
    if (not_ip)
      SSL_set_tlsext_host_name(tls->native_handle(), url.host.c_str());  // SNI: names only
    tls->set_verify_callback(asio::ssl::host_name_verification(url.host));
    done = false;
    tls->async_handshake(asio::ssl::stream_base::client, [&](error_code e) {
      ec = e;
      done = true;
    });
    if (!RunUntil(done, deadline)) {
      Disconnect();
      return Unavailable("TLS handshake with " + url.host_header + " timed out");
    }
    if (ec) {
      Disconnect();
      return Unavailable("TLS handshake with " + url.host_header + " failed: " + ec.message());
    }
    return Ok();
  }

  // One request whose body is read as it arrives (HttpClient::Stream).
  template <class Stream>
  Result<int> StreamBody(Stream& stream, bhttp::request<bhttp::string_body>& req,
                         const std::function<bool(std::string_view)>& on_data,
                         std::chrono::milliseconds idle_timeout) {
    error_code ec;
    bool done = false;
    bhttp::async_write(stream, req, [&](error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!RunUntil(done, Clock::now() + options.request_timeout))
      return Unavailable("request to " + url.host_header + " timed out");
    if (ec) return Unavailable("sending to " + url.host_header + " failed: " + ec.message());
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(boost::none);
    done = false;
    bhttp::async_read_header(stream, buffer, parser, [&](error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!RunUntil(done, Clock::now() + options.request_timeout))
      return Unavailable("response from " + url.host_header + " timed out");
    if (ec) return Unavailable("reading from " + url.host_header + " failed: " + ec.message());
    const int status = static_cast<int>(parser.get().result_int());
    if (status != 200) return status;
    char chunk[4096];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      done = false;
      // read_some: hand over what arrived (async_read would wait for a full buffer).
      bhttp::async_read_some(stream, buffer, parser, [&](error_code e, std::size_t) {
        ec = e;
        done = true;
      });
      if (!RunUntil(done, Clock::now() + idle_timeout))
        return Unavailable("no event from " + url.host_header + " for " +
                           std::to_string(idle_timeout.count()) + " ms");
      if (ec && ec != bhttp::error::need_buffer)
        return Unavailable("reading from " + url.host_header + " failed: " + ec.message());
      const std::size_t got = sizeof chunk - parser.get().body().size;
      if (got > 0 && !on_data(std::string_view(chunk, got))) return status;
    }
    return Unavailable(url.host_header + " ended the stream");
  }

  // One request/response on the open connection. `got_response_bytes` tells
  // the caller whether a failure may be retried.
  template <class Stream>
  Result<HttpResponse> Exchange(Stream& stream, bhttp::request<bhttp::string_body>& req,
                                Clock::time_point deadline, bool& got_response_bytes) {
    error_code ec;
    bool done = false;
    bhttp::async_write(stream, req, [&](error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!RunUntil(done, deadline))
      return Unavailable("request to " + url.host_header + " timed out");
    if (ec) return Unavailable("sending to " + url.host_header + " failed: " + ec.message());

    bhttp::response_parser<bhttp::vector_body<uint8_t>> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(options.max_response_bytes);
    done = false;
    bhttp::async_read(stream, buffer, parser, [&](error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    const bool finished = RunUntil(done, deadline);
    got_response_bytes = parser.got_some();
    if (!finished) return Unavailable("response from " + url.host_header + " timed out");
    if (ec == bhttp::error::body_limit) {
      return MakeError(
          ErrorCode::kResourceExhausted,
          "response larger than " + std::to_string(options.max_response_bytes) + " bytes");
    }
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return MakeError(ErrorCode::kMalformed,
                       "bad HTTP response from " + url.host_header + ": " + ec.message());
    }
    if (ec) return Unavailable("reading from " + url.host_header + " failed: " + ec.message());

    auto& msg = parser.get();
    HttpResponse response;
    response.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      response.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    const bool keep_alive = msg.keep_alive();
    response.body = std::move(msg.body());
    if (!keep_alive) Disconnect();
    return response;
  }
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(HttpClientOptions options) {
  auto url = ParseUrl(options.base_url);
  if (!url) return std::unexpected(url.error());
  auto impl = std::make_unique<Impl>();
  impl->url = std::move(*url);
  if (impl->url.tls) {
    impl->ssl_ctx.emplace(asio::ssl::context::tls_client);
    auto& ctx = *impl->ssl_ctx;
    error_code ec;
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1,
                    ec);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    if (options.ca_file.empty()) {
      ctx.set_default_verify_paths(ec);
    } else {
      ctx.load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      return MakeError(ErrorCode::kIo,
                       "cannot load CA file \"" + options.ca_file + "\": " + ec.message());
    }
    ctx.set_verify_mode(asio::ssl::verify_peer);
  }
  impl->options = std::move(options);
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

void HttpClient::Disconnect() { impl_->Disconnect(); }
const ParsedUrl& HttpClient::url() const { return impl_->url; }

Result<HttpResponse> HttpClient::Get(std::string_view path, const HttpHeaders& headers) {
  return Send("GET", path, {}, headers);
}

Result<HttpResponse> HttpClient::Post(std::string_view path, ByteSpan body,
                                      const HttpHeaders& headers) {
  return Send("POST", path, body, headers);
}

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view path, ByteSpan body,
                                      const HttpHeaders& headers) {
  if (!IsToken(method)) return MakeError(ErrorCode::kInvalidArgument, "bad HTTP method");
  if (!path.starts_with('/') || !IsPathText(path)) {
    return MakeError(ErrorCode::kInvalidArgument, "path must start with '/' and hold no spaces");
  }
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(method);
  req.target(impl_->url.base_path + std::string(path));
  req.set(bhttp::field::host, impl_->url.host_header);
  req.set(bhttp::field::user_agent, impl_->options.user_agent);
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    if (!IsToken(name) || value.find_first_of("\r\n") != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "bad header \"" + name + "\"");
    }
    has_content_type |= beast::iequals(name, "content-type");
    req.insert(name, value);
  }
  if (!body.empty() || method == "POST" || method == "PUT") {
    if (!has_content_type) req.set(bhttp::field::content_type, "application/octet-stream");
    req.body().assign(AsChars(body));
  }
  req.keep_alive(true);
  req.prepare_payload();

  const auto deadline = Clock::now() + impl_->options.request_timeout;
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->connected();
    if (!reused) ACTA_RETURN_IF_ERROR(impl_->Connect(deadline));
    bool got_response_bytes = false;
    auto result = impl_->tls ? impl_->Exchange(*impl_->tls, req, deadline, got_response_bytes)
                             : impl_->Exchange(*impl_->plain, req, deadline, got_response_bytes);
    if (result) return result;
    impl_->Disconnect();
    // A kept-alive connection the server had already closed fails like this;
    // the request never reached the application, so one retry is safe.
    const bool stale = reused && !got_response_bytes &&
                       result.error().code == ErrorCode::kUnavailable && Clock::now() < deadline;
    if (!stale || attempt > 0) return result;
  }
}

Result<int> HttpClient::Stream(std::string_view path,
                               const std::function<bool(std::string_view)>& on_data,
                               std::chrono::milliseconds idle_timeout) {
  if (!path.starts_with('/') || !IsPathText(path)) {
    return MakeError(ErrorCode::kInvalidArgument, "path must start with '/' and hold no spaces");
  }
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method(bhttp::verb::get);
  req.target(impl_->url.base_path + std::string(path));
  req.set(bhttp::field::host, impl_->url.host_header);
  req.set(bhttp::field::user_agent, impl_->options.user_agent);
  req.set(bhttp::field::accept, "text/event-stream");
  req.keep_alive(true);
  ACTA_RETURN_IF_ERROR(impl_->Connect(Clock::now() + impl_->options.request_timeout));
  auto result = impl_->tls ? impl_->StreamBody(*impl_->tls, req, on_data, idle_timeout)
                           : impl_->StreamBody(*impl_->plain, req, on_data, idle_timeout);
  impl_->Disconnect();
  return result;
}

}  // namespace acta::http
