#include "tests/center/chaos_node.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <vector>

namespace acta::testing::chaos {
namespace {

uint16_t BindAndRelease() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  uint16_t port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

uint16_t PickFreePort() {
  // The kernel may hand out the same free port twice in a row: never give
  // one port to two listeners of this process.
  static std::mutex mu;
  static std::set<uint16_t> given;
  std::lock_guard lock(mu);
  for (int attempt = 0; attempt < 50; ++attempt) {
    const uint16_t port = BindAndRelease();
    if (port != 0 && given.insert(port).second) return port;
  }
  return 0;
}

NodeProcess::NodeProcess(NodeConfig config)
    : config_(std::move(config)),
      ingest_port_(PickFreePort()),
      public_port_(PickFreePort()),
      process_({config_.name, config_.log_dir, config_.wrapper}) {}

std::string NodeProcess::ingest_url() const {
  return "http://127.0.0.1:" + std::to_string(ingest_port_);
}
std::string NodeProcess::public_url() const {
  return "http://127.0.0.1:" + std::to_string(public_port_);
}

Status NodeProcess::Start(std::chrono::milliseconds timeout) {
  std::vector<std::string> args = {
      "center",
      "--election",
      config_.election_dir,
      "--db",
      config_.db_url,
      "--key",
      config_.key_file,
      "--ingest-listen",
      "127.0.0.1:" + std::to_string(ingest_port_),
      "--public-listen",
      "127.0.0.1:" + std::to_string(public_port_),
      "--threads",
      "1",
      "--batch-delay-ms",
      std::to_string(config_.batch_delay_ms),
  };
  args.insert(args.end(), config_.extra_args.begin(), config_.extra_args.end());
  // `acta center` prints "ingest URL\npublic URL\n" once both listen.
  return process_.Start(std::move(args), "\npublic http", timeout);
}

}  // namespace acta::testing::chaos
