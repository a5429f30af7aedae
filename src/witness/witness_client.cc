#include "witness/witness_client.h"

#include "terminal/http_client.h"

namespace acta::witness {
namespace {

class HttpTransport final : public WitnessTransport {
 public:
  explicit HttpTransport(std::unique_ptr<http::HttpClient> client) : client_(std::move(client)) {}

  Result<WitnessReply> AddCheckpoint(std::string_view body) override {
    auto r = client_->Post("/add-checkpoint", AsBytes(body),
                           {{"Content-Type", "text/plain; charset=utf-8"}});
    if (!r) return std::unexpected(r.error());
    return WitnessReply{r->status, std::string(r->Header("content-type")),
                        std::string(r->BodyText())};
  }

 private:
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace

Result<std::unique_ptr<WitnessTransport>> HttpWitnessTransport(const std::string& url,
                                                               const std::string& ca_file) {
  http::HttpClientOptions o;
  o.base_url = url;
  o.ca_file = ca_file;
  o.connect_timeout = std::chrono::seconds(3);
  o.request_timeout = std::chrono::seconds(10);
  o.max_response_bytes = 64 * 1024;
  auto client = http::HttpClient::Create(o);
  if (!client) return std::unexpected(client.error());
  return std::unique_ptr<WitnessTransport>(new HttpTransport(std::move(*client)));
}

}  // namespace acta::witness
