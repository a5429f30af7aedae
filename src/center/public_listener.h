// What the public listener serves: the read API (PublicApi), plus
// observers' submissions on the public lane (POST /v1/actas, handed to the
// ingest handler) so the observers' page can submit from its own origin and
// readers never need the ingest port. A request carrying Acta-Mac is
// refused here: the terminal lane stays on the ingest listener. Answers to
// submissions carry CORS headers, so a mirror's copy of the page can submit
// to the center and read the receipt.
#pragma once

#include <memory>

#include "center/http/handler.h"

namespace acta::center {

class PublicListenerHandler final : public http::Handler {
 public:
  // Owns the read API; `ingest` must outlive this handler.
  PublicListenerHandler(std::unique_ptr<http::Handler> read_api, http::Handler& ingest)
      : read_api_(std::move(read_api)), ingest_(ingest) {}

  std::size_t BodyLimit(const http::Request& head, std::size_t server_limit) const override;
  void Handle(http::Request&& request, http::ReplyFn reply) override;

 private:
  static bool IsSubmission(const http::Request& request);
  std::unique_ptr<http::Handler> read_api_;
  http::Handler& ingest_;
};

}  // namespace acta::center
