#include "server/config/command_line.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace quiver::server::config {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFullConf = "server/config/testdata/full.conf";

CommandLine parsed(std::vector<std::string> args) {
  auto r = parse_command_line(args);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r.value() : CommandLine{};
}

std::string flag_error(std::vector<std::string> args) {
  auto r = parse_command_line(args);
  EXPECT_FALSE(r);
  if (r) return "";
  EXPECT_EQ(r.error().code, errc::kBadFlag);
  return r.error().message;
}

TEST(CommandLineTest, NoArgumentsSetsNothing) {
  const CommandLine cl = parsed({});
  EXPECT_TRUE(cl.config_file.empty());
  EXPECT_FALSE(cl.port);
  EXPECT_FALSE(cl.debug);
  EXPECT_FALSE(cl.show_help);
  EXPECT_TRUE(cl.unsupported_flags.empty());
}

TEST(CommandLineTest, EveryFlagSpelling) {
  EXPECT_EQ(parsed({"-p", "4333"}).port, 4333);
  EXPECT_EQ(parsed({"--port", "4333"}).port, 4333);
  EXPECT_EQ(parsed({"-port=4333"}).port, 4333);
  EXPECT_EQ(parsed({"--p=-1"}).port, -1);
  EXPECT_EQ(parsed({"-p", "0x10"}).port, 16);  // Go's ParseInt with base 0
  EXPECT_EQ(parsed({"-p", "010"}).port, 8);
  for (const char* flag : {"-a", "--addr", "--net"}) {
    EXPECT_EQ(parsed({flag, "127.0.0.1"}).host, "127.0.0.1") << flag;
  }
  for (const char* flag : {"-n", "--name", "--server_name"}) {
    EXPECT_EQ(parsed({flag, "edge"}).server_name, "edge") << flag;
  }
  EXPECT_EQ(parsed({"-m", "8222"}).http_port, 8222);
  EXPECT_EQ(parsed({"--http_port=8223"}).http_port, 8223);
  EXPECT_EQ(parsed({"-c", "a.conf"}).config_file, "a.conf");
  EXPECT_EQ(parsed({"--config", "b.conf"}).config_file, "b.conf");
  EXPECT_TRUE(parsed({"-t"}).check_config);
  EXPECT_EQ(parsed({"-sl", "reload=123"}).signal, "reload=123");
  EXPECT_EQ(parsed({"--signal", "ldm"}).signal, "ldm");
  EXPECT_EQ(parsed({"-P", "q.pid"}).pid_file, "q.pid");
  EXPECT_EQ(parsed({"--pid", "r.pid"}).pid_file, "r.pid");
  EXPECT_EQ(parsed({"--ports_file_dir", "/tmp"}).ports_file_dir, "/tmp");
  EXPECT_EQ(parsed({"--client_advertise", "h:1"}).client_advertise, "h:1");
  EXPECT_EQ(parsed({"-l", "q.log"}).log_file, "q.log");
  EXPECT_EQ(parsed({"--log", "r.log"}).log_file, "r.log");
  EXPECT_EQ(parsed({"--log_size_limit", "1000"}).log_size_limit, 1000);
  EXPECT_EQ(parsed({"--max_traced_msg_len", "64"}).max_traced_msg_len, 64);
  EXPECT_EQ(parsed({"-T=false"}).logtime, false);
  EXPECT_EQ(parsed({"--logtime"}).logtime, true);
  EXPECT_EQ(parsed({"-s"}).syslog, true);
  EXPECT_EQ(parsed({"--syslog=0"}).syslog, false);
  EXPECT_EQ(parsed({"-r", "udp://h:514"}).remote_syslog, "udp://h:514");
  EXPECT_EQ(parsed({"-D"}).debug, true);
  EXPECT_EQ(parsed({"--debug=F"}).debug, false);
  EXPECT_EQ(parsed({"-V"}).trace, true);
  EXPECT_EQ(parsed({"--trace"}).trace, true);
  EXPECT_EQ(parsed({"--user", "u"}).username, "u");
  EXPECT_EQ(parsed({"--pass", "p"}).password, "p");
  EXPECT_EQ(parsed({"--auth", "t"}).token, "t");
  EXPECT_EQ(parsed({"-js"}).jetstream, true);
  EXPECT_EQ(parsed({"--jetstream=false"}).jetstream, false);
  EXPECT_EQ(parsed({"-sd", "/js"}).store_dir, "/js");
  EXPECT_EQ(parsed({"--store_dir", "/js2"}).store_dir, "/js2");
  EXPECT_TRUE(parsed({"-h"}).show_help);
  EXPECT_TRUE(parsed({"--help"}).show_help);
  EXPECT_TRUE(parsed({"-v"}).show_version);
  EXPECT_TRUE(parsed({"--version"}).show_version);
  EXPECT_TRUE(parsed({"--help_tls"}).show_tls_help);
  // A value may itself start with '-'.
  EXPECT_EQ(parsed({"-n", "-odd-"}).server_name, "-odd-");
}

TEST(CommandLineTest, CombinedDebugAndTraceFlags) {
  CommandLine cl = parsed({"-DV"});
  EXPECT_EQ(cl.debug, true);
  EXPECT_EQ(cl.trace, true);
  EXPECT_FALSE(cl.trace_verbose);
  cl = parsed({"-VV"});
  EXPECT_FALSE(cl.debug);
  EXPECT_EQ(cl.trace, true);
  EXPECT_EQ(cl.trace_verbose, true);
  cl = parsed({"-DVV"});
  EXPECT_EQ(cl.debug, true);
  EXPECT_EQ(cl.trace, true);
  EXPECT_EQ(cl.trace_verbose, true);
  // As with Go's flag.Visit: the combined flags are applied after the plain ones.
  cl = parsed({"-DV", "-D=false"});
  EXPECT_EQ(cl.debug, true);
  cl = parsed({"-D", "-DV=false"});
  EXPECT_EQ(cl.debug, false);
  EXPECT_EQ(cl.trace, false);
  cl = parsed({"-DV", "-VV=false"});
  EXPECT_EQ(cl.debug, true);
  EXPECT_EQ(cl.trace, false);
  EXPECT_EQ(cl.trace_verbose, false);
}

TEST(CommandLineTest, FlagErrorsReadLikeGo) {
  EXPECT_EQ(flag_error({"--foo"}), "flag provided but not defined: -foo");
  EXPECT_EQ(flag_error({"-d"}), "flag provided but not defined: -d");  // names are case-sensitive
  EXPECT_EQ(flag_error({"-p", "abc"}), "invalid value \"abc\" for flag -p: parse error");
  EXPECT_EQ(flag_error({"-p", "99999999999"}),
            "invalid value \"99999999999\" for flag -p: value out of range");
  EXPECT_EQ(flag_error({"-p"}), "flag needs an argument: -p");
  EXPECT_EQ(flag_error({"-D=maybe"}), "invalid boolean value \"maybe\" for -D: parse error");
  EXPECT_EQ(flag_error({"---x"}), "bad flag syntax: ---x");
  EXPECT_EQ(flag_error({"-=x"}), "bad flag syntax: -=x");
  EXPECT_EQ(flag_error({"bogus"}), "unrecognized command: \"bogus\"");
  EXPECT_EQ(flag_error({"-c", "x.conf", "-t", "extra"}), "unrecognized command: \"extra\"");
  // A boolean flag never takes the next argument as its value.
  EXPECT_EQ(flag_error({"-D", "false"}), "unrecognized command: \"false\"");
  EXPECT_EQ(flag_error({"-"}), "unrecognized command: \"-\"");
}

TEST(CommandLineTest, CommandsAfterTheFlags) {
  EXPECT_TRUE(parsed({"version"}).show_version);
  EXPECT_TRUE(parsed({"-p", "1", "HELP"}).show_help);
  EXPECT_TRUE(parsed({"--", "help"}).show_help);
  // Parsing stops at the first command; what follows is not read.
  const CommandLine cl = parsed({"version", "-p", "notanumber"});
  EXPECT_TRUE(cl.show_version);
  EXPECT_FALSE(cl.port);
}

TEST(CommandLineTest, UnsupportedFlagsAreRecorded) {
  const CommandLine cl =
      parsed({"--tls", "--tlscert", "c.pem", "-ms", "8443", "--routes", "nats://a:6222",
              "--cluster", "nats://0.0.0.0:6222", "--profile", "6060", "--no_advertise=true"});
  EXPECT_EQ(cl.unsupported_flags,
            (std::vector<std::string>{"--tls", "--tlscert", "-ms", "--routes", "--cluster",
                                      "--profile", "--no_advertise"}));
}

TEST(CommandLineTest, ArgcArgvSkipsTheProgramName) {
  char prog[] = "quiver-server";
  char p[] = "-p";
  char port[] = "4444";
  char* argv[] = {prog, p, port, nullptr};
  auto r = parse_command_line(3, argv);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().port, 4444);
}

TEST(CommandLineTest, UsageListsTheFlags) {
  const std::string_view usage = usage_text();
  for (std::string_view flag :
       {"--addr", "--port", "--server_name", "--http_port", "--config", "-t ", "--signal", "--log ",
        "--debug", "--trace", "-DV", "--jetstream", "--store_dir", "--user", "--pass", "--auth",
        "--help", "--version"}) {
    EXPECT_NE(usage.find(flag), std::string_view::npos) << flag;
  }
}

class LoadOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    dir_ = std::filesystem::path(tmp) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  static ConfResult<ServerOptions> load(std::vector<std::string> args,
                                        std::vector<ConfWarning>* warnings = nullptr) {
    auto cl = parse_command_line(args);
    if (!cl) return cl.error();
    LoadOptions load;
    load.parse.lookup_env = [](const std::string& name) -> std::optional<std::string> {
      if (name == "QV_TEST_PORT") return "4777";
      return std::nullopt;
    };
    load.warnings = warnings;
    return load_options(cl.value(), load);
  }

  std::filesystem::path dir_;
};

TEST_F(LoadOptionsTest, NoConfigGivesDefaultsAfterNatsDefaulting) {
  auto r = load({});
  ASSERT_TRUE(r) << r.error().message;
  ServerOptions expected;
  expected.http_host = "0.0.0.0";
  EXPECT_EQ(r.value(), expected);
}

TEST_F(LoadOptionsTest, PortMinusOneMeansEphemeralAndHttpHostFollowsHost) {
  auto r = load({"-p", "-1", "-a", "127.0.0.1", "-m", "8222"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().port, 0);
  EXPECT_EQ(r.value().host, "127.0.0.1");
  EXPECT_EQ(r.value().http_host, "127.0.0.1");
  EXPECT_EQ(r.value().http_port, 8222);
  EXPECT_EQ(load({"-p", "0"}).value().port, 4222);
}

TEST_F(LoadOptionsTest, FullSampleConfig) {
  std::vector<ConfWarning> warnings;
  auto r = load({"-c", kFullConf}, &warnings);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(warnings.empty());
  const ServerOptions& o = r.value();
  EXPECT_EQ(o.config_file, kFullConf);
  EXPECT_EQ(o.server_name, "quiver-full");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 4333);
  EXPECT_EQ(o.client_advertise, "nats.example.com:4333");
  // The values nats-server 2.9.10 reports in /varz for this file.
  EXPECT_EQ(o.max_payload, 2097152);
  EXPECT_EQ(o.max_control_line, 8192);
  EXPECT_EQ(o.max_pending, 134217728);
  EXPECT_EQ(o.max_connections, 1000);
  EXPECT_EQ(o.max_subscriptions, 500);
  EXPECT_EQ(o.max_sub_tokens, 32);
  EXPECT_EQ(o.ping_interval, 30s);
  EXPECT_EQ(o.ping_max, 3);
  EXPECT_EQ(o.write_deadline, 5s);
  EXPECT_EQ(o.lame_duck_duration, 1min);
  EXPECT_EQ(o.lame_duck_grace_period, 15s);
  EXPECT_EQ(o.http_host, "127.0.0.1");
  EXPECT_EQ(o.http_port, 8333);
  EXPECT_EQ(o.http_base_path, "/nats");
  EXPECT_FALSE(o.logging.debug);
  EXPECT_FALSE(o.logging.trace);
  EXPECT_TRUE(o.logging.logtime);
  EXPECT_EQ(o.logging.log_file, "/tmp/quiver-full.log");
  EXPECT_EQ(o.logging.log_size_limit, 10485760);
  EXPECT_EQ(o.logging.max_traced_msg_len, 256);
  EXPECT_EQ(o.pid_file, "/tmp/quiver-full.pid");
  EXPECT_EQ(o.ports_file_dir, "/tmp");
  EXPECT_EQ(o.server_tags, (std::vector<std::string>{"region:eu", "az:1"}));
  EXPECT_EQ(o.auth_timeout, 3s);
  EXPECT_EQ(o.auth.no_auth_user, "guest");
  ASSERT_EQ(o.auth.users.size(), 3u);
  const User& admin = o.auth.users[0];
  EXPECT_EQ(admin.username, "admin");
  EXPECT_EQ(admin.password, "s3cret");  // a variable defined in the included file
  EXPECT_EQ(admin.permissions->publish->allow, std::vector<std::string>{">"});
  const User& service = o.auth.users[1];
  EXPECT_EQ(service.password, "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG");
  EXPECT_EQ(service.permissions->publish->allow, (std::vector<std::string>{"svc.>", "events.*"}));
  EXPECT_EQ(service.permissions->publish->deny, std::vector<std::string>{"svc.admin.>"});
  EXPECT_EQ(service.permissions->subscribe->allow,
            (std::vector<std::string>{"svc.requests", "svc.work workers"}));
  EXPECT_EQ(service.permissions->response, (ResponsePermission{5, 1min}));
  EXPECT_EQ(service.allowed_connection_types, (std::vector<std::string>{"STANDARD", "WEBSOCKET"}));
  const User& guest = o.auth.users[2];  // default_permissions apply to it
  EXPECT_EQ(guest.permissions->publish->allow, std::vector<std::string>{"public.>"});
  EXPECT_EQ(guest.permissions->subscribe->allow,
            (std::vector<std::string>{"_INBOX.>", "public.>"}));
  EXPECT_TRUE(o.jetstream.enabled);
  EXPECT_EQ(o.jetstream.store_dir, "/tmp/quiver-full-js");
  EXPECT_EQ(o.jetstream.max_memory_store, 1000000000);
  EXPECT_EQ(o.jetstream.max_file_store, 10737418240);
  EXPECT_EQ(o.jetstream.domain, "hub");
}

TEST_F(LoadOptionsTest, FlagsOverrideTheConfigFile) {
  auto r = load({"-c", kFullConf, "-p", "5555", "-a", "0.0.0.0", "-DV", "-T=false", "-m", "9000",
                 "-n", "other", "-js=false", "-sd", "/other", "-l", "o.log", "-P", "o.pid"});
  ASSERT_TRUE(r) << r.error().message;
  const ServerOptions& o = r.value();
  EXPECT_EQ(o.port, 5555);
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_TRUE(o.logging.debug);
  EXPECT_TRUE(o.logging.trace);
  EXPECT_FALSE(o.logging.logtime);
  EXPECT_EQ(o.http_port, 9000);
  EXPECT_EQ(o.http_host, "127.0.0.1");  // from the file's http: "127.0.0.1:8333"
  EXPECT_EQ(o.server_name, "other");
  EXPECT_FALSE(o.jetstream.enabled);
  EXPECT_EQ(o.jetstream.store_dir, "/other");
  EXPECT_EQ(o.logging.log_file, "o.log");
  EXPECT_EQ(o.pid_file, "o.pid");
  // Untouched by flags, so still from the file.
  EXPECT_EQ(o.max_payload, 2097152);
  EXPECT_EQ(o.auth.users.size(), 3u);
}

TEST_F(LoadOptionsTest, ConfigFileUsesTheInjectedEnvironment) {
  const std::string conf = write("env.conf", "port: $QV_TEST_PORT\n");
  auto r = load({"-c", conf});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().port, 4777);
}

TEST_F(LoadOptionsTest, CheckConfigNeedsAConfigFile) {
  auto r = load({"-t"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "must specify [-c, --config] option to check configuration file syntax");
}

TEST_F(LoadOptionsTest, CheckConfigFailsOnNatsWarningsButNotOnIgnoredKeys) {
  const std::string conf = write("warn.conf", "ping_interval: 60\nprof_port: 6060\n");
  std::vector<ConfWarning> warnings;
  auto running = load({"-c", conf}, &warnings);
  ASSERT_TRUE(running) << running.error().message;
  EXPECT_EQ(running.value().ping_interval, 60s);
  ASSERT_EQ(warnings.size(), 2u);

  auto checked = load({"-c", conf, "-t"});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message,
            conf +
                ":1:1: invalid use of field \"ping_interval\": ping_interval should be "
                "converted to a duration");

  const std::string ignored_only = write("ignored.conf", "prof_port: 6060\n");
  EXPECT_TRUE(load({"-c", ignored_only, "-t"}));
}

TEST_F(LoadOptionsTest, ErrorsFromTheFileKeepTheirPosition) {
  const std::string conf = write("bad.conf", "port: 4222\n\nmax_payload: lots\n");
  auto r = load({"-c", conf});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kBadValue);
  EXPECT_EQ(r.error().message, conf + ":3:1: max_payload: expected an integer, got a string");
  auto missing = load({"-c", (dir_ / "nope.conf").string()});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::kIo);
}

TEST_F(LoadOptionsTest, UnsupportedFlagsRefuseToLoad) {
  auto r = load({"--tls", "--tlscert", "c.pem"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kUnsupported);
  EXPECT_EQ(r.error().message, "flag --tls is not supported by quiver-server");
}

TEST_F(LoadOptionsTest, AuthFlagConflicts) {
  auto both = load({"--user", "u", "--pass", "p", "--auth", "t"});
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message, "Cannot have a user/pass and token");
  auto with_users = load({"-c", kFullConf, "--user", "u"});
  ASSERT_FALSE(with_users);
  EXPECT_EQ(with_users.error().message,
            "Can not have a single user/pass or token and a users array");
  auto single = load({"--user", "u", "--pass", "p"});
  ASSERT_TRUE(single) << single.error().message;
  EXPECT_EQ(single.value().auth.username, "u");
  EXPECT_EQ(single.value().auth.password, "p");
}

TEST_F(LoadOptionsTest, CrossFieldValidationRunsAfterFlags) {
  const std::string conf = write("limits.conf", "max_payload: 2MB\nmax_pending: 1MB\n");
  auto r = load({"-c", conf});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "max_payload (2097152) cannot be higher than max_pending (1048576)");
  const std::string no_auth = write("noauth.conf", "no_auth_user: bob\n");
  EXPECT_EQ(load({"-c", no_auth}).error().message,
            "no_auth_user: \"bob\" present, but users are not defined");
}

}  // namespace
}  // namespace quiver::server::config
