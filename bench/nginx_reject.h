// The rejection-speed yardstick of the attack benchmark: nginx answering
// `return 403;` on loopback, and wrk (with a Lua script posting one fixed
// request) as the load generator used against both nginx and the center.
// Everything lives in a caller-given directory; nothing is installed or
// left running (the ChildProcess kills nginx when destroyed).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "bench/attack_load_proc.h"
#include "core/bytes.h"
#include "core/error.h"

namespace acta::bench {

// The absolute path of `name` on PATH, or "" when absent.
std::string FindProgram(const std::string& name);

// A free TCP port on 127.0.0.1 (bound and released; 0 on failure).
uint16_t FreeLoopbackPort();
// True once 127.0.0.1:port accepts a connection, trying for at most `timeout`.
bool WaitForPort(uint16_t port, std::chrono::milliseconds timeout);

struct NginxServer {
  std::unique_ptr<ChildProcess> child;
  uint16_t port = 0;
};

// Writes DIR/nginx.conf (listen 127.0.0.1:free port, `location / {
// LOCATION }` (by default `return 403;`), `workers` worker processes,
// access_log off, keepalive_requests 1000 like the center's per-connection
// cap, pid, error log and temp paths in DIR, run as the current user) and
// starts `nginx -c -p -e -g 'daemon off;'`. Errors: kUnavailable when it does
// not listen within 10 s (its error log is named).
Result<NginxServer> StartNginx(const std::string& nginx, const std::string& dir, int workers,
                               const std::string& location = "return 403;");

// A wrk script sending POST /v1/actas with `body` and "Acta-Mac: mac_b64".
Status WriteWrkPostScript(const std::string& path, ByteSpan body, const std::string& mac_b64);

struct WrkResult {
  double requests_per_second = 0;
  uint64_t requests = 0;
  uint64_t non_2xx = 0;  // "Non-2xx or 3xx responses"
  uint64_t socket_errors = 0;
  double seconds = 0;
  std::string text;  // wrk's whole output
};

// wrk -t THREADS -c CONNECTIONS -d SECONDS -s SCRIPT http://127.0.0.1:PORT/v1/actas,
// killed 30 s past its duration. Errors: kUnavailable (wrk failed or printed
// no rate).
Result<WrkResult> RunWrk(const std::string& wrk, uint16_t port, const std::string& script,
                         int connections, int threads, int seconds);

// Parses wrk's report. Errors: kInvalidArgument without "Requests/sec".
Result<WrkResult> ParseWrkOutput(const std::string& text);

}  // namespace acta::bench
