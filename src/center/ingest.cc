#include "center/ingest.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "core/acta_check.h"

namespace acta::center {

std::string_view IngestStatusName(IngestStatus status) {
  switch (status) {
    case IngestStatus::kAccepted:
      return "accepted";
    case IngestStatus::kReplay:
      return "replay";
    case IngestStatus::kConflict:
      return "conflict";
    case IngestStatus::kMalformed:
      return "malformed";
    case IngestStatus::kUnsupportedVersion:
      return "unsupported_version";
    case IngestStatus::kWrongElection:
      return "wrong_election";
    case IngestStatus::kUnknownTable:
      return "unknown_table";
    case IngestStatus::kBadMac:
      return "bad_mac";
    case IngestStatus::kBadSignature:
      return "bad_signature";
    case IngestStatus::kRateLimited:
      return "rate_limited";
    case IngestStatus::kOverloaded:
      return "overloaded";
    case IngestStatus::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

int IngestHttpStatus(IngestStatus status) {
  switch (status) {
    case IngestStatus::kAccepted:
      return 201;
    case IngestStatus::kReplay:
      return 200;
    case IngestStatus::kConflict:
      return 409;
    case IngestStatus::kMalformed:
      return 400;
    case IngestStatus::kUnsupportedVersion:
      return 400;
    case IngestStatus::kWrongElection:
      return 422;
    case IngestStatus::kUnknownTable:
      return 404;
    case IngestStatus::kBadMac:
      return 401;
    case IngestStatus::kBadSignature:
      return 403;
    case IngestStatus::kRateLimited:
      return 429;
    case IngestStatus::kOverloaded:
      return 503;
    case IngestStatus::kUnavailable:
      return 503;
  }
  return 500;
}

namespace {

// "<text><table_id>" in one allocation: the wrong-MAC refusal is built for
// every request of a flood.
std::string WithTableId(std::string_view text, uint32_t table_id) {
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, table_id).ptr;
  std::string out;
  out.reserve(text.size() + static_cast<size_t>(end - digits));
  out.append(text);
  out.append(digits, end);
  return out;
}

std::vector<TransportKey> DeriveTableKeys(const Manifest& manifest,
                                          const std::vector<TransportKey>& masters) {
  std::vector<TransportKey> keys(manifest.tables.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const TableRecord& t = manifest.tables[i];
    if (t.transport_key < masters.size()) {
      keys[i] = DeriveTransportKey(masters[t.transport_key], t.id);
    }
  }
  return keys;
}

}  // namespace

IngestService::IngestService(const Manifest& manifest, std::vector<TransportKey> transport_masters,
                             NamedSigner receipt_key, store::GroupCommitter& committer,
                             const Clock& clock, IngestOptions options)
    : manifest_(manifest),
      masters_(std::move(transport_masters)),
      table_keys_(DeriveTableKeys(manifest, masters_)),
      receipt_key_(std::move(receipt_key)),
      committer_(committer),
      clock_(clock),
      public_budget_(clock, options.public_budget),
      table_limiter_(clock, manifest.tables.size(), options.table_limits),
      table_first_(manifest.tables.size()),
      pool_(options.verify) {
  if (receipt_key_.signer != nullptr) receipt_key_id_ = receipt_key_.verifier().key_id;
}

IngestService::IngestService(const Manifest& manifest, std::vector<TransportKey> transport_masters,
                             const ReceiptKeys& receipt_keys, store::GroupCommitter& committer,
                             const Clock& clock, IngestOptions options)
    : IngestService(manifest, std::move(transport_masters), receipt_keys.signer(), committer, clock,
                    std::move(options)) {
  receipt_keys_ = &receipt_keys;
}

IngestService::IngestService(const Manifest& manifest, std::vector<TransportKey> transport_masters,
                             const NamedSigningKey& center_key, store::GroupCommitter& committer,
                             const Clock& clock, IngestOptions options)
    : IngestService(manifest, std::move(transport_masters), NamedSigner{center_key.name, nullptr},
                    committer, clock, std::move(options)) {
  owned_signer_ = std::make_unique<MemorySigner>(center_key.key, "key " + center_key.name);
  receipt_key_.signer = owned_signer_.get();
  receipt_key_id_ = center_key.key_id;
}

IngestService::~IngestService() { Stop(); }

void IngestService::Stop() { pool_.Stop(); }

Status IngestService::Recover(store::Store& store) {
  std::lock_guard lock(mu_);
  return store.ForEachAccepted([&](const store::AcceptedActa& row) -> Status {
    Entry& e = entries_[row.leaf_hash];
    if (row.receipt.size() != kReceiptSize) {
      return MakeError(ErrorCode::kCorruption,
                       "stored receipt of " + HexEncode(row.leaf_hash) + " has the wrong size");
    }
    std::memcpy(e.receipt.data(), row.receipt.data(), kReceiptSize);
    e.committed = true;
    e.conflict = row.conflict;
    const TableRecord* t = manifest_.FindTable(row.table_id);
    if (t != nullptr) {
      Hash256& first = table_first_[static_cast<size_t>(t - manifest_.tables.data())];
      if (first == Hash256{}) first = row.leaf_hash;
    }
    return Ok();
  });
}

size_t IngestService::known_actas() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void IngestService::Finish(IngestResult result, const Done& done) {
  counts_[static_cast<size_t>(result.status)].fetch_add(1, std::memory_order_relaxed);
  done(std::move(result));
}

void IngestService::Submit(IngestRequest req, Done done) {
  Admitted admitted;
  if (auto refused = Admit(req, admitted)) return done(std::move(*refused));
  Continue(std::move(req), admitted, std::move(done));
}

std::optional<IngestResult> IngestService::Admit(const IngestRequest& req, Admitted& admitted) {
  auto refuse = [&](IngestStatus status, std::string message, uint32_t table = 0) {
    counts_[static_cast<size_t>(status)].fetch_add(1, std::memory_order_relaxed);
    return std::optional<IngestResult>(IngestResult{status, std::move(message), {}, table});
  };
  const Bytes& body = req.body;
  // 1-4: fixed-header checks, no decoding. Everything up to the verify
  // queue runs on the I/O thread and costs microseconds at most.
  if (body.size() < kMinActaSize || body.size() > kMaxActaSize) {
    return refuse(IngestStatus::kMalformed, "acta size " + std::to_string(body.size()) +
                                                " outside " + std::to_string(kMinActaSize) + ".." +
                                                std::to_string(kMaxActaSize) + " bytes");
  }
  if (body[0] != kActaVersion) {
    return refuse(IngestStatus::kUnsupportedVersion,
                  "acta version " + std::to_string(body[0]) + " is not supported");
  }
  if (std::memcmp(body.data() + kActaElectionIdOffset, manifest_.election_id.data(), 32) != 0) {
    return refuse(IngestStatus::kWrongElection, "acta belongs to another election");
  }
  const uint32_t table_id = LoadU32(body.data() + kActaTableIdOffset);
  const TableRecord* table = manifest_.FindTable(table_id);
  if (table == nullptr) {
    return refuse(IngestStatus::kUnknownTable,
                  "table " + std::to_string(table_id) + " is not in the manifest", table_id);
  }
  const size_t table_index = static_cast<size_t>(table - manifest_.tables.data());
  // 5: lane gate.
  if (req.has_mac) {
    if (!req.mac_valid_format || table->transport_key >= masters_.size() ||
        !VerifyMac(table_keys_[table_index], body, req.mac)) {
      return refuse(IngestStatus::kBadMac,
                    WithTableId("transport MAC does not verify for table ", table_id), table_id);
    }
  } else if (!public_budget_.TryTake(req.source)) {
    return refuse(IngestStatus::kRateLimited, "public-lane budget exhausted; retry later",
                  table_id);
  }
  admitted = Admitted{table_id, table_index};
  return std::nullopt;
}

void IngestService::Continue(IngestRequest req, const Admitted& admitted, Done done) {
  const Bytes& body = req.body;
  const uint32_t table_id = admitted.table_id;
  const size_t table_index = admitted.table_index;
  // 6: exact replay (a terminal retrying the same bytes always gets its
  // receipt, whatever the limits below say).
  const Hash256 leaf = LeafHashOf(body);
  if (AnswerIfKnown(leaf, table_id, done)) return;
  // 7: the table's budget in this lane, before any signature work.
  const VerifyLane lane = req.has_mac ? VerifyLane::kTerminal : VerifyLane::kPublic;
  const char* lane_name = req.has_mac ? "terminal" : "public";
  auto refuse_all = [&](IngestResult r, const Done& d) {
    ReleaseVerifying(leaf, r);
    Finish(std::move(r), d);
  };
  if (!table_limiter_.TryTake(table_index, lane)) {
    const double wait = table_limiter_.SecondsUntilToken(table_index, lane);
    IngestResult r{IngestStatus::kRateLimited,
                   "table " + std::to_string(table_id) + ": " + lane_name +
                       "-lane rate limit reached; retry later",
                   {},
                   table_id};
    r.retry_after_s =
        wait < 0 ? 3600 : static_cast<uint32_t>(std::clamp(std::ceil(wait), 1.0, 3600.0));
    return refuse_all(std::move(r), done);
  }
  // 8: the rest runs on a verify worker, terminal lane first. The lambda
  // owns the request and `done` until it runs; when the queue refuses it,
  // it is destroyed unrun and `done` is answered here instead.
  auto shared_done = std::make_shared<Done>(std::move(done));
  auto shared_req = std::make_shared<IngestRequest>(std::move(req));
  const Admission queued =
      pool_.TrySubmit(lane, [this, shared_req, shared_done, table_id, table_index, leaf] {
        VerifyAndCommit(*shared_req, table_id, table_index, leaf, *shared_done);
      });
  if (queued == Admission::kQueued) return;
  table_limiter_.Refund(table_index, lane);
  if (queued == Admission::kStopped) {
    return refuse_all(
        IngestResult{IngestStatus::kUnavailable, "the center is shutting down", {}, table_id},
        *shared_done);
  }
  if (lane == VerifyLane::kTerminal) {
    const size_t depth = pool_.options().max_terminal_queue;
    return refuse_all(IngestResult{IngestStatus::kOverloaded,
                                   "terminal-lane verify queue full (" + std::to_string(depth) +
                                       " waiting); retry later",
                                   {},
                                   table_id},
                      *shared_done);
  }
  const size_t depth = pool_.options().max_public_queue;
  return refuse_all(IngestResult{IngestStatus::kRateLimited,
                                 "public-lane verify queue full (" + std::to_string(depth) +
                                     " waiting); retry later",
                                 {},
                                 table_id},
                    *shared_done);
}

bool IngestService::AnswerIfKnown(const Hash256& leaf, uint32_t table_id, Done& done) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(leaf);
  if (it == entries_.end()) {
    auto [verifying, first] = verifying_.try_emplace(leaf);
    if (first) return false;  // the caller verifies it
    verifying->second.push_back(std::move(done));
    return true;
  }
  if (!it->second.committed) {
    it->second.waiters.push_back(std::move(done));
    return true;
  }
  IngestResult r{it->second.conflict ? IngestStatus::kConflict : IngestStatus::kReplay, "",
                 Bytes(it->second.receipt.begin(), it->second.receipt.end()), table_id};
  lock.unlock();
  Finish(std::move(r), done);
  return true;
}

void IngestService::ReleaseVerifying(const Hash256& leaf, const IngestResult& result) {
  std::vector<Done> joined;
  {
    std::lock_guard lock(mu_);
    auto it = verifying_.find(leaf);
    if (it == verifying_.end()) return;
    joined = std::move(it->second);
    verifying_.erase(it);
  }
  for (const Done& d : joined) Finish(result, d);
}

void IngestService::VerifyAndCommit(IngestRequest& req, uint32_t table_id, size_t table_index,
                                    const Hash256& leaf, Done& done) {
  auto refuse = [&](IngestStatus status, std::string message) {
    IngestResult r{status, std::move(message), {}, table_id};
    ReleaseVerifying(leaf, r);
    Finish(std::move(r), done);
  };
  const Bytes& body = req.body;
  const TableRecord& table = manifest_.tables[table_index];
  // Decode, shape, signature.
  auto acta = DecodeActa(body);
  if (!acta) {
    return refuse(acta.error().code == ErrorCode::kUnsupportedVersion
                      ? IngestStatus::kUnsupportedVersion
                      : IngestStatus::kMalformed,
                  acta.error().message);
  }
  if (auto checked = CheckActaAgainstManifest(*acta, manifest_); !checked) {
    return refuse(IngestStatus::kMalformed, checked.error().message);
  }
  if (!acta->VerifySignature(table.key)) {
    // A forged acta gives its public-lane table token back: the global and
    // per-network budgets already bound what forging costs, and otherwise
    // anyone could keep table X's public bucket empty with forgeries and
    // shut out the observer who brings X's real acta.
    if (!req.has_mac) table_limiter_.Refund(table_index, VerifyLane::kPublic);
    return refuse(
        IngestStatus::kBadSignature,
        "signature does not verify with the machine key of table " + std::to_string(table_id));
  }
  // Register, sign the receipt, commit.
  const uint64_t now_ms = static_cast<uint64_t>(clock_.NowUnixMillis());
  const Signer* signer = receipt_key_.signer;
  uint32_t key_id = receipt_key_id_;
  if (receipt_keys_ != nullptr) {
    const ReceiptKeys::Current& key = receipt_keys_->current();
    signer = key.signer;
    key_id = key.key_id;
  }
  auto receipt = Receipt::SignWith(manifest_.election_id, leaf, now_ms, *signer, key_id);
  if (!receipt) {
    table_limiter_.Refund(table_index, req.has_mac ? VerifyLane::kTerminal : VerifyLane::kPublic);
    return refuse(IngestStatus::kUnavailable, "cannot sign the receipt (" + signer->Describe() +
                                                  "): " + receipt.error().message);
  }
  Bytes receipt_bytes = receipt->Encode();
  bool conflict = false;
  {
    std::unique_lock lock(mu_);
    // Copies that joined this verification are answered with ours.
    std::vector<Done> joined;
    if (auto v = verifying_.find(leaf); v != verifying_.end()) {
      joined = std::move(v->second);
      verifying_.erase(v);
    }
    auto [it, inserted] = entries_.try_emplace(leaf);
    if (!inserted) {
      // Defensive: an entry for these bytes appeared meanwhile; join it.
      if (!it->second.committed) {
        it->second.waiters.push_back(std::move(done));
        for (Done& d : joined) it->second.waiters.push_back(std::move(d));
        return;
      }
      IngestResult r{it->second.conflict ? IngestStatus::kConflict : IngestStatus::kReplay, "",
                     Bytes(it->second.receipt.begin(), it->second.receipt.end()), table_id};
      lock.unlock();
      for (const Done& d : joined) Finish(r, d);
      return Finish(std::move(r), done);
    }
    Entry& e = it->second;
    std::memcpy(e.receipt.data(), receipt_bytes.data(), kReceiptSize);
    Hash256& first = table_first_[table_index];
    if (first == Hash256{}) {
      first = leaf;
      e.first_of_table = true;
    } else {
      conflict = true;
    }
    e.conflict = conflict;
    e.waiters.push_back(std::move(done));  // first: it gets "accepted", the copies "replay"
    for (Done& d : joined) e.waiters.push_back(std::move(d));
  }
  store::AcceptedActa row;
  row.leaf_hash = leaf;
  row.table_id = table_id;
  row.correction = acta->body.correction;
  row.bytes = std::move(req.body);
  row.lane = req.has_mac ? store::Lane::kTerminal : store::Lane::kPublic;
  row.received_at_ms = now_ms;
  row.receipt = std::move(receipt_bytes);
  row.conflict = conflict;
  const VerifyLane lane = req.has_mac ? VerifyLane::kTerminal : VerifyLane::kPublic;
  auto submitted =
      committer_.Submit(std::move(row), [this, leaf, table_id, table_index, lane](Status st) {
        OnCommitted(leaf, table_id, table_index, lane, std::move(st));
      });
  if (!submitted) {
    OnCommitted(leaf, table_id, table_index, lane, std::unexpected(submitted.error()));
  }
}

void IngestService::OnCommitted(const Hash256& leaf, uint32_t table_id, size_t table_index,
                                VerifyLane lane, Status status) {
  // The center's own store pushing back (queue full, outage) must not use up
  // the table's budget: the terminal will retry the same acta.
  if (!status) table_limiter_.Refund(table_index, lane);
  std::vector<Done> waiters;
  IngestResult first_result;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(leaf);
    if (it == entries_.end()) return;
    Entry& e = it->second;
    waiters = std::move(e.waiters);
    e.waiters.clear();
    if (status) {
      e.committed = true;
      first_result = IngestResult{e.conflict ? IngestStatus::kConflict : IngestStatus::kAccepted,
                                  "", Bytes(e.receipt.begin(), e.receipt.end()), table_id};
    } else {
      // Not durable: forget it entirely so a retry starts from scratch.
      if (e.first_of_table) table_first_[table_index] = Hash256{};
      entries_.erase(it);
      IngestStatus s = status.error().code == ErrorCode::kResourceExhausted
                           ? IngestStatus::kOverloaded
                           : IngestStatus::kUnavailable;
      first_result = IngestResult{s, status.error().message, {}, table_id};
    }
  }
  if (status && on_durable_) on_durable_();
  for (size_t i = 0; i < waiters.size(); ++i) {
    IngestResult r = first_result;
    if (i > 0 && r.status == IngestStatus::kAccepted) r.status = IngestStatus::kReplay;
    Finish(std::move(r), waiters[i]);
  }
}

}  // namespace acta::center
