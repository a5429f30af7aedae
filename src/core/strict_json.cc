#include "core/strict_json.h"

#include <string>
#include <vector>

namespace acta {
namespace {

using Json = nlohmann::json;

// Wraps nlohmann's DOM builder (the SAX interface is resolved statically, so
// forwarding costs nothing) and adds what it lacks: duplicate-key detection
// and the JSON path of the value being read.
class StrictSax {
 public:
  explicit StrictSax(Json& root) : dom_(root, /*allow_exceptions=*/false) {}

  bool null() { return Value() && dom_.null(); }
  bool boolean(bool v) { return Value() && dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return Value() && dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return Value() && dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const std::string& s) {
    return Value() && dom_.number_float(v, s);
  }
  bool string(std::string& v) { return Value() && dom_.string(v); }
  bool binary(Json::binary_t& v) { return Value() && dom_.binary(v); }

  bool start_object(std::size_t n) {
    if (!Value()) return false;
    frames_.push_back(Frame{false, 0, {}});
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    Frame& f = frames_.back();
    for (const std::string& seen : f.keys) {
      if (seen == k) {
        error_ = "duplicate key \"";
        error_.append(k).append("\"");
        if (frames_.size() > 1) error_.append(" in ").append(Path());
        return false;
      }
    }
    f.keys.push_back(k);
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (!Value()) return false;
    frames_.push_back(Frame{true, 0, {}});
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*token*/, const Exception& ex) {
    error_ = "syntax error at byte " + std::to_string(position) + ": " + ex.what();
    return dom_.parse_error(position, "", ex);
  }

  const std::string& error() const { return error_; }

 private:
  struct Frame {
    bool is_array;
    size_t next_index;
    std::vector<std::string> keys;  // objects here are small; a vector beats a set
  };

  // Called before each value: counts array elements so Path() can name them.
  bool Value() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().next_index;
    return true;
  }

  // The path of the innermost open container, e.g. "contests[1].candidates[0]".
  std::string Path() const {
    std::string out;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.is_array) {
        out.append(1, '[').append(std::to_string(f.next_index - 1)).append(1, ']');
      } else {
        if (!out.empty()) out += ".";
        out += f.keys.back();
      }
    }
    return out.empty() ? "the top-level object" : out;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::vector<Frame> frames_;
  std::string error_;
};

}  // namespace

Result<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what) {
  Json root;
  StrictSax sax(root);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                         /*strict=*/true, /*ignore_comments=*/false);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": " + e.what());
  }
  if (!ok) {
    std::string why = sax.error().empty() ? "invalid JSON" : sax.error();
    return MakeError(ErrorCode::kMalformed, std::string(what) + ": " + why);
  }
  return root;
}

namespace {

const nlohmann::json* Field(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

std::optional<uint64_t> JsonUint(const nlohmann::json& j, std::string_view key) {
  const auto* v = Field(j, key);
  if (v == nullptr || !v->is_number_unsigned()) return std::nullopt;
  return v->get<uint64_t>();
}

std::optional<std::string> JsonString(const nlohmann::json& j, std::string_view key) {
  const auto* v = Field(j, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<bool> JsonBool(const nlohmann::json& j, std::string_view key) {
  const auto* v = Field(j, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

}  // namespace acta
