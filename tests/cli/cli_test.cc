// The `acta` binary end to end, run as a user runs it: help texts, the
// synth -> sign -> inspect round trip, election init from the CSV example,
// and keygen. Error paths are in cli_errors_test.cc.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/acta.h"
#include "core/cosigner_keys.h"
#include "core/keys.h"
#include "tests/cli/cli_fixture.h"

namespace acta::testing {
namespace {

// The options the help of each command of this module (and the center's
// limits) must mention. Other commands (verify, demo...) are checked by the generic test below
// and by their own modules' tests.
const std::map<std::string, std::vector<std::string>>& CommandOptions() {
  static const std::map<std::string, std::vector<std::string>> kOptions = {
      {"", {"--help", "--version", "election", "keygen", "sign", "inspect", "print"}},
      {"election", {"--help", "synth", "init", "cosign"}},
      {"election cosign", {"--election", "--key", "--fingerprint"}},
      {"election synth",
       {"--tables", "--seed", "--out", "--name", "--centers", "--anomalies", "--threads",
        "--polls-close-from", "--polls-close-to", "--witnesses", "--witness-quorum"}},
      {"election init", {"--from", "--out"}},
      {"keygen", {"--name", "--out", "--public-out", "--token", "--pin-file", "pkcs11:"}},
      {"sign",
       {"--election", "--table", "--counts", "--key", "--out", "--closing-time", "--correction",
        "--sheet", "--paper"}},
      {"inspect", {"acta", "--election", "--json", "JPEG", "--trust"}},
      {"print", {"acta", "--election", "--out", "--paper", "--dpi", ".pdf", ".png"}},
      {"witness", {"--key", "--state", "--election", "--log", "--listen", "--config", "keygen"}},
      {"witness keygen", {"--name", "--out", "--public-out", "--token", "--pin-file", "0x04"}},
      {"compare",
       {"--photos", "--actas", "--center", "--csv", "--json", "--threads", "--authority",
        "--election-id", "--ca-file"}},
      {"verify", {"--require-witnesses", "--all-witnesses"}},
      // Every limit of the center is an option with its default shown.
      {"center",
       {"--election",
        "--db",
        "postgres://",
        "--key",
        "--ingest-listen",
        "--public-listen",
        "--verify-workers",
        "--verify-terminal-queue",
        "--verify-public-queue",
        "--table-terminal-rate",
        "--table-terminal-burst",
        "--table-public-rate",
        "--table-public-burst",
        "--public-rate",
        "--public-burst",
        "--public-network-rate",
        "--public-network-burst",
        "--public-networks",
        "--commit-queue",
        "--commit-batch",
        "--max-connections",
        "--max-connections-per-network",
        "--max-header-bytes",
        "--max-body-bytes",
        "--header-timeout-ms",
        "--body-timeout-ms",
        "--idle-timeout-ms",
        "--witness-url",
        "--no-witnesses"}},
  };
  return kOptions;
}

std::vector<std::string> Split(const std::string& command) {
  std::vector<std::string> words;
  std::istringstream in(command);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// The subcommands a CLI11 help text lists: after "Subcommands:", entries
// start with exactly two spaces; deeper-indented lines continue a
// description.
std::vector<std::string> ListedSubcommands(const std::string& help) {
  std::vector<std::string> subs;
  const size_t at = help.find("Subcommands:");
  if (at == std::string::npos) return subs;
  std::istringstream in(help.substr(at));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && !line.empty()) {
    if (line.starts_with("  ") && line.size() > 2 && line[2] != ' ') {
      subs.push_back(Split(line)[0]);
    }
  }
  return subs;
}

TEST_F(CliTest, HelpOfEveryCommandExitsZeroAndMentionsEachOption) {
  for (const auto& [command, options] : CommandOptions()) {
    std::vector<std::string> args = Split(command);
    args.push_back("--help");
    RunResult r = Acta(args);
    EXPECT_EQ(r.exit_code, 0) << "acta " << command << " --help\n" << r.err;
    EXPECT_EQ(r.err, "") << command;
    for (const std::string& option : options) {
      EXPECT_NE(r.out.find(option), std::string::npos)
          << "acta " << command << " --help does not mention " << option << ":\n"
          << r.out;
    }
  }
}

TEST_F(CliTest, EveryListedCommandHasAHelp) {
  // Walks the command tree from the top-level help.
  std::vector<std::string> queue = {""};
  std::set<std::string> seen;
  while (!queue.empty()) {
    const std::string command = queue.back();
    queue.pop_back();
    std::vector<std::string> args = Split(command);
    args.push_back("--help");
    RunResult r = Acta(args);
    EXPECT_EQ(r.exit_code, 0) << "acta " << command << " --help\n" << r.err;
    EXPECT_EQ(r.err, "") << "acta " << command << " --help";
    EXPECT_NE(r.out.find("Usage: "), std::string::npos) << "acta " << command << " --help";
    seen.insert(command);
    for (const std::string& sub : ListedSubcommands(r.out)) {
      queue.push_back(command.empty() ? sub : command + " " + sub);
    }
  }
  for (const auto& [command, options] : CommandOptions()) {
    EXPECT_TRUE(seen.contains(command)) << "not listed in any help: acta " << command;
  }
}

TEST_F(CliTest, SynthSignInspectRoundTrip) {
  const std::string dir = work_ + "/election";
  RunResult synth = Acta({"election", "synth", "--tables", "300", "--seed", "9", "--out", dir});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  EXPECT_NE(synth.out.find("wrote " + dir), std::string::npos) << synth.out;
  EXPECT_NE(synth.out.find("tables             300"), std::string::npos) << synth.out;
  auto manifest = LoadManifest(dir);
  ASSERT_TRUE(manifest.has_value()) << manifest.error().ToString();
  ASSERT_EQ(manifest->tables.size(), 300u);
  EXPECT_NE(synth.out.find(HexEncode(manifest->election_id)), std::string::npos) << synth.out;

  const TableRecord& table = manifest->tables[7];
  ASSERT_GE(table.registered, BallotsCast(*manifest));
  const std::string counts = work_ + "/counts.json";
  WriteText(counts, CountsJson(*manifest));
  RunResult sign = Acta({"sign", "--election", dir, "--table", std::to_string(table.id), "--counts",
                         counts, "--closing-time", ClosingTime(*manifest)});
  ASSERT_EQ(sign.exit_code, 0) << sign.err;
  const std::string acta_path = work_ + "/acta-" + std::to_string(table.id) + ".bin";
  ASSERT_TRUE(std::filesystem::exists(acta_path));
  // stdout is the QR text of the acta written.
  auto acta = DecodeActa(AsBytes(ReadText(acta_path)));
  ASSERT_TRUE(acta.has_value()) << acta.error().ToString();
  EXPECT_EQ(sign.out, ActaToText(*acta) + "\n");
  EXPECT_EQ(acta->body.table_id, table.id);
  EXPECT_EQ(acta->body.election_id, manifest->election_id);
  EXPECT_EQ(acta->body.ballots_cast, BallotsCast(*manifest));

  RunResult inspect = Acta({"inspect", acta_path, "--election", dir});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.err, "");
  EXPECT_NE(inspect.out.find("acta of table " + std::to_string(table.id)), std::string::npos);
  EXPECT_NE(inspect.out.find("signature      valid"), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("ballots cast   " + std::to_string(BallotsCast(*manifest)) + " of " +
                             std::to_string(table.registered) + " registered"),
            std::string::npos)
      << inspect.out;
  for (size_t c = 0; c < manifest->contests.size(); ++c) {
    for (size_t k = 0; k < manifest->contests[c].candidates.size(); ++k) {
      const std::string& name = manifest->contests[c].candidates[k].name;
      const size_t at = inspect.out.find(name);
      ASSERT_NE(at, std::string::npos) << name;
      const std::string line = inspect.out.substr(at, inspect.out.find('\n', at) - at);
      EXPECT_TRUE(line.ends_with(" " + std::to_string(acta->body.contests[c].candidates[k])))
          << line;
    }
  }

  // --json prints the counts file back, number for number.
  RunResult json = Acta({"inspect", acta_path, "--election", dir, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out), nlohmann::json::parse(ReadText(counts)));

  // The QR text given on the command line is the same acta.
  RunResult text = Acta({"inspect", ActaToText(*acta), "--election", dir});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, inspect.out);
}

TEST_F(CliTest, ElectionInitFromExample) {
  const std::string example = std::string(ACTA_SOURCE_DIR) + "/examples/election";
  ASSERT_TRUE(std::filesystem::exists(example + "/tables.csv")) << "missing " << example;
  const std::string dir = work_ + "/example";
  RunResult r = Acta({"election", "init", "--from", example, "--out", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto manifest = LoadManifest(dir);
  ASSERT_TRUE(manifest.has_value()) << manifest.error().ToString();
  // One table per data row of tables.csv.
  const std::string csv = ReadText(example + "/tables.csv");
  const size_t rows = static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;
  EXPECT_EQ(manifest->tables.size(), rows);
  EXPECT_NE(r.out.find(HexEncode(manifest->election_id)), std::string::npos) << r.out;
  for (const char* f : {"secrets/authority.key", "secrets/center.key", "secrets/transport.key"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  }
  // Its tables can sign and inspect.
  const std::string acta = SignActa(dir, *manifest, manifest->tables[0].id, "example-acta");
  RunResult inspect = Acta({"inspect", acta, "--election", dir});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;

  // Never over an existing election.
  RunResult again = Acta({"election", "init", "--from", example, "--out", dir});
  EXPECT_EQ(again.exit_code, 1);
  OneErrorLine(again, "acta election init: already_exists: ");
}

TEST_F(CliTest, WitnessKeygenWritesACosignatureKey) {
  const std::string key_path = work_ + "/w.key";
  RunResult r =
      Acta({"witness", "keygen", "--name", "witness.party-a.example/1", "--out", key_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A type-0x04 key: loads as a witness key, never as a center key.
  auto key = LoadCosignerKeyFile(key_path);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  EXPECT_EQ(r.out, key->verifier().ToString() + "\n");
  EXPECT_TRUE(CosignerKey::Parse(r.out).has_value());
  EXPECT_FALSE(LoadSigningKeyFile(key_path).has_value());
  // `acta witness` refuses a center (0x01) key.
  ASSERT_EQ(Acta({"keygen", "--name", "c", "--out", work_ + "/c.key"}).exit_code, 0);
  auto center = LoadSigningKeyFile(work_ + "/c.key");
  ASSERT_TRUE(center.has_value());
  RunResult wrong = Acta({"witness", "--key", work_ + "/c.key", "--state", work_ + "/w.db", "--log",
                          "acta/x=" + center->verifier().ToString()});
  EXPECT_EQ(wrong.exit_code, 1);
  OneErrorLine(wrong, "acta witness: malformed: ");
}

TEST_F(CliTest, KeygenWritesA0600KeyAndRefusesToOverwrite) {
  const std::string key_path = work_ + "/center.key";
  const std::string pub_path = work_ + "/center.pub";
  RunResult r = Acta({"keygen", "--name", "center-1", "--out", key_path, "--public-out", pub_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto key = LoadSigningKeyFile(key_path);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  EXPECT_EQ(key->name, "center-1");
  EXPECT_EQ(r.out, key->verifier().ToString() + "\n");
  EXPECT_EQ(ReadText(pub_path), key->verifier().ToString() + "\n");

  const std::string before = ReadText(key_path);
  RunResult again = Acta({"keygen", "--name", "center-2", "--out", key_path});
  EXPECT_EQ(again.exit_code, 1);
  const std::string line = OneErrorLine(again, "acta keygen: already_exists: ");
  EXPECT_NE(line.find(key_path), std::string::npos) << line;
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(ReadText(key_path), before);

  RunResult bad_name = Acta({"keygen", "--name", "a+b", "--out", work_ + "/other.key"});
  EXPECT_EQ(bad_name.exit_code, 1);
  OneErrorLine(bad_name, "acta keygen: invalid_argument: --name");
  EXPECT_FALSE(std::filesystem::exists(work_ + "/other.key"));

  // A key file or a token key (tests/token/center_vkey_test.sh), exactly one.
  const std::vector<std::vector<std::string>> bad = {
      {"keygen", "--name", "k"},
      {"keygen", "--name", "k", "--out", work_ + "/k.key", "--token", "pkcs11:object=k"},
      {"keygen", "--name", "k", "--out", work_ + "/k.key", "--pin-file", work_ + "/pin"},
      {"keygen", "--name", "k", "--token", work_ + "/k.key"},
  };
  for (const auto& args : bad) {
    RunResult r = Acta(args);
    EXPECT_EQ(r.exit_code, 1) << args.back();
    OneErrorLine(r, "acta keygen: invalid_argument: ");
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(std::filesystem::exists(work_ + "/k.key"));
}

}  // namespace
}  // namespace acta::testing
