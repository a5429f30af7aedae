// The risk-limiting audit at the end of `acta demo --audit`: plans a
// batch-comparison audit of the first contest from everything the center
// published (fetched as `acta audit plan --center` does), simulates each
// round's hand count from the synthetic truth (the paper), with
// `paper_errors` tables whose paper moves a quarter of the reported
// winner's votes to the runner-up, records rounds until the audit stops or
// needs a full hand count, then fetches the audit as the center publishes
// it, checks it equals the directory written, and verifies it against the log.
// The directory is ROOT/<contest id>, which the demo's center publishes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/election_secrets.h"
#include "core/manifest.h"

namespace acta::sim {

struct DemoAuditResult {
  std::string status;  // audit::AuditStatusName
  uint32_t rounds = 0;
  uint64_t tables_counted = 0;  // hand counted over every round
  bool verified = false;        // the published audit verifies against the log
  bool published = false;       // the center serves every file of the directory, unchanged
};

// Errors: fetching the published log, planning or recording (all
// unexpected in a demo whose log verified).
Result<DemoAuditResult> RunDemoAudit(const std::string& public_url, const Manifest& manifest,
                                     const Truth& truth, uint64_t seed, uint32_t paper_errors,
                                     const std::string& audit_root, FILE* out);

}  // namespace acta::sim
