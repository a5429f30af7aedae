#include "center/build_info.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/crypto.h"

#ifndef ACTA_VERSION
#error "ACTA_VERSION is defined by src/center/CMakeLists.txt"
#endif

namespace acta::center {
namespace {

Result<Hash256> HashFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                     "cannot open the acta executable " + path + ": " + std::strerror(errno));
  }
  Sha256Hasher hasher;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return MakeError(ErrorCode::kIo,
                       "cannot read the acta executable " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    hasher.Update(ByteSpan(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return hasher.Finish();
}

}  // namespace

Result<BuildInfo> ReadBuildInfo(const std::string& path) {
  // A running executable's file cannot be written (ETXTBSY) and
  // /proc/self/exe stays the running one, so its hash never changes
  // within a process.
  static std::mutex mu;
  static std::map<std::string, BuildInfo> known;
  std::lock_guard lock(mu);
  if (auto it = known.find(path); it != known.end()) return it->second;
  auto hash = HashFile(path);
  if (!hash) return std::unexpected(hash.error());
  BuildInfo b;
  b.version = ACTA_VERSION;
  std::error_code ec;
  const auto resolved = std::filesystem::read_symlink(path, ec);
  b.executable = ec ? path : resolved.string();
  b.sha256 = *hash;
  known.emplace(path, b);
  return b;
}

Status CheckReleaseHash(const Manifest& manifest, const BuildInfo& build) {
  if (manifest.release_hashes.empty()) return Ok();
  std::string pinned;
  for (const Hash256& h : manifest.release_hashes) {
    if (h == build.sha256) return Ok();
    pinned += (pinned.empty() ? "" : ", ") + HexEncode(h);
  }
  return MakeError(ErrorCode::kPermissionDenied,
                   "this acta executable (" + build.executable + ") has SHA-256 " +
                       HexEncode(build.sha256) +
                       ", which the manifest's release_hashes do not list (" + pinned +
                       "): install the release build the manifest names");
}

std::string VersionJson(const BuildInfo& build, const Manifest& manifest) {
  nlohmann::json j = {{"version", build.version},
                      {"sha256", HexEncode(build.sha256)},
                      {"executable", build.executable},
                      {"release_pinned", !manifest.release_hashes.empty()}};
  return j.dump() + "\n";
}

void RenderBuildInfoMetric(const BuildInfo& build, std::string& out) {
  out +=
      "# HELP acta_build_info The acta executable this center runs: its version and SHA-256 "
      "(always 1).\n# TYPE acta_build_info gauge\nacta_build_info{version=\"" +
      build.version + "\",sha256=\"" + HexEncode(build.sha256) + "\"} 1\n";
}

}  // namespace acta::center
