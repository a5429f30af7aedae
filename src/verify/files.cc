#include "verify/files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/crypto.h"
#include "core/file.h"

namespace acta::verify {
namespace fs = std::filesystem;

Result<std::string> DirectoryFiles::Resolve(const std::string& path) const {
  if (path.empty() || path.front() == '/') {
    return MakeError(ErrorCode::kInvalidArgument, "bad dump path \"" + path + "\"");
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return MakeError(ErrorCode::kInvalidArgument, "bad dump path \"" + path + "\"");
    }
    start = end + 1;
  }
  return (fs::path(root_) / path).string();
}

Result<Bytes> DirectoryFiles::Read(const std::string& path) const {
  auto full = Resolve(path);
  if (!full) return std::unexpected(full.error());
  return ReadFile(*full);
}

Status DirectoryFiles::Write(const std::string& path, ByteSpan data) {
  auto full = Resolve(path);
  if (!full) return std::unexpected(full.error());
  std::error_code ec;
  fs::create_directories(fs::path(*full).parent_path(), ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot create directory for " + *full + ": " + ec.message());
  return WriteFileAtomic(*full, data);
}

Status DirectoryFiles::Remove(const std::string& path) {
  auto full = Resolve(path);
  if (!full) return std::unexpected(full.error());
  std::error_code ec;
  fs::remove(*full, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot remove " + *full + ": " + ec.message());
  // Drop the directory too if it is now empty (stale partial-tile folders).
  fs::path parent = fs::path(*full).parent_path();
  if (parent != fs::path(root_) && fs::is_empty(parent, ec) && !ec) fs::remove(parent, ec);
  return Ok();
}

std::vector<std::string> DirectoryFiles::List() const { return ListFrom(""); }

std::vector<std::string> DirectoryFiles::List(const std::string& dir) const {
  if (dir.empty() || dir.back() != '/' || !Resolve(dir.substr(0, dir.size() - 1))) return {};
  return ListFrom(dir);
}

std::vector<std::string> DirectoryFiles::ListFrom(const std::string& dir) const {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path start = fs::path(root_) / dir;
  // Relative paths by cutting the start's prefix: fs::relative would
  // resolve every path through the file system (a readlink per component).
  std::string start_prefix = start.generic_string();
  if (!start_prefix.ends_with('/')) start_prefix += '/';
  for (auto it = fs::recursive_directory_iterator(start, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string full = it->path().generic_string();
    if (!full.starts_with(start_prefix)) continue;
    std::string rel = dir + full.substr(start_prefix.size());
    // WriteFileAtomic's temporary files are not part of the dump.
    if (rel.find(".tmp") == std::string::npos) out.push_back(std::move(rel));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<Bytes> MemoryFiles::Read(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return MakeError(ErrorCode::kNotFound, "no such file: " + path);
  return it->second;
}

Status MemoryFiles::Write(const std::string& path, ByteSpan data) {
  files_[path] = Bytes(data.begin(), data.end());
  return Ok();
}

Status MemoryFiles::Remove(const std::string& path) {
  files_.erase(path);
  return Ok();
}

std::vector<std::string> MemoryFiles::List() const {
  std::vector<std::string> out;
  for (const auto& [path, data] : files_) out.push_back(path);
  return out;
}

std::vector<std::string> MemoryFiles::List(const std::string& dir) const {
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(dir); it != files_.end() && it->first.starts_with(dir); ++it)
    out.push_back(it->first);
  return out;
}

Status WriteChecksums(Files& files) {
  std::string text;
  for (const auto& path : files.List()) {
    if (path == kChecksumsFile) continue;
    auto data = files.Read(path);
    if (!data) return std::unexpected(data.error());
    text += HexEncode(Sha256(*data)) + "  " + path + "\n";
  }
  return files.Write(kChecksumsFile, AsBytes(text));
}

Result<std::map<std::string, Hash256>> ParseChecksums(std::string_view text) {
  std::map<std::string, Hash256> out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos)
      return MakeError(ErrorCode::kMalformed, "SHA256SUMS: last line has no newline");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    auto hash = line.size() > 66 && line.substr(64, 2) == "  "
                    ? HexDecodeFixed<32>(line.substr(0, 64))
                    : MakeError(ErrorCode::kMalformed, "");
    if (!hash) {
      return MakeError(ErrorCode::kMalformed, "SHA256SUMS line " + std::to_string(line_no) +
                                                  ": expected \"<64 hex>  <path>\"");
    }
    out[std::string(line.substr(66))] = *hash;
  }
  return out;
}

Result<std::vector<std::string>> CheckChecksums(const Files& files) {
  auto text = files.Read(kChecksumsFile);
  if (!text) return std::unexpected(text.error());
  auto sums = ParseChecksums(AsChars(*text));
  if (!sums) return std::unexpected(sums.error());
  std::vector<std::string> bad;
  for (const auto& [path, hash] : *sums) {
    auto data = files.Read(path);
    if (!data || Sha256(*data) != hash) bad.push_back(path);
  }
  return bad;
}

}  // namespace acta::verify
