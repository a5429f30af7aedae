#include "bench/load_generator.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace acta::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Shared {
  const std::vector<PreparedRequest>& requests;
  std::atomic<size_t> next{0};
  LoadResult result;
  Clock::time_point start;
  Clock::time_point deadline;
  double rate;
  std::string bind_address;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Shared& shared, tcp::endpoint endpoint)
      : socket_(io), timer_(io), shared_(shared), endpoint_(endpoint) {}

  void Start() {
    if (!shared_.bind_address.empty()) {
      beast::error_code ec;
      auto local = asio::ip::make_address(shared_.bind_address, ec);
      if (!ec) socket_.open(endpoint_.protocol(), ec);
      if (!ec) socket_.bind(tcp::endpoint(local, 0), ec);
      if (ec) {
        ++shared_.result.failed;
        return;
      }
    }
    socket_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        ++self->shared_.result.failed;
        return;
      }
      self->socket_.set_option(tcp::no_delay(true));
      self->Next();
    });
  }

  // The server closes a keep-alive connection after its per-connection
  // request cap (or on an error): open a new one and carry on, as clients do.
  void Reconnect() {
    beast::error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
    socket_ = tcp::socket(timer_.get_executor());
    if (++reconnects_ > 100000) return;
    Start();
  }

 private:
  void Next() {
    size_t i = shared_.next.fetch_add(1);
    if (i >= shared_.requests.size() || Clock::now() >= shared_.deadline) return;
    if (shared_.rate > 0) {
      // Open loop: request i is due at start + i / rate.
      auto due =
          shared_.start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(static_cast<double>(i) / shared_.rate));
      if (due > Clock::now()) {
        timer_.expires_at(due);
        timer_.async_wait(
            [self = shared_from_this(), i](beast::error_code) { self->Send(i, Clock::now()); });
        return;
      }
      // Behind schedule: latency counts from when it was due.
      return Send(i, due);
    }
    Send(i, Clock::now());
  }

  void Send(size_t i, Clock::time_point t0) {
    const PreparedRequest& pr = shared_.requests[i];
    req_ = {};
    req_.method(http::verb::post);
    req_.target("/v1/actas");
    req_.version(11);
    req_.set(http::field::host, "bench");
    req_.set(http::field::content_type, "application/octet-stream");
    if (!pr.mac_b64.empty()) req_.set("Acta-Mac", pr.mac_b64);
    req_.body().assign(reinterpret_cast<const char*>(pr.body.data()), pr.body.size());
    req_.prepare_payload();
    t0_ = t0;
    ++shared_.result.sent;
    http::async_write(socket_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        ++self->shared_.result.failed;
        return self->Reconnect();
      }
      self->res_ = {};
      http::async_read(
          self->socket_, self->buffer_, self->res_, [self](beast::error_code ec, size_t) {
            if (ec) {
              ++self->shared_.result.failed;
              return self->Reconnect();
            }
            int status = self->res_.result_int();
            if (status == 200 || status == 201 || status == 409) {
              ++self->shared_.result.ok;
              self->shared_.result.latencies_ms.push_back(
                  std::chrono::duration<double, std::milli>(Clock::now() - self->t0_).count());
            } else {
              ++self->shared_.result.failed;
            }
            if (!self->res_.keep_alive()) return self->Reconnect();
            self->Next();
          });
    });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Shared& shared_;
  tcp::endpoint endpoint_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  Clock::time_point t0_;
  int reconnects_ = 0;
};

}  // namespace

double LoadResult::Percentile(double p) const {
  if (latencies_ms.empty()) return 0;
  std::vector<double> v = latencies_ms;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

LoadResult RunLoad(const LoadOptions& options, const std::vector<PreparedRequest>& requests) {
  asio::io_context io;
  Shared shared{requests,
                {},
                {},
                Clock::now(),
                Clock::now() + options.max_duration,
                options.rate,
                options.bind_address};
  shared.result.latencies_ms.reserve(requests.size());
  tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
  for (int c = 0; c < options.connections; ++c) {
    std::make_shared<Connection>(io, shared, endpoint)->Start();
  }
  io.run();
  shared.result.seconds = std::chrono::duration<double>(Clock::now() - shared.start).count();
  return shared.result;
}

}  // namespace acta::bench
