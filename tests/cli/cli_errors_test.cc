// Error paths of the `acta` binary: every failure is exit 1 (or 2 for a bad
// command line) with exactly one line on stderr naming the reason, never a
// stack trace and never a partial result on stdout.
#include <filesystem>
#include <limits>

#include "core/acta.h"
#include "core/file.h"
#include "tests/cli/cli_fixture.h"

namespace acta::testing {
namespace {

class CliErrorsTest : public CliTest {
 protected:
  static uint32_t Table(const Manifest& m) {
    for (const TableRecord& t : m.tables) {
      if (t.registered >= BallotsCast(m)) return t.id;
    }
    return m.tables.front().id;
  }

  std::string FlipByte(const std::string& path, size_t offset, const std::string& name) const {
    std::string bytes = ReadText(path);
    EXPECT_LT(offset, bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
    const std::string out = work_ + "/" + name;
    WriteText(out, bytes);
    return out;
  }
};

TEST_F(CliErrorsTest, TamperedActaIsRejectedWithTheReason) {
  const std::string good = SignActa(election_a_, *manifest_a_, Table(*manifest_a_), "good");
  ASSERT_EQ(Acta({"inspect", good, "--election", election_a_}).exit_code, 0);
  const size_t size = ReadText(good).size();

  // A flipped bit in the signature, in a count, in the version byte, and in
  // the table id: each is caught and named.
  struct Case {
    size_t offset;
    std::string expected_prefix;
  };
  const Case cases[] = {
      {size - 1, "acta inspect: bad_signature: "},
      {size - kSignatureSize - 1, "acta inspect: bad_signature: "},  // the last null count
      {0, "acta inspect: unsupported_version: "},
      {kActaElectionIdOffset, "acta inspect: wrong_election: "},
  };
  for (const Case& c : cases) {
    const std::string bad = FlipByte(good, c.offset, "bad-" + std::to_string(c.offset) + ".bin");
    RunResult r = Acta({"inspect", bad, "--election", election_a_});
    EXPECT_EQ(r.exit_code, 1) << "offset " << c.offset;
    OneErrorLine(r, c.expected_prefix);
    EXPECT_EQ(r.out, "") << "offset " << c.offset;
  }

  // Truncated: a decode error naming the file.
  const std::string truncated = work_ + "/truncated.bin";
  WriteText(truncated, ReadText(good).substr(0, size - 1));
  RunResult r = Acta({"inspect", truncated, "--election", election_a_});
  EXPECT_EQ(r.exit_code, 1);
  const std::string line = OneErrorLine(r, "acta inspect: ");
  EXPECT_NE(line.find(truncated), std::string::npos) << line;
}

TEST_F(CliErrorsTest, ActaOfAnotherElectionIsWrongElection) {
  const std::string other = SignActa(election_b_, *manifest_b_, Table(*manifest_b_), "other");
  ASSERT_EQ(Acta({"inspect", other, "--election", election_b_}).exit_code, 0);
  RunResult r = Acta({"inspect", other, "--election", election_a_});
  EXPECT_EQ(r.exit_code, 1);
  const std::string line = OneErrorLine(r, "acta inspect: wrong_election: ");
  EXPECT_NE(line.find(HexEncode(manifest_b_->election_id).substr(0, 16)), std::string::npos)
      << line;
}

TEST_F(CliErrorsTest, UnknownTable) {
  const uint32_t missing = std::numeric_limits<uint32_t>::max();
  ASSERT_EQ(manifest_a_->FindTable(missing), nullptr);
  const std::string counts = work_ + "/counts.json";
  WriteText(counts, CountsJson(*manifest_a_));
  RunResult sign = Acta({"sign", "--election", election_a_, "--table", std::to_string(missing),
                         "--counts", counts, "--closing-time", ClosingTime(*manifest_a_)});
  EXPECT_EQ(sign.exit_code, 1);
  OneErrorLine(sign, "acta sign: unknown_table: ");
  EXPECT_EQ(sign.out, "");

  // An acta for a table the manifest lacks, signed by some key: inspect
  // names the table before it looks at any signature.
  Seed seed;
  seed.fill(0x33);
  ActaBody b;
  b.election_id = manifest_a_->election_id;
  b.table_id = missing;
  b.closing_time = manifest_a_->polls_close_not_before;
  b.ballots_cast = 1;
  for (const Contest& c : manifest_a_->contests) {
    ContestCounts counts_of_contest;
    counts_of_contest.candidates.assign(c.candidates.size(), 0);
    counts_of_contest.blank = 1;
    b.contests.push_back(counts_of_contest);
  }
  auto acta = acta::SignActa(b, SigningKey::FromSeed(seed));
  ASSERT_TRUE(acta.has_value());
  const std::string path = work_ + "/unknown-table.bin";
  ASSERT_TRUE(WriteFileAtomic(path, acta->bytes).has_value());
  RunResult inspect = Acta({"inspect", path, "--election", election_a_});
  EXPECT_EQ(inspect.exit_code, 1);
  const std::string line = OneErrorLine(inspect, "acta inspect: unknown_table: ");
  EXPECT_NE(line.find(std::to_string(missing)), std::string::npos) << line;
}

TEST_F(CliErrorsTest, BadCountsFileNamesTheJsonPath) {
  const Manifest& m = *manifest_a_;
  const Contest& first = m.contests[0];
  const std::string last_candidate = first.candidates.back().id;
  const std::string good = CountsJson(m);
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  const std::string last_vote = "\"" + last_candidate + "\": ";
  const size_t value_at = good.find(last_vote) + last_vote.size();
  const std::string last_value = good.substr(value_at, good.find('}', value_at) - value_at);

  struct Case {
    std::string name;
    std::string json;
    std::string expected;  // the message after "acta sign: malformed: <file>: "
  };
  const std::vector<Case> cases = {
      {"missing-candidate", replace(", " + last_vote + last_value, ""),
       "contests." + first.id + ".votes." + last_candidate + ": missing"},
      {"unknown-top-field", replace("{\"ballots_cast\"", "{\"extra\": 1, \"ballots_cast\""),
       "counts file: unknown field \"extra\""},
      {"unknown-contest-field", replace("\"blank\"", "\"spoiled\": 1, \"blank\""),
       "contests." + first.id + ": unknown field \"spoiled\""},
      {"unknown-candidate", replace("\"votes\": {", "\"votes\": {\"zz\": 1, "),
       "contests." + first.id + ".votes.zz: not a candidate of this contest"},
      {"negative-count", replace(last_vote + last_value, last_vote + "-1"),
       "contests." + first.id + ".votes." + last_candidate +
           ": must be an integer in 0..4294967295"},
  };
  for (const Case& c : cases) {
    const std::string counts = work_ + "/" + c.name + ".json";
    WriteText(counts, c.json);
    const std::string out = work_ + "/" + c.name + ".bin";
    RunResult r = Acta({"sign", "--election", election_a_, "--table", std::to_string(Table(m)),
                        "--counts", counts, "--closing-time", ClosingTime(m), "--out", out});
    EXPECT_EQ(r.exit_code, 1) << c.name;
    const std::string line = OneErrorLine(r, "acta sign: malformed: " + counts + ": ");
    EXPECT_TRUE(line.ends_with(c.expected)) << c.name << ": " << line;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.name;
    EXPECT_EQ(r.out, "") << c.name;
  }

  // Not JSON at all.
  const std::string garbage = work_ + "/garbage.json";
  WriteText(garbage, "{\"ballots_cast\": 1,");
  RunResult r = Acta({"sign", "--election", election_a_, "--table", std::to_string(Table(m)),
                      "--counts", garbage, "--closing-time", ClosingTime(m)});
  EXPECT_EQ(r.exit_code, 1);
  OneErrorLine(r, "acta sign: malformed: " + garbage + ": ");
}

TEST_F(CliErrorsTest, BadCommandLineExitsTwoWithOneLine) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"frobnicate"},
      {"sign", "--election", election_a_},                               // missing options
      {"keygen", "--name", "k", "--out", work_ + "/k.key", "--bogus"},   // unknown option
      {"election", "synth", "--tables", "many", "--out", work_ + "/e"},  // not a number
      {"inspect"},                                                       // missing positional
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    RunResult r = Acta(args);
    EXPECT_EQ(r.exit_code, 2) << "acta" << joined << "\n" << r.err;
    OneErrorLine(r, "acta: ");
    EXPECT_EQ(r.out, "") << "acta" << joined;
  }
  EXPECT_FALSE(std::filesystem::exists(work_ + "/k.key"));
  EXPECT_FALSE(std::filesystem::exists(work_ + "/e"));
}

TEST_F(CliErrorsTest, MissingElectionDirectory) {
  const std::string good = SignActa(election_a_, *manifest_a_, Table(*manifest_a_), "good");
  RunResult r = Acta({"inspect", good, "--election", work_ + "/no-such-election"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string line = OneErrorLine(r, "acta inspect: ");
  EXPECT_NE(line.find("no-such-election"), std::string::npos) << line;
}

}  // namespace
}  // namespace acta::testing
