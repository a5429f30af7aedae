#include "center/http/internal/fast_request.h"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <cstdint>
#include <cstring>
#include <string>

#include "center/http/internal/byte_scan.h"

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

// Eight bytes at once: true when none is below 0x20 or above 0x7e. Most
// values are plain and long enough for this to do most of the scan.
bool AllVisibleOrSpace(const char* p) {
  const uint64_t x = LoadEightBytes(p);
  return (AnyByteBelow(x, 0x20) | AnyByteDelOrHigh(x)) == 0;
}

// The end of the field value that starts at p: the first byte that is not
// IsPlainValueChar.
const char* ScanValue(const char* p, const char* end) {
  while (end - p >= 8 && AllVisibleOrSpace(p)) p += 8;
  while (p < end && IsPlainValueChar(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// A tchar lowercased, or 0 for a byte that is not a tchar.
constexpr std::array<char, 256> kTokenLower = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (kTokenChar[c]) t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return t;
}();

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
  // `out` may hold an earlier request: its header slots are overwritten in
  // place, so their strings keep their storage.
  std::size_t fields = 0;
  // field-line = field-name ":" OWS field-value OWS CRLF, until an empty line
  while (true) {
    if (end - p < 2) return std::nullopt;
    if (p[0] == '\r' && p[1] == '\n') {
      p += 2;
      break;
    }
    // The name is checked and lowercased in one pass, straight into the
    // request's own string.
    const auto* colon =
        static_cast<const char*>(std::memchr(p, ':', static_cast<std::size_t>(end - p)));
    if (colon == nullptr || colon == p) return std::nullopt;
    auto& [lower, field_value] =
        fields < out.headers.size() ? out.headers[fields] : out.headers.emplace_back();
    ++fields;
    lower.resize(static_cast<std::size_t>(colon - p));
    char* to = lower.data();
    for (; p < colon; ++p) {
      const char c = kTokenLower[static_cast<unsigned char>(*p)];
      if (c == 0) return std::nullopt;  // not a tchar: also obs-fold, bare LF
      *to++ = c;
    }
    if (LeftToBeast(lower)) return std::nullopt;
    ++p;
    while (p < end && IsOws(*p)) ++p;
    const char* const value = p;
    p = ScanValue(p, end);
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return std::nullopt;
    const char* value_end = p;
    while (value_end > value && IsOws(value_end[-1])) --value_end;
    p += 2;
    field_value.assign(value, value_end);
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
  }
  out.headers.resize(fields);
  result.head_size = static_cast<std::size_t>(p - begin);
  if (buffered.size() - result.head_size < result.content_length) return std::nullopt;
  return result;
}

void TrimForReuse(Request& r) {
  if (r.body.capacity() > kKeepBodyBytes) Bytes().swap(r.body);
  if (r.headers.size() > kKeepFields || r.headers.capacity() > kKeepFields) {
    HeaderList().swap(r.headers);
    return;
  }
  for (auto& [name, value] : r.headers) {
    if (name.capacity() > kKeepFieldBytes) std::string().swap(name);
    if (value.capacity() > kKeepFieldBytes) std::string().swap(value);
  }
}

}  // namespace acta::http::internal
