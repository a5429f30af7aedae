// The center's HTTP request parser (Beast's basic_parser feeding a Request,
// center/http/internal/request_parser.h) on arbitrary bytes, fed the way a
// session feeds it: in two reads split where the first input byte says,
// with the default header and body limits. Nothing may crash; a complete
// request has lowercase header names and a body within the limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "center/http/internal/request_parser.h"
#include "center/http/limits.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta::http;
  if (size == 0) return 0;
  const ServerLimits limits;
  const size_t split = data[0] % size;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  internal::RequestParser parser;
  parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  std::string buffer = input.substr(0, split);
  bool fed_rest = false;
  for (int round = 0; round < 10'000 && !parser.is_done(); ++round) {
    // Like the session, never hand the parser an empty buffer (Beast 1.81
    // then does pointer arithmetic on null, which UBSan reports).
    boost::system::error_code ec;
    const size_t used = buffer.empty() ? 0 : parser.put(boost::asio::buffer(buffer), ec);
    buffer.erase(0, used);
    if (ec && ec != boost::beast::http::error::need_more) return 0;  // refused: fine
    if (ec || (used == 0 && !parser.is_done())) {
      if (fed_rest) return 0;  // incomplete at the end of the input
      buffer += input.substr(split);
      fed_rest = true;
    }
  }
  if (!parser.is_done()) return 0;
  const Request& r = parser.request();
  ACTA_FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, "body within body_limit");
  for (const auto& [name, value] : r.headers) {
    for (char c : name) ACTA_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "header names are lowercase");
  }
  return 0;
}
