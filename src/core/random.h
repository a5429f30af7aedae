// Randomness behind an interface so that tests and simulations are
// deterministic: production code gets SystemRandom, tests a SeededRandom.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace acta {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;

  uint64_t NextU64();
  // Uniform in [0, bound); bound must be > 0.
  uint64_t Uniform(uint64_t bound);
  // Uniform in [0, 1).
  double UniformDouble();
};

// Cryptographically secure (libsodium randombytes). Thread-safe.
class SystemRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override;
};

// Deterministic stream from a 64-bit seed (ChaCha20 via libsodium's
// randombytes_buf_deterministic, re-keyed per block). Not thread-safe: give
// each thread its own, e.g. seeded with Fork().
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  void Fill(std::span<uint8_t> out) override;
  // An independent stream derived from this one's seed and `stream`.
  SeededRandom Fork(uint64_t stream) const;

 private:
  SeededRandom(uint64_t seed, uint64_t stream);
  void Refill();
  uint8_t key_[32];
  uint64_t block_ = 0;
  uint8_t buffer_[512];
  size_t used_ = sizeof buffer_;
};

}  // namespace acta
