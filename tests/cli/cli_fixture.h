// The fixture the CLI tests share: two synthetic elections made once per test
// binary with the real `acta election synth` (300 tables, seeds 1 and 2), a
// fresh working directory per test, and helpers to write counts files and
// sign actas with the real `acta sign`.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/manifest.h"
#include "tests/cli/run_acta.h"

namespace acta::testing {

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // Runs acta in this test's working directory.
  RunResult Acta(const std::vector<std::string>& args) const { return RunActa(args, work_); }

  // A counts file for `manifest` that adds up: each candidate k of contest c
  // gets base + 10*c + k votes, blank and null get 3 and 4.
  static std::string CountsJson(const Manifest& manifest, uint32_t base = 20);
  static uint32_t BallotsCast(const Manifest& manifest, uint32_t base = 20);

  // A closing time inside the polls-close window of `manifest`.
  static std::string ClosingTime(const Manifest& manifest);

  // Signs an acta for `table` of election `dir` with CountsJson(base) and
  // returns the path of the binary acta (in the working directory).
  std::string SignActa(const std::string& dir, const Manifest& manifest, uint32_t table,
                       const std::string& name, uint32_t base = 20) const;

  // Expects exactly one line on stderr, starting with `prefix`, and returns it.
  static std::string OneErrorLine(const RunResult& r, const std::string& prefix);

  static std::string root_;        // holds both elections
  static std::string election_a_;  // synth --seed 1
  static std::string election_b_;  // synth --seed 2
  static Manifest* manifest_a_;
  static Manifest* manifest_b_;
  std::string work_;  // this test's empty working directory
};

}  // namespace acta::testing
