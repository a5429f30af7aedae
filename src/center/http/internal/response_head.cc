#include "center/http/internal/response_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>

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

void AppendResponseHead(const Response& r, std::size_t body_size, bool keep_alive,
                        std::string& out) {
  namespace bhttp = boost::beast::http;
  const unsigned status = EffectiveStatus(r);
  out += "HTTP/1.1 ";
  AppendNumber(status, out);
  out += ' ';
  const std::string_view reason = bhttp::obsolete_reason(bhttp::int_to_status(status));
  out += reason.empty() || reason == "<unknown-status>" ? std::string_view("Status") : reason;
  out += "\r\nServer: acta\r\n";
  if (r.content_type.empty()) {
    out += "Content-Type: application/octet-stream\r\n";
  } else if (IsSafeHeader("x", r.content_type)) {
    out += "Content-Type: ";
    out += r.content_type;
    out += "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    if (!IsSafeHeader(name, value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (StatusAllowsBody(status)) {
    out += "Content-Length: ";
    AppendNumber(body_size, out);
    out += "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
}

}  // namespace acta::http::internal
