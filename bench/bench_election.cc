#include "bench/bench_election.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "bench/cpu_time.h"
#include "core/election_secrets.h"
#include "core/receipt.h"

namespace acta::bench {

BenchElection MakeBenchElection(uint32_t tables, const std::filesystem::path& root,
                                uint32_t centers, uint32_t witnesses) {
  BenchElection e;
  e.dir = (root / ("election-" + std::to_string(tables))).string();
  sim::SynthOptions o;
  o.tables = tables;
  o.seed = 99;
  o.centers = centers;
  o.witnesses = witnesses;
  o.witness_quorum = std::min<uint32_t>(witnesses, 2);
  auto synth = sim::SynthesizeElection(o);
  if (!synth) {
    std::fprintf(stderr, "synth: %s\n", synth.error().ToString().c_str());
    std::exit(1);
  }
  e.synth = std::make_unique<sim::SynthResult>(std::move(*synth));
  if (auto st = sim::WriteElectionDir(e.dir, *e.synth); !st) {
    std::fprintf(stderr, "write: %s\n", st.error().ToString().c_str());
    std::exit(1);
  }
  const ElectionMaterial& m = e.synth->election;
  Truth truth(m.manifest, m.truth);
  e.actas.resize(tables);
  auto sign_range = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      ActaBody body = truth.BodyFor(i);
      body.closing_time = m.manifest.polls_close_not_before + 60;
      e.actas[i] = *SignActa(body, SigningKey::FromSeed(m.table_seeds[i]));
    }
  };
  std::thread t(sign_range, 0, tables / 2);
  sign_range(tables / 2, tables);
  t.join();
  return e;
}

std::vector<PreparedRequest> PrepareTerminalRequests(const BenchElection& e) {
  std::vector<PreparedRequest> out;
  out.reserve(e.actas.size());
  for (const Acta& a : e.actas) {
    Mac mac = ComputeMac(DeriveTransportKey(e.synth->election.transport_master, a.body.table_id),
                         a.bytes);
    out.push_back({a.bytes, Base64Encode(mac)});
  }
  return out;
}

double RawVerifyRate(const BenchElection& e, bool cpu_time) {
  const size_t n = std::min<size_t>(e.actas.size(), 20000);
  std::vector<Bytes> msgs;
  for (size_t i = 0; i < n; ++i) msgs.push_back(e.actas[i].SignedMessage());
  const auto& tables = e.synth->election.manifest.tables;
  auto now = [cpu_time] {
    if (cpu_time) return ThreadCpuSeconds();
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  const double start = now();
  size_t good = 0;
  for (size_t i = 0; i < n; ++i) {
    good += crypto_sign_verify_detached(e.actas[i].signature.data(), msgs[i].data(), msgs[i].size(),
                                        tables[i].key.data()) == 0;
  }
  const double secs = now() - start;
  if (good != n) std::fprintf(stderr, "warning: %zu signatures failed\n", n - good);
  return static_cast<double>(n) / secs;
}

double RawSignRate(const BenchElection& e, bool cpu_time) {
  const size_t n = std::min<size_t>(e.actas.size(), 20000);
  // Any key signs at the same speed: libsodium's expanded 64-byte form, as
  // SigningKey holds it.
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  const Seed seed{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
  const Hash256 election_id = e.synth->election.manifest.election_id;
  std::vector<Bytes> msgs;
  msgs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Receipt r;
    r.election_id = election_id;
    r.leaf_hash = LeafHashOf(e.actas[i].bytes);
    r.received_at_ms = 1'800'000'000'000 + i;
    msgs.push_back(r.SignedMessage());
  }
  auto now = [cpu_time] {
    if (cpu_time) return ThreadCpuSeconds();
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  Signature sig{};
  uint8_t sink = 0;
  const double start = now();
  for (size_t i = 0; i < n; ++i) {
    crypto_sign_detached(sig.data(), nullptr, msgs[i].data(), msgs[i].size(), sk.data());
    sink ^= sig[0];
  }
  const double secs = now() - start;
  if (sink == 0xff && n == 0) std::fprintf(stderr, "unreachable\n");  // keeps the loop
  return static_cast<double>(n) / secs;
}

std::unique_ptr<center::Center> StartBenchCenter(
    const BenchElection& e, const std::string& db_url, int node, const Clock& clock,
    const store::OpenOptions& db, const std::function<void(center::CenterOptions&)>& adjust) {
  center::CenterOptions o;
  o.election_dir = e.dir;
  o.db_url = db_url;
  o.db = db;
  o.key_file = e.dir + (node == 0 ? std::string("/secrets/center.key")
                                  : "/secrets/center-" + std::to_string(node + 1) + ".key");
  o.ingest_listen = {"127.0.0.1:0"};
  o.public_listen = {"127.0.0.1:0"};
  o.ingest_limits.max_connections_per_source = 100000;
  o.ingest_limits.max_connections = 100000;
  o.ingest_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (adjust) adjust(o);
  auto c = center::Center::Start(o, clock);
  if (!c) {
    std::fprintf(stderr, "center: %s\n", c.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*c);
}

bool WaitLogSize(center::Center& c, uint64_t size) {
  for (int i = 0; i < 24000; ++i) {
    auto cp = c.log_state().latest();
    if (cp && cp->stored.size >= size) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

double ProcStatusMiB(const std::string& pid, const char* field) {
  std::ifstream f("/proc/" + pid + "/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(f, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
  }
  return 0;
}

}  // namespace acta::bench
