// Checkpoint checks that need no entries: signatures, origins, the JSON
// list against the signed notes, and the order of sizes and roots.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/strict_json.h"
#include "log/checkpoint.h"
#include "log/cosigned_checkpoint.h"
#include "log/note.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"

namespace acta::verify::internal {
namespace {

using nlohmann::json;

std::string Label(const PublishedCp& cp) {
  return "checkpoint #" + std::to_string(cp.index) + " (size " + std::to_string(cp.size) + ")";
}

std::vector<PublishedCp> LoadList(const Files& files, Report& report) {
  std::vector<PublishedCp> out;
  auto data = files.Read(kCheckpointsJson);
  if (!data) {
    report.Add({ProblemKind::kMissingFile,
                data.error().message,
                {},
                {},
                {},
                kCheckpointsJson,
                data.error().code});
    return out;
  }
  json list = json::parse(AsChars(*data), nullptr, false);
  if (!list.is_array()) {
    report.Add({ProblemKind::kMalformedFile,
                "not a JSON array",
                {},
                {},
                {},
                kCheckpointsJson,
                ErrorCode::kMalformed});
    return out;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    PublishedCp cp;
    cp.index = i;
    try {
      cp.size = JsonInteger<uint64_t>(list[i].at("size"));
      auto root = HexDecodeFixed<32>(list[i].at("root").get<std::string>());
      if (!root) throw std::runtime_error("root is not 64 hex digits");
      cp.root = *root;
      cp.created_at_ms = JsonInteger<uint64_t>(list[i].at("created_at_ms"));
      cp.note = list[i].at("note").get<std::string>();
    } catch (const std::exception& e) {
      report.Add({ProblemKind::kMalformedFile,
                  "checkpoint #" + std::to_string(i) + ": " + e.what(),
                  {},
                  {},
                  {},
                  kCheckpointsJson,
                  ErrorCode::kMalformed});
      continue;
    }
    out.push_back(std::move(cp));
  }
  return out;
}

// Which of the manifest's witnesses cosigned `note` (already verified as
// the center's); a failing cosignature by one of them is a problem.
std::optional<std::vector<std::string>> Cosigners(const std::string& note, const Manifest& manifest,
                                                  const std::string& label, uint64_t size,
                                                  Report& report) {
  if (manifest.witnesses.empty()) return std::nullopt;
  // Most listed checkpoints carry the center's line only (witnesses cosign
  // the newest): nothing more to check there.
  auto parsed = log::ParseNote(note);
  if (parsed && parsed->signatures.size() < 2) return std::vector<std::string>{};
  auto checked = log::VerifyCheckpointForManifest(note, manifest);
  if (!checked) {
    report.Add({ProblemKind::kWitnessSignature,
                label + ": " + checked.error().message,
                {},
                {},
                size,
                {},
                checked.error().code});
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const auto& s : checked->witnesses) names.push_back(manifest.witnesses[s.key].name);
  return names;
}

// Verifies the note of `cp` and reconciles it with the JSON fields.
void CheckOne(PublishedCp& cp, const Manifest& manifest, const std::string& origin,
              Report& report) {
  auto parsed = log::ParseCheckpointUnverified(cp.note);
  if (!parsed) {
    report.Add({ProblemKind::kMalformedFile,
                Label(cp) + ": note does not parse: " + parsed.error().message,
                {},
                {},
                cp.size,
                kCheckpointsJson,
                parsed.error().code});
    return;
  }
  cp.parsed = true;
  if (parsed->size != cp.size || parsed->root != cp.root) {
    report.Add({ProblemKind::kCheckpointMismatch,
                Label(cp) + ": the listed size/root (" + std::to_string(cp.size) + ", " +
                    HexEncode(cp.root) + ") differ from the signed note (" +
                    std::to_string(parsed->size) + ", " + HexEncode(parsed->root) + ")",
                {},
                {},
                parsed->size,
                kCheckpointsJson,
                {}});
  }
  // What is signed is what counts from here on.
  cp.size = parsed->size;
  cp.root = parsed->root;
  if (parsed->origin != origin) {
    report.Add({ProblemKind::kCheckpointOrigin,
                Label(cp) + ": origin \"" + parsed->origin + "\" is not this election's \"" +
                    origin + "\"",
                {},
                {},
                cp.size,
                {},
                ErrorCode::kWrongElection});
    return;
  }
  auto note = log::ParseNote(cp.note);
  if (!note) return;  // ParseCheckpointUnverified already accepted it
  for (const auto& sig : note->signatures) {
    const VerifierKey* key = manifest.FindCenter(sig.key_id);
    if (key == nullptr || key->name != sig.name) continue;
    auto verified = log::ParseAndVerifyCheckpoint(cp.note, *key, origin);
    if (verified) {
      cp.signed_ok = true;
      if (auto names = Cosigners(cp.note, manifest, Label(cp), cp.size, report)) {
        cp.witnesses = std::move(*names);
      }
      return;
    }
    report.Add({ProblemKind::kCheckpointSignature,
                Label(cp) + ": signature by center key " + key->name +
                    " does not verify: " + verified.error().message,
                {},
                {},
                cp.size,
                {},
                verified.error().code});
    return;
  }
  std::string names;
  for (const auto& sig : note->signatures) {
    char id[16];
    std::snprintf(id, sizeof id, "%08x", sig.key_id);
    names += (names.empty() ? "" : ", ") + sig.name + "+" + id;
  }
  report.Add({ProblemKind::kCheckpointSignature,
              Label(cp) + ": not signed by any center key listed in the manifest (signed by " +
                  names + ")",
              {},
              {},
              cp.size,
              {},
              ErrorCode::kBadSignature});
}

}  // namespace

std::vector<PublishedCp> CheckCheckpoints(const Files& files, const Manifest& manifest,
                                          Report& report) {
  std::vector<PublishedCp> cps = LoadList(files, report);
  // The separately served latest checkpoint must be in the list (the
  // center lists every checkpoint it signs); if it is not, it is one more
  // published checkpoint to check.
  size_t latest_index = cps.empty() ? 0 : cps.size() - 1;
  std::string latest_note;  // the "checkpoint" file when it differs from its list entry
  if (auto latest = files.Read(kLatestCheckpoint); latest) {
    std::string note(AsChars(*latest));
    // The same checkpoint may carry more cosignatures in one file than in
    // the other (they arrive while a dump is taken): match on the signed text.
    auto text_of = [](std::string_view n) {
      auto parsed = log::ParseNote(n);
      return parsed ? parsed->text : std::string(n);
    };
    const std::string text = text_of(note);
    auto found = std::find_if(cps.begin(), cps.end(),
                              [&](const PublishedCp& c) { return text_of(c.note) == text; });
    if (found != cps.end() && found->note != note) latest_note = note;
    latest_index = static_cast<size_t>(found - cps.begin());
    if (found == cps.end()) {
      PublishedCp cp;
      cp.index = cps.size();
      cp.note = std::move(note);
      cp.latest_file_only = true;
      if (auto parsed = log::ParseCheckpointUnverified(cp.note)) {
        cp.size = parsed->size;
        cp.root = parsed->root;
      }
      report.Add({ProblemKind::kCheckpointMismatch,
                  "the latest checkpoint (size " + std::to_string(cp.size) +
                      ") is not in checkpoints.json",
                  {},
                  {},
                  cp.size,
                  kLatestCheckpoint,
                  {}});
      cps.push_back(std::move(cp));
    }
  }
  if (cps.empty()) {
    report.Add({ProblemKind::kMissingFile,
                "no checkpoint at all",
                {},
                {},
                {},
                kCheckpointsJson,
                ErrorCode::kNotFound});
    return cps;
  }
  // Everything signed after the pinned checkpoint is later news on a log
  // that kept growing while it was read (verifier.h).
  for (size_t i = latest_index + 1; i < cps.size(); ++i) cps[i].after_pin = true;
  const std::string origin = log::LogOrigin(manifest.election_id);
  for (auto& cp : cps) CheckOne(cp, manifest, origin, report);
  report.checkpoints = cps.size();

  // Sizes never shrink in signing order; one size never has two roots.
  const PublishedCp* largest = nullptr;
  std::map<uint64_t, const PublishedCp*> by_size;
  for (const auto& cp : cps) {
    if (!cp.parsed) continue;
    if (largest != nullptr && cp.size < largest->size) {
      report.Add({ProblemKind::kShrink,
                  Label(cp) + " is smaller than " + Label(*largest) + " signed before it",
                  {},
                  {},
                  cp.size,
                  {},
                  {}});
    }
    if (largest == nullptr || cp.size > largest->size) largest = &cp;
    auto [it, inserted] = by_size.emplace(cp.size, &cp);
    if (!inserted && it->second->root != cp.root) {
      report.Add({ProblemKind::kFork,
                  "two roots for size " + std::to_string(cp.size) + ": " +
                      HexEncode(it->second->root) + " (" + Label(*it->second) + ") and " +
                      HexEncode(cp.root) + " (" + Label(cp) + ")",
                  {},
                  {},
                  cp.size,
                  {},
                  {}});
    }
  }
  const PublishedCp& last = cps[latest_index];
  report.latest_size = last.size;
  report.latest_root = last.root;
  if (last.signed_ok) report.latest_note = last.note;

  report.witnesses_listed = manifest.witnesses.size();
  report.witness_quorum = manifest.witness_quorum;
  for (const auto& cp : cps) {
    if (!cp.witnesses.empty()) report.cosigned.push_back({cp.size, cp.witnesses});
  }
  report.latest_witnesses = last.witnesses;
  if (last.signed_ok && !latest_note.empty()) {
    // The latest as served separately, with its own cosignatures.
    auto names = Cosigners(latest_note, manifest, "the latest checkpoint", last.size, report);
    if (names && names->size() > report.latest_witnesses.size()) {
      report.latest_witnesses = std::move(*names);
      report.latest_note = latest_note;
    }
  }
  report.latest_quorum = last.signed_ok && !manifest.witnesses.empty() &&
                         report.latest_witnesses.size() >= manifest.witness_quorum;
  return cps;
}

void RequireWitnesses(const Manifest& manifest, Report& report) {
  if (manifest.witnesses.empty()) {
    report.Add({ProblemKind::kWitnessQuorum,
                "witnesses are required but the manifest lists none",
                {},
                {},
                {},
                {},
                {}});
    return;
  }
  if (report.latest_quorum) return;
  std::string names, missing;
  for (const auto& n : report.latest_witnesses) names += (names.empty() ? "" : ", ") + n;
  for (const auto& w : manifest.witnesses) {
    if (std::find(report.latest_witnesses.begin(), report.latest_witnesses.end(), w.name) ==
        report.latest_witnesses.end())
      missing += (missing.empty() ? "" : ", ") + w.name;
  }
  // No listed checkpoint with the quorum either (the pin prefers one): the
  // witnesses have not cosigned this log, which they refuse to do for a
  // log inconsistent with what they cosigned before (a split view), or
  // they are unreachable from the center.
  report.Add({ProblemKind::kWitnessQuorum,
              "the pinned checkpoint (size " + std::to_string(report.latest_size) +
                  ") is cosigned by " + std::to_string(report.latest_witnesses.size()) +
                  " of the " + std::to_string(manifest.witnesses.size()) + " witnesses (" +
                  (names.empty() ? std::string("none") : names) + "); the manifest requires " +
                  std::to_string(manifest.witness_quorum) + "; not cosigned by " + missing +
                  ". Witnesses refuse a checkpoint that does not extend the ones they cosigned "
                  "(another view of the log shown elsewhere), or the center could not reach them",
              {},
              {},
              report.latest_size,
              {},
              {}});
}

}  // namespace acta::verify::internal

namespace acta::verify::internal {

Result<log::Checkpoint> VerifyCenterCheckpoint(std::string_view note, const Manifest& manifest) {
  auto parsed = log::ParseNote(note);
  if (!parsed) return std::unexpected(parsed.error());
  const std::string origin = log::LogOrigin(manifest.election_id);
  for (const auto& sig : parsed->signatures) {
    const VerifierKey* key = manifest.FindCenter(sig.key_id);
    if (key != nullptr && key->name == sig.name)
      return log::ParseAndVerifyCheckpoint(note, *key, origin);
  }
  return MakeError(ErrorCode::kBadSignature,
                   "the checkpoint is not signed by any center key listed in the manifest");
}

}  // namespace acta::verify::internal
