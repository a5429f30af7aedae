// The HTTP fast path (center/http/internal/fast_request.h) against Beast's
// parser on the same bytes: whenever the fast path takes a request, Beast
// must take it too, with the same method, target, headers, body length,
// keep-alive and HEAD flag, and the head must end where Beast's does. The
// fast path may decline anything; it may never accept what Beast refuses.
// The server reuses one Request for the requests of a connection, so the
// input is parsed a second time into the Request the first parse filled,
// after a parse of other bytes, and must come out the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "center/http/internal/fast_request.h"
#include "center/http/internal/request_parser.h"
#include "center/http/limits.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta::http;
  const ServerLimits limits;
  const std::string input(reinterpret_cast<const char*>(data), size);
  Request fast;
  const auto taken = internal::ParseFastRequest(input, limits.max_header_bytes, fast);
  if (!taken) return 0;
  {
    Request reused = fast;  // holds this request; then a short other one, a failure, this one again
    constexpr std::string_view kOther = "GET /x HTTP/1.1\r\nA: b\r\n\r\n";
    ACTA_FUZZ_CHECK(internal::ParseFastRequest(kOther, limits.max_header_bytes, reused),
                    "the fixed other request parses");
    (void)internal::ParseFastRequest(input.substr(0, input.size() / 2), limits.max_header_bytes,
                                     reused);
    const auto again = internal::ParseFastRequest(input, limits.max_header_bytes, reused);
    ACTA_FUZZ_CHECK(again && again->head_size == taken->head_size &&
                        again->content_length == taken->content_length &&
                        reused.method == fast.method && reused.target == fast.target &&
                        reused.headers == fast.headers,
                    "a reused Request parses the same as a fresh one");
  }
  ACTA_FUZZ_CHECK(taken->head_size + taken->content_length <= input.size(),
                  "the fast request lies within the input");

  internal::RequestParser beast;
  beast.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  beast.body_limit(limits.max_body_bytes);
  boost::system::error_code ec;
  const size_t head_used = beast.put(boost::asio::buffer(input), ec);
  ACTA_FUZZ_CHECK(!ec && beast.is_header_done(), "Beast takes the head the fast path took");
  ACTA_FUZZ_CHECK(head_used == taken->head_size, "both heads end at the same byte");
  const Request& slow = beast.request();
  ACTA_FUZZ_CHECK(slow.method == fast.method, "same method");
  ACTA_FUZZ_CHECK(slow.target == fast.target, "same target");
  ACTA_FUZZ_CHECK(slow.headers == fast.headers, "same headers, in order, same values");
  ACTA_FUZZ_CHECK(beast.keep_alive() == taken->keep_alive, "same keep-alive");
  ACTA_FUZZ_CHECK(beast.is_head() == taken->head, "same HEAD flag");
  const auto length = beast.content_length();
  ACTA_FUZZ_CHECK(length.value_or(0) == taken->content_length, "same Content-Length");
  ACTA_FUZZ_CHECK(!beast.chunked(), "never chunked");
  if (taken->content_length <= limits.max_body_bytes && !beast.is_done()) {
    const std::string rest = input.substr(head_used);
    size_t used = 0;
    if (!rest.empty()) used = beast.put(boost::asio::buffer(rest), ec);
    ACTA_FUZZ_CHECK(!ec && beast.is_done(), "Beast takes the body the fast path took");
    ACTA_FUZZ_CHECK(used == taken->content_length, "the body ends at the same byte");
  }
  return 0;
}
