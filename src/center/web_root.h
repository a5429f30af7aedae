// Where the built dashboard (index.html and its assets) is, wherever acta
// is started from: the center and the demo serve it on the public listener.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace acta::center {

// The web root to serve. With `requested` non-empty (--web-root), that
// directory, which must hold index.html (else kInvalidArgument naming it).
// Otherwise the first of these that holds index.html:
//   1. the installed location beside the binary: <dir of acta>/../share/acta/web
//      (/usr/bin/acta -> /usr/share/acta/web, as `make deb` installs it);
//   2. the source tree the binary was built from (its web/dist), for a binary
//      still in its build tree (found as the nearest directory above the
//      binary holding CMakeCache.txt; the path from there to web/dist is
//      compiled in relative, so the binary holds no absolute path);
//   3. web/dist under the working directory.
// Returns "" when none does: the API still works and `/` answers 404, so
// callers say so once at start-up.
Result<std::string> FindWebRoot(std::string_view requested);

// The source tree the running binary was built from, while the binary is
// still in its build tree (the nearest directory above it holding
// CMakeCache.txt, then the path to the sources compiled in relative to it),
// or "" for an installed binary. For files that are installed beside the
// binary and used from the sources before (the dashboard, scripts).
std::string SourceTreeOfRunningBinary();

}  // namespace acta::center
