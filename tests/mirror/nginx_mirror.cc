#include "tests/mirror/nginx_mirror.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "terminal/http_client.h"

namespace acta::testing {
namespace {

uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

bool Accepts(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

NginxMirror::NginxMirror(const std::string& root, const std::string& work_dir) {
  std::ifstream in(std::string(ACTA_SOURCE_DIR) + "/examples/nginx/acta-mirror.conf");
  std::stringstream conf;
  conf << in.rdbuf();
  const uint16_t port = FreePort();
  std::string site = std::regex_replace(conf.str(), std::regex("listen 8080;"),
                                        "listen 127.0.0.1:" + std::to_string(port) + ";");
  site = std::regex_replace(site, std::regex("root /srv/acta-mirror;"), "root " + root + ";");
  std::ofstream(work_dir + "/site.conf") << site;
  std::ofstream(work_dir + "/nginx.conf")
      << "worker_processes 1;\npid " << work_dir << "/nginx.pid;\nerror_log " << work_dir
      << "/error.log;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n"
      << "  client_body_temp_path " << work_dir << "/tmp;\n  proxy_temp_path " << work_dir
      << "/tmp;\n  fastcgi_temp_path " << work_dir << "/tmp;\n  uwsgi_temp_path " << work_dir
      << "/tmp;\n  scgi_temp_path " << work_dir << "/tmp;\n  include " << work_dir
      << "/site.conf;\n}\n";
  if (::geteuid() == 0) {
    // Run workers as root too, so they can read a mirror in any temp dir.
    std::ofstream(work_dir + "/nginx.conf", std::ios::app) << "user root;\n";
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execlp("nginx", "nginx", "-c", (work_dir + "/nginx.conf").c_str(), "-p", work_dir.c_str(),
             "-e", (work_dir + "/error.log").c_str(), "-g", "daemon off;", nullptr);
    ::_exit(127);
  }
  for (int i = 0; i < 200; ++i) {  // bounded: 10 s
    if (Accepts(port)) {
      port_ = port;
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream log(work_dir + "/error.log");
  std::stringstream text;
  text << log.rdbuf();
  error_ = "nginx did not start: " + text.str();
}

NginxMirror::~NginxMirror() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

bool NginxMirror::WaitUntilServed(const std::string& path, const std::string& body) const {
  http::HttpClientOptions o;
  o.base_url = url();
  o.max_response_bytes = 64 * 1024 * 1024;
  auto client = http::HttpClient::Create(o);
  if (!client) return false;
  for (int i = 0; i < 100; ++i) {
    auto got = (*client)->Get(path);
    if (got && got->status == 200 && got->BodyText() == body) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace acta::testing
