// A server-sent events parser (WHATWG HTML, "Interpreting an event
// stream"), for `acta mirror --follow` reading a center's /v1/events: bytes
// in, whole events out. Lines end in LF, CRLF or CR (also split across
// Feed calls); "event" sets the type, "data" lines are joined with LF;
// lines starting with ':' (the center's heartbeats) and other fields are
// ignored; a blank line dispatches an event that has data.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace acta::mirror {

class EventStreamParser {
 public:
  // `type` is "message" when the event named none.
  using OnEvent = std::function<void(std::string_view type, std::string_view data)>;
  explicit EventStreamParser(OnEvent on_event, size_t max_event_bytes = 64 * 1024)
      : on_event_(std::move(on_event)), max_(max_event_bytes) {}

  // Errors: kResourceExhausted (a line or an event's data longer than
  // max_event_bytes; the parser is then unusable: reconnect).
  [[nodiscard]] Status Feed(std::string_view bytes);

 private:
  void Line();

  OnEvent on_event_;
  size_t max_;
  std::string line_;
  std::string type_;
  std::string data_;
  bool skip_lf_ = false;  // the previous chunk ended in CR
};

}  // namespace acta::mirror
