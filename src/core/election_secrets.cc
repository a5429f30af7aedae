#include "core/election_secrets.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cassert>
#include <filesystem>
#include <system_error>

#include "core/file.h"

namespace acta {
namespace {

size_t PerTable(const Manifest& m) {
  size_t n = 1;  // ballots cast
  for (const Contest& c : m.contests) n += c.candidates.size() + 2;
  return n;
}

std::string Join(const std::string& dir, std::string_view name) {
  return (std::filesystem::path(dir) / name).string();
}

void WarnIfShared(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    spdlog::warn("secret file {} has mode {:o}: readable by others; run chmod 600 {}", path,
                 st.st_mode & 0777, path);
  }
}

}  // namespace

Result<TableKeys> TableKeys::Load(const std::string& path, size_t expected_count) {
  WarnIfShared(path);
  auto bytes = ReadFile(path);
  if (!bytes) return std::unexpected(bytes.error());
  if (bytes->size() != expected_count * kSeedSize) {
    return MakeError(ErrorCode::kMalformed,
                     path + ": size " + std::to_string(bytes->size()) + ", expected " +
                         std::to_string(expected_count * kSeedSize) + " (" +
                         std::to_string(expected_count) + " tables x 32 bytes)");
  }
  std::vector<Seed> seeds(expected_count);
  for (size_t i = 0; i < expected_count; ++i) {
    std::copy_n(bytes->data() + i * kSeedSize, kSeedSize, seeds[i].begin());
  }
  return TableKeys(std::move(seeds));
}

Status TableKeys::Save(const std::string& path) const {
  Bytes out(seeds_.size() * kSeedSize);
  for (size_t i = 0; i < seeds_.size(); ++i) {
    std::copy(seeds_[i].begin(), seeds_[i].end(), out.data() + i * kSeedSize);
  }
  return WriteFileAtomic(path, out, 0600);
}

Truth::Truth(const Manifest& manifest, std::vector<uint32_t> flat)
    : manifest_(&manifest), per_table_(PerTable(manifest)), flat_(std::move(flat)) {
  // REQUIRES: flat holds per_table_ counts for every table (Load checks it).
  assert(flat_.size() == per_table_ * manifest.tables.size());
}

Result<Truth> Truth::Load(const std::string& path, const Manifest& manifest) {
  auto bytes = ReadFile(path);
  if (!bytes) return std::unexpected(bytes.error());
  const size_t per_table = PerTable(manifest);
  const size_t expected = manifest.tables.size() * per_table * 4;
  if (bytes->size() != expected) {
    return MakeError(ErrorCode::kMalformed,
                     path + ": size " + std::to_string(bytes->size()) + ", expected " +
                         std::to_string(expected) + " (" + std::to_string(manifest.tables.size()) +
                         " tables x " + std::to_string(per_table) + " counts x 4 bytes)");
  }
  std::vector<uint32_t> flat(bytes->size() / 4);
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = LoadU32(bytes->data() + 4 * i);
  return Truth(manifest, std::move(flat));
}

Status Truth::Save(const std::string& path) const {
  Bytes out;
  out.reserve(flat_.size() * 4);
  for (uint32_t v : flat_) AppendU32(out, v);
  return WriteFileAtomic(path, out, 0600);
}

ActaBody Truth::BodyFor(size_t table_index) const {
  ActaBody body;
  body.election_id = manifest_->election_id;
  body.table_id = manifest_->tables[table_index].id;
  const uint32_t* p = flat_.data() + table_index * per_table_;
  body.ballots_cast = *p++;
  for (const Contest& c : manifest_->contests) {
    ContestCounts counts;
    counts.candidates.assign(p, p + c.candidates.size());
    p += c.candidates.size();
    counts.blank = *p++;
    counts.null_votes = *p++;
    body.contests.push_back(std::move(counts));
  }
  return body;
}

Result<TransportKey> LoadTransportKeyFile(const std::string& path) {
  WarnIfShared(path);
  auto text = ReadTextFile(path);
  if (!text) return std::unexpected(text.error());
  std::string_view t = *text;
  if (t.ends_with('\n')) t.remove_suffix(1);
  auto key = HexDecodeFixed<kTransportKeySize>(t);
  if (!key) {
    return MakeError(ErrorCode::kMalformed,
                     path + ": expected 64 hex digits and a newline (a 32-byte transport key)");
  }
  return *key;
}

Status WriteTransportKeyFile(const std::string& path, const TransportKey& key) {
  return WriteFileAtomic(path, HexEncode(key) + "\n", 0600);
}

Result<ElectionSecrets> LoadElectionSecrets(const std::string& dir) {
  const std::string secrets = Join(dir, "secrets");
  auto authority = LoadSigningKeyFile(Join(secrets, "authority.key"));
  if (!authority) return std::unexpected(authority.error());
  auto center = LoadSigningKeyFile(Join(secrets, "center.key"));
  if (!center) return std::unexpected(center.error());
  auto transport = LoadTransportKeyFile(Join(secrets, "transport.key"));
  if (!transport) return std::unexpected(transport.error());
  return ElectionSecrets{std::move(*authority), std::move(*center), *transport};
}

Status WriteElectionDir(const std::string& dir, const ElectionMaterial& e) {
  const Manifest& m = e.manifest;
  if (m.centers.empty()) return MakeError(ErrorCode::kInvalidArgument, "no center key");
  // Where each center key's file goes: its position in the manifest.
  std::vector<size_t> center_index;
  for (const NamedSigningKey& c : e.centers) {
    const VerifierKey* v = m.FindCenter(c.key_id);
    if (v == nullptr || v->key != c.key.public_key()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "center key " + c.name + " is not among the manifest's centers");
    }
    center_index.push_back(static_cast<size_t>(v - m.centers.data()));
  }
  if (m.transport_key_ids.empty() || m.transport_key_ids[0] != TransportKeyId(e.transport_master)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "transport master secret does not match transport_key_ids[0]");
  }
  if (!e.witnesses.empty() && e.witnesses.size() != m.witnesses.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "witness keys do not match the manifest's");
  }
  for (size_t i = 0; i < e.witnesses.size(); ++i) {
    if (e.witnesses[i].verifier().ToString() != m.witnesses[i].key.ToString()) {
      return MakeError(ErrorCode::kInvalidArgument, "witness key " + e.witnesses[i].name +
                                                        " is not the manifest's witness " +
                                                        std::to_string(i + 1));
    }
  }
  if (!e.table_seeds.empty() && e.table_seeds.size() != m.tables.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "table seeds do not match the table count");
  }
  if (!e.truth.empty() && e.truth.size() != PerTable(m) * m.tables.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "truth does not match the manifest's shape");
  }
  const std::string secrets = Join(dir, "secrets");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + dir + ": " + ec.message());
  if (std::filesystem::exists(secrets) || std::filesystem::exists(Join(dir, "manifest.json"))) {
    return MakeError(ErrorCode::kAlreadyExists, dir + " already holds an election");
  }
  if (!std::filesystem::create_directory(secrets, ec) || ec) {
    return MakeError(ErrorCode::kIo, "cannot create " + secrets + ": " + ec.message());
  }
  std::filesystem::permissions(secrets, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot chmod 700 " + secrets + ": " + ec.message());

  // Secrets first: an interrupted run leaves no manifest without its keys.
  ACTA_RETURN_IF_ERROR(WriteSigningKeyFile(Join(secrets, "authority.key"), e.authority));
  for (size_t k = 0; k < e.centers.size(); ++k) {
    const size_t i = center_index[k];
    std::string file = i == 0 ? "center.key" : "center-" + std::to_string(i + 1) + ".key";
    ACTA_RETURN_IF_ERROR(WriteSigningKeyFile(Join(secrets, file), e.centers[k]));
  }
  ACTA_RETURN_IF_ERROR(WriteTransportKeyFile(Join(secrets, "transport.key"), e.transport_master));
  for (size_t i = 0; i < e.witnesses.size(); ++i) {
    ACTA_RETURN_IF_ERROR(WriteCosignerKeyFile(
        Join(secrets, "witness-" + std::to_string(i + 1) + ".key"), e.witnesses[i]));
  }
  if (!e.table_seeds.empty()) {
    ACTA_RETURN_IF_ERROR(TableKeys(e.table_seeds).Save(Join(secrets, "table-keys.bin")));
  }
  if (!e.truth.empty()) {
    ACTA_RETURN_IF_ERROR(Truth(m, e.truth).Save(Join(secrets, "truth.bin")));
  }
  ACTA_RETURN_IF_ERROR(SyncDirectory(secrets));
  return WriteManifest(dir, m, e.authority);
}

}  // namespace acta
