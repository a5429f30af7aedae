// Unit tests of the verifier's pieces; the end-to-end scenarios against a
// real center are in tests/dishonest/.
#include <gtest/gtest.h>

#include <filesystem>

#include "verify/files.h"
#include "verify/json_diff.h"
#include "verify/report.h"
#include "verify/state.h"
#include "verify/verifier.h"

namespace acta::verify {
namespace {

TEST(JsonDiffTest, EqualValuesHaveNoDifference) {
  EXPECT_FALSE(FirstJsonDifference(R"({"a":1,"b":[1,2]})", R"({"b":[1,2],"a":1})"));
}

TEST(JsonDiffTest, NamesArrayElementsByCodeAndId) {
  const char* expected = R"({"regions":[{"code":"VE","contests":[{"id":"pres","votes":[5,6]}]},
                                        {"code":"VE-01","contests":[{"id":"pres","votes":[1,2]}]}]})";
  const char* published = R"({"regions":[{"code":"VE","contests":[{"id":"pres","votes":[5,6]}]},
                                         {"code":"VE-01","contests":[{"id":"pres","votes":[1,9]}]}]})";
  auto d = FirstJsonDifference(published, expected);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "regions[VE-01].contests[pres].votes[1]");
  EXPECT_EQ(d->published, "9");
  EXPECT_EQ(d->expected, "2");
}

TEST(JsonDiffTest, MissingKeysLengthsAndGarbage) {
  auto d = FirstJsonDifference(R"({"a":1})", R"({"a":1,"b":2})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "b");
  EXPECT_EQ(d->published, "(absent)");
  d = FirstJsonDifference(R"({"flags":[{"table":3}]})", R"({"flags":[{"table":3},{"table":4}]})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "flags.length");
  d = FirstJsonDifference("{not json", "{}");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->published, "(not valid JSON)");
}

TEST(VerifierStateTest, RoundTripAndRefusesASecondRoot) {
  VerifierState s;
  s.origin = "acta/00";
  Hash256 r1{}, r2{};
  r2[0] = 1;
  ASSERT_TRUE(s.Remember({20, r1, "note20\n"}));
  ASSERT_TRUE(s.Remember({10, r1, "note10\n"}));
  ASSERT_TRUE(s.Remember({20, r1, "again\n"}));  // same root: fine, kept once
  auto conflict = s.Remember({20, r2, "other\n"});
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  auto parsed = ParseVerifierState(SerializeVerifierState(s));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  ASSERT_EQ(parsed->checkpoints.size(), 2u);
  EXPECT_EQ(parsed->checkpoints[0].size, 10u);
  EXPECT_EQ(parsed->checkpoints[1], (RememberedCheckpoint{20, r1, "note20\n"}));
  EXPECT_EQ(ParseVerifierState("{}").error().code, ErrorCode::kMalformed);
  EXPECT_EQ(ParseVerifierState(
                R"({"format":"acta-verify-state-v1","origin":"x","checkpoints":[{"size":1}]})")
                .error()
                .code,
            ErrorCode::kMalformed);
  // Sizes that are not a whole number below 2^64 (the first parses as a
  // double: converting it was undefined behaviour, found by fuzzing).
  const std::string root(64, 'a');
  for (const char* size : {"746666666666666666666666666666666666666", "-1", "1.5", "\"1\""}) {
    auto bad = ParseVerifierState(
        std::string(R"({"format":"acta-verify-state-v1","origin":"x","checkpoints":[{"size":)") +
        size + R"(,"root":")" + root + R"(","note":"n\n"}]})");
    ASSERT_FALSE(bad) << size;
    EXPECT_EQ(bad.error().code, ErrorCode::kMalformed) << size;
    EXPECT_NE(bad.error().message.find("size"), std::string::npos) << bad.error().message;
  }
}

TEST(FilesTest, ChecksumsFindChangedAndMissingFiles) {
  MemoryFiles files;
  ASSERT_TRUE(files.Write("a", AsBytes("one")));
  ASSERT_TRUE(files.Write("dir/b", AsBytes("two")));
  ASSERT_TRUE(WriteChecksums(files));
  EXPECT_TRUE(CheckChecksums(files).value().empty());
  ASSERT_TRUE(files.Write("a", AsBytes("uno")));
  ASSERT_TRUE(files.Remove("dir/b"));
  EXPECT_EQ(CheckChecksums(files).value(), (std::vector<std::string>{"a", "dir/b"}));
  EXPECT_EQ(ParseChecksums("zz  a\n").error().code, ErrorCode::kMalformed);
}

TEST(FilesTest, DirectoryRefusesPathsOutsideTheDump) {
  const auto root = std::filesystem::temp_directory_path() / "acta-verify-files-test";
  std::filesystem::remove_all(root);
  DirectoryFiles files(root.string());
  for (const char* bad : {"../x", "/etc/passwd", "a//b", "a/./b", ""}) {
    auto st = files.Write(bad, AsBytes("x"));
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  ASSERT_TRUE(files.Write("tile/entries/000.p/5", AsBytes("x")));
  EXPECT_EQ(files.List(), (std::vector<std::string>{"tile/entries/000.p/5"}));
  EXPECT_EQ(files.Read("missing").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(files.Remove("tile/entries/000.p/5"));
  EXPECT_FALSE(std::filesystem::exists(root / "tile/entries/000.p"));
  std::filesystem::remove_all(root);
}

TEST(FilesTest, ListsOneFolderWithoutTheRest) {
  const auto root = std::filesystem::temp_directory_path() /
                    ("acta-verify-list-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  DirectoryFiles disk(root.string());
  MemoryFiles memory;
  for (Files* files : std::initializer_list<Files*>{&disk, &memory}) {
    for (const char* path : {"tile/entries/000", "tile/entries/001.p/3", "tile/entries/001.p/30",
                             "tile/entries/001.pp", "tile/entries/002.p/1", "manifest.json"})
      ASSERT_TRUE(files->Write(path, AsBytes("x"))) << path;
    EXPECT_EQ(files->List("tile/entries/001.p/"),
              (std::vector<std::string>{"tile/entries/001.p/3", "tile/entries/001.p/30"}));
    EXPECT_EQ(files->List("tile/entries/"),
              (std::vector<std::string>{"tile/entries/000", "tile/entries/001.p/3",
                                        "tile/entries/001.p/30", "tile/entries/001.pp",
                                        "tile/entries/002.p/1"}));
    EXPECT_TRUE(files->List("tile/entries/009.p/").empty());
    EXPECT_EQ(files->List().size(), 6u);
  }
  EXPECT_TRUE(disk.List("../").empty());
  std::filesystem::remove_all(root);
}

TEST(VerifierTest, EmptyInputReportsTheMissingManifestAndStops) {
  MemoryFiles files;
  Report r = VerifyFiles(files);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::kMissingFile);
  EXPECT_EQ(r.problems[0].where, "manifest.json");
  EXPECT_FALSE(UpdatedState({}, r));
}

TEST(ReportTest, FormatsProblemsAndCapsThem) {
  Report r;
  for (int i = 0; i < 1005; ++i)
    r.Add({ProblemKind::kEntry, "bad", static_cast<uint64_t>(i), 7, {}, {}, {}});
  EXPECT_EQ(r.problems.size(), Report::kMaxProblems);
  EXPECT_EQ(r.problems_total, 1005u);
  EXPECT_EQ(FormatProblem(r.problems[3]), "entry: [entry 3] [table 7] bad");
  EXPECT_NE(FormatReport(r, 2).find("... and 1003 more"), std::string::npos);
  EXPECT_TRUE(r.Has(ProblemKind::kEntry, 3, 7));
  EXPECT_FALSE(r.Has(ProblemKind::kEntry, 3, 8));
}

}  // namespace
}  // namespace acta::verify
