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
#include "core/manifest.h"
#include "log/checkpoint.h"
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
  // The acta the center counts (or, for a conflict, logged first) for the
  // table, as /v1/tables/{id} shows it: its leaf hash (hex) and its counts
  // (election and table id copied from the acta checked). Filled whenever
  // the table has one, also when the acta checked is not in the log.
  std::string logged_leaf_hash;
  std::optional<ActaBody> logged;
};

// Steps 1 and 2, done once for many actas: the manifest and the latest
// checkpoint, verified. When either does not verify, `report` holds the
// problem and the result is empty.
struct ObservedLog {
  Manifest manifest;
  log::Checkpoint checkpoint;
  std::string note;  // the checkpoint as the center served it
};
[[nodiscard]] Result<std::optional<ObservedLog>> OpenObservedLog(http::HttpClient& client,
                                                                 const ObserverOptions& options,
                                                                 Report& report);

// Steps 3 and 4 for one acta at the observed checkpoint (the acta itself is
// verified against the manifest first). Thread-safe for distinct clients.
[[nodiscard]] Result<ObserverReport> CheckActaInLog(http::HttpClient& client,
                                                    const ObservedLog& log, const Acta& acta);

// Errors are network or HTTP failures only (kUnavailable, kNotFound for a
// missing manifest...); everything the center answers wrongly is a problem
// in the report.
[[nodiscard]] Result<ObserverReport> VerifyActaInLog(http::HttpClient& client, const Acta& acta,
                                                     const ObserverOptions& options = {});

}  // namespace acta::verify
