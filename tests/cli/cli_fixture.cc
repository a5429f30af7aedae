#include "tests/cli/cli_fixture.h"

#include <unistd.h>

#include <filesystem>

namespace acta::testing {

std::string CliTest::root_;
std::string CliTest::election_a_;
std::string CliTest::election_b_;
Manifest* CliTest::manifest_a_ = nullptr;
Manifest* CliTest::manifest_b_ = nullptr;

namespace {

Manifest* SynthElection(const std::string& dir, const std::string& seed) {
  RunResult r = RunActa({"election", "synth", "--tables", "300", "--seed", seed, "--out", dir},
                        std::filesystem::path(dir).parent_path().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto manifest = LoadManifest(dir);
  EXPECT_TRUE(manifest.has_value()) << manifest.error().ToString();
  return manifest ? new Manifest(std::move(*manifest)) : nullptr;
}

}  // namespace

void CliTest::SetUpTestSuite() {
  root_ = (std::filesystem::temp_directory_path() / ("acta-cli-test-" + std::to_string(::getpid())))
              .string();
  std::filesystem::remove_all(root_);
  std::filesystem::create_directories(root_);
  election_a_ = root_ + "/election-a";
  election_b_ = root_ + "/election-b";
  manifest_a_ = SynthElection(election_a_, "1");
  manifest_b_ = SynthElection(election_b_, "2");
}

void CliTest::TearDownTestSuite() {
  delete manifest_a_;
  delete manifest_b_;
  manifest_a_ = manifest_b_ = nullptr;
  std::filesystem::remove_all(root_);
}

void CliTest::SetUp() {
  ASSERT_NE(manifest_a_, nullptr) << "election synth failed in SetUpTestSuite";
  ASSERT_NE(manifest_b_, nullptr) << "election synth failed in SetUpTestSuite";
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  work_ = root_ + "/" + info->name();
  std::filesystem::remove_all(work_);
  std::filesystem::create_directories(work_);
}

void CliTest::TearDown() { std::filesystem::remove_all(work_); }

std::string CliTest::CountsJson(const Manifest& manifest, uint32_t base) {
  std::string json =
      "{\"ballots_cast\": " + std::to_string(BallotsCast(manifest, base)) + ", \"contests\": {";
  for (size_t c = 0; c < manifest.contests.size(); ++c) {
    const Contest& contest = manifest.contests[c];
    json += (c ? ", \"" : "\"") + contest.id + "\": {\"votes\": {";
    uint32_t sum = 0;
    for (size_t k = 0; k < contest.candidates.size(); ++k) {
      const uint32_t v = base + 10 * static_cast<uint32_t>(c) + static_cast<uint32_t>(k);
      sum += v;
      json += (k ? ", \"" : "\"") + contest.candidates[k].id + "\": " + std::to_string(v);
    }
    // blank + null make every contest add up to the same ballots cast.
    const uint32_t rest = BallotsCast(manifest, base) - sum;
    json += "}, \"blank\": " + std::to_string(rest - rest / 2) +
            ", \"null\": " + std::to_string(rest / 2) + "}";
  }
  return json + "}}\n";
}

uint32_t CliTest::BallotsCast(const Manifest& manifest, uint32_t base) {
  uint32_t most = 0;
  for (size_t c = 0; c < manifest.contests.size(); ++c) {
    uint32_t sum = 0;
    for (size_t k = 0; k < manifest.contests[c].candidates.size(); ++k) {
      sum += base + 10 * static_cast<uint32_t>(c) + static_cast<uint32_t>(k);
    }
    most = std::max(most, sum);
  }
  return most + 7;
}

std::string CliTest::ClosingTime(const Manifest& manifest) {
  return FormatUtcTimestamp((manifest.polls_close_not_before + manifest.polls_close_not_after) / 2);
}

std::string CliTest::SignActa(const std::string& dir, const Manifest& manifest, uint32_t table,
                              const std::string& name, uint32_t base) const {
  const std::string counts = work_ + "/" + name + ".json";
  WriteText(counts, CountsJson(manifest, base));
  const std::string out = work_ + "/" + name + ".bin";
  RunResult r = Acta({"sign", "--election", dir, "--table", std::to_string(table), "--counts",
                      counts, "--closing-time", ClosingTime(manifest), "--out", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

std::string CliTest::OneErrorLine(const RunResult& r, const std::string& prefix) {
  const std::vector<std::string> lines = r.ErrLines();
  EXPECT_EQ(lines.size(), 1u) << "stderr:\n" << r.err;
  if (lines.empty()) return "";
  EXPECT_TRUE(lines[0].starts_with(prefix)) << lines[0];
  return lines[0];
}

}  // namespace acta::testing
