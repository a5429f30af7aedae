#include "center/http/testing/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <utility>

namespace acta::http::testing {

Result<RawConnection> RawConnection::Connect(uint16_t port, const std::string& host) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  if (host.find(':') != std::string::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) {
      return MakeError(ErrorCode::kInvalidArgument, "bad host " + host);
    }
    length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) {
      return MakeError(ErrorCode::kInvalidArgument, "bad host " + host);
    }
    length = sizeof(sockaddr_in);
  }
  const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(ErrorCode::kUnavailable, "socket() failed");
  timeval guard{.tv_sec = 30, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &guard, sizeof guard);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return MakeError(ErrorCode::kUnavailable, "connect failed: " + reason);
  }
  return RawConnection(fd);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

RawConnection& RawConnection::operator=(RawConnection&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    pending_ = std::move(other.pending_);
  }
  return *this;
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::ShutdownSend() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void RawConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

uint16_t RawConnection::local_port() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return 0;
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawConnection::ReadMore() {
  if (fd_ < 0) return false;
  char buffer[16384];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) return false;
  pending_.append(buffer, static_cast<size_t>(n));
  return true;
}

Result<std::string> RawConnection::ReadUntil(std::string_view needle) {
  while (true) {
    const std::size_t at = pending_.find(needle);
    if (at != std::string::npos) {
      std::string out = pending_.substr(0, at + needle.size());
      pending_.erase(0, at + needle.size());
      return out;
    }
    if (!ReadMore()) {
      return MakeError(ErrorCode::kUnavailable,
                       "closed before \"" + std::string(needle) + "\"; got: " + pending_);
    }
  }
}

std::string RawConnection::ReadUntilClose() {
  while (ReadMore()) {
  }
  return std::exchange(pending_, {});
}

Result<RawResponse> RawConnection::ReadResponse() {
  auto head = ReadUntil("\r\n\r\n");
  if (!head) return std::unexpected(head.error());
  RawResponse response;
  if (head->size() < 12 || !head->starts_with("HTTP/1.1 ")) {
    return MakeError(ErrorCode::kMalformed, "bad status line: " + *head);
  }
  response.status = std::atoi(head->c_str() + 9);
  std::size_t line = head->find("\r\n") + 2;
  while (line < head->size() - 2) {
    const std::size_t end = head->find("\r\n", line);
    const std::string field = head->substr(line, end - line);
    const std::size_t colon = field.find(':');
    if (colon == std::string::npos) return MakeError(ErrorCode::kMalformed, "bad field " + field);
    std::string name = field.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t value = colon + 1;
    while (value < field.size() && field[value] == ' ') ++value;
    response.headers[name] = field.substr(value);
    line = end + 2;
  }
  auto length = response.headers.find("content-length");
  if (length == response.headers.end()) {
    response.body = ReadUntilClose();
    return response;
  }
  const std::size_t want = std::stoul(length->second);
  while (pending_.size() < want) {
    if (!ReadMore()) return MakeError(ErrorCode::kUnavailable, "closed inside the body");
  }
  response.body = pending_.substr(0, want);
  pending_.erase(0, want);
  return response;
}

std::string MakeRawRequest(std::string_view method, std::string_view target, std::string_view body,
                           std::string_view extra_headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  out.append(extra_headers);
  if (!body.empty() || method == "POST") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out.append(body);
  return out;
}

}  // namespace acta::http::testing
