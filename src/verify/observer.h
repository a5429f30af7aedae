// An observer's check of one acta (from a photo, a QR scan or a terminal's
// copy): is it in the center's log, provably, and counted as it reads?
//
//  1. fetch and verify the manifest (signature, optional pins) and the acta
//     against it (VerifyActa);
//  2. fetch the latest checkpoint and verify its signature and origin;
//  3. ask /v1/proof/inclusion for the acta's leaf hash at that size and
//     verify the proof against the checkpoint's root;
//  4. fetch /v1/tables/{id}: the table must be "counted" with this very
//     acta (same leaf hash, same log index) and these counts.
#pragma once

#include <optional>

#include "core/acta.h"
#include "core/keys.h"
#include "terminal/http_client.h"
#include "verify/report.h"

namespace acta::verify {

struct ObserverOptions {
  std::optional<VerifierKey> pinned_authority;
  std::optional<Hash256> expected_election_id;
};

struct ObserverReport {
  Report report;  // problems; report.latest_size/root: the checkpoint used
  uint32_t table_id = 0;
  Hash256 leaf_hash{};
  std::optional<uint64_t> index;  // log index, once proven
  std::string table_status;       // "counted", "conflict", "missing" as the center says
};

// Errors are network or HTTP failures only (kUnavailable, kNotFound for a
// missing manifest...); everything the center answers wrongly is a problem
// in the report.
[[nodiscard]] Result<ObserverReport> VerifyActaInLog(http::HttpClient& client, const Acta& acta,
                                                     const ObserverOptions& options = {});

}  // namespace acta::verify
