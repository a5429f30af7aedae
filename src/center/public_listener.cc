#include "center/public_listener.h"

#include "log/receipt_key.h"

namespace acta::center {

bool PublicListenerHandler::IsSubmission(const http::Request& request) {
  return request.method == "POST" && request.Path() == "/v1/actas";
}

std::size_t PublicListenerHandler::BodyLimit(const http::Request& head,
                                             std::size_t server_limit) const {
  return IsSubmission(head) ? ingest_.BodyLimit(head, server_limit)
                            : read_api_->BodyLimit(head, server_limit);
}

void PublicListenerHandler::Handle(http::Request&& request, http::ReplyFn reply) {
  // The receipt keys are the ingest side's, served on both listeners.
  if (request.method == "GET" && request.Path() == log::kReceiptKeysPath) {
    return ingest_.Handle(std::move(request), std::move(reply));
  }
  if (!IsSubmission(request)) return read_api_->Handle(std::move(request), std::move(reply));
  auto cors = [reply](http::Response r) mutable {
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    r.headers.emplace_back("Access-Control-Expose-Headers", "Acta-Status, Acta-Receipt-Key");
    reply(std::move(r));
  };
  if (!request.Header("acta-mac").empty()) {
    return cors(http::Response::Error(
        400, "terminal_lane_on_public",
        "the public listener takes public-lane submissions only (no Acta-Mac); terminals "
        "submit to the ingest listener"));
  }
  ingest_.Handle(std::move(request), http::ReplyFn(std::move(cors)));
}

}  // namespace acta::center
