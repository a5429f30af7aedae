#include "center/http/limits.h"

namespace acta::http {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kTooManyConnections:
      return "too_many_connections";
    case RejectReason::kTooManyFromSource:
      return "too_many_from_source";
    case RejectReason::kHeaderTooLarge:
      return "header_too_large";
    case RejectReason::kBodyTooLarge:
      return "body_too_large";
    case RejectReason::kBadRequest:
      return "bad_request";
    case RejectReason::kHeaderTimeout:
      return "header_timeout";
    case RejectReason::kBodyTimeout:
      return "body_timeout";
    case RejectReason::kTlsHandshake:
      return "tls_handshake";
    case RejectReason::kHandlerTimeout:
      return "handler_timeout";
  }
  return "unknown";
}

}  // namespace acta::http
