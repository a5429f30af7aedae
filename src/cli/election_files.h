// Loading the pieces of an election directory that several commands need.
#pragma once

#include <string>

#include "core/election_secrets.h"
#include "core/manifest.h"

namespace acta::cli {

// Loads DIR's manifest (signatures checked). `pin` is an optional verifier
// key string (C2SP form) the authority key must equal; `trust_file` an
// optional trust file (signers and quorum, log/manifest_signatures.h),
// else the manifest's authority alone must have signed.
Result<Manifest> LoadElection(const std::string& dir, const std::string& pin = "",
                              const std::string& trust_file = "");

// The signing key of a table: from --key FILE (a C2SP signer key file) when
// given, else from DIR/secrets/table-keys.bin. Checks that the key matches
// the machine key the manifest lists for the table (kPermissionDenied).
Result<SigningKey> LoadTableKey(const std::string& dir, const Manifest& manifest, uint32_t table_id,
                                const std::string& key_file);

// Index of a table in manifest.tables, or kUnknownTable.
Result<size_t> TableIndex(const Manifest& manifest, uint32_t table_id);

}  // namespace acta::cli
