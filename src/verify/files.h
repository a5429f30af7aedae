// The set of files a verifier reads: a dump directory on disk
// (docs/FORMATS.md, "Dump directory") or the same files held in memory
// (fetched straight from a center, or built by a test). Paths are relative,
// '/'-separated, as in the dump layout ("tile/entries/000.p/50").
//
// Thread-safety: Read on DirectoryFiles may run concurrently; MemoryFiles is
// safe for concurrent Read only while nobody writes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::verify {

class Files {
 public:
  virtual ~Files() = default;
  // Errors: kNotFound when the file is absent, kIo otherwise.
  [[nodiscard]] virtual Result<Bytes> Read(const std::string& path) const = 0;
  // Creates or replaces the file (atomically on disk). Errors: kIo.
  [[nodiscard]] virtual Status Write(const std::string& path, ByteSpan data) = 0;
  // Removes a file; absent files are fine. Errors: kIo.
  [[nodiscard]] virtual Status Remove(const std::string& path) = 0;
  // Every file, sorted by path.
  [[nodiscard]] virtual std::vector<std::string> List() const = 0;
  // Every file under the folder `dir` ("tile/entries/000.p/"; it ends in
  // '/'), sorted by path, without visiting the rest of the files: a monitor
  // asks this at every checkpoint of a log of millions of entries.
  [[nodiscard]] virtual std::vector<std::string> List(const std::string& dir) const = 0;
};

// Files under a directory. Paths with "..", absolute paths or empty
// components are refused (kInvalidArgument): names come from the network.
class DirectoryFiles final : public Files {
 public:
  explicit DirectoryFiles(std::string root) : root_(std::move(root)) {}
  Result<Bytes> Read(const std::string& path) const override;
  Status Write(const std::string& path, ByteSpan data) override;
  Status Remove(const std::string& path) override;
  std::vector<std::string> List() const override;
  std::vector<std::string> List(const std::string& dir) const override;
  const std::string& root() const { return root_; }

 private:
  Result<std::string> Resolve(const std::string& path) const;
  // Files under root_/dir ("" for all of them), as paths relative to root_.
  std::vector<std::string> ListFrom(const std::string& dir) const;
  std::string root_;
};

class MemoryFiles final : public Files {
 public:
  Result<Bytes> Read(const std::string& path) const override;
  Status Write(const std::string& path, ByteSpan data) override;
  Status Remove(const std::string& path) override;
  std::vector<std::string> List() const override;
  std::vector<std::string> List(const std::string& dir) const override;
  std::map<std::string, Bytes>& map() { return files_; }

 private:
  std::map<std::string, Bytes> files_;
};

// SHA256SUMS in the `sha256sum` format ("<64 hex>  <path>\n", sorted by
// path), covering every file except SHA256SUMS itself, so
// `sha256sum -c SHA256SUMS` checks a dump with standard tools.
inline constexpr char kChecksumsFile[] = "SHA256SUMS";
[[nodiscard]] Status WriteChecksums(Files& files);
// Paths whose content no longer matches SHA256SUMS, or that it lists but are
// missing. Errors: kNotFound (no SHA256SUMS), kMalformed (a bad line).
[[nodiscard]] Result<std::vector<std::string>> CheckChecksums(const Files& files);
// Parses SHA256SUMS into path -> hash. Errors: kMalformed.
[[nodiscard]] Result<std::map<std::string, Hash256>> ParseChecksums(std::string_view text);

}  // namespace acta::verify
