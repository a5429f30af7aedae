#include "center/http/testing/test_handler.h"

#include <algorithm>
#include <stdexcept>

namespace acta::http::testing {
namespace {

Response Echo(const Request& r) {
  std::string text = r.method + " " + r.target + " tls=" + (r.tls ? "1" : "0") + "\n";
  text.append(r.body.begin(), r.body.end());
  Response response = Response::Text(200, text);
  response.headers.emplace_back("x-remote-port", std::to_string(r.remote_port));
  return response;
}

}  // namespace

bool WaitUntil(const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TestHandler::~TestHandler() {
  for (auto& t : threads_) t.join();
}

std::size_t TestHandler::BodyLimit(const Request& head, std::size_t server_limit) const {
  return head.Path() == "/small" ? 16 : server_limit;
}

void TestHandler::Handle(Request&& request, ReplyFn reply) {
  const std::string path(request.Path());
  if (path == "/stall") {
    std::unique_lock stall(stall_mu_);
    stalled_ = true;
    // Bounded like WaitUntil, so a test that forgets to release cannot hang.
    stall_cv_.wait_for(stall, std::chrono::seconds(20), [this] { return stall_released_; });
  }
  std::lock_guard lock(mu_);
  ++handled_;
  if (path == "/async") {
    threads_.emplace_back([r = std::move(request), reply = std::move(reply)] { reply(Echo(r)); });
  } else if (path == "/hold") {
    held_.push_back(std::move(reply));
  } else if (path == "/events") {
    reply(Response::EventStream([this](std::shared_ptr<SseStream> stream) {
      std::lock_guard lock(mu_);
      streams_.push_back(std::move(stream));
    }));
  } else if (path == "/throw") {
    throw std::runtime_error("boom");
  } else {
    reply(Echo(request));
  }
}

bool TestHandler::stalled() {
  std::lock_guard stall(stall_mu_);
  return stalled_;
}

void TestHandler::ReleaseStall() {
  {
    std::lock_guard stall(stall_mu_);
    stall_released_ = true;
  }
  stall_cv_.notify_all();
}

std::size_t TestHandler::held_count() {
  std::lock_guard lock(mu_);
  return held_.size();
}

ReplyFn TestHandler::TakeHeld() {
  std::lock_guard lock(mu_);
  ReplyFn reply = std::move(held_.front());
  held_.erase(held_.begin());
  return reply;
}

std::vector<std::shared_ptr<SseStream>> TestHandler::streams() {
  std::lock_guard lock(mu_);
  return streams_;
}

int TestHandler::handled() const {
  std::lock_guard lock(mu_);
  return handled_;
}

std::function<void(RejectReason, const boost::asio::ip::address&)> RejectLog::Callback() {
  return [this](RejectReason reason, const boost::asio::ip::address&) {
    std::lock_guard lock(mu_);
    reasons_.push_back(reason);
  };
}

std::vector<RejectReason> RejectLog::reasons() {
  std::lock_guard lock(mu_);
  return reasons_;
}

bool RejectLog::Contains(RejectReason reason) {
  std::lock_guard lock(mu_);
  return std::find(reasons_.begin(), reasons_.end(), reason) != reasons_.end();
}

}  // namespace acta::http::testing
