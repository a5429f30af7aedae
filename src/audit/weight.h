// Error bounds as exact fixed-point integers. A table's error bound u_p is
// kept as w_p = u_p x 2^32 rounded up (docs/FORMATS.md, "Audit draw"), so
// the draw's probabilities are integers anyone can reproduce exactly, and
// rounding up keeps every bound an upper bound (MACRO stays valid with any
// upper bound; it only gets slightly less efficient).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace acta::audit {

using Weight = unsigned __int128;

inline constexpr int kWeightScaleBits = 32;
inline constexpr Weight kWeightScale = Weight{1} << kWeightScaleBits;
// Sums of weights stay below this, so a 256-bit draw reduces modulo the sum
// with 8-bit steps in 128-bit arithmetic (docs/FORMATS.md).
inline constexpr Weight kMaxTotalWeight = Weight{1} << 120;

// Decimal text of a weight ("0" for zero).
std::string WeightToDecimal(Weight w);
// Parses plain decimal digits (no sign, no leading '+', at most 39 digits,
// below 2^120); nullopt otherwise.
std::optional<Weight> WeightFromDecimal(std::string_view text);
// w / 2^32 as a double (rounded to nearest).
double WeightToDouble(Weight w);

}  // namespace acta::audit
