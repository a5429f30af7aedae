#include "cli/table_printer.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace acta::cli {
namespace {

// Display width: counts UTF-8 code points, not bytes, so names with accents
// line up.
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == ',' || c == '.' || c == '%' || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string TablePrinter::Render() const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row, bool is_header) {
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      size_t pad = width[i] - DisplayWidth(cell);
      bool right = !is_header && LooksNumeric(cell);
      if (i > 0) out += "  ";
      if (right) out.append(pad, ' ');
      out += cell;
      if (!right && i + 1 < width.size()) out.append(pad, ' ');
    }
    out += "\n";
  };
  emit(header_, true);
  size_t total = 0;
  for (size_t w : width) total += w;
  out.append(total + 2 * (width.empty() ? 0 : width.size() - 1), '-');
  out += "\n";
  for (const auto& r : rows_) emit(r, false);
  return out;
}

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatPercent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", fraction * 100.0);
  return buf;
}

}  // namespace acta::cli
