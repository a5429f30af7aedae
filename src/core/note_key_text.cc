#include "core/note_key_text.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/file.h"
#include "core/keys.h"

namespace acta::key_text {
namespace {

std::string KeyIdHex(uint32_t id) {
  uint8_t b[4] = {static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
                  static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
  return HexEncode(b);
}

std::string_view TrimLine(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.remove_suffix(1);
  return s;
}

}  // namespace

uint32_t KeyId(std::string_view name, const PublicKey& key, uint8_t type) {
  Bytes msg(name.begin(), name.end());
  msg.push_back('\n');
  msg.push_back(type);
  msg.insert(msg.end(), key.begin(), key.end());
  return LoadU32(Sha256(msg).data());
}

Result<Parts> Parse(std::string_view text, std::string_view what, uint8_t type) {
  text = TrimLine(text);
  auto p1 = text.find('+');
  if (p1 == std::string_view::npos)
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": missing '+'");
  auto p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": missing key id");
  Parts parts;
  parts.name = std::string(text.substr(0, p1));
  if (!IsValidKeyName(parts.name))
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": invalid key name");
  auto id = HexDecodeFixed<4>(text.substr(p1 + 1, p2 - p1 - 1));
  if (!id)
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": key id must be 8 hex digits");
  parts.key_id = LoadU32(id->data());
  auto blob = Base64Decode(text.substr(p2 + 1));
  if (!blob)
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": key data is not base64");
  if (blob->size() != 33 || (*blob)[0] != type) {
    char want[8];
    std::snprintf(want, sizeof want, "0x%02x", type);
    return MakeError(ErrorCode::kMalformed,
                     std::string(what) + ": key data must be " + want + " followed by 32 bytes");
  }
  std::copy(blob->begin() + 1, blob->end(), parts.material.begin());
  return parts;
}

std::string Format(std::string_view name, uint32_t key_id, const std::array<uint8_t, 32>& material,
                   uint8_t type) {
  Bytes blob;
  blob.push_back(type);
  blob.insert(blob.end(), material.begin(), material.end());
  return std::string(name) + "+" + KeyIdHex(key_id) + "+" + Base64Encode(blob);
}

Status WriteSecretFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return MakeError(ErrorCode::kAlreadyExists,
                       "refusing to overwrite existing key file " + path);
    return MakeError(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno));
  }
  const std::string line = text + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return MakeError(ErrorCode::kIo, "cannot write " + path);
  return Ok();
}

Result<std::string> ReadSecretFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    spdlog::warn("private key file {} has mode {:o}: readable by others; run chmod 600 {}", path,
                 st.st_mode & 0777, path);
  }
  return ReadTextFile(path);
}

}  // namespace acta::key_text
