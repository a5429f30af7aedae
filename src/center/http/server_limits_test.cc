// Every ServerLimits limit, over real loopback sockets: the right status and
// reject reason, and the server keeps serving other clients afterwards.
#include <gtest/gtest.h>

#include "center/http/server.h"
#include "center/http/testing/raw_client.h"
#include "center/http/testing/test_handler.h"

namespace acta::http {
namespace {

using testing::MakeRawRequest;
using testing::RawConnection;
using testing::RejectLog;
using testing::TestHandler;
using testing::WaitUntil;

class HttpLimitsTest : public ::testing::Test {
 protected:
  void Start(ServerLimits limits) {
    ServerOptions options;
    options.limits = limits;
    options.threads = 2;
    options.on_reject = rejects_.Callback();
    auto server = HttpServer::Start(options, handler_);
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
  }

  RawConnection Connect() {
    auto c = RawConnection::Connect(server_->port());
    EXPECT_TRUE(c) << c.error().ToString();
    return std::move(*c);
  }

  // A fresh connection still gets served.
  void ExpectStillServing() {
    RawConnection c = Connect();
    ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo")));
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
  }

  // Reads one error response and the close that follows it.
  static void ExpectErrorAndClose(RawConnection& c, int status, const std::string& code) {
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(r->headers["content-type"], "application/json");
    EXPECT_EQ(r->headers["connection"], "close");
    EXPECT_TRUE(r->body.starts_with("{\"error\":\"" + code + "\",\"message\":\"")) << r->body;
    EXPECT_EQ(c.ReadUntilClose(), "");
  }

  TestHandler handler_;
  RejectLog rejects_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpLimitsTest, OversizedHeaderIs431) {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(
      c.Send(MakeRawRequest("GET", "/echo", "", "X-Big: " + std::string(2000, 'a') + "\r\n")));
  ExpectErrorAndClose(c, 431, "header_too_large");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kHeaderTooLarge});
  EXPECT_EQ(handler_.handled(), 0);
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, HeaderJustUnderTheLimitPasses) {
  ServerLimits limits;
  limits.max_header_bytes = 1024;
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(
      c.Send(MakeRawRequest("GET", "/echo", "", "X-Big: " + std::string(900, 'a') + "\r\n")));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpLimitsTest, OversizedContentLengthIs413WithoutReadingTheBody) {
  ServerLimits limits;
  limits.max_body_bytes = 1000;
  limits.body_timeout = std::chrono::minutes(10);  // waiting for the body would hang the test
  Start(limits);
  RawConnection c = Connect();
  // Only the header is sent: the answer must not depend on the body.
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"));
  ExpectErrorAndClose(c, 413, "body_too_large");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kBodyTooLarge});
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, HandlerPicksSmallerBodyLimitPerRoute) {
  Start(ServerLimits{});
  RawConnection ok = Connect();
  ASSERT_TRUE(ok.Send(MakeRawRequest("POST", "/small", std::string(16, 'b'))));
  auto r = ok.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  RawConnection big = Connect();
  ASSERT_TRUE(big.Send(MakeRawRequest("POST", "/small", std::string(17, 'b'))));
  ExpectErrorAndClose(big, 413, "body_too_large");
  // The same size is fine on a route without its own limit.
  RawConnection other = Connect();
  ASSERT_TRUE(other.Send(MakeRawRequest("POST", "/echo", std::string(17, 'b'))));
  auto r2 = other.ReadResponse();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, OversizedChunkedBodyIs413) {
  ServerLimits limits;
  limits.max_body_bytes = 1000;
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "7d0\r\n" +
             std::string(2000, 'c') + "\r\n0\r\n\r\n"));
  ExpectErrorAndClose(c, 413, "body_too_large");
  EXPECT_EQ(handler_.handled(), 0);
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, GarbageIs400) {
  Start(ServerLimits{});
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send("HELLO THERE\r\n\r\n"));
  ExpectErrorAndClose(c, 400, "bad_request");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kBadRequest});
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, SlowlorisHeaderIs408AndClosed) {
  ServerLimits limits;
  limits.header_timeout = std::chrono::milliseconds(100);
  Start(limits);
  RawConnection slow = Connect();
  ASSERT_TRUE(slow.Send("GET /echo HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  // Others are served while the slow one waits.
  ExpectStillServing();
  ExpectErrorAndClose(slow, 408, "header_timeout");
  EXPECT_TRUE(rejects_.Contains(RejectReason::kHeaderTimeout));
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, SlowlorisOnKeepAliveConnection) {
  ServerLimits limits;
  limits.header_timeout = std::chrono::milliseconds(100);
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo")));
  ASSERT_TRUE(c.ReadResponse());
  ASSERT_TRUE(c.Send("GET /echo HTTP/1.1\r\nHo"));
  ExpectErrorAndClose(c, 408, "header_timeout");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kHeaderTimeout});
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, SlowBodyIs408) {
  ServerLimits limits;
  limits.body_timeout = std::chrono::milliseconds(100);
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  ExpectErrorAndClose(c, 408, "body_timeout");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kBodyTimeout});
  EXPECT_EQ(handler_.handled(), 0);
  // A body sent in time on a new connection is served.
  RawConnection ok = Connect();
  ASSERT_TRUE(ok.Send(MakeRawRequest("POST", "/echo", "0123456789")));
  auto r = ok.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(handler_.handled(), 1);
}

TEST_F(HttpLimitsTest, IdleKeepAliveConnectionIsClosedQuietly) {
  ServerLimits limits;
  limits.idle_timeout = std::chrono::milliseconds(50);
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo")));
  ASSERT_TRUE(c.ReadResponse());
  EXPECT_EQ(c.ReadUntilClose(), "");
  EXPECT_TRUE(rejects_.reasons().empty());
  EXPECT_TRUE(WaitUntil([&] { return server_->ActiveConnections() == 0; }));
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, MaxRequestsPerConnection) {
  ServerLimits limits;
  limits.max_requests_per_connection = 3;
  Start(limits);
  RawConnection c = Connect();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo")));
    auto r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->headers.count("connection"), i == 3 ? 1u : 0u) << i;
  }
  EXPECT_EQ(c.ReadUntilClose(), "");
  // A new connection starts a new count.
  RawConnection next = Connect();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(next.Send(MakeRawRequest("GET", "/echo")));
    auto r = next.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->headers.count("connection"), i == 3 ? 1u : 0u) << i;
  }
}

TEST_F(HttpLimitsTest, ConnectionCloseRequestIsHonoured) {
  Start(ServerLimits{});
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo", "", "Connection: close\r\n")));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_EQ(c.ReadUntilClose(), "");
}

TEST_F(HttpLimitsTest, HandlerTimeoutIs503AndLateReplyIsDropped) {
  ServerLimits limits;
  limits.handler_timeout = std::chrono::milliseconds(50);
  Start(limits);
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/hold")));
  ExpectErrorAndClose(c, 503, "handler_timeout");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kHandlerTimeout});
  ASSERT_EQ(handler_.held_count(), 1u);
  handler_.TakeHeld()(Response::Text(200, "too late"));
  ExpectStillServing();
}

// Holds `n` admitted connections open (each has had one answered request,
// so the server has certainly counted it).
std::vector<RawConnection> OpenServed(HttpServer& server, int n) {
  std::vector<RawConnection> out;
  for (int i = 0; i < n; ++i) {
    auto c = RawConnection::Connect(server.port());
    EXPECT_TRUE(c);
    EXPECT_TRUE(c->Send(MakeRawRequest("GET", "/echo")));
    auto r = c->ReadResponse();
    EXPECT_TRUE(r && r->status == 200);
    out.push_back(std::move(*c));
  }
  return out;
}

TEST_F(HttpLimitsTest, MaxConnectionsPerSource) {
  ServerLimits limits;
  limits.max_connections_per_source = 2;
  Start(limits);
  auto held = OpenServed(*server_, 2);
  RawConnection third = Connect();
  ExpectErrorAndClose(third, 503, "too_many_from_source");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kTooManyFromSource});
  // The admitted ones still work.
  ASSERT_TRUE(held[0].Send(MakeRawRequest("GET", "/echo")));
  auto r = held[0].ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A slot freed is a slot available again.
  held[1].Close();
  ASSERT_TRUE(WaitUntil([&] { return server_->ActiveConnections() == 1; }));
  ExpectStillServing();
}

TEST_F(HttpLimitsTest, MaxConnectionsTotal) {
  ServerLimits limits;
  limits.max_connections = 2;
  Start(limits);
  auto held = OpenServed(*server_, 2);
  RawConnection third = Connect();
  ExpectErrorAndClose(third, 503, "too_many_connections");
  EXPECT_EQ(rejects_.reasons(), std::vector{RejectReason::kTooManyConnections});
  held.clear();
  ASSERT_TRUE(WaitUntil([&] { return server_->ActiveConnections() == 0; }));
  ExpectStillServing();
}

}  // namespace
}  // namespace acta::http
