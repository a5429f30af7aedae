// The HTTP fast path: what it takes, what it leaves to Beast, and that what
// it takes reads exactly as Beast reads it (fuzz/http_fast_request_fuzz.cc
// checks the same on arbitrary bytes).
#include "center/http/internal/fast_request.h"

#include <gtest/gtest.h>

#include <string>

#include "center/http/internal/request_parser.h"

namespace acta::http::internal {
namespace {

constexpr std::size_t kHeaderLimit = 8192;

std::optional<FastRequest> Fast(const std::string& bytes, Request& out) {
  return ParseFastRequest(bytes, kHeaderLimit, out);
}

// Beast's reading of the same bytes must match the fast path's.
void ExpectBeastAgrees(const std::string& bytes, const Request& fast, const FastRequest& taken) {
  RequestParser beast;
  beast.header_limit(kHeaderLimit);
  boost::system::error_code ec;
  const std::size_t used = beast.put(boost::asio::buffer(bytes), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(beast.is_header_done());
  EXPECT_EQ(used, taken.head_size);
  EXPECT_EQ(beast.request().method, fast.method);
  EXPECT_EQ(beast.request().target, fast.target);
  EXPECT_EQ(beast.request().headers, fast.headers);
  EXPECT_EQ(beast.keep_alive(), taken.keep_alive);
  EXPECT_EQ(beast.is_head(), taken.head);
  EXPECT_EQ(beast.content_length().value_or(0), taken.content_length);
}

TEST(FastRequestTest, TakesATerminalPostWithItsBody) {
  const std::string bytes =
      "POST /v1/actas HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nActa-Mac: WlpaWlpaWlpaWlpaWlpaWg==\r\n"
      "Content-Length: 5\r\n\r\nhello";
  Request r;
  const auto taken = Fast(bytes, r);
  ASSERT_TRUE(taken);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1/actas");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[1].first, "acta-mac");
  EXPECT_EQ(r.headers[1].second, "WlpaWlpaWlpaWlpaWlpaWg==");
  EXPECT_EQ(taken->content_length, 5u);
  EXPECT_EQ(bytes.substr(taken->head_size), "hello");
  EXPECT_TRUE(taken->keep_alive);
  EXPECT_FALSE(taken->head);
  ExpectBeastAgrees(bytes, r, *taken);
}

// A connection's Request is reused: a later request overwrites method,
// target and headers, and keeps none of the earlier request's fields.
TEST(FastRequestTest, AReusedRequestHoldsOnlyTheLatestRequest) {
  Request r;
  ASSERT_TRUE(
      Fast("POST /v1/actas HTTP/1.1\r\nHost: a\r\nActa-Mac: WlpaWlpaWlpaWlpaWlpaWg==\r\n"
           "X-Long-Header-Name-Here: a value longer than fifteen bytes\r\n"
           "Content-Length: 0\r\n\r\n",
           r));
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_FALSE(Fast("GET /half HTTP/1.1\r\nHost: b\r\nX-Y: z", r));  // incomplete: declined
  const std::string bytes = "GET /healthz HTTP/1.1\r\nX-Y: z\r\n\r\n";
  const auto taken = Fast(bytes, r);
  ASSERT_TRUE(taken);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/healthz");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "x-y");
  EXPECT_EQ(r.headers[0].second, "z");
  ExpectBeastAgrees(bytes, r, *taken);
}

// A connection keeps little for its next request, whatever the last one
// held: long fields, many fields and a large body are released.
TEST(FastRequestTest, TrimForReuseBoundsWhatAConnectionKeeps) {
  Request r;
  r.body.resize(kKeepBodyBytes + 1);
  r.headers = {{"short", "v"}, {std::string(300, 'n'), std::string(4000, 'v')}};
  TrimForReuse(r);
  EXPECT_EQ(r.body.capacity(), 0u);
  ASSERT_EQ(r.headers.size(), 2u);  // the slots stay, their long strings go
  EXPECT_EQ(r.headers[0].second, "v");
  EXPECT_LE(r.headers[1].first.capacity(), kKeepFieldBytes);
  EXPECT_LE(r.headers[1].second.capacity(), kKeepFieldBytes);

  // What a client could otherwise make a connection keep: every slot at
  // the largest value it ever held.
  auto kept_after = [](int fields) {
    Request reused;
    for (int k = 0; k < fields; ++k) {
      std::string bytes = "GET / HTTP/1.1\r\n";
      for (int i = 0; i < fields; ++i) {
        bytes += "a: " + std::string(i == k ? 1000 : 1, 'x') + "\r\n";
      }
      EXPECT_TRUE(Fast(bytes + "\r\n", reused));
      TrimForReuse(reused);
    }
    std::size_t kept = reused.headers.capacity() * sizeof(reused.headers[0]);
    for (const auto& [name, value] : reused.headers) kept += name.capacity() + value.capacity();
    return kept;
  };
  // 20 fields: the slot vector (at most kKeepFields) and short strings only.
  EXPECT_LE(kept_after(20), kKeepFields * sizeof(r.headers[0]) + 20 * 2 * 15);
  EXPECT_EQ(kept_after(40), 0u);  // more than kKeepFields fields: all released
}

TEST(FastRequestTest, TrimsValuesAndReadsConnectionLikeBeast) {
  for (const std::string bytes : {
           "GET /a?b=c HTTP/1.1\r\nX-Empty:\r\nAccept: \t */* \t\r\n\r\n",
           "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
           "GET / HTTP/1.1\r\nConnection: CLOSE\r\n\r\n",
           "HEAD /x HTTP/1.1\r\nconnection: Keep-Alive\r\n\r\n",
           "GET / HTTP/1.1\r\nContent-Length: 007\r\n\r\n1234567",
       }) {
    SCOPED_TRACE(bytes);
    Request r;
    const auto taken = Fast(bytes, r);
    ASSERT_TRUE(taken);
    ExpectBeastAgrees(bytes, r, *taken);
  }
}

TEST(FastRequestTest, LeavesEverythingElseToBeast) {
  for (const std::string bytes : {
           "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",  // body not all here
           "GET / HTTP/1.1\r\nHost: a\r\n",                       // head not all here
           "GET / HTTP/1.0\r\n\r\n",                              // not HTTP/1.1
           "get / HTTP/1.1\r\n\r\n",                              // lowercase method
           "GET http://a/ HTTP/1.1\r\n\r\n",                      // absolute-form
           "GET / HTTP/1.1\nHost: a\n\n",                         // bare LF
           "GET / HTTP/1.1\r\nHost : a\r\n\r\n",                  // space before colon
           "GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",         // obs-fold
           "GET / HTTP/1.1\r\nX-A: caf\xc3\xa9\r\n\r\n",          // obs-text
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
           "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
           "GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
           "GET / HTTP/1.1\r\nProxy-Connection: close\r\n\r\n",
           "GET / HTTP/1.1\r\nConnection: close, upgrade\r\n\r\n",
           "GET / HTTP/1.1\r\nConnection: close\r\nConnection: close\r\n\r\n",
           "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
           "POST / HTTP/1.1\r\nContent-Length: 1,1\r\n\r\nx",
           "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx",
           "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n",
           "POST / HTTP/1.1\r\nContent-Length: 1234567890123456\r\n\r\n",  // 16 digits
       }) {
    SCOPED_TRACE(bytes);
    Request r;
    EXPECT_FALSE(Fast(bytes, r));
  }
}

TEST(FastRequestTest, AHeadLongerThanHalfTheLimitIsBeasts) {
  const std::string small = "GET / HTTP/1.1\r\nX-A: " + std::string(100, 'a') + "\r\n\r\n";
  Request r;
  EXPECT_TRUE(ParseFastRequest(small, 2 * small.size(), r));
  Request r2;
  EXPECT_FALSE(ParseFastRequest(small, 2 * small.size() - 2, r2));
}

}  // namespace
}  // namespace acta::http::internal
