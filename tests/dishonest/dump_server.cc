#include "dump_server.h"

#include <gtest/gtest.h>

#include "verify/dump_layout.h"
#include "verify/files.h"

namespace acta::testing {

DumpServer::DumpServer(std::string dir) : dir_(std::move(dir)) {
  auto s = http::HttpServer::Start({}, *this);
  EXPECT_TRUE(s) << s.error().ToString();
  if (s) server_ = std::move(*s);
}

DumpServer::~DumpServer() {
  if (server_) server_->Stop();
}

std::string DumpServer::url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

void DumpServer::Handle(http::Request&& request, http::ReplyFn reply) {
  // The center's routes, mapped back to dump paths (the inverse of
  // verify::HttpLogSource::Route).
  const std::string target = request.target;
  std::string path;
  auto query = [&](const std::string& key) {
    const size_t at = target.find(key + "=");
    if (at == std::string::npos) return std::string();
    const size_t end = target.find('&', at);
    return target.substr(at + key.size() + 1,
                         end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
  };
  const std::string_view p = request.Path();
  if (p == "/checkpoint") {
    path = verify::kLatestCheckpoint;
  } else if (p == "/v1/checkpoints") {
    path = verify::kCheckpointsJson;
  } else if (p == "/v1/manifest") {
    path = verify::kManifestJson;
  } else if (p == "/v1/manifest/tables.bin") {
    path = verify::kTablesBin;
  } else if (p == "/v1/manifest/manifest.sig") {
    path = verify::kManifestSig;
  } else if (p == "/v1/export/tables.csv") {
    path = verify::kTablesCsv;
  } else if (p == "/v1/bulletin") {
    path = "bulletin/" + query("size") + ".json";
  } else if (p == "/v1/proof/consistency") {
    path = verify::ConsistencyProofPath(std::stoull(query("from")), std::stoull(query("to")));
  } else {
    path = std::string(p.substr(1));
  }
  verify::DirectoryFiles files(dir_);
  auto data = files.Read(path);
  if (!data) return reply(http::Response::Error(404, "not_found", path));
  http::Response r;
  r.body = std::move(*data);
  reply(std::move(r));
}

}  // namespace acta::testing
