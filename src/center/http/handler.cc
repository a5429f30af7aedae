#include "center/http/handler.h"

#include <array>
#include <cstdint>
#include <cstdio>

#include "center/http/internal/byte_scan.h"

namespace acta::http {
namespace {

// The bytes a JSON string must escape: control characters, '"' and '\\'.
constexpr std::array<bool, 256> kJsonEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

void AppendChars(std::string& out, std::string_view s) { out.append(s); }
void AppendChars(Bytes& out, std::string_view s) {
  const ByteSpan b = AsBytes(s);  // uint8_t to uint8_t: one memcpy
  out.insert(out.end(), b.begin(), b.end());
}

// True when none of the eight bytes at p needs a JSON escape (the common
// case: error messages are plain text).
bool NoJsonEscapeIn8(const char* p) {
  const uint64_t x = internal::LoadEightBytes(p);
  return (internal::AnyByteBelow(x, 0x20) | internal::AnyByteEqual(x, '"') |
          internal::AnyByteEqual(x, '\\')) == 0;
}

// Out is std::string or Bytes: error bodies are built straight into the
// response body, without a string to copy from.
template <class Out>
void AppendJsonString(Out& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of the characters that need no escape
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.size() - i >= 8 && NoJsonEscapeIn8(s.data() + i)) {
      i += 8;
      continue;
    }
    const auto u = static_cast<unsigned char>(s[i]);
    if (!kJsonEscape[u]) {
      ++i;
      continue;
    }
    AppendChars(out, s.substr(run, i - run));
    run = ++i;
    if (u >= 0x20) {
      out.push_back('\\');
      out.push_back(static_cast<typename Out::value_type>(u));
    } else {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      AppendChars(out, esc);
    }
  }
  AppendChars(out, s.substr(run));
  out.push_back('"');
}

template <class Out>
void AppendJsonErrorBody(Out& out, std::string_view code, std::string_view message) {
  AppendChars(out, "{\"error\":");
  AppendJsonString(out, code);
  AppendChars(out, ",\"message\":");
  AppendJsonString(out, message);
  out.push_back('}');
}

void AppendWithoutNewlines(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c != '\r' && c != '\n') out += c;
  }
}

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

std::string_view Request::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::size_t Handler::BodyLimit(const Request& /*head*/, std::size_t server_limit) const {
  return server_limit;
}

Response Response::Text(int status, std::string_view text) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  AppendChars(r.body, text);
  return r;
}

Response Response::Json(int status, std::string_view json) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  AppendChars(r.body, json);
  return r;
}

Response Response::Error(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body.reserve(code.size() + message.size() + 32);
  AppendJsonErrorBody(r.body, code, message);
  return r;
}

Response Response::EventStream(std::function<void(std::shared_ptr<SseStream>)> on_open) {
  Response r;
  r.content_type = "text/event-stream";
  r.on_sse_open = std::move(on_open);
  return r;
}

std::string JsonErrorBody(std::string_view code, std::string_view message) {
  std::string out;
  out.reserve(code.size() + message.size() + 32);
  AppendJsonErrorBody(out, code, message);
  return out;
}

std::string FormatSseEvent(std::string_view event, std::string_view data, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 24);
  if (!event.empty()) {
    out += "event: ";
    AppendWithoutNewlines(out, event);
    out += '\n';
  }
  if (!id.empty()) {
    out += "id: ";
    AppendWithoutNewlines(out, id);
    out += '\n';
  }
  // Every line of data gets its own "data:" field; the client joins them
  // back with '\n'. An empty payload still needs one field to dispatch.
  std::size_t start = 0;
  while (true) {
    std::size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out.append(data.substr(start, end == std::string_view::npos ? end : end - start));
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
  }
  out += '\n';
  return out;
}

}  // namespace acta::http
