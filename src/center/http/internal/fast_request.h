// A fast path in front of Beast's parser for the plainest, most common
// request: the whole head and its Content-Length body already buffered,
// HTTP/1.1, no Transfer-Encoding, Expect or Upgrade field, at most a plain
// "Connection: close" or "keep-alive", only printable ASCII. It fills the same Request Beast's
// RequestParser would. Anything else (and anything it is not sure of) is declined, and Beast parses
// the bytes as before and gives its precise error; so the fast path can only ever accept a strict
// subset of what Beast accepts, with the same meaning. fuzz/http_fast_request checks exactly that
// against Beast.
//
// Why: for a flood of refused requests (a wrong MAC), Beast's header parse
// was about a quarter of the center's user-space instructions per request.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "center/http/handler.h"

namespace acta::http::internal {

struct FastRequest {
  std::size_t head_size = 0;       // the body starts here in `buffered`
  std::size_t content_length = 0;  // 0 when the request has no Content-Length
  bool head = false;               // method HEAD
  bool keep_alive = true;          // false for "Connection: close"
};

// Parses the request head at the start of `buffered` into `out` (method,
// target, lowercased headers; the body is left to the caller, who checks its
// limit first). `out` may hold an earlier request: those three are
// overwritten, reusing their storage, and nothing else is touched. nullopt, with `out` in an
// unspecified state, when head and body are not both in `buffered`,
// its head is longer than half of `header_limit`, or it is not of the plain
// kind above: then parse it with Beast.
std::optional<FastRequest> ParseFastRequest(std::string_view buffered, std::size_t header_limit,
                                            Request& out);

// Drops what a Request kept for reuse beyond a small size: a body over
// kKeepBodyBytes, every field when there are more than kKeepFields, and any
// name or value string whose storage exceeds kKeepFieldBytes. Without it a
// client could make each field slot of its connection keep the largest
// value it ever sent (a megabyte per connection at the default limits).
inline constexpr std::size_t kKeepBodyBytes = 2048;
inline constexpr std::size_t kKeepFields = 32;
inline constexpr std::size_t kKeepFieldBytes = 256;
void TrimForReuse(Request& r);

}  // namespace acta::http::internal
