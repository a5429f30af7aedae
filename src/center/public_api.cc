#include "center/public_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "center/audit_files.h"
#include "center/query.h"
#include "center/witness_api.h"
#include "core/file.h"
#include "log/tiles.h"
#include "tally/bulletin.h"
#include "tally/csv_export.h"
#include "tally/region_detail.h"

namespace acta::center {
namespace {

using nlohmann::json;

constexpr size_t kBulletinCacheSize = 4;
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
constexpr char kNoCache[] = "no-cache";
// /v1/arrivals: child series shown by default, and cached answers kept.
constexpr size_t kArrivalsDefaultTop = 8;
constexpr size_t kArrivalsCacheSize = 64;

enum Route : size_t {
  kRouteCheckpoint,
  kRouteTile,
  kRouteManifest,
  kRouteCheckpoints,
  kRouteBulletin,
  kRouteRegion,
  kRouteTable,
  kRouteInclusion,
  kRouteConsistency,
  kRouteCsv,
  kRouteEvents,
  kRouteMetrics,
  kRouteStatic,
  kRouteNotFound,
  kRouteTelemetry,
  kRouteArrivals,
  kRouteAudits,
  kRouteWitnesses,
  kRouteVersion,
  kRouteCount
};

http::Response WithCache(http::Response r, const char* cache) {
  r.headers.emplace_back("Cache-Control", cache);
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

http::Response Binary(Bytes body, const char* cache,
                      std::string type = "application/octet-stream") {
  http::Response r;
  r.status = 200;
  r.content_type = std::move(type);
  r.body = std::move(body);
  return WithCache(std::move(r), cache);
}

http::Response JsonOk(const std::string& body, const char* cache = kNoCache) {
  return WithCache(http::Response::Json(200, body), cache);
}

http::Response FromError(const Error& e) {
  int status = 500;
  switch (e.code) {
    case ErrorCode::kNotFound:
    case ErrorCode::kUnknownTable:
      status = 404;
      break;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kMalformed:
      status = 400;
      break;
    case ErrorCode::kFailedPrecondition:
      status = 409;
      break;
    case ErrorCode::kUnavailable:
      status = 503;
      break;
    default:
      break;
  }
  return http::Response::Error(status, ErrorCodeName(e.code), e.message);
}

json HashList(const std::vector<Hash256>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(HexEncode(h));
  return out;
}

std::string ContentTypeFor(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  if (ext == ".ico") return "image/x-icon";
  // WebAssembly.instantiateStreaming requires it (the observers' QR reader).
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

}  // namespace

PublicApi::PublicApi(LogState& state, store::Store& store, ElectionFiles files,
                     MetricsRegistry& metrics, PublicApiOptions options)
    : state_(state),
      store_(store),
      files_(std::move(files)),
      metrics_(metrics),
      options_(std::move(options)),
      workers_(static_cast<size_t>(std::max(1, options_.worker_threads))),
      requests_({"checkpoint", "tile", "manifest", "checkpoints", "bulletin", "region", "table",
                 "proof_inclusion", "proof_consistency", "export_csv", "events", "metrics",
                 "static", "not_found", "telemetry", "arrivals", "audits", "witnesses",
                 "version"}) {
  state_.OnPublish([this](const PublishedCheckpoint& cp) { OnPublish(cp); });
  // A recovered log is already published: index it now rather than on the
  // first request.
  if (state_.latest()) WarmArrivals();
}

PublicApi::~PublicApi() {
  {
    std::lock_guard lock(streams_mu_);
    for (auto& s : streams_) s->Close();
    streams_.clear();
  }
  workers_.join();
}

void PublicApi::Handle(http::Request&& request, http::ReplyFn reply) {
  if (request.method != "GET" && request.method != "HEAD") {
    auto r = http::Response::Error(405, "method_not_allowed", "the public API is read-only");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return reply(std::move(r));
  }
  Route(request, reply);
}

std::string PublicApi::CosignedNote(const store::StoredCheckpoint& cp) const {
  if (options_.cosignatures == nullptr) return cp.note;
  return options_.cosignatures->CosignedNote(cp);
}

void PublicApi::Route(const http::Request& request, const Reply& reply) {
  const std::string_view path = request.Path();
  auto latest = state_.latest();
  if (path == "/checkpoint") {
    requests_.Add(kRouteCheckpoint);
    if (!latest) return reply(http::Response::Error(503, "unavailable", "no checkpoint yet"));
    http::Response r = http::Response::Text(200, CosignedNote(latest->stored));
    return reply(WithCache(std::move(r), kNoCache));
  }
  if (path == "/v1/witnesses") {
    requests_.Add(kRouteWitnesses);
    uint64_t size = latest ? latest->stored.size : 0;
    if (auto s = QueryParam(request.target, "size")) {
      auto v = ParseDecimal(*s);
      if (!v)
        return reply(http::Response::Error(400, "malformed", "size must be a decimal number"));
      size = *v;
    }
    return reply(
        WithCache(JsonOk(WitnessesJson(state_.manifest(), options_.cosignatures, size)), kNoCache));
  }
  if (path.starts_with("/tile/")) {
    requests_.Add(kRouteTile);
    return ServeTile(path.substr(1), reply);
  }
  if (path == "/v1/manifest") {
    requests_.Add(kRouteManifest);
    return reply(Binary(files_.manifest_json, kImmutable, "application/json"));
  }
  if (path == "/v1/manifest/tables.bin") {
    requests_.Add(kRouteManifest);
    return reply(Binary(files_.tables_bin, kImmutable));
  }
  if (path == "/v1/manifest/manifest.sig") {
    requests_.Add(kRouteManifest);
    return reply(Binary(files_.manifest_sig, kImmutable, "text/plain; charset=utf-8"));
  }
  if (path == "/v1/checkpoints") {
    requests_.Add(kRouteCheckpoints);
    // ?max=N: at most N checkpoints, evenly spread over the history, the
    // first and the latest always in (a long night can sign hundreds of
    // thousands); ?note=0 leaves the signed notes out.
    uint64_t max = UINT64_MAX;
    if (auto m = QueryParam(request.target, "max")) {
      auto v = ParseDecimal(*m);
      if (!v || *v < 2) {
        return reply(http::Response::Error(400, "malformed", "max must be a decimal number >= 2"));
      }
      max = *v;
    }
    const auto note = QueryParam(request.target, "note");
    if (note && *note != "0" && *note != "1") {
      return reply(http::Response::Error(400, "malformed", "note must be 0 or 1"));
    }
    const bool with_note = !note || *note == "1";
    const auto all = state_.checkpoints();
    json out = json::array();
    // ?size=N: only the checkpoint of that size (a monitor asks when the one
    // it verified was published, however many were signed since).
    if (auto s = QueryParam(request.target, "size")) {
      auto v = ParseDecimal(*s);
      if (!v)
        return reply(http::Response::Error(400, "malformed", "size must be a decimal number"));
      auto it = std::lower_bound(all.begin(), all.end(), *v,
                                 [](const auto& cp, uint64_t size) { return cp.size < size; });
      if (it == all.end() || it->size != *v) {
        return reply(
            http::Response::Error(404, "not_found", "no checkpoint of size " + std::to_string(*v)));
      }
      json j = {
          {"size", it->size}, {"root", HexEncode(it->root)}, {"created_at_ms", it->created_at_ms}};
      if (with_note) j["note"] = CosignedNote(*it);
      out.push_back(std::move(j));
      return reply(JsonOk(out.dump() + "\n"));
    }
    const uint64_t n = all.size();
    const uint64_t shown = std::min<uint64_t>(n, max);
    for (uint64_t k = 0; k < shown; ++k) {
      const auto& cp = all[shown == n ? k : (shown == 1 ? n - 1 : k * (n - 1) / (shown - 1))];
      json j = {
          {"size", cp.size}, {"root", HexEncode(cp.root)}, {"created_at_ms", cp.created_at_ms}};
      if (with_note) j["note"] = CosignedNote(cp);
      out.push_back(std::move(j));
    }
    return reply(JsonOk(out.dump() + "\n"));
  }
  if (path == "/v1/bulletin") {
    requests_.Add(kRouteBulletin);
    return ServeBulletin(request, reply);
  }
  if (path.starts_with("/v1/regions/")) {
    requests_.Add(kRouteRegion);
    std::string code(path.substr(std::string_view("/v1/regions/").size()));
    Result<std::string> body = MakeError(ErrorCode::kInternal, "");
    state_.Read(
        [&](const tally::Tally& t, const auto&) { body = tally::RegionDetailJson(t, code); });
    if (!body) return reply(FromError(body.error()));
    return reply(JsonOk(*body));
  }
  if (path.starts_with("/v1/tables/")) {
    requests_.Add(kRouteTable);
    auto id = ParseDecimal(path.substr(std::string_view("/v1/tables/").size()));
    if (!id || *id > UINT32_MAX)
      return reply(http::Response::Error(400, "malformed", "table id must be a decimal u32"));
    return ServeTable(static_cast<uint32_t>(*id), reply);
  }
  if (path == "/v1/proof/inclusion") {
    requests_.Add(kRouteInclusion);
    return ServeInclusion(request, reply);
  }
  if (path == "/v1/proof/consistency") {
    requests_.Add(kRouteConsistency);
    return ServeConsistency(request, reply);
  }
  if (path == "/v1/export/tables.csv") {
    requests_.Add(kRouteCsv);
    return ServeCsv(reply);
  }
  if (path == "/v1/events") {
    requests_.Add(kRouteEvents);
    return ServeEvents(reply);
  }
  if (path == "/v1/telemetry") {
    requests_.Add(kRouteTelemetry);
    if (options_.telemetry == nullptr) {
      return reply(http::Response::Error(404, "not_found", "this center keeps no telemetry"));
    }
    return reply(JsonOk(options_.telemetry->TelemetryJson() + "\n"));
  }
  if (path == "/v1/arrivals") {
    requests_.Add(kRouteArrivals);
    return ServeArrivals(request, reply);
  }
  if (path.starts_with("/v1/audits/")) {
    requests_.Add(kRouteAudits);
    // Small files read from disk: on the workers, never the I/O threads.
    return boost::asio::post(workers_, [this, rest = std::string(path.substr(11)), reply] {
      reply(WithCache(ServeAuditFile(options_.audit_dir, rest), kNoCache));
    });
  }
  if (path == "/metrics") {
    requests_.Add(kRouteMetrics);
    http::Response r = http::Response::Text(200, metrics_.Render());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply(std::move(r));
  }
  if (path == "/healthz") return reply(http::Response::Text(200, "ok\n"));
  if (path == "/version") {
    requests_.Add(kRouteVersion);
    if (options_.build == nullptr) {
      return reply(http::Response::Error(404, "not_found", "this center does not know its build"));
    }
    return reply(JsonOk(VersionJson(*options_.build, state_.manifest())));
  }
  requests_.Add(kRouteStatic);
  ServeStatic(path, reply);
}

void PublicApi::ServeTile(std::string_view path, const Reply& reply) {
  auto tile = log::ParseTilePath(path);
  if (!tile) return reply(FromError(tile.error()));
  auto latest = state_.latest();
  const uint64_t size = latest ? latest->stored.size : 0;
  // The tile must be complete within the published tree: its last leaf is
  // ((index * 256 + width) << (8 * level)) - 1.
  const unsigned shift = log::kTileHeight * tile->level;
  if (shift >= 64 || tile->index > (UINT64_MAX >> shift) / log::kTileWidth ||
      ((tile->index * log::kTileWidth + tile->width) << shift) > size) {
    return reply(http::Response::Error(404, "not_found", "tile is beyond the latest checkpoint"));
  }
  const char* cache = tile->width == log::kTileWidth ? kImmutable : kNoCache;
  if (!tile->entries) {
    auto data = log::TileData(state_.tree(), tile->level, tile->index, tile->width);
    if (!data) return reply(FromError(data.error()));
    return reply(Binary(std::move(*data), cache));
  }
  boost::asio::post(workers_, [this, tile = *tile, cache, reply] {
    std::vector<Bytes> entries;
    const uint64_t from = tile.index * log::kTileWidth;
    auto st = store_.ForEachSequenced(from, from + tile.width, [&](const store::AcceptedActa& row) {
      entries.push_back(row.bytes);
      return Ok();
    });
    if (!st) return reply(FromError(st.error()));
    auto bundle = log::EncodeEntryBundle(entries);
    if (!bundle) return reply(FromError(bundle.error()));
    reply(Binary(std::move(*bundle), cache));
  });
}

Result<std::string> PublicApi::BulletinAt(uint64_t size, RegionLevel max_level) {
  tally::BulletinOptions options;
  options.max_level = max_level;
  {
    std::lock_guard lock(cache_mu_);
    auto it = bulletin_cache_.find({size, max_level});
    if (it != bulletin_cache_.end()) return *it->second;
  }
  Result<std::string> body =
      MakeError(ErrorCode::kNotFound, "no checkpoint of size " + std::to_string(size));
  state_.Read([&](const tally::Tally& t, const std::optional<PublishedCheckpoint>& cp) {
    if (cp && cp->stored.size == size) {
      body = tally::BuildBulletin(t, {cp->stored.size, cp->stored.root},
                                  cp->stored.created_at_ms / 1000, options);
    }
  });
  if (!body && body.error().code == ErrorCode::kNotFound) {
    // An older checkpoint: replay the log up to it into a fresh tally.
    std::optional<store::StoredCheckpoint> target;
    for (const auto& cp : state_.checkpoints()) {
      if (cp.size == size) target = cp;
    }
    if (!target) return body;
    auto tally = tally::Tally::Create(state_.manifest());
    if (!tally) return std::unexpected(tally.error());
    auto st = store_.ForEachSequenced(0, size, [&](const store::AcceptedActa& row) -> Status {
      auto acta = DecodeActa(row.bytes);
      auto applied = tally->Apply(acta ? acta->body : ActaBody{}, *row.seq, row.leaf_hash);
      (void)applied;  // invalid entries are counted by the tally itself
      return Ok();
    });
    if (!st) return std::unexpected(st.error());
    body = tally::BuildBulletin(*tally, {target->size, target->root}, target->created_at_ms / 1000,
                                options);
  }
  if (body) {
    std::lock_guard lock(cache_mu_);
    bulletin_cache_[{size, max_level}] = std::make_shared<const std::string>(*body);
    while (bulletin_cache_.size() > kBulletinCacheSize)
      bulletin_cache_.erase(bulletin_cache_.begin());
  }
  return body;
}

void PublicApi::ServeBulletin(const http::Request& request, const Reply& reply) {
  auto latest = state_.latest();
  if (!latest) return reply(http::Response::Error(503, "unavailable", "no checkpoint yet"));
  uint64_t size = latest->stored.size;
  bool pinned = false;
  if (auto s = QueryParam(request.target, "size")) {
    auto v = ParseDecimal(*s);
    if (!v) return reply(http::Response::Error(400, "malformed", "size must be a decimal number"));
    size = *v;
    pinned = true;
  }
  // ?max_level=state keeps a 1,000,000-table bulletin small (the dashboard
  // reads deeper levels one region at a time from /v1/regions).
  RegionLevel max_level = RegionLevel::kParish;
  if (auto l = QueryParam(request.target, "max_level")) {
    const RegionLevel levels[] = {RegionLevel::kCountry, RegionLevel::kState,
                                  RegionLevel::kMunicipality, RegionLevel::kParish};
    bool known = false;
    for (RegionLevel level : levels) {
      if (*l == RegionLevelName(level)) {
        max_level = level;
        known = true;
      }
    }
    if (!known) {
      return reply(http::Response::Error(
          400, "malformed", "max_level must be country, state, municipality or parish"));
    }
  }
  boost::asio::post(workers_, [this, size, pinned, max_level, reply] {
    auto body = BulletinAt(size, max_level);
    if (!body) return reply(FromError(body.error()));
    reply(JsonOk(*body, pinned ? kImmutable : kNoCache));
  });
}

void PublicApi::ServeTable(uint32_t table_id, const Reply& reply) {
  boost::asio::post(workers_, [this, table_id, reply] {
    Result<std::string> status = MakeError(ErrorCode::kInternal, "");
    uint64_t cp_size = 0;
    state_.Read([&](const tally::Tally& t, const std::optional<PublishedCheckpoint>& cp) {
      status = tally::TableJson(t, table_id);
      cp_size = cp ? cp->stored.size : 0;
    });
    if (!status) return reply(FromError(status.error()));
    json out = json::parse(*status, nullptr, false);
    auto rows = store_.FindByTable(table_id);
    if (!rows) return reply(FromError(rows.error()));
    json actas = json::array();
    for (const auto& row : *rows) {
      json a = {{"leaf_hash", HexEncode(row.leaf_hash)},
                {"acta", Base64Encode(row.bytes)},
                {"text", std::string(kActaTextPrefix) + Base45Encode(row.bytes)},
                {"receipt", Base64Encode(row.receipt)},
                {"received_at_ms", row.received_at_ms},
                {"lane", row.lane == store::Lane::kTerminal ? "terminal" : "public"},
                {"conflict", row.conflict}};
      if (row.seq && *row.seq < cp_size) {
        a["seq"] = *row.seq;
        auto proof = state_.tree().InclusionProof(*row.seq, cp_size);
        if (proof)
          a["inclusion_proof"] = {
              {"size", cp_size}, {"index", *row.seq}, {"hashes", HashList(*proof)}};
      }
      actas.push_back(std::move(a));
    }
    out["actas"] = std::move(actas);
    out["checkpoint_size"] = cp_size;
    reply(JsonOk(out.dump() + "\n"));
  });
}

void PublicApi::ServeInclusion(const http::Request& request, const Reply& reply) {
  auto latest = state_.latest();
  const uint64_t latest_size = latest ? latest->stored.size : 0;
  uint64_t size = latest_size;
  if (auto s = QueryParam(request.target, "size")) {
    auto v = ParseDecimal(*s);
    if (!v) return reply(http::Response::Error(400, "malformed", "size must be a decimal number"));
    size = *v;
  }
  if (size > latest_size)
    return reply(http::Response::Error(404, "not_found", "size is beyond the latest checkpoint"));
  auto index_param = QueryParam(request.target, "index");
  auto leaf_param = QueryParam(request.target, "leaf");
  if (!index_param && !leaf_param) {
    return reply(http::Response::Error(400, "malformed", "give index=N or leaf=<64 hex>"));
  }
  std::optional<uint64_t> index;
  if (index_param) {
    index = ParseDecimal(*index_param);
    if (!index)
      return reply(http::Response::Error(400, "malformed", "index must be a decimal number"));
  } else {
    auto leaf = HexDecodeFixed<32>(*leaf_param);
    if (!leaf) return reply(http::Response::Error(400, "malformed", "leaf must be 64 hex digits"));
    auto row = store_.FindByLeaf(*leaf);
    if (!row) return reply(FromError(row.error()));
    if (!*row || !(*row)->seq)
      return reply(http::Response::Error(404, "not_found", "leaf is not in the log (yet)"));
    index = *(*row)->seq;
  }
  if (*index >= size)
    return reply(http::Response::Error(404, "not_found", "index is not below size"));
  auto proof = state_.tree().InclusionProof(*index, size);
  if (!proof) return reply(FromError(proof.error()));
  auto leaf_hash = state_.tree().LeafHash(*index);
  json out = {{"index", *index},
              {"size", size},
              {"leaf_hash", HexEncode(*leaf_hash)},
              {"hashes", HashList(*proof)}};
  reply(JsonOk(out.dump() + "\n", kImmutable));
}

void PublicApi::ServeConsistency(const http::Request& request, const Reply& reply) {
  auto latest = state_.latest();
  const uint64_t latest_size = latest ? latest->stored.size : 0;
  auto from_s = QueryParam(request.target, "from");
  auto from_parsed = from_s ? ParseDecimal(*from_s) : std::nullopt;
  if (!from_parsed)
    return reply(http::Response::Error(400, "malformed", "from must be a decimal number"));
  const uint64_t from = from_parsed.value();
  uint64_t to = latest_size;
  if (auto t = QueryParam(request.target, "to")) {
    auto v = ParseDecimal(*t);
    if (!v) return reply(http::Response::Error(400, "malformed", "to must be a decimal number"));
    to = *v;
  }
  if (to > latest_size || from > to) {
    return reply(
        http::Response::Error(404, "not_found", "need from <= to <= latest checkpoint size"));
  }
  auto proof = state_.tree().ConsistencyProof(from, to);
  if (!proof) return reply(FromError(proof.error()));
  json out = {{"from", from}, {"to", to}, {"hashes", HashList(*proof)}};
  reply(JsonOk(out.dump() + "\n", kImmutable));
}

void PublicApi::ServeCsv(const Reply& reply) {
  boost::asio::post(workers_, [this, reply] {
    std::string csv;
    uint64_t size = 0;
    state_.Read([&](const tally::Tally& t, const std::optional<PublishedCheckpoint>& cp) {
      csv = tally::TableCsv(t);
      size = cp ? cp->stored.size : 0;
    });
    http::Response r;
    r.status = 200;
    r.content_type = "text/csv; charset=utf-8";
    r.body.assign(csv.begin(), csv.end());
    r.headers.emplace_back("Acta-Checkpoint-Size", std::to_string(size));
    reply(WithCache(std::move(r), kNoCache));
  });
}

void PublicApi::ServeEvents(const Reply& reply) {
  {
    std::lock_guard lock(streams_mu_);
    streams_.remove_if([](const auto& s) { return !s->IsOpen(); });
    if (streams_.size() >= options_.max_event_streams) {
      return reply(http::Response::Error(503, "overloaded", "too many event subscribers"));
    }
  }
  reply(http::Response::EventStream([this](std::shared_ptr<http::SseStream> stream) {
    auto latest = state_.latest();
    if (latest) {
      json ev = {{"size", latest->stored.size},
                 {"root", HexEncode(latest->stored.root)},
                 {"created_at_ms", latest->stored.created_at_ms}};
      stream->Send("checkpoint", ev.dump(), std::to_string(latest->stored.size));
    }
    std::lock_guard lock(streams_mu_);
    streams_.push_back(std::move(stream));
  }));
}

void PublicApi::OnPublish(const PublishedCheckpoint& cp) {
  json ev = {{"size", cp.stored.size},
             {"root", HexEncode(cp.stored.root)},
             {"created_at_ms", cp.stored.created_at_ms}};
  const std::string data = ev.dump();
  const std::string id = std::to_string(cp.stored.size);
  {
    std::lock_guard lock(streams_mu_);
    streams_.remove_if([&](const auto& s) { return !s->Send("checkpoint", data, id); });
  }
  WarmArrivals();
}

void PublicApi::WarmArrivals() {
  if (arrivals_warming_.exchange(true)) return;
  boost::asio::post(workers_, [this] {
    arrivals_warming_ = false;
    std::lock_guard lock(arrivals_mu_);
    if (auto st = CatchUpArrivalsLocked(); !st) spdlog::warn("arrivals: {}", st.error().ToString());
  });
}

void PublicApi::ServeArrivals(const http::Request& request, const Reply& reply) {
  const Manifest& manifest = state_.manifest();
  int32_t region = 0;
  if (auto code = QueryParam(request.target, "region")) {
    // Region codes need no percent-decoding: FindRegion simply fails on an
    // encoded one.
    region = manifest.FindRegion(*code);
    if (region < 0) return reply(http::Response::Error(404, "not_found", "no such region"));
  }
  size_t top = kArrivalsDefaultTop;
  if (auto t = QueryParam(request.target, "top")) {
    auto v = ParseDecimal(*t);
    if (!v || *v > tally::ArrivalIndex::kMaxTop) {
      return reply(http::Response::Error(400, "malformed", "top must be a decimal number <= 50"));
    }
    top = static_cast<size_t>(*v);
  }
  if (!state_.latest())
    return reply(http::Response::Error(503, "unavailable", "no checkpoint yet"));
  boost::asio::post(workers_, [this, region, top, reply] {
    Result<std::string> body = MakeError(ErrorCode::kInternal, "");
    {
      std::lock_guard lock(arrivals_mu_);
      body = ArrivalsLocked(region, top);
    }
    if (!body) return reply(FromError(body.error()));
    reply(JsonOk(*body));
  });
}

Status PublicApi::CatchUpArrivalsLocked() {
  if (!arrivals_) {
    auto index = tally::ArrivalIndex::Create(state_.manifest());
    if (!index) return std::unexpected(index.error());
    arrivals_.emplace(std::move(*index));
  }
  auto latest = state_.latest();
  if (!latest) return MakeError(ErrorCode::kUnavailable, "no checkpoint yet");
  const uint64_t target = latest->stored.size;
  if (arrivals_->size() > target) return Ok();  // already past it (checkpoints only grow)
  if (arrivals_->size() < target) {
    // Only the entries since the last call: O(new entries) per checkpoint.
    auto st = store_.ForEachSequenced(
        arrivals_->size(), target, [&](const store::AcceptedActa& row) -> Status {
          return arrivals_->Add(*row.seq, row.table_id, row.received_at_ms);
        });
    if (!st) return st;
    if (arrivals_->size() != target) {
      return MakeError(ErrorCode::kUnavailable,
                       "the store holds " + std::to_string(arrivals_->size()) +
                           " sequenced entries, the checkpoint " + std::to_string(target));
    }
  }
  // The index is now exactly at `latest`.
  arrivals_at_ = latest->stored;
  return Ok();
}

Result<std::string> PublicApi::ArrivalsLocked(int32_t region, size_t top) {
  if (auto st = CatchUpArrivalsLocked(); !st) return std::unexpected(st.error());
  const auto key = std::make_pair(region, top);
  if (auto it = arrivals_cache_.find(key);
      it != arrivals_cache_.end() && it->second.first == arrivals_at_.size) {
    return *it->second.second;
  }
  auto body = std::make_shared<const std::string>(
      tally::ArrivalsJson(state_.manifest(), arrivals_->Query(region, top), arrivals_at_.size,
                          HexEncode(arrivals_at_.root)));
  if (arrivals_cache_.size() >= kArrivalsCacheSize) arrivals_cache_.clear();
  arrivals_cache_[key] = {arrivals_at_.size, body};
  return *body;
}

void PublicApi::ServeStatic(std::string_view path, const Reply& reply) {
  if (options_.web_root.empty() || path.find("..") != std::string_view::npos) {
    return reply(http::Response::Error(404, "not_found", "no such resource; see docs/API.md"));
  }
  std::string rel = path == "/" ? "index.html" : std::string(path.substr(1));
  std::filesystem::path file = std::filesystem::path(options_.web_root) / rel;
  auto data = ReadFile(file.string());
  if (!data)
    return reply(http::Response::Error(404, "not_found", "no such resource; see docs/API.md"));
  reply(Binary(std::move(*data), rel == "index.html" ? kNoCache : "public, max-age=300",
               ContentTypeFor(file)));
}

void PublicApi::RenderMetrics(std::string& out) const {
  MetricHeader(out, "acta_public_requests_total", "counter", "Public API requests by route.");
  requests_.Render("acta_public_requests_total", "route", out);
  MetricHeader(out, "acta_event_streams", "gauge", "Open server-sent-event streams.");
  size_t n;
  {
    std::lock_guard lock(streams_mu_);
    n = streams_.size();
  }
  out += "acta_event_streams " + std::to_string(n) + "\n";
}

}  // namespace acta::center
