#include "terminal/http_transport.h"

#include <charconv>

namespace acta::terminal {

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;
  uint32_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(HttpTransportOptions options) {
  if (options.center_urls.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "at least one center URL is needed");
  }
  for (const auto& url : options.center_urls) {
    auto parsed = http::ParseUrl(url);
    if (!parsed) return std::unexpected(parsed.error());
  }
  return std::unique_ptr<HttpTransport>(new HttpTransport(std::move(options)));
}

HttpTransport::HttpTransport(HttpTransportOptions options)
    : options_(std::move(options)), clients_(options_.center_urls.size()) {}

Result<SubmitReply> HttpTransport::Submit(size_t index, ByteSpan acta,
                                          const std::optional<Mac>& mac) {
  if (index >= clients_.size()) return MakeError(ErrorCode::kInvalidArgument, "no such center");
  if (!clients_[index]) {
    http::HttpClientOptions o;
    o.base_url = options_.center_urls[index];
    o.connect_timeout = options_.connect_timeout;
    o.request_timeout = options_.request_timeout;
    o.ca_file = options_.ca_file;
    o.user_agent = options_.user_agent;
    o.max_response_bytes = 64 * 1024;
    auto client = http::HttpClient::Create(std::move(o));
    if (!client) return std::unexpected(client.error());
    clients_[index] = std::move(*client);
  }
  http::HttpHeaders headers;
  if (mac) headers.emplace_back("Acta-Mac", Base64Encode(*mac));
  auto response = clients_[index]->Post("/v1/actas", acta, headers);
  if (!response) return std::unexpected(response.error());
  SubmitReply reply;
  reply.status = response->status;
  reply.body = std::move(response->body);
  if (auto ra = response->Header("retry-after"); !ra.empty())
    reply.retry_after = ParseRetryAfter(ra);
  reply.receipt_key = std::string(response->Header("acta-receipt-key"));
  return reply;
}

void HttpTransport::Close() {
  for (auto& c : clients_) c.reset();
}

}  // namespace acta::terminal
