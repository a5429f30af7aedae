// What `acta mirror` fetches from its source, and how each piece is checked
// before anything is written.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/acta_check.h"
#include "core/receipt.h"
#include "log/note.h"
#include "log/tiles.h"
#include "mirror/internal/state.h"
#include "mirror/layout.h"
#include "tally/bulletin.h"

namespace acta::mirror::internal {
namespace {

using nlohmann::json;

std::unexpected<Error> Refuse(ErrorCode code, const std::string& message) {
  return MakeError(code, message);
}

// Runs fn(i) for i in [0, n) on `threads` threads; returns the first error.
Status ParallelFor(size_t n, int threads, const std::function<Status(size_t, int)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first = Ok();
  std::atomic<bool> failed{false};
  auto work = [&](int worker) {
    for (size_t i; !failed && (i = next.fetch_add(1)) < n;) {
      if (auto st = fn(i, worker); !st) {
        std::lock_guard lock(mu);
        if (first) first = st;
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace

Result<http::HttpResponse> GetOk(http::HttpClient& client, const std::string& path) {
  auto r = client.Get(path);
  if (!r) return MakeError(r.error().code, "GET " + path + ": " + r.error().message);
  if (r->status != 200) {
    return Refuse(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                  "GET " + path + ": HTTP " + std::to_string(r->status) + ": " +
                      std::string(r->BodyText().substr(0, 200)));
  }
  return r;
}

Result<log::CosignedCheckpoint> VerifyCosignedNote(const Mirror::State& s, std::string_view note) {
  auto checked = log::VerifyCheckpointForManifest(note, *s.manifest);
  if (!checked) return Refuse(checked.error().code, checked.error().message);
  return checked;
}

Result<log::Checkpoint> VerifyNote(const Mirror::State& s, std::string_view note) {
  auto checked = VerifyCosignedNote(s, note);
  if (!checked) return std::unexpected(checked.error());
  return std::move(checked->checkpoint);
}

Result<std::vector<Bytes>> FetchNewEntries(Mirror::State& s, uint64_t from, uint64_t to,
                                           uint64_t& bytes_fetched) {
  std::vector<Bytes> out;
  out.reserve(to - from);
  s.fetched_bundles.clear();
  const auto tiles = log::TilesToPublish(from, to);
  uint64_t done = 0, total = 0;
  for (const auto& t : tiles) total += t.entries ? 1 : 0;
  for (const log::TileId& tile : tiles) {
    if (!tile.entries) continue;
    const std::string path = log::TilePath(tile);
    auto r = GetOk(*s.client, "/" + path);
    if (!r) return std::unexpected(r.error());
    bytes_fetched += r->body.size();
    auto entries = log::ParseEntryBundle(r->body);
    if (!entries || entries->size() != tile.width) {
      return Refuse(ErrorCode::kMalformed, "the source's " + path + " is not a bundle of " +
                                               std::to_string(tile.width) + " entries" +
                                               (entries ? "" : ": " + entries.error().message));
    }
    const uint64_t start = tile.index * log::kTileWidth;
    for (uint64_t i = 0; i < entries->size(); ++i) {
      const uint64_t seq = start + i;
      if (seq < from) {
        if (LeafHashOf((*entries)[i]) != *s.tree.LeafHash(seq)) {
          return Refuse(ErrorCode::kFailedPrecondition,
                        "fork refused: the source now serves a different entry " +
                            std::to_string(seq) + " (in " + path +
                            ") than the one this mirror holds under its checkpoint of size " +
                            std::to_string(from));
        }
        continue;
      }
      out.push_back(std::move((*entries)[i]));
    }
    s.fetched_bundles.emplace_back(path, std::move(r->body));
    if (s.options.progress) s.options.progress("entries", ++done, total);
  }
  return out;
}

Result<std::vector<Acta>> VerifyEntries(const Manifest& manifest, const std::vector<Bytes>& entries,
                                        uint64_t first) {
  std::vector<Acta> out(entries.size());
  constexpr size_t kChunk = 256;
  const size_t chunks = (entries.size() + kChunk - 1) / kChunk;
  const int threads =
      static_cast<int>(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 8));
  auto st = ParallelFor(chunks, threads, [&](size_t c, int) -> Status {
    for (size_t i = c * kChunk; i < std::min(entries.size(), (c + 1) * kChunk); ++i) {
      const std::string where = "entry " + std::to_string(first + i);
      auto acta = DecodeActa(entries[i]);
      if (!acta)
        return MakeError(acta.error().code, where + " does not decode: " + acta.error().message);
      if (auto ok = VerifyActa(*acta, manifest); !ok) {
        return MakeError(ok.error().code, where + " (table " + std::to_string(acta->body.table_id) +
                                              ") does not verify: " + ok.error().message);
      }
      out[i] = std::move(*acta);
    }
    return Ok();
  });
  if (!st) return MakeError(st.error().code, st.error().message + "; nothing published");
  return out;
}

Result<std::vector<ListedCheckpoint>> FetchCheckpointList(Mirror::State& s, uint64_t size,
                                                          uint64_t& bytes_fetched) {
  auto r = GetOk(*s.client, "/v1/checkpoints");
  if (!r) return std::unexpected(r.error());
  bytes_fetched += r->body.size();
  json list = json::parse(r->BodyText(), nullptr, false);
  if (!list.is_array()) return Refuse(ErrorCode::kMalformed, "/v1/checkpoints is not a JSON array");
  std::vector<ListedCheckpoint> out;
  for (const auto& j : list) {
    if (!j.is_object() || !j.contains("note") || !j["note"].is_string() ||
        !j.contains("created_at_ms") || !j["created_at_ms"].is_number_unsigned()) {
      return Refuse(ErrorCode::kMalformed, "/v1/checkpoints: an entry without note or time");
    }
    ListedCheckpoint cp;
    cp.note = j["note"].get<std::string>();
    cp.created_at_ms = j["created_at_ms"].get<uint64_t>();
    const size_t k = out.size();
    if (k < s.listed.size() && s.listed[k].note == cp.note &&
        s.listed[k].created_at_ms == cp.created_at_ms) {
      out.push_back(s.listed[k]);  // checked before
      continue;
    }
    auto parsed = VerifyNote(s, cp.note);
    if (!parsed)
      return Refuse(parsed.error().code,
                    "/v1/checkpoints[" + std::to_string(k) + "]: " + parsed.error().message);
    if (parsed->size > size) break;  // signed after the checkpoint being mirrored
    auto root = s.tree.RootAt(parsed->size);
    if (!root || *root != parsed->root) {
      return Refuse(ErrorCode::kFailedPrecondition,
                    "fork refused: the source lists a signed checkpoint of size " +
                        std::to_string(parsed->size) +
                        " whose root is not the log's root at that size");
    }
    if (!out.empty() && parsed->size < out.back().size) {
      return Refuse(ErrorCode::kFailedPrecondition,
                    "/v1/checkpoints: size " + std::to_string(parsed->size) + " after size " +
                        std::to_string(out.back().size));
    }
    cp.size = parsed->size;
    cp.root = parsed->root;
    out.push_back(std::move(cp));
  }
  if (out.empty() || out.back().size != size)
    return Refuse(ErrorCode::kMalformed,
                  "/v1/checkpoints does not list the checkpoint of size " + std::to_string(size));
  return out;
}

namespace {

// By a manifest center key, or by a receipt key a center key certified
// (fetched from the source's /v1/receipt-keys when the ring lacks it).
bool ReceiptCounts(Mirror::State& s, http::HttpClient& client, const Receipt& r) {
  std::lock_guard lock(s.receipt_keys_mu);
  Status st = s.receipt_keys->Verify(r);
  if (!st && st.error().code == ErrorCode::kNotFound) {
    if (auto body = GetOk(client, std::string(log::kReceiptKeysPath))) {
      (void)s.receipt_keys->AddCertificates(body->BodyText());
      st = s.receipt_keys->Verify(r);
    }
  }
  return st.has_value();
}

// The source's rows for one table, checked against the log; returns the
// "actas" array for the file.
Result<json> CheckedRows(Mirror::State& s, http::HttpClient& client, uint32_t table,
                         const std::vector<uint64_t>& seqs, uint64_t size,
                         uint64_t& bytes_fetched) {
  const std::string path = "/v1/tables/" + std::to_string(table);
  auto r = GetOk(client, path);
  if (!r) return std::unexpected(r.error());
  bytes_fetched += r->body.size();
  json j = json::parse(r->BodyText(), nullptr, false);
  if (!j.is_object() || !j.contains("actas") || !j["actas"].is_array())
    return Refuse(ErrorCode::kMalformed, path + ": no \"actas\" array");
  json out = json::array();
  size_t matched = 0;
  for (const auto& row : j["actas"]) {
    if (!row.is_object() || !row.contains("seq")) continue;  // not logged (yet)
    if (!row["seq"].is_number_unsigned() || !row.contains("acta") || !row["acta"].is_string() ||
        !row.contains("receipt") || !row["receipt"].is_string())
      return Refuse(ErrorCode::kMalformed, path + ": a row without seq, acta or receipt");
    const uint64_t seq = row["seq"].get<uint64_t>();
    if (seq >= size) continue;
    if (std::find(seqs.begin(), seqs.end(), seq) == seqs.end())
      return Refuse(
          ErrorCode::kFailedPrecondition,
          path + " claims log entry " + std::to_string(seq) + ", which is another table's");
    auto bytes = Base64Decode(row["acta"].get<std::string>());
    if (!bytes || LeafHashOf(*bytes) != *s.tree.LeafHash(seq))
      return Refuse(
          ErrorCode::kFailedPrecondition,
          path + ": the acta given for entry " + std::to_string(seq) + " is not the log's entry");
    auto receipt_bytes = Base64Decode(row["receipt"].get<std::string>());
    if (!receipt_bytes) return Refuse(ErrorCode::kMalformed, path + ": receipt is not base64");
    auto receipt = Receipt::Decode(*receipt_bytes);
    if (!receipt || receipt->leaf_hash != *s.tree.LeafHash(seq) ||
        !ReceiptCounts(s, client, *receipt)) {
      return Refuse(ErrorCode::kBadSignature, path + ": the receipt of entry " +
                                                  std::to_string(seq) +
                                                  " is not a center's signature over this acta");
    }
    auto proof = s.tree.InclusionProof(seq, size);
    if (!proof) return std::unexpected(proof.error());
    json hashes = json::array();
    for (const auto& h : *proof) hashes.push_back(HexEncode(h));
    json a = {{"leaf_hash", HexEncode(*s.tree.LeafHash(seq))},
              {"acta", Base64Encode(*bytes)},
              {"text", std::string(kActaTextPrefix) + Base45Encode(*bytes)},
              {"receipt", row["receipt"]},
              {"received_at_ms", receipt->received_at_ms},
              {"lane", row.contains("lane") && row["lane"] == "public" ? "public" : "terminal"},
              {"conflict", seq != seqs.front()},
              {"seq", seq},
              {"inclusion_proof", {{"size", size}, {"index", seq}, {"hashes", std::move(hashes)}}}};
    out.push_back(std::move(a));
    ++matched;
  }
  if (matched != seqs.size())
    return Refuse(ErrorCode::kFailedPrecondition, path + " lists " + std::to_string(matched) +
                                                      " of the table's " +
                                                      std::to_string(seqs.size()) + " log entries");
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> BuildTableFiles(
    Mirror::State& s, std::span<const uint32_t> tables, uint64_t size, uint64_t& bytes_fetched) {
  std::vector<std::pair<std::string, std::string>> out(tables.size());
  const int threads = s.options.fetch_threads;
  std::vector<std::unique_ptr<http::HttpClient>> clients(static_cast<size_t>(threads));
  std::vector<uint64_t> fetched(static_cast<size_t>(threads), 0);
  std::atomic<uint64_t> done{0};
  std::mutex progress_mu;
  // The tally is only read here: no Apply runs until this returns.
  auto st = ParallelFor(tables.size(), threads, [&](size_t i, int worker) -> Status {
    const uint32_t id = tables[i];
    auto status = s.tally->StatusOf(id);
    if (!status) return std::unexpected(status.error());
    auto base = tally::TableJson(*s.tally, id);
    if (!base) return std::unexpected(base.error());
    json j = json::parse(*base);
    json actas = json::array();
    if (status->body || status->state != tally::TableState::kMissing) {
      std::vector<uint64_t> seqs = {status->seq};
      if (auto it = s.later_entries.find(id); it != s.later_entries.end())
        seqs.insert(seqs.end(), it->second.begin(), it->second.end());
      auto& client = clients[static_cast<size_t>(worker)];
      if (!client) {
        auto made = s.clients();
        if (!made) return std::unexpected(made.error());
        client = std::move(*made);
      }
      auto rows = CheckedRows(s, *client, id, seqs, size, fetched[static_cast<size_t>(worker)]);
      if (!rows) return std::unexpected(rows.error());
      actas = std::move(*rows);
    }
    j["actas"] = std::move(actas);
    j["checkpoint_size"] = size;
    out[i] = {TablePath(id), j.dump() + "\n"};
    const uint64_t n = ++done;
    if (s.options.progress && (n % 1024 == 0 || n == tables.size())) {
      std::lock_guard lock(progress_mu);
      s.options.progress("tables", n, tables.size());
    }
    return Ok();
  });
  for (uint64_t f : fetched) bytes_fetched += f;
  if (!st) return std::unexpected(st.error());
  return out;
}

}  // namespace acta::mirror::internal
