// cli::ParseCountsFile on arbitrary text against a small fixed manifest. An
// accepted file has every contest and candidate of the manifest, and its
// CountsToJson form parses back to the same counts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/counts_file.h"
#include "fuzz/fuzz_support.h"

namespace {
const acta::Manifest* manifest = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  acta::InitCrypto();
  manifest = new acta::Manifest(acta::fuzz::SmallManifest());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = cli::ParseCountsFile(text, *manifest);
  if (!body) {
    ACTA_FUZZ_CHECK(body.error().code == ErrorCode::kMalformed, "counts errors are kMalformed");
    ACTA_FUZZ_CHECK(!body.error().message.empty(), "counts errors say why");
    return 0;
  }
  ACTA_FUZZ_CHECK(body->contests.size() == manifest->contests.size(), "every contest");
  for (size_t i = 0; i < body->contests.size(); ++i) {
    ACTA_FUZZ_CHECK(body->contests[i].candidates.size() == manifest->contests[i].candidates.size(),
                    "every candidate");
  }
  auto again = cli::ParseCountsFile(cli::CountsToJson(*body, *manifest), *manifest);
  ACTA_FUZZ_CHECK(again.has_value(), "CountsToJson output parses");
  ACTA_FUZZ_CHECK(again->ballots_cast == body->ballots_cast && again->contests == body->contests,
                  "counts round trip");
  return 0;
}
