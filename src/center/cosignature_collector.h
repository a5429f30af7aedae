// Collects witness cosignatures for the center's checkpoints (DESIGN.md,
// Publication). One thread per witness of the manifest submits checkpoints
// with a consistency proof from the size that witness holds (C2SP
// tlog-witness add-checkpoint), checks the cosignature line it gets against
// the witness's key in the manifest, and keeps it.
//
// Rounds: every witness is offered the same checkpoint, and the next round
// (the newest published checkpoint) starts once each witness has answered
// or failed. A quorum needs k witnesses on one checkpoint; witnesses each
// chasing the newest one on their own would rarely meet on the same size
// while the log grows. Intermediate checkpoints need no cosignature (a
// witness cosigns the largest tree it has seen consistent).
//
// It never delays ingest: it only reads published checkpoints and the tree,
// in its own threads. A witness that fails is retried with exponential
// backoff (retry_min..retry_max) and sits out the rounds meanwhile, so one
// witness down never holds the others back; a round is repeated for the
// same checkpoint while a witness that is due again lacks it (the log may
// have stopped growing).
//
// Cosignatures are kept in memory (the latest `max_checkpoints` cosigned
// checkpoints) and, with a store, durably in it (Store::AddCosignature):
// Restore() reads them back at start, so a restarted center serves the
// lines it collected before, and every `refresh` the lines stored by other
// center nodes on the same store are merged, so every node serves the same
// cosigned note and none asks a witness for a line another node already
// has. Lines read from the store are verified against the witness's key
// before they are served.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "center/log_state.h"
#include "core/manifest.h"
#include "log/note.h"
#include "store/store.h"
#include "witness/witness_client.h"

namespace acta::center {

struct CosignatureCollectorOptions {
  std::chrono::milliseconds retry_min{200};
  std::chrono::milliseconds retry_max{30'000};
  // How often a waiting thread looks for a newer checkpoint.
  std::chrono::milliseconds poll{50};
  size_t max_checkpoints = 100'000;
  // With a store: how often lines other center nodes stored are read, and
  // how far back (a node's request may finish this long after its
  // checkpoint stopped being the latest: the witness client's timeouts).
  std::chrono::milliseconds refresh{1'000};
  std::chrono::milliseconds refresh_window{30'000};
};

struct WitnessStatus {
  std::string name;
  uint64_t cosigned_size = 0;  // largest size this witness cosigned for us (0: none yet)
  uint64_t cosignatures = 0;   // accepted cosignatures
  uint64_t failures = 0;       // requests that did not end in a valid cosignature
  int last_status = 0;         // last HTTP status, 0 if no answer
  std::string last_error;
};

class CosignatureCollector {
 public:
  // transports[i] reaches manifest.witnesses[i]. `store` (may be null:
  // memory only) keeps the lines. REQUIRES: same sizes; manifest, state and
  // store outlive this object.
  CosignatureCollector(const Manifest& manifest, const LogState& state,
                       std::vector<std::unique_ptr<witness::WitnessTransport>> transports,
                       CosignatureCollectorOptions options = {}, store::Store* store = nullptr);
  // Stop()s.
  ~CosignatureCollector();
  CosignatureCollector(const CosignatureCollector&) = delete;
  CosignatureCollector& operator=(const CosignatureCollector&) = delete;

  // Reads the stored lines (the newest `max_checkpoints` sizes) into
  // memory, verifying each; before Start. OK without a store. Errors: the
  // store's.
  [[nodiscard]] ::acta::Status Restore();
  void Start();
  // Wakes and joins the threads; an in-flight request ends by its timeout.
  void Stop();

  // The note of `cp` (a checkpoint signed by this center) with the
  // cosignatures kept for its size and root appended, in manifest order;
  // the note itself if none. This is the one form every reader gets
  // (/checkpoint, /v1/checkpoints, mirrors copy it byte for byte).
  std::string CosignedNote(const store::StoredCheckpoint& cp) const;
  // Indexes (into manifest.witnesses) of the witnesses that cosigned `size`.
  std::vector<size_t> CosignersOf(uint64_t size) const;
  std::vector<WitnessStatus> Status() const;
  // The newest size whose kept cosignatures reach the manifest's quorum; 0
  // if none.
  uint64_t QuorumSize() const;
  // Prometheus: the quorum and QuorumSize(); per witness, last cosigned
  // size, cosignatures, failures.
  void RenderMetrics(std::string& out) const;

  // Offers `cp` to witness `i` (the threads call it for each round).
  // Returns true when a valid cosignature for it is kept (now or before).
  bool Submit(size_t i, const store::StoredCheckpoint& cp);

 private:
  struct Round {
    uint64_t id = 0;
    std::optional<store::StoredCheckpoint> checkpoint;
    size_t pending = 0;  // witnesses that have not finished this round
  };

  void Run(size_t i);
  // The refresh thread: merges what other nodes stored, every `refresh`.
  void RunRefresh();
  // Verifies stored lines against their witness's key and keeps the valid
  // ones not already held; returns how many were kept.
  size_t Merge(const std::vector<store::StoredCosignature>& rows);
  // Under mu_: starts the next round when the current one is finished and
  // there is something to do (a newer checkpoint, or a witness due again
  // that lacks the current one).
  void MaybeStartRoundLocked();
  bool HasLocked(size_t i, const store::StoredCheckpoint& cp) const;
  // Keeps a line in memory; with `persist`, also in the store.
  void Keep(size_t witness, uint64_t size, const Hash256& root, log::NoteSignature sig,
            bool persist);
  bool Fail(size_t i, int status, std::string why);

  const Manifest& manifest_;
  const LogState& state_;
  std::vector<std::unique_ptr<witness::WitnessTransport>> transports_;
  const CosignatureCollectorOptions options_;
  store::Store* const store_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  bool stopping_ = false;
  Round round_;
  std::vector<WitnessStatus> status_;
  // The size each witness holds for our log, as far as we know (409 tells).
  std::vector<std::optional<uint64_t>> known_size_;
  // Per witness: when it may be asked again after a failure, and its backoff.
  std::vector<std::chrono::steady_clock::time_point> next_try_;
  std::vector<std::chrono::milliseconds> backoff_;
  // size -> the root cosigned and one cosignature slot per witness. The
  // root is kept so that a line is never appended to another tree's note.
  struct Kept {
    Hash256 root{};
    std::vector<std::optional<log::NoteSignature>> by_witness;
  };
  std::map<uint64_t, Kept> cosigs_;
  std::vector<std::thread> threads_;
};

}  // namespace acta::center
