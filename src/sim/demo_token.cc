#include "sim/demo_token.h"

#include <filesystem>

#include "core/keys.h"

namespace acta::sim::demo_internal {
namespace fs = std::filesystem;

Result<DemoToken> MoveCenterKeyToToken(const std::string& key_file, const std::string& workdir) {
  auto key = LoadSigningKeyFile(key_file);
  if (!key) return std::unexpected(key.error());
  DemoToken out;
  // A demo's PIN: real tokens get theirs from the key ceremony.
  auto token = token::SoftToken::Create("acta-demo-center", "demo-pin-4711",
                                        (fs::path(workdir) / "softhsm").string());
  if (!token) return std::unexpected(token.error());
  out.token = std::move(*token);
  ACTA_RETURN_IF_ERROR(out.token->ImportSeed("center", key->key.seed()));
  std::error_code ec;
  fs::remove(key_file, ec);
  if (ec) return MakeError(ErrorCode::kIo, key_file + ": cannot delete: " + ec.message());
  out.uri = out.token->Uri("center");
  out.pin_file = out.token->pin_file();
  return out;
}

}  // namespace acta::sim::demo_internal
