#include "center/center.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "center/ingest_handler.h"
#include "center/public_api.h"
#include "center/public_listener.h"
#include "core/election_secrets.h"
#include "core/file.h"
#include "log/checkpoint.h"
#include "log/manifest_signatures.h"
#include "store/open_store.h"
#include "store/sequencer_lease.h"

namespace acta::center {
namespace {

Result<ElectionFiles> ReadElectionFiles(const std::string& dir) {
  ElectionFiles f;
  auto read = [&](const char* name, Bytes& out) -> Status {
    auto data = ReadFile((std::filesystem::path(dir) / name).string());
    if (!data) return std::unexpected(data.error());
    out = std::move(*data);
    return Ok();
  };
  ACTA_RETURN_IF_ERROR(read("manifest.json", f.manifest_json));
  ACTA_RETURN_IF_ERROR(read("tables.bin", f.tables_bin));
  ACTA_RETURN_IF_ERROR(read("manifest.sig", f.manifest_sig));
  return f;
}

Result<std::vector<TransportKey>> LoadMasters(const Manifest& m,
                                              const std::vector<std::string>& files) {
  std::vector<std::optional<TransportKey>> by_index(m.transport_key_ids.size());
  for (const auto& path : files) {
    auto key = LoadTransportKeyFile(path);
    if (!key) return std::unexpected(key.error());
    std::string id = TransportKeyId(*key);
    bool found = false;
    for (size_t i = 0; i < m.transport_key_ids.size(); ++i) {
      if (m.transport_key_ids[i] == id) {
        by_index[i] = *key;
        found = true;
      }
    }
    if (!found) {
      return MakeError(ErrorCode::kInvalidArgument,
                       path + ": transport key id " + id + " is not listed in the manifest");
    }
  }
  std::vector<TransportKey> out;
  for (size_t i = 0; i < by_index.size(); ++i) {
    if (!by_index[i]) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "no transport key file given for manifest transport key " + m.transport_key_ids[i]);
    }
    out.push_back(*by_index[i]);
  }
  return out;
}

// One transport per manifest witness, at its URL or the override.
Result<std::unique_ptr<CosignatureCollector>> StartCollector(const Manifest& m,
                                                             const LogState& state,
                                                             store::Store& store,
                                                             const CenterOptions& options) {
  std::vector<std::unique_ptr<witness::WitnessTransport>> transports;
  for (const auto& w : m.witnesses) {
    auto it = options.witness_urls.find(w.name);
    const std::string& url = it == options.witness_urls.end() ? w.url : it->second;
    auto t = witness::HttpWitnessTransport(url, options.witness_ca_file);
    if (!t) {
      return MakeError(t.error().code,
                       "witness " + w.name + " (" + url + "): " + t.error().message);
    }
    transports.push_back(std::move(*t));
  }
  for (const auto& [name, url] : options.witness_urls) {
    bool listed = false;
    for (const auto& w : m.witnesses) listed = listed || w.name == name;
    if (!listed) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--witness-url " + name + ": no witness of that name in the manifest");
    }
  }
  auto c = std::make_unique<CosignatureCollector>(m, state, std::move(transports), options.witness,
                                                  &store);
  // What this center (or another node of its store) collected before.
  if (auto st = c->Restore(); !st) return std::unexpected(st.error());
  c->Start();
  return c;
}

// Issues the new day's receipt key once the day begins; a token that fails
// leaves the current key signing (certified for the rest of its seven days)
// and is tried again at the next check.
void RotateReceiptKey(ReceiptKeys& keys, const Clock& clock) {
  auto rotated = keys.Rotate(static_cast<uint64_t>(clock.NowUnixMillis()));
  if (!rotated) {
    spdlog::error("cannot issue the new day's receipt key ({}); receipts stay signed by {}",
                  rotated.error().ToString(), keys.current().name);
  } else if (*rotated) {
    spdlog::info("receipts now signed by {}, certified by the center key", keys.current().name);
  }
}

}  // namespace

Result<std::unique_ptr<Center>> Center::Start(CenterOptions options, const Clock& clock) {
  std::unique_ptr<Center> c(new Center());
  // Either form of manifest.sig, signed by the manifest's authority
  // (log/manifest_signatures.h).
  auto manifest = log::LoadTrustedManifest(options.election_dir, std::nullopt);
  if (!manifest) return std::unexpected(manifest.error());
  c->manifest_ = std::make_unique<Manifest>(std::move(*manifest));
  const Manifest& m = *c->manifest_;
  // Before anything else is opened: a wrong build never touches the store.
  auto build = ReadBuildInfo(options.executable);
  if (!build) return std::unexpected(build.error());
  ACTA_RETURN_IF_ERROR(CheckReleaseHash(m, *build));
  c->build_ = std::move(*build);
  spdlog::info("acta {} ({}) sha256 {}{}", c->build_.version, c->build_.executable,
               HexEncode(c->build_.sha256),
               m.release_hashes.empty() ? "" : ", one of the manifest's release hashes");
  auto files = ReadElectionFiles(options.election_dir);
  if (!files) return std::unexpected(files.error());

  auto key = OpenCenterKey(options.key_file, options.pin_file, m);
  if (!key) return std::unexpected(key.error());
  c->key_ = std::move(*key);
  spdlog::info("center key {} ({})", c->key_.name, c->key_.signer->Describe());
  if (c->key_.in_token) {
    // A token signs too slowly for a signature per acta: receipts get a
    // receipt key in memory that the token's key certifies.
    auto keys = ReceiptKeys::Issue(c->key_.named(), log::LogOrigin(m.election_id),
                                   static_cast<uint64_t>(clock.NowUnixMillis()));
    if (!keys) return std::unexpected(keys.error());
    c->receipt_keys_ = std::move(*keys);
    spdlog::info("receipts signed by {}, certified by the center key",
                 c->receipt_keys_->signer().name);
  } else {
    c->receipt_keys_ = std::make_unique<ReceiptKeys>();
  }
  if (options.transport_key_files.empty()) {
    options.transport_key_files.push_back(
        (std::filesystem::path(options.election_dir) / "secrets" / "transport.key").string());
  }
  auto masters = LoadMasters(m, options.transport_key_files);
  if (!masters) return std::unexpected(masters.error());

  // Start-up errors of the store name it, so that an operator knows which
  // file or server failed (never the URL's credentials).
  const std::string store_name = options.db_url.starts_with("sqlite:")
                                     ? "SQLite store " + options.db_url.substr(7)
                                     : std::string("PostgreSQL store");
  auto in_store = [&store_name](Error e) {
    e.message = store_name + ": " + e.message;
    return std::unexpected(std::move(e));
  };
  auto store = store::OpenStore(options.db_url, options.db);
  if (!store) return in_store(store.error());
  c->store_ = std::move(*store);
  if (auto st = c->store_->Initialize(m.election_id); !st) return in_store(st.error());
  auto lease = store::OpenLease(options.db_url, m.election_id, options.db);
  if (!lease) return std::unexpected(lease.error());
  c->lease_ = std::move(*lease);
  const bool shared_store = !options.db_url.starts_with("sqlite:");
  if (!shared_store) {
    // One process owns an SQLite store: refuse a second center on it.
    auto got = c->lease_->TryAcquire();
    if (!got) return std::unexpected(got.error());
    if (!*got) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "another center runs on this SQLite store (" + c->lease_->Describe() +
                           "); several centers need a PostgreSQL store");
    }
  }

  auto state = LogState::Create(m);
  if (!state) return std::unexpected(state.error());
  c->state_ = std::move(*state);
  c->sequencer_ = std::make_unique<Sequencer>(*c->store_, *c->state_, c->key_.named(), clock,
                                              options.sequencer, c->lease_.get());
  if (auto st = c->sequencer_->Recover(); !st) return in_store(st.error());

  c->operations_metrics_ = std::make_unique<OperationsMetrics>();
  store::GroupCommitOptions commit = options.commit;
  commit.on_commit = c->operations_metrics_->CommitObserver();
  commit.around_callbacks = [](const std::function<void()>& run) {
    http::ReplyBatch batch;  // the commit's receipts leave together
    run();
  };
  c->committer_ = std::make_unique<store::GroupCommitter>(*c->store_, std::move(commit));
  c->ingest_ = c->receipt_keys_->issued()
                   ? std::make_unique<IngestService>(m, std::move(*masters), *c->receipt_keys_,
                                                     *c->committer_, clock, options.ingest)
                   : std::make_unique<IngestService>(m, std::move(*masters), c->key_.named(),
                                                     *c->committer_, clock, options.ingest);
  if (auto st = c->ingest_->Recover(*c->store_); !st) return in_store(st.error());
  // Replays are answered from what Recover read: only once a synchronous
  // standby (if any) holds it, since a restarted primary shows commits that
  // never reached one.
  ACTA_RETURN_IF_ERROR(c->store_->ConfirmReplicated());
  Sequencer* seq = c->sequencer_.get();
  c->ingest_->SetOnDurable([seq] { seq->Notify(); });
  c->sequencer_->Start();

  c->metrics_ = std::make_unique<MetricsRegistry>();
  if (options.collect_cosignatures && !m.witnesses.empty()) {
    auto collector = StartCollector(m, *c->state_, *c->store_, options);
    if (!collector) return std::unexpected(collector.error());
    c->collector_ = std::move(*collector);
    CosignatureCollector* col = c->collector_.get();
    c->metrics_->Add([col](std::string& out) { col->RenderMetrics(out); });
  }
  telemetry::TelemetryOptions topts;
  if (!options.geoip_country_db.empty() || !options.geoip_asn_db.empty()) {
    auto geo = telemetry::MmdbGeoLookup::Open(options.geoip_country_db, options.geoip_asn_db);
    if (!geo) return std::unexpected(geo.error());
    c->geo_ = std::move(*geo);
    topts.geo = c->geo_.get();
  }
  c->telemetry_ = std::make_unique<telemetry::SecurityTelemetry>(clock, topts);
  telemetry::SecurityTelemetry* tel = c->telemetry_.get();
  auto ingest_handler = std::make_unique<IngestHandler>(*c->ingest_, clock, tel);
  ingest_handler->SetReceiptKeys(c->receipt_keys_.get());
  PublicApiOptions popts;
  popts.web_root = options.web_root;
  popts.audit_dir = options.audit_dir;
  popts.telemetry = tel;
  popts.cosignatures = c->collector_.get();
  popts.build = &c->build_;
  auto public_api =
      std::make_unique<PublicApi>(*c->state_, *c->store_, std::move(*files), *c->metrics_, popts);
  IngestHandler* ih = ingest_handler.get();
  PublicApi* pa = public_api.get();
  LogState* ls = c->state_.get();
  c->metrics_->Add([ih](std::string& out) { ih->RenderMetrics(out); });
  c->metrics_->Add([pa](std::string& out) { pa->RenderMetrics(out); });
  c->metrics_->Add([tel](std::string& out) { tel->RenderPrometheus(out); });
  c->metrics_->Add([om = c->operations_metrics_.get(), gc = c->committer_.get(),
                    ls = c->state_.get()](std::string& out) { om->Render(*gc, *ls, out); });
  c->metrics_->Add([b = &c->build_](std::string& out) { RenderBuildInfoMetric(*b, out); });
  c->metrics_->Add([ls, seq](std::string& out) {
    auto cp = ls->latest();
    MetricHeader(out, "acta_log_size", "gauge", "Entries in the latest signed checkpoint.");
    out += "acta_log_size " + std::to_string(cp ? cp->stored.size : 0) + "\n";
    MetricHeader(out, "acta_sequencer_batches_total", "counter",
                 "Batches sequenced (one checkpoint each).");
    out += "acta_sequencer_batches_total " + std::to_string(seq->batches()) + "\n";
    MetricHeader(out, "acta_sequencer_healthy", "gauge",
                 "1 while the sequencer runs, 0 after a store failure.");
    out += std::string("acta_sequencer_healthy ") + (seq->healthy() ? "1" : "0") + "\n";
    MetricHeader(out, "acta_sequencer_leader", "gauge",
                 "1 while this node holds the sequencer lease (sequences and signs), else 0.");
    out += std::string("acta_sequencer_leader ") + (seq->leader() ? "1" : "0") + "\n";
  });
  c->public_api_ = std::make_unique<PublicListenerHandler>(std::move(public_api), *ingest_handler);
  c->ingest_handler_ = std::move(ingest_handler);

  http::ServerOptions ingest_opts;
  ingest_opts.listen = options.ingest_listen;
  ingest_opts.threads = options.ingest_threads;
  ingest_opts.limits = options.ingest_limits;
  ingest_opts.tls = options.tls;
  ingest_opts.on_reject = [tel](http::RejectReason reason,
                                const boost::asio::ip::address& address) {
    tel->Record(http::RejectReasonName(reason), telemetry::Lane::kNone, address);
  };
  auto ingest_server = http::HttpServer::Start(ingest_opts, *c->ingest_handler_);
  if (!ingest_server) return std::unexpected(ingest_server.error());
  c->ingest_server_ = std::move(*ingest_server);

  http::ServerOptions public_opts;
  public_opts.listen = options.public_listen;
  public_opts.threads = options.public_threads;
  public_opts.limits = options.public_limits;
  public_opts.tls = options.tls;
  public_opts.on_reject = ingest_opts.on_reject;
  auto public_server = http::HttpServer::Start(public_opts, *c->public_api_);
  if (!public_server) return std::unexpected(public_server.error());
  c->public_server_ = std::move(*public_server);
  // While under attack, one line a minute says by whom and how. The same
  // thread moves receipts to a new day's receipt key once that day begins
  // (a center in a token): a key is certified for seven days only.
  Center* raw = c.get();
  const std::chrono::milliseconds interval = options.attack_summary_interval;
  const auto rotate_every = options.receipt_key_check_interval;
  c->summary_thread_ = std::thread([raw, interval, rotate_every, &clock] {
    std::unique_lock lock(raw->summary_mu_);
    auto next_summary = std::chrono::steady_clock::now() + interval;
    while (!raw->summary_cv_.wait_for(lock, std::min(interval, rotate_every),
                                      [raw] { return raw->summary_stop_; })) {
      if (raw->receipt_keys_->issued()) RotateReceiptKey(*raw->receipt_keys_, clock);
      if (std::chrono::steady_clock::now() < next_summary) continue;
      next_summary = std::chrono::steady_clock::now() + interval;
      std::string line = raw->telemetry_->OneLineSummary();
      if (!line.empty()) spdlog::warn("under attack: {}", line);
    }
  });
  return c;
}

uint16_t Center::ingest_port() const { return ingest_server_->port(); }
uint16_t Center::public_port() const { return public_server_->port(); }

void Center::Stop() {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(summary_mu_);
    summary_stop_ = true;
  }
  summary_cv_.notify_all();
  if (summary_thread_.joinable()) summary_thread_.join();
  // Order matters: no new requests, then the verify workers finish what is
  // queued, then everything handed to group commit becomes durable
  // (answering its requests), then it is sequenced into a final checkpoint.
  if (ingest_server_) ingest_server_->Stop();
  if (ingest_) ingest_->Stop();
  if (committer_) committer_->Shutdown();
  if (sequencer_) sequencer_->Stop();
  // After the final checkpoint, so witnesses are offered it; the threads
  // stop within their poll interval and a request's timeout.
  if (collector_) collector_->Stop();
  if (public_server_) public_server_->Stop();
  auto cp = state_ ? state_->latest() : std::nullopt;
  if (cp)
    spdlog::info("center stopped at checkpoint size {} root {}", cp->stored.size,
                 HexEncode(cp->stored.root));
}

Center::~Center() { Stop(); }

}  // namespace acta::center
