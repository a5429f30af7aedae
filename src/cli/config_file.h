// One TOML configuration file per service: `acta center --config
// center.toml`. Every long option of the subcommand is a key of the same
// name without the dashes (`--ingest-listen` -> `ingest-listen = [...]`,
// `--keep` -> `keep = true`); options given on the command line override the
// file; a key that names no option is an error with its name and line; and
// `--print-config` prints the effective configuration as TOML that --config
// reads back. Nothing here knows a particular command, so every service
// (center, witness, mirror) gets the same behaviour from three calls:
//
//   CLI::App* cmd = app.add_subcommand("center", "...");
//   ... add its options (those the service cannot run without: not
//       ->required(), which CLI11 checks before the file is read) ...
//   auto config = ConfigFile::Attach(*cmd, {"--election", "--db"});
//   cmd->callback([&run, o, config] {
//     run = [o, config] {
//       if (auto exit = config->Resolve("center")) return *exit;
//       return RunCenter(*o);
//     };
//   });
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace acta::cli {

class ConfigFile {
 public:
  // Adds --config FILE and --print-config to `cmd`, and marks `required`
  // (long names, "--election") as required in its help. `cmd` must outlive
  // the returned object's use (the CLI::App in main() does).
  static std::shared_ptr<ConfigFile> Attach(CLI::App& cmd, std::vector<std::string> required);

  // After parsing: loads the --config file into every option the command
  // line left unset, checks the required options, and handles
  // --print-config. Returns nullopt when the command should run with its
  // options as they now are; otherwise the exit code to return (kExitOk
  // after printing the configuration, kExitUsage after reporting an error as
  // "acta <command>: ..." on stderr).
  std::optional<int> Resolve(std::string_view command);

  // The pieces of Resolve, for tests. `source` names the text in errors
  // ("center.toml:12: unknown key 'foo'"). Errors: kInvalidArgument (bad
  // TOML, unknown key, wrong type, a value the option refuses, missing
  // required option), kIo (unreadable file).
  [[nodiscard]] Status Merge(std::string_view toml_text, std::string_view source);
  [[nodiscard]] Status CheckRequired() const;
  // The effective configuration: every configurable long option, in --help
  // order, with its help text as a comment.
  std::string EffectiveToml() const;

 private:
  ConfigFile(CLI::App& cmd, std::vector<std::string> required)
      : cmd_(cmd), required_(std::move(required)) {}

  CLI::App& cmd_;
  std::vector<std::string> required_;
  std::string path_;
  bool print_ = false;
};

}  // namespace acta::cli
