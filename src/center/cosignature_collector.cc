#include "center/cosignature_collector.h"

#include <spdlog/spdlog.h>

#include <deque>

#include "center/metrics.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "witness/add_checkpoint.h"

namespace acta::center {
namespace {

std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

CosignatureCollector::CosignatureCollector(
    const Manifest& manifest, const LogState& state,
    std::vector<std::unique_ptr<witness::WitnessTransport>> transports,
    CosignatureCollectorOptions options, store::Store* store)
    : manifest_(manifest),
      state_(state),
      transports_(std::move(transports)),
      options_(options),
      store_(store),
      status_(manifest.witnesses.size()),
      known_size_(manifest.witnesses.size()),
      next_try_(manifest.witnesses.size()),
      backoff_(manifest.witnesses.size(), options.retry_min) {
  for (size_t i = 0; i < status_.size(); ++i) status_[i].name = manifest.witnesses[i].name;
}

CosignatureCollector::~CosignatureCollector() { Stop(); }

void CosignatureCollector::Start() {
  std::lock_guard lock(mu_);
  if (!threads_.empty() || stopping_) return;
  for (size_t i = 0; i < transports_.size(); ++i) threads_.emplace_back([this, i] { Run(i); });
  if (store_ != nullptr && options_.refresh.count() > 0)
    threads_.emplace_back([this] { RunRefresh(); });
}

::acta::Status CosignatureCollector::Restore() {
  if (store_ == nullptr) return Ok();
  auto latest = state_.latest();
  const uint64_t size = latest ? latest->stored.size : 0;
  // The newest max_checkpoints sizes at most (sizes grow by at least one).
  const uint64_t from = size > options_.max_checkpoints ? size - options_.max_checkpoints : 0;
  auto rows = store_->ListCosignatures(from);
  if (!rows) return std::unexpected(rows.error());
  const size_t kept = Merge(*rows);
  if (!rows->empty()) {
    spdlog::info("witness cosignatures: {} of {} stored lines restored", kept, rows->size());
  }
  return Ok();
}

void CosignatureCollector::RunRefresh() {
  // (time, latest size) samples: lines for a size are stored at most a
  // request's timeout after it stopped being the latest.
  std::deque<std::pair<std::chrono::steady_clock::time_point, uint64_t>> seen;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.refresh);
    if (stopping_) break;
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    auto latest = state_.latest();
    seen.emplace_back(now, latest ? latest->stored.size : 0);
    while (seen.size() > 1 && now - seen[1].first > options_.refresh_window) seen.pop_front();
    auto rows = store_->ListCosignatures(seen.front().second);
    if (rows) {
      (void)Merge(*rows);
    } else {
      spdlog::warn("witness cosignatures: reading the store: {}", rows.error().ToString());
    }
    lock.lock();
  }
}

size_t CosignatureCollector::Merge(const std::vector<store::StoredCosignature>& rows) {
  const std::string origin = log::LogOrigin(manifest_.election_id);
  size_t kept = 0;
  for (const auto& row : rows) {
    if (row.witness >= manifest_.witnesses.size()) continue;
    {
      std::lock_guard lock(mu_);
      auto it = cosigs_.find(row.size);
      if (it != cosigs_.end() && it->second.root == row.root &&
          it->second.by_witness.size() > row.witness && it->second.by_witness[row.witness])
        continue;
    }
    // The center's checkpoints have no extension lines: the text is
    // determined by size and root, so the line is checked without the note.
    log::Checkpoint cp;
    cp.origin = origin;
    cp.size = row.size;
    cp.root = row.root;
    auto note = log::ParseNote(log::CheckpointText(cp) + "\n" + row.line);
    const ManifestWitness& w = manifest_.witnesses[row.witness];
    const log::NoteKey key = log::NoteKey::Of(w.key);
    bool valid = note && note->signatures.size() == 1;
    if (valid) {
      auto signers = log::VerifyNoteSigners(*note, std::span(&key, 1));
      valid = signers && !signers->empty();
    }
    if (!valid) {
      spdlog::warn("witness {}: stored cosignature of size {} does not verify; not served", w.name,
                   row.size);
      continue;
    }
    Keep(row.witness, row.size, row.root, note->signatures[0], /*persist=*/false);
    std::lock_guard lock(mu_);
    status_[row.witness].cosigned_size = std::max(status_[row.witness].cosigned_size, row.size);
    ++kept;
  }
  return kept;
}

void CosignatureCollector::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

bool CosignatureCollector::HasLocked(size_t i, const store::StoredCheckpoint& cp) const {
  auto it = cosigs_.find(cp.size);
  return it != cosigs_.end() && it->second.root == cp.root && it->second.by_witness.size() > i &&
         it->second.by_witness[i].has_value();
}

void CosignatureCollector::MaybeStartRoundLocked() {
  if (round_.pending > 0) return;
  auto latest = state_.latest();
  // The empty tree needs no witness: nothing can be hidden in it.
  if (!latest || latest->stored.size == 0) return;
  const store::StoredCheckpoint& cp = latest->stored;
  const bool newer = !round_.checkpoint || cp.size != round_.checkpoint->size ||
                     cp.root != round_.checkpoint->root;
  if (!newer) {
    // The same checkpoint again only for a witness that lacks it and whose
    // backoff is over (the log may have stopped growing).
    const auto now = std::chrono::steady_clock::now();
    bool due = false;
    for (size_t i = 0; i < transports_.size(); ++i) {
      due = due || (!HasLocked(i, cp) && now >= next_try_[i]);
    }
    if (!due) return;
  }
  ++round_.id;
  round_.checkpoint = cp;
  round_.pending = transports_.size();
  cv_.notify_all();
}

void CosignatureCollector::Run(size_t i) {
  uint64_t done = 0;  // the last round this thread finished
  std::unique_lock lock(mu_);
  while (!stopping_) {
    MaybeStartRoundLocked();
    if (round_.id > done && round_.checkpoint) {
      const uint64_t id = round_.id;
      const store::StoredCheckpoint cp = *round_.checkpoint;
      // A witness in backoff sits this round out.
      const bool due = std::chrono::steady_clock::now() >= next_try_[i];
      lock.unlock();
      if (due) (void)Submit(i, cp);
      lock.lock();
      done = id;
      if (round_.id == id && round_.pending > 0) --round_.pending;
      cv_.notify_all();
      continue;
    }
    // New checkpoints are not signalled here: look again after `poll`.
    cv_.wait_for(lock, options_.poll);
  }
}

bool CosignatureCollector::Fail(size_t i, int status, std::string why) {
  std::lock_guard lock(mu_);
  ++status_[i].failures;
  status_[i].last_status = status;
  if (status_[i].last_error != why) {
    spdlog::warn("witness {} ({}): {}", manifest_.witnesses[i].name, manifest_.witnesses[i].url,
                 why);
  }
  status_[i].last_error = std::move(why);
  next_try_[i] = std::chrono::steady_clock::now() + backoff_[i];
  backoff_[i] = std::min(backoff_[i] * 2, options_.retry_max);
  return false;
}

bool CosignatureCollector::Submit(size_t i, const store::StoredCheckpoint& cp) {
  const ManifestWitness& w = manifest_.witnesses[i];
  std::optional<uint64_t> known;
  {
    std::lock_guard lock(mu_);
    if (HasLocked(i, cp)) return true;
    known = known_size_[i];
  }
  // A 409 tells the size the witness holds; then one more try with a proof
  // from there. More than that means the witness moves under us: back off.
  for (int attempt = 0; attempt < 3; ++attempt) {
    witness::AddCheckpointRequest request;
    request.old_size = known.value_or(0);
    if (request.old_size > cp.size) {
      return Fail(i, 409,
                  "the witness holds size " + std::to_string(request.old_size) +
                      ", above our checkpoint " + std::to_string(cp.size) +
                      " (it follows another log of this election, or ours was rolled back)");
    }
    if (request.old_size > 0 && request.old_size < cp.size) {
      auto proof = state_.tree().ConsistencyProof(request.old_size, cp.size);
      if (!proof) return Fail(i, 0, "consistency proof: " + proof.error().message);
      request.proof = std::move(*proof);
    }
    request.checkpoint = cp.note;
    auto reply = transports_[i]->AddCheckpoint(witness::FormatAddCheckpoint(request));
    if (!reply) return Fail(i, 0, reply.error().message);
    if (reply->status == 409) {
      auto held = witness::ParseTreeSize(reply->body);
      if (!held) return Fail(i, 409, "409 with a malformed size: " + held.error().message);
      known = *held;
      std::lock_guard lock(mu_);
      known_size_[i] = known;
      continue;
    }
    if (reply->status != 200) {
      return Fail(i, reply->status,
                  "HTTP " + std::to_string(reply->status) + ": " + reply->body.substr(0, 200));
    }
    // The answer is signature lines: appended to our note they make a note
    // whose signature by this witness's key must verify.
    auto note = log::ParseNote(cp.note + reply->body);
    if (!note) return Fail(i, 200, "cosignature lines do not parse: " + note.error().message);
    const log::NoteKey key = log::NoteKey::Of(w.key);
    auto signers = log::VerifyNoteSigners(*note, std::span(&key, 1));
    if (!signers) return Fail(i, 200, signers.error().message);
    if (signers->empty()) return Fail(i, 200, "no cosignature by " + w.key.ToString());
    for (const auto& sig : note->signatures) {
      if (sig.name == w.key.name && sig.key_id == w.key.key_id) {
        Keep(i, cp.size, cp.root, sig, /*persist=*/true);
        break;
      }
    }
    std::lock_guard lock(mu_);
    known_size_[i] = cp.size;
    status_[i].cosigned_size = std::max(status_[i].cosigned_size, cp.size);
    ++status_[i].cosignatures;
    status_[i].last_status = 200;
    status_[i].last_error.clear();
    backoff_[i] = options_.retry_min;
    return true;
  }
  return Fail(i, 409, "the witness's size kept changing");
}

void CosignatureCollector::Keep(size_t witness, uint64_t size, const Hash256& root,
                                log::NoteSignature sig, bool persist) {
  if (persist && store_ != nullptr) {
    // Durable before it is served from memory, so that what readers saw a
    // restarted center serves again; a failed write only costs that (the
    // line is served from memory all the same).
    auto st = store_->AddCosignature(
        {size, root, static_cast<uint32_t>(witness), log::FormatNoteSignature(sig)});
    if (!st) {
      spdlog::warn("witness {}: storing its cosignature of size {}: {}",
                   manifest_.witnesses[witness].name, size, st.error().ToString());
    }
  }
  std::lock_guard lock(mu_);
  Kept& kept = cosigs_[size];
  if (kept.root != root) kept = Kept{root, {}};
  kept.by_witness.resize(manifest_.witnesses.size());
  if (!kept.by_witness[witness]) kept.by_witness[witness] = std::move(sig);
  while (cosigs_.size() > options_.max_checkpoints) cosigs_.erase(cosigs_.begin());
}

std::string CosignatureCollector::CosignedNote(const store::StoredCheckpoint& cp) const {
  std::lock_guard lock(mu_);
  auto it = cosigs_.find(cp.size);
  if (it == cosigs_.end() || it->second.root != cp.root) return cp.note;
  std::string out = cp.note;
  for (const auto& sig : it->second.by_witness) {
    if (sig) out += log::FormatNoteSignature(*sig);
  }
  return out;
}

std::vector<size_t> CosignatureCollector::CosignersOf(uint64_t size) const {
  std::lock_guard lock(mu_);
  std::vector<size_t> out;
  auto it = cosigs_.find(size);
  if (it == cosigs_.end()) return out;
  for (size_t i = 0; i < it->second.by_witness.size(); ++i) {
    if (it->second.by_witness[i]) out.push_back(i);
  }
  return out;
}

std::vector<WitnessStatus> CosignatureCollector::Status() const {
  std::lock_guard lock(mu_);
  return status_;
}

uint64_t CosignatureCollector::QuorumSize() const {
  std::lock_guard lock(mu_);
  for (auto it = cosigs_.rbegin(); it != cosigs_.rend(); ++it) {
    size_t n = 0;
    for (const auto& sig : it->second.by_witness) n += sig.has_value() ? 1 : 0;
    if (n >= manifest_.witness_quorum) return it->first;
  }
  return 0;
}

void CosignatureCollector::RenderMetrics(std::string& out) const {
  const auto status = Status();
  // For the alert rules (monitoring/acta-alerts.yml): the log beyond the
  // newest checkpoint with the quorum is what readers requiring witnesses
  // cannot see yet.
  MetricHeader(out, "acta_witness_quorum", "gauge",
               "Cosignatures the manifest requires on a checkpoint (k of n).");
  out += "acta_witness_quorum " + std::to_string(manifest_.witness_quorum) + "\n";
  MetricHeader(
      out, "acta_witness_quorum_size", "gauge",
      "Size of the newest checkpoint this center holds with the witness quorum (0: none).");
  out += "acta_witness_quorum_size " + std::to_string(QuorumSize()) + "\n";
  MetricHeader(out, "acta_witness_cosigned_size", "gauge",
               "Largest checkpoint size each witness cosigned for this center.");
  for (const auto& s : status) {
    out += "acta_witness_cosigned_size{witness=\"" + Label(s.name) + "\"} " +
           std::to_string(s.cosigned_size) + "\n";
  }
  MetricHeader(out, "acta_witness_cosignatures_total", "counter",
               "Valid cosignatures received, per witness.");
  for (const auto& s : status) {
    out += "acta_witness_cosignatures_total{witness=\"" + Label(s.name) + "\"} " +
           std::to_string(s.cosignatures) + "\n";
  }
  MetricHeader(out, "acta_witness_failures_total", "counter",
               "Submissions that did not end in a valid cosignature, per witness.");
  for (const auto& s : status) {
    out += "acta_witness_failures_total{witness=\"" + Label(s.name) + "\"} " +
           std::to_string(s.failures) + "\n";
  }
}

}  // namespace acta::center
