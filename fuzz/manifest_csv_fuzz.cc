// The CSV files an authority builds a manifest from (core/manifest_csv.h:
// regions, contests, tables), on arbitrary bytes, through the shared CSV
// reader with a three-column header. Every row it returns has as many
// fields as the header and a line number past the header's; errors are
// kMalformed or kInvalidArgument.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest_csv.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::string> kHeader = {"code", "name", "parent"};
  auto rows = ParseCsv(input, "regions.csv", kHeader);
  if (!rows) {
    ACTA_FUZZ_CHECK(rows.error().code == ErrorCode::kMalformed ||
                        rows.error().code == ErrorCode::kInvalidArgument,
                    "CSV errors are kMalformed or kInvalidArgument");
    return 0;
  }
  size_t last_line = 1;
  for (const CsvRow& row : *rows) {
    ACTA_FUZZ_CHECK(row.fields.size() == kHeader.size(), "a row has the header's width");
    ACTA_FUZZ_CHECK(row.line > last_line, "rows come in line order after the header");
    last_line = row.line;
  }
  return 0;
}
