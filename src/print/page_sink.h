// Where the sheet's pages go: one PDF document (pages appended with
// cairo_show_page) or one PNG per page. The drawing code sees a cairo
// context in points either way.
#pragma once

#include <cairo.h>

#include <memory>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "print/sheet.h"

namespace acta::print {

class PageSink {
 public:
  static std::unique_ptr<PageSink> Create(const SheetOptions& options);
  virtual ~PageSink() = default;
  // A blank page (white) to draw on, in points; the previous one is done.
  virtual cairo_t* NewPage() = 0;
  // Ends the last page and returns the files. Errors: kInternal.
  virtual Result<std::vector<Bytes>> Finish() = 0;
};

}  // namespace acta::print
