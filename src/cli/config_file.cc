#include "cli/config_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "cli/command.h"
#include "core/file.h"

namespace acta::cli {
namespace {

std::unexpected<Error> Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string At(std::string_view source, const toml::source_region& where) {
  return std::string(source) + ":" + std::to_string(where.begin.line);
}

// One TOML scalar as the text CLI11 converts ("8443", "0.5", "true").
std::optional<std::string> ScalarText(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto f = node.as_floating_point()) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f->get());
    if (ec == std::errc()) return std::string(buf, end);
  }
  return std::nullopt;  // dates, times, tables
}

// A TOML string, escaped by toml++ itself.
std::string Quoted(const std::string& s) {
  std::ostringstream out;
  out << toml::toml_formatter{toml::value<std::string>{s}};
  return out.str();
}

bool IsFlag(const CLI::Option& opt) { return opt.get_expected_min() == 0; }

// The option's type without the validators CLI11 appends ("UINT:POSITIVE").
std::string BaseType(const CLI::Option& opt) {
  std::string t = opt.get_type_name();
  return t.substr(0, t.find_first_of(": "));
}

// The option's current value as strings: what the command line or the file
// gave, else the default of its bound variable (CLI11 renders a vector as
// "[a,b]").
std::vector<std::string> CurrentValues(CLI::Option& opt) {
  if (opt.count() > 0) return opt.results();
  opt.capture_default_str();
  std::string d = opt.get_default_str();
  if (opt.get_items_expected_max() <= 1) return {d};
  if (d.size() >= 2 && d.front() == '[' && d.back() == ']') d = d.substr(1, d.size() - 2);
  std::vector<std::string> out;
  if (d.empty()) return out;
  for (size_t start = 0;;) {
    const size_t comma = d.find(',', start);
    out.push_back(d.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string TomlValue(const std::string& type, const std::string& text) {
  const bool numeric = type == "INT" || type == "UINT" || type == "FLOAT";
  if (numeric && !text.empty()) return text;
  if (type == "BOOLEAN" && (text == "true" || text == "false")) return text;
  return Quoted(text);
}

}  // namespace

std::shared_ptr<ConfigFile> ConfigFile::Attach(CLI::App& cmd, std::vector<std::string> required) {
  std::shared_ptr<ConfigFile> config(new ConfigFile(cmd, std::move(required)));
  const char* g = "Configuration";
  cmd.add_option("--config", config->path_,
                 "TOML file: every long option below is a key of the same name without the\n"
                 "dashes (ingest-listen = [\"0.0.0.0:8443\"], batch-size = 256); options on the\n"
                 "command line override the file; unknown keys are errors")
      ->configurable(false)
      ->group(g);
  cmd.add_flag("--print-config", config->print_,
               "Print the effective configuration (command line over --config over defaults)\n"
               "as TOML that --config reads back, and exit")
      ->configurable(false)
      ->group(g);
  for (const std::string& name : config->required_) {
    CLI::Option* opt = cmd.get_option(name);
    opt->description(opt->get_description() + " (required: option or config key)");
  }
  return config;
}

Status ConfigFile::Merge(std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Invalid(At(source, e.source()) + ": " + std::string(e.description()));
  }
  // In file order, so the first error reported is the first in the file.
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(std::string(key.str()), &node);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.second->source().begin.line < b.second->source().begin.line;
  });
  const std::string command = cmd_.get_name();
  for (const auto& [key, node] : entries) {
    const std::string where = At(source, node->source());
    CLI::Option* opt = cmd_.get_option_no_throw("--" + key);
    if (opt == nullptr || !opt->get_configurable() || opt->get_lnames().empty() ||
        opt->get_lnames().front() != key) {
      return Invalid(where + ": unknown key '" + key + "' (the keys are the long options of acta " +
                     command + " without the dashes; see acta " + command + " --help)");
    }
    std::vector<std::string> inputs;
    if (const toml::array* array = node->as_array()) {
      if (opt->get_items_expected_max() <= 1) {
        return Invalid(where + ": '" + key + "' takes one value, not an array");
      }
      for (const toml::node& element : *array) {
        auto text = ScalarText(element);
        if (!text) return Invalid(where + ": '" + key + "': arrays hold strings or numbers");
        inputs.push_back(std::move(*text));
      }
      if (inputs.empty()) continue;  // keep the default
    } else if (auto text = ScalarText(*node)) {
      inputs.push_back(std::move(*text));
    } else {
      return Invalid(where + ": '" + key + "' must be a string, number, boolean or array");
    }
    if (IsFlag(*opt) && !node->is_boolean()) {
      return Invalid(where + ": '" + key + "' is a switch: true or false");
    }
    if (opt->count() > 0) continue;  // the command line wins
    try {
      opt->add_result(inputs);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return Invalid(where + ": '" + key + "': " + e.what());
    }
  }
  return Ok();
}

Status ConfigFile::CheckRequired() const {
  for (const std::string& name : required_) {
    if (cmd_.get_option(name)->count() == 0) {
      return Invalid(name + " is required: give the option or the key '" + name.substr(2) +
                     "' in the --config file");
    }
  }
  return Ok();
}

std::string ConfigFile::EffectiveToml() const {
  std::string out = "# acta " + cmd_.get_name() +
                    ": effective configuration (command line over --config over defaults).\n"
                    "# `acta " +
                    cmd_.get_name() + " --config FILE` reads this file back.\n";
  for (CLI::Option* opt : cmd_.get_options()) {
    if (!opt->get_configurable() || opt->get_lnames().empty()) continue;
    const std::string& key = opt->get_lnames().front();
    out += "\n";
    std::string description = opt->get_description();
    for (size_t start = 0; start <= description.size();) {
      const size_t nl = std::min(description.find('\n', start), description.size());
      out += "# " + description.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
    const std::string type = BaseType(*opt);
    if (IsFlag(*opt)) {
      out += key + " = " + (opt->count() > 0 && opt->as<bool>() ? "true" : "false") + "\n";
    } else if (opt->get_items_expected_max() > 1) {
      std::string list;
      for (const std::string& v : CurrentValues(*opt)) {
        list += (list.empty() ? "" : ", ") + TomlValue(type, v);
      }
      out += key + " = [" + list + "]\n";
    } else {
      out += key + " = " + TomlValue(type, CurrentValues(*opt).front()) + "\n";
    }
  }
  return out;
}

std::optional<int> ConfigFile::Resolve(std::string_view command) {
  if (!path_.empty()) {
    auto text = ReadTextFile(path_);
    if (!text) {
      ReportError(command, text.error());
      return kExitUsage;
    }
    if (auto st = Merge(*text, path_); !st) {
      ReportError(command, st.error());
      return kExitUsage;
    }
  }
  // Before the required check, so that `--print-config > x.toml` also makes
  // a template to fill in.
  if (print_) {
    std::fputs(EffectiveToml().c_str(), stdout);
    return kExitOk;
  }
  if (auto st = CheckRequired(); !st) {
    ReportError(command, st.error());
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace acta::cli
