#include "cli/runtime.h"

#include <map>
#include <thread>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

CommandSpec spec() {
  CommandSpec s{.name = "test", .summary = "test"};
  s.flags = connection_flags();
  return s;
}

ConnectionSettings settings(std::vector<std::string> argv,
                            std::map<std::string, std::string> env = {}) {
  const ParsedArgs args = parse_args(spec(), argv);
  return connection_settings(args, [env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(RuntimeTest, DefaultsWithoutFlagsOrEnvironment) {
  const ConnectionSettings s = settings({});
  EXPECT_EQ(s.servers, std::vector<std::string>{"nats://127.0.0.1:4222"});
  EXPECT_EQ(s.user, "");
  EXPECT_EQ(s.password, "");
  EXPECT_EQ(s.token, "");
  EXPECT_EQ(s.timeout, std::chrono::seconds(5));
}

TEST(RuntimeTest, NatsUrlFromEnvironment) {
  const ConnectionSettings s = settings({}, {{"NATS_URL", "nats://a:1, nats://b:2"},
                                             {"NATS_USER", "u"},
                                             {"NATS_PASSWORD", "p"},
                                             {"NATS_TOKEN", "t"},
                                             {"NATS_TIMEOUT", "250ms"}});
  EXPECT_EQ(s.servers, (std::vector<std::string>{"nats://a:1", "nats://b:2"}));
  EXPECT_EQ(s.user, "u");
  EXPECT_EQ(s.password, "p");
  EXPECT_EQ(s.token, "t");
  EXPECT_EQ(s.timeout, std::chrono::milliseconds(250));
}

TEST(RuntimeTest, FlagsWinOverEnvironment) {
  const ConnectionSettings s =
      settings({"-s", "nats://flag:3", "--user", "fu", "--password", "fp", "--token", "ft",
                "--timeout", "2s"},
               {{"NATS_URL", "nats://env:1"}, {"NATS_USER", "eu"}, {"NATS_TIMEOUT", "9s"}});
  EXPECT_EQ(s.servers, std::vector<std::string>{"nats://flag:3"});
  EXPECT_EQ(s.user, "fu");
  EXPECT_EQ(s.password, "fp");
  EXPECT_EQ(s.token, "ft");
  EXPECT_EQ(s.timeout, std::chrono::seconds(2));
}

TEST(RuntimeTest, EmptyEnvironmentValuesAreIgnored) {
  EXPECT_EQ(settings({}, {{"NATS_URL", ""}}).servers,
            std::vector<std::string>{"nats://127.0.0.1:4222"});
}

TEST(RuntimeTest, MalformedSettingsAreUsageErrors) {
  EXPECT_THROW(settings({"--timeout", "5"}), UsageError);
  EXPECT_THROW(settings({"--timeout", "0s"}), UsageError);
  EXPECT_THROW(settings({}, {{"NATS_TIMEOUT", "soon"}}), UsageError);
  EXPECT_THROW(settings({"--server", " , "}), UsageError);
}

TEST(RuntimeTest, ClientOptionsCarryTheSettings) {
  const ConnectionSettings s = settings(
      {"-s", "nats://a:1,nats://b:2", "--user", "u", "--password", "p", "--timeout", "1500ms"});
  const client::Options o = client_options(s, "quiver test");
  EXPECT_EQ(o.servers, (std::vector<std::string>{"nats://a:1", "nats://b:2"}));
  EXPECT_TRUE(o.no_randomize);
  EXPECT_EQ(o.name, "quiver test");
  EXPECT_EQ(o.user, "u");
  EXPECT_EQ(o.password, "p");
  EXPECT_EQ(o.connect_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(join_servers(o.servers), "nats://a:1, nats://b:2");
}

TEST(RuntimeTest, WaitForReturnsTheCompletionArguments) {
  Runtime runtime;
  auto [ec, value, text] = wait_for<int, std::string>([&](auto handler) {
    boost::asio::post(runtime.io(), [h = std::move(handler)]() mutable {
      h(boost::system::error_code(), 42, std::string("done"));
    });
  });
  EXPECT_FALSE(ec);
  EXPECT_EQ(value, 42);
  EXPECT_EQ(text, "done");
}

TEST(RuntimeTest, ConnectFailureNamesTheServer) {
  Runtime runtime;
  ConnectionSettings s;
  s.servers = {"nats://127.0.0.1:1"};
  s.timeout = std::chrono::seconds(2);
  try {
    runtime.connect(client_options(s, "quiver test"));
    ADD_FAILURE() << "connected to port 1";
  } catch (const CliError& e) {
    EXPECT_EQ(std::string(e.what()), "could not connect to nats://127.0.0.1:1: Connection refused");
  }
}

TEST(RuntimeTest, ClientErrorsCompareWithTheEnum) {
  // The commands branch on these comparisons (no responders, timeout, closed subscription).
  const boost::system::error_code ec = client::make_error_code(client::errc::kNoResponders);
  EXPECT_TRUE(ec == client::errc::kNoResponders);
  EXPECT_FALSE(ec == client::errc::kTimeout);
  EXPECT_EQ(ec.message(), "no responders available for request");
}

}  // namespace
}  // namespace quiver::cli
