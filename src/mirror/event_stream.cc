#include "mirror/event_stream.h"

namespace acta::mirror {

Status EventStreamParser::Feed(std::string_view bytes) {
  for (const char c : bytes) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      Line();
      line_.clear();
      if (data_.size() > max_)
        return MakeError(ErrorCode::kResourceExhausted, "server-sent event too large");
      continue;
    }
    line_.push_back(c);
    if (line_.size() > max_)
      return MakeError(ErrorCode::kResourceExhausted, "server-sent event line too long");
  }
  return Ok();
}

void EventStreamParser::Line() {
  if (line_.empty()) {
    if (!data_.empty()) {
      data_.pop_back();  // the LF after the last data line
      on_event_(type_.empty() ? "message" : type_, data_);
    }
    type_.clear();
    data_.clear();
    return;
  }
  if (line_.front() == ':') return;
  const size_t colon = line_.find(':');
  const std::string_view field = std::string_view(line_).substr(0, colon);
  std::string_view value;
  if (colon != std::string::npos) {
    value = std::string_view(line_).substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  if (field == "event") {
    type_ = value;
  } else if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
  }
}

}  // namespace acta::mirror
