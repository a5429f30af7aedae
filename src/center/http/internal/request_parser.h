// An HTTP/1.x request parser on Beast's basic_parser that writes straight
// into a Request: names lowercased once, no intermediate field container,
// the body appended as it comes. Beast does the parsing and its checks
// (request line, field syntax, Content-Length/Transfer-Encoding rules,
// chunked framing, header_limit and body_limit).
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>

#include "center/http/handler.h"

namespace acta::http::internal {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser() = default;

  // method, target and headers once is_header_done(); body once is_done().
  Request& request() { return request_; }
  // The request said "Expect: 100-continue".
  bool expects_continue() const { return expects_continue_; }
  bool is_head() const { return head_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  Request request_;
  bool expects_continue_ = false;
  bool head_ = false;
};

}  // namespace acta::http::internal
