// HttpServer over real loopback sockets: round trips, keep-alive, async
// replies, SSE and graceful shutdown.
#include "center/http/server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "center/http/testing/raw_client.h"
#include "center/http/testing/test_handler.h"

namespace acta::http {
namespace {

using testing::MakeRawRequest;
using testing::RawConnection;
using testing::TestHandler;
using testing::WaitUntil;

std::unique_ptr<HttpServer> StartOrDie(Handler& handler, ServerOptions options = {}) {
  auto server = HttpServer::Start(std::move(options), handler);
  EXPECT_TRUE(server.has_value()) << server.error().ToString();
  return server ? std::move(*server) : nullptr;
}

RawConnection ConnectOrDie(uint16_t port, const std::string& host = "127.0.0.1") {
  auto c = RawConnection::Connect(port, host);
  EXPECT_TRUE(c.has_value()) << c.error().ToString();
  return std::move(*c);
}

TEST(HttpServerTest, EchoRoundTrip) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  ASSERT_NE(server->port(), 0);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("POST", "/echo?x=1", std::string("a\0b", 3))));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /echo?x=1 tls=0\n" + std::string("a\0b", 3));
  EXPECT_EQ(r->headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(r->headers["x-remote-port"], std::to_string(c.local_port()));
  EXPECT_EQ(r->headers["server"], "acta");
}

TEST(HttpServerTest, ManyKeepAliveRequestsOnOneConnection) {
  TestHandler handler;
  ServerOptions options;
  options.threads = 2;
  auto server = StartOrDie(handler, options);
  RawConnection c = ConnectOrDie(server->port());
  for (int i = 0; i < 200; ++i) {
    const std::string body = "n=" + std::to_string(i);
    ASSERT_TRUE(c.Send(MakeRawRequest("POST", "/echo", body)));
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << i << ": " << r.error().ToString();
    ASSERT_EQ(r->body, "POST /echo tls=0\n" + body);
    ASSERT_EQ(r->headers.count("connection"), 0u);  // HTTP/1.1 default: keep-alive
  }
  EXPECT_EQ(server->ActiveConnections(), 1u);
  EXPECT_EQ(handler.handled(), 200);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo?1") + MakeRawRequest("GET", "/async?2") +
                     MakeRawRequest("GET", "/echo?3")));
  for (const char* want : {"GET /echo?1 tls=0\n", "GET /async?2 tls=0\n", "GET /echo?3 tls=0\n"}) {
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->body, want);
  }
}

// Requests that arrive in pieces, with pauses, large or pipelined, on one
// keep-alive connection: the server skips its read attempt when the last
// read emptied the socket, and must then still wake for every later byte.
// A missed wakeup would leave a request unanswered until a deadline, so the
// deadlines are set beyond the client's 30 s read guard.
TEST(HttpServerTest, RequestsArrivingInPiecesAreAllAnswered) {
  TestHandler handler;
  ServerOptions options;
  options.threads = 2;
  options.limits.header_timeout = std::chrono::minutes(2);
  options.limits.body_timeout = std::chrono::minutes(2);
  options.limits.idle_timeout = std::chrono::minutes(2);
  auto server = StartOrDie(handler, options);
  RawConnection c = ConnectOrDie(server->port());
  std::mt19937 random(20261123);  // fixed: the same pieces every run
  for (int i = 0; i < 300; ++i) {
    // Every 7th body is larger than one 16 KiB read, so full reads (after
    // which the server must try again at once) alternate with short ones.
    const std::string body(i % 7 == 0 ? 40'000 + i : 1 + i, static_cast<char>('a' + i % 26));
    const std::string target = i % 3 == 0 ? "/async" : "/echo";
    std::string bytes = MakeRawRequest("POST", target, body);
    const bool pipelined = i % 11 == 0;
    if (pipelined) bytes += MakeRawRequest("GET", "/echo?next");
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const std::size_t piece =
          std::min(bytes.size() - sent, 1 + static_cast<std::size_t>(random() % 300));
      ASSERT_TRUE(c.Send(std::string_view(bytes).substr(sent, piece)));
      sent += piece;
      if (random() % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << i << ": " << r.error().ToString();
    ASSERT_EQ(r->status, 200) << i;
    ASSERT_EQ(r->body, "POST " + target + " tls=0\n" + body) << i;
    if (pipelined) {
      auto next = c.ReadResponse();
      ASSERT_TRUE(next) << i << ": " << next.error().ToString();
      ASSERT_EQ(next->body, "GET /echo?next tls=0\n") << i;
    }
  }
  EXPECT_EQ(server->ActiveConnections(), 1u);
}

// A client that sends its request and then shuts its side down: the data
// and the FIN are both queued before the server reads, so the read that
// takes the request comes back short with the FIN still behind it. The
// server must answer and then see the end at once, not at the idle timeout
// (set beyond WaitUntil's 20 s here): nothing may treat that short read as
// proof that no event is coming.
TEST(HttpServerTest, ARequestFollowedByTheClientsFinIsAnsweredAndClosed) {
  TestHandler handler;
  ServerOptions options;
  options.threads = 1;
  options.limits.idle_timeout = std::chrono::minutes(2);
  auto server = StartOrDie(handler, options);
  // c is set up and idle, its server-side read waiting for epoll.
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo?first")));
  ASSERT_TRUE(c.ReadResponse());
  RawConnection staller = ConnectOrDie(server->port());
  ASSERT_TRUE(staller.Send(MakeRawRequest("GET", "/stall")));
  ASSERT_TRUE(WaitUntil([&] { return handler.stalled(); }));  // the only I/O thread is busy
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo?last")));
  c.ShutdownSend();  // queued behind the request while the server cannot read
  handler.ReleaseStall();
  auto stalled = staller.ReadResponse();
  ASSERT_TRUE(stalled) << stalled.error().ToString();
  auto r = c.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->body, "GET /echo?last tls=0\n");
  EXPECT_TRUE(WaitUntil([&] { return server->ActiveConnections() == 1; }))
      << "the half-closed connection is still open";
}

TEST(HttpServerTest, AsyncReplyFromAnotherThread) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.Send(MakeRawRequest("POST", "/async", "x" + std::to_string(i))));
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->body, "POST /async tls=0\nx" + std::to_string(i));
  }
}

TEST(HttpServerTest, HeldReplyCalledLaterAndTwice) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/hold")));
  ASSERT_TRUE(WaitUntil([&] { return handler.held_count() == 1; }));
  ReplyFn reply = handler.TakeHeld();
  std::thread([&] {
    reply(Response::Json(201, R"({"ok":true})"));
    reply(Response::Text(500, "ignored second reply"));
  }).join();
  auto r = c.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, R"({"ok":true})");
  EXPECT_EQ(r->headers["content-type"], "application/json");
  // The connection is still usable: the second reply did not leak into it.
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo")));
  auto next = c.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /echo tls=0\n");
}

TEST(HttpServerTest, RepliesInAReplyBatchLeaveWhenItEnds) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  std::vector<RawConnection> conns;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(ConnectOrDie(server->port()));
    ASSERT_TRUE(conns.back().Send(MakeRawRequest("GET", "/hold")));
    ASSERT_TRUE(WaitUntil([&] { return handler.held_count() == static_cast<size_t>(i + 1); }));
  }
  std::vector<ReplyFn> replies;
  for (int i = 0; i < 3; ++i) replies.push_back(handler.TakeHeld());
  std::thread([&] {
    ReplyBatch batch;
    {
      ReplyBatch inner;  // nested: posts its reply when it ends, the outer batch after
      replies[0](Response::Text(200, "reply 0"));
    }
    for (int i = 1; i < 3; ++i) replies[i](Response::Text(200, "reply " + std::to_string(i)));
  }).join();
  // The held requests came in on connections 0, 1, 2 in that order.
  for (int i = 0; i < 3; ++i) {
    auto r = conns[i].ReadResponse();
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "reply " + std::to_string(i));
  }
}

TEST(HttpServerTest, ReplyBatchAfterTheServerStoppedDropsItsReplies) {
  TestHandler handler;
  ServerOptions options;
  options.limits.shutdown_grace = std::chrono::milliseconds(1);
  auto server = StartOrDie(handler, options);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/hold")));
  ASSERT_TRUE(WaitUntil([&] { return handler.held_count() == 1; }));
  ReplyFn reply = handler.TakeHeld();
  {
    ReplyBatch batch;
    reply(Response::Text(200, "late"));
    server->Stop();
  }
  server.reset();
  EXPECT_EQ(c.ReadUntilClose(), "");
}

TEST(HttpServerTest, HandlerExceptionBecomes500) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/throw")));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"error":"internal","message":"internal error"})");
}

TEST(HttpServerTest, HeadGetsLengthWithoutBody) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("HEAD", "/echo")));
  auto head = c.ReadUntil("\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_NE(head->find("Content-Length: 17\r\n"), std::string::npos) << *head;
  // No body followed: the next response starts right away.
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/echo")));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /echo tls=0\n");
}

TEST(HttpServerTest, ExpectContinue) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto interim = c.ReadUntil("\r\n\r\n");
  ASSERT_TRUE(interim);
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send("abc"));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /echo tls=0\nabc");
}

TEST(HttpServerTest, ListensOnSeveralEndpointsIncludingIpv6) {
  TestHandler handler;
  ServerOptions options;
  options.listen = {"127.0.0.1:0", "[::1]:0"};
  auto started = HttpServer::Start(options, handler);
  if (!started && started.error().code == ErrorCode::kIo) {
    GTEST_SKIP() << "no IPv6 loopback: " << started.error().ToString();
  }
  ASSERT_TRUE(started) << started.error().ToString();
  auto& server = *started;
  ASSERT_EQ(server->ports().size(), 2u);
  EXPECT_NE(server->ports()[0], server->ports()[1]);
  RawConnection v6 = ConnectOrDie(server->ports()[1], "::1");
  ASSERT_TRUE(v6.Send(MakeRawRequest("GET", "/echo")));
  auto r = v6.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(HttpServerTest, StartRejectsBadOptions) {
  TestHandler handler;
  for (const char* bad : {"127.0.0.1", "::1:80", "[::1]80", "127.0.0.1:65536", "127.0.0.1:x",
                          "host:80", "[::1]:", "1.2.3.4.5:1"}) {
    ServerOptions options;
    options.listen = {bad};
    auto server = HttpServer::Start(options, handler);
    ASSERT_FALSE(server) << bad;
    EXPECT_EQ(server.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  ServerOptions no_threads;
  no_threads.threads = 0;
  auto server = HttpServer::Start(no_threads, handler);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code, ErrorCode::kInvalidArgument);
}

TEST(HttpServerTest, BindConflictIsIo) {
  TestHandler handler;
  auto first = StartOrDie(handler);
  ServerOptions options;
  options.listen = {"127.0.0.1:" + std::to_string(first->port())};
  auto second = HttpServer::Start(options, handler);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kIo);
}

TEST(HttpServerTest, ServerSentEvents) {
  TestHandler handler;
  ServerOptions options;
  options.threads = 2;
  auto server = StartOrDie(handler, options);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/events")));
  auto head = c.ReadUntil("\r\n\r\n");
  ASSERT_TRUE(head) << head.error().ToString();
  EXPECT_TRUE(head->starts_with("HTTP/1.1 200 OK\r\n")) << *head;
  EXPECT_NE(head->find("Content-Type: text/event-stream\r\n"), std::string::npos) << *head;
  ASSERT_TRUE(WaitUntil([&] { return handler.streams().size() == 1; }));
  auto stream = handler.streams()[0];
  EXPECT_TRUE(stream->IsOpen());
  ASSERT_TRUE(stream->Send("tally", R"({"n":1})", "1"));
  ASSERT_TRUE(stream->Send("", "line1\nline2"));
  auto first = c.ReadUntil("\n\n");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "event: tally\nid: 1\ndata: {\"n\":1}\n\n");
  auto second = c.ReadUntil("\n\n");
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "data: line1\ndata: line2\n\n");

  // The client goes away: the stream notices and Send starts failing.
  c.Close();
  EXPECT_TRUE(WaitUntil([&] { return !stream->Send("tally", "after close"); }));
  EXPECT_FALSE(stream->IsOpen());
  EXPECT_TRUE(WaitUntil([&] { return server->ActiveConnections() == 0; }));
}

TEST(HttpServerTest, ServerSentEventsClosedByHandlerFlushesFirst) {
  TestHandler handler;
  auto server = StartOrDie(handler);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/events")));
  ASSERT_TRUE(c.ReadUntil("\r\n\r\n"));
  ASSERT_TRUE(WaitUntil([&] { return handler.streams().size() == 1; }));
  auto stream = handler.streams()[0];
  ASSERT_TRUE(stream->Send("a", "1"));
  ASSERT_TRUE(stream->Send("b", "2"));
  stream->Close();
  EXPECT_FALSE(stream->Send("c", "3"));
  EXPECT_EQ(c.ReadUntilClose(), "event: a\ndata: 1\n\nevent: b\ndata: 2\n\n");
}

TEST(HttpServerTest, SlowSseClientIsDroppedAtQueueBound) {
  TestHandler handler;
  ServerOptions options;
  options.limits.sse_max_queued_bytes = 64 * 1024;
  auto server = StartOrDie(handler, options);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/events")));
  ASSERT_TRUE(c.ReadUntil("\r\n\r\n"));
  ASSERT_TRUE(WaitUntil([&] { return handler.streams().size() == 1; }));
  auto stream = handler.streams()[0];
  // The client never reads: socket buffers fill, then the queue bound hits.
  const std::string chunk(1024, 'x');
  bool dropped = false;
  for (int i = 0; i < 1'000'000 && !dropped; ++i) dropped = !stream->Send("big", chunk);
  EXPECT_TRUE(dropped);
  EXPECT_FALSE(stream->IsOpen());
}

TEST(HttpServerTest, GracefulStopFinishesInFlightRequest) {
  TestHandler handler;
  ServerOptions options;
  options.threads = 2;
  options.limits.shutdown_grace = std::chrono::seconds(30);
  auto server = StartOrDie(handler, options);
  const uint16_t port = server->port();

  RawConnection idle = ConnectOrDie(port);
  ASSERT_TRUE(idle.Send(MakeRawRequest("GET", "/echo")));
  ASSERT_TRUE(idle.ReadResponse());
  RawConnection busy = ConnectOrDie(port);
  ASSERT_TRUE(busy.Send(MakeRawRequest("POST", "/hold", "payload")));
  ASSERT_TRUE(WaitUntil([&] { return handler.held_count() == 1; }));

  std::thread stopper([&] { server->Stop(); });
  // Idle keep-alive connections are closed at once...
  EXPECT_EQ(idle.ReadUntilClose(), "");
  // ...and new connections are refused...
  EXPECT_TRUE(WaitUntil([&] { return !RawConnection::Connect(port).has_value(); }));
  // ...while the request in flight still gets its answer, then the close.
  handler.TakeHeld()(Response::Text(200, "done"));
  auto r = busy.ReadResponse();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_EQ(busy.ReadUntilClose(), "");
  stopper.join();
  EXPECT_EQ(server->ActiveConnections(), 0u);
  server->Stop();  // idempotent
}

TEST(HttpServerTest, ReplyAfterStopAndDestructionIsHarmless) {
  TestHandler handler;
  ServerOptions options;
  options.limits.shutdown_grace = std::chrono::milliseconds(1);
  auto server = StartOrDie(handler, options);
  RawConnection c = ConnectOrDie(server->port());
  ASSERT_TRUE(c.Send(MakeRawRequest("GET", "/hold")));
  ASSERT_TRUE(WaitUntil([&] { return handler.held_count() == 1; }));
  ReplyFn reply = handler.TakeHeld();
  server->Stop();
  reply(Response::Text(200, "late"));
  server.reset();
  reply(Response::Text(200, "later"));
  // The held connection died with the server, unanswered.
  EXPECT_EQ(c.ReadUntilClose(), "");
}

}  // namespace
}  // namespace acta::http
