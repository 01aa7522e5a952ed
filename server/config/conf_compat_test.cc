// Differential test: `nats-server -c file -t` (2.9.10, Debian) and load_options() with -t must
// accept and reject the same files, except for the documented deliberate differences.
// Skipped when /usr/sbin/nats-server is not installed.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "server/config/command_line.h"

namespace quiver::server::config {
namespace {

constexpr const char* kNatsServer = "/usr/sbin/nats-server";

class ConfCompatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kNatsServer)) GTEST_SKIP() << kNatsServer << " not installed";
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    dir_ = std::filesystem::path(tmp) / "compat";
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "inc.conf") << "debug: true\n";
  }

  std::string write(const std::string& text) {
    const std::string path = (dir_ / ("case" + std::to_string(++count_) + ".conf")).string();
    std::ofstream(path) << text;
    return path;
  }

  static bool nats_accepts(const std::string& path) {
    const std::string cmd = std::string(kNatsServer) + " -c '" + path + "' -t >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }

  static bool we_accept(const std::string& path) {
    CommandLine cl;
    cl.config_file = path;
    cl.check_config = true;
    LoadOptions load;
    load.parse.lookup_env = [](const std::string&) { return std::optional<std::string>(); };
    return static_cast<bool>(load_options(cl, load));
  }

  std::filesystem::path dir_;
  int count_ = 0;
};

TEST_F(ConfCompatTest, SameVerdictAsNatsServer) {
  const std::vector<std::string> configs = {
      // accepted
      "",
      "port: 4222",
      "port = 4222",
      "port 4222",
      "\"port\": 4222",
      "PORT: 4222",
      "{ port: 4222, debug: true }",
      "port: 4222; debug: true",
      "port: 4222 # comment\n// another\n",
      "listen: 127.0.0.1:4222",
      "listen: \"[::1]:4222\"",
      "max_payload: 1MB\nmax_pending: 100MB",
      "max_payload: 1Ki",
      "P = 4223\nport: $P",
      "authorization { U = bob, user: $U, password: x }",
      "authorization { user: a, password: "
      "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG }",
      "authorization {\n  users = [\n    {user: a, password: b}\n    {user: c, password: d}\n  "
      "]\n}",
      "authorization { users: [ {user: a, password: b}, ] }",
      "authorization { token: \"t\", timeout: 0.5 }",
      "authorization { users: [{user: a, permissions: { publish: { allow: [\"a.>\"], deny: \"b\" "
      "}, "
      "subscribe: [\"c\", \"d e\"], allow_responses: true }}] }",
      "authorization { users: [{user: a, password: b, allowed_connection_types: [\"standard\"]}] }",
      "server_name: (\nhello\n)\n",
      "ping_interval: \"30s\"\nwrite_deadline: \"2s\"",
      "lame_duck_duration: \"60s\"\nlame_duck_grace_period: \"5s\"",
      "jetstream: enabled",
      "jetstream { max_mem: 1G, max_file: \"2G\", store_dir: \"/tmp/x\", domain: d }",
      "http: \"127.0.0.1:8222\"",
      "http_port: 8222\nhttp_base_path: /x",
      "server_tags: [\"a\", \"b\"]",
      "max_sub_tokens: 255",
      "include inc.conf",
      // rejected
      "max_payload: 4222abc",  // a string, as nats-server 2.9.10 lexes it
      "foo_unknown: 1",
      "P = 4223",
      "max_closed_clients: 5",
      "port: \"abc\"",
      "debug: \"true\"",
      "ping_interval: 60",
      "ping_interval: \"abc\"",
      "port: 4222 junk",
      "port:\n4222",
      "authorization { user: a password: b }",
      "authorization { user: a, password: b, token: c }",
      "authorization { token: t, users: [{user: a, password: b}] }",
      "authorization { users: [{password: b}] }",
      "authorization { users: [{user: a, password: b, foo: 1}] }",
      "authorization { users: [{user: a, password: b}, {user: a, password: c}] }",
      "authorization { users: [{user: a, permissions: { publish: \"a..b\" }}] }",
      "authorization { users: [{user: a, permissions: { pub: { allow: \"a\"}, foo: 1 } }] }",
      "authorization { users: [{user: a, password: b, allowed_connection_types: [\"BOGUS\"]}] }",
      "lame_duck_duration: \"10s\"",
      "lame_duck_duration: 60",
      "max_payload: 3GB",
      "max_sub_tokens: 0",
      "max_sub_tokens: 300",
      "x: $NOPE_NOT_SET_ANYWHERE",
      "include nope.conf",
      "include\n",
      "jetstream: maybe",
      "jetstream { max_mem: \"1GB\" }",
      "jetstream { strict: true }",
      "store_dir: /a\njetstream { store_dir: /b }",
      "listen: localhost",
      "server_name: \"a\\qb\"",
      "x: [,1]",
      "x: 2e3",
      "trusted_keys: [it's]",
  };
  for (const std::string& text : configs) {
    const std::string path = write(text);
    EXPECT_EQ(we_accept(path), nats_accepts(path)) << "config:\n" << text;
  }
}

// Where quiver-server is deliberately stricter; each case is accepted by nats-server 2.9.10.
TEST_F(ConfCompatTest, DocumentedDifferences) {
  const std::vector<std::string> configs = {
      "cluster { listen: 127.0.0.1:6222 }",  // not implemented: refusing beats ignoring
      "websocket { port: 8080, no_tls: true }",
      "accounts { A: { users: [{user: x, password: y}] } }",
      "max_payload: 1kbb",                   // nats-server silently drops the value
      "max_payload: -5",                     // nats-server takes a negative limit
      "no_auth_user: bob",                   // nats-server checks this only when starting
      "authorization { timeout: \"abc\" }",  // nats-server silently uses 1 second
      "lonely",  // a key without a value at the end of the file: nats-server drops it
  };
  for (const std::string& text : configs) {
    const std::string path = write(text);
    EXPECT_TRUE(nats_accepts(path)) << "config:\n" << text;
    EXPECT_FALSE(we_accept(path)) << "config:\n" << text;
  }
}

}  // namespace
}  // namespace quiver::server::config
