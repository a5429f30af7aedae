// A terminal's whole job on top of its DurableQueue: send every pending
// acta until each holds a verified receipt, storing each receipt atomically
// the moment it arrives. Run again after a crash, it picks up exactly the
// actas still pending and sends the same bytes.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "terminal/durable_queue.h"
#include "terminal/transmitter.h"

namespace acta::terminal {

// The terminal-lane MAC of an acta (nullopt: public lane).
using MacFn = std::function<std::optional<Mac>(const Acta&)>;

struct DrainOptions {
  TransmitterOptions transmitter;
  std::optional<SteadyTime> deadline;  // give up (acta stays queued) at this time
  std::function<void(const QueueItem&, const AttemptReport&)> on_attempt;
  std::function<void(const QueueItem&, const Delivery&)> on_delivered;
};

struct DrainResult {
  size_t delivered = 0;          // receipts stored by this run
  size_t already_delivered = 0;  // items that had a receipt before
  size_t conflicts = 0;          // deliveries answered 409
};

// Errors: the queue's errors; the first acta that every center refused
// (its Transmitter failure); kUnavailable at the deadline. Actas are sent
// one after another in queue order.
Result<DrainResult> DrainQueue(DurableQueue& queue, const Manifest& manifest, const MacFn& mac_for,
                               Transport& transport, Random& rng, const Clock& clock,
                               const std::function<void(SteadyTime)>& sleep_until,
                               const DrainOptions& options);

}  // namespace acta::terminal
