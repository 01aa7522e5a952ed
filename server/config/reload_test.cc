#include "server/config/reload.h"

#include <gtest/gtest.h>

namespace quiver::server::config {
namespace {

using namespace std::chrono_literals;

TEST(ReloadTest, IdenticalOptionsHaveNoChanges) {
  const ServerOptions o;
  EXPECT_TRUE(diff_options(o, o).empty());
  auto r = check_reload(o, o);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().empty());
}

TEST(ReloadTest, LimitsTimersLoggingAndAuthAreReloadable) {
  const ServerOptions before;
  ServerOptions after = before;
  after.max_payload = 2 * 1024 * 1024;
  after.max_connections = 5;
  after.ping_interval = 1min;
  after.write_deadline = 3s;
  after.auth_timeout = 5s;
  after.logging.debug = true;
  after.auth.users.push_back(User{"a", "b", std::nullopt, {}});
  after.jetstream.enabled = true;
  after.jetstream.store_dir = "/js";  // JetStream was off, so its storage may be set
  auto r = check_reload(before, after);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value(),
            (std::vector<std::string_view>{"max_payload", "max_connections", "ping_interval",
                                           "write_deadline", "authorization.timeout", "debug",
                                           "authorization", "jetstream", "jetstream.store_dir"}));
}

TEST(ReloadTest, ListenersAndSomeLimitsAreNot) {
  const ServerOptions before;
  ServerOptions after = before;
  after.port = 5222;
  after.max_pending = 1;
  after.logging.trace = true;
  const auto changes = diff_options(before, after);
  EXPECT_EQ(changes,
            (std::vector<OptionChange>{{"port", false}, {"max_pending", false}, {"trace", true}}));
  auto r = check_reload(before, after);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kUnsupported);
  EXPECT_EQ(r.error().message, "config reload not supported for port");
}

TEST(ReloadTest, NoAuthUserIsSeparateFromAuthorization) {
  ServerOptions before;
  before.auth.users.push_back(User{"a", "b", std::nullopt, {}});
  ServerOptions after = before;
  after.auth.no_auth_user = "a";
  EXPECT_EQ(diff_options(before, after), (std::vector<OptionChange>{{"no_auth_user", false}}));
}

TEST(ReloadTest, JetStreamStorageIsFixedWhileJetStreamRuns) {
  ServerOptions before;
  before.jetstream.enabled = true;
  before.jetstream.store_dir = "/a";
  ServerOptions after = before;
  after.jetstream.store_dir = "/b";
  EXPECT_EQ(check_reload(before, after).error().message,
            "config reload not supported for jetstream.store_dir");
  // Turning JetStream off at the same time makes the new directory irrelevant until re-enabled.
  after.jetstream.enabled = false;
  auto r = check_reload(before, after);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value(), (std::vector<std::string_view>{"jetstream", "jetstream.store_dir"}));
}

TEST(ReloadTest, IsReloadableByName) {
  for (std::string_view name :
       {"max_payload", "max_control_line", "max_connections", "ping_interval", "ping_max",
        "write_deadline", "authorization", "authorization.timeout", "debug", "trace", "logtime",
        "log_file", "pid_file", "client_advertise", "jetstream", "server_tags"}) {
    EXPECT_TRUE(is_reloadable(name)) << name;
  }
  for (std::string_view name : {"host", "port", "server_name", "max_pending", "max_subscriptions",
                                "max_sub_tokens", "lame_duck_duration", "lame_duck_grace_period",
                                "http_port", "http_base_path", "no_auth_user", "log_size_limit",
                                "no_header_support", "jetstream.store_dir", "no_such_option"}) {
    EXPECT_FALSE(is_reloadable(name)) << name;
  }
}

}  // namespace
}  // namespace quiver::server::config
