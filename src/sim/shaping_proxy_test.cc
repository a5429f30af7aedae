#include "sim/shaping_proxy.h"

#include <gtest/gtest.h>

#include "center/http/server.h"
#include "center/http/testing/test_handler.h"
#include "terminal/http_client.h"

namespace acta::sim {
namespace {

using std::chrono::milliseconds;

class ShapingProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = http::HttpServer::Start(http::ServerOptions{}, handler_);
    ASSERT_TRUE(server.has_value());
    server_ = std::move(*server);
  }
  std::unique_ptr<ShapingProxy> Proxy(LinkProfile profile, uint32_t groups = 1) {
    ProxyOptions o;
    for (uint32_t g = 0; g < groups; ++g) o.access_points.push_back(AccessPoint{profile, g});
    o.upstream_port = server_->port();
    o.seed = 3;
    auto p = ShapingProxy::Start(std::move(o));
    EXPECT_TRUE(p.has_value());
    return std::move(*p);
  }
  Result<http::HttpResponse> Post(uint16_t port, std::string_view body) {
    http::HttpClientOptions o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port);
    o.request_timeout = milliseconds(10'000);
    auto client = http::HttpClient::Create(o);
    return (*client)->Post("/echo", AsBytes(body));
  }
  static LinkProfile Clean() {
    LinkProfile p = *ProfileByName("metro");
    p.name = "clean";
    return p;
  }

  http::testing::TestHandler handler_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(ShapingProxyTest, ForwardsBothWaysUnchanged) {
  auto proxy = Proxy(Clean());
  std::string body(20'000, 'a');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  auto r = Post(proxy->port(0), body);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->BodyText(), "POST /echo tls=0\n" + body);
  const ProxyStats s = proxy->stats();
  EXPECT_EQ(s.connections, 1u);
  EXPECT_GE(s.bytes_up, body.size());
  EXPECT_GE(s.bytes_down, body.size());
  EXPECT_EQ(s.cut, 0u);
}

// Lower bounds only: an emulated link can be slower than its model when the
// machine is busy, never faster.
TEST_F(ShapingProxyTest, LatencyAndLineRateAreNeverBeaten) {
  LinkProfile slow = Clean();
  slow.up_bps = 16'000;
  slow.down_bps = 1e9;
  slow.latency = milliseconds(100);
  auto proxy = Proxy(slow);
  const auto start = std::chrono::steady_clock::now();
  auto r = Post(proxy->port(0), std::string(2'000, 'x'));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  // Handshake RTT + request one way + response one way = 4 x 100 ms, plus
  // 2,000 body bytes at 16 kbit/s = 1 s.
  EXPECT_GE(elapsed, milliseconds(1'400));
}

TEST_F(ShapingProxyTest, AGroupThatIsDownRefusesAndComesBack) {
  auto proxy = Proxy(Clean(), 2);
  proxy->SetGroupDown(1, true);
  auto refused = Post(proxy->port(1), "hello");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  auto other = Post(proxy->port(0), "hello");
  ASSERT_TRUE(other.has_value()) << "only group 1 is down";
  proxy->SetGroupDown(1, false);
  auto back = Post(proxy->port(1), "hello");
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->BodyText(), "POST /echo tls=0\nhello");
  EXPECT_GE(proxy->stats().refused, 1u);
}

TEST_F(ShapingProxyTest, CutsLoseEitherTheRequestOrTheResponse) {
  LinkProfile cut = Clean();
  cut.drop = 1.0;
  auto proxy = Proxy(cut);
  const int before = handler_.handled();
  for (int i = 0; i < 20; ++i) {
    auto r = Post(proxy->port(0), "acta");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  }
  // The client retries a failed kept-alive request at most once; what
  // matters: some requests reached the server and their answer was lost,
  // some never reached it.
  const int reached = handler_.handled() - before;
  EXPECT_GT(reached, 0);
  EXPECT_LT(reached, 20);
  EXPECT_EQ(proxy->stats().cut, 20u);
}

TEST_F(ShapingProxyTest, ACenterThatIsDownResetsTheTerminal) {
  auto proxy = Proxy(Clean());
  // Destroyed, not just stopped: HttpServer::Stop can leave the listening
  // socket open until the server is destroyed.
  server_.reset();
  auto r = Post(proxy->port(0), "acta");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(proxy->stats().upstream_failures, 1u);
  // A new center on another port.
  http::testing::TestHandler other;
  auto server = http::HttpServer::Start(http::ServerOptions{}, other);
  ASSERT_TRUE(server.has_value());
  proxy->SetUpstreamPort((*server)->port());
  auto ok = Post(proxy->port(0), "acta");
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(other.handled(), 1);
}

}  // namespace
}  // namespace acta::sim
