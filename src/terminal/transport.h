// How a terminal reaches the centers, behind an interface so the
// transmitter's retry, backoff and failover logic is tested with a scripted
// fake and run in production over HTTP (HttpTransport).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/error.h"

namespace acta::terminal {

// A center's answer to one submission.
struct SubmitReply {
  int status = 0;  // HTTP status
  Bytes body;      // the receipt for 200/201/409, an error document otherwise
  // Retry-After, when the center sent one (429, 503).
  std::optional<std::chrono::seconds> retry_after;
  // Acta-Receipt-Key: base64 of the certificate of the receipt key that
  // signed the receipt (a center whose key is in a token), else "".
  std::string receipt_key;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Number of configured centers (>= 1), addressed 0 .. count-1.
  virtual size_t center_count() const = 0;
  // A printable name of center `index` (its URL).
  virtual std::string CenterName(size_t index) const = 0;
  // One POST /v1/actas of `acta` to center `index`; with `mac` on the
  // terminal lane (Acta-Mac header), without on the public lane. Any HTTP
  // status is a successful Result. Errors: kUnavailable for connection
  // failures, resets and timeouts; kMalformed for a response that is not
  // HTTP; other codes from the underlying client.
  [[nodiscard]] virtual Result<SubmitReply> Submit(size_t index, ByteSpan acta,
                                                   const std::optional<Mac>& mac) = 0;
  // Drops any kept-alive connections (after delivery). Default: nothing.
  virtual void Close() {}
};

}  // namespace acta::terminal
