#include "cli/config_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace acta::cli {
namespace {

// A stand-in service with every kind of option a real one has.
struct Service {
  CLI::App app{"test", "acta"};
  CLI::App* cmd = app.add_subcommand("svc", "a service");
  std::string election;
  std::vector<std::string> listen{"127.0.0.1:8443"};
  size_t batch = 256;
  double rate = 0.5;
  bool keep = false;
  std::shared_ptr<ConfigFile> config;

  Service() {
    cmd->add_option("--election", election, "Election directory");
    cmd->add_option("--listen", listen, "Addresses")->capture_default_str();
    cmd->add_option("--batch", batch, "Batch size")->check(CLI::Range(1, 1000));
    cmd->add_option("--rate", rate, "Rate");
    cmd->add_flag("--keep", keep, "Keep it");
    config = ConfigFile::Attach(*cmd, {"--election"});
  }
  void Parse(std::vector<std::string> args) {
    args.insert(args.begin(), "svc");
    std::reverse(args.begin(), args.end());
    app.parse(args);
  }
};

TEST(ConfigFileTest, FileSetsEveryKindOfOption) {
  Service s;
  s.Parse({});
  ASSERT_TRUE(s.config->Merge(R"(election = "/srv/el"
listen = ["0.0.0.0:1", "[::]:2"]
batch = 16
rate = 2.5
keep = true
)",
                              "svc.toml"));
  EXPECT_EQ(s.election, "/srv/el");
  EXPECT_EQ(s.listen, (std::vector<std::string>{"0.0.0.0:1", "[::]:2"}));
  EXPECT_EQ(s.batch, 16u);
  EXPECT_EQ(s.rate, 2.5);
  EXPECT_TRUE(s.keep);
  EXPECT_TRUE(s.config->CheckRequired());
}

TEST(ConfigFileTest, CommandLineOverridesTheFile) {
  Service s;
  s.Parse({"--batch", "8", "--listen", "127.0.0.1:9"});
  ASSERT_TRUE(s.config->Merge("batch = 16\nlisten = [\"0.0.0.0:1\"]\nelection = \"e\"\n", "f"));
  EXPECT_EQ(s.batch, 8u);
  EXPECT_EQ(s.listen, (std::vector<std::string>{"127.0.0.1:9"}));
  EXPECT_EQ(s.election, "e");
}

TEST(ConfigFileTest, UnknownKeyNamesKeyAndLine) {
  Service s;
  s.Parse({});
  auto st = s.config->Merge("batch = 16\n\n# comment\nbach = 3\nelection = \"e\"\n", "svc.toml");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message.find("svc.toml:4: unknown key 'bach'"), std::string::npos)
      << st.error().message;
}

TEST(ConfigFileTest, ConfigItselfAndHelpAreNotKeys) {
  for (const char* text : {"config = \"x.toml\"\n", "print-config = true\n", "help = true\n"}) {
    Service s;
    s.Parse({});
    auto st = s.config->Merge(text, "f");
    ASSERT_FALSE(st) << text;
    EXPECT_NE(st.error().message.find("f:1: unknown key"), std::string::npos) << st.error().message;
  }
}

TEST(ConfigFileTest, BadValuesNameKeyAndLine) {
  struct Case {
    const char* text;
    const char* expect;
  };
  for (const Case& c : {Case{"batch = 0\n", "f:1: 'batch': "},  // out of the option's range
                        Case{"\nbatch = \"many\"\n", "f:2: 'batch': "},
                        Case{"batch = [1, 2]\n", "f:1: 'batch' takes one value"},
                        Case{"keep = 1\n", "f:1: 'keep' is a switch"},
                        Case{"[svc]\nbatch = 1\n", "f:1: unknown key 'svc'"},
                        Case{"listen = [[\"a\"]]\n", "f:1: 'listen': arrays hold"},
                        Case{"batch = 1\nbatch = 2\n", "f:2: "},  // TOML: duplicate key
                        Case{"election = \"unterminated\n", "f:1: "}}) {
    Service s;
    s.Parse({});
    auto st = s.config->Merge(c.text, "f");
    ASSERT_FALSE(st) << c.text;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(st.error().message.rfind(c.expect, 0), 0u) << c.text << " -> " << st.error().message;
  }
}

TEST(ConfigFileTest, MissingRequiredOptionIsNamed) {
  Service s;
  s.Parse({});
  ASSERT_TRUE(s.config->Merge("batch = 2\n", "f"));
  auto st = s.config->CheckRequired();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("--election is required"), std::string::npos);
}

TEST(ConfigFileTest, PrintedConfigReadsBackToTheSameValues) {
  Service a;
  a.Parse({"--election", "/srv/a \"quoted\"", "--keep", "--rate", "0.25"});
  ASSERT_TRUE(a.config->Merge("listen = [\"0.0.0.0:1\", \"[::]:2\"]\n", "f"));
  const std::string printed = a.config->EffectiveToml();
  EXPECT_NE(printed.find("# Batch size\nbatch = 256\n"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("config ="), std::string::npos) << printed;

  Service b;
  b.Parse({});
  ASSERT_TRUE(b.config->Merge(printed, "printed")) << printed;
  EXPECT_EQ(b.election, a.election);
  EXPECT_EQ(b.listen, a.listen);
  EXPECT_EQ(b.batch, a.batch);
  EXPECT_EQ(b.rate, a.rate);
  EXPECT_EQ(b.keep, a.keep);
  EXPECT_EQ(b.config->EffectiveToml(), printed);
}

}  // namespace
}  // namespace acta::cli
