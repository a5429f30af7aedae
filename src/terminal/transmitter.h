// The store-and-forward sender of one acta: a state machine that a caller
// steps (one request to one center per Step) until it holds a receipt that
// verifies, so that one thread can drive thousands of terminals (the demo)
// or one terminal can block on it (`acta terminal send`, SendUntilDone).
//
// Policy, per attempt:
//  - 201 Accepted, 200 Replay, 409 Conflict carry the center's receipt. It
//    is decoded and checked: election id, leaf hash of THIS acta, a center
//    key listed in the manifest, its signature. A receipt that fails any
//    check counts as a failure of that center (a lying or broken center).
//    409 still ends the job (the center keeps the acta as evidence of the
//    conflict); Delivery::conflict says so.
//  - 429/503 with Retry-After: that center is not asked again before the
//    delay (capped at the backoff cap, so a hostile center cannot park the
//    terminal), and the next center is tried.
//  - 400, 401, 403, 404, 413, 422: that center refuses this acta for good
//    (malformed, bad MAC, bad signature, unknown table, wrong election); it
//    is not asked again. When every center refused, the job fails.
//  - connection errors, timeouts, other statuses: fail over to the next
//    center at once.
//  - once every usable center failed in a round, wait BackoffDelay(rounds)
//    (exponential, full jitter, capped) before the next round.
// The bytes sent are always exactly the acta given at construction.
//
// Thread-safety: none; one Transmitter is stepped by one thread at a time.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/acta.h"
#include "core/clock.h"
#include "core/manifest.h"
#include "core/receipt.h"
#include "terminal/backoff.h"
#include "terminal/transport.h"

namespace acta::terminal {

using SteadyTime = std::chrono::steady_clock::time_point;

struct Delivery {
  Receipt receipt;
  Bytes receipt_bytes;
  size_t center = 0;  // index of the center that answered
  int http_status = 0;
  bool conflict = false;  // 409: the center holds a different acta for the table
};

// What one Step did, for logs and statistics.
struct AttemptReport {
  enum class Kind {
    kDelivered,   // valid receipt
    kTransient,   // connection error, timeout, unexpected status: failed over
    kRetryAfter,  // 429/503 with Retry-After
    kBadReceipt,  // the center answered with a receipt that does not verify
    kRefused,     // permanent refusal by this center
  };
  Kind kind = Kind::kTransient;
  size_t center = 0;
  int http_status = 0;  // 0 when no HTTP response arrived
  std::string detail;
};
std::string_view AttemptKindName(AttemptReport::Kind kind);

struct TransmitterOptions {
  BackoffPolicy backoff;
};

class Transmitter {
 public:
  // `acta` is sent as is (acta.bytes); `mac` selects the terminal lane.
  // `manifest` must outlive the Transmitter. `centers` is the Transport's
  // center_count().
  Transmitter(const Manifest& manifest, Acta acta, std::optional<Mac> mac, size_t centers,
              TransmitterOptions options = {});

  // True once delivered or failed for good.
  bool done() const { return delivery_.has_value() || failure_.has_value(); }
  // When the next Step is due; a default (epoch) time point means "now".
  SteadyTime due() const { return due_; }
  // REQUIRES: !done(). One request to one center at time `now` (the caller
  // steps at or after due(); stepping early is allowed and just tries).
  AttemptReport Step(Transport& transport, Random& rng, SteadyTime now);

  const std::optional<Delivery>& delivery() const { return delivery_; }
  // Set when every center refused the acta (the last refusal's reason).
  const std::optional<Error>& failure() const { return failure_; }
  const Acta& acta() const { return acta_; }
  uint32_t attempts() const { return attempts_; }
  uint32_t rounds_failed() const { return rounds_failed_; }

 private:
  // The next center to ask in this round, or nullopt when the round is over.
  std::optional<size_t> NextInRound() const;
  void AfterFailure(Random& rng, SteadyTime now);
  // `receipt_key`: the answer's Acta-Receipt-Key (base64 certificate note).
  std::optional<std::string> CheckReceipt(const Receipt& r, std::string_view receipt_key) const;

  const Manifest& manifest_;
  Acta acta_;
  Hash256 leaf_;
  std::optional<Mac> mac_;
  TransmitterOptions options_;
  std::vector<bool> refused_;
  std::vector<bool> tried_;  // in the current round
  std::vector<SteadyTime> not_before_;
  size_t next_ = 0;  // where the round-robin continues
  SteadyTime due_{};
  uint32_t attempts_ = 0;
  uint32_t rounds_failed_ = 0;
  std::optional<Delivery> delivery_;
  std::optional<Error> failure_;
};

// Steps `t` until done: sleeps with `sleep_until` between attempts (the
// real sleep in production, advancing a FakeClock in tests), reports every
// attempt to `on_attempt`, and gives up with kUnavailable at `deadline`
// (when set; the acta is then still undelivered). Errors: the Transmitter's
// failure (every center refused), kUnavailable at the deadline.
Result<Delivery> SendUntilDone(Transmitter& t, Transport& transport, Random& rng,
                               const Clock& clock,
                               const std::function<void(SteadyTime)>& sleep_until,
                               const std::function<void(const AttemptReport&)>& on_attempt = {},
                               std::optional<SteadyTime> deadline = std::nullopt);

}  // namespace acta::terminal
