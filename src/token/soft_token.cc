#include "token/soft_token.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/bytes.h"

namespace acta::token {
namespace fs = std::filesystem;

std::string SoftHsmModule() {
  for (const char* p :
       {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

namespace {

Status Run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    return MakeError(ErrorCode::kInternal, "failed: " + command);
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<SoftToken>> SoftToken::Create(const std::string& label,
                                                     const std::string& pin,
                                                     const std::string& dir) {
  if (SoftHsmModule().empty() || std::system("command -v softhsm2-util >/dev/null") != 0) {
    return MakeError(ErrorCode::kUnavailable, "softhsm2 is not installed");
  }
  std::unique_ptr<SoftToken> t(new SoftToken());
  if (dir.empty()) {
    std::string templ = (fs::temp_directory_path() / "acta-softhsm.XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      return MakeError(ErrorCode::kIo, "mkdtemp failed");
    }
    t->dir_ = templ;
  } else {
    t->dir_ = fs::absolute(dir).string();
    t->remove_dir_ = false;
  }
  t->label_ = label;
  t->pin_ = pin;
  fs::create_directories(fs::path(t->dir_) / "tokens");
  const std::string conf = t->dir_ + "/softhsm2.conf";
  std::ofstream(conf) << "directories.tokendir = " << t->dir_ << "/tokens\n"
                      << "objectstore.backend = file\nlog.level = ERROR\n";
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  ACTA_RETURN_IF_ERROR(Run("softhsm2-util --init-token --free --label '" + label +
                           "' --so-pin 000000 --pin '" + pin + "'"));
  t->pin_file_ = t->PinFile(pin);
  return t;
}

Status SoftToken::Unplug() const {
  std::error_code ec;
  fs::rename(fs::path(dir_) / "tokens", fs::path(dir_) / "unplugged", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot move the token aside: " + ec.message());
  return Ok();
}

Status SoftToken::PlugBackIn() const {
  std::error_code ec;
  fs::rename(fs::path(dir_) / "unplugged", fs::path(dir_) / "tokens", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot put the token back: " + ec.message());
  return Ok();
}

SoftToken::~SoftToken() {
  if (!remove_dir_) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string SoftToken::PinFile(const std::string& pin) const {
  const std::string path = dir_ + "/pin-" + std::to_string(std::hash<std::string>{}(pin));
  std::ofstream(path) << pin << "\n";
  return path;
}

std::string SoftToken::Uri(const std::string& object) const {
  return "pkcs11:token=" + label_ + ";object=" + object + "?module-path=" + SoftHsmModule();
}

Status SoftToken::ImportSeed(const std::string& object, const Seed& seed,
                             const std::string& id) const {
  // PKCS#8 PrivateKeyInfo of an Ed25519 key (RFC 8410): a fixed prefix and
  // the 32-byte seed.
  Bytes der = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
               0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  der.insert(der.end(), seed.begin(), seed.end());
  const std::string pem_path = dir_ + "/" + object + ".pem";
  std::ofstream(pem_path) << "-----BEGIN PRIVATE KEY-----\n"
                          << Base64Encode(der) << "\n-----END PRIVATE KEY-----\n";
  Status st = Run("softhsm2-util --import '" + pem_path + "' --token '" + label_ + "' --label '" +
                  object + "' --id '" + id + "' --pin '" + pin_ + "'");
  fs::remove(pem_path);
  return st;
}

}  // namespace acta::token
