// Command lines of the bench programs: "--name value" pairs and --help.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acta::bench {

struct BenchArgs {
  std::vector<std::pair<std::string, std::string>> options;  // in order
  // Set when the program should stop at once with this exit code: 0 after
  // --help printed `usage`, 2 when an option had no value.
  std::optional<int> exit_code;
};

inline int UsageError(const char* program, const std::string& why, const char* usage) {
  std::fprintf(stderr, "%s: %s\n%s", program, why.c_str(), usage);
  return 2;
}

inline BenchArgs ParseBenchArgs(int argc, char** argv, const char* program, const char* usage) {
  BenchArgs args;
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--help" || name == "-h") {
      std::fputs(usage, stdout);
      args.exit_code = 0;
      return args;
    }
    if (i + 1 >= argc) {
      args.exit_code = UsageError(program, name + " needs a value", usage);
      return args;
    }
    args.options.emplace_back(name, argv[i + 1]);
  }
  return args;
}

}  // namespace acta::bench
