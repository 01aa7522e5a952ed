// ServerOptions: every setting of quiver-server, with nats-server 2.9.10's defaults, and the
// mapping from a parsed config file (ConfValue) onto it.
//
// Keys, aliases, types and error texts follow nats-server's processConfigFileLine. Keys are
// matched case-insensitively. A key nats-server does not know is an error ("unknown field"),
// unless it is a variable used elsewhere. A key nats-server knows but quiver-server does not
// implement is an error when ignoring it would change behaviour (tls, cluster, accounts, ...)
// and a warning when it would not (prof_port, system_account, ...).
//
// Deliberately stricter than nats-server 2.9.10: negative limits, an authorization timeout that
// is not a number or duration, and negative durations are errors (nats-server takes them, or
// silently substitutes 1 second for a bad timeout).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/conf_error.h"
#include "server/config/conf_parser.h"

namespace quiver::server::config {

using Duration = std::chrono::nanoseconds;

inline constexpr std::int32_t kDefaultMaxPayload = 1024 * 1024;
inline constexpr std::int32_t kDefaultMaxControlLine = 4096;
inline constexpr std::int64_t kDefaultMaxPending = 64 * 1024 * 1024;
inline constexpr int kDefaultMaxConnections = 64 * 1024;
inline constexpr int kDefaultPingMax = 2;
inline constexpr Duration kDefaultPingInterval = std::chrono::minutes(2);
inline constexpr Duration kDefaultWriteDeadline = std::chrono::seconds(10);
inline constexpr Duration kDefaultAuthTimeout = std::chrono::seconds(2);
inline constexpr Duration kDefaultLameDuckDuration = std::chrono::minutes(2);
inline constexpr Duration kDefaultLameDuckGracePeriod = std::chrono::seconds(10);
inline constexpr Duration kMinLameDuckDuration = std::chrono::seconds(30);
inline constexpr std::int64_t kDefaultResponseMaxMsgs = 1;
inline constexpr Duration kDefaultResponseExpires = std::chrono::minutes(2);

struct SubjectPermission {
  // nullopt: no allow list, everything not denied is allowed. An empty list allows nothing
  // (nats-server builds one for allow_responses without a publish allow list).
  std::optional<std::vector<std::string>> allow;
  std::vector<std::string> deny;  // entries may be "subject queue" for queue subscriptions

  bool operator==(const SubjectPermission&) const = default;
};

// allow_responses: may publish to reply subjects of requests received, max_msgs times within
// `expires` (negative values mean unlimited).
struct ResponsePermission {
  std::int64_t max_msgs = kDefaultResponseMaxMsgs;
  Duration expires = kDefaultResponseExpires;

  bool operator==(const ResponsePermission&) const = default;
};

struct Permissions {
  std::optional<SubjectPermission> publish;  // nullopt: unrestricted
  std::optional<SubjectPermission> subscribe;
  std::optional<ResponsePermission> response;

  bool operator==(const Permissions&) const = default;
};

struct User {
  std::string username;
  std::string password;  // plain text, or a bcrypt hash starting with "$2a$"
  std::optional<Permissions> permissions;
  std::vector<std::string> allowed_connection_types;  // upper case; empty: all

  bool operator==(const User&) const = default;
};

// The `authorization { }` block plus no_auth_user. At most one of user/password, token or
// users is set.
struct AuthOptions {
  std::string username;
  std::string password;
  std::string token;
  std::vector<User> users;  // default_permissions are already applied to each user
  std::string no_auth_user;

  bool operator==(const AuthOptions&) const = default;
};

struct LoggingOptions {
  bool debug = false;
  bool trace = false;
  bool trace_verbose = false;  // implies trace
  bool logtime = true;
  std::string log_file;
  std::int64_t log_size_limit = 0;
  bool syslog = false;
  std::string remote_syslog;
  std::int64_t max_traced_msg_len = 0;  // 0: unlimited

  bool operator==(const LoggingOptions&) const = default;
};

struct JetStreamOptions {
  bool enabled = false;
  std::string store_dir;
  std::int64_t max_memory_store = -1;  // -1: size dynamically, as nats-server does
  std::int64_t max_file_store = -1;
  std::string domain;
  // When stored messages reach disk. Zero ("always", the default): fsync before the publish
  // acknowledgement, with group commit. Positive: acknowledge once written to the OS and fsync
  // every sync_interval (faster; a power loss can lose the last interval's messages).
  Duration sync_interval{0};

  bool operator==(const JetStreamOptions&) const = default;
};

struct ServerOptions {
  std::string config_file;
  std::string server_name;  // empty: the server id is used
  std::string host = "0.0.0.0";
  int port = 4222;  // after load_options, 0 means an ephemeral port (nats-server's -1)
  std::string client_advertise;

  std::int32_t max_payload = kDefaultMaxPayload;
  std::int32_t max_control_line = kDefaultMaxControlLine;
  std::int64_t max_pending = kDefaultMaxPending;
  int max_connections = kDefaultMaxConnections;
  int max_subscriptions = 0;  // per connection; 0: unlimited
  int max_sub_tokens = 0;     // 0: unlimited, else 1..255
  Duration ping_interval = kDefaultPingInterval;
  int ping_max = kDefaultPingMax;
  Duration write_deadline = kDefaultWriteDeadline;
  Duration auth_timeout = kDefaultAuthTimeout;
  Duration lame_duck_duration = kDefaultLameDuckDuration;
  Duration lame_duck_grace_period = kDefaultLameDuckGracePeriod;

  std::string http_host;  // empty until load_options, which defaults it to `host`
  int http_port = 0;      // 0: monitoring off; -1: ephemeral port
  std::string http_base_path;

  LoggingOptions logging;
  std::string pid_file;
  std::string ports_file_dir;
  AuthOptions auth;
  JetStreamOptions jetstream;
  bool no_header_support = false;
  bool disable_sublist_cache = false;
  std::vector<std::string> server_tags;

  bool operator==(const ServerOptions&) const = default;
};

struct ConfWarning {
  std::string message;  // "file:line:col: text"
  // False: nats-server warns too (e.g. `ping_interval: 60` instead of "60s"), and `-t` fails on
  // it as nats-server's does. True: a key nats-server accepts that has no effect here.
  bool ignored_option = false;
};

// Applies a parsed config file onto `base` (normally default ServerOptions). Warnings are
// appended to `warnings` when it is given.
ConfResult<ServerOptions> options_from_config(const ConfValue& root, ServerOptions base = {},
                                              std::vector<ConfWarning>* warnings = nullptr);

// Cross-field checks nats-server makes before starting (max_payload <= max_pending, ...).
ConfResult<void> validate_options(const ServerOptions& options);

// Go's time.ParseDuration: "1h30m", "2.5s", "500ms", "-1m", "0". Errors read like Go's,
// e.g. `time: invalid duration "abc"`.
ConfResult<Duration> parse_duration(std::string_view text);

// Go's time.Duration.String(): "2m0s", "500ms", "1h0m0s".
std::string format_duration(Duration d);

// A NATS subject as nats-server's IsValidSubject accepts it (wildcards allowed).
bool is_valid_subject(std::string_view subject);

}  // namespace quiver::server::config
