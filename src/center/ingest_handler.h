// The ingest listener's HTTP surface: POST /v1/actas (binary acta body;
// Acta-Mac header for the terminal lane), GET /v1/receipt-keys (the
// certificates of the keys receipts are signed with, which a terminal needs
// to check them) and GET /healthz. Nothing else is served here, so the
// public read API can never crowd out terminals.
#pragma once

#include "center/http/handler.h"
#include "center/ingest.h"
#include "center/metrics.h"
#include "center/receipt_keys.h"
#include "center/telemetry/telemetry.h"
#include "core/clock.h"

namespace acta::center {

class IngestHandler final : public http::Handler {
 public:
  // `telemetry` may be null.
  IngestHandler(IngestService& ingest, const Clock& clock, telemetry::SecurityTelemetry* telemetry);

  // A center with a key in a token: receipts by a receipt key get its
  // certificate in an Acta-Receipt-Key header. `keys` must outlive this.
  void SetReceiptKeys(const ReceiptKeys* keys) { receipt_keys_ = keys; }

  std::size_t BodyLimit(const http::Request& head, std::size_t server_limit) const override;
  void Handle(http::Request&& request, http::ReplyFn reply) override;

  // ingest outcomes by reason and latency, for /metrics.
  void RenderMetrics(std::string& out) const;
  const LatencyHistogram& accept_latency() const { return accept_latency_; }

 private:
  IngestService& ingest_;
  const Clock& clock_;
  telemetry::SecurityTelemetry* telemetry_;
  const ReceiptKeys* receipt_keys_ = nullptr;
  LatencyHistogram accept_latency_;
};

// Builds the HTTP response for an ingest result (shared with tests).
// With `keys`, a receipt by one of its receipt keys gets the
// Acta-Receipt-Key header.
http::Response IngestResponse(const IngestResult& result, const ReceiptKeys* keys = nullptr);

}  // namespace acta::center
