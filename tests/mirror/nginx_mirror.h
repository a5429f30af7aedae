// nginx serving a mirror directory with the repository's configuration
// (examples/nginx/acta-mirror.conf, its `listen` and `root` lines
// rewritten), for the mirror tests. Killed when destroyed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace acta::testing {

class NginxMirror {
 public:
  // Starts nginx on a free loopback port serving `root`; its files live in
  // `work_dir`. ok() is false (and error() says why) if it did not start.
  NginxMirror(const std::string& root, const std::string& work_dir);
  ~NginxMirror();
  NginxMirror(const NginxMirror&) = delete;
  NginxMirror& operator=(const NginxMirror&) = delete;

  bool ok() const { return port_ != 0; }
  const std::string& error() const { return error_; }
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // nginx keeps open files for up to open_file_cache_valid (1 s), so a file
  // replaced by rename may be served in its previous version for that long:
  // waits, bounded (5 s), until GET `path` answers 200 with `body`. False if
  // it never did.
  bool WaitUntilServed(const std::string& path, const std::string& body) const;

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string error_;
};

}  // namespace acta::testing
