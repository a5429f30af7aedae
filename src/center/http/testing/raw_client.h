// Test-only: a blocking client on a raw TCP socket, for sending exactly the
// bytes a test wants (half headers, oversized fields) and seeing exactly
// what comes back. Every read gives up after 30 s so a broken server fails
// the test instead of hanging it; tests never rely on that time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace acta::http::testing {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

class RawConnection {
 public:
  // Connects to host:port (IP literal). Errors: kUnavailable.
  static Result<RawConnection> Connect(uint16_t port, const std::string& host = "127.0.0.1");

  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&& other) noexcept;
  ~RawConnection();

  // Sends every byte. False on error.
  bool Send(std::string_view bytes);
  // Reads one response: body by Content-Length, else up to the close.
  // Errors: kUnavailable (closed before a full response), kMalformed.
  Result<RawResponse> ReadResponse();
  // Everything until the peer closes (and what was already buffered).
  std::string ReadUntilClose();
  // Reads until `needle` is in the received data; returns the data up to
  // and including it and keeps the rest buffered. Errors: kUnavailable.
  Result<std::string> ReadUntil(std::string_view needle);
  // The local port of this connection.
  uint16_t local_port() const;
  // Sends FIN (shutdown(SHUT_WR)); reading still works.
  void ShutdownSend();
  void Close();

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  // Appends what one recv() gives; false on close or error.
  bool ReadMore();

  int fd_ = -1;
  std::string pending_;
};

// One request with "Connection: keep-alive" unless the headers say otherwise.
std::string MakeRawRequest(std::string_view method, std::string_view target,
                           std::string_view body = {}, std::string_view extra_headers = {});

}  // namespace acta::http::testing
