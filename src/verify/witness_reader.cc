#include "verify/witness_reader.h"

#include "core/crypto.h"

namespace acta::verify {

WitnessReader::WitnessReader(std::string origin, std::string ca_file)
    : path_("/" + HexEncode(Sha256(AsBytes(origin))) + "/checkpoint"),
      ca_file_(std::move(ca_file)) {}

Result<std::string> WitnessReader::Latest(const ManifestWitness& witness) {
  auto& client = clients_[witness.url];
  if (!client) {
    http::HttpClientOptions o;
    o.base_url = witness.url;
    o.ca_file = ca_file_;
    o.connect_timeout = std::chrono::seconds(3);
    o.request_timeout = std::chrono::seconds(10);
    o.max_response_bytes = 64 * 1024;
    auto made = http::HttpClient::Create(o);
    if (!made) return std::unexpected(made.error());
    client = std::move(*made);
  }
  auto r = client->Get(path_);
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return MakeError(r->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                     "GET " + witness.url + path_ + ": HTTP " + std::to_string(r->status));
  }
  return std::string(r->BodyText());
}

}  // namespace acta::verify
