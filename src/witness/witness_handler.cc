#include "witness/witness_handler.h"

#include <algorithm>

namespace acta::witness {
namespace {

http::Response ToResponse(const WitnessAnswer& a) {
  http::Response r;
  r.status = a.status;
  r.content_type = a.content_type;
  r.body.assign(a.body.begin(), a.body.end());
  return r;
}

}  // namespace

WitnessHandler::WitnessHandler(Witness& witness, size_t max_queued)
    : witness_(witness), max_queued_(max_queued), worker_([this] { Run(); }) {}

WitnessHandler::~WitnessHandler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

std::size_t WitnessHandler::BodyLimit(const http::Request& /*head*/,
                                      std::size_t server_limit) const {
  return std::min(server_limit, kMaxBody);
}

void WitnessHandler::Handle(http::Request&& request, http::ReplyFn reply) {
  const std::string_view path = request.Path();
  if (path == "/add-checkpoint") {
    if (request.method != "POST") {
      return reply(http::Response::Text(405, "add-checkpoint takes POST\n"));
    }
    {
      std::lock_guard lock(mu_);
      if (queue_.size() < max_queued_ && !stopping_) {
        queue_.push_back(Job{std::move(request.body), std::move(reply)});
        cv_.notify_one();
        return;
      }
    }
    http::Response busy = http::Response::Text(503, "the witness is busy; retry later\n");
    busy.headers.emplace_back("Retry-After", "1");
    return reply(std::move(busy));
  }
  if (request.method != "GET") return reply(http::Response::Text(405, "only GET here\n"));
  if (path == "/healthz") return reply(http::Response::Text(200, "ok\n"));
  if (path == "/metrics") {
    http::Response r = http::Response::Text(200, Metrics());
    r.content_type = "text/plain; version=0.0.4";
    return reply(std::move(r));
  }
  // "/<64 lowercase hex>/checkpoint"
  constexpr std::string_view kSuffix = "/checkpoint";
  if (path.size() == 1 + 64 + kSuffix.size() && path.ends_with(kSuffix)) {
    return reply(ToResponse(witness_.LatestCheckpoint(path.substr(1, 64))));
  }
  return reply(http::Response::Text(404, "not found\n"));
}

void WitnessHandler::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued answered
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.reply(ToResponse(witness_.AddCheckpoint(AsChars(job.body))));
  }
}

std::string WitnessHandler::Metrics() const {
  const WitnessCounters c = witness_.counters();
  std::string out;
  auto counter = [&out](const char* name, const char* help, uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(v) + "\n";
  };
  counter("acta_witness_cosigned_total", "Checkpoints cosigned.", c.cosigned);
  counter("acta_witness_refused_total", "add-checkpoint requests refused (4xx).", c.refused);
  counter("acta_witness_conflicts_total", "Refused with 409 (old size not the latest).",
          c.conflicts);
  counter("acta_witness_inconsistent_total",
          "Refused with 422 (bad proof or a second root): possible log misbehaviour.",
          c.inconsistent);
  counter("acta_witness_failed_total", "add-checkpoint requests that failed (5xx).", c.failed);
  return out;
}

}  // namespace acta::witness
