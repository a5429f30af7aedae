#include "center/http/internal/fast_request.h"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <cstring>
#include <string>

namespace acta::http::internal {
namespace {

// RFC 9110 tchar: the characters of a method or field name.
constexpr std::array<bool, 256> kTokenChar = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// Field-value bytes the fast path takes: visible ASCII, space and tab
// (Beast also takes obs-text, 0x80-0xFF; those requests go to Beast).
constexpr bool IsPlainValueChar(unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\t'; }

constexpr bool IsOws(char c) { return c == ' ' || c == '\t'; }

// Fields whose meaning the fast path leaves to Beast (framing, other
// connection management, 100-continue), compared lowercased.
bool LeftToBeast(std::string_view lower_name) {
  switch (lower_name.size()) {  // most names are none of these: one compare at most
    case 17:
      return lower_name == "transfer-encoding";
    case 16:
      return lower_name == "proxy-connection";
    case 6:
      return lower_name == "expect";
    case 7:
      return lower_name == "upgrade";
    default:
      return false;
  }
}

}  // namespace

std::optional<FastRequest> ParseFastRequest(std::string_view buffered, std::size_t header_limit,
                                            Request& out) {
  const std::size_t limit = std::min(buffered.size(), header_limit / 2);
  const char* const begin = buffered.data();
  const char* const end = begin + limit;
  const char* p = begin;

  // request-line = method SP origin-form SP "HTTP/1.1" CRLF
  const char* const method = p;
  while (p < end && *p >= 'A' && *p <= 'Z') ++p;
  if (p == method || p == end || *p != ' ') return std::nullopt;
  out.method.assign(method, p);
  const char* const target = ++p;
  if (p == end || *p != '/') return std::nullopt;
  while (p<end&& static_cast<unsigned char>(*p)> 0x20 && static_cast<unsigned char>(*p) < 0x7f) ++p;
  if (p == end || *p != ' ') return std::nullopt;
  out.target.assign(target, p);
  ++p;
  constexpr std::string_view kVersion = "HTTP/1.1\r\n";
  if (static_cast<std::size_t>(end - p) < kVersion.size() ||
      std::memcmp(p, kVersion.data(), kVersion.size()) != 0) {
    return std::nullopt;
  }
  p += kVersion.size();

  FastRequest result;
  result.head = out.method == "HEAD";
  bool has_length = false;
  bool has_connection = false;
  out.headers.reserve(8);
  // field-line = field-name ":" OWS field-value OWS CRLF, until an empty line
  while (true) {
    if (end - p < 2) return std::nullopt;
    if (p[0] == '\r' && p[1] == '\n') {
      p += 2;
      break;
    }
    const char* const name = p;
    while (p < end && kTokenChar[static_cast<unsigned char>(*p)]) ++p;
    if (p == name || p == end || *p != ':') return std::nullopt;  // also obs-fold, bare LF
    std::string lower(name, p);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (LeftToBeast(lower)) return std::nullopt;
    ++p;
    while (p < end && IsOws(*p)) ++p;
    const char* const value = p;
    while (p < end && IsPlainValueChar(static_cast<unsigned char>(*p))) ++p;
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return std::nullopt;
    const char* value_end = p;
    while (value_end > value && IsOws(value_end[-1])) --value_end;
    p += 2;
    if (lower.size() == 14 && lower == "content-length") {
      // One plain decimal, at most 15 digits: lists, duplicates and signs
      // are Beast's to judge.
      const std::size_t digits = static_cast<std::size_t>(value_end - value);
      if (has_length || digits == 0 || digits > 15) return std::nullopt;
      std::size_t n = 0;
      for (const char* d = value; d < value_end; ++d) {
        if (*d < '0' || *d > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(*d - '0');
      }
      has_length = true;
      result.content_length = n;
    } else if (lower.size() == 10 && lower == "connection") {
      // One token, "close" or "keep-alive" (the HTTP/1.1 default); lists
      // and other tokens are Beast's.
      const std::string_view token(value, static_cast<std::size_t>(value_end - value));
      if (has_connection) return std::nullopt;
      has_connection = true;
      if (boost::beast::iequals(token, "close")) {
        result.keep_alive = false;
      } else if (!boost::beast::iequals(token, "keep-alive")) {
        return std::nullopt;
      }
    }
    out.headers.emplace_back(std::move(lower), std::string(value, value_end));
  }
  result.head_size = static_cast<std::size_t>(p - begin);
  if (buffered.size() - result.head_size < result.content_length) return std::nullopt;
  return result;
}

}  // namespace acta::http::internal
