// The public, reproducible PPEB draw (probability proportional to error
// bound, with replacement) of docs/FORMATS.md, "Audit draw":
//
//   h_i = SHA-256("acta-audit-draw-v1," || seed || "," || contest_id || "," || i)
//   r_i = h_i read as a 256-bit big-endian integer, modulo W = sum of w_p
//   draw i picks the first table p (manifest order) whose running sum
//   w_0 + ... + w_p exceeds r_i.
//
// i counts from 1 and keeps counting across rounds, so every round's draws
// follow from the seed alone. Anyone can redo it with sha256sum and a
// big-integer calculator.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "audit/weight.h"
#include "core/bytes.h"
#include "core/error.h"

namespace acta::audit {

// A public seed: 1..256 ASCII decimal digits (e.g. 20 rolls of a ten-sided
// die). Errors: kInvalidArgument naming what is wrong.
[[nodiscard]] Status CheckSeed(std::string_view seed);

Hash256 DrawHash(std::string_view seed, std::string_view contest_id, uint64_t index);

// The hash as a 256-bit big-endian integer modulo `total`.
// REQUIRES: 0 < total <= kMaxTotalWeight.
Weight DrawValue(const Hash256& hash, Weight total);

struct DrawResult {
  uint64_t index = 0;  // i, from 1
  Hash256 hash{};
  Weight value = 0;     // r_i
  size_t position = 0;  // index of the drawn table in the weight list
};

// Draws over a fixed list of weights (one per table, manifest order).
class PpebSampler {
 public:
  // Errors: kInvalidArgument when every weight is 0 or their sum exceeds
  // kMaxTotalWeight.
  [[nodiscard]] static Result<PpebSampler> Create(std::span<const Weight> weights);

  DrawResult Draw(std::string_view seed, std::string_view contest_id, uint64_t index) const;
  Weight total() const { return cumulative_.back(); }

 private:
  explicit PpebSampler(std::vector<Weight> cumulative) : cumulative_(std::move(cumulative)) {}
  std::vector<Weight> cumulative_;  // running sums, one per weight
};

}  // namespace acta::audit
