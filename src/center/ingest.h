// The ingest pipeline of a center, socket-free: takes one submitted acta
// (body, lane, MAC, source) and answers with a receipt or a precise refusal.
//
// Checks run in order of cost (DESIGN.md, "Transport and the two lanes").
// On the calling (I/O) thread: size, version, election id, known table (all
// from the fixed header, no decode), then the transport MAC (terminal lane,
// ~1 us) or the public-lane budget, then exact replay (same bytes: the
// stored receipt, no new work), then the per-table rate limit of the lane
// (TableLimiter). What passes is queued on the VerifyPool in its lane
// (terminal work always first; a full queue is refused at once) and a
// worker does the expensive part: decode, shape against the manifest, the
// Ed25519 signature (tens of us), receipt signing, registration and the
// hand-over to group commit. A validly signed acta different from one the
// table already has is a conflict: kept, flagged, answered with its own
// receipt and 409.
//
// Nothing is acknowledged before it is durable: the receipt goes out from
// the group-commit callback, after the transaction holding the acta
// committed. Concurrent submissions of the same acta wait for the one commit
// and all get the same receipt.
//
// Thread-safety: Submit may be called from any thread, concurrently.
#pragma once

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "center/public_budget.h"
#include "center/receipt_keys.h"
#include "center/table_limiter.h"
#include "center/verify_pool.h"
#include "core/acta.h"
#include "core/clock.h"
#include "core/keys.h"
#include "core/manifest.h"
#include "core/receipt.h"
#include "core/signer.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace acta::center {

enum class IngestStatus {
  kAccepted,            // 201: new acta, durable; body = receipt
  kReplay,              // 200: this exact acta was accepted before; same receipt
  kConflict,            // 409: validly signed, differs from the table's first acta; kept; receipt
  kMalformed,           // 400: size, encoding or shape
  kUnsupportedVersion,  // 400
  kWrongElection,       // 422
  kUnknownTable,        // 404
  kBadMac,              // 401: terminal lane, MAC does not verify
  kBadSignature,        // 403
  kRateLimited,  // 429: public-lane budget, per-table limit or public verify queue (Retry-After)
  kOverloaded,   // 503: terminal verify queue or commit queue full (Retry-After)
  kUnavailable,  // 503: the store failed or the center is stopping; try again
};
constexpr size_t kIngestStatusCount = 12;

// Stable reason code ("accepted", "bad_mac", ...) used in JSON bodies and metrics.
std::string_view IngestStatusName(IngestStatus status);
// The one place where ingest outcomes become HTTP statuses.
int IngestHttpStatus(IngestStatus status);

struct IngestRequest {
  Bytes body;
  // Set when the request carried an Acta-Mac header (terminal lane), even if
  // its value did not parse (then mac_valid_format is false).
  bool has_mac = false;
  bool mac_valid_format = false;
  Mac mac{};
  boost::asio::ip::address source;
};

struct IngestResult {
  IngestStatus status = IngestStatus::kMalformed;
  std::string message;  // human-readable reason for refusals
  Bytes receipt;        // for kAccepted, kReplay, kConflict
  uint32_t table_id = 0;
  // For kRateLimited / kOverloaded: when to retry, in seconds (0: the
  // default of 1 s).
  uint32_t retry_after_s = 0;
};

struct IngestOptions {
  PublicBudgetOptions public_budget;
  TableLimitOptions table_limits;
  // Signature workers and the depth of each lane's queue. A full terminal
  // queue answers kOverloaded (503); a full public queue answers
  // kRateLimited (429): it is the public lane's share of the work that ran
  // out, and 503 stays the signal that terminals themselves are turned away.
  VerifyPoolOptions verify;
};

class IngestService {
 public:
  using Done = std::function<void(IngestResult)>;

  // All references must outlive the service. `transport_masters[i]` is the
  // master secret with id manifest.transport_key_ids[i].
  // `receipt_key` signs the receipts: the center key (a key file's, in
  // memory). Receipts are signed once per acta on the verify workers, so it
  // must be fast.
  IngestService(const Manifest& manifest, std::vector<TransportKey> transport_masters,
                NamedSigner receipt_key, store::GroupCommitter& committer, const Clock& clock,
                IngestOptions options);
  // Receipts signed by the current key of `receipt_keys` (issued: a center
  // whose key is in a token), which rotates daily and must outlive the
  // service.
  IngestService(const Manifest& manifest, std::vector<TransportKey> transport_masters,
                const ReceiptKeys& receipt_keys, store::GroupCommitter& committer,
                const Clock& clock, IngestOptions options);
  // With a key file's key, held in memory by the service.
  IngestService(const Manifest& manifest, std::vector<TransportKey> transport_masters,
                const NamedSigningKey& center_key, store::GroupCommitter& committer,
                const Clock& clock, IngestOptions options);

  // Rebuilds the replay index and per-table state from the store. Call once
  // before serving.
  [[nodiscard]] Status Recover(store::Store& store);

  // Called after every durable acceptance (the sequencer's Notify).
  void SetOnDurable(std::function<void()> fn) { on_durable_ = std::move(fn); }

  // Stops the verify workers after they ran everything already queued
  // (handing it to group commit); later submissions that would need a
  // worker get kUnavailable (replays are still answered). Call
  // after the ingest listener stopped and before GroupCommitter::Shutdown.
  // Idempotent; the destructor calls it.
  void Stop();
  ~IngestService();

  // Processes one submission; `done` runs exactly once: on this thread for
  // refusals before the verify queue and replays of committed actas, on a
  // verify worker for refusals after it, else on the commit thread.
  // Same as Admit, then Continue.
  void Submit(IngestRequest request, Done done);

  // Where an admitted acta belongs.
  struct Admitted {
    uint32_t table_id = 0;
    size_t table_index = 0;  // in the manifest
  };
  // The first half of Submit, on this thread, with no callback: the checks
  // of the fixed header (size, version, election, table) and the lane gate
  // (the MAC, or the public budget, whose token it takes). Returns the
  // refusal, counted as Submit counts it, or nullopt with `admitted` set:
  // then pass the request on to Continue. A flood of wrong MACs is refused
  // here without building a callback for each request.
  std::optional<IngestResult> Admit(const IngestRequest& request, Admitted& admitted);
  // The rest of Submit for a request Admit let through.
  void Continue(IngestRequest request, const Admitted& admitted, Done done);

  // For /metrics (queue depths) and tests (which hold a worker with it).
  VerifyPool& verify_pool() { return pool_; }
  const VerifyPool& verify_pool() const { return pool_; }

  uint64_t count(IngestStatus status) const { return counts_[static_cast<size_t>(status)].load(); }
  size_t known_actas() const;

 private:
  struct Entry {
    std::array<uint8_t, kReceiptSize> receipt{};
    bool committed = false;
    bool conflict = false;
    bool first_of_table = false;  // this entry set table_first_ (undo on failure)
    std::vector<Done> waiters;    // replays that arrived while committing
  };
  struct HashOfHash {
    size_t operator()(const Hash256& h) const {
      size_t v;
      std::memcpy(&v, h.data(), sizeof v);
      return v;
    }
  };

  void Finish(IngestResult result, const Done& done);
  // The worker half of Submit: decode, shape, signature, receipt, commit.
  void VerifyAndCommit(IngestRequest& req, uint32_t table_id, size_t table_index,
                       const Hash256& leaf, Done& done);
  // Answers with the receipt of a known entry, or joins its commit or its
  // verification. True if `leaf` was known (then `done` was consumed);
  // false makes the caller the one verifying it, which must end with
  // ReleaseVerifying (refused) or by creating its entry.
  bool AnswerIfKnown(const Hash256& leaf, uint32_t table_id, Done& done);
  // The copies that joined `leaf`'s verification get `result` too.
  void ReleaseVerifying(const Hash256& leaf, const IngestResult& result);
  void OnCommitted(const Hash256& leaf, uint32_t table_id, size_t table_index, VerifyLane lane,
                   Status status);

  const Manifest& manifest_;
  const std::vector<TransportKey> masters_;
  // Each table's transport key (DeriveTransportKey), by manifest index,
  // derived once at start: 32 bytes per table, and one hash fewer for every
  // MAC check, which is what a wrong-MAC flood costs us. Zero (and never
  // used) where the manifest names a master key we were not given.
  const std::vector<TransportKey> table_keys_;
  std::unique_ptr<MemorySigner> owned_signer_;  // a key file's key, or null
  NamedSigner receipt_key_;
  uint32_t receipt_key_id_ = 0;
  const ReceiptKeys* receipt_keys_ = nullptr;  // when set, instead of receipt_key_
  store::GroupCommitter& committer_;
  const Clock& clock_;
  PublicBudget public_budget_;
  TableLimiter table_limiter_;
  std::function<void()> on_durable_;

  mutable std::mutex mu_;
  std::unordered_map<Hash256, Entry, HashOfHash> entries_;  // guarded by mu_
  // Leaves past the replay check and not yet in entries_ (waiting for or in
  // signature work). Copies of the same bytes that arrive meanwhile wait
  // here for the first one's outcome instead of spending a second table
  // token and a second signature check: a terminal retrying while its first
  // try is still queued must get its receipt, not a 429. Bounded by the
  // verify queues. Guarded by mu_.
  std::unordered_map<Hash256, std::vector<Done>, HashOfHash> verifying_;
  std::vector<Hash256> table_first_;  // by table index; zero = no acta yet; guarded by mu_
  std::array<std::atomic<uint64_t>, kIngestStatusCount> counts_{};
  // Last: its workers use everything above, so it must stop first.
  VerifyPool pool_;
};

}  // namespace acta::center
