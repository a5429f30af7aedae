// Seeds a center's SQLite store with a realistic share of an election's
// actas, fast, for the dashboard scale measurement (bench/dashboard_scale.mjs,
// docs/PERFORMANCE.md "Dashboard at 1,000,000 tables").
//
// Posting 300,000 actas over HTTP costs minutes; this writes them straight
// into the store as accepted but not yet sequenced rows, with real
// signatures and receipts, exactly as the ingest's group commit leaves them
// after a crash. The center sequences them when it starts (the same path
// as recovery), in its usual batches and checkpoints.
//
//   dashboard_seed --election DIR --db PATH [--fraction 0.3]
//                  [--span-minutes 240] [--conflicts 200] [--seed 7]
//
// Arrival times follow a triangular curve (peak at 30 % of the span) over
// `span` minutes from 16:00 UTC of the polls-close day, in a shuffled table
// order so every region fills in gradually; `conflicts` of the tables get a
// second, different acta later on.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/acta.h"
#include "core/election_secrets.h"
#include "core/manifest.h"
#include "core/receipt.h"
#include "store/sqlite_store.h"

namespace acta::bench {
namespace {

struct Args {
  std::string election;
  std::string db;
  double fraction = 0.3;
  uint64_t span_minutes = 240;
  size_t conflicts = 200;
  uint64_t seed = 7;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "dashboard_seed: %s\n", what.c_str());
  std::exit(1);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--election")
      a.election = v;
    else if (k == "--db")
      a.db = v;
    else if (k == "--fraction")
      a.fraction = std::stod(v);
    else if (k == "--span-minutes")
      a.span_minutes = std::stoull(v);
    else if (k == "--conflicts")
      a.conflicts = std::stoull(v);
    else if (k == "--seed")
      a.seed = std::stoull(v);
    else
      Die("unknown option " + k);
  }
  if (a.election.empty() || a.db.empty()) Die("need --election DIR --db PATH");
  if (!(a.fraction > 0 && a.fraction <= 1)) Die("--fraction must be in (0, 1]");
  return a;
}

// Inverse CDF of the triangular distribution on [0, 1] with mode c.
double Triangular(double u, double c) {
  return u < c ? std::sqrt(u * c) : 1 - std::sqrt((1 - u) * (1 - c));
}

struct Planned {
  size_t table_index;
  uint64_t received_at_ms;
  uint32_t correction;  // 0: the truth; 1: a conflicting second acta
};

}  // namespace

int Main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  auto manifest = LoadManifest(args.election);
  if (!manifest) Die(manifest.error().ToString());
  auto secrets = LoadElectionSecrets(args.election);
  if (!secrets) Die(secrets.error().ToString());
  const size_t n = manifest->tables.size();
  auto keys = TableKeys::Load(args.election + "/secrets/table-keys.bin", n);
  if (!keys) Die(keys.error().ToString());
  auto truth = Truth::Load(args.election + "/secrets/truth.bin", *manifest);
  if (!truth) Die(truth.error().ToString());

  // Which tables report, in which order, and when.
  std::mt19937_64 rng(args.seed);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const size_t reporting = std::max<size_t>(1, static_cast<size_t>(args.fraction * n));
  order.resize(reporting);
  const uint64_t start_ms = (manifest->polls_close_not_before + 8 * 3600) * 1000;
  const double span_ms = static_cast<double>(args.span_minutes) * 60000.0;
  std::vector<Planned> plan;
  plan.reserve(reporting + args.conflicts);
  for (size_t k = 0; k < reporting; ++k) {
    const double u = (static_cast<double>(k) + 0.5) / static_cast<double>(reporting);
    plan.push_back({order[k], start_ms + static_cast<uint64_t>(Triangular(u, 0.3) * span_ms), 0});
  }
  for (size_t k = 0; k < std::min(args.conflicts, reporting); ++k) {
    const Planned& first = plan[k * (reporting / std::max<size_t>(1, args.conflicts))];
    plan.push_back({first.table_index, first.received_at_ms + 600000, 1});
  }
  std::stable_sort(plan.begin(), plan.end(), [](const Planned& a, const Planned& b) {
    return a.received_at_ms < b.received_at_ms;
  });

  // Sign actas and receipts on two threads.
  std::vector<store::AcceptedActa> rows(plan.size());
  auto sign = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const Planned& p = plan[i];
      ActaBody body = truth->BodyFor(p.table_index);
      body.closing_time =
          std::min<uint64_t>(p.received_at_ms / 1000 - 120, manifest->polls_close_not_after);
      body.correction = p.correction;
      if (p.correction != 0 && !body.contests.empty() && body.contests[0].candidates.size() > 1 &&
          body.contests[0].candidates[0] > 0) {
        --body.contests[0].candidates[0];
        ++body.contests[0].candidates[1];
      }
      auto acta = SignActa(body, keys->key(p.table_index));
      if (!acta) Die(acta.error().ToString());
      store::AcceptedActa& row = rows[i];
      row.leaf_hash = acta->LeafHash();
      row.table_id = body.table_id;
      row.correction = p.correction;
      row.bytes = acta->bytes;
      row.lane = store::Lane::kTerminal;
      row.received_at_ms = p.received_at_ms;
      row.receipt =
          Receipt::Sign(manifest->election_id, row.leaf_hash, p.received_at_ms, secrets->center)
              .Encode();
      row.conflict = p.correction != 0;
    }
  };
  std::thread half(sign, 0, rows.size() / 2);
  sign(rows.size() / 2, rows.size());
  half.join();

  auto store = store::SqliteStore::Open(args.db);
  if (!store) Die(store.error().ToString());
  if (auto st = (*store)->Initialize(manifest->election_id); !st) Die(st.error().ToString());
  constexpr size_t kBatch = 20000;
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    const size_t end = std::min(rows.size(), i + kBatch);
    if (auto st = (*store)->InsertAccepted(std::span(rows).subspan(i, end - i)); !st)
      Die(st.error().ToString());
  }
  std::printf("{\"tables\": %zu, \"reporting\": %zu, \"conflicts\": %zu, \"rows\": %zu}\n", n,
              reporting, rows.size() - reporting, rows.size());
  return 0;
}

}  // namespace acta::bench

int main(int argc, char** argv) { return acta::bench::Main(argc, argv); }
