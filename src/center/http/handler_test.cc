// Socket-free parts of the HTTP layer: request/response helpers, SSE
// framing, source networks and the connection limiter.
#include "center/http/handler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "center/http/limits.h"
#include "center/http/source_network.h"

namespace acta::http {
namespace {

using boost::asio::ip::make_address;

TEST(RequestTest, HeaderAndPath) {
  Request r;
  r.target = "/v1/acta?lane=public&x=1";
  r.headers = {{"content-type", "application/octet-stream"}, {"x-mac", "a"}, {"x-mac", "b"}};
  EXPECT_EQ(r.Header("x-mac"), "a");
  EXPECT_EQ(r.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(r.Header("missing"), "");
  EXPECT_EQ(r.Path(), "/v1/acta");
  r.target = "/plain";
  EXPECT_EQ(r.Path(), "/plain");
}

TEST(ResponseTest, ErrorIsEscapedJson) {
  Response r = Response::Error(413, "body_too_large", "say \"no\"\n\\");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(std::string(r.body.begin(), r.body.end()),
            R"({"error":"body_too_large","message":"say \"no\"\u000a\\"})");
  EXPECT_EQ(JsonErrorBody("a", ""), R"({"error":"a","message":""})");
}

// The escaper scans eight bytes at a time: every byte that needs an escape
// must be found at every offset, and bytes >= 0x80 (UTF-8) pass through.
TEST(ResponseTest, EveryEscapeIsFoundAtEveryOffset) {
  auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        out += esc;
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  for (int special :
       {0x00, 0x01, 0x0a, 0x1f, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xff, 0x20, 0x21, 0x5b, 0x5d}) {
    for (std::size_t len = 1; len <= 24; ++len) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(special);
        if (at + 3 < len) s[at + 3] = '"';
        EXPECT_EQ(JsonErrorBody("c", s), "{\"error\":\"c\",\"message\":" + reference(s) + "}")
            << "byte " << special << " at " << at << " of " << len;
      }
    }
  }
}

TEST(ReplyFnTest, WrapsFunctionsAndIsEmptyForAnEmptyOne) {
  int calls = 0;
  ReplyFn reply = [&calls](Response r) { calls += r.status; };
  ReplyFn copy = reply;
  copy(Response::Text(200, ""));
  reply(Response::Text(201, ""));
  EXPECT_EQ(calls, 401);
  const ReplyFn empty = std::function<void(Response)>();
  EXPECT_FALSE(empty);
  empty(Response{});  // a no-op
  EXPECT_FALSE(ReplyFn());
  EXPECT_TRUE(reply);
}

TEST(ResponseTest, TextAndEventStream) {
  Response t = Response::Text(404, "nope");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(std::string(t.body.begin(), t.body.end()), "nope");
  Response s = Response::EventStream([](std::shared_ptr<SseStream>) {});
  EXPECT_TRUE(s.on_sse_open);
  EXPECT_FALSE(t.on_sse_open);
}

TEST(SseFormatTest, Framing) {
  EXPECT_EQ(FormatSseEvent("tally", "{\"n\":1}", "7"), "event: tally\nid: 7\ndata: {\"n\":1}\n\n");
  EXPECT_EQ(FormatSseEvent("", "a\nb\r\nc\rd"), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(FormatSseEvent("", ""), "data: \n\n");
  EXPECT_EQ(FormatSseEvent("", "x\n"), "data: x\ndata: \n\n");
  // Newlines in event or id would let data forge fields: stripped.
  EXPECT_EQ(FormatSseEvent("a\nb", "d", "1\r2"), "event: ab\nid: 12\ndata: d\n\n");
}

TEST(RejectReasonTest, Names) {
  EXPECT_EQ(RejectReasonName(RejectReason::kTooManyConnections), "too_many_connections");
  EXPECT_EQ(RejectReasonName(RejectReason::kTooManyFromSource), "too_many_from_source");
  EXPECT_EQ(RejectReasonName(RejectReason::kHeaderTooLarge), "header_too_large");
  EXPECT_EQ(RejectReasonName(RejectReason::kBodyTooLarge), "body_too_large");
  EXPECT_EQ(RejectReasonName(RejectReason::kBadRequest), "bad_request");
  EXPECT_EQ(RejectReasonName(RejectReason::kHeaderTimeout), "header_timeout");
  EXPECT_EQ(RejectReasonName(RejectReason::kBodyTimeout), "body_timeout");
  EXPECT_EQ(RejectReasonName(RejectReason::kTlsHandshake), "tls_handshake");
  EXPECT_EQ(RejectReasonName(RejectReason::kHandlerTimeout), "handler_timeout");
}

TEST(SourceNetworkTest, GroupsV4By24AndV6By48) {
  EXPECT_EQ(SourceNetwork(make_address("203.0.113.77")).ToString(), "203.0.113.0/24");
  EXPECT_EQ(SourceNetwork(make_address("203.0.113.77")),
            SourceNetwork(make_address("203.0.113.1")));
  EXPECT_NE(SourceNetwork(make_address("203.0.113.77")),
            SourceNetwork(make_address("203.0.114.77")));
  EXPECT_EQ(SourceNetwork(make_address("2001:db8:1:2::5")).ToString(), "2001:db8:1::/48");
  EXPECT_EQ(SourceNetwork(make_address("2001:db8:1:2::5")),
            SourceNetwork(make_address("2001:db8:1:ffff::1")));
  EXPECT_NE(SourceNetwork(make_address("2001:db8:1::1")),
            SourceNetwork(make_address("2001:db8:2::1")));
  EXPECT_EQ(SourceNetwork(make_address("::1")).ToString(), "::/48");
  EXPECT_EQ(SourceNetwork(make_address("::1")).prefix_length(), 48);
}

TEST(SourceNetworkTest, V4MappedCountsAsV4) {
  const SourceNet mapped = SourceNetwork(make_address("::ffff:198.51.100.9"));
  EXPECT_FALSE(mapped.v6);
  EXPECT_EQ(mapped, SourceNetwork(make_address("198.51.100.200")));
  EXPECT_EQ(mapped.ToString(), "198.51.100.0/24");
  EXPECT_EQ(mapped.prefix_length(), 24);
}

TEST(ConnectionLimiterTest, PerSourceCap) {
  ConnectionLimiter limiter(/*max_total=*/10, /*max_per_source=*/2);
  const auto a1 = make_address("10.0.0.1");
  const auto a2 = make_address("10.0.0.2");  // same /24
  const auto b = make_address("10.0.1.1");
  EXPECT_EQ(limiter.TryAcquire(a1), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire(a2), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire(a1), RejectReason::kTooManyFromSource);
  EXPECT_EQ(limiter.TryAcquire(b), std::nullopt);
  EXPECT_EQ(limiter.total(), 3u);
  EXPECT_EQ(limiter.CountFor(SourceNetwork(a1)), 2u);
  limiter.Release(a2);
  EXPECT_EQ(limiter.CountFor(SourceNetwork(a1)), 1u);
  EXPECT_EQ(limiter.TryAcquire(a1), std::nullopt);
}

TEST(ConnectionLimiterTest, TotalCapAndWaitForZero) {
  ConnectionLimiter limiter(/*max_total=*/2, /*max_per_source=*/10);
  const auto a = make_address("192.0.2.1");
  const auto b = make_address("2001:db8::1");
  EXPECT_EQ(limiter.TryAcquire(a), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire(b), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire(b), RejectReason::kTooManyConnections);
  EXPECT_FALSE(limiter.WaitForZero(std::chrono::steady_clock::now()));
  limiter.Release(a);
  limiter.Release(b);
  limiter.Release(b);  // unpaired: ignored, never underflows
  EXPECT_EQ(limiter.total(), 0u);
  EXPECT_TRUE(limiter.WaitForZero(std::chrono::steady_clock::now()));
  EXPECT_EQ(limiter.CountFor(SourceNetwork(b)), 0u);
}

}  // namespace
}  // namespace acta::http
