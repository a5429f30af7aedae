// HttpServer with TLS: a throwaway CA, a client that trusts it, one that
// does not, and one that does not speak TLS at all.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "center/http/server.h"
#include "center/http/testing/raw_client.h"
#include "center/http/testing/test_ca.h"
#include "center/http/testing/test_handler.h"

namespace acta::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using testing::RejectLog;
using testing::TestHandler;
using testing::WaitUntil;

// One HTTPS GET with a client that trusts only `ca_file`. Returns the body,
// or the error text prefixed with "ERROR: ".
std::string HttpsGet(uint16_t port, const std::string& ca_file, const std::string& target) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  ctx.load_verify_file(ca_file, ec);
  if (ec) return "ERROR: load_verify_file " + ec.message();
  ctx.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return "ERROR: " + ec.message();
  bhttp::request<bhttp::string_body> req(bhttp::verb::get, target, 11);
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(stream, req, ec);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  if (!ec) bhttp::read(stream, buffer, res, ec);
  if (ec) return "ERROR: " + ec.message();
  return std::to_string(res.result_int()) + " " + res.body();
}

class HttpTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = testing::MakeTestPki();
    ASSERT_TRUE(pki) << pki.error().ToString();
    pki_ = *pki;
    ServerOptions options;
    options.tls = TlsFiles{pki_.server_cert, pki_.server_key};
    options.limits.tls_handshake_timeout = std::chrono::milliseconds(200);
    options.on_reject = rejects_.Callback();
    auto server = HttpServer::Start(options, handler_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }

  testing::TestPki pki_;
  TestHandler handler_;
  RejectLog rejects_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpTlsTest, TrustedClientRoundTrip) {
  EXPECT_EQ(HttpsGet(server_->port(), pki_.ca_cert, "/echo?a=1"), "200 GET /echo?a=1 tls=1\n");
  EXPECT_EQ(HttpsGet(server_->port(), pki_.ca_cert, "/async"), "200 GET /async tls=1\n");
  EXPECT_TRUE(rejects_.reasons().empty());
}

TEST_F(HttpTlsTest, ClientWithOtherCaFailsHandshake) {
  const std::string result = HttpsGet(server_->port(), pki_.other_ca_cert, "/echo");
  EXPECT_TRUE(result.starts_with("ERROR: ")) << result;
  EXPECT_NE(result.find("certificate verify failed"), std::string::npos) << result;
  EXPECT_TRUE(WaitUntil([&] { return rejects_.Contains(RejectReason::kTlsHandshake); }));
  EXPECT_EQ(handler_.handled(), 0);
  EXPECT_EQ(HttpsGet(server_->port(), pki_.ca_cert, "/echo"), "200 GET /echo tls=1\n");
}

TEST_F(HttpTlsTest, PlainHttpOnTlsPortIsDropped) {
  auto c = testing::RawConnection::Connect(server_->port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(testing::MakeRawRequest("GET", "/echo")));
  const std::string got = c->ReadUntilClose();
  EXPECT_EQ(got.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return rejects_.Contains(RejectReason::kTlsHandshake); }));
  EXPECT_EQ(handler_.handled(), 0);
}

TEST_F(HttpTlsTest, SilentClientHitsHandshakeTimeout) {
  auto c = testing::RawConnection::Connect(server_->port());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ReadUntilClose(), "");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kTlsHandshake});
}

TEST(HttpTlsStartTest, UnusableFilesAreIo) {
  TestHandler handler;
  ServerOptions options;
  options.tls = TlsFiles{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
  auto server = HttpServer::Start(options, handler);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code, ErrorCode::kIo);

  auto pki = testing::MakeTestPki();
  ASSERT_TRUE(pki);
  options.tls = TlsFiles{pki->server_cert, pki->dir + "/other-ca.key"};  // key of another cert
  server = HttpServer::Start(options, handler);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code, ErrorCode::kIo);
  EXPECT_NE(server.error().message.find("private key"), std::string::npos)
      << server.error().message;
}

}  // namespace
}  // namespace acta::http
