#include "core/keys.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/file.h"

namespace acta {
namespace {

constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";

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

// Parses "<name>+<hex id>+<base64 blob>" where the blob is 0x01 || 32 bytes.
struct KeyParts {
  std::string name;
  uint32_t key_id;
  std::array<uint8_t, 32> material;
};

Result<KeyParts> ParseKeyParts(std::string_view text, std::string_view what) {
  auto p1 = text.find('+');
  if (p1 == std::string_view::npos)
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": missing '+'");
  auto p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": missing key id");
  KeyParts parts;
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
  if (blob->size() != 33 || (*blob)[0] != kNoteAlgEd25519) {
    return MakeError(ErrorCode::kMalformed,
                     std::string(what) + ": key data must be 0x01 followed by 32 bytes");
  }
  std::copy(blob->begin() + 1, blob->end(), parts.material.begin());
  return parts;
}

std::string EncodeBlob(const std::array<uint8_t, 32>& material) {
  Bytes blob;
  blob.push_back(kNoteAlgEd25519);
  blob.insert(blob.end(), material.begin(), material.end());
  return Base64Encode(blob);
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '+' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  Bytes msg(name.begin(), name.end());
  msg.push_back('\n');
  msg.push_back(kNoteAlgEd25519);
  msg.insert(msg.end(), key.begin(), key.end());
  return LoadU32(Sha256(msg).data());
}

VerifierKey VerifierKey::From(std::string name, const PublicKey& key) {
  VerifierKey v;
  v.key_id = NoteKeyId(name, key);
  v.name = std::move(name);
  v.key = key;
  return v;
}

std::string VerifierKey::ToString() const {
  return name + "+" + KeyIdHex(key_id) + "+" + EncodeBlob(key);
}

Result<VerifierKey> VerifierKey::Parse(std::string_view text) {
  text = TrimLine(text);
  auto parts = ParseKeyParts(text, "verifier key");
  if (!parts) return std::unexpected(parts.error());
  VerifierKey v = From(parts->name, parts->material);
  if (v.key_id != parts->key_id)
    return MakeError(ErrorCode::kMalformed, "verifier key: key id does not match name and key");
  return v;
}

NamedSigningKey NamedSigningKey::From(std::string name, const Seed& seed) {
  SigningKey key = SigningKey::FromSeed(seed);
  uint32_t id = NoteKeyId(name, key.public_key());
  return NamedSigningKey{std::move(name), key, id};
}

std::string NamedSigningKey::ToString() const {
  return std::string(kPrivatePrefix) + name + "+" + KeyIdHex(key_id) + "+" + EncodeBlob(key.seed());
}

Result<NamedSigningKey> NamedSigningKey::Parse(std::string_view text) {
  text = TrimLine(text);
  if (!text.starts_with(kPrivatePrefix))
    return MakeError(ErrorCode::kMalformed, "signer key: must start with PRIVATE+KEY+");
  auto parts = ParseKeyParts(text.substr(kPrivatePrefix.size()), "signer key");
  if (!parts) return std::unexpected(parts.error());
  NamedSigningKey k = From(parts->name, parts->material);
  if (k.key_id != parts->key_id)
    return MakeError(ErrorCode::kMalformed, "signer key: key id does not match name and key");
  return k;
}

Status WriteSigningKeyFile(const std::string& path, const NamedSigningKey& key) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return MakeError(ErrorCode::kAlreadyExists,
                       "refusing to overwrite existing key file " + path);
    return MakeError(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno));
  }
  std::string text = key.ToString() + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return MakeError(ErrorCode::kIo, "cannot write " + path);
  return Ok();
}

Result<NamedSigningKey> LoadSigningKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    spdlog::warn("private key file {} has mode {:o}: readable by others; run chmod 600 {}", path,
                 st.st_mode & 0777, path);
  }
  auto text = ReadTextFile(path);
  if (!text) return std::unexpected(text.error());
  auto key = NamedSigningKey::Parse(*text);
  if (!key) return MakeError(key.error().code, path + ": " + key.error().message);
  return key;
}

Result<VerifierKey> LoadVerifierKeyFile(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text) return std::unexpected(text.error());
  auto key = VerifierKey::Parse(*text);
  if (!key) return MakeError(key.error().code, path + ": " + key.error().message);
  return key;
}

}  // namespace acta
