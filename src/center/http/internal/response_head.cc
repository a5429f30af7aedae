#include "center/http/internal/response_head.h"

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

namespace acta::http::internal {
namespace {

void AppendNumber(std::size_t n, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

}  // namespace

unsigned EffectiveStatus(const Response& r) {
  return r.status >= 200 && r.status <= 999 ? static_cast<unsigned>(r.status) : 500u;
}

bool StatusAllowsBody(unsigned status) { return status != 204 && status != 304; }

bool IsSafeHeader(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '\r' || c == '\n' || c == ':') return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n') return false;
  }
  // Only names of these lengths can be one the server sets itself.
  switch (name.size()) {
    case 10:
      return !boost::beast::iequals(name, "connection");
    case 12:
      return !boost::beast::iequals(name, "content-type");
    case 14:
      return !boost::beast::iequals(name, "content-length");
    case 17:
      return !boost::beast::iequals(name, "transfer-encoding");
    default:
      return true;
  }
}

namespace {

// "HTTP/1.1 401 Unauthorized\r\nServer: acta\r\n" for every status the
// server sends (100-999), built once: every response starts with one.
const std::array<std::string, 1000>& StatusLines() {
  static const auto* lines = [] {
    namespace bhttp = boost::beast::http;
    auto* out = new std::array<std::string, 1000>();
    for (unsigned status = 100; status < out->size(); ++status) {
      std::string& line = (*out)[status];
      line = "HTTP/1.1 ";
      AppendNumber(status, line);
      line += ' ';
      const std::string_view reason = bhttp::obsolete_reason(bhttp::int_to_status(status));
      line += reason.empty() || reason == "<unknown-status>" ? std::string_view("Status") : reason;
      line += "\r\nServer: acta\r\n";
    }
    return out;
  }();
  return *lines;
}

}  // namespace

void AppendResponseHead(const Response& r, std::size_t body_size, bool keep_alive,
                        std::string& out) {
  // Measured first, then written in one pass: no growth, no appends.
  const unsigned status = EffectiveStatus(r);
  const std::string& status_line = StatusLines()[status];
  constexpr std::string_view kType = "Content-Type: ", kLength = "Content-Length: ",
                             kClose = "Connection: close\r\n", kCrlf = "\r\n";
  const bool default_type = r.content_type.empty();
  const bool write_type = default_type || IsSafeHeader("x", r.content_type);
  const std::string_view type =
      default_type ? std::string_view("application/octet-stream") : r.content_type;
  char length[24];
  const std::size_t length_size = static_cast<std::size_t>(
      std::to_chars(length, length + sizeof length, body_size).ptr - length);
  const bool write_length = StatusAllowsBody(status);

  std::size_t size = status_line.size() + kCrlf.size();
  if (write_type) size += kType.size() + type.size() + kCrlf.size();
  uint64_t safe = 0;  // bit i: header i is written (the first 64; any later ones are checked twice)
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    const auto& [name, value] = r.headers[i];
    if (!IsSafeHeader(name, value)) continue;
    size += name.size() + 2 + value.size() + kCrlf.size();
    if (i < 64) safe |= uint64_t{1} << i;
  }
  if (write_length) size += kLength.size() + length_size + kCrlf.size();
  if (!keep_alive) size += kClose.size();

  // The start is taken before and the size returned explicitly: g++ 12's
  // resize_and_overwrite can pass the callback a count larger than asked
  // for (its grown capacity).
  const std::size_t at = out.size();
  out.resize_and_overwrite(at + size, [&](char* data, std::size_t) {
    char* d = data + at;
    auto put = [&d](std::string_view piece) {
      std::memcpy(d, piece.data(), piece.size());
      d += piece.size();
    };
    put(status_line);
    if (write_type) {
      put(kType);
      put(type);
      put(kCrlf);
    }
    for (std::size_t i = 0; i < r.headers.size(); ++i) {
      const auto& [name, value] = r.headers[i];
      if (i < 64 ? (safe >> i & 1) == 0 : !IsSafeHeader(name, value)) continue;
      put(name);
      put(": ");
      put(value);
      put(kCrlf);
    }
    if (write_length) {
      put(kLength);
      put(std::string_view(length, length_size));
      put(kCrlf);
    }
    if (!keep_alive) put(kClose);
    put(kCrlf);
    return at + size;
  });
}

}  // namespace acta::http::internal
