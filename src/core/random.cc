#include "core/random.h"

#include <sodium.h>

#include <cstring>

namespace acta {

uint64_t Random::NextU64() {
  uint8_t b[8];
  Fill(b);
  uint64_t v;
  std::memcpy(&v, b, 8);
  return v;
}

uint64_t Random::Uniform(uint64_t bound) {
  // Rejection sampling removes modulo bias.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t v;
  do {
    v = NextU64();
  } while (v >= limit);
  return v % bound;
}

double Random::UniformDouble() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

void SystemRandom::Fill(std::span<uint8_t> out) { randombytes_buf(out.data(), out.size()); }

SeededRandom::SeededRandom(uint64_t seed) : SeededRandom(seed, 0) {}

SeededRandom::SeededRandom(uint64_t seed, uint64_t stream) {
  uint8_t material[16];
  std::memcpy(material, &seed, 8);
  std::memcpy(material + 8, &stream, 8);
  crypto_generichash(key_, sizeof key_, material, sizeof material, nullptr, 0);
}

SeededRandom SeededRandom::Fork(uint64_t stream) const {
  uint64_t parent;
  std::memcpy(&parent, key_, 8);
  return SeededRandom(parent, stream + 1);
}

void SeededRandom::Refill() {
  uint8_t block_key[32];
  uint8_t material[40];
  std::memcpy(material, key_, 32);
  std::memcpy(material + 32, &block_, 8);
  crypto_generichash(block_key, sizeof block_key, material, sizeof material, nullptr, 0);
  randombytes_buf_deterministic(buffer_, sizeof buffer_, block_key);
  ++block_;
  used_ = 0;
}

void SeededRandom::Fill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    if (used_ == sizeof buffer_) Refill();
    size_t n = std::min(out.size() - done, sizeof buffer_ - used_);
    std::memcpy(out.data() + done, buffer_ + used_, n);
    used_ += n;
    done += n;
  }
}

}  // namespace acta
