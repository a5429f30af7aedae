// `acta monitor`: follows a growing log all night, the way Certificate
// Transparency monitors do, and proves a problem within seconds of it.
//
// Each Poll reads the latest checkpoint and judges it against the one the
// monitor holds (persisted in the state directory, so a restarted monitor
// goes on where it stopped):
//  - a valid signature by a center key of the manifest;
//  - the cosignatures of the manifest's witnesses (log::VerifyCheckpointForManifest):
//    a failing one is an alarm; a latest checkpoint below the witness
//    quorum is normal for a moment (witnesses cosign after the center
//    signs), an alarm once no checkpoint with the quorum has been seen for
//    witness_grace. The alarm says who cosigned and asks each witness what
//    it last cosigned: a witness holding another tree of this log proves a
//    split view (the center shows others a different log);
//  - same size: the same root, else a fork; smaller: a prefix of what it
//    holds (else a fork), and for a center a rollback (a mirror may lag);
//  - larger: only the new entry bundles are fetched; the tree it holds is
//    extended with them and must give the signed root (else the center's
//    consistency proof decides between a fork and entries that do not match
//    what was signed); entries it already holds must come back unchanged;
//    every new acta is verified against the manifest and tallied
//    incrementally (duplicates, conflicts);
//  - the bulletin of that checkpoint against the totals at its size;
//  - receipts an observer group collected (receipts_dir): each receipted
//    acta must enter the log within the promised merge delay.
// Findings go to the event sink as JSON objects (one per line on the
// command line). The first proven problem of each kind also saves its
// evidence under <state>/evidence/: a dump directory that `acta verify
// --dump` checks offline, with the notes, proofs and actas involved.
// A source that does not answer is unavailability, never an alarm.
//
// Thread-safety: none; one thread polls.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "core/keys.h"
#include "core/manifest.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/receipt_key.h"
#include "tally/tally.h"
#include "verify/files.h"
#include "verify/log_source.h"
#include "verify/monitor_evidence.h"

namespace acta::verify {

struct MonitorOptions {
  std::string state_dir;  // required; created if missing
  std::optional<VerifierKey> pinned_authority;
  std::optional<Hash256> expected_election_id;
  // A static mirror may serve an older checkpoint for a while: a smaller
  // checkpoint that is a prefix of what the monitor holds is then "stale",
  // not a rollback.
  bool source_is_mirror = false;
  // Compare the bulletin of a new checkpoint at most this often (0: every
  // checkpoint the monitor stops at).
  std::chrono::milliseconds bulletin_interval{0};
  bool check_bulletins = true;
  // Receipts (files of core/receipt.h bytes) collected from tables; each
  // receipted acta must be in the log `merge_delay` after its receipt time.
  std::string receipts_dir;
  std::chrono::milliseconds merge_delay{60'000};
  // Entries of a signed checkpoint that stay unserved this long are a
  // checkpoint beyond the log (shorter gaps are unavailability).
  std::chrono::milliseconds missing_entries_grace{30'000};
  // How long the latest checkpoint may stay below the manifest's witness
  // quorum, counted from the first one seen below it and restarted by any
  // seen with the quorum, before the witness_quorum alarm.
  std::chrono::milliseconds witness_grace{30'000};
  // Reads a witness's latest cosigned checkpoint of this log (C2SP
  // tlog-witness GET <url>/<hex SHA-256 of the origin>/checkpoint) to
  // explain a quorum alarm. Null: witnesses are not asked.
  std::function<Result<std::string>(const ManifestWitness& witness)> witness_checkpoint;
};

using MonitorSink = std::function<void(const nlohmann::json& event)>;

struct MonitorStats {
  uint64_t size = 0;  // of the checkpoint held (verified)
  uint64_t checkpoints_verified = 0;
  uint64_t checkpoints_cosigned = 0;  // of those, seen with the witness quorum
  uint64_t entries_verified = 0;
  uint64_t entries_invalid = 0;
  uint64_t conflicts = 0;
  uint64_t bulletins_checked = 0;
  uint64_t alarms = 0;
  uint64_t unavailable = 0;  // polls that got no answer
  uint64_t receipts_pending = 0;
  uint64_t receipts_logged = 0;
  uint64_t receipts_missing = 0;
  // Milliseconds from a checkpoint's publication (when the source says) to
  // the monitor's verdict on it, for every checkpoint judged.
  std::vector<double> lags_ms;
};

class Monitor {
 public:
  // Loads the state (replaying the entries it holds, which must still give
  // the remembered root), or starts a new one from the source's manifest.
  // Errors: kInvalidArgument (no state_dir), the manifest's (signature,
  // pins, kWrongElection against the state), kCorruption when the state
  // directory no longer gives its remembered root, kIo, and the source's
  // error when a new state cannot get the manifest.
  [[nodiscard]] static Result<std::unique_ptr<Monitor>> Open(LogSource& source,
                                                             const MonitorOptions& options,
                                                             const Clock& clock, MonitorSink sink);
  ~Monitor();

  // One look at the source. Ok when the source answered (whatever it showed:
  // findings go to the sink); the source's error when it did not (reported
  // to the sink as "unavailable"; call again after a backoff).
  [[nodiscard]] Status Poll();

  const MonitorStats& stats() const { return stats_; }
  const Manifest& manifest() const { return *manifest_; }
  // Whether any alarm was raised since Open.
  bool alarmed() const { return stats_.alarms > 0; }

 private:
  struct Held {
    uint64_t size = 0;
    Hash256 root{};
    std::string note;
  };
  struct PendingReceipt {
    std::string file;
    int64_t received_at_ms = 0;
  };
  // Leaf hashes are SHA-256 outputs: their first bytes are already uniform.
  struct LeafHasher {
    size_t operator()(const Hash256& h) const {
      size_t v;
      std::memcpy(&v, h.data(), sizeof v);
      return v;
    }
  };

  Monitor(LogSource& source, const MonitorOptions& options, const Clock& clock, MonitorSink sink);
  Status LoadOrStart();
  Status Replay();
  Status SaveState();

  // The three outcomes of a larger checkpoint.
  Status Extend(const log::Checkpoint& cp, const std::string& note);
  Status JudgeSmallerOrEqual(const log::Checkpoint& cp, const std::string& note);
  // The witness cosignatures of the served note (see the top of the file).
  void CheckWitnesses(const log::Checkpoint& cp, const std::string& note);
  // What each witness says it last cosigned, judged against the log held:
  // one line per witness for the alarm, and a fork alarm for a witness that
  // cosigned another tree.
  std::vector<std::string> AskWitnesses();
  void CheckBulletin();
  void ScanReceipts();
  void CheckReceipts();

  // Emits an alarm and, the first time for `kind`, writes its evidence.
  void Alarm(const std::string& kind, const std::string& message, nlohmann::json details,
             const Evidence& evidence);
  void Emit(nlohmann::json event);

  LogSource& source_;
  MonitorOptions options_;
  const Clock& clock_;
  MonitorSink sink_;
  std::unique_ptr<DirectoryFiles> local_;  // <state>/log: the entries held, as a dump
  std::unique_ptr<Manifest> manifest_;
  std::unique_ptr<log::ReceiptKeyRing> receipt_keys_;  // after manifest_: refers to it
  std::unique_ptr<tally::Tally> tally_;
  log::MerkleTree tree_;
  Held held_;
  MonitorStats stats_;
  std::set<std::string> alarmed_kinds_;  // evidence written for these
  std::set<std::string> alarm_keys_;     // each distinct alarm is raised once
  std::optional<int64_t> missing_since_ms_;
  std::optional<int64_t> below_quorum_since_ms_;  // no checkpoint seen with the quorum since
  uint64_t quorum_size_ = 0;                      // largest size seen with the quorum
  bool quorum_alarmed_ = false;                   // for the current below-quorum spell
  int64_t last_bulletin_ms_ = 0;
  uint64_t bulletin_checked_size_ = 0;
  std::set<std::string> receipt_files_;
  std::unordered_map<std::string, PendingReceipt> pending_;  // leaf hash bytes -> receipt
  // Every leaf held, kept only with receipts_dir (about 70 MB a million
  // entries), so a new receipt is looked up instead of the whole log scanned.
  std::unordered_set<Hash256, LeafHasher> logged_;
};

}  // namespace acta::verify
