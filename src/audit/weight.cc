#include "audit/weight.h"

#include <algorithm>

namespace acta::audit {

std::string WeightToDecimal(Weight w) {
  if (w == 0) return "0";
  std::string out;
  while (w > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(w % 10)));
    w /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<Weight> WeightFromDecimal(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  Weight w = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    w = w * 10 + static_cast<Weight>(c - '0');
    if (w >= kMaxTotalWeight) return std::nullopt;
  }
  return w;
}

double WeightToDouble(Weight w) {
  // Two halves keep the conversion exact up to double's own rounding.
  const double hi = static_cast<double>(static_cast<uint64_t>(w >> 64));
  const double lo = static_cast<double>(static_cast<uint64_t>(w));
  return (hi * 18446744073709551616.0 + lo) / static_cast<double>(kWeightScale);
}

}  // namespace acta::audit
