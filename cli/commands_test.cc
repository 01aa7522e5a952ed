#include "cli/commands.h"

#include <set>

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

const Command* find(std::vector<std::string> words, std::size_t expect_consumed) {
  std::size_t consumed = 0;
  const Command* c = find_command(words, consumed);
  if (c != nullptr) {
    EXPECT_EQ(consumed, expect_consumed);
  }
  return c;
}

std::string name_of(std::vector<std::string> words, std::size_t expect_consumed) {
  const Command* c = find(std::move(words), expect_consumed);
  return c == nullptr ? "none" : c->spec.name;
}

TEST(CommandsTest, FindsCommandsAndAliases) {
  EXPECT_EQ(name_of({"pub", "foo"}, 1), "pub");
  EXPECT_EQ(name_of({"publish", "foo"}, 1), "pub");
  EXPECT_EQ(name_of({"sub"}, 1), "sub");
  EXPECT_EQ(name_of({"subscribe"}, 1), "sub");
  EXPECT_EQ(name_of({"req"}, 1), "req");
  EXPECT_EQ(name_of({"request"}, 1), "req");
  EXPECT_EQ(name_of({"reply"}, 1), "reply");
  EXPECT_EQ(name_of({"bench", "x"}, 1), "bench");
  EXPECT_EQ(name_of({"server", "ping", "-c", "3"}, 2), "server ping");
  EXPECT_EQ(name_of({"server", "info"}, 2), "server info");
}

TEST(CommandsTest, UnknownWordsFindNothing) {
  EXPECT_EQ(name_of({"server"}, 0), "none");
  EXPECT_EQ(name_of({"server", "pong"}, 0), "none");
  EXPECT_EQ(name_of({"stream"}, 0), "none");
  EXPECT_EQ(name_of({"ping"}, 0), "none");
}

TEST(CommandsTest, EveryCommandHasUniqueFlagsIncludingConnectionFlags) {
  for (const Command& c : all_commands()) {
    const CommandSpec spec = full_spec(c);
    std::set<std::string> names;
    std::set<char> shorts{'h'};
    for (const FlagSpec& f : spec.flags) {
      EXPECT_TRUE(names.insert(f.name).second) << c.spec.name << ": --" << f.name;
      if (f.short_name != 0) {
        EXPECT_TRUE(shorts.insert(f.short_name).second) << c.spec.name << ": -" << f.short_name;
      }
    }
    EXPECT_TRUE(names.count("server")) << c.spec.name;
    EXPECT_TRUE(names.count("timeout")) << c.spec.name;
    EXPECT_FALSE(c.spec.summary.empty());
    EXPECT_TRUE(c.run);
  }
}

TEST(CommandsTest, PubParsesNatscliStyleInvocation) {
  const Command* pub = find({"pub"}, 1);
  ASSERT_NE(pub, nullptr);
  const std::vector<std::string> argv = {
      "orders.new", "Message {{Count}}", "--count",      "10", "-H", "a:1", "-H",
      "b:2",        "--server",          "nats://h:4222"};
  const ParsedArgs a = parse_args(full_spec(*pub), argv);
  EXPECT_EQ(a.arg("subject"), "orders.new");
  EXPECT_EQ(a.arg("body"), "Message {{Count}}");
  EXPECT_EQ(a.count("count", 1), 10u);
  EXPECT_EQ(a.values("header"), (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(a.value("server"), "nats://h:4222");
}

TEST(CommandsTest, BenchParsesNatscliStyleInvocation) {
  const Command* bench = find({"bench"}, 1);
  ASSERT_NE(bench, nullptr);
  const std::vector<std::string> argv = {"foo",    "--pub",  "2",         "--sub",        "3",
                                         "--msgs", "1000",   "--size",    "1KiB",         "--queue",
                                         "q",      "--json", "--request", "--no-progress"};
  const ParsedArgs a = parse_args(full_spec(*bench), argv);
  EXPECT_EQ(a.count("pub", 1), 2u);
  EXPECT_EQ(a.count("sub", 0), 3u);
  EXPECT_EQ(a.count("msgs", 0), 1000u);
  EXPECT_EQ(a.size("size", 128), 1024u);
  EXPECT_EQ(a.string("queue", ""), "q");
  EXPECT_TRUE(a.enabled("json", false));
  EXPECT_TRUE(a.enabled("request", false));
  EXPECT_FALSE(a.enabled("progress", true));
}

TEST(CommandsTest, HelpAndUsageExitCodes) {
  const std::vector<std::string> help = {"pub", "--help"};
  EXPECT_EQ(run_cli(help), 0);
  const std::vector<std::string> top = {"--help"};
  EXPECT_EQ(run_cli(top), 0);
  const std::vector<std::string> help_cmd = {"help", "server", "ping"};
  EXPECT_EQ(run_cli(help_cmd), 0);
  EXPECT_EQ(run_cli(std::vector<std::string>{}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"frobnicate"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"server"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"pub"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"pub", "foo", "--count", "x"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"pub", "foo", "--count", "0", "x"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"pub", "bad subject", "x"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"pub", "foo", "{{Nope}}"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"bench", "foo", "--pub", "0"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"bench", "foo.*"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"bench", "foo", "--reply"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"reply", "foo", "body", "--echo"}), 2);
}

TEST(CommandsTest, ConnectionFailureExitsWithOne) {
  EXPECT_EQ(run_cli(std::vector<std::string>{"pub", "foo", "x", "-s", "nats://127.0.0.1:1"}), 1);
}

}  // namespace
}  // namespace quiver::cli
