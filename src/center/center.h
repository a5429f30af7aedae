// A totalization center: the store, the log, the tally, the ingest
// pipeline and the two HTTP listeners (ingest and public), wired together.
// `acta center` and the tests and the demo all run this same object.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "center/build_info.h"
#include "center/center_key.h"
#include "center/cosignature_collector.h"
#include "center/http/server.h"
#include "center/ingest.h"
#include "center/metrics.h"
#include "center/operations_metrics.h"
#include "center/receipt_keys.h"
#include "center/sequencer.h"
#include "center/telemetry/geo_lookup.h"
#include "center/telemetry/telemetry.h"
#include "core/clock.h"
#include "store/group_commit.h"
#include "store/open_store.h"

namespace acta::center {

struct CenterOptions {
  std::string election_dir;  // manifest.json, tables.bin, manifest.sig
  std::string db_url;        // "sqlite:PATH"
  store::OpenOptions db;     // PostgreSQL only: synchronous standby, answer timeout
  // The center's key (must be listed in the manifest): a key file, or a
  // pkcs11: URI naming an Ed25519 key in a token (center/center_key.h).
  std::string key_file;
  std::string pin_file;  // the token's PIN, with a pkcs11: key
  // Transport master secrets, one per manifest transport_key_ids entry (matched by id).
  std::vector<std::string> transport_key_files;
  std::vector<std::string> ingest_listen = {"127.0.0.1:0"};
  std::vector<std::string> public_listen = {"127.0.0.1:0"};
  int ingest_threads = 1;
  int public_threads = 1;
  std::optional<http::TlsFiles> tls;
  http::ServerLimits ingest_limits;
  http::ServerLimits public_limits;
  SequencerOptions sequencer;
  store::GroupCommitOptions commit;
  IngestOptions ingest;
  std::string web_root;
  // Audit directories published read-only under /v1/audits/; empty: none.
  std::string audit_dir;
  // Optional offline geolocation (MMDB files) for the attack telemetry.
  std::string geoip_country_db;
  std::string geoip_asn_db;
  // How often a one-line attack summary is logged while requests are refused.
  std::chrono::seconds attack_summary_interval{60};
  // How often a center whose key is in a token checks whether a new UTC day
  // began, to issue that day's receipt key (tests shorten it).
  std::chrono::milliseconds receipt_key_check_interval{60'000};
  // Submit checkpoints to the manifest's witnesses and serve their
  // cosignatures (when the manifest lists any).
  bool collect_cosignatures = true;
  // Witness URLs that replace the manifest's, by witness name (a proxy, a
  // demo's loopback ports).
  std::map<std::string, std::string> witness_urls;
  std::string witness_ca_file;  // PEM CAs for https witnesses; empty: the system's
  CosignatureCollectorOptions witness;
  // The executable whose SHA-256 the center serves (/version, metrics) and,
  // when the manifest pins release hashes, must find among them to start.
  std::string executable = "/proc/self/exe";
};

class Center {
 public:
  // Loads and checks everything, recovers state from the store, starts the
  // sequencer and both listeners. Errors name what is wrong (manifest,
  // key not in the manifest, a token's wrong PIN or missing token or key,
  // store of another election, bind failure...).
  static Result<std::unique_ptr<Center>> Start(CenterOptions options, const Clock& clock);
  ~Center();

  uint16_t ingest_port() const;
  uint16_t public_port() const;
  const Manifest& manifest() const { return *manifest_; }
  const BuildInfo& build() const { return build_; }
  telemetry::SecurityTelemetry& telemetry() { return *telemetry_; }
  LogState& log_state() { return *state_; }
  IngestService& ingest() { return *ingest_; }
  Sequencer& sequencer() { return *sequencer_; }
  // Null when the manifest lists no witness or collection is off.
  CosignatureCollector* cosignatures() { return collector_.get(); }
  std::string RenderMetrics() const { return metrics_->Render(); }

  // Graceful shutdown: stop accepting, answer in-flight requests, commit
  // what is queued, sequence it and sign a final checkpoint. Idempotent.
  void Stop();

 private:
  Center() = default;
  struct Parts;
  std::unique_ptr<Manifest> manifest_;
  BuildInfo build_;
  CenterKey key_;
  std::unique_ptr<ReceiptKeys> receipt_keys_;  // issued only with a key in a token
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::SequencerLease> lease_;
  std::unique_ptr<LogState> state_;
  std::unique_ptr<Sequencer> sequencer_;
  std::unique_ptr<OperationsMetrics> operations_metrics_;  // outlives committer_
  std::unique_ptr<store::GroupCommitter> committer_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<CosignatureCollector> collector_;
  std::unique_ptr<telemetry::GeoLookup> geo_;
  std::unique_ptr<telemetry::SecurityTelemetry> telemetry_;
  std::thread summary_thread_;
  std::mutex summary_mu_;
  std::condition_variable summary_cv_;
  bool summary_stop_ = false;
  std::unique_ptr<http::Handler> ingest_handler_;
  std::unique_ptr<http::Handler> public_api_;
  std::unique_ptr<http::HttpServer> ingest_server_;
  std::unique_ptr<http::HttpServer> public_server_;
  bool stopped_ = false;
};

}  // namespace acta::center
