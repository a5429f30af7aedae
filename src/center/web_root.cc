#include "center/web_root.h"

#include <filesystem>
#include <system_error>
#include <vector>

namespace acta::center {
namespace fs = std::filesystem;

namespace {

bool HasIndex(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "index.html", ec);
}

// The running binary's directory, from /proc (argv[0] may be a bare name
// found on PATH, or relative to a directory we have since left).
fs::path ExecutableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

Result<std::string> FindWebRoot(std::string_view requested) {
  if (!requested.empty()) {
    if (HasIndex(fs::path(requested))) return std::string(requested);
    return std::unexpected(Error{ErrorCode::kInvalidArgument,
                                 "--web-root " + std::string(requested) +
                                     " has no index.html (build the dashboard: make demo, or "
                                     "npm run build in web/)"});
  }
  std::vector<fs::path> candidates;
  if (const fs::path dir = ExecutableDir(); !dir.empty()) {
    candidates.push_back(dir.parent_path() / "share" / "acta" / "web");
  }
  candidates.emplace_back(ACTA_SOURCE_WEB_ROOT);
  candidates.emplace_back("web/dist");
  for (const fs::path& dir : candidates) {
    if (HasIndex(dir)) {
      std::error_code ec;
      const fs::path absolute = fs::absolute(dir, ec);
      return (ec ? dir : absolute).lexically_normal().string();
    }
  }
  return std::string();
}

}  // namespace acta::center
