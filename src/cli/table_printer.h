// Plain-text tables for terminal output: columns sized to their content,
// numbers right-aligned.
#pragma once

#include <string>
#include <vector>

namespace acta::cli {

class TablePrinter {
 public:
  explicit TablePrinter(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// 21034567 -> "21,034,567".
std::string FormatCount(uint64_t n);
// 0.6534 -> "65.34%".
std::string FormatPercent(double fraction);

}  // namespace acta::cli
