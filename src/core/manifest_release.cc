// The manifest's optional release hashes (manifest.h): the one hex form
// they are written in, and adding them from the command line.
#include <algorithm>

#include "core/manifest.h"

namespace acta {

Result<Hash256> ParseReleaseHash(std::string_view hex) {
  constexpr std::string_view kWhat = "must be 64 lowercase hex digits (a SHA-256)";
  if (hex.size() != 64) {
    return MakeError(ErrorCode::kMalformed,
                     std::string(kWhat) + ", not " + std::to_string(hex.size()) + " characters");
  }
  for (size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      // Printable characters are quoted as they are, others by code.
      const unsigned char u = static_cast<unsigned char>(c);
      const std::string shown =
          u >= 0x20 && u < 0x7f ? "'" + std::string(1, c) + "'" : "byte " + std::to_string(u);
      return MakeError(ErrorCode::kMalformed, std::string(kWhat) + "; character " +
                                                  std::to_string(i + 1) + " is " + shown);
    }
  }
  auto bytes = HexDecodeFixed<32>(hex);
  if (!bytes) return std::unexpected(bytes.error());
  return *bytes;
}

Status AddReleaseHashes(Manifest& m, const std::vector<std::string>& hex) {
  for (const std::string& h : hex) {
    auto hash = ParseReleaseHash(h);
    if (!hash) {
      return MakeError(ErrorCode::kMalformed,
                       "release hash \"" + h + "\": " + hash.error().message);
    }
    if (std::find(m.release_hashes.begin(), m.release_hashes.end(), *hash) !=
        m.release_hashes.end()) {
      return MakeError(ErrorCode::kMalformed, "release hash " + h + " is listed twice");
    }
    if (m.release_hashes.size() == kMaxReleaseHashes) {
      return MakeError(ErrorCode::kMalformed,
                       "at most " + std::to_string(kMaxReleaseHashes) + " release hashes");
    }
    m.release_hashes.push_back(*hash);
  }
  m.Finalize();
  return Ok();
}

}  // namespace acta
