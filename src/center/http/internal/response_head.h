// The bytes of an HTTP/1.1 response head, written by hand: a refusal under a
// flood is one small string append, not a field container and a serializer
// (measured in bench/attack_load, "rejection speed").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "center/http/handler.h"

namespace acta::http::internal {

// The status sent for `r.status`: 200..999 as given, anything else 500.
unsigned EffectiveStatus(const Response& r);

// False for responses that never carry a body (204, 304).
bool StatusAllowsBody(unsigned status);

// Appends the status line, Server, Content-Type, the safe extra fields (see
// Response::headers), Content-Length (unless the status allows no body) and
// "Connection: close" unless `keep_alive`, then the blank line. `body_size`
// is the size of the body GET would send (also for HEAD, which sends none).
void AppendResponseHead(const Response& r, std::size_t body_size, bool keep_alive,
                        std::string& out);

// False for a field the server sets itself or that could split the head:
// an empty name, CR/LF/':' in the name, CR/LF in the value, or one of
// Content-Length, Transfer-Encoding, Connection, Content-Type.
bool IsSafeHeader(std::string_view name, std::string_view value);

}  // namespace acta::http::internal
