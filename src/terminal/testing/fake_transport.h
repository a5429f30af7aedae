// A scripted Transport for deterministic tests: each center answers from its
// own script (in order; the last answer repeats), and every call is recorded.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "core/receipt.h"
#include "terminal/transport.h"

namespace acta::terminal::testing {

struct FakeCall {
  size_t center;
  Bytes acta;
  std::optional<Mac> mac;
};

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(size_t centers) : scripts_(centers) {}

  void Script(size_t center, Result<SubmitReply> reply) {
    scripts_[center].push_back(std::move(reply));
  }
  static Result<SubmitReply> Status(
      int status, Bytes body = {}, std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    return SubmitReply{status, std::move(body), retry_after, {}};
  }
  static Result<SubmitReply> Down() {
    return MakeError(ErrorCode::kUnavailable, "connection refused");
  }

  size_t center_count() const override { return scripts_.size(); }
  std::string CenterName(size_t index) const override { return "fake://" + std::to_string(index); }
  Result<SubmitReply> Submit(size_t index, ByteSpan acta, const std::optional<Mac>& mac) override {
    calls.push_back({index, Bytes(acta.begin(), acta.end()), mac});
    auto& script = scripts_.at(index);
    if (script.empty()) return Down();
    Result<SubmitReply> reply = script.front();
    if (script.size() > 1) script.pop_front();
    return reply;
  }
  void Close() override { ++closes; }

  std::vector<FakeCall> calls;
  int closes = 0;

 private:
  std::vector<std::deque<Result<SubmitReply>>> scripts_;
};

}  // namespace acta::terminal::testing
