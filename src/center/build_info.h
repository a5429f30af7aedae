// The acta executable a center runs: its version and SHA-256, served on
// GET /version and as the acta_build_info metric, and checked at start
// against the manifest's release_hashes (docs/SECURITY.md, "Reproducible
// build"). A guard against deploying the wrong build by mistake, not
// attestation: a modified binary can report any hash it likes.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "core/manifest.h"

namespace acta::center {

struct BuildInfo {
  std::string version;     // acta's version (CMake's PROJECT_VERSION)
  std::string executable;  // the file hashed, as /proc/self/exe resolves
  Hash256 sha256{};        // of that file's bytes
};

// Hashes the executable at `path` (by default /proc/self/exe: the running
// program's own file, even if a newer one was installed over it since). The
// result for a path is kept for the life of the process, so a process that
// starts several centers (tests, the demo) reads its file once. kNotFound or
// kIo naming the path if it cannot be read.
Result<BuildInfo> ReadBuildInfo(const std::string& path = "/proc/self/exe");

// Ok when the manifest pins no release hash or pins this executable's;
// else kPermissionDenied with a message naming this executable's hash and
// every pinned one.
Status CheckReleaseHash(const Manifest& manifest, const BuildInfo& build);

// GET /version: {"version","sha256","executable","release_pinned"}, where
// release_pinned says whether the manifest pins release hashes (a center
// that runs then runs one of them).
std::string VersionJson(const BuildInfo& build, const Manifest& manifest);

// acta_build_info{version="...",sha256="..."} 1
void RenderBuildInfoMetric(const BuildInfo& build, std::string& out);

}  // namespace acta::center
