// Reads an acta the way users hand it over: a path to the binary acta, a
// path to a file holding the QR text, or the QR text itself.
#pragma once

#include <string>

#include "core/acta.h"

namespace acta::cli {

Result<Acta> ReadActaInput(const std::string& input);

}  // namespace acta::cli
