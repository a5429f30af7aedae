// Checks of a decoded acta against the manifest, shared by the center, the
// verifier and `acta inspect` so that all three judge an acta the same way.
#pragma once

#include "core/acta.h"
#include "core/manifest.h"

namespace acta {

// Cheap checks, in order: election id (kWrongElection), known table
// (kUnknownTable), contest and candidate counts equal to the manifest's
// (kMalformed). On success returns the table's manifest record.
Result<const TableRecord*> CheckActaAgainstManifest(const Acta& acta, const Manifest& manifest);

// CheckActaAgainstManifest, then the Ed25519 signature with the table's
// machine key (kBadSignature).
Result<const TableRecord*> VerifyActa(const Acta& acta, const Manifest& manifest);

}  // namespace acta
