#include "cli/election_files.h"

#include <filesystem>

#include "log/manifest_signatures.h"

namespace acta::cli {

Result<Manifest> LoadElection(const std::string& dir, const std::string& pin,
                              const std::string& trust_file) {
  LoadOptions options;
  if (!pin.empty()) {
    auto key = VerifierKey::Parse(pin);
    if (!key) return MakeError(ErrorCode::kInvalidArgument, "--authority: " + key.error().message);
    options.pinned_authority = *key;
  }
  std::optional<log::ManifestTrust> trust;
  if (!trust_file.empty()) {
    auto t = log::LoadManifestTrustFile(trust_file);
    if (!t) return std::unexpected(t.error());
    trust = std::move(*t);
  }
  return log::LoadTrustedManifest(dir, trust, options);
}

Result<size_t> TableIndex(const Manifest& manifest, uint32_t table_id) {
  const TableRecord* t = manifest.FindTable(table_id);
  if (t == nullptr) {
    return MakeError(ErrorCode::kUnknownTable,
                     "table " + std::to_string(table_id) + " is not in the manifest");
  }
  return static_cast<size_t>(t - manifest.tables.data());
}

Result<SigningKey> LoadTableKey(const std::string& dir, const Manifest& manifest, uint32_t table_id,
                                const std::string& key_file) {
  auto index = TableIndex(manifest, table_id);
  if (!index) return std::unexpected(index.error());
  std::optional<SigningKey> key;
  if (!key_file.empty()) {
    auto named = LoadSigningKeyFile(key_file);
    if (!named) return std::unexpected(named.error());
    key = named->key;
  } else {
    std::string path = (std::filesystem::path(dir) / "secrets" / "table-keys.bin").string();
    auto keys = TableKeys::Load(path, manifest.tables.size());
    if (!keys) {
      return MakeError(keys.error().code,
                       keys.error().message + " (pass --key with the table's key file)");
    }
    key = keys->key(*index);
  }
  if (key->public_key() != manifest.tables[*index].key) {
    return MakeError(
        ErrorCode::kPermissionDenied,
        "this key is not the machine key the manifest lists for table " + std::to_string(table_id));
  }
  return *key;
}

}  // namespace acta::cli
