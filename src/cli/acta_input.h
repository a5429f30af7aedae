// Reads an acta the way users hand it over: a path to the binary acta, a
// path to a file holding the QR text, the QR text itself, or a photo or scan
// of the printed sheet (JPEG, PNG or WebP; its QR code is found and decoded).
#pragma once

#include <string>
#include <vector>

#include "core/acta.h"

namespace acta::cli {

// Exactly one acta. A photo holding codes of several different actas is
// kInvalidArgument (which one was meant is not for us to guess).
Result<Acta> ReadActaInput(const std::string& input);

// Every acta whose QR code a photo file shows (at least one). Errors:
// kNotFound (no QR code, or none holding an acta), kMalformed (not an
// image, or a code whose acta text does not decode).
Result<std::vector<Acta>> ReadActasInPhoto(const std::string& path, ByteSpan file);

}  // namespace acta::cli
