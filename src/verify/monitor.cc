#include "verify/monitor.h"

#include <algorithm>
#include <filesystem>

#include "core/acta_check.h"
#include "core/file.h"
#include "core/receipt.h"
#include "core/strict_json.h"
#include "log/checkpoint.h"
#include "log/cosigned_checkpoint.h"
#include "log/proof.h"
#include "log/receipt_key.h"
#include "log/tiles.h"
#include "tally/bulletin.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"
#include "verify/json_diff.h"
#include "verify/monitor_evidence.h"

namespace acta::verify {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kStateFile[] = "monitor.json";
constexpr char kMonitorStateFormat[] = "acta-monitor-state-v1";

std::string LeafKey(const Hash256& h) { return std::string(h.begin(), h.end()); }

}  // namespace

Monitor::Monitor(LogSource& source, const MonitorOptions& options, const Clock& clock,
                 MonitorSink sink)
    : source_(source), options_(options), clock_(clock), sink_(std::move(sink)) {}

Monitor::~Monitor() = default;

Result<std::unique_ptr<Monitor>> Monitor::Open(LogSource& source, const MonitorOptions& options,
                                               const Clock& clock, MonitorSink sink) {
  if (options.state_dir.empty())
    return MakeError(ErrorCode::kInvalidArgument, "the monitor needs a state directory");
  std::unique_ptr<Monitor> m(new Monitor(source, options, clock, std::move(sink)));
  ACTA_RETURN_IF_ERROR(m->LoadOrStart());
  return m;
}

Status Monitor::LoadOrStart() {
  std::error_code ec;
  fs::create_directories(fs::path(options_.state_dir) / "log", ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot create " + options_.state_dir + ": " + ec.message());
  local_ = std::make_unique<DirectoryFiles>((fs::path(options_.state_dir) / "log").string());
  // The manifest is fetched once and kept: a source that later serves
  // another one does not change what this monitor checks against.
  for (const char* name : {kManifestJson, kTablesBin, kManifestSig}) {
    if (local_->Read(name)) continue;
    auto data = source_.Fetch(name);
    if (!data) return std::unexpected(data.error());
    ACTA_RETURN_IF_ERROR(local_->Write(name, *data));
  }
  VerifyOptions vo;
  vo.pinned_authority = options_.pinned_authority;
  vo.expected_election_id = options_.expected_election_id;
  Report report;
  auto manifest = internal::CheckManifest(*local_, vo, report);
  if (!manifest) {
    const Problem& p = report.problems.front();
    return MakeError(p.code.value_or(ErrorCode::kMalformed),
                     "manifest (" + p.where + "): " + p.message);
  }
  manifest_ = std::make_unique<Manifest>(std::move(*manifest));
  auto tally = tally::Tally::Create(*manifest_);
  if (!tally) return std::unexpected(tally.error());
  tally_ = std::make_unique<tally::Tally>(std::move(*tally));

  const std::string state_path = (fs::path(options_.state_dir) / kStateFile).string();
  auto text = ReadTextFile(state_path);
  if (!text) {
    if (text.error().code != ErrorCode::kNotFound) return std::unexpected(text.error());
    ACTA_RETURN_IF_ERROR(SaveState());
  } else {
    json j = json::parse(*text, nullptr, false);
    if (JsonString(j, "format") != kMonitorStateFormat || !JsonString(j, "note"))
      return MakeError(ErrorCode::kMalformed, state_path + ": not an acta monitor state");
    const std::string origin = JsonString(j, "origin").value_or("");
    if (origin != log::LogOrigin(manifest_->election_id))
      return MakeError(ErrorCode::kWrongElection,
                       state_path + " follows log " + origin + ", not this one");
    held_.note = j["note"].get<std::string>();
    if (!held_.note.empty()) {
      auto cp = internal::VerifyCenterCheckpoint(held_.note, *manifest_);
      if (!cp) return MakeError(cp.error().code, state_path + ": " + cp.error().message);
      held_.size = cp->size;
      held_.root = cp->root;
    }
    if (j.contains("alarmed") && j["alarmed"].is_array()) {
      for (const auto& k : j["alarmed"]) {
        if (k.is_string()) alarmed_kinds_.insert(k.get<std::string>());
      }
    }
  }
  ACTA_RETURN_IF_ERROR(Replay());
  if (held_.note.empty()) held_.root = tree_.Root();  // nothing held yet: the empty tree
  stats_.size = held_.size;
  Emit({{"event", "start"},
        {"election", HexEncode(manifest_->election_id)},
        {"size", held_.size},
        {"root", HexEncode(held_.root)}});
  return Ok();
}

// Rebuilds the tree and the tally from the entries held on disk. Their
// signatures were checked when they arrived; the root, signed by the center,
// vouches that the files are still those entries. One bundle at a time, so a
// restart at a million entries does not hold them all in memory at once.
Status Monitor::Replay() {
  if (held_.size == 0) return Ok();
  std::vector<Hash256> leaves;
  leaves.reserve(held_.size);
  for (const log::TileId& tile : EntryBundlesFor(held_.size)) {
    auto data = local_->Read(log::TilePath(tile));
    auto bundle = data ? log::ParseEntryBundle(*data) : std::unexpected(data.error());
    if (!bundle || bundle->size() != tile.width) break;
    for (const Bytes& entry : *bundle) {
      leaves.push_back(LeafHashOf(entry));
      auto acta = DecodeActa(entry);
      (void)tally_->Apply(acta ? acta->body : ActaBody{}, leaves.size() - 1, leaves.back());
    }
  }
  if (leaves.size() < held_.size)
    return MakeError(ErrorCode::kCorruption,
                     "the state directory holds " + std::to_string(leaves.size()) +
                         " entries, not the " + std::to_string(held_.size) + " it remembers");
  tree_.Append(leaves);
  if (!options_.receipts_dir.empty()) logged_.insert(leaves.begin(), leaves.end());
  if (tree_.Root() != held_.root)
    return MakeError(ErrorCode::kCorruption, "the entries in " + local_->root() +
                                                 " no longer give the root " +
                                                 HexEncode(held_.root) + " remembered for size " +
                                                 std::to_string(held_.size));
  stats_.entries_verified = held_.size;
  return Ok();
}

Status Monitor::SaveState() {
  json alarmed = json::array();
  for (const auto& k : alarmed_kinds_) alarmed.push_back(k);
  json j = {{"format", kMonitorStateFormat},
            {"origin", log::LogOrigin(manifest_->election_id)},
            {"size", held_.size},
            {"root", HexEncode(held_.root)},
            {"note", held_.note},
            {"alarmed", alarmed}};
  return WriteFileAtomic((fs::path(options_.state_dir) / kStateFile).string(), j.dump(1) + "\n");
}

void Monitor::Emit(json event) {
  event["time_ms"] = clock_.NowUnixMillis();
  if (sink_) sink_(event);
}

Status Monitor::Poll() {
  ScanReceipts();
  auto fetched = source_.Fetch(kLatestCheckpoint);
  if (!fetched) {
    ++stats_.unavailable;
    Emit({{"event", "unavailable"}, {"what", "checkpoint"}, {"error", fetched.error().message}});
    return std::unexpected(fetched.error());
  }
  const std::string note(AsChars(*fetched));
  auto cp = internal::VerifyCenterCheckpoint(note, *manifest_);
  if (!cp) {
    Evidence ev;
    ev.pinned_note = note;
    ev.listed = {{note, 0}};
    Alarm("checkpoint_signature", "the served checkpoint does not verify: " + cp.error().message,
          {{"note", note}}, ev);
    return Ok();
  }
  if (cp->size > held_.size) {
    ACTA_RETURN_IF_ERROR(Extend(*cp, note));
  } else {
    ACTA_RETURN_IF_ERROR(JudgeSmallerOrEqual(*cp, note));
  }
  CheckWitnesses(*cp, note);
  CheckBulletin();
  CheckReceipts();
  return Ok();
}

Status Monitor::JudgeSmallerOrEqual(const log::Checkpoint& cp, const std::string& note) {
  if (cp.size == held_.size && cp.root == held_.root) return Ok();  // nothing new
  Evidence ev;
  ev.pinned_note = held_.note;
  ev.listed = {{held_.note, 0}, {note, 0}};
  ev.entries = held_.size;
  auto root = tree_.RootAt(cp.size);
  if (!root || *root != cp.root) {
    Alarm("fork",
          "two signed trees: size " + std::to_string(cp.size) + " with root " + HexEncode(cp.root) +
              " is not the log held (root " + (root ? HexEncode(*root) : std::string("?")) +
              " at that size, from the checkpoint of size " + std::to_string(held_.size) + ")",
          {{"size", cp.size}, {"held_size", held_.size}, {"root", HexEncode(cp.root)}}, ev);
    return Ok();
  }
  if (options_.source_is_mirror) {
    Emit({{"event", "stale"}, {"size", cp.size}, {"held_size", held_.size}});
    return Ok();
  }
  Alarm("rollback",
        "the center now serves a checkpoint of size " + std::to_string(cp.size) +
            " after signing one of size " + std::to_string(held_.size),
        {{"size", cp.size}, {"held_size", held_.size}}, ev);
  return Ok();
}

Status Monitor::Extend(const log::Checkpoint& cp, const std::string& note) {
  const uint64_t from = held_.size, to = cp.size;
  struct Fetched {
    log::TileId tile;
    Bytes data;
  };
  std::vector<Fetched> bundles;
  std::vector<Bytes> fresh;
  fresh.reserve(to - from);
  for (uint64_t idx = from / log::kTileWidth; idx * log::kTileWidth < to; ++idx) {
    const uint64_t start = idx * log::kTileWidth;
    const auto width = static_cast<uint32_t>(std::min<uint64_t>(log::kTileWidth, to - start));
    const log::TileId tile{true, 0, idx, width};
    auto data = source_.Fetch(log::TilePath(tile));
    std::optional<std::vector<Bytes>> parsed;
    if (data) {
      auto p = log::ParseEntryBundle(*data);
      if (p && p->size() >= width) parsed = std::move(*p);
    }
    if (!parsed) {
      if (data || data.error().code == ErrorCode::kNotFound) {
        // Signed entries the source does not serve (or serves short): a
        // checkpoint beyond the log once it lasts past the grace.
        const int64_t now = clock_.NowUnixMillis();
        if (!missing_since_ms_) missing_since_ms_ = now;
        if (now - *missing_since_ms_ >= options_.missing_entries_grace.count()) {
          Evidence ev;
          ev.pinned_note = note;
          ev.listed = {{held_.note, 0}, {note, 0}};
          ev.entries = from;
          Alarm("checkpoint_beyond_log",
                "the checkpoint of size " + std::to_string(to) + " is signed but entries from " +
                    std::to_string(start) + " are not served (" +
                    std::to_string((now - *missing_since_ms_) / 1000) + " s)",
                {{"size", to}, {"missing_from", start}}, ev);
        }
      }
      ++stats_.unavailable;
      const std::string why = data ? "malformed or short bundle" : data.error().message;
      Emit({{"event", "unavailable"}, {"what", log::TilePath(tile)}, {"error", why}});
      return MakeError(ErrorCode::kUnavailable, log::TilePath(tile) + ": " + why);
    }
    // Entries already held must come back unchanged.
    for (uint64_t k = 0; k < width && start + k < from; ++k) {
      const Hash256 leaf = LeafHashOf((*parsed)[k]);
      if (leaf != *tree_.LeafHash(start + k)) {
        Evidence ev;
        ev.pinned_note = held_.note;
        ev.listed = {{held_.note, 0}};
        ev.entries = from;
        ev.served_from = start;
        ev.served.assign(parsed->begin(), parsed->begin() + (from - start));
        Alarm("entry_replaced",
              "entry " + std::to_string(start + k) + " is served with leaf hash " +
                  HexEncode(leaf) + ", not the " + HexEncode(*tree_.LeafHash(start + k)) +
                  " covered by the checkpoint of size " + std::to_string(held_.size),
              {{"entry", start + k}, {"size", to}}, ev);
        return Ok();
      }
    }
    for (uint64_t k = std::max(start, from) - start; k < width; ++k)
      fresh.push_back(std::move((*parsed)[k]));
    bundles.push_back({tile, std::move(*data)});
  }
  missing_since_ms_.reset();

  std::vector<Hash256> leaves;
  leaves.reserve(fresh.size());
  for (const auto& e : fresh) leaves.push_back(LeafHashOf(e));
  tree_.Append(leaves);
  if (tree_.Root() != cp.root) {
    const Hash256 ours = tree_.Root();
    tree_.Truncate(from);
    Evidence ev;
    ev.pinned_note = note;
    ev.listed = {{held_.note, 0}, {note, 0}};
    ev.entries = from;
    ev.served_from = from;
    ev.served = fresh;
    auto proof_bytes = source_.Fetch(ConsistencyProofPath(from, to));
    std::optional<Status> proven;
    if (proof_bytes) {
      auto hashes = internal::ParseConsistencyProofJson(*proof_bytes, from, to);
      proven = hashes ? log::VerifyConsistency(from, to, *hashes, held_.root, cp.root)
                      : Status(std::unexpected(hashes.error()));
      ev.files.push_back({ConsistencyProofPath(from, to), *proof_bytes});
    }
    if (proven && !*proven) {
      // The center's own proof cannot join its two signed trees: the
      // evidence is the held log, both checkpoints and that proof.
      ev.pinned_note = held_.note;
      ev.served.clear();
      Alarm("fork",
            "the checkpoint of size " + std::to_string(to) +
                " does not extend the one held (size " + std::to_string(from) +
                "): " + proven->error().message,
            {{"size", to}, {"held_size", from}}, ev);
    } else {
      Alarm("entries_mismatch",
            "the entries served for [" + std::to_string(from) + ", " + std::to_string(to) +
                ") give root " + HexEncode(ours) + ", not the signed " + HexEncode(cp.root),
            {{"size", to}, {"held_size", from}}, ev);
    }
    return Ok();
  }

  // The signed root vouches for the entries; now judge each acta.
  for (uint64_t i = 0; i < fresh.size(); ++i) {
    const uint64_t index = from + i;
    auto acta = DecodeActa(fresh[i]);
    const bool valid = acta && VerifyActa(*acta, *manifest_).has_value();
    if (!valid) {
      ++stats_.entries_invalid;
      Evidence ev;
      ev.pinned_note = note;
      ev.listed = {{note, 0}};
      ev.entries = from;
      ev.served_from = from;
      ev.served = fresh;
      Alarm("invalid_entry",
            "entry " + std::to_string(index) + " is not a valid acta of this election: " +
                (acta ? VerifyActa(*acta, *manifest_).error().message : acta.error().message),
            {{"entry", index}}, ev);
    }
    auto outcome = tally_->Apply(acta ? acta->body : ActaBody{}, index, leaves[i]);
    if (outcome && *outcome == tally::ApplyOutcome::kConflict) {
      ++stats_.conflicts;
      auto first = tally_->StatusOf(acta->body.table_id);
      Emit({{"event", "alarm"},
            {"kind", "conflict"},
            {"table", acta->body.table_id},
            {"entry", index},
            {"first_entry", first ? first->seq : 0},
            {"message", "table " + std::to_string(acta->body.table_id) +
                            " has two different validly signed actas (entries " +
                            std::to_string(first ? first->seq : 0) + " and " +
                            std::to_string(index) + ")"}});
    }
    if (!options_.receipts_dir.empty()) logged_.insert(leaves[i]);
    if (auto it = pending_.find(LeafKey(leaves[i])); it != pending_.end()) {
      ++stats_.receipts_logged;
      pending_.erase(it);
    }
  }
  stats_.entries_verified += fresh.size();
  stats_.receipts_pending = pending_.size();

  // Durable before it counts as held: bundles, then the checkpoint, then
  // the state that names it.
  for (const auto& b : bundles) {
    const std::string path = log::TilePath(b.tile);
    ACTA_RETURN_IF_ERROR(local_->Write(path, b.data));
    // Narrower bundles of the same index are superseded.
    const std::string partials = log::TilePath({true, 0, b.tile.index, log::kTileWidth}) + ".p/";
    for (const auto& other : local_->List(partials)) {
      if (other != path) ACTA_RETURN_IF_ERROR(local_->Remove(other));
    }
  }
  // The held log stays a dump of its own (one checkpoint, no CSV) that
  // `acta verify --dump` reads.
  const std::optional<int64_t> published = source_.PublishedAtMs(to);
  const json list = json::array({{{"size", to},
                                  {"root", HexEncode(cp.root)},
                                  {"created_at_ms", published.value_or(0)},
                                  {"note", note}}});
  ACTA_RETURN_IF_ERROR(local_->Write(kCheckpointsJson, AsBytes(list.dump() + "\n")));
  if (!local_->Read(kDumpJson)) {
    const json meta = {
        {"format", kDumpFormat}, {"center", "acta monitor state"}, {"tables_csv_size", nullptr}};
    ACTA_RETURN_IF_ERROR(local_->Write(kDumpJson, AsBytes(meta.dump(1) + "\n")));
  }
  ACTA_RETURN_IF_ERROR(local_->Write(kLatestCheckpoint, AsBytes(note)));
  held_ = {to, cp.root, note};
  ACTA_RETURN_IF_ERROR(SaveState());
  stats_.size = to;
  ++stats_.checkpoints_verified;
  json event = {{"event", "checkpoint"},
                {"size", to},
                {"root", HexEncode(cp.root)},
                {"new_entries", fresh.size()}};
  if (published) {
    const double lag = static_cast<double>(clock_.NowUnixMillis() - *published);
    stats_.lags_ms.push_back(lag);
    event["lag_ms"] = lag;
  }
  Emit(std::move(event));
  return Ok();
}

void Monitor::CheckWitnesses(const log::Checkpoint& cp, const std::string& note) {
  if (manifest_->witnesses.empty()) return;
  auto checked = log::VerifyCheckpointForManifest(note, *manifest_);
  if (!checked) {
    // The center's line verified (Poll): a listed witness's line fails, and
    // readers must reject the whole note.
    Evidence ev;
    ev.pinned_note = note;
    ev.listed = {{note, 0}};
    Alarm("witness_signature",
          "the checkpoint of size " + std::to_string(cp.size) +
              " carries a witness cosignature that does not verify: " + checked.error().message,
          {{"size", cp.size}}, ev);
    return;
  }
  json names = json::array();
  for (const auto& s : checked->witnesses) names.push_back(manifest_->witnesses[s.key].name);
  const int64_t now = clock_.NowUnixMillis();
  if (checked->quorum) {
    if (cp.size > quorum_size_ || below_quorum_since_ms_) {
      ++stats_.checkpoints_cosigned;
      Emit({{"event", "cosigned"}, {"size", cp.size}, {"witnesses", names}});
    }
    quorum_size_ = std::max(quorum_size_, cp.size);
    below_quorum_since_ms_.reset();
    quorum_alarmed_ = false;
    return;
  }
  // Witnesses cosign a moment after the center signs: below the quorum is
  // an alarm only once no checkpoint with it has been seen for the grace.
  if (!below_quorum_since_ms_) below_quorum_since_ms_ = now;
  const int64_t below_ms = now - *below_quorum_since_ms_;
  if (quorum_alarmed_ || below_ms < options_.witness_grace.count()) return;
  quorum_alarmed_ = true;
  std::string missing;
  for (size_t i = 0; i < manifest_->witnesses.size(); ++i) {
    bool signed_it = false;
    for (const auto& s : checked->witnesses) signed_it = signed_it || s.key == i;
    if (!signed_it) missing += (missing.empty() ? "" : ", ") + manifest_->witnesses[i].name;
  }
  std::string message =
      "the checkpoint of size " + std::to_string(cp.size) + " is cosigned by " +
      std::to_string(checked->witnesses.size()) + " of " +
      std::to_string(manifest_->witnesses.size()) + " witnesses, the manifest requires " +
      std::to_string(manifest_->witness_quorum) + "; no checkpoint with the " + "quorum for " +
      std::to_string(below_ms / 1000) +
      " s (the last: " + (quorum_size_ > 0 ? "size " + std::to_string(quorum_size_) : "none") +
      "); not cosigned by " + missing +
      ". Witnesses refuse a checkpoint that does not extend what they cosigned "
      "(a split view: another log shown to others), or the center cannot reach "
      "them";
  json said = json::array();
  for (const std::string& line : AskWitnesses()) {
    said.push_back(line);
    message += "; " + line;
  }
  Evidence ev;
  ev.pinned_note = note;
  ev.listed = {{note, 0}};
  ev.entries = held_.size;
  Alarm("witness_quorum", message,
        {{"size", cp.size},
         {"witnesses", names},
         {"quorum", manifest_->witness_quorum},
         {"witnesses_say", said}},
        ev);
}

std::vector<std::string> Monitor::AskWitnesses() {
  std::vector<std::string> out;
  if (!options_.witness_checkpoint) return out;
  for (size_t i = 0; i < manifest_->witnesses.size(); ++i) {
    const ManifestWitness& w = manifest_->witnesses[i];
    auto note = options_.witness_checkpoint(w);
    if (!note) {
      out.push_back(w.name + ": no answer (" + note.error().message + ")");
      continue;
    }
    log::SignerQuorum only{{log::NoteKey::Of(w.key)}, 1};
    auto theirs = log::VerifyCosignedCheckpoint(*note, manifest_->centers,
                                                log::LogOrigin(manifest_->election_id), only);
    if (!theirs || !theirs->quorum) {
      out.push_back(w.name +
                    ": its checkpoint does not verify as signed by a center key and "
                    "cosigned by it" +
                    (theirs ? std::string() : " (" + theirs.error().message + ")"));
      continue;
    }
    const log::Checkpoint& c = theirs->checkpoint;
    const std::string said = w.name + " cosigned size " + std::to_string(c.size) + " root " +
                             HexEncode(c.root).substr(0, 16);
    if (c.size > held_.size) {
      out.push_back(said + ", beyond the log this monitor is shown (size " +
                    std::to_string(held_.size) + ")");
      continue;
    }
    auto ours = tree_.RootAt(c.size);
    if (ours && *ours == c.root) {
      out.push_back(said + ", a prefix of the log this monitor is shown");
      continue;
    }
    out.push_back(said + ", which is NOT the log this monitor is shown: split view");
    // Two center-signed trees of one size, or a larger one this log is not
    // a prefix of: the witness's copy proves the fork offline.
    Evidence ev;
    ev.pinned_note = held_.note;
    ev.listed = {{*note, 0}, {held_.note, 0}};
    ev.entries = held_.size;
    Alarm("fork",
          "the center signed size " + std::to_string(c.size) + " with root " + HexEncode(c.root) +
              " (cosigned by witness " + w.name + ") but shows this monitor root " +
              (ours ? HexEncode(*ours) : std::string("?")) + " at that size: a split view",
          {{"size", c.size}, {"held_size", held_.size}, {"witness", w.name}}, ev);
  }
  return out;
}

void Monitor::CheckBulletin() {
  if (!options_.check_bulletins || held_.size == 0 || bulletin_checked_size_ == held_.size) return;
  const int64_t now = clock_.NowUnixMillis();
  if (options_.bulletin_interval.count() > 0 &&
      now - last_bulletin_ms_ < options_.bulletin_interval.count())
    return;
  const std::string path = BulletinPath(held_.size);
  auto data = source_.Fetch(path);
  if (!data) {
    Emit({{"event", "unavailable"}, {"what", path}, {"error", data.error().message}});
    return;
  }
  last_bulletin_ms_ = now;
  bulletin_checked_size_ = held_.size;
  const std::string published(AsChars(*data));
  json j = json::parse(published, nullptr, false);
  uint64_t generated_at = 0;
  if (j.is_object() && j.contains("generated_at") && j["generated_at"].is_number_unsigned())
    generated_at = j["generated_at"].get<uint64_t>();
  auto expected = tally::BuildBulletin(*tally_, {held_.size, held_.root}, generated_at);
  if (!expected) return;
  ++stats_.bulletins_checked;
  if (*expected == published) return;
  auto diff = FirstJsonDifference(published, *expected);
  Evidence ev;
  ev.pinned_note = held_.note;
  ev.listed = {{held_.note, static_cast<int64_t>(generated_at) * 1000}};
  ev.entries = held_.size;
  ev.files.push_back({path, *data});
  Alarm("bulletin",
        "the bulletin of size " + std::to_string(held_.size) + " differs from the totals at " +
            "its checkpoint" +
            (diff ? " at " + diff->path + ": published " + diff->published + ", recomputed " +
                        diff->expected
                  : std::string()),
        {{"size", held_.size}, {"path", diff ? diff->path : ""}}, ev);
}

void Monitor::ScanReceipts() {
  if (options_.receipts_dir.empty()) return;
  std::error_code ec;
  std::vector<std::pair<std::string, Receipt>> fresh;
  for (fs::recursive_directory_iterator it(options_.receipts_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_regular_file() || it->file_size() != kReceiptSize) continue;
    const std::string file = it->path().string();
    if (receipt_files_.contains(file)) continue;
    auto bytes = ReadFile(file);
    if (!bytes) continue;  // being written: next scan
    auto receipt = Receipt::Decode(*bytes);
    // By a manifest center key, or by a receipt key a center key certified
    // (a center whose key is in a token): certificates come from the
    // source's /v1/receipt-keys, fetched again when a receipt names a key
    // the ring lacks.
    if (!receipt_keys_) receipt_keys_ = std::make_unique<log::ReceiptKeyRing>(*manifest_);
    Status checked = receipt ? receipt_keys_->Verify(*receipt) : Ok();
    if (receipt && !checked && checked.error().code == ErrorCode::kNotFound) {
      auto body = source_.Fetch(std::string(log::kReceiptKeysPath.substr(1)));
      if (!body && body.error().code != ErrorCode::kNotFound) continue;  // next scan
      if (body) (void)receipt_keys_->AddCertificates(AsChars(*body));
      checked = receipt_keys_->Verify(*receipt);
    }
    receipt_files_.insert(file);
    if (!receipt || !checked) {
      Emit({{"event", "receipt_invalid"}, {"file", file}});
      continue;
    }
    fresh.emplace_back(file, *receipt);
  }
  for (const auto& [file, r] : fresh) {
    if (logged_.contains(r.leaf_hash)) {
      ++stats_.receipts_logged;
    } else {
      pending_[LeafKey(r.leaf_hash)] = {file, static_cast<int64_t>(r.received_at_ms)};
    }
  }
  stats_.receipts_pending = pending_.size();
}

void Monitor::CheckReceipts() {
  const int64_t now = clock_.NowUnixMillis();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.received_at_ms <= options_.merge_delay.count()) {
      ++it;
      continue;
    }
    Hash256 leaf{};
    std::copy(it->first.begin(), it->first.end(), leaf.begin());
    auto bytes = ReadFile(it->second.file);
    Evidence ev;
    ev.pinned_note = held_.note;
    ev.listed = {{held_.note, 0}};
    ev.entries = held_.size;
    if (bytes) ev.files.push_back({"receipts/" + HexEncode(leaf) + ".receipt", *bytes});
    ++stats_.receipts_missing;
    Alarm("receipt_missing",
          "the acta with leaf hash " + HexEncode(leaf) + " was receipted at " +
              std::to_string(it->second.received_at_ms) + " ms but is not in the log of size " +
              std::to_string(held_.size) + " after the merge delay of " +
              std::to_string(options_.merge_delay.count() / 1000) + " s",
          {{"leaf_hash", HexEncode(leaf)}, {"receipt", it->second.file}, {"size", held_.size}}, ev);
    it = pending_.erase(it);
  }
  stats_.receipts_pending = pending_.size();
}

void Monitor::Alarm(const std::string& kind, const std::string& message, json details,
                    const Evidence& evidence) {
  const std::string key = kind + "/" + details.dump();
  if (!alarm_keys_.insert(key).second) return;  // already raised
  ++stats_.alarms;
  json event = {{"event", "alarm"}, {"kind", kind}, {"message", message}};
  for (auto& [k, v] : details.items()) event[k] = v;
  if (!alarmed_kinds_.contains(kind)) {
    const std::string dir = (fs::path(options_.state_dir) / "evidence" /
                             (kind + "-" + std::to_string(clock_.NowUnixMillis())))
                                .string();
    auto written = WriteEvidence(dir, *local_, evidence, event);
    if (written) {
      alarmed_kinds_.insert(kind);
      (void)SaveState();
      event["evidence"] = dir;
    } else {
      event["evidence_error"] = written.error().message;
    }
  }
  Emit(std::move(event));
}

}  // namespace acta::verify
