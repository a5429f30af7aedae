// The response head the server writes: status line, the fields a handler
// may set, and the ones it may not (framing, or any value with CR or LF,
// which would let a handler's input split the response).
#include "center/http/internal/response_head.h"

#include <gtest/gtest.h>

#include <string>

namespace acta::http::internal {
namespace {

std::string Head(const Response& r, std::size_t body_size, bool keep_alive) {
  std::string out = "prefix|";  // appended to, never overwritten
  AppendResponseHead(r, body_size, keep_alive, out);
  EXPECT_EQ(out.substr(0, 7), "prefix|");
  return out.substr(7);
}

TEST(ResponseHeadTest, WritesStatusTypeFieldsAndLength) {
  Response r = Response::Error(401, "bad_mac", "no");
  r.headers.emplace_back("Acta-Status", "bad_mac");
  EXPECT_EQ(Head(r, 34, true),
            "HTTP/1.1 401 Unauthorized\r\nServer: acta\r\nContent-Type: application/json\r\n"
            "Acta-Status: bad_mac\r\nContent-Length: 34\r\n\r\n");
  Response plain;
  plain.status = 204;
  EXPECT_EQ(Head(plain, 0, false),
            "HTTP/1.1 204 No Content\r\nServer: acta\r\nContent-Type: application/octet-stream\r\n"
            "Connection: close\r\n\r\n");
  Response odd;
  odd.status = 799;  // no reason phrase known
  EXPECT_EQ(Head(odd, 0, true).substr(0, 22), "HTTP/1.1 799 Status\r\nS");
  odd.status = 42;  // out of range: 500
  EXPECT_EQ(Head(odd, 0, true).substr(0, 36), "HTTP/1.1 500 Internal Server Error\r\n");
}

TEST(ResponseHeadTest, DropsFieldsAHandlerMayNotSet) {
  Response r;
  r.content_type = "text/plain\r\nX-Injected: 1";
  r.headers = {{"Content-Length", "5"}, {"transfer-encoding", "chunked"},
               {"CONNECTION", "close"}, {"X-Ok", "fine"},
               {"X-Bad", "a\r\nb: c"},  {"X-Bad\n", "v"},
               {"X:colon", "v"},        {"", "empty name"},
               {"Content-Type", "x/y"}, {"X-Also-Ok", ""}};
  EXPECT_EQ(Head(r, 3, true),
            "HTTP/1.1 200 OK\r\nServer: acta\r\nX-Ok: fine\r\nX-Also-Ok: \r\n"
            "Content-Length: 3\r\n\r\n");
}

// The head is appended after what the string holds, also when the string
// must grow (g++ 12's resize_and_overwrite passes the grown capacity).
TEST(ResponseHeadTest, AppendsAfterExistingTextWhenTheStringGrows) {
  Response r;
  r.headers.emplace_back("X-Long", std::string(300, 'v'));
  for (std::size_t existing : {0u, 1u, 15u, 16u, 100u, 1000u}) {
    std::string out(existing, '.');
    out.shrink_to_fit();
    AppendResponseHead(r, 5, true, out);
    ASSERT_EQ(out.substr(0, existing), std::string(existing, '.'));
    EXPECT_EQ(out.substr(existing, 17), "HTTP/1.1 200 OK\r\n") << existing;
    EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
    std::string reused = "old text";
    reused.clear();
    AppendResponseHead(r, 5, true, reused);
    EXPECT_EQ(reused.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  }
}

// Past the 64 fields whose checks are remembered, every field is checked
// again: an unsafe one there is still dropped.
TEST(ResponseHeadTest, ManyFieldsAreEachCheckedOnce) {
  Response r;
  std::string expected =
      "HTTP/1.1 200 OK\r\nServer: acta\r\nContent-Type: application/octet-stream\r\n";
  for (int i = 0; i < 100; ++i) {
    const std::string name = "X-" + std::to_string(i);
    const bool bad = i % 7 == 3;
    r.headers.emplace_back(name, bad ? "v\r\nInjected: 1" : "v");
    if (!bad) expected += name + ": v\r\n";
  }
  expected += "Content-Length: 0\r\n\r\n";
  EXPECT_EQ(Head(r, 0, true), expected);
}

}  // namespace
}  // namespace acta::http::internal
