#include "center/telemetry/hyperloglog.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace acta::telemetry {
namespace {

// MurmurHash3's 64-bit finalizer: full avalanche, so every input bit moves
// every output bit with probability ~1/2.
uint64_t Fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// Ertl's sigma and tau series (section 4 of the paper); both converge in a
// few dozen iterations in double precision.
double Sigma(double x) {
  if (x == 1.0) return INFINITY;
  double y = 1.0;
  double z = x;
  double z_old;
  do {
    x *= x;
    z_old = z;
    z += x * y;
    y += y;
  } while (z != z_old);
  return z;
}

double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  double z_old;
  do {
    x = std::sqrt(x);
    z_old = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (z != z_old);
  return z / 3.0;
}

}  // namespace

HyperLogLog::HyperLogLog(int precision)
    : precision_(precision < kMinPrecision   ? kMinPrecision
                 : precision > kMaxPrecision ? kMaxPrecision
                                             : precision),
      registers_(std::size_t{1} << precision_, 0) {}

void HyperLogLog::AddHash(uint64_t hash) {
  const std::size_t index = hash >> (64 - precision_);
  const uint64_t rest = hash << precision_;  // the low 64 - p bits, moved to the top
  const int q = 64 - precision_;
  const uint8_t rank =
      rest == 0 ? static_cast<uint8_t>(q + 1) : static_cast<uint8_t>(std::countl_zero(rest) + 1);
  if (rank > registers_[index]) registers_[index] = rank;
  empty_ = false;
}

double HyperLogLog::Estimate() const {
  if (empty_) return 0.0;
  const int q = 64 - precision_;
  const double m = static_cast<double>(registers_.size());
  std::vector<uint32_t> histogram(static_cast<std::size_t>(q) + 2, 0);
  for (uint8_t r : registers_) ++histogram[r];
  double z = m * Tau(1.0 - histogram[q + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  constexpr double kAlphaInf = 0.7213475204444817;  // 1 / (2 ln 2)
  return kAlphaInf * m * m / z;
}

void HyperLogLog::Clear() {
  std::memset(registers_.data(), 0, registers_.size());
  empty_ = true;
}

uint64_t HashAddressBytes(const uint8_t* data, std::size_t size) {
  uint64_t words[2] = {0, 0};
  std::memcpy(words, data, size < 16 ? size : 16);
  return Fmix64(words[0] ^ Fmix64(words[1] ^ (0x9e3779b97f4a7c15ULL + size)));
}

}  // namespace acta::telemetry
