// The TOML configuration files of `acta center|witness|mirror --config`
// (cli/config_file.h) on arbitrary bytes, merged into a command with the
// kinds of options the services have (text, repeatable text, a switch, a
// number with a range). Whatever the text, Merge returns (never throws) and
// its errors are kInvalidArgument; what it accepts prints as TOML that a
// fresh command merges again.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config_file.h"
#include "fuzz/fuzz_support.h"

namespace {

struct Command {
  CLI::App app{"fuzz"};
  CLI::App* cmd = nullptr;
  std::string state;
  std::vector<std::string> listen{"127.0.0.1:0"};
  bool keep = false;
  int threads = 2;
  double interval = 1.0;
  std::shared_ptr<acta::cli::ConfigFile> config;

  Command() {
    cmd = app.add_subcommand("service", "a service with every kind of option");
    cmd->add_option("--state", state, "a file");
    cmd->add_option("--listen", listen, "addresses")->capture_default_str();
    cmd->add_flag("--keep", keep, "a switch");
    cmd->add_option("--threads", threads, "a bounded number")->check(CLI::Range(1, 64));
    cmd->add_option("--interval", interval, "seconds")->check(CLI::Range(0.05, 3600.0));
    config = acta::cli::ConfigFile::Attach(*cmd, {"--state"});
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace acta;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Command first;
  auto merged = first.config->Merge(input, "fuzz.toml");
  if (!merged) {
    ACTA_FUZZ_CHECK(merged.error().code == ErrorCode::kInvalidArgument,
                    "config errors are kInvalidArgument");
    return 0;
  }
  Command second;
  auto again = second.config->Merge(first.config->EffectiveToml(), "effective.toml");
  ACTA_FUZZ_CHECK(again.has_value(), "the effective configuration merges again");
  ACTA_FUZZ_CHECK(second.state == first.state && second.listen == first.listen &&
                      second.keep == first.keep && second.threads == first.threads,
                  "the effective configuration gives the same options");
  return 0;
}
