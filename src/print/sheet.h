// The printed acta: the sheet a terminal prints at close of polls and the
// table's observers take home. It shows the election, the table and its
// place in the region tree, registered voters, ballots cast, every
// contest's counts, the acta's QR code (its whole signed text form, so a
// photo of the sheet is the acta), the acta's fingerprint (leaf hash) and
// how to check it. Rendered with cairo as PDF (vector, A4 or Letter) or PNG
// pages. Labels are bilingual (Spanish / English), as the sheet is read by
// people of both.
#pragma once

#include <vector>

#include "core/acta.h"
#include "core/manifest.h"

namespace acta::print {

enum class Paper { kA4, kLetter };
enum class SheetFormat { kPdf, kPng };

struct SheetOptions {
  Paper paper = Paper::kA4;
  SheetFormat format = SheetFormat::kPdf;
  int png_dpi = 200;  // PNG only: 200 dpi is what a thermal or office printer resolves
};

// The sheet of `acta`, which must be an acta of `manifest` (its table in
// the manifest, one count per candidate). Long actas flow over several
// pages; the QR code is on the first. PDF: one file of all pages. PNG: one
// file per page. Errors: kInvalidArgument (acta not of this manifest, bad
// options), kInternal (cairo failed).
Result<std::vector<Bytes>> RenderSheet(const Acta& acta, const Manifest& manifest,
                                       const SheetOptions& options);

// Paper size in PostScript points (1/72 inch).
struct PageSize {
  double width;
  double height;
};
PageSize PaperSize(Paper paper);

}  // namespace acta::print
