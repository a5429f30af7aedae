#include "witness/witness_service.h"

#include <set>

#include "log/checkpoint.h"

namespace acta::witness {

FollowedLog FollowManifest(const Manifest& manifest) {
  return FollowedLog{log::LogOrigin(manifest.election_id), manifest.centers};
}

Result<std::unique_ptr<WitnessService>> WitnessService::Start(NamedCosignerKey key,
                                                              WitnessServiceOptions options,
                                                              const Clock& clock) {
  return Start(key.name, std::make_shared<MemorySigner>(key.key, "key " + key.name),
               std::move(options), clock);
}

Result<std::unique_ptr<WitnessService>> WitnessService::Start(std::string name,
                                                              std::shared_ptr<const Signer> signer,
                                                              WitnessServiceOptions options,
                                                              const Clock& clock) {
  if (options.logs.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the witness follows no log");
  }
  std::set<std::string> origins;
  for (const auto& log : options.logs) {
    if (!origins.insert(log.origin).second) {
      return MakeError(ErrorCode::kInvalidArgument, "log " + log.origin + " is given twice");
    }
    if (log.keys.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "log " + log.origin + " has no key");
    }
  }
  std::unique_ptr<WitnessService> s(new WitnessService());
  auto state = WitnessState::Open(options.state_path);
  if (!state) return std::unexpected(state.error());
  s->state_ = std::move(*state);
  s->witness_ = std::make_unique<Witness>(std::move(name), std::move(signer),
                                          std::move(options.logs), *s->state_, clock);
  s->handler_ = std::make_unique<WitnessHandler>(*s->witness_);
  http::ServerOptions so;
  so.listen = options.listen;
  so.threads = options.threads;
  so.tls = options.tls;
  auto server = http::HttpServer::Start(so, *s->handler_);
  if (!server) return std::unexpected(server.error());
  s->server_ = std::move(*server);
  return s;
}

WitnessService::~WitnessService() { Stop(); }

void WitnessService::Stop() {
  if (server_) server_->Stop();
}

}  // namespace acta::witness
