#include "center/http/internal/request_parser.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace acta::http::internal {
namespace bhttp = boost::beast::http;

void RequestParser::on_request_impl(bhttp::verb method, string_view method_str, string_view target,
                                    int, error_code&) {
  request_.method.assign(method_str.data(), method_str.size());
  request_.target.assign(target.data(), target.size());
  request_.headers.reserve(8);  // one allocation for a typical request
  head_ = method == bhttp::verb::head;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_version;  // unreachable: this parser reads requests
}

void RequestParser::on_field_impl(bhttp::field name, string_view name_string, string_view value,
                                  error_code&) {
  if (name == bhttp::field::expect && boost::beast::iequals(value, "100-continue")) {
    expects_continue_ = true;
  }
  std::string lower(name_string.data(), name_string.size());
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  request_.headers.emplace_back(std::move(lower), std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code&) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // body_limit already refused a larger Content-Length.
  if (content_length) request_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  // As bytes: copying char into uint8_t would go element by element.
  const ByteSpan bytes = AsBytes(std::string_view(body.data(), body.size()));
  request_.body.insert(request_.body.end(), bytes.begin(), bytes.end());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  return on_body_impl(body, ec);
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace acta::http::internal
