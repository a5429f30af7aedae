#include "mirror/mirror.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>

#include "core/file.h"
#include "log/manifest_signatures.h"
#include "log/tiles.h"
#include "mirror/internal/state.h"
#include "mirror/layout.h"

namespace acta::mirror {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Derived files built and committed at once: bounds memory (a table file is
// ~2.5 kB) while keeping one syncfs per batch.
constexpr size_t kDerivedBatch = 50'000;

std::string Join(const std::string& root, const std::string& rel) { return root + "/" + rel; }

// Temporary files of a run that was killed mid-batch: never published, so
// they are simply removed.
Status RemoveLeftoverTempFiles(const std::string& root) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().string().ends_with(kTempSuffix))
      stale.push_back(it->path());
  }
  if (ec) return MakeError(ErrorCode::kIo, "cannot list " + root + ": " + ec.message());
  for (const auto& p : stale) fs::remove(p, ec);
  return Ok();
}

// What an earlier run renamed into place is served from now on, even if
// that run then stopped on an error before it made the directory entries
// durable (a failed fsync of a directory after the checkpoint's rename):
// flush the whole file system before going on, or refuse to start.
Status SyncPublished(const std::string& root) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kIo, "cannot open " + root + ": " + std::strerror(errno));
  const int rc = ::syncfs(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) {
    return MakeError(ErrorCode::kIo, "cannot syncfs " + root + ": " + std::strerror(saved) +
                                         " (the files it serves may not be on disk)");
  }
  return Ok();
}

// The manifest files from the directory, or from the source the first time
// (written at once: they never change).
Status LoadManifest(Mirror::State& s) {
  const std::string& root = s.options.out_dir;
  auto json_file = ReadFile(Join(root, kManifestJson));
  auto bin = ReadFile(Join(root, kTablesBin));
  auto sig = ReadFile(Join(root, kManifestSig));
  if (json_file && bin && sig) {
    s.manifest_json = std::move(*json_file);
    s.tables_bin = std::move(*bin);
    s.manifest_sig = std::move(*sig);
  } else {
    auto j = internal::GetOk(*s.client, "/v1/manifest");
    if (!j) return std::unexpected(j.error());
    auto b = internal::GetOk(*s.client, "/v1/manifest/tables.bin");
    if (!b) return std::unexpected(b.error());
    auto g = internal::GetOk(*s.client, "/v1/manifest/manifest.sig");
    if (!g) return std::unexpected(g.error());
    s.manifest_json = std::move(j->body);
    s.tables_bin = std::move(b->body);
    s.manifest_sig = std::move(g->body);
  }
  auto manifest = ParseManifest(AsChars(s.manifest_json), s.tables_bin);
  if (!manifest)
    return MakeError(manifest.error().code,
                     "the manifest does not parse: " + manifest.error().message);
  if (auto st = log::VerifyManifestSignatures(*manifest, AsChars(s.manifest_sig),
                                              log::AuthorityOnlyTrust(*manifest));
      !st)
    return MakeError(st.error().code, "the manifest's signature: " + st.error().message);
  if (s.options.election_id && *s.options.election_id != manifest->election_id) {
    return MakeError(ErrorCode::kWrongElection,
                     "the manifest is election " + HexEncode(manifest->election_id) +
                         ", not the pinned " + HexEncode(*s.options.election_id));
  }
  s.manifest = std::make_unique<Manifest>(std::move(*manifest));
  s.origin = log::LogOrigin(s.manifest->election_id);
  PublishBatch batch(root);
  ACTA_RETURN_IF_ERROR(batch.AddCompressible(kManifestJson, Bytes(s.manifest_json)));
  batch.Add(kTablesBin, Bytes(s.tables_bin));
  batch.Add(kManifestSig, Bytes(s.manifest_sig));
  if (!json_file || !bin || !sig) ACTA_RETURN_IF_ERROR(batch.Commit());
  return Ok();
}

void RecordEntry(Mirror::State& s, const ActaBody& body, uint64_t seq) {
  const auto outcome = s.tally->Apply(body, seq, *s.tree.LeafHash(seq));
  (void)outcome;  // verified entries apply; conflicts are what we record below
  const auto status = s.tally->StatusOf(body.table_id);
  if (status && status->body && status->seq != seq) s.later_entries[body.table_id].push_back(seq);
}

// Re-derives the tree and tally from the directory's own bundles up to the
// held checkpoint, which they must reproduce.
Status Resume(Mirror::State& s) {
  const std::string& root = s.options.out_dir;
  auto note = ReadTextFile(Join(root, kCheckpoint));
  if (!note) {
    if (note.error().code == ErrorCode::kNotFound) return Ok();
    return std::unexpected(note.error());
  }
  auto cp = internal::VerifyNote(s, *note);
  if (!cp)
    return MakeError(ErrorCode::kCorruption,
                     "the mirror's own checkpoint does not verify: " + cp.error().message);
  uint64_t seq = 0;
  for (const log::TileId& tile : log::TilesToPublish(0, cp->size)) {
    if (!tile.entries) continue;
    const std::string path = log::TilePath(tile);
    auto data = ReadFile(Join(root, path));
    if (!data)
      return MakeError(
          ErrorCode::kCorruption,
          "the mirror lacks " + path + " below its checkpoint: " + data.error().message);
    auto entries = log::ParseEntryBundle(*data);
    if (!entries || entries->size() != tile.width)
      return MakeError(ErrorCode::kCorruption, "the mirror's " + path + " is malformed");
    for (const Bytes& e : *entries) {
      s.tree.Append(LeafHashOf(e));
      auto acta = DecodeActa(e);
      if (!acta)
        return MakeError(ErrorCode::kCorruption, "entry " + std::to_string(seq) + " in " + path +
                                                     " does not decode: " + acta.error().message);
      RecordEntry(s, acta->body, seq);
      ++seq;
    }
    if (s.options.progress) s.options.progress("resume", seq, cp->size);
  }
  if (s.tree.size() != cp->size || s.tree.Root() != cp->root) {
    return MakeError(ErrorCode::kCorruption,
                     "the mirror's bundles do not reproduce its checkpoint (size " +
                         std::to_string(cp->size) +
                         "): the directory is damaged or was altered; move it aside and mirror "
                         "again");
  }
  s.held = *cp;
  s.held_note = std::move(*note);
  // The receipt key certificates published before: kept even if the source
  // stops serving them, since receipts already given out name those keys.
  if (auto keys = ReadTextFile(Join(root, kReceiptKeys)); keys) {
    if (auto st = s.receipt_keys->AddCertificates(*keys); !st)
      return MakeError(ErrorCode::kCorruption,
                       std::string("the mirror's ") + kReceiptKeys + ": " + st.error().message);
  } else if (keys.error().code != ErrorCode::kNotFound) {
    return std::unexpected(keys.error());
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(Join(root, "v1/bulletins"), ec)) {
    const std::string name = e.path().filename().string();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos)
      s.bulletin_sizes.push_back(std::stoull(name));
  }
  std::sort(s.bulletin_sizes.begin(), s.bulletin_sizes.end());
  return Ok();
}

// Regions whose numbers change when these tables change: their voting
// centers and every ancestor.
std::vector<int32_t> RegionsOf(const Manifest& m, const std::set<uint32_t>& tables) {
  std::vector<char> seen(m.regions.size(), 0);
  for (uint32_t id : tables) {
    const TableRecord* t = m.FindTable(id);
    if (t == nullptr) continue;
    for (int32_t r = static_cast<int32_t>(t->region); r >= 0 && !seen[r]; r = m.regions[r].parent)
      seen[r] = 1;
  }
  std::vector<int32_t> out;
  for (size_t i = 0; i < seen.size(); ++i)
    if (seen[i]) out.push_back(static_cast<int32_t>(i));
  return out;
}

std::string MirrorJson(const Mirror::State& s, const log::Checkpoint& cp) {
  json j = {{"format", kMirrorFormat},
            {"source", s.options.source_url},
            {"election_id", HexEncode(s.manifest->election_id)},
            {"size", cp.size},
            {"root", HexEncode(cp.root)},
            {"updated_at_ms", s.clock->NowUnixMillis()}};
  return j.dump() + "\n";
}

}  // namespace

Mirror::Mirror(std::unique_ptr<State> state) : state_(std::move(state)) {}
Mirror::~Mirror() = default;

uint64_t Mirror::held_size() const { return state_->held.size; }

Result<std::unique_ptr<Mirror>> Mirror::Open(MirrorOptions options, ClientFactory clients,
                                             const Clock& clock) {
  auto s = std::make_unique<State>();
  s->options = std::move(options);
  s->options.fetch_threads = std::clamp(s->options.fetch_threads, 1, 16);
  s->clients = std::move(clients);
  s->clock = &clock;
  const std::string& root = s->options.out_dir;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + root + ": " + ec.message());
  ACTA_RETURN_IF_ERROR(RemoveLeftoverTempFiles(root));
  ACTA_RETURN_IF_ERROR(SyncPublished(root));
  auto client = s->clients();
  if (!client) return std::unexpected(client.error());
  s->client = std::move(*client);
  ACTA_RETURN_IF_ERROR(LoadManifest(*s));
  auto tally = tally::Tally::Create(*s->manifest);
  if (!tally) return std::unexpected(tally.error());
  s->tally.emplace(std::move(*tally));
  s->receipt_keys = std::make_unique<log::ReceiptKeyRing>(*s->manifest);
  ACTA_RETURN_IF_ERROR(Resume(*s));
  return std::unique_ptr<Mirror>(new Mirror(std::move(s)));
}

Result<SyncResult> Mirror::Sync() {
  State& s = *state_;
  SyncResult result;
  result.held_size = result.size = s.held.size;
  auto got = s.client->Get("/checkpoint");
  if (!got) return std::unexpected(got.error());
  if (got->status == 503) return result;  // the source has no checkpoint yet
  if (got->status != 200)
    return MakeError(ErrorCode::kUnavailable,
                     "GET /checkpoint: HTTP " + std::to_string(got->status));
  result.bytes_fetched += got->body.size();
  const std::string note(got->BodyText());
  auto cosigned = internal::VerifyCosignedNote(s, note);
  if (!cosigned)
    return MakeError(cosigned.error().code, "the source's checkpoint: " + cosigned.error().message);
  const log::Checkpoint* cp = &cosigned->checkpoint;
  const bool first = s.held_note.empty();
  if (!first && cp->size < s.held.size) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "rollback refused: the source's signed checkpoint has size " +
                         std::to_string(cp->size) + ", smaller than the size " +
                         std::to_string(s.held.size) + " this mirror holds");
  }
  if (!first && cp->size == s.held.size) {
    if (cp->root != s.held.root) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "fork refused: the source signed size " + std::to_string(cp->size) +
                           " with root " + HexEncode(cp->root) + ", but this mirror holds root " +
                           HexEncode(s.held.root) + " at that size");
    }
    if (note == s.held_note) return result;
    // Same tree, other signature lines (new cosignatures): republish it,
    // unless it carries fewer of the manifest's witnesses than the note held
    // (a source that lost them, e.g. a center restarted).
    auto held = internal::VerifyCosignedNote(s, s.held_note);
    if (held && held->witnesses.size() > cosigned->witnesses.size()) return result;
    PublishBatch batch(s.options.out_dir);
    batch.Add(kMirrorJson, MirrorJson(s, *cp));
    batch.Add(kCheckpoint, note);
    ACTA_RETURN_IF_ERROR(batch.Commit());
    s.held_note = note;
    result.published = true;
    result.files_written = 2;
    return result;
  }

  // New entries: fetched, verified, and they must give the signed root.
  const uint64_t from = s.held.size;
  auto entries = internal::FetchNewEntries(s, from, cp->size, result.bytes_fetched);
  if (!entries) return std::unexpected(entries.error());
  auto actas = internal::VerifyEntries(*s.manifest, *entries, from);
  if (!actas) return std::unexpected(actas.error());
  for (const Bytes& e : *entries) s.tree.Append(LeafHashOf(e));
  // The bytes live on in s.fetched_bundles; a million entries are ~300 MB.
  *entries = std::vector<Bytes>();
  if (s.tree.Root() != cp->root) {
    s.tree.Truncate(from);
    return MakeError(ErrorCode::kFailedPrecondition,
                     "fork refused: the source's entries " + std::to_string(from) + ".." +
                         std::to_string(cp->size) +
                         " appended to the ones this mirror holds do not give the root it signed "
                         "at size " +
                         std::to_string(cp->size) + " (" + HexEncode(cp->root) + ")");
  }
  auto list = internal::FetchCheckpointList(s, cp->size, result.bytes_fetched);
  if (!list) {
    s.tree.Truncate(from);
    return std::unexpected(list.error());
  }
  // From here the in-memory state moves on; a write error leaves the
  // directory at the held checkpoint, which the next Open resumes from.
  std::set<uint32_t> touched;
  for (size_t i = 0; i < actas->size(); ++i) {
    RecordEntry(s, (*actas)[i].body, from + i);
    touched.insert((*actas)[i].body.table_id);
  }
  if (first) {
    for (const TableRecord& t : s.manifest->tables) touched.insert(t.id);
  }
  const std::vector<int32_t> regions = RegionsOf(*s.manifest, touched);
  const std::vector<uint32_t> tables(touched.begin(), touched.end());

  auto commit = [&](PublishBatch& batch) -> Status {
    result.files_written += batch.size();
    result.bytes_written += batch.bytes();
    return batch.Commit();
  };

  // 1. Entry bundles and hash tiles.
  PublishBatch tiles(s.options.out_dir);
  for (const log::TileId& tile : log::TilesToPublish(from, cp->size)) {
    if (tile.entries) continue;  // fetched and checked: s.fetched_bundles
    auto data = log::TileData(s.tree, tile.level, tile.index, tile.width);
    if (!data) return std::unexpected(data.error());
    tiles.Add(log::TilePath(tile), std::move(*data));
  }
  for (auto& [path, data] : s.fetched_bundles) tiles.Add(path, std::move(data));
  s.fetched_bundles.clear();
  ACTA_RETURN_IF_ERROR(commit(tiles));

  // 2. Everything derived from them, in batches of bounded size (the first
  // sync of a million-table election writes 1.5 million files).
  PublishBatch derived(s.options.out_dir);
  for (size_t at = 0; at < tables.size(); at += kDerivedBatch) {
    const std::span<const uint32_t> chunk(tables.data() + at,
                                          std::min(kDerivedBatch, tables.size() - at));
    auto files = internal::BuildTableFiles(s, chunk, cp->size, result.bytes_fetched);
    if (!files) return std::unexpected(files.error());
    for (auto& [path, text] : *files) derived.Add(std::move(path), text);
    ACTA_RETURN_IF_ERROR(commit(derived));
  }
  for (size_t at = 0; at < regions.size(); at += kDerivedBatch) {
    const std::span<const int32_t> chunk(regions.data() + at,
                                         std::min(kDerivedBatch, regions.size() - at));
    ACTA_RETURN_IF_ERROR(internal::AddRegionFiles(s, chunk, derived));
    ACTA_RETURN_IF_ERROR(commit(derived));
  }
  ACTA_RETURN_IF_ERROR(internal::AddDerivedFiles(s, *list, derived, result.bytes_fetched));
  ACTA_RETURN_IF_ERROR(commit(derived));

  // 3. The checkpoint, last.
  PublishBatch head(s.options.out_dir);
  head.Add(kMirrorJson, MirrorJson(s, *cp));
  head.Add(kCheckpoint, note);
  ACTA_RETURN_IF_ERROR(commit(head));

  s.held = *cp;
  s.held_note = note;
  s.listed = std::move(*list);
  result.size = cp->size;
  result.published = true;
  return result;
}

}  // namespace acta::mirror
