#include "server/config/options.h"

#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "server/config/conf_parser.h"

namespace quiver::server::config {
namespace {

using namespace std::chrono_literals;

ConfResult<ServerOptions> from_text(std::string_view text,
                                    std::vector<ConfWarning>* warnings = nullptr) {
  ParseOptions no_env;
  no_env.lookup_env = [](const std::string&) { return std::optional<std::string>(); };
  auto root = parse_conf(text, "t.conf", no_env);
  if (!root) return root.error();
  return options_from_config(root.value(), {}, warnings);
}

ServerOptions ok(std::string_view text) {
  auto r = from_text(text);
  EXPECT_TRUE(r) << text << "\n-> " << (r ? "" : r.error().message);
  return r ? r.value() : ServerOptions{};
}

std::string error_of(std::string_view text) {
  auto r = from_text(text);
  EXPECT_FALSE(r) << text;
  return r ? "" : r.error().message;
}

TEST(OptionsTest, DefaultsMatchNatsServer2_9) {
  // Checked against nats-server 2.9.10's /varz with an empty config.
  const ServerOptions o;
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 4222);
  EXPECT_EQ(o.max_payload, 1048576);
  EXPECT_EQ(o.max_control_line, 4096);
  EXPECT_EQ(o.max_pending, 67108864);
  EXPECT_EQ(o.max_connections, 65536);
  EXPECT_EQ(o.max_subscriptions, 0);
  EXPECT_EQ(o.max_sub_tokens, 0);
  EXPECT_EQ(o.ping_interval, 2min);
  EXPECT_EQ(o.ping_max, 2);
  EXPECT_EQ(o.write_deadline, 10s);
  EXPECT_EQ(o.auth_timeout, 2s);
  EXPECT_EQ(o.lame_duck_duration, 2min);
  EXPECT_EQ(o.lame_duck_grace_period, 10s);
  EXPECT_EQ(o.http_port, 0);
  EXPECT_TRUE(o.logging.logtime);
  EXPECT_FALSE(o.logging.debug);
  EXPECT_FALSE(o.jetstream.enabled);
  EXPECT_EQ(o.jetstream.max_memory_store, -1);
  EXPECT_EQ(o.jetstream.max_file_store, -1);
  EXPECT_EQ(ok(""), o);
  EXPECT_EQ(ok("# only a comment\n"), o);
}

TEST(OptionsTest, ListenAndHostPortForms) {
  ServerOptions o = ok("listen: 127.0.0.1:4333");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 4333);
  o = ok("listen: \"[::1]:4334\"");
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 4334);
  o = ok("listen: 4335");
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 4335);
  o = ok("listen: \":4336\"");
  EXPECT_EQ(o.host, "");
  EXPECT_EQ(o.port, 4336);
  o = ok("host: 10.0.0.1\nport: 5222");
  EXPECT_EQ(o.host, "10.0.0.1");
  EXPECT_EQ(o.port, 5222);
  EXPECT_EQ(ok("net: localhost").host, "localhost");
  EXPECT_EQ(ok("port: -1").port, -1);  // load_options turns it into 0 (ephemeral)
  EXPECT_EQ(error_of("listen: localhost"),
            "t.conf:1:1: could not parse address string \"localhost\"");
  EXPECT_EQ(error_of("listen: \"h:x\""), "t.conf:1:1: could not parse port \"x\"");
  EXPECT_EQ(error_of("port: 70000"), "t.conf:1:1: port value is too big");
}

TEST(OptionsTest, EveryScalarKeyAndAlias) {
  struct Case {
    std::string_view text;
    std::function<bool(const ServerOptions&)> check;
  };
  const std::vector<Case> cases = {
      {"server_name: edge-1", [](auto& o) { return o.server_name == "edge-1"; }},
      {"client_advertise: \"a:1\"", [](auto& o) { return o.client_advertise == "a:1"; }},
      {"debug: true", [](auto& o) { return o.logging.debug; }},
      {"trace: yes", [](auto& o) { return o.logging.trace; }},
      {"trace_verbose: on", [](auto& o) { return o.logging.trace_verbose && o.logging.trace; }},
      {"logtime: false", [](auto& o) { return !o.logging.logtime; }},
      {"logfile: /var/log/q.log", [](auto& o) { return o.logging.log_file == "/var/log/q.log"; }},
      {"log_file: q.log", [](auto& o) { return o.logging.log_file == "q.log"; }},
      {"log_size_limit: 1MB", [](auto& o) { return o.logging.log_size_limit == 1048576; }},
      {"logfile_size_limit: 5", [](auto& o) { return o.logging.log_size_limit == 5; }},
      {"syslog: true", [](auto& o) { return o.logging.syslog; }},
      {"remote_syslog: \"udp://h:514\"",
       [](auto& o) { return o.logging.remote_syslog == "udp://h:514"; }},
      {"max_traced_msg_len: 64", [](auto& o) { return o.logging.max_traced_msg_len == 64; }},
      {"pidfile: /run/q.pid", [](auto& o) { return o.pid_file == "/run/q.pid"; }},
      {"pid_file: q.pid", [](auto& o) { return o.pid_file == "q.pid"; }},
      {"ports_file_dir: /tmp", [](auto& o) { return o.ports_file_dir == "/tmp"; }},
      {"http: \"127.0.0.1:8222\"",
       [](auto& o) { return o.http_host == "127.0.0.1" && o.http_port == 8222; }},
      {"http: 8223", [](auto& o) { return o.http_host.empty() && o.http_port == 8223; }},
      {"http_port: 8224", [](auto& o) { return o.http_port == 8224; }},
      {"monitor_port: 8225", [](auto& o) { return o.http_port == 8225; }},
      {"http_base_path: /nats", [](auto& o) { return o.http_base_path == "/nats"; }},
      {"max_control_line: 8KB", [](auto& o) { return o.max_control_line == 8192; }},
      {"max_payload: 2MB", [](auto& o) { return o.max_payload == 2097152; }},
      {"max_pending: 1G", [](auto& o) { return o.max_pending == 1000000000; }},
      {"max_connections: 10", [](auto& o) { return o.max_connections == 10; }},
      {"max_conn: 11", [](auto& o) { return o.max_connections == 11; }},
      {"max_subscriptions: 12", [](auto& o) { return o.max_subscriptions == 12; }},
      {"max_subs: 13", [](auto& o) { return o.max_subscriptions == 13; }},
      {"max_sub_tokens: 255", [](auto& o) { return o.max_sub_tokens == 255; }},
      {"max_subscription_tokens: 1", [](auto& o) { return o.max_sub_tokens == 1; }},
      {"ping_interval: \"30s\"", [](auto& o) { return o.ping_interval == 30s; }},
      {"ping_max: 5", [](auto& o) { return o.ping_max == 5; }},
      {"write_deadline: \"2.5s\"", [](auto& o) { return o.write_deadline == 2500ms; }},
      {"lame_duck_duration: \"1m30s\"", [](auto& o) { return o.lame_duck_duration == 90s; }},
      {"lame_duck_grace_period: \"5s\"", [](auto& o) { return o.lame_duck_grace_period == 5s; }},
      {"no_auth_user: bob", [](auto& o) { return o.auth.no_auth_user == "bob"; }},
      {"store_dir: /data", [](auto& o) { return o.jetstream.store_dir == "/data"; }},
      {"storedir: /data2", [](auto& o) { return o.jetstream.store_dir == "/data2"; }},
      {"no_header_support: true", [](auto& o) { return o.no_header_support; }},
      {"disable_sublist_cache: true", [](auto& o) { return o.disable_sublist_cache; }},
      {"no_sublist_cache: true", [](auto& o) { return o.disable_sublist_cache; }},
      {"server_tags: solo",
       [](auto& o) { return o.server_tags == std::vector<std::string>{"solo"}; }},
      {"server_tags: [a, b]",
       [](auto& o) {
         return o.server_tags == std::vector<std::string>{"a", "b"};
       }},
      {"PORT: 4999", [](auto& o) { return o.port == 4999; }},  // keys are case-insensitive
      {"Max_Payload: 1KB", [](auto& o) { return o.max_payload == 1024; }},
  };
  for (const Case& c : cases) {
    auto r = from_text(c.text);
    ASSERT_TRUE(r) << c.text << " -> " << r.error().message;
    EXPECT_TRUE(c.check(r.value())) << c.text;
  }
}

TEST(OptionsTest, ZeroMeansTheDefaultAsInNatsServer) {
  const ServerOptions o =
      ok("max_payload: 0\nmax_control_line: 0\nmax_pending: 0\nmax_connections: 0\nping_max: 0\n"
         "ping_interval: \"0s\"\nwrite_deadline: \"0\"\nlame_duck_grace_period: \"0s\"\n"
         "authorization { timeout: 0 }\n");
  EXPECT_EQ(o, ServerOptions{});
}

TEST(OptionsTest, WrongTypesAreErrorsAtTheKey) {
  EXPECT_EQ(error_of("port: \"abc\""), "t.conf:1:1: port: expected an integer, got a string");
  EXPECT_EQ(error_of("\n  debug: \"true\""), "t.conf:2:3: debug: expected a boolean, got a string");
  EXPECT_EQ(error_of("server_name: 123"),
            "t.conf:1:1: server_name: expected a string, got an integer");
  EXPECT_EQ(error_of("max_payload: 1.5"),
            "t.conf:1:1: max_payload: expected an integer, got a float");
  EXPECT_EQ(error_of("authorization: true"),
            "t.conf:1:1: authorization: expected a map, got a boolean");
  EXPECT_EQ(error_of("server_tags: [a, 1]"),
            "t.conf:1:18: server_tags: expected an array of strings, got an integer in it");
  EXPECT_EQ(error_of("ping_interval: [1]"),
            "t.conf:1:1: ping_interval: expected a duration string such as \"2m\", got an array");
}

TEST(OptionsTest, LimitsAreRangeChecked) {
  EXPECT_EQ(error_of("max_payload: 3GB"), "t.conf:1:1: max_payload value is too big");
  EXPECT_EQ(error_of("max_control_line: 4GB"), "t.conf:1:1: max_control_line value is too big");
  EXPECT_EQ(error_of("max_payload: -5"), "t.conf:1:1: max_payload value can not be negative");
  EXPECT_EQ(error_of("max_sub_tokens: 0"), "t.conf:1:1: max_sub_tokens value can not be negative");
  EXPECT_EQ(error_of("max_sub_tokens: 300"), "t.conf:1:1: max_sub_tokens value is too big");
  EXPECT_EQ(error_of("ping_interval: \"-1s\""), "t.conf:1:1: ping_interval: must not be negative");
}

TEST(OptionsTest, DurationsAsPlainSecondsWarnLikeNatsServer) {
  std::vector<ConfWarning> warnings;
  auto r = from_text("ping_interval: 60\nwrite_deadline: 3\n", &warnings);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().ping_interval, 60s);
  EXPECT_EQ(r.value().write_deadline, 3s);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].message,
            "t.conf:1:1: invalid use of field \"ping_interval\": ping_interval should be "
            "converted to a duration");
  EXPECT_FALSE(warnings[0].ignored_option);
  EXPECT_EQ(warnings[1].message,
            "t.conf:2:1: invalid use of field \"write_deadline\": write_deadline should be "
            "converted to a duration");
}

TEST(OptionsTest, BadDurations) {
  EXPECT_EQ(error_of("ping_interval: \"abc\""),
            "t.conf:1:1: error parsing ping_interval: time: invalid duration \"abc\"");
  EXPECT_EQ(error_of("write_deadline: \"10\""),
            "t.conf:1:1: error parsing write_deadline: time: missing unit in duration \"10\"");
  EXPECT_EQ(error_of("lame_duck_duration: \"10s\""),
            "t.conf:1:1: invalid lame_duck_duration of 10s, minimum is 30 seconds");
  EXPECT_EQ(error_of("lame_duck_duration: 60"),
            "t.conf:1:1: lame_duck_duration: expected a string, got an integer");
  EXPECT_EQ(error_of("lame_duck_grace_period: \"-1s\""),
            "t.conf:1:1: invalid lame_duck_grace_period, needs to be positive");
}

TEST(OptionsTest, UnknownFieldsAreErrorsUnlessUsedAsVariables) {
  auto r = from_text("foo_unknown: 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kUnknownField);
  EXPECT_EQ(r.error().message, "t.conf:1:1: unknown field \"foo_unknown\"");
  EXPECT_EQ(error_of("P = 4223"), "t.conf:1:1: unknown field \"P\"");
  EXPECT_EQ(ok("P = 4223\nport: $P").port, 4223);
  EXPECT_EQ(error_of("max_closed_clients: 5"), "t.conf:1:1: unknown field \"max_closed_clients\"");
  EXPECT_EQ(error_of("authorization { U = bob }"), "t.conf:1:17: unknown field \"U\"");
  EXPECT_EQ(ok("authorization { U = bob, user: $U, password: x }").auth.username, "bob");
}

TEST(OptionsTest, UnsupportedBlocksFailUnlessInert) {
  auto r = from_text("cluster {\n  listen: 127.0.0.1:6222\n}\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kUnsupported);
  EXPECT_EQ(r.error().message, "t.conf:1:1: field \"cluster\" is not supported by quiver-server");
  EXPECT_EQ(error_of("tls { cert_file: a }"),
            "t.conf:1:1: field \"tls\" is not supported by quiver-server");
  EXPECT_EQ(error_of("https_port: 8443"),
            "t.conf:1:1: field \"https_port\" is not supported by quiver-server");
  EXPECT_EQ(error_of("jetstream { cipher: chachapoly }"),
            "t.conf:1:13: field \"cipher\" is not supported by quiver-server");

  std::vector<ConfWarning> warnings;
  auto inert = from_text("cluster {}\naccounts: {}\nocsp: false\ntrusted_keys: []\n", &warnings);
  ASSERT_TRUE(inert) << inert.error().message;
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0].message,
            "t.conf:1:1: field \"cluster\" is not supported by quiver-server and is ignored");
  EXPECT_TRUE(warnings[0].ignored_option);
}

TEST(OptionsTest, HarmlessNatsOnlyKeysAreIgnoredWithAWarning) {
  std::vector<ConfWarning> warnings;
  auto r = from_text(
      "prof_port: 6060\nsystem_account: \"$SYS\"\nno_system_account: true\n"
      "jetstream { unique_tag: az }\n",
      &warnings);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0].message,
            "t.conf:1:1: field \"prof_port\" has no effect in quiver-server and is ignored");
  EXPECT_EQ(warnings[3].message,
            "t.conf:4:13: field \"unique_tag\" has no effect in quiver-server and is ignored");
  for (const auto& w : warnings) EXPECT_TRUE(w.ignored_option) << w.message;
}

TEST(OptionsTest, AuthorizationSingleUserAndToken) {
  ServerOptions o = ok("authorization { user: a, password: b, timeout: 5 }");
  EXPECT_EQ(o.auth.username, "a");
  EXPECT_EQ(o.auth.password, "b");
  EXPECT_EQ(o.auth_timeout, 5s);
  o = ok("authorization { username: a, pass: b }");
  EXPECT_EQ(o.auth.username, "a");
  EXPECT_EQ(o.auth.password, "b");
  EXPECT_EQ(o.auth_timeout, 2s);
  o = ok("authorization { token: \"s3cret\", timeout: 0.5 }");
  EXPECT_EQ(o.auth.token, "s3cret");
  EXPECT_EQ(o.auth_timeout, 500ms);
  EXPECT_EQ(ok("authorization { timeout: \"1500ms\" }").auth_timeout, 1500ms);
  EXPECT_EQ(error_of("authorization { user: a, password: b, token: c }"),
            "t.conf:1:1: Cannot have a user/pass and token");
  EXPECT_EQ(error_of("authorization { colour: red }"), "t.conf:1:17: unknown field \"colour\"");
  EXPECT_EQ(error_of("authorization { timeout: -1 }"),
            "t.conf:1:17: timeout: must not be negative");
}

TEST(OptionsTest, AuthorizationUsersWithPermissions) {
  const ServerOptions o = ok(R"(
authorization {
  default_permissions: { publish: "public.>" }
  users: [
    {user: a, password: pa, permissions: {publish: {allow: ["a.>"], deny: "a.secret"}, subscribe: ["c", "d queue"]}}
    {user: b, password: pb}
    {user: c, password: pc, permissions: {pub: "x", sub: {deny: [">"]}, allow_responses: true}}
    {user: d, password: pd, permission: {allow_responses: {max: 5, expires: "1m"}}}
    {user: e, password: pe, allowed_connection_types: ["standard", "WEBSOCKET"]}
    {user: f, password: pf, permissions: {publish: {}, subscribe: []}}
  ]
}
)");
  const auto& users = o.auth.users;
  ASSERT_EQ(users.size(), 6u);

  ASSERT_TRUE(users[0].permissions);
  const Permissions& a = *users[0].permissions;
  EXPECT_EQ(a.publish->allow, std::vector<std::string>{"a.>"});
  EXPECT_EQ(a.publish->deny, std::vector<std::string>{"a.secret"});
  EXPECT_EQ(a.subscribe->allow, (std::vector<std::string>{"c", "d queue"}));
  EXPECT_FALSE(a.response);

  // Users without permissions get the defaults.
  ASSERT_TRUE(users[1].permissions);
  EXPECT_EQ(users[1].permissions->publish->allow, std::vector<std::string>{"public.>"});
  EXPECT_FALSE(users[1].permissions->subscribe);

  const Permissions& c = *users[2].permissions;
  EXPECT_EQ(c.publish->allow, std::vector<std::string>{"x"});
  EXPECT_FALSE(c.subscribe->allow);
  EXPECT_EQ(c.subscribe->deny, std::vector<std::string>{">"});
  ASSERT_TRUE(c.response);
  EXPECT_EQ(c.response->max_msgs, 1);
  EXPECT_EQ(c.response->expires, 2min);

  // allow_responses alone closes publishing to everything else.
  const Permissions& d = *users[3].permissions;
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->max_msgs, 5);
  EXPECT_EQ(d.response->expires, 1min);
  ASSERT_TRUE(d.publish);
  EXPECT_EQ(d.publish->allow, std::vector<std::string>{});

  EXPECT_EQ(users[4].allowed_connection_types, (std::vector<std::string>{"STANDARD", "WEBSOCKET"}));

  // An empty map or list restricts nothing, as in nats-server.
  const Permissions& f = *users[5].permissions;
  EXPECT_FALSE(f.publish);
  ASSERT_TRUE(f.subscribe);
  EXPECT_FALSE(f.subscribe->allow);
}

TEST(OptionsTest, AuthorizationErrors) {
  EXPECT_EQ(error_of("authorization { token: t, users: [{user: a, password: b}] }"),
            "t.conf:1:1: Can not have a token and a users array");
  EXPECT_EQ(error_of("authorization { user: x, users: [{user: a, password: b}] }"),
            "t.conf:1:1: Can not have a single user/pass and a users array");
  EXPECT_EQ(error_of("authorization { users: [{password: b}] }"),
            "t.conf:1:25: User entry requires a user");
  EXPECT_EQ(error_of("authorization { users: [{user: a, password: b}, {user: a, password: c}] }"),
            "t.conf:1:17: Duplicate user \"a\" detected");
  EXPECT_EQ(error_of("authorization { users: [{user: a, password: b, foo: 1}] }"),
            "t.conf:1:48: unknown field \"foo\"");
  EXPECT_EQ(error_of("authorization { users: [a] }"),
            "t.conf:1:25: Expected user entry to be a map/struct, got a string");
  EXPECT_EQ(error_of("authorization { users: {user: a} }"),
            "t.conf:1:17: users: expected an array of users, got a map");
  auto nkey = from_text(
      "authorization { users: [{nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4}] "
      "}");
  ASSERT_FALSE(nkey);
  EXPECT_EQ(nkey.error().code, errc::kUnsupported);
  EXPECT_EQ(error_of("authorization { users: [{user: a, permissions: { publish: \"a..b\" }}] }"),
            "t.conf:1:50: subject \"a..b\" is not a valid subject");
  EXPECT_EQ(error_of("authorization { users: [{user: a, permissions: { publish: \"a b c\" }}] }"),
            "t.conf:1:50: subject \"a b c\" is not a valid subject");
  EXPECT_EQ(error_of("authorization { users: [{user: a, permissions: { publish: { allow: \"a\", "
                     "bad: 1 } }}] }"),
            "t.conf:1:73: Unknown field name \"bad\" parsing subject permissions, only 'allow' or "
            "'deny' are permitted");
  EXPECT_EQ(
      error_of(
          "authorization { users: [{user: a, permissions: { pub: { allow: \"a\"}, foo: 1 } }] }"),
      "t.conf:1:70: Unknown field \"foo\" parsing permissions");
  EXPECT_EQ(error_of("authorization { users: [{user: a, permissions: { allow_responses: { expires: "
                     "60 } }}] }"),
            "t.conf:1:69: error parsing expires, not a duration string");
  EXPECT_EQ(error_of("authorization { users: [{user: a, password: b, allowed_connection_types: "
                     "[\"STANDARD\", \"BOGUS\"]}] }"),
            "t.conf:1:48: invalid connection types [\"BOGUS\"]");
  EXPECT_EQ(error_of("authorization { users: [{user: a, permissions: { publish: [1] }}] }"),
            "t.conf:1:60: Subject in permissions array cannot be cast to string");
}

TEST(OptionsTest, JetStreamForms) {
  EXPECT_TRUE(ok("jetstream: true").jetstream.enabled);
  EXPECT_TRUE(ok("jetstream: enabled").jetstream.enabled);
  EXPECT_TRUE(ok("jetstream: Enable").jetstream.enabled);
  EXPECT_FALSE(ok("jetstream: disabled").jetstream.enabled);
  const ServerOptions o =
      ok("jetstream {\n  store_dir: /data/js\n  max_memory_store: 1G\n  max_file_store: \"10G\"\n"
         "  domain: hub\n}\n");
  EXPECT_TRUE(o.jetstream.enabled);
  EXPECT_EQ(o.jetstream.store_dir, "/data/js");
  EXPECT_EQ(o.jetstream.max_memory_store, 1000000000);  // a bare 1G is decimal...
  EXPECT_EQ(o.jetstream.max_file_store, 10737418240);   // ...a string "10G" is binary
  EXPECT_EQ(o.jetstream.domain, "hub");
  const ServerOptions aliases = ok("jetstream { store: /s, max_mem: 1KB, max_file: \"2K\" }");
  EXPECT_EQ(aliases.jetstream.store_dir, "/s");
  EXPECT_EQ(aliases.jetstream.max_memory_store, 1024);
  EXPECT_EQ(aliases.jetstream.max_file_store, 2048);
  EXPECT_FALSE(ok("jetstream { enabled: false, store_dir: /x }").jetstream.enabled);
  EXPECT_TRUE(ok("jetstream {}").jetstream.enabled);
  EXPECT_EQ(ok("jetstream {}").jetstream.sync_interval, Duration::zero());
  EXPECT_EQ(ok("jetstream { sync_interval: always }").jetstream.sync_interval, Duration::zero());
  EXPECT_EQ(ok("jetstream { sync_interval: \"2s\" }").jetstream.sync_interval,
            std::chrono::seconds(2));
}

TEST(OptionsTest, JetStreamErrors) {
  EXPECT_EQ(error_of("jetstream: maybe"),
            "t.conf:1:1: Expected 'enabled' or 'disabled' for string value, got 'maybe'");
  EXPECT_EQ(error_of("jetstream { max_mem: \"1k\" }"),
            "t.conf:1:13: max_mem_store sizes defined as strings must end in K, M, G, T");
  EXPECT_EQ(error_of("jetstream { max_mem: \"1GB\" }"),
            "t.conf:1:13: max_mem_store sizes defined as strings must end in K, M, G, T");
  EXPECT_EQ(error_of("jetstream { max_mem: 1.5 }"),
            "t.conf:1:13: max_mem_store must be int64 or string");
  EXPECT_EQ(error_of("store_dir: /a\njetstream { store_dir: /b }"),
            "t.conf:2:13: Duplicate 'store_dir' configuration");
  EXPECT_EQ(error_of("jetstream { strict: true }"), "t.conf:1:13: unknown field \"strict\"");
  EXPECT_EQ(error_of("jetstream { sync_interval: \"0s\" }"),
            "t.conf:1:13: sync_interval must be positive or \"always\"");
}

TEST(OptionsTest, ValidateCrossFieldRules) {
  ServerOptions o;
  EXPECT_TRUE(validate_options(o));
  o.max_payload = 2048;
  o.max_pending = 1000;
  auto r = validate_options(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "max_payload (2048) cannot be higher than max_pending (1000)");

  o = ServerOptions{};
  o.lame_duck_grace_period = 5min;
  EXPECT_EQ(validate_options(o).error().message,
            "lame duck grace period (5m0s) should be strictly lower than lame duck duration "
            "(2m0s)");

  o = ServerOptions{};
  o.auth.no_auth_user = "bob";
  EXPECT_EQ(validate_options(o).error().message,
            "no_auth_user: \"bob\" present, but users are not defined");
  o.auth.users.push_back(User{"alice", "x", std::nullopt, {}});
  EXPECT_EQ(validate_options(o).error().message,
            "no_auth_user: \"bob\" not present as user in authorization block or account "
            "configuration");
  o.auth.no_auth_user = "alice";
  EXPECT_TRUE(validate_options(o));
}

TEST(DurationTest, ParsesGoDurations) {
  struct Case {
    std::string_view text;
    Duration value;
  };
  for (const Case& c : {
           Case{"0", 0ns},
           Case{"0s", 0ns},
           Case{"1ns", 1ns},
           Case{"1us", 1us},
           Case{"1\xC2\xB5s", 1us},
           Case{"500ms", 500ms},
           Case{"10s", 10s},
           Case{"2m", 2min},
           Case{"1h", 1h},
           Case{"1h30m", 90min},
           Case{"1.5s", 1500ms},
           Case{".5s", 500ms},
           Case{"1.s", 1s},
           Case{"-1m", -1min},
           Case{"+3s", 3s},
           Case{"1m30s500ms", 90500ms},
       }) {
    auto d = parse_duration(c.text);
    ASSERT_TRUE(d) << c.text << ": " << d.error().message;
    EXPECT_EQ(d.value(), c.value) << c.text;
  }
}

TEST(DurationTest, RejectsWhatGoRejects) {
  EXPECT_EQ(parse_duration("").error().message, "time: invalid duration \"\"");
  EXPECT_EQ(parse_duration("abc").error().message, "time: invalid duration \"abc\"");
  EXPECT_EQ(parse_duration("10").error().message, "time: missing unit in duration \"10\"");
  EXPECT_EQ(parse_duration("3x").error().message, "time: unknown unit \"x\" in duration \"3x\"");
  EXPECT_EQ(parse_duration(".s").error().message, "time: invalid duration \".s\"");
  EXPECT_EQ(parse_duration("-").error().message, "time: invalid duration \"-\"");
  EXPECT_EQ(parse_duration("3000000h").error().message, "time: invalid duration \"3000000h\"");
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(format_duration(0ns), "0s");
  EXPECT_EQ(format_duration(2min), "2m0s");
  EXPECT_EQ(format_duration(10s), "10s");
  EXPECT_EQ(format_duration(90min), "1h30m0s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(1500us), "1.5ms");
  EXPECT_EQ(format_duration(2us), "2\xC2\xB5s");
  EXPECT_EQ(format_duration(42ns), "42ns");
  EXPECT_EQ(format_duration(-30s), "-30s");
}

TEST(SubjectTest, ValidityAsNatsServerChecksPermissions) {
  for (std::string_view s : {"a", "a.b", "a.*", "a.>", ">", "*", "*.*", "foo.b>", "$SYS.>"}) {
    EXPECT_TRUE(is_valid_subject(s)) << s;
  }
  for (std::string_view s : {"", ".", "a.", ".a", "a..b", "a.>.b", ">.a", "a b", "a.\tb"}) {
    EXPECT_FALSE(is_valid_subject(s)) << s;
  }
}

}  // namespace
}  // namespace quiver::server::config
