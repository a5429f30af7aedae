#include "center/audit_files.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>
#include <vector>

#include "core/file.h"

namespace acta::center {
namespace {

namespace fs = std::filesystem;

bool IsAuditName(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// The files an audit directory holds, and their content types.
const char* AuditFileType(std::string_view file) {
  if (file == "audit.json") return "application/json";
  if (file == "checkpoint") return "text/plain; charset=utf-8";
  if (file == "reported.csv") return "text/csv; charset=utf-8";
  if (!file.starts_with("round-")) return nullptr;
  file.remove_prefix(6);
  const size_t slash = file.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash > 6 || file[0] == '0') return nullptr;
  if (!std::all_of(file.begin(), file.begin() + static_cast<ptrdiff_t>(slash),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return nullptr;
  }
  const std::string_view name = file.substr(slash + 1);
  if (name == "sample.csv" || name == "hand_counts.csv") return "text/csv; charset=utf-8";
  if (name == "teams.txt") return "text/plain; charset=utf-8";
  return nullptr;
}

http::Response NotFound() {
  return http::Response::Error(404, "not_found", "no such audit file; see docs/API.md");
}

}  // namespace

http::Response ServeAuditFile(const std::string& root, std::string_view rest) {
  if (rest == "index.json") {
    std::vector<std::string> names;
    std::error_code ec;
    if (!root.empty()) {
      for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator();
           it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (IsAuditName(name) && fs::is_regular_file(it->path() / "audit.json", ec))
          names.push_back(name);
      }
    }
    std::sort(names.begin(), names.end());
    return http::Response::Json(200, nlohmann::json{{"audits", names}}.dump() + "\n");
  }
  const size_t slash = rest.find('/');
  if (root.empty() || slash == std::string_view::npos) return NotFound();
  const std::string_view name = rest.substr(0, slash);
  const std::string_view file = rest.substr(slash + 1);
  const char* type = AuditFileType(file);
  if (!IsAuditName(name) || type == nullptr) return NotFound();
  auto data = ReadFile((fs::path(root) / name / file).string());
  if (!data) return NotFound();
  http::Response r;
  r.status = 200;
  r.content_type = type;
  r.body = std::move(*data);
  return r;
}

}  // namespace acta::center
