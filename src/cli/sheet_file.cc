#include "cli/sheet_file.h"

#include "core/file.h"
#include "print/sheet.h"

namespace acta::cli {

Result<std::vector<std::string>> WriteSheetFiles(const Acta& acta, const Manifest& manifest,
                                                 const SheetFileOptions& o) {
  print::SheetOptions so;
  so.png_dpi = o.dpi;
  if (o.paper == "a4") {
    so.paper = print::Paper::kA4;
  } else if (o.paper == "letter") {
    so.paper = print::Paper::kLetter;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "--paper must be a4 or letter, not " + o.paper);
  }
  std::string stem;
  if (o.path.ends_with(".pdf")) {
    so.format = print::SheetFormat::kPdf;
  } else if (o.path.ends_with(".png")) {
    so.format = print::SheetFormat::kPng;
    stem = o.path.substr(0, o.path.size() - 4);
  } else {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the sheet's file name must end in .pdf or .png: " + o.path);
  }
  auto files = print::RenderSheet(acta, manifest, so);
  if (!files) return std::unexpected(files.error());
  std::vector<std::string> written;
  for (size_t i = 0; i < files->size(); ++i) {
    const std::string path = i == 0 ? o.path : stem + "-" + std::to_string(i + 1) + ".png";
    ACTA_RETURN_IF_ERROR(WriteFileAtomic(path, (*files)[i]));
    written.push_back(path);
  }
  return written;
}

}  // namespace acta::cli
