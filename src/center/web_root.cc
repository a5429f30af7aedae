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

// The build tree holding the running binary (the nearest directory above it
// with CMakeCache.txt), or "" for an installed binary.
fs::path BuildTreeOf(const fs::path& exe_dir) {
  std::error_code ec;
  for (fs::path dir = exe_dir; !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "CMakeCache.txt", ec)) return dir;
    if (dir == dir.parent_path()) break;
  }
  return {};
}

}  // namespace

std::string SourceTreeOfRunningBinary() {
  const fs::path dir = ExecutableDir();
  if (dir.empty()) return "";
  const fs::path build = BuildTreeOf(dir);
  // Relative to the build tree, so that no absolute path of the machine
  // that built it is in the binary (a reproducible build: docs/SECURITY.md).
  return build.empty() ? "" : (build / ACTA_SOURCE_FROM_BUILD_TREE).lexically_normal().string();
}

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
    if (const std::string source = SourceTreeOfRunningBinary(); !source.empty()) {
      candidates.push_back(fs::path(source) / "web" / "dist");
    }
  }
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
