#include "cli/commands.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "cli/bench_js.h"

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

TEST(CommandsTest, FindsJetStreamCommandsAndShortGroupNames) {
  EXPECT_EQ(name_of({"stream", "add", "ORDERS"}, 2), "stream add");
  EXPECT_EQ(name_of({"stream", "create", "ORDERS"}, 2), "stream add");
  EXPECT_EQ(name_of({"str", "ls"}, 2), "stream ls");
  EXPECT_EQ(name_of({"stream", "rmm", "S", "1"}, 2), "stream rmm");
  EXPECT_EQ(name_of({"consumer", "next", "S", "C"}, 2), "consumer next");
  EXPECT_EQ(name_of({"con", "info", "S", "C"}, 2), "consumer info");
  EXPECT_EQ(name_of({"kv", "put", "b", "k", "v"}, 2), "kv put");
  EXPECT_EQ(name_of({"kv", "delete", "b", "k"}, 2), "kv del");
  EXPECT_EQ(name_of({"kv", "status", "b"}, 2), "kv info");
  EXPECT_EQ(name_of({"obj", "rm", "b"}, 2), "object rm");
  EXPECT_EQ(name_of({"object", "list"}, 2), "object ls");
  EXPECT_EQ(command_groups(),
            (std::vector<std::string>{"server", "stream", "consumer", "kv", "object"}));
}

TEST(CommandsTest, EveryTaskCommandExists) {
  for (const char* name :
       {"stream add",    "stream ls",   "stream info",   "stream update", "stream rm",
        "stream purge",  "stream get",  "stream rmm",    "consumer add",  "consumer ls",
        "consumer info", "consumer rm", "consumer next", "kv add",        "kv put",
        "kv get",        "kv create",   "kv update",     "kv del",        "kv purge",
        "kv history",    "kv keys",     "kv watch",      "kv ls",         "kv rm",
        "object add",    "object put",  "object get",    "object info",   "object ls",
        "object rm"}) {
    const auto& all = all_commands();
    EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Command& c) {
      return c.spec.name == name;
    })) << name;
  }
}

TEST(CommandsTest, UnknownWordsFindNothing) {
  EXPECT_EQ(name_of({"server"}, 0), "none");
  EXPECT_EQ(name_of({"server", "pong"}, 0), "none");
  EXPECT_EQ(name_of({"stream"}, 0), "none");
  EXPECT_EQ(name_of({"stream", "frob"}, 0), "none");
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
  EXPECT_EQ(run_cli(std::vector<std::string>{"stream", "ls", "-s", "nats://127.0.0.1:1"}), 1);
  EXPECT_EQ(run_cli(std::vector<std::string>{"kv", "get", "b", "k", "-s", "nats://127.0.0.1:1"}),
            1);
}

TEST(CommandsTest, GroupHelpAndUsage) {
  EXPECT_EQ(run_cli(std::vector<std::string>{"stream", "--help"}), 0);
  EXPECT_EQ(run_cli(std::vector<std::string>{"help", "kv"}), 0);
  EXPECT_EQ(run_cli(std::vector<std::string>{"help", "consumer", "next"}), 0);
  EXPECT_EQ(run_cli(std::vector<std::string>{"obj", "put", "--help"}), 0);
  EXPECT_EQ(run_cli(std::vector<std::string>{"stream"}), 2);
  EXPECT_EQ(run_cli(std::vector<std::string>{"stream", "frob"}), 2);
}

// Every one of these is refused before connecting (nothing listens on the default URL here,
// but a connection attempt would make the exit status 1).
TEST(CommandsTest, JetStreamUsageErrorsExitWithTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"stream", "add"},
      {"stream", "add", "S", "--storage", "tape"},
      {"stream", "add", "S", "--max-age", "soon"},
      {"stream", "update", "S"},
      {"stream", "get", "S"},
      {"stream", "get", "S", "1", "--last-for", "x"},
      {"stream", "get", "S", "zero"},
      {"stream", "rmm", "S", "0"},
      {"stream", "purge", "S", "--seq", "3", "--keep", "1"},
      {"consumer", "add", "S", "C", "--pull", "--deliver", "x"},
      {"consumer", "add", "S", "C", "--ack", "maybe"},
      {"consumer", "next", "S", "C", "--count", "0"},
      {"kv", "add", "bad bucket"},
      {"kv", "add", "b", "--history", "100"},
      {"kv", "put", "b", ".bad.key", "v"},
      {"kv", "update", "b", "k", "v", "notanumber"},
      {"kv", "get", "b", "k", "--revision", "0"},
      {"kv", "watch", "b", "a..b"},
      {"object", "add", "b!"},
      {"bench", "foo", "--window", "3"},
      {"bench", "foo", "--js", "--pull", "--push"},
      {"bench", "foo", "--js", "--request"},
  };
  for (const auto& argv : cases) {
    std::string joined;
    for (const auto& a : argv) joined += a + " ";
    EXPECT_EQ(run_cli(argv), 2) << joined;
  }
}

JsBenchConfig js_config(std::vector<std::string> argv) {
  const Command* bench = find({"bench"}, 1);
  EXPECT_NE(bench, nullptr);
  return parse_js_bench_config(parse_args(full_spec(*bench), argv));
}

TEST(CommandsTest, BenchJsDefaults) {
  const JsBenchConfig c = js_config({"foo", "--js"});
  EXPECT_EQ(c.subject, "foo");
  EXPECT_EQ(c.pubs, 1u);
  EXPECT_EQ(c.subs, 0u);
  EXPECT_EQ(c.kind(), "pub");
  EXPECT_EQ(c.stream, "benchstream");
  EXPECT_EQ(c.consumer, "quiver-bench");
  EXPECT_EQ(c.storage, client::jetstream::StorageType::kFile);
  EXPECT_FALSE(c.sync);
  EXPECT_EQ(c.window, 256u);
  EXPECT_TRUE(c.pull);
  EXPECT_EQ(c.pull_batch, 100u);
  EXPECT_TRUE(c.acks);
  EXPECT_FALSE(c.keep);
}

TEST(CommandsTest, BenchJsFlags) {
  const JsBenchConfig c = js_config(
      {"foo",       "--js",   "--pub",    "2",   "--sub",      "3",   "--push", "--no-ack",
       "--storage", "memory", "--stream", "S",   "--consumer", "C",   "--keep", "--purge",
       "--window",  "64",     "--msgs",   "500", "--size",     "1KiB"});
  EXPECT_EQ(c.kind(), "pubsub");
  EXPECT_EQ(c.pubs, 2u);
  EXPECT_EQ(c.subs, 3u);
  EXPECT_FALSE(c.pull);
  EXPECT_FALSE(c.acks);
  EXPECT_EQ(c.storage, client::jetstream::StorageType::kMemory);
  EXPECT_EQ(c.stream, "S");
  EXPECT_EQ(c.consumer, "C");
  EXPECT_TRUE(c.keep);
  EXPECT_TRUE(c.purge);
  EXPECT_EQ(c.window, 64u);
  EXPECT_EQ(c.msgs, 500u);
  EXPECT_EQ(c.size, 1024u);
  // --sub alone consumes what an earlier run kept.
  EXPECT_EQ(js_config({"foo", "--js", "--sub", "1"}).kind(), "sub");
  EXPECT_TRUE(js_config({"foo", "--js", "--syncpub"}).sync);
}

TEST(CommandsTest, BenchJsRejectsNonsense) {
  EXPECT_THROW(js_config({"foo", "--js", "--window", "0"}), UsageError);
  EXPECT_THROW(js_config({"foo", "--js", "--syncpub", "--window", "8"}), UsageError);
  EXPECT_THROW(js_config({"foo", "--js", "--push", "--pullbatch", "8"}), UsageError);
  EXPECT_THROW(js_config({"foo", "--js", "--stream", "a.b"}), UsageError);
  EXPECT_THROW(js_config({"foo", "--js", "--queue", "q"}), UsageError);
  EXPECT_THROW(js_config({"foo.*", "--js"}), UsageError);
  EXPECT_THROW(js_config({"foo", "--js", "--pub", "0", "--sub", "0"}), UsageError);
  EXPECT_THROW(js_config({"foo", "--js", "--storage", "tape"}), UsageError);
}

}  // namespace
}  // namespace quiver::cli
