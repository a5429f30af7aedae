#include "audit/draw.h"

#include <algorithm>
#include <string>

#include "core/crypto.h"

namespace acta::audit {

Status CheckSeed(std::string_view seed) {
  if (seed.empty() || seed.size() > 256)
    return MakeError(ErrorCode::kInvalidArgument, "the seed must be 1 to 256 decimal digits");
  for (char c : seed) {
    if (c < '0' || c > '9') {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "the seed may only hold decimal digits (dice rolls), not '" + std::string(1, c) + "'");
    }
  }
  return Ok();
}

Hash256 DrawHash(std::string_view seed, std::string_view contest_id, uint64_t index) {
  std::string text = "acta-audit-draw-v1,";
  text.append(seed);
  text += ',';
  text.append(contest_id);
  text += ',';
  text += std::to_string(index);
  return Sha256(AsBytes(text));
}

Weight DrawValue(const Hash256& hash, Weight total) {
  // Horner's rule one byte at a time: the remainder stays below total
  // (< 2^120), so remainder * 256 + byte never leaves 128 bits.
  Weight r = 0;
  for (uint8_t byte : hash) r = (r * 256 + byte) % total;
  return r;
}

Result<PpebSampler> PpebSampler::Create(std::span<const Weight> weights) {
  std::vector<Weight> cumulative;
  cumulative.reserve(weights.size());
  Weight sum = 0;
  for (Weight w : weights) {
    if (w > kMaxTotalWeight - sum)
      return MakeError(ErrorCode::kInvalidArgument, "the error bounds sum past 2^120");
    sum += w;
    cumulative.push_back(sum);
  }
  if (sum == 0)
    return MakeError(ErrorCode::kInvalidArgument,
                     "every table's error bound is 0: nothing to draw");
  return PpebSampler(std::move(cumulative));
}

DrawResult PpebSampler::Draw(std::string_view seed, std::string_view contest_id,
                             uint64_t index) const {
  DrawResult d;
  d.index = index;
  d.hash = DrawHash(seed, contest_id, index);
  d.value = DrawValue(d.hash, total());
  d.position = static_cast<size_t>(
      std::upper_bound(cumulative_.begin(), cumulative_.end(), d.value) - cumulative_.begin());
  return d;
}

}  // namespace acta::audit
