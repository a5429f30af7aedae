// Storage and several-center benchmark (issue: "Past one machine",
// Performance): center ingest throughput and p99 on SQLite, on PostgreSQL
// with one node and with two nodes sharing the database, each beside the
// raw multi-row insert rate of the same rows into the same schema measured
// in the same run; and failover time, from kill -9 of the sequencing node
// (a real `acta center` process) to the next checkpoint the survivor signs.
//
//   store_load --pg-url URL [--ha-url URL] [--tables N] [--connections C]
//              [--failovers K] [--acta PATH] [--out FILE]
//
// URL is a PostgreSQL server the benchmark may create databases on
// (scripts/run-bench.sh starts a throwaway cluster with
// scripts/pg-test-cluster.sh). --ha-url is the multi-host URL of a
// three-site Patroni cluster (scripts/ha-cluster.sh, issue #15): then one
// center with --require-sync-standby ingests on it too, in the same run.
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/bench_election.h"
#include "bench/center_process.h"
#include "bench/load_generator.h"
#include "bench/raw_sqlite.h"
#include "center/center.h"
#include "store/open_store.h"

namespace acta::bench {
namespace {

constexpr size_t kRawBatch = 256;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_load: %s\n", what.c_str());
  std::exit(1);
}

// Keeps a query string (the multi-host URL's target_session_attrs).
std::string UrlWithDatabase(const std::string& url, const std::string& db) {
  const size_t query = url.find('?');
  const std::string base = url.substr(0, query);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  const size_t slash = base.rfind('/');
  if (slash == std::string::npos || slash < base.find("://") + 3) return base + "/" + db + rest;
  return base.substr(0, slash + 1) + db + rest;
}

void PgAdmin(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die(std::string("connect: ") + PQerrorMessage(conn));
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(conn, sql.c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(sql + ": " + PQerrorMessage(conn));
  PQclear(r);
  PQfinish(conn);
}

// A fresh database with acta's schema, initialized for this election.
std::string FreshPgDatabase(const std::string& cluster_url, const std::string& name,
                            const Hash256& election_id) {
  PgAdmin(cluster_url, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  PgAdmin(cluster_url, "CREATE DATABASE " + name);
  const std::string url = UrlWithDatabase(cluster_url, name);
  auto store = store::OpenStore(url);
  if (!store) Die("open " + url + ": " + store.error().ToString());
  if (auto st = (*store)->Initialize(election_id); !st) Die("initialize: " + st.error().ToString());
  return url;
}

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Multi-row INSERT of kRawBatch rows per statement (one transaction each,
// synchronous_commit on), binary parameters, one connection: what the
// center's group commit does, without the center.
double RawPgInsertRate(const std::string& url, const std::vector<RawRow>& rows) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die(std::string("connect: ") + PQerrorMessage(conn));
  const std::string receipt(kReceiptSize, '\0');
  auto start = std::chrono::steady_clock::now();
  for (size_t from = 0; from < rows.size(); from += kRawBatch) {
    const size_t n = std::min(kRawBatch, rows.size() - from);
    std::string sql =
        "INSERT INTO accepted (leaf_hash, table_id, correction, bytes, lane, received_at_ms, "
        "receipt, conflict) VALUES ";
    std::vector<std::string> storage;
    storage.reserve(n * 8);
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    int p = 1;
    for (size_t i = 0; i < n; ++i) {
      const RawRow& r = rows[from + i];
      if (i > 0) sql += ",";
      sql += "(";
      for (int k = 0; k < 8; ++k) sql += (k ? ",$" : "$") + std::to_string(p++);
      sql += ")";
      std::string u64;
      storage.emplace_back(reinterpret_cast<const char*>(r.leaf.data()), r.leaf.size());
      u64.clear();
      PutU64(u64, r.table_id);
      storage.push_back(u64);
      u64.clear();
      PutU64(u64, 0);
      storage.push_back(u64);
      storage.emplace_back(reinterpret_cast<const char*>(r.bytes->data()), r.bytes->size());
      storage.push_back(u64);  // lane 0
      u64.clear();
      PutU64(u64, 1'800'000'000'000ULL + from + i);
      storage.push_back(u64);
      storage.push_back(receipt);
      storage.emplace_back(1, '\0');  // conflict = false
    }
    for (const std::string& s : storage) {
      values.push_back(s.data());
      lengths.push_back(static_cast<int>(s.size()));
      formats.push_back(1);
    }
    PGresult* res = PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), lengths.data(), formats.data(), 1);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      Die(std::string("insert: ") + PQerrorMessage(conn));
    PQclear(res);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PQfinish(conn);
  return static_cast<double>(rows.size()) / secs;
}

struct IngestFigures {
  double rate = 0;
  double p50 = 0;
  double p99 = 0;
  uint64_t failed = 0;
};

// Saturating load spread over the nodes (each gets an equal share of the
// requests on its own connections), measured until every acta is in a
// checkpoint the first node published.
IngestFigures RunIngest(std::vector<std::unique_ptr<center::Center>>& nodes,
                        const std::vector<PreparedRequest>& requests, int connections) {
  const size_t k = nodes.size();
  std::vector<std::vector<PreparedRequest>> shares(k);
  for (size_t i = 0; i < requests.size(); ++i) shares[i % k].push_back(requests[i]);
  std::vector<LoadResult> results(k);
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (size_t n = 0; n < k; ++n) {
    threads.emplace_back([&, n] {
      LoadOptions lo;
      lo.port = nodes[n]->ingest_port();
      lo.connections = std::max(1, connections / static_cast<int>(k));
      results[n] = RunLoad(lo, shares[n]);
    });
  }
  for (auto& t : threads) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  IngestFigures f;
  LoadResult all;
  for (auto& r : results) {
    all.ok += r.ok;
    f.failed += r.failed;
    all.latencies_ms.insert(all.latencies_ms.end(), r.latencies_ms.begin(), r.latencies_ms.end());
  }
  if (!WaitLogSize(*nodes.front(), all.ok)) std::fprintf(stderr, "warning: log did not catch up\n");
  f.rate = static_cast<double>(all.ok) / secs;
  f.p50 = all.Percentile(0.5);
  f.p99 = all.Percentile(0.99);
  return f;
}

std::string Fmt(const char* format, double v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace
}  // namespace acta::bench

int main(int argc, char** argv) {
  using namespace acta;
  using namespace acta::bench;
  InitCrypto();
  uint32_t tables = 30000;
  int connections = 64;
  int failovers = 3;
  std::string pg_url, ha_url, out_path, acta_binary = ACTA_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--tables")
      tables = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (a == "--connections")
      connections = std::stoi(argv[i + 1]);
    else if (a == "--failovers")
      failovers = std::stoi(argv[i + 1]);
    else if (a == "--pg-url")
      pg_url = argv[i + 1];
    else if (a == "--ha-url")
      ha_url = argv[i + 1];
    else if (a == "--acta")
      acta_binary = argv[i + 1];
    else if (a == "--out")
      out_path = argv[i + 1];
    else
      pg_url.clear(), argc = 0;
  }
  if (pg_url.empty()) {
    std::fprintf(stderr,
                 "usage: store_load --pg-url URL [--ha-url URL] [--tables N] [--connections C] "
                 "[--failovers K] "
                 "[--acta PATH] [--out FILE]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  const auto root =
      std::filesystem::temp_directory_path() / ("acta-store-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  SystemClock clock;
  const std::string tag = std::to_string(::getpid());

  std::fprintf(stderr, "preparing %u signed actas...\n", tables);
  BenchElection e = MakeBenchElection(tables, root, 2);
  const Hash256 election_id = e.synth->election.manifest.election_id;
  const auto requests = PrepareTerminalRequests(e);
  const auto rows = RawRowsOf(e);

  nlohmann::json out_rows = nlohmann::json::array();
  auto row = [&](std::string what, std::string value, std::string lim, std::string ratio) {
    std::fprintf(stderr, "%-58s %-26s %-22s %s\n", what.c_str(), value.c_str(), lim.c_str(),
                 ratio.c_str());
    out_rows.push_back({what, value, lim, ratio});
  };

  // Raw insert rates of the same rows (the limits).
  std::filesystem::remove(root / "raw.sqlite");
  auto raw_insert = RawSqliteInsert((root / "raw.sqlite").string(), election_id, rows, kRawBatch);
  if (!raw_insert) Die("raw SQLite insert: " + raw_insert.error().ToString());
  const double raw_sqlite = raw_insert->rows_per_second;
  row("raw SQLite insert, 256 rows/transaction, WAL, synchronous=FULL",
      Fmt("%.0f rows/s", raw_sqlite), "", "");
  const double raw_pg =
      RawPgInsertRate(FreshPgDatabase(pg_url, "acta_bench_raw_" + tag, election_id), rows);
  row("raw PostgreSQL multi-row INSERT, 256 rows/statement, 1 connection",
      Fmt("%.0f rows/s", raw_pg), "", "");

  auto ingest_row = [&](const std::string& what, const IngestFigures& f, double raw,
                        const std::string& raw_name) {
    row(what + ": throughput", Fmt("%.0f actas/s", f.rate), Fmt("%.0f rows/s ", raw) + raw_name,
        Fmt("%.2f", f.rate / raw));
    row(what + ": acceptance latency",
        Fmt("p50 %.2f ms", f.p50) + Fmt(", p99 %.2f ms", f.p99) +
            (f.failed ? ", " + std::to_string(f.failed) + " failed" : ""),
        "", "");
  };

  {
    std::fprintf(stderr, "ingest: SQLite, 1 node\n");
    std::vector<std::unique_ptr<center::Center>> nodes;
    std::filesystem::remove(root / "ingest.sqlite");
    nodes.push_back(StartBenchCenter(e, "sqlite:" + (root / "ingest.sqlite").string(), 0, clock));
    auto f = RunIngest(nodes, requests, connections);
    for (auto& n : nodes) n->Stop();
    ingest_row("SQLite, 1 node", f, raw_sqlite, "(raw SQLite)");
  }
  IngestFigures pg_one_node;  // the single-site figure the three-site row is compared with
  for (int k : {1, 2}) {
    std::fprintf(stderr, "ingest: PostgreSQL, %d node(s)\n", k);
    const std::string url =
        FreshPgDatabase(pg_url, "acta_bench_" + std::to_string(k) + "_" + tag, election_id);
    std::vector<std::unique_ptr<center::Center>> nodes;
    for (int n = 0; n < k; ++n) nodes.push_back(StartBenchCenter(e, url, n, clock));
    auto f = RunIngest(nodes, requests, connections);
    for (auto& n : nodes) n->Stop();
    nodes.clear();
    ingest_row("PostgreSQL, " + std::to_string(k) + (k == 1 ? " node" : " nodes"), f, raw_pg,
               "(raw PostgreSQL)");
    if (k == 1) pg_one_node = f;
    PgAdmin(pg_url, "DROP DATABASE IF EXISTS acta_bench_" + std::to_string(k) + "_" + tag +
                        " WITH (FORCE)");
  }

  if (!ha_url.empty()) {
    std::fprintf(stderr, "ingest: PostgreSQL on 3 sites (Patroni, synchronous), 1 node\n");
    const std::string db = "acta_bench_ha_" + tag;
    const std::string url = FreshPgDatabase(ha_url, db, election_id);
    std::vector<std::unique_ptr<center::Center>> nodes;
    store::OpenOptions ha;
    ha.require_sync_standby = true;
    ha.answer_timeout_ms = 5000;
    nodes.push_back(StartBenchCenter(e, url, 0, clock, ha));
    auto f = RunIngest(nodes, requests, connections);
    for (auto& n : nodes) n->Stop();
    nodes.clear();
    const double raw_ha = RawPgInsertRate(FreshPgDatabase(ha_url, db + "_raw", election_id), rows);
    ingest_row("PostgreSQL 3 sites, Patroni synchronous, --require-sync-standby, 1 node", f, raw_ha,
               "(raw, same cluster)");
    // What the second and third site cost, against the same center on one
    // PostgreSQL and the raw single-site insert rate, both from this run.
    row("PostgreSQL 3 sites vs 1 site: ingest throughput", Fmt("%.0f actas/s", f.rate),
        Fmt("%.0f actas/s (PostgreSQL, 1 node)", pg_one_node.rate),
        Fmt("%.2f", pg_one_node.rate > 0 ? f.rate / pg_one_node.rate : 0.0));
    row("PostgreSQL 3 sites vs raw single-site insert", Fmt("%.0f actas/s", f.rate),
        Fmt("%.0f rows/s (raw PostgreSQL)", raw_pg), Fmt("%.2f", f.rate / raw_pg));
  }

  if (failovers > 0) {
    std::fprintf(stderr, "failover: 2 acta center processes, kill -9 of the leader x%d\n",
                 failovers);
    const std::string url = FreshPgDatabase(pg_url, "acta_bench_failover_" + tag, election_id);
    auto times = MeasureFailovers(acta_binary, e, url, requests, failovers);
    if (times.empty()) {
      row("failover: leader killed (kill -9) -> next checkpoint by the survivor", "not measured",
          "", "");
    } else {
      std::sort(times.begin(), times.end());
      row("failover: leader killed (kill -9) -> next checkpoint by the survivor",
          Fmt("median %.2f s", times[times.size() / 2]) + Fmt(", max %.2f s", times.back()) + " (" +
              std::to_string(times.size()) + " kills)",
          "", "");
    }
    PgAdmin(pg_url, "DROP DATABASE IF EXISTS acta_bench_failover_" + tag + " WITH (FORCE)");
  }
  PgAdmin(pg_url, "DROP DATABASE IF EXISTS acta_bench_raw_" + tag + " WITH (FORCE)");

  nlohmann::json out = {
      {"title", "Storage backends and several centers"},
      {"columns", {"measure", "value", "limit (same run)", "ratio"}},
      {"rows", out_rows},
      {"notes",
       {std::to_string(tables) + " distinct actas, terminal lane, " + std::to_string(connections) +
            " keep-alive connections in total; load generator and centers share the machine.",
        "Raw rates insert the same rows into the same schema (indexes included) without the "
        "center: no HTTP, no signature checks, no receipts, no sequencing.",
        "Two nodes: both ingest half the load each from one PostgreSQL database; one of them "
        "sequences. PostgreSQL runs on the same machine with fsync and synchronous_commit on.",
        "3 sites: scripts/ha-cluster.sh on the same machine (3 etcd, 3 Patroni/PostgreSQL 15 "
        "on loopback, synchronous_mode_strict); every receipt waits for the synchronous "
        "standby's flush. Its raw rate inserts into the same cluster.",
        "Failover: the follower keeps receiving terminal load while the leader is killed; "
        "the time runs until the survivor has signed a checkpoint (sequencer poll interval "
        "250 ms)."}}};
  const std::string text = out.dump(2);
  if (out_path.empty())
    std::printf("%s\n", text.c_str());
  else
    std::ofstream(out_path) << text << "\n";
  std::filesystem::remove_all(root);
  return 0;
}
