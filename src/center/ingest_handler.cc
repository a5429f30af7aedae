#include "center/ingest_handler.h"

#include "core/receipt.h"

namespace acta::center {

IngestHandler::IngestHandler(IngestService& ingest, const Clock& clock,
                             telemetry::SecurityTelemetry* telemetry)
    : ingest_(ingest),
      clock_(clock),
      telemetry_(telemetry),
      accept_latency_({0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5}) {}

std::size_t IngestHandler::BodyLimit(const http::Request& head, std::size_t server_limit) const {
  if (head.method == "POST" && head.Path() == "/v1/actas")
    return std::min(server_limit, kMaxActaSize);
  return 0;
}

http::Response IngestResponse(const IngestResult& result, const ReceiptKeys* keys) {
  const int status = IngestHttpStatus(result.status);
  http::Response r =
      result.receipt.empty()
          ? http::Response::Error(status, IngestStatusName(result.status), result.message)
          : http::Response{};
  if (!result.receipt.empty()) {
    r.status = status;  // content type: the default, application/octet-stream
    r.body = result.receipt;
  }
  r.headers.reserve(3);
  r.headers.emplace_back("Acta-Status", std::string(IngestStatusName(result.status)));
  if (keys != nullptr && keys->issued() && !result.receipt.empty()) {
    if (auto receipt = Receipt::Decode(result.receipt)) {
      if (auto cert = keys->HeaderFor(receipt->center_key_id); !cert.empty()) {
        r.headers.emplace_back(std::string(log::kReceiptKeyHttpHeader), std::string(cert));
      }
    }
  }
  if (status == 429 || status == 503) {
    r.headers.emplace_back("Retry-After",
                           std::to_string(result.retry_after_s > 0 ? result.retry_after_s : 1));
  }
  return r;
}

void IngestHandler::Handle(http::Request&& request, http::ReplyFn reply) {
  const std::string_view path = request.Path();
  if (path == "/healthz" && request.method == "GET") {
    return reply(http::Response::Text(200, "ok\n"));
  }
  if (path == log::kReceiptKeysPath && request.method == "GET") {
    static const ReceiptKeys kNone;
    return reply(http::Response::Json(200, (receipt_keys_ ? *receipt_keys_ : kNone).json()));
  }
  if (path != "/v1/actas") {
    if (telemetry_ != nullptr)
      telemetry_->Record("not_found", telemetry::Lane::kNone, request.remote_address);
    return reply(http::Response::Error(404, "not_found",
                                       "the ingest listener serves only POST /v1/actas and GET "
                                       "/v1/receipt-keys"));
  }
  if (request.method != "POST") {
    if (telemetry_ != nullptr) {
      telemetry_->Record("method_not_allowed", telemetry::Lane::kNone, request.remote_address);
    }
    auto r = http::Response::Error(405, "method_not_allowed", "use POST");
    r.headers.emplace_back("Allow", "POST");
    return reply(std::move(r));
  }
  IngestRequest in;
  in.body = std::move(request.body);
  in.source = request.remote_address;
  if (std::string_view mac = request.Header("acta-mac"); !mac.empty()) {
    in.has_mac = true;
    in.mac_valid_format = Base64DecodeInto(mac, in.mac);
  }
  const telemetry::Lane lane = in.has_mac ? telemetry::Lane::kTerminal : telemetry::Lane::kPublic;
  // Refusals at the gate (a wrong MAC) are answered here, on this thread,
  // without a callback or a clock read: that is what a flood costs us.
  IngestService::Admitted admitted;
  if (auto refused = ingest_.Admit(in, admitted)) {
    if (telemetry_ != nullptr)
      telemetry_->Record(IngestStatusName(refused->status), lane, in.source);
    return reply(IngestResponse(*refused, receipt_keys_));
  }
  const auto start = clock_.SteadyNow();
  const auto source = in.source;
  ingest_.Continue(std::move(in), admitted,
                   [this, start, lane, source, reply = std::move(reply)](IngestResult result) {
                     if (result.status == IngestStatus::kAccepted ||
                         result.status == IngestStatus::kConflict ||
                         result.status == IngestStatus::kReplay) {
                       accept_latency_.Observe(
                           std::chrono::duration<double>(clock_.SteadyNow() - start).count());
                       if (telemetry_ != nullptr) telemetry_->RecordAccepted();
                     } else if (telemetry_ != nullptr) {
                       telemetry_->Record(IngestStatusName(result.status), lane, source);
                     }
                     reply(IngestResponse(result, receipt_keys_));
                   });
}

void IngestHandler::RenderMetrics(std::string& out) const {
  MetricHeader(out, "acta_ingest_total", "counter", "Ingest requests by outcome.");
  for (size_t i = 0; i < kIngestStatusCount; ++i) {
    auto s = static_cast<IngestStatus>(i);
    out += "acta_ingest_total{outcome=\"" + std::string(IngestStatusName(s)) + "\"} " +
           std::to_string(ingest_.count(s)) + "\n";
  }
  MetricHeader(out, "acta_ingest_latency_seconds", "histogram",
               "Time from request to receipt (acceptances, replays and conflicts).");
  accept_latency_.Render("acta_ingest_latency_seconds", "", out);
  const VerifyPool& pool = ingest_.verify_pool();
  MetricHeader(out, "acta_verify_queue", "gauge",
               "Submissions waiting for a signature worker, by lane.");
  out += "acta_verify_queue{lane=\"terminal\"} " +
         std::to_string(pool.QueueSize(VerifyLane::kTerminal)) + "\n";
  out += "acta_verify_queue{lane=\"public\"} " +
         std::to_string(pool.QueueSize(VerifyLane::kPublic)) + "\n";
  MetricHeader(out, "acta_verify_queue_full_total", "counter",
               "Submissions refused because their lane's verify queue was full.");
  out += "acta_verify_queue_full_total{lane=\"terminal\"} " +
         std::to_string(pool.refused(VerifyLane::kTerminal)) + "\n";
  out += "acta_verify_queue_full_total{lane=\"public\"} " +
         std::to_string(pool.refused(VerifyLane::kPublic)) + "\n";
}

}  // namespace acta::center
