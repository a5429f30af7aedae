// Writing the printed acta sheet (print/sheet.h) to files, shared by
// `acta print` and `acta sign --sheet`: the format follows the file name
// (.pdf or .png), PNG pages after the first get "-2", "-3"... before the
// extension.
#pragma once

#include <string>
#include <vector>

#include "core/acta.h"
#include "core/manifest.h"

namespace acta::cli {

struct SheetFileOptions {
  std::string path;          // ends in .pdf or .png
  std::string paper = "a4";  // "a4" or "letter"
  int dpi = 200;             // PNG only
};

// The paths written. Errors: kInvalidArgument (extension, paper, dpi, or an
// acta not of this manifest), kIo, kInternal.
Result<std::vector<std::string>> WriteSheetFiles(const Acta& acta, const Manifest& manifest,
                                                 const SheetFileOptions& options);

}  // namespace acta::cli
