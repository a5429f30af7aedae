// The public listener: read-only, separate from ingest. Serves the log in
// the C2SP tlog-tiles layout (/checkpoint, /tile/...), which is immutable and
// cacheable so any CDN or nginx can copy it, and beside it the JSON API of
// docs/API.md: manifest, checkpoints, bulletins, regions, tables, proofs,
// the open-data CSV, server-sent events and /metrics.
//
// Every answer is tied to a published checkpoint: tiles and proofs are only
// served up to the latest checkpoint's size, and bulletins are generated
// from the tally exactly at a checkpoint.
//
// Work that may take long (old bulletins, the CSV, table lookups in the
// store) runs on a small worker pool so it never blocks the I/O threads.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "center/build_info.h"
#include "center/cosignature_collector.h"
#include "center/http/handler.h"
#include "center/log_state.h"
#include "center/metrics.h"
#include "center/telemetry/telemetry.h"
#include "store/store.h"
#include "tally/arrivals.h"

namespace acta::center {

struct ElectionFiles {
  Bytes manifest_json;
  Bytes tables_bin;
  Bytes manifest_sig;
};

struct PublicApiOptions {
  int worker_threads = 1;
  // Directory of the built dashboard (index.html and assets); empty: none.
  std::string web_root;
  // Most concurrent server-sent-event subscribers.
  size_t max_event_streams = 1000;
  // Security telemetry served at /v1/telemetry; null: 404.
  const telemetry::SecurityTelemetry* telemetry = nullptr;
  // Root of the published audit directories (/v1/audits/, audit_files.h);
  // empty: none.
  std::string audit_dir;
  // Witness cosignatures appended to /checkpoint and /v1/checkpoints notes,
  // and /v1/witnesses; null: the center's signature only.
  const CosignatureCollector* cosignatures = nullptr;
  // The executable served at /version; null: 404.
  const BuildInfo* build = nullptr;
};

class PublicApi final : public http::Handler {
 public:
  PublicApi(LogState& state, store::Store& store, ElectionFiles files, MetricsRegistry& metrics,
            PublicApiOptions options);
  ~PublicApi() override;

  void Handle(http::Request&& request, http::ReplyFn reply) override;
  std::size_t BodyLimit(const http::Request&, std::size_t) const override { return 0; }

  void RenderMetrics(std::string& out) const;

 private:
  using Reply = http::ReplyFn;
  void Route(const http::Request& request, const Reply& reply);
  void ServeTile(std::string_view path, const Reply& reply);
  void ServeBulletin(const http::Request& request, const Reply& reply);
  void ServeTable(uint32_t table_id, const Reply& reply);
  void ServeInclusion(const http::Request& request, const Reply& reply);
  void ServeConsistency(const http::Request& request, const Reply& reply);
  void ServeCsv(const Reply& reply);
  void ServeEvents(const Reply& reply);
  void ServeArrivals(const http::Request& request, const Reply& reply);
  // Keeps the arrival index current in the background (a few hundred rows
  // per checkpoint; the whole log once after a restart), so requests rarely
  // wait for the store. At most one such task is queued.
  void WarmArrivals();
  // Feeds the arrival index the store's entries up to the latest
  // checkpoint. REQUIRES arrivals_mu_.
  Status CatchUpArrivalsLocked();
  // The JSON of /v1/arrivals for `region` at the latest checkpoint.
  // REQUIRES arrivals_mu_.
  Result<std::string> ArrivalsLocked(int32_t region, size_t top);
  void ServeStatic(std::string_view path, const Reply& reply);
  void OnPublish(const PublishedCheckpoint& cp);
  // The checkpoint's note with the witness cosignatures collected for it.
  std::string CosignedNote(const store::StoredCheckpoint& cp) const;
  // Bulletin JSON at `size` (the latest, or recomputed from the store),
  // listing regions down to `max_level`.
  Result<std::string> BulletinAt(uint64_t size, RegionLevel max_level = RegionLevel::kParish);

  LogState& state_;
  store::Store& store_;
  const ElectionFiles files_;
  MetricsRegistry& metrics_;
  const PublicApiOptions options_;
  boost::asio::thread_pool workers_;

  std::mutex cache_mu_;
  // A few recent (size, max_level) bulletins.
  std::map<std::pair<uint64_t, RegionLevel>, std::shared_ptr<const std::string>> bulletin_cache_;

  // Arrival index (GET /v1/arrivals), fed incrementally from the store in
  // log order up to the latest checkpoint; a few answers cached per size.
  std::mutex arrivals_mu_;
  std::optional<tally::ArrivalIndex> arrivals_;
  std::atomic<bool> arrivals_warming_{false};
  store::StoredCheckpoint arrivals_at_;
  std::map<std::pair<int32_t, size_t>, std::pair<uint64_t, std::shared_ptr<const std::string>>>
      arrivals_cache_;

  mutable std::mutex streams_mu_;
  std::list<std::shared_ptr<http::SseStream>> streams_;
  LabeledCounter requests_;
};

}  // namespace acta::center
