// HyperLogLog: an estimate of how many distinct items a stream held, in a
// fixed 2^precision bytes whatever the stream's size (Flajolet et al. 2007).
// The estimate uses Ertl's improved estimator ("New cardinality estimation
// algorithms for HyperLogLog sketches", 2017), which needs no empirical
// bias tables and is accurate from 0 up to billions: relative standard
// error about 1.04 / sqrt(2^precision) (0.81 % at precision 14).
//
// Not thread-safe: the owner locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace acta::telemetry {

class HyperLogLog {
 public:
  static constexpr int kMinPrecision = 4;
  static constexpr int kMaxPrecision = 18;

  // REQUIRES: kMinPrecision <= precision <= kMaxPrecision.
  explicit HyperLogLog(int precision = 14);

  // Adds an item by its 64-bit hash. The hash must be well mixed (every bit
  // equally likely); use HashAddressBytes or a similar mixer.
  void AddHash(uint64_t hash);
  // Estimated number of distinct hashes added since construction or Clear.
  double Estimate() const;
  void Clear();
  bool empty() const { return empty_; }

  int precision() const { return precision_; }
  // Bytes held (the registers plus the object).
  std::size_t MemoryBytes() const { return sizeof(*this) + registers_.capacity(); }

 private:
  int precision_;
  bool empty_ = true;
  std::vector<uint8_t> registers_;  // 2^precision_, each in [0, 65 - precision_]
};

// A 64-bit hash of up to 16 bytes (an IP address), well mixed for
// HyperLogLog. Deterministic, not keyed: attackers do not choose the hash
// inputs freely (TCP addresses need a handshake), and the worst they can do
// is skew an estimate.
uint64_t HashAddressBytes(const uint8_t* data, std::size_t size);

}  // namespace acta::telemetry
