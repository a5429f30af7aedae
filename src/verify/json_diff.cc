#include "verify/json_diff.h"

#include <nlohmann/json.hpp>

namespace acta::verify {
namespace {

using nlohmann::json;

std::string Short(const json& v) {
  std::string s = v.dump();
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

// A name for element i of an array: the element's "code", "id" or "table"
// member when it is an object that has one.
std::string ElementName(const json& element, size_t i) {
  if (element.is_object()) {
    for (const char* key : {"code", "id", "table"}) {
      auto it = element.find(key);
      if (it != element.end() && (it->is_string() || it->is_number())) {
        return it->is_string() ? it->get<std::string>() : it->dump();
      }
    }
  }
  return std::to_string(i);
}

std::optional<JsonDifference> Diff(const json& pub, const json& exp, const std::string& path) {
  if (pub.type() != exp.type()) return JsonDifference{path, Short(pub), Short(exp)};
  if (pub.is_object()) {
    for (auto it = exp.begin(); it != exp.end(); ++it) {
      std::string sub = path.empty() ? it.key() : path + "." + it.key();
      auto p = pub.find(it.key());
      if (p == pub.end()) return JsonDifference{sub, "(absent)", Short(it.value())};
      if (auto d = Diff(*p, it.value(), sub)) return d;
    }
    for (auto it = pub.begin(); it != pub.end(); ++it) {
      if (!exp.contains(it.key())) {
        return JsonDifference{path.empty() ? it.key() : path + "." + it.key(), Short(it.value()),
                              "(absent)"};
      }
    }
    return std::nullopt;
  }
  if (pub.is_array()) {
    const size_t n = std::min(pub.size(), exp.size());
    for (size_t i = 0; i < n; ++i) {
      std::string name = ElementName(exp[i], i);
      if (ElementName(pub[i], i) != name) {
        return JsonDifference{path + "[" + std::to_string(i) + "]", Short(pub[i]), Short(exp[i])};
      }
      if (auto d = Diff(pub[i], exp[i], path + "[" + name + "]")) return d;
    }
    if (pub.size() != exp.size()) {
      return JsonDifference{path + ".length", std::to_string(pub.size()),
                            std::to_string(exp.size())};
    }
    return std::nullopt;
  }
  if (pub != exp) return JsonDifference{path, Short(pub), Short(exp)};
  return std::nullopt;
}

}  // namespace

std::optional<JsonDifference> FirstJsonDifference(std::string_view published,
                                                  std::string_view expected) {
  json exp = json::parse(expected, nullptr, false);
  json pub = json::parse(published, nullptr, false);
  if (pub.is_discarded())
    return JsonDifference{"", "(not valid JSON)", exp.is_discarded() ? "?" : "(JSON)"};
  if (exp.is_discarded()) return JsonDifference{"", "(JSON)", "(not valid JSON)"};
  try {
    return Diff(pub, exp, "");
  } catch (const std::exception& e) {
    return JsonDifference{"", std::string("(comparison failed: ") + e.what() + ")", ""};
  }
}

}  // namespace acta::verify
