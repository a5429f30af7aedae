// HttpClient against the real HttpServer on loopback: URLs, round trips,
// keep-alive reuse and reconnects, timeouts, limits and TLS trust.
#include "terminal/http_client.h"

#include <gtest/gtest.h>

#include "center/http/server.h"
#include "center/http/testing/test_ca.h"
#include "center/http/testing/test_handler.h"

namespace acta::http {
namespace {

using testing::TestHandler;
using testing::WaitUntil;

HttpClientOptions Opts(std::string url, std::string ca_file = {}) {
  HttpClientOptions options;
  options.base_url = std::move(url);
  options.ca_file = std::move(ca_file);
  return options;
}

TEST(ParseUrlTest, Valid) {
  auto a = ParseUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_FALSE(a->tls);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->host_header, "127.0.0.1:8080");
  EXPECT_EQ(a->base_path, "");

  auto b = ParseUrl("https://[::1]:8443/");
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_TRUE(b->tls);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 8443);
  EXPECT_EQ(b->host_header, "[::1]:8443");
  EXPECT_EQ(b->base_path, "");

  auto c = ParseUrl("HTTPS://center-1.example.org/acta/v1/");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_TRUE(c->tls);
  EXPECT_EQ(c->host, "center-1.example.org");
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->host_header, "center-1.example.org:443");
  EXPECT_EQ(c->base_path, "/acta/v1");

  auto d = ParseUrl("http://[2001:db8::7]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 80);
  EXPECT_EQ(d->host_header, "[2001:db8::7]:80");
}

TEST(ParseUrlTest, Invalid) {
  for (const char* bad : {"",
                          "127.0.0.1:8080",
                          "ftp://x",
                          "http://",
                          "http://:80",
                          "http://h:0",
                          "http://h:65536",
                          "http://h:",
                          "http://h:8o",
                          "http://u@h",
                          "http://h/?q",
                          "http://h/#f",
                          "http://[::1",
                          "http://[::1]x",
                          "http://[::1]:",
                          "http://[nothex]:1",
                          "http://::1:80",
                          "http://h h",
                          "http://h/a b",
                          "http://h_x"}) {
    auto r = ParseUrl(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

class HttpClientTest : public ::testing::Test {
 protected:
  void StartServer(ServerLimits limits = {}) {
    ServerOptions options;
    options.limits = limits;
    auto server = HttpServer::Start(options, handler_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }

  std::unique_ptr<HttpClient> MakeClient(HttpClientOptions options = {}) {
    if (options.base_url.empty())
      options.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    auto client = HttpClient::Create(options);
    EXPECT_TRUE(client) << client.error().ToString();
    return client ? std::move(*client) : nullptr;
  }

  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpClientTest, GetAndPostRoundTrip) {
  StartServer();
  auto client = MakeClient();
  auto get = client->Get("/echo?q=1");
  ASSERT_TRUE(get) << get.error().ToString();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->BodyText(), "GET /echo?q=1 tls=0\n");
  EXPECT_EQ(get->Header("content-type"), "text/plain; charset=utf-8");

  const Bytes payload = {0x00, 0xff, 0x10, 0x0d, 0x0a};
  auto post = client->Post("/echo", payload, {{"X-Mac", "abc"}});
  ASSERT_TRUE(post) << post.error().ToString();
  EXPECT_EQ(post->status, 200);
  Bytes want;
  for (char ch : std::string_view("POST /echo tls=0\n")) want.push_back(static_cast<uint8_t>(ch));
  want.insert(want.end(), payload.begin(), payload.end());
  EXPECT_EQ(post->body, want);
}

TEST_F(HttpClientTest, BasePathIsPrefixed) {
  StartServer();
  HttpClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/echo/";
  auto client = MakeClient(options);
  auto r = client->Get("/x");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->BodyText(), "GET /echo/x tls=0\n");
}

TEST_F(HttpClientTest, ReusesOneConnection) {
  StartServer();
  auto client = MakeClient();
  std::string port;
  for (int i = 0; i < 50; ++i) {
    auto r = client->Get("/echo");
    ASSERT_TRUE(r) << r.error().ToString();
    if (i == 0) port = std::string(r->Header("x-remote-port"));
    ASSERT_EQ(r->Header("x-remote-port"), port) << i;
  }
  EXPECT_EQ(server_->ActiveConnections(), 1u);
}

TEST_F(HttpClientTest, ReconnectsAfterServerClosedIdleConnection) {
  ServerLimits limits;
  limits.idle_timeout = std::chrono::milliseconds(20);
  StartServer(limits);
  auto client = MakeClient();
  auto first = client->Get("/echo");
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_TRUE(WaitUntil([&] { return server_->ActiveConnections() == 0; }));
  auto second = client->Get("/echo");
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->status, 200);
  EXPECT_NE(second->Header("x-remote-port"), first->Header("x-remote-port"));
}

TEST_F(HttpClientTest, ServerConnectionCloseIsFollowed) {
  ServerLimits limits;
  limits.max_requests_per_connection = 1;
  StartServer(limits);
  auto client = MakeClient();
  for (int i = 0; i < 3; ++i) {
    auto r = client->Get("/echo");
    ASSERT_TRUE(r) << i << ": " << r.error().ToString();
    EXPECT_EQ(r->Header("connection"), "close");
  }
}

TEST_F(HttpClientTest, ErrorStatusesAreResults) {
  StartServer();
  auto client = MakeClient();
  auto r = client->Post("/small", Bytes(17, 1));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(r->BodyText().starts_with(R"({"error":"body_too_large")")) << r->BodyText();
  auto again = client->Get("/echo");  // the server closed; the client reconnects
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailable) {
  StartServer();
  const std::string url = "http://127.0.0.1:" + std::to_string(server_->port());
  server_.reset();
  HttpClientOptions options;
  options.base_url = url;
  auto client = HttpClient::Create(options);
  ASSERT_TRUE(client);
  auto r = (*client)->Get("/echo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
}

TEST_F(HttpClientTest, RequestTimeoutIsUnavailableAndClientRecovers) {
  StartServer();
  HttpClientOptions options;
  options.request_timeout = std::chrono::milliseconds(100);
  auto client = MakeClient(options);
  auto r = client->Get("/hold");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  ASSERT_EQ(handler_.held_count(), 1u);              // sent once: a timeout is never retried
  handler_.TakeHeld()(Response::Text(200, "late"));  // lands on a closed connection
  auto next = client->Get("/echo");
  ASSERT_TRUE(next) << next.error().ToString();
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpClientTest, ResponseLimit) {
  StartServer();
  HttpClientOptions options;
  options.max_response_bytes = 8;
  auto client = MakeClient(options);
  auto r = client->Get("/echo");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
}

TEST_F(HttpClientTest, BadArgumentsAreRejectedBeforeSending) {
  StartServer();
  auto client = MakeClient();
  for (auto r : {client->Get("echo"), client->Get("/a b"), client->Get("/x\r\nX: y"),
                 client->Get("/echo", {{"X-A", "v\r\nInjected: 1"}}),
                 client->Get("/echo", {{"Bad Name", "v"}}), client->Send("GE T", "/", {}, {})}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  }
  EXPECT_EQ(handler_.handled(), 0);
  auto bad_url = HttpClient::Create(Opts("http//x"));
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error().code, ErrorCode::kInvalidArgument);
  auto bad_ca = HttpClient::Create(Opts("https://127.0.0.1:1", "/nonexistent.pem"));
  ASSERT_FALSE(bad_ca);
  EXPECT_EQ(bad_ca.error().code, ErrorCode::kIo);
}

class HttpClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = testing::MakeTestPki();
    ASSERT_TRUE(pki) << pki.error().ToString();
    pki_ = *pki;
    ServerOptions options;
    options.listen = {"127.0.0.1:0"};
    options.tls = TlsFiles{pki_.server_cert, pki_.server_key};
    auto server = HttpServer::Start(options, handler_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    url_ = "https://127.0.0.1:" + std::to_string(server_->port());
  }

  Result<HttpResponse> GetWith(const std::string& url, const std::string& ca_file) {
    auto client = HttpClient::Create(Opts(url, ca_file));
    if (!client) return std::unexpected(client.error());
    return (*client)->Get("/echo");
  }

  testing::TestPki pki_;
  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::string url_;
};

TEST_F(HttpClientTlsTest, TrustedCaSucceeds) {
  auto client = HttpClient::Create(Opts(url_, pki_.ca_cert));
  ASSERT_TRUE(client);
  for (int i = 0; i < 3; ++i) {
    auto r = (*client)->Post("/echo", AsBytes("sealed"));
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->BodyText(), "POST /echo tls=1\nsealed");
  }
  EXPECT_EQ(server_->ActiveConnections(), 1u);
}

TEST_F(HttpClientTlsTest, WithoutTheCaItFails) {
  for (const std::string& ca : {std::string(), pki_.other_ca_cert}) {
    auto r = GetWith(url_, ca);
    ASSERT_FALSE(r) << "ca=" << ca;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos)
        << r.error().message;
  }
  EXPECT_EQ(handler_.handled(), 0);
}

TEST_F(HttpClientTlsTest, PlainClientOnTlsPortFails) {
  auto r = GetWith("http://127.0.0.1:" + std::to_string(server_->port()), "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpClientTlsTest, Ipv6Loopback) {
  TestHandler handler;
  ServerOptions options;
  options.listen = {"[::1]:0"};
  options.tls = TlsFiles{pki_.server_cert, pki_.server_key};
  auto server = HttpServer::Start(options, handler);
  if (!server) GTEST_SKIP() << "no IPv6 loopback: " << server.error().ToString();
  auto r = GetWith("https://[::1]:" + std::to_string((*server)->port()), pki_.ca_cert);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->BodyText(), "GET /echo tls=1\n");
}

}  // namespace
}  // namespace acta::http
