// Test-only: serves a dump directory under a center's public routes, so a
// test can publish exactly what a dishonest center would (a checkpoint
// beyond its entries, a forked tree) to the real fetcher and verifier.
#pragma once

#include <memory>
#include <string>

#include "center/http/handler.h"
#include "center/http/server.h"
#include "verify/log_source.h"

namespace acta::testing {

class DumpServer final : public http::Handler {
 public:
  explicit DumpServer(std::string dir);
  ~DumpServer() override;
  void Handle(http::Request&& request, http::ReplyFn reply) override;
  std::string url() const;

 private:
  std::string dir_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace acta::testing
