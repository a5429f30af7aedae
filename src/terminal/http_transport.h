// Transport over acta_http_client: one kept-alive HttpClient per center,
// created on first use. The requests are exactly DESIGN.md's: POST
// /v1/actas with the binary acta as body and, on the terminal lane, the
// header "Acta-Mac: base64(MAC)".
//
// Thread-safety: none; one HttpTransport per terminal (or per thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "terminal/http_client.h"
#include "terminal/transport.h"

namespace acta::terminal {

struct HttpTransportOptions {
  std::vector<std::string> center_urls;  // at least one
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{15'000};
  std::string ca_file;  // for https centers
  std::string user_agent = "acta-terminal/0.1";
};

class HttpTransport final : public Transport {
 public:
  // Errors: kInvalidArgument (no URL, or a URL ParseUrl refuses).
  static Result<std::unique_ptr<HttpTransport>> Create(HttpTransportOptions options);

  size_t center_count() const override { return options_.center_urls.size(); }
  std::string CenterName(size_t index) const override { return options_.center_urls[index]; }
  Result<SubmitReply> Submit(size_t index, ByteSpan acta, const std::optional<Mac>& mac) override;
  void Close() override;

 private:
  explicit HttpTransport(HttpTransportOptions options);
  HttpTransportOptions options_;
  std::vector<std::unique_ptr<http::HttpClient>> clients_;  // by center, null until used
};

// Parses a Retry-After value in its delay-seconds form ("1", "30");
// nullopt for anything else (HTTP-dates are not used by acta centers).
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value);

}  // namespace acta::terminal
