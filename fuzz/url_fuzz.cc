// What a terminal, the verifier and the mirror take apart from text that
// may come from a flag, a config file or a server: URLs (http::ParseUrl)
// and Retry-After values (terminal::ParseRetryAfter), on arbitrary bytes.
// A parsed URL has a host and a port in 1..65535; errors are
// kInvalidArgument.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "terminal/http_client.h"
#include "terminal/http_transport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto url = http::ParseUrl(input);
  if (url) {
    ACTA_FUZZ_CHECK(!url->host.empty(), "a parsed URL has a host");
    ACTA_FUZZ_CHECK(url->port >= 1, "a parsed URL has a port");
  } else {
    ACTA_FUZZ_CHECK(url.error().code == ErrorCode::kInvalidArgument,
                    "URL errors are kInvalidArgument");
  }
  auto retry = terminal::ParseRetryAfter(input);
  ACTA_FUZZ_CHECK(!retry || retry->count() >= 0, "Retry-After is never negative");
  return 0;
}
