#include "verify/verifier.h"

#include "log/checkpoint.h"
#include "log/manifest_signatures.h"
#include "tally/csv_export.h"
#include "verify/dump_layout.h"
#include "verify/internal/checks.h"

namespace acta::verify {
namespace internal {

std::optional<Manifest> CheckManifest(const Files& files, const VerifyOptions& options,
                                      Report& report) {
  Bytes parts[3];
  const char* names[3] = {kManifestJson, kTablesBin, kManifestSig};
  for (int i = 0; i < 3; ++i) {
    auto data = files.Read(names[i]);
    if (!data) {
      report.Add({ProblemKind::kMissingFile,
                  data.error().message,
                  {},
                  {},
                  {},
                  names[i],
                  data.error().code});
      return std::nullopt;
    }
    parts[i] = std::move(*data);
  }
  auto manifest = ParseManifest(AsChars(parts[0]), parts[1]);
  if (!manifest) {
    report.Add({ProblemKind::kManifest,
                "does not parse: " + manifest.error().message,
                {},
                {},
                {},
                kManifestJson,
                manifest.error().code});
    return std::nullopt;
  }
  report.election_id = manifest->election_id;
  report.tables = manifest->tables.size();
  // Either form of manifest.sig (log/manifest_signatures.h): the
  // authority's signature must be among them.
  if (auto st = log::VerifyManifestSignatures(*manifest, AsChars(parts[2]),
                                              log::AuthorityOnlyTrust(*manifest));
      !st) {
    report.Add({ProblemKind::kManifest,
                "authority signature: " + st.error().message,
                {},
                {},
                {},
                kManifestSig,
                st.error().code});
    return std::nullopt;
  }
  if (options.pinned_authority && (options.pinned_authority->key != manifest->authority.key ||
                                   options.pinned_authority->name != manifest->authority.name)) {
    report.Add({ProblemKind::kManifest,
                "signed by authority " + manifest->authority.ToString() + ", not the pinned " +
                    options.pinned_authority->ToString(),
                {},
                {},
                {},
                kManifestSig,
                ErrorCode::kPermissionDenied});
    return std::nullopt;
  }
  if (options.expected_election_id && *options.expected_election_id != manifest->election_id) {
    report.Add({ProblemKind::kManifest,
                "election id " + HexEncode(manifest->election_id) + " is not the pinned " +
                    HexEncode(*options.expected_election_id),
                {},
                {},
                {},
                kManifestJson,
                ErrorCode::kWrongElection});
    return std::nullopt;
  }
  report.manifest_verified = true;
  return std::move(*manifest);
}

}  // namespace internal

Report VerifyFiles(const Files& files, const VerifyOptions& options) {
  Report report;
  if (auto bad = CheckChecksums(files); bad) {
    for (const auto& path : *bad) {
      report.Add({ProblemKind::kChecksum,
                  "content does not match SHA256SUMS",
                  {},
                  {},
                  {},
                  path,
                  ErrorCode::kCorruption});
    }
  } else if (bad.error().code != ErrorCode::kNotFound) {
    report.Add({ProblemKind::kMalformedFile,
                bad.error().message,
                {},
                {},
                {},
                kChecksumsFile,
                bad.error().code});
  }
  if (options.progress) options.progress("manifest", 0, 1);
  auto manifest = internal::CheckManifest(files, options, report);
  if (!manifest) return report;  // nothing else can be judged without it

  if (options.progress) options.progress("checkpoints", 0, 1);
  auto checkpoints = internal::CheckCheckpoints(files, *manifest, report);
  if (options.require_witnesses) internal::RequireWitnesses(*manifest, report);
  uint64_t size = 0;
  for (const auto& cp : checkpoints) {
    if (!cp.after_pin) size = std::max(size, cp.size);
  }

  auto entries = internal::LoadEntries(files, size, report);
  auto infos = internal::CheckEntries(*manifest, entries, options, report);
  auto conflicts = internal::FindConflicts(*manifest, entries, infos);

  if (options.progress) options.progress("tree", 0, infos.size());
  std::vector<Hash256> leaves;
  leaves.reserve(infos.size());
  for (const auto& info : infos) leaves.push_back(info.leaf);
  auto tree = log::MerkleTree::FromLeafHashes(leaves);
  internal::CheckTree(tree, checkpoints, *manifest, options.state, report);
  internal::CheckLaterCheckpoints(files, checkpoints, options.state, report);

  internal::CheckTally(files, *manifest, infos, conflicts, checkpoints, options, report);
  return report;
}

Result<std::string> RecomputeTableCsv(const Files& files, uint64_t size) {
  Report scratch;
  auto manifest = internal::CheckManifest(files, {}, scratch);
  if (!manifest) {
    const Problem& p = scratch.problems.front();
    return MakeError(p.code.value_or(ErrorCode::kMalformed), p.message);
  }
  auto entries = internal::LoadEntries(files, size, scratch);
  if (entries.size() < size) {
    return MakeError(ErrorCode::kNotFound, "the files hold " + std::to_string(entries.size()) +
                                               " entries, not " + std::to_string(size));
  }
  auto tally = tally::Tally::Create(*manifest);
  if (!tally) return std::unexpected(tally.error());
  for (uint64_t i = 0; i < size; ++i) {
    auto acta = DecodeActa(entries[i]);
    (void)tally->Apply(acta ? acta->body : ActaBody{}, i, LeafHashOf(entries[i]));
  }
  return tally::TableCsv(*tally);
}

Result<VerifierState> UpdatedState(const VerifierState& previous, const Report& report) {
  if (!report.ok() || report.latest_note.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "only a run without problems updates the state");
  }
  const std::string origin = log::LogOrigin(report.election_id);
  if (!previous.origin.empty() && previous.origin != origin) {
    return MakeError(ErrorCode::kWrongElection, "the state belongs to log " + previous.origin);
  }
  VerifierState state = previous;
  state.origin = origin;
  ACTA_RETURN_IF_ERROR(
      state.Remember({report.latest_size, report.latest_root, report.latest_note}));
  return state;
}

}  // namespace acta::verify
