#include "bench/nginx_reject.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace acta::bench {
namespace {

using std::chrono::milliseconds;

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

}  // namespace

std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  dirs += ":/usr/sbin:/sbin";  // nginx lives in sbin, often off a user's PATH
  std::istringstream parts(dirs);
  for (std::string dir; std::getline(parts, dir, ':');) {
    const std::string candidate = dir + "/" + name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

uint16_t FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a = Loopback(0);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

bool WaitForPort(uint16_t port, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in a = Loopback(port);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

Result<NginxServer> StartNginx(const std::string& nginx, const std::string& dir, int workers,
                               const std::string& location) {
  NginxServer s;
  s.port = FreeLoopbackPort();
  if (s.port == 0) return MakeError(ErrorCode::kUnavailable, "no free loopback port");
  std::filesystem::create_directories(dir + "/tmp");
  std::string user;
  if (geteuid() == 0) {
    // As root nginx would switch its workers to "nobody"; keep them ours.
    const passwd* pw = getpwuid(geteuid());
    user = "user " + std::string(pw != nullptr ? pw->pw_name : "root") + ";\n";
  }
  const std::string conf = dir + "/nginx.conf";
  std::ofstream(conf) << user << "worker_processes " << workers << ";\n"
                      << "pid " << dir << "/nginx.pid;\n"
                      << "error_log " << dir << "/nginx-error.log warn;\n"
                      << "events { worker_connections 4096; }\n"
                      << "http {\n"
                      << "  access_log off;\n"
                      << "  client_body_temp_path " << dir << "/tmp/body;\n"
                      << "  proxy_temp_path " << dir << "/tmp/proxy;\n"
                      << "  fastcgi_temp_path " << dir << "/tmp/fastcgi;\n"
                      << "  uwsgi_temp_path " << dir << "/tmp/uwsgi;\n"
                      << "  scgi_temp_path " << dir << "/tmp/scgi;\n"
                      << "  keepalive_requests 1000;\n"
                      << "  keepalive_timeout 30s;\n"
                      << "  server {\n"
                      << "    listen 127.0.0.1:" << s.port << ";\n"
                      << "    location / { " << location << " }\n"
                      << "  }\n"
                      << "}\n";
  auto child = ChildProcess::Spawn(
      {nginx, "-c", conf, "-p", dir, "-e", dir + "/nginx-error.log", "-g", "daemon off;"},
      dir + "/nginx-error.log", /*pipe_stderr=*/false);
  if (!child) return std::unexpected(child.error());
  s.child = std::move(*child);
  s.child->DrainInBackground(ChildProcess::Stream::kStdout, "");
  if (!WaitForPort(s.port, milliseconds(10'000)) || !s.child->Running()) {
    s.child->Kill();
    return MakeError(ErrorCode::kUnavailable,
                     "nginx did not start; see " + dir + "/nginx-error.log");
  }
  return s;
}

Status WriteWrkPostScript(const std::string& path, ByteSpan body, const std::string& mac_b64) {
  // Every byte as a decimal escape: the acta is binary.
  std::string literal;
  for (uint8_t b : body) literal += "\\" + std::to_string(b);
  std::ofstream f(path);
  f << "wrk.method = \"POST\"\n"
    << "wrk.path = \"/v1/actas\"\n"
    << "wrk.headers[\"Content-Type\"] = \"application/octet-stream\"\n"
    << "wrk.headers[\"Acta-Mac\"] = \"" << mac_b64 << "\"\n"
    << "wrk.body = \"" << literal << "\"\n";
  if (!f) return MakeError(ErrorCode::kInternal, "cannot write " + path);
  return Ok();
}

Result<WrkResult> ParseWrkOutput(const std::string& text) {
  WrkResult r;
  r.text = text;
  bool rate = false;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    unsigned long long n = 0, a = 0, b = 0, c = 0, d = 0;
    double x = 0;
    if (std::sscanf(line.c_str(), " %llu requests in %lf", &n, &x) == 2) {
      r.requests = n;
      r.seconds = x;
    } else if (std::sscanf(line.c_str(), " Non-2xx or 3xx responses: %llu", &n) == 1) {
      r.non_2xx = n;
    } else if (std::sscanf(line.c_str(),
                           " Socket errors: connect %llu, read %llu, write %llu, "
                           "timeout %llu",
                           &a, &b, &c, &d) == 4) {
      r.socket_errors = a + b + c + d;
    } else if (std::sscanf(line.c_str(), "Requests/sec: %lf", &x) == 1) {
      r.requests_per_second = x;
      rate = true;
    }
  }
  if (!rate) return MakeError(ErrorCode::kInvalidArgument, "no Requests/sec in: " + text);
  return r;
}

Result<WrkResult> RunWrk(const std::string& wrk, uint16_t port, const std::string& script,
                         int connections, int threads, int seconds) {
  auto child =
      ChildProcess::Spawn({wrk, "-t", std::to_string(threads), "-c", std::to_string(connections),
                           "-d", std::to_string(seconds) + "s", "-s", script,
                           "http://127.0.0.1:" + std::to_string(port) + "/v1/actas"},
                          "", /*pipe_stderr=*/false);
  if (!child) return std::unexpected(child.error());
  const std::string out =
      (*child)->ReadAll(ChildProcess::Stream::kStdout, milliseconds((seconds + 30) * 1000));
  const int code = (*child)->Wait(milliseconds(1000));
  if (code != 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "wrk exited with " + std::to_string(code) + ": " + out);
  }
  return ParseWrkOutput(out);
}

}  // namespace acta::bench
