#include "terminal/outbox.h"

namespace acta::terminal {

Result<DrainResult> DrainQueue(DurableQueue& queue, const Manifest& manifest, const MacFn& mac_for,
                               Transport& transport, Random& rng, const Clock& clock,
                               const std::function<void(SteadyTime)>& sleep_until,
                               const DrainOptions& options) {
  auto items = queue.List();
  if (!items) return std::unexpected(items.error());
  DrainResult result;
  for (const QueueItem& item : *items) {
    if (item.receipt) {
      ++result.already_delivered;
      continue;
    }
    Transmitter t(manifest, item.acta, mac_for ? mac_for(item.acta) : std::nullopt,
                  transport.center_count(), options.transmitter);
    std::function<void(const AttemptReport&)> on_attempt;
    if (options.on_attempt)
      on_attempt = [&](const AttemptReport& r) { options.on_attempt(item, r); };
    auto delivery =
        SendUntilDone(t, transport, rng, clock, sleep_until, on_attempt, options.deadline);
    if (!delivery) {
      return MakeError(delivery.error().code, item.name + ": " + delivery.error().message);
    }
    // The receipt is on disk before anyone is told: after this line a crash
    // can no longer cause a resend.
    ACTA_RETURN_IF_ERROR(queue.StoreReceipt(item.acta, delivery->receipt_bytes));
    ++result.delivered;
    if (delivery->conflict) ++result.conflicts;
    if (options.on_delivered) options.on_delivered(item, *delivery);
  }
  transport.Close();
  return result;
}

}  // namespace acta::terminal
