// The audit directory's parsers on arbitrary text: a hand-count CSV, a
// reported.csv and an audit.json. Each either parses or fails with
// kMalformed, and what parses writes back to something that parses to the
// same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/audit_dir.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  using namespace acta::audit;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  ContestReport fixed{"president", {"p1", "p2", "p3"}, {}};
  auto hand = ParseHandCountsCsv(text, "hand.csv", fixed);
  if (hand) {
    auto again = ParseHandCountsCsv(HandCountsCsv(fixed, *hand), "hand.csv", fixed);
    ACTA_FUZZ_CHECK(again.has_value() && *again == *hand, "hand counts round-trip");
  } else {
    ACTA_FUZZ_CHECK(hand.error().code == ErrorCode::kMalformed, "hand count errors are kMalformed");
  }

  auto report = ParseReportedCsv(text, "president");
  if (report) {
    auto again = ParseReportedCsv(ReportedCsv(*report, {}), "president");
    ACTA_FUZZ_CHECK(again.has_value() && *again == *report, "reported.csv round-trips");
  } else {
    ACTA_FUZZ_CHECK(report.error().code == ErrorCode::kMalformed,
                    "reported.csv errors are kMalformed");
  }

  verify::MemoryFiles dir;
  (void)dir.Write(kAuditJson, AsBytes(text));
  (void)dir.Write(kReportedCsv,
                  AsBytes("table,region,region_name,state,registered,ballots,error_bound,p1,p2\n"
                          "1,R,N,counted,110,100,5,60,40\n"));
  auto inputs = LoadAuditInputs(dir);
  ACTA_FUZZ_CHECK(inputs.has_value() || inputs.error().code == ErrorCode::kMalformed,
                  "audit.json errors are kMalformed");
  return 0;
}
