#include "sim/synth_geo.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace acta::sim::internal {
namespace {

// Shape of the default country (30,000 tables), scaled linearly with N.
constexpr double kReferenceTables = 30'000;
constexpr double kReferenceVotingCenters = 15'800;
constexpr double kReferenceParishes = 1'100;
constexpr double kReferenceMunicipalities = 335;
constexpr uint32_t kStates = 24;

constexpr std::string_view kSyllables[] = {
    "ca",  "ra",  "ma",  "ri",  "to", "lo", "sa",  "ba",  "na", "te", "mi", "gua",
    "re",  "yu",  "pa",  "co",  "la", "ve", "mo",  "ta",  "bo", "cu", "ja", "sol",
    "mar", "tar", "san", "val", "al", "es", "cha", "que", "ro", "da", "li", "ne"};
constexpr std::string_view kEndings[] = {"", "", "", "a", "o", "ia", "es", "al", "an", "ito", "ar"};
constexpr std::string_view kCenterKinds[] = {"U.E. ",    "Escuela Básica ",   "Liceo ",
                                             "Colegio ", "Unidad Educativa ", "Escuela "};

uint32_t Scaled(uint32_t tables, double reference, uint32_t lo, uint32_t hi) {
  double v = std::round(tables * reference / kReferenceTables);
  return static_cast<uint32_t>(std::clamp(v, static_cast<double>(lo), static_cast<double>(hi)));
}

int Digits(uint64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

std::string Pad(uint64_t v, int width) {
  std::string s = std::to_string(v);
  return std::string(s.size() < static_cast<size_t>(width) ? width - s.size() : 0, '0') + s;
}

}  // namespace

double Normal(Random& rng) {
  // 1 - U keeps the log argument in (0, 1].
  double u1 = 1.0 - rng.UniformDouble();
  double u2 = rng.UniformDouble();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::vector<uint32_t> Split(uint64_t children, uint32_t parents, double sigma, Random& rng) {
  std::vector<double> w(parents);
  for (double& x : w) x = std::exp(sigma * Normal(rng));
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  const uint64_t rest = children - parents;
  std::vector<uint32_t> counts(parents);
  std::vector<double> frac(parents);
  int64_t left = static_cast<int64_t>(rest);
  for (uint32_t i = 0; i < parents; ++i) {
    double share = static_cast<double>(rest) * w[i] / total;
    auto whole = static_cast<uint32_t>(std::floor(share));
    counts[i] = 1 + whole;
    frac[i] = share - whole;
    left -= whole;
  }
  // Largest remainders first; ties by index keep it deterministic.
  std::vector<uint32_t> order(parents);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&frac](uint32_t a, uint32_t b) { return frac[a] > frac[b]; });
  for (size_t k = 0; left > 0; k = (k + 1) % parents, --left) ++counts[order[k]];
  // Rounding can overshoot by a unit or two; take it back from the largest.
  for (size_t k = 0; left < 0; ++k) {
    uint32_t i = order[parents - 1 - k % parents];
    if (counts[i] > 1) {
      --counts[i];
      ++left;
    }
  }
  return counts;
}

std::string PlaceName(Random& rng) {
  std::string s;
  size_t n = 2 + rng.Uniform(2);
  for (size_t i = 0; i < n; ++i) s += kSyllables[rng.Uniform(std::size(kSyllables))];
  s += kEndings[rng.Uniform(std::size(kEndings))];
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

Geography BuildGeography(uint32_t tables, Random& rng) {
  const uint32_t centers = Scaled(tables, kReferenceVotingCenters, 1, tables);
  const uint32_t parishes = Scaled(tables, kReferenceParishes, 1, centers);
  const uint32_t municipalities = Scaled(tables, kReferenceMunicipalities, 1, parishes);
  const uint32_t states = std::min(kStates, municipalities);

  // Children per parent, level by level; children are laid out in parent
  // order, so parents precede children and codes nest.
  const std::vector<uint32_t> per_parent[] = {
      {states},
      Split(municipalities, states, 0.5, rng),
      Split(parishes, municipalities, 0.5, rng),
      Split(centers, parishes, 0.5, rng),
  };
  static constexpr std::string_view kPrefix[] = {"Estado ", "Municipio ", "Parroquia "};

  Geography g;
  g.regions.reserve(1 + states + municipalities + parishes + centers);
  g.regions.push_back(Region{"SY", "República de " + PlaceName(rng), RegionLevel::kCountry, -1});
  g.state_of.push_back(0);
  g.municipality_of.push_back(0);
  uint32_t parent_begin = 0;  // first region index of the parent level
  for (int level = 1; level <= 4; ++level) {
    const std::vector<uint32_t>& counts = per_parent[level - 1];
    const int width = std::max(2, Digits(*std::max_element(counts.begin(), counts.end())));
    const auto next_begin = static_cast<uint32_t>(g.regions.size());
    for (uint32_t p = 0; p < counts.size(); ++p) {
      const uint32_t parent = parent_begin + p;
      for (uint32_t c = 0; c < counts[p]; ++c) {
        std::string name =
            level < 4
                ? std::string(kPrefix[level - 1]) + PlaceName(rng)
                : std::string(kCenterKinds[rng.Uniform(std::size(kCenterKinds))]) + PlaceName(rng);
        const auto index = static_cast<uint32_t>(g.regions.size());
        g.regions.push_back(Region{g.regions[parent].code + "-" + Pad(c + 1, width),
                                   std::move(name), static_cast<RegionLevel>(level),
                                   static_cast<int32_t>(parent)});
        g.state_of.push_back(level == 1 ? index : g.state_of[parent]);
        g.municipality_of.push_back(level == 2 ? index : level > 2 ? g.municipality_of[parent] : 0);
      }
    }
    parent_begin = next_begin;
  }

  const std::vector<uint32_t> per_center = Split(tables, centers, 0.6, rng);
  g.table_region.reserve(tables);
  for (uint32_t c = 0; c < centers; ++c) {
    for (uint32_t k = 0; k < per_center[c]; ++k) g.table_region.push_back(parent_begin + c);
  }
  return g;
}

}  // namespace acta::sim::internal
