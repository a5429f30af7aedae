// Reads an acta the way users hand it over: a path to the binary acta, a
// path to a file holding the QR text, the QR text itself, or a PNG photo or
// scan of the printed sheet (its QR code is decoded).
#pragma once

#include <string>

#include "core/acta.h"

namespace acta::cli {

Result<Acta> ReadActaInput(const std::string& input);

}  // namespace acta::cli
