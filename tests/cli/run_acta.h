// Runs the real `acta` binary (ACTA_BINARY, set by tests/CMakeLists.txt) as a
// child process and captures what it prints, for the CLI tests.
#pragma once

#include <string>
#include <vector>

#include "core/bytes.h"

namespace acta::testing {

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal if it was killed
  std::string out;     // stdout
  std::string err;     // stderr

  // stderr split into lines (without the "\n").
  std::vector<std::string> ErrLines() const;
};

// Runs `acta args...` in `cwd` with stdin from /dev/null and stdout/stderr
// captured through files (no pipe can fill up and block it).
RunResult RunActa(const std::vector<std::string>& args, const std::string& cwd);

// Whole-file helpers that fail the current test on I/O errors.
std::string ReadText(const std::string& path);
void WriteText(const std::string& path, const std::string& text);

}  // namespace acta::testing
