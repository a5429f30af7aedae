// Where a reader finds a published log: a center's public API, a static
// mirror, or files already on disk. Paths are those of the dump layout
// (dump_layout.h): "checkpoint", "tile/entries/...", "manifest.json",
// "bulletin/<size>.json", ConsistencyProofPath(...); each source maps them
// to what it serves.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "terminal/http_client.h"
#include "verify/files.h"

namespace acta::verify {

class LogSource {
 public:
  virtual ~LogSource() = default;
  // Errors: kNotFound when the source says the file does not exist (404),
  // kUnavailable (or the client's error) when it cannot answer now: a
  // network failure, a timeout, a 5xx.
  [[nodiscard]] virtual Result<Bytes> Fetch(const std::string& path) = 0;
  // Unix milliseconds when the latest checkpoint of `size` was published,
  // when the source says (a center does, a static mirror does not).
  [[nodiscard]] virtual std::optional<int64_t> PublishedAtMs(uint64_t size) {
    (void)size;
    return std::nullopt;
  }
};

// A center's public listener (routes of docs/API.md), or with `mirror` a
// static copy of the dump layout served as files.
class HttpLogSource final : public LogSource {
 public:
  HttpLogSource(http::HttpClient& client, bool mirror) : client_(client), mirror_(mirror) {}
  Result<Bytes> Fetch(const std::string& path) override;
  std::optional<int64_t> PublishedAtMs(uint64_t size) override;
  // The route `path` maps to on this source.
  std::string Route(const std::string& path) const;

 private:
  http::HttpClient& client_;
  bool mirror_;
};

// Files (a dump directory, or memory in tests).
class FilesLogSource final : public LogSource {
 public:
  explicit FilesLogSource(const Files& files) : files_(files) {}
  Result<Bytes> Fetch(const std::string& path) override { return files_.Read(path); }

 private:
  const Files& files_;
};

}  // namespace acta::verify
