#include "cli/command.h"

#include <cstdio>

namespace acta::cli {

int ReportError(std::string_view command, const Error& error) {
  std::fprintf(stderr, "acta %.*s: %s: %s\n", static_cast<int>(command.size()), command.data(),
               std::string(ErrorCodeName(error.code)).c_str(), error.message.c_str());
  return kExitFailure;
}

}  // namespace acta::cli
