#include "sim/synth.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>
#include <thread>

#include "sim/synth_geo.h"

namespace acta::sim {
namespace {

using internal::Normal;

constexpr uint32_t kMaxTables = 10'000'000;
constexpr uint32_t kMaxCenters = 16;

struct ContestShape {
  const char* id;
  const char* name;
  std::vector<std::array<const char*, 3>> candidates;  // id, name, party
  std::vector<double> shares;                          // candidates..., blank, null
};

const std::vector<ContestShape>& Contests() {
  static const std::vector<ContestShape> kContests = {
      {"president",
       "Presidente de la República",
       {{"p1", "Ana Beltrán", "Alianza Cívica"},
        {"p2", "Carlos Ortega", "Partido Progresista"},
        {"p3", "Lucía Mendoza", "Movimiento Verde"},
        {"p4", "Rafael Duarte", "Unión Popular"},
        {"p5", "Inés Salcedo", "Independiente"},
        {"p6", "Tomás Rivas", "Frente Federal"}},
       {0.44, 0.37, 0.07, 0.04, 0.025, 0.015, 0.01, 0.02}},
      {"assembly",
       "Asamblea Nacional (lista)",
       {{"a1", "Lista Alianza Cívica", "Alianza Cívica"},
        {"a2", "Lista Partido Progresista", "Partido Progresista"},
        {"a3", "Lista Movimiento Verde", "Movimiento Verde"},
        {"a4", "Lista Unión Popular", "Unión Popular"},
        {"a5", "Lista Frente Federal", "Frente Federal"}},
       {0.36, 0.33, 0.12, 0.08, 0.05, 0.02, 0.04}},
  };
  return kContests;
}

Seed DrawSeed(Random& rng) {
  Seed s;
  rng.Fill(s);
  return s;
}

// Splits `ballots` among options in proportion to `weights` exactly
// (largest remainders), so the counts always add up.
void Apportion(uint32_t ballots, const std::vector<double>& weights, uint32_t* out) {
  double total = 0;
  for (double w : weights) total += w;
  const size_t n = weights.size();
  double frac[80];
  int64_t left = ballots;
  for (size_t i = 0; i < n; ++i) {
    double share = ballots * weights[i] / total;
    out[i] = static_cast<uint32_t>(std::floor(share));
    frac[i] = share - out[i];
    left -= out[i];
  }
  while (left > 0) {
    size_t best = 0;
    for (size_t i = 1; i < n; ++i) best = frac[i] > frac[best] ? i : best;
    ++out[best];
    frac[best] = -1;
    --left;
  }
  for (size_t i = 0; left < 0; i = (i + 1) % n) {
    if (out[i] > 0) {
      --out[i];
      ++left;
    }
  }
}

// Public keys from seeds on `threads` threads; the calling thread works too
// and is the only one that reports progress.
void ComputePublicKeys(const std::vector<Seed>& seeds, std::vector<TableRecord>& tables,
                       unsigned threads, const SynthProgress& progress) {
  constexpr size_t kBlock = 2048;
  std::atomic<size_t> next{0}, done{0};
  auto work = [&](bool report) {
    for (;;) {
      size_t begin = next.fetch_add(kBlock);
      if (begin >= seeds.size()) return;
      size_t end = std::min(seeds.size(), begin + kBlock);
      for (size_t i = begin; i < end; ++i)
        tables[i].key = SigningKey::FromSeed(seeds[i]).public_key();
      size_t total = done.fetch_add(end - begin) + (end - begin);
      if (report && progress) progress("keys", total, seeds.size());
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, threads); ++t) pool.emplace_back(work, false);
  work(true);
  for (std::thread& t : pool) t.join();
  if (progress) progress("keys", seeds.size(), seeds.size());
}

}  // namespace

Result<SynthResult> SynthesizeElection(const SynthOptions& o, Random& rng,
                                       const SynthProgress& progress) {
  if (o.tables == 0 || o.tables > kMaxTables) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "tables must be 1.." + std::to_string(kMaxTables));
  }
  if (o.witnesses > Contests()[0].candidates.size() || o.witness_quorum > o.witnesses ||
      (o.witnesses > 0 && o.witness_quorum == 0)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "witnesses must be 0.." + std::to_string(Contests()[0].candidates.size()) +
                         " with a quorum of 1..witnesses");
  }
  if (o.centers == 0 || o.centers > kMaxCenters) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "centers must be 1.." + std::to_string(kMaxCenters));
  }
  if (o.anomalies > o.tables) {
    return MakeError(ErrorCode::kInvalidArgument, "more anomalies than tables");
  }
  if (o.polls_close_not_before > o.polls_close_not_after) {
    return MakeError(ErrorCode::kInvalidArgument, "polls-close window ends before it starts");
  }
  Manifest m;
  m.name = o.name;
  m.polls_close_not_before = o.polls_close_not_before;
  m.polls_close_not_after = o.polls_close_not_after;

  NamedSigningKey authority = NamedSigningKey::From("synth-authority", DrawSeed(rng));
  m.authority = authority.verifier();
  std::vector<NamedSigningKey> centers;
  for (uint32_t i = 0; i < o.centers; ++i) {
    centers.push_back(
        NamedSigningKey::From("synth-center-" + std::to_string(i + 1), DrawSeed(rng)));
    m.centers.push_back(centers.back().verifier());
  }
  TransportKey transport;
  rng.Fill(transport);
  m.transport_key_ids.push_back(TransportKeyId(transport));
  for (const ContestShape& c : Contests()) {
    Contest contest{c.id, c.name, {}};
    for (const auto& k : c.candidates) contest.candidates.push_back(Candidate{k[0], k[1], k[2]});
    m.contests.push_back(std::move(contest));
  }

  internal::Geography geo = internal::BuildGeography(o.tables, rng);
  if (progress) progress("regions", geo.regions.size(), geo.regions.size());
  m.regions = std::move(geo.regions);

  // Tables: ids 1..N in region order, registered voters clipped lognormal
  // (median 690, mean ~700, 50..1200).
  m.tables.resize(o.tables);
  std::vector<Seed> seeds(o.tables);
  for (uint32_t i = 0; i < o.tables; ++i) {
    TableRecord& t = m.tables[i];
    t.id = i + 1;
    t.region = geo.table_region[i];
    double r = 690.0 * std::exp(0.3 * Normal(rng));
    t.registered = static_cast<uint32_t>(std::clamp(std::round(r), 50.0, 1200.0));
    t.transport_key = 0;
    rng.Fill(seeds[i]);
  }
  ComputePublicKeys(seeds, m.tables, o.threads, progress);
  // Drawn last, so an election without witnesses is the one it always was.
  std::vector<NamedCosignerKey> witnesses;
  for (uint32_t i = 0; i < o.witnesses; ++i) {
    const char* party = Contests()[0].candidates[i][2];
    witnesses.push_back(NamedCosignerKey::From(
        "witness-" + std::to_string(i + 1) + ".synth.invalid/" + Contests()[0].candidates[i][0],
        DrawSeed(rng)));
    m.witnesses.push_back(
        ManifestWitness{party, witnesses.back().verifier(),
                        "http://witness-" + std::to_string(i + 1) + ".synth.invalid"});
  }
  m.witness_quorum = o.witness_quorum;
  m.Finalize();

  // Truth. Turnout: a base per state, drift per municipality and table.
  // Preferences: the national shares bent by state, municipality and table.
  const size_t regions = m.regions.size();
  std::vector<double> turnout(regions, 0.0);
  std::vector<std::vector<double>> bias(regions);  // per state and municipality
  size_t options = 0;
  for (const ContestShape& c : Contests()) options += c.shares.size();
  for (size_t r = 1; r < regions; ++r) {
    RegionLevel level = m.regions[r].level;
    if (level != RegionLevel::kState && level != RegionLevel::kMunicipality) continue;
    bool state = level == RegionLevel::kState;
    turnout[r] = state ? 0.60 + 0.15 * rng.UniformDouble() : 0.025 * Normal(rng);
    bias[r].resize(options);
    for (double& b : bias[r]) b = std::exp((state ? 0.25 : 0.12) * Normal(rng));
  }
  const size_t per_table = 1 + options;
  std::vector<uint32_t> truth(per_table * o.tables);
  std::vector<double> weights;
  for (uint32_t i = 0; i < o.tables; ++i) {
    const TableRecord& t = m.tables[i];
    const uint32_t state = geo.state_of[t.region], muni = geo.municipality_of[t.region];
    double p = std::clamp(turnout[state] + turnout[muni] + 0.02 * Normal(rng), 0.2, 0.95);
    uint32_t* row = truth.data() + i * per_table;
    row[0] = std::min(t.registered, static_cast<uint32_t>(std::lround(t.registered * p)));
    size_t k = 0, col = 1;
    for (const ContestShape& c : Contests()) {
      weights.assign(c.shares.begin(), c.shares.end());
      for (size_t j = 0; j < weights.size(); ++j, ++k) {
        weights[j] *= bias[state][k] * bias[muni][k] * (0.9 + 0.2 * rng.UniformDouble());
      }
      Apportion(row[0], weights, row + col);
      col += weights.size();
    }
    if (progress && (i + 1) % 65536 == 0) progress("truth", i + 1, o.tables);
  }

  // Anomalies: distinct tables, alternating kinds.
  std::set<size_t> chosen;
  while (chosen.size() < o.anomalies) chosen.insert(rng.Uniform(o.tables));
  std::vector<Anomaly> anomalies;
  for (size_t index : chosen) {
    uint32_t* row = truth.data() + index * per_table;
    AnomalyKind kind =
        anomalies.size() % 2 == 0 ? AnomalyKind::kOverRegistered : AnomalyKind::kCountsDoNotAddUp;
    if (kind == AnomalyKind::kOverRegistered) {
      row[0] = m.tables[index].registered + 1 + static_cast<uint32_t>(rng.Uniform(20));
      size_t col = 1;
      for (const ContestShape& c : Contests()) {
        Apportion(row[0], c.shares, row + col);
        col += c.shares.size();
      }
    } else {
      row[1] += 1 + static_cast<uint32_t>(rng.Uniform(10));
    }
    anomalies.push_back(Anomaly{index, kind});
  }
  if (progress) progress("truth", o.tables, o.tables);

  return SynthResult{
      ElectionMaterial{std::move(m), std::move(authority), std::move(centers), transport,
                       std::move(seeds), std::move(truth), std::move(witnesses)},
      std::move(anomalies)};
}

Result<SynthResult> SynthesizeElection(const SynthOptions& options, const SynthProgress& progress) {
  SeededRandom rng(options.seed);
  return SynthesizeElection(options, rng, progress);
}

Status WriteElectionDir(const std::string& dir, const SynthResult& result) {
  return acta::WriteElectionDir(dir, result.election);
}

}  // namespace acta::sim
