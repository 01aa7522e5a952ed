#include "server/config/options.h"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <limits>

namespace quiver::server::config {
namespace {

using Map = ConfValue::Map;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool one_of(std::string_view key, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

std::string dq(std::string_view s) { return "\"" + std::string(s) + "\""; }

// An unsupported block that is empty or off changes nothing, so it is only a warning.
bool is_inert(const ConfValue& v) {
  switch (v.kind()) {
    case ConfValue::Kind::kNull:
      return true;
    case ConfValue::Kind::kBool:
      return !v.as_bool();
    case ConfValue::Kind::kInt:
      return v.as_int() == 0;
    case ConfValue::Kind::kDouble:
      return v.as_double() == 0;
    case ConfValue::Kind::kString:
      return v.as_string().empty();
    case ConfValue::Kind::kArray:
      return v.as_array().empty();
    case ConfValue::Kind::kMap:
      return v.as_map().empty();
  }
  return false;
}

// Go's net.SplitHostPort followed by strconv.Atoi on the port.
ConfResult<std::pair<std::string, int>> split_host_port(std::string_view s) {
  const std::string bad_address = "could not parse address string " + dq(s);
  std::string_view host, port;
  if (!s.empty() && s[0] == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return conf_error(errc::kBadValue, bad_address);
    }
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return conf_error(errc::kBadValue, bad_address);
    host = s.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return conf_error(errc::kBadValue, bad_address);
    port = s.substr(colon + 1);
  }
  int number = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size()) {
    return conf_error(errc::kBadValue, "could not parse port " + dq(port));
  }
  return std::pair<std::string, int>{std::string(host), number};
}

class Reader {
 public:
  explicit Reader(std::vector<ConfWarning>* warnings) : warnings_(warnings) {}

  ConfResult<void> read(const ConfValue& root, ServerOptions& o) {
    for (const ConfEntry& e : root.as_map()) {
      QV_TRY(top_level(e, o));
    }
    return success();
  }

 private:
  // ---- errors ----
  static ConfError bad(const SourcePos& at, std::string_view what, errc code = errc::kBadValue) {
    return conf_error(code, at.to_string() + ": " + std::string(what));
  }
  static ConfError bad(const ConfEntry& e, std::string_view what) {
    return bad(e.key_pos, e.key + ": " + std::string(what));
  }
  static ConfError type_error(const ConfEntry& e, std::string_view expected) {
    return bad(
        e, "expected " + std::string(expected) + ", got " + std::string(kind_name(e.value.kind())));
  }
  ConfResult<void> unknown(const ConfEntry& e) {
    if (e.value.used_as_variable) return success();
    return bad(e.key_pos, "unknown field " + dq(e.key), errc::kUnknownField);
  }
  void warn(const SourcePos& at, std::string what, bool ignored_option) {
    if (warnings_) warnings_->push_back(ConfWarning{at.to_string() + ": " + what, ignored_option});
  }
  ConfResult<void> unsupported(const ConfEntry& e) {
    if (is_inert(e.value)) {
      warn(e.key_pos, "field " + dq(e.key) + " is not supported by quiver-server and is ignored",
           true);
      return success();
    }
    return bad(e.key_pos, "field " + dq(e.key) + " is not supported by quiver-server",
               errc::kUnsupported);
  }
  void ignored(const ConfEntry& e) {
    warn(e.key_pos, "field " + dq(e.key) + " has no effect in quiver-server and is ignored", true);
  }

  // ---- typed getters ----
  static ConfResult<std::string> string_of(const ConfEntry& e) {
    if (!e.value.is_string()) return type_error(e, "a string");
    return e.value.as_string();
  }
  static ConfResult<bool> bool_of(const ConfEntry& e) {
    if (e.value.kind() != ConfValue::Kind::kBool) return type_error(e, "a boolean");
    return e.value.as_bool();
  }
  static ConfResult<std::int64_t> int_of(const ConfEntry& e) {
    if (!e.value.is_int()) return type_error(e, "an integer");
    return e.value.as_int();
  }
  static ConfResult<std::int64_t> int_in(const ConfEntry& e, std::int64_t lo, std::int64_t hi) {
    QV_TRY(auto v, int_of(e));
    if (v > hi) return bad(e.key_pos, e.key + " value is too big");
    if (v < lo) return bad(e.key_pos, e.key + " value can not be negative");
    return v;
  }
  static ConfResult<const Map*> map_of(const ConfEntry& e) {
    if (!e.value.is_map()) return type_error(e, "a map");
    return &e.value.as_map();
  }
  static ConfResult<std::vector<std::string>> strings_of(const ConfEntry& e) {
    if (e.value.is_string()) return std::vector<std::string>{e.value.as_string()};
    if (!e.value.is_array()) return type_error(e, "a string or an array of strings");
    std::vector<std::string> out;
    for (const ConfValue& v : e.value.as_array()) {
      if (!v.is_string()) {
        return bad(v.pos, e.key + ": expected an array of strings, got " +
                              std::string(kind_name(v.kind())) + " in it");
      }
      out.push_back(v.as_string());
    }
    return out;
  }
  // nats-server durations are strings ("2m"); a bare integer is taken as seconds with a warning.
  ConfResult<Duration> duration_of(const ConfEntry& e, std::string_view field) {
    if (e.value.is_string()) {
      auto d = parse_duration(e.value.as_string());
      if (!d)
        return bad(e.key_pos, "error parsing " + std::string(field) + ": " + d.error().message);
      return d.value();
    }
    if (e.value.is_int()) {
      warn(e.key_pos,
           "invalid use of field " + dq(field) + ": " + std::string(field) +
               " should be converted to a duration",
           false);
      return Duration(std::chrono::seconds(e.value.as_int()));
    }
    return type_error(e, "a duration string such as \"2m\"");
  }
  static ConfResult<Duration> non_negative(const ConfEntry& e, Duration d) {
    if (d < Duration::zero()) return bad(e, "must not be negative");
    return d;
  }
  // Old-style seconds (2, 0.5) as nats-server takes them; a duration string is accepted too.
  static ConfResult<Duration> seconds_of(const ConfEntry& e) {
    Duration d{};
    if (e.value.is_int()) {
      d = std::chrono::seconds(e.value.as_int());
    } else if (e.value.kind() == ConfValue::Kind::kDouble) {
      d = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(e.value.as_double()));
    } else if (e.value.is_string()) {
      auto parsed = parse_duration(e.value.as_string());
      if (!parsed) return bad(e, parsed.error().message);
      d = parsed.value();
    } else {
      return type_error(e, "a number of seconds");
    }
    return non_negative(e, d);
  }

  // ---- top level ----
  ConfResult<void> top_level(const ConfEntry& e, ServerOptions& o) {
    const std::string k = lower(e.key);
    if (k == "listen") {
      if (e.value.is_int()) {
        QV_TRY(auto port, int_in(e, -1, 65535));
        o.port = static_cast<int>(port);
        return success();
      }
      if (!e.value.is_string()) return type_error(e, "a port or \"host:port\"");
      auto hp = split_host_port(e.value.as_string());
      if (!hp) return bad(e.key_pos, hp.error().message);
      o.host = hp.value().first;
      o.port = hp.value().second;
      return success();
    }
    if (k == "port") {
      QV_TRY(auto port, int_in(e, -1, 65535));
      o.port = static_cast<int>(port);
      return success();
    }
    if (one_of(k, {"host", "net"})) return assign(string_of(e), o.host);
    if (k == "server_name") return assign(string_of(e), o.server_name);
    if (k == "client_advertise") return assign(string_of(e), o.client_advertise);
    if (k == "debug") return assign(bool_of(e), o.logging.debug);
    if (k == "trace") return assign(bool_of(e), o.logging.trace);
    if (k == "trace_verbose") {
      QV_TRY(auto v, bool_of(e));
      o.logging.trace_verbose = v;
      o.logging.trace = v;
      return success();
    }
    if (k == "logtime") return assign(bool_of(e), o.logging.logtime);
    if (one_of(k, {"logfile", "log_file"})) return assign(string_of(e), o.logging.log_file);
    if (one_of(k, {"logfile_size_limit", "log_size_limit"})) {
      return assign(int_in(e, 0, std::numeric_limits<std::int64_t>::max()),
                    o.logging.log_size_limit);
    }
    if (k == "syslog") return assign(bool_of(e), o.logging.syslog);
    if (k == "remote_syslog") return assign(string_of(e), o.logging.remote_syslog);
    if (k == "max_traced_msg_len") {
      return assign(int_in(e, 0, std::numeric_limits<int>::max()), o.logging.max_traced_msg_len);
    }
    if (one_of(k, {"pidfile", "pid_file"})) return assign(string_of(e), o.pid_file);
    if (k == "ports_file_dir") return assign(string_of(e), o.ports_file_dir);
    if (k == "http") {
      if (e.value.is_int()) {
        QV_TRY(auto port, int_in(e, -1, 65535));
        o.http_port = static_cast<int>(port);
        return success();
      }
      if (!e.value.is_string()) return type_error(e, "a port or \"host:port\"");
      auto hp = split_host_port(e.value.as_string());
      if (!hp) return bad(e.key_pos, hp.error().message);
      o.http_host = hp.value().first;
      o.http_port = hp.value().second;
      return success();
    }
    if (one_of(k, {"http_port", "monitor_port"})) {
      QV_TRY(auto port, int_in(e, -1, 65535));
      o.http_port = static_cast<int>(port);
      return success();
    }
    if (k == "http_base_path") return assign(string_of(e), o.http_base_path);
    if (k == "max_control_line") {
      QV_TRY(auto v, int_in(e, 0, std::numeric_limits<std::int32_t>::max()));
      o.max_control_line = v == 0 ? kDefaultMaxControlLine : static_cast<std::int32_t>(v);
      return success();
    }
    if (k == "max_payload") {
      QV_TRY(auto v, int_in(e, 0, std::numeric_limits<std::int32_t>::max()));
      o.max_payload = v == 0 ? kDefaultMaxPayload : static_cast<std::int32_t>(v);
      return success();
    }
    if (k == "max_pending") {
      QV_TRY(auto v, int_in(e, 0, std::numeric_limits<std::int64_t>::max()));
      o.max_pending = v == 0 ? kDefaultMaxPending : v;
      return success();
    }
    if (one_of(k, {"max_connections", "max_conn"})) {
      QV_TRY(auto v, int_in(e, 0, std::numeric_limits<int>::max()));
      o.max_connections = v == 0 ? kDefaultMaxConnections : static_cast<int>(v);
      return success();
    }
    if (one_of(k, {"max_subscriptions", "max_subs"})) {
      QV_TRY(auto v, int_in(e, 0, std::numeric_limits<int>::max()));
      o.max_subscriptions = static_cast<int>(v);
      return success();
    }
    if (one_of(k, {"max_sub_tokens", "max_subscription_tokens"})) {
      QV_TRY(auto v, int_in(e, 1, 255));
      o.max_sub_tokens = static_cast<int>(v);
      return success();
    }
    if (k == "ping_interval") {
      QV_TRY(auto d, duration_of(e, "ping_interval"));
      QV_TRY(non_negative(e, d));
      o.ping_interval = d == Duration::zero() ? kDefaultPingInterval : d;
      return success();
    }
    if (k == "ping_max") {
      QV_TRY(auto v, int_in(e, 0, std::numeric_limits<int>::max()));
      o.ping_max = v == 0 ? kDefaultPingMax : static_cast<int>(v);
      return success();
    }
    if (k == "write_deadline") {
      QV_TRY(auto d, duration_of(e, "write_deadline"));
      QV_TRY(non_negative(e, d));
      o.write_deadline = d == Duration::zero() ? kDefaultWriteDeadline : d;
      return success();
    }
    if (k == "lame_duck_duration") {
      QV_TRY(auto s, string_of(e));
      auto d = parse_duration(s);
      if (!d) return bad(e.key_pos, "error parsing lame_duck_duration: " + d.error().message);
      if (d.value() < kMinLameDuckDuration) {
        return bad(e.key_pos, "invalid lame_duck_duration of " + format_duration(d.value()) +
                                  ", minimum is 30 seconds");
      }
      o.lame_duck_duration = d.value();
      return success();
    }
    if (k == "lame_duck_grace_period") {
      QV_TRY(auto s, string_of(e));
      auto d = parse_duration(s);
      if (!d) return bad(e.key_pos, "error parsing lame_duck_grace_period: " + d.error().message);
      if (d.value() < Duration::zero()) {
        return bad(e.key_pos, "invalid lame_duck_grace_period, needs to be positive");
      }
      o.lame_duck_grace_period =
          d.value() == Duration::zero() ? kDefaultLameDuckGracePeriod : d.value();
      return success();
    }
    if (k == "authorization") return authorization(e, o);
    if (k == "no_auth_user") return assign(string_of(e), o.auth.no_auth_user);
    if (one_of(k, {"store_dir", "storedir"})) {
      if (!o.jetstream.store_dir.empty()) {
        return bad(e.key_pos, "Duplicate 'store_dir' configuration");
      }
      return assign(string_of(e), o.jetstream.store_dir);
    }
    if (k == "jetstream") return jetstream(e, o);
    if (k == "no_header_support") return assign(bool_of(e), o.no_header_support);
    if (one_of(k, {"disable_sublist_cache", "no_sublist_cache"})) {
      return assign(bool_of(e), o.disable_sublist_cache);
    }
    if (k == "server_tags") return assign(strings_of(e), o.server_tags);
    if (one_of(k, {"prof_port", "connect_error_reports", "reconnect_error_reports",
                   "system_account", "system", "no_system_account", "no_system", "no_sys_acc",
                   "allow_non_tls", "default_js_domain"})) {
      ignored(e);
      return success();
    }
    if (one_of(k, {"https",
                   "https_port",
                   "tls",
                   "ocsp",
                   "cluster",
                   "gateway",
                   "leaf",
                   "leafnodes",
                   "accounts",
                   "mappings",
                   "maps",
                   "operator",
                   "operators",
                   "roots",
                   "root",
                   "root_operators",
                   "root_operator",
                   "resolver",
                   "account_resolver",
                   "accounts_resolver",
                   "resolver_tls",
                   "resolver_preload",
                   "resolver_pinned_accounts",
                   "trusted",
                   "trusted_keys",
                   "websocket",
                   "ws",
                   "mqtt"})) {
      return unsupported(e);
    }
    return unknown(e);
  }

  template <class T, class U>
  static ConfResult<void> assign(ConfResult<T> value, U& field) {
    if (!value) return value.error();
    field = static_cast<U>(std::move(value).value());
    return success();
  }

  // ---- jetstream ----
  static ConfResult<std::int64_t> storage_size(const ConfEntry& e, std::string_view field) {
    if (e.value.is_int()) return e.value.as_int();
    if (!e.value.is_string())
      return bad(e.key_pos, std::string(field) + " must be int64 or string");
    const std::string& s = e.value.as_string();
    if (s.empty()) return std::int64_t{0};
    int shift = 0;
    switch (s.back()) {
      case 'K':
        shift = 10;
        break;
      case 'M':
        shift = 20;
        break;
      case 'G':
        shift = 30;
        break;
      case 'T':
        shift = 40;
        break;
      default:
        return bad(e.key_pos,
                   std::string(field) + " sizes defined as strings must end in K, M, G, T");
    }
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size() - 1, n);
    if (s.size() == 1 || ec != std::errc() || ptr != s.data() + s.size() - 1) {
      return bad(e.key_pos, std::string(field) + " cannot parse size " + dq(s));
    }
    std::int64_t out = 0;
    if (__builtin_mul_overflow(n, std::int64_t{1} << shift, &out)) {
      return bad(e.key_pos, std::string(field) + " size " + dq(s) + " is out of range");
    }
    return out;
  }

  ConfResult<void> jetstream(const ConfEntry& e, ServerOptions& o) {
    if (e.value.kind() == ConfValue::Kind::kBool) {
      o.jetstream.enabled = e.value.as_bool();
      return success();
    }
    if (e.value.is_string()) {
      const std::string v = lower(e.value.as_string());
      if (v == "enabled" || v == "enable") {
        o.jetstream.enabled = true;
      } else if (v == "disabled" || v == "disable") {
        o.jetstream.enabled = false;
      } else {
        return bad(e.key_pos, "Expected 'enabled' or 'disabled' for string value, got '" +
                                  e.value.as_string() + "'");
      }
      return success();
    }
    if (!e.value.is_map()) return type_error(e, "a map, a boolean or a string");
    bool enable = true;
    for (const ConfEntry& m : e.value.as_map()) {
      const std::string k = lower(m.key);
      if (one_of(k, {"store", "store_dir", "storedir"})) {
        if (!o.jetstream.store_dir.empty()) {
          return bad(m.key_pos, "Duplicate 'store_dir' configuration");
        }
        QV_TRY(assign(string_of(m), o.jetstream.store_dir));
      } else if (one_of(k, {"max_memory_store", "max_mem_store", "max_mem"})) {
        QV_TRY(assign(storage_size(m, "max_mem_store"), o.jetstream.max_memory_store));
      } else if (one_of(k, {"max_file_store", "max_file"})) {
        QV_TRY(assign(storage_size(m, "max_file_store"), o.jetstream.max_file_store));
      } else if (k == "domain") {
        QV_TRY(assign(string_of(m), o.jetstream.domain));
      } else if (k == "sync_interval" || k == "sync") {
        if (m.value.is_string() && lower(m.value.as_string()) == "always") {
          o.jetstream.sync_interval = Duration::zero();
        } else {
          QV_TRY(auto d, duration_of(m, "sync_interval"));
          if (d <= Duration::zero())
            return bad(m.key_pos, "sync_interval must be positive or \"always\"");
          o.jetstream.sync_interval = d;
        }
      } else if (one_of(k, {"enable", "enabled"})) {
        QV_TRY(assign(bool_of(m), enable));
      } else if (one_of(k, {"key", "ek", "encryption_key", "cipher"})) {
        QV_TRY(unsupported(m));
      } else if (one_of(k, {"extension_hint", "unique_tag", "max_outstanding_catchup", "limits"})) {
        ignored(m);
      } else {
        QV_TRY(unknown(m));
      }
    }
    o.jetstream.enabled = enable;
    return success();
  }

  // ---- authorization ----
  ConfResult<void> authorization(const ConfEntry& e, ServerOptions& o) {
    QV_TRY(auto map, map_of(e));
    AuthOptions auth;
    auth.no_auth_user = o.auth.no_auth_user;
    std::optional<Duration> timeout;
    std::optional<std::vector<User>> users;
    std::optional<Permissions> default_permissions;
    for (const ConfEntry& m : *map) {
      const std::string k = lower(m.key);
      if (one_of(k, {"user", "username"})) {
        QV_TRY(assign(string_of(m), auth.username));
      } else if (one_of(k, {"pass", "password"})) {
        QV_TRY(assign(string_of(m), auth.password));
      } else if (k == "token") {
        QV_TRY(assign(string_of(m), auth.token));
      } else if (k == "timeout") {
        QV_TRY(auto d, seconds_of(m));
        timeout = d;
      } else if (k == "users") {
        QV_TRY(auto list, parse_users(m));
        users = std::move(list);
      } else if (one_of(k, {"default_permission", "default_permissions", "permissions"})) {
        QV_TRY(auto p, parse_permissions(m));
        default_permissions = std::move(p);
      } else {
        QV_TRY(unknown(m));
      }
    }
    if ((!auth.username.empty() || !auth.password.empty()) && !auth.token.empty()) {
      return bad(e.key_pos, "Cannot have a user/pass and token");
    }
    if (users) {
      if (!auth.username.empty()) {
        return bad(e.key_pos, "Can not have a single user/pass and a users array");
      }
      if (!auth.token.empty()) return bad(e.key_pos, "Can not have a token and a users array");
      for (User& u : *users) {
        if (!u.permissions && default_permissions) u.permissions = default_permissions;
      }
      auth.users = std::move(*users);
    }
    o.auth = std::move(auth);
    o.auth_timeout = (!timeout || *timeout == Duration::zero()) ? kDefaultAuthTimeout : *timeout;
    return success();
  }

  ConfResult<std::vector<User>> parse_users(const ConfEntry& e) {
    if (!e.value.is_array()) return type_error(e, "an array of users");
    std::vector<User> users;
    for (const ConfValue& item : e.value.as_array()) {
      if (!item.is_map()) {
        return bad(item.pos, "Expected user entry to be a map/struct, got " +
                                 std::string(kind_name(item.kind())));
      }
      User user;
      for (const ConfEntry& m : item.as_map()) {
        const std::string k = lower(m.key);
        if (k == "nkey") {
          return bad(m.key_pos, "nkey users are not supported by quiver-server",
                     errc::kUnsupported);
        } else if (one_of(k, {"user", "username"})) {
          QV_TRY(assign(string_of(m), user.username));
        } else if (one_of(k, {"pass", "password"})) {
          QV_TRY(assign(string_of(m), user.password));
        } else if (one_of(k, {"permission", "permissions", "authorization"})) {
          QV_TRY(auto p, parse_permissions(m));
          user.permissions = std::move(p);
        } else if (one_of(k, {"allowed_connection_types", "connection_types", "clients"})) {
          QV_TRY(auto types, strings_of(m));
          std::vector<std::string> invalid;
          for (std::string& t : types) {
            t = upper(t);
            if (!one_of(t, {"STANDARD", "WEBSOCKET", "MQTT", "LEAFNODE"})) invalid.push_back(t);
          }
          if (!invalid.empty()) {
            std::string list;
            for (const auto& t : invalid) list += (list.empty() ? "" : " ") + dq(t);
            return bad(m.key_pos, "invalid connection types [" + list + "]");
          }
          user.allowed_connection_types = std::move(types);
        } else {
          QV_TRY(unknown(m));
        }
      }
      if (user.username.empty()) return bad(item.pos, "User entry requires a user");
      for (const User& other : users) {
        if (other.username == user.username) {
          return bad(e.key_pos, "Duplicate user " + dq(user.username) + " detected");
        }
      }
      users.push_back(std::move(user));
    }
    return users;
  }

  ConfResult<Permissions> parse_permissions(const ConfEntry& e) {
    if (!e.value.is_map()) {
      return bad(e.key_pos, "Expected permissions to be a map/struct, got " +
                                std::string(kind_name(e.value.kind())));
    }
    Permissions p;
    for (const ConfEntry& m : e.value.as_map()) {
      const std::string k = lower(m.key);
      if (one_of(k, {"pub", "publish", "import"})) {
        QV_TRY(auto sp, subject_permission(m));
        p.publish = std::move(sp);
      } else if (one_of(k, {"sub", "subscribe", "export"})) {
        QV_TRY(auto sp, subject_permission(m));
        p.subscribe = std::move(sp);
      } else if (one_of(k, {"publish_allow_responses", "allow_responses"})) {
        if (m.value.kind() == ConfValue::Kind::kBool) {
          if (m.value.as_bool()) {
            p.response = ResponsePermission{};
          } else {
            p.response.reset();
          }
        } else {
          QV_TRY(auto rp, response_permission(m));
          p.response = rp;
        }
      } else if (!m.value.used_as_variable) {
        return bad(m.key_pos, "Unknown field " + dq(m.key) + " parsing permissions",
                   errc::kUnknownField);
      }
    }
    // Responses alone must not open every subject: nats-server then allows publishing nothing
    // but the replies.
    if (p.response) {
      if (!p.publish) p.publish = SubjectPermission{};
      if (!p.publish->allow) p.publish->allow = std::vector<std::string>{};
    }
    return p;
  }

  // A map {allow, deny} or, old style, a subject or a list of subjects to allow.
  ConfResult<std::optional<SubjectPermission>> subject_permission(const ConfEntry& e) {
    SubjectPermission sp;
    if (!e.value.is_map()) {
      QV_TRY(auto subjects, permission_subjects(e));
      if (!subjects.empty()) sp.allow = std::move(subjects);
      return std::optional<SubjectPermission>(std::move(sp));
    }
    if (e.value.as_map().empty()) return std::optional<SubjectPermission>();
    for (const ConfEntry& m : e.value.as_map()) {
      const std::string k = lower(m.key);
      if (k == "allow") {
        QV_TRY(auto subjects, permission_subjects(m));
        if (subjects.empty()) {
          sp.allow.reset();
        } else {
          sp.allow = std::move(subjects);
        }
      } else if (k == "deny") {
        QV_TRY(auto subjects, permission_subjects(m));
        sp.deny = std::move(subjects);
      } else if (!m.value.used_as_variable) {
        return bad(m.key_pos,
                   "Unknown field name " + dq(m.key) +
                       " parsing subject permissions, only 'allow' or 'deny' are permitted",
                   errc::kUnknownField);
      }
    }
    return std::optional<SubjectPermission>(std::move(sp));
  }

  static ConfResult<std::vector<std::string>> permission_subjects(const ConfEntry& e) {
    std::vector<std::string> subjects;
    if (e.value.is_string()) {
      subjects.push_back(e.value.as_string());
    } else if (e.value.is_array()) {
      for (const ConfValue& v : e.value.as_array()) {
        if (!v.is_string()) {
          return bad(v.pos, "Subject in permissions array cannot be cast to string");
        }
        subjects.push_back(v.as_string());
      }
    } else {
      return bad(e.key_pos,
                 "Expected subject permissions to be a subject, or array of subjects, got " +
                     std::string(kind_name(e.value.kind())));
    }
    for (const std::string& s : subjects) {
      if (is_valid_subject(s)) continue;
      // "subject queue" restricts a queue subscription.
      std::vector<std::string_view> fields;
      std::size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
        if (i > start) fields.push_back(std::string_view(s).substr(start, i - start));
      }
      if (fields.size() != 2) {
        return bad(e.key_pos, "subject " + dq(s) + " is not a valid subject");
      }
      if (!is_valid_subject(fields[0])) {
        return bad(e.key_pos, "subject " + dq(fields[0]) + " is not a valid subject");
      }
    }
    return subjects;
  }

  ConfResult<ResponsePermission> response_permission(const ConfEntry& e) {
    if (!e.value.is_map()) {
      return bad(e.key_pos, "error parsing response permissions, expected a boolean or a map");
    }
    ResponsePermission rp;
    for (const ConfEntry& m : e.value.as_map()) {
      const std::string k = lower(m.key);
      if (one_of(k, {"max", "max_msgs", "max_messages", "max_responses"})) {
        QV_TRY(auto v, int_of(m));
        if (v != 0) rp.max_msgs = v;  // negative: unlimited; 0: default
      } else if (one_of(k, {"expires", "expiration", "ttl"})) {
        if (!m.value.is_string()) {
          return bad(m.key_pos, "error parsing expires, not a duration string");
        }
        auto d = parse_duration(m.value.as_string());
        if (!d) return bad(m.key_pos, "error parsing expires: " + d.error().message);
        if (d.value() != Duration::zero()) rp.expires = d.value();
      } else if (!m.value.used_as_variable) {
        return bad(m.key_pos, "Unknown field " + dq(m.key) + " parsing permissions",
                   errc::kUnknownField);
      }
    }
    return rp;
  }

  std::vector<ConfWarning>* warnings_;
};

}  // namespace

ConfResult<ServerOptions> options_from_config(const ConfValue& root, ServerOptions base,
                                              std::vector<ConfWarning>* warnings) {
  if (!root.is_map()) {
    return conf_error(errc::kBadValue, root.pos.to_string() + ": expected a map of options");
  }
  Reader reader(warnings);
  QV_TRY(reader.read(root, base));
  return base;
}

ConfResult<void> validate_options(const ServerOptions& o) {
  if (o.max_payload > o.max_pending) {
    return conf_error(errc::kBadValue, "max_payload (" + std::to_string(o.max_payload) +
                                           ") cannot be higher than max_pending (" +
                                           std::to_string(o.max_pending) + ")");
  }
  if (o.lame_duck_grace_period >= o.lame_duck_duration) {
    return conf_error(errc::kBadValue, "lame duck grace period (" +
                                           format_duration(o.lame_duck_grace_period) +
                                           ") should be strictly lower than lame duck duration (" +
                                           format_duration(o.lame_duck_duration) + ")");
  }
  if (!o.auth.no_auth_user.empty()) {
    if (o.auth.users.empty()) {
      return conf_error(errc::kBadValue, "no_auth_user: " + dq(o.auth.no_auth_user) +
                                             " present, but users are not defined");
    }
    const bool found = std::any_of(o.auth.users.begin(), o.auth.users.end(), [&](const User& u) {
      return u.username == o.auth.no_auth_user;
    });
    if (!found) {
      return conf_error(errc::kBadValue,
                        "no_auth_user: " + dq(o.auth.no_auth_user) +
                            " not present as user in authorization block or account configuration");
    }
  }
  if (o.port < 0 || o.port > 65535) {
    return conf_error(errc::kBadValue, "invalid port " + std::to_string(o.port));
  }
  if (o.http_port < -1 || o.http_port > 65535) {
    return conf_error(errc::kBadValue, "invalid http_port " + std::to_string(o.http_port));
  }
  return success();
}

ConfResult<Duration> parse_duration(std::string_view text) {
  const std::string original(text);
  auto invalid = [&] {
    return conf_error(errc::kBadValue, "time: invalid duration " + dq(original));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration::zero();
  if (s.empty()) return invalid();
  // Go accumulates in uint64 nanoseconds and rejects anything above 1<<63 - 1.
  constexpr std::uint64_t kMax =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    std::uint64_t whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (whole > (kMax - (s[i] - '0')) / 10) return invalid();
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
    }
    const bool had_whole = i > 0;
    s.remove_prefix(i);
    std::uint64_t frac = 0;
    double scale = 1;
    bool had_frac = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      std::size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) {
        if (overflow) continue;
        if (frac > (kMax - (s[j] - '0')) / 10) {
          overflow = true;  // further digits cannot matter
          continue;
        }
        frac = frac * 10 + static_cast<std::uint64_t>(s[j] - '0');
        scale *= 10;
      }
      had_frac = j > 0;
      s.remove_prefix(j);
    }
    if (!had_whole && !had_frac) return invalid();
    std::size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == 0) {
      return conf_error(errc::kBadValue, "time: missing unit in duration " + dq(original));
    }
    const std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    std::uint64_t unit = 0;
    if (unit_name == "ns") {
      unit = 1;
    } else if (unit_name == "us" || unit_name == "\xC2\xB5s" || unit_name == "\xCE\xBCs") {
      unit = 1000;
    } else if (unit_name == "ms") {
      unit = 1000 * 1000;
    } else if (unit_name == "s") {
      unit = 1000 * 1000 * 1000;
    } else if (unit_name == "m") {
      unit = 60ull * 1000 * 1000 * 1000;
    } else if (unit_name == "h") {
      unit = 3600ull * 1000 * 1000 * 1000;
    } else {
      return conf_error(errc::kBadValue,
                        "time: unknown unit " + dq(unit_name) + " in duration " + dq(original));
    }
    if (whole > kMax / unit) return invalid();
    std::uint64_t v = whole * unit;
    if (frac > 0) {
      v += static_cast<std::uint64_t>(static_cast<double>(frac) *
                                      (static_cast<double>(unit) / scale));
      if (v > kMax) return invalid();
    }
    total += v;
    if (total > kMax) return invalid();
  }
  const auto ns = static_cast<std::int64_t>(total);
  return Duration(negative ? -ns : ns);
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  const bool negative = ns < 0;
  // |INT64_MIN| does not fit; it is not a duration anyone configures.
  std::uint64_t u =
      negative ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  auto fraction = [](std::uint64_t value, int digits) {
    // value has `digits` decimals; print "int.frac" without trailing zeros.
    std::uint64_t div = 1;
    for (int i = 0; i < digits; ++i) div *= 10;
    std::string out = std::to_string(value / div);
    std::uint64_t rest = value % div;
    if (rest != 0) {
      std::string f = std::to_string(rest);
      f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
      while (!f.empty() && f.back() == '0') f.pop_back();
      out += "." + f;
    }
    return out;
  };
  std::string out;
  if (u < 1000ull * 1000 * 1000) {
    if (u < 1000) {
      out = std::to_string(u) + "ns";
    } else if (u < 1000 * 1000) {
      out = fraction(u, 3) + "\xC2\xB5s";
    } else {
      out = fraction(u, 6) + "ms";
    }
  } else {
    const std::uint64_t hours = u / (3600ull * 1000 * 1000 * 1000);
    u -= hours * 3600ull * 1000 * 1000 * 1000;
    const std::uint64_t minutes = u / (60ull * 1000 * 1000 * 1000);
    u -= minutes * 60ull * 1000 * 1000 * 1000;
    out = fraction(u, 9) + "s";
    if (hours > 0 || minutes > 0) out = std::to_string(minutes) + "m" + out;
    if (hours > 0) out = std::to_string(hours) + "h" + out;
  }
  return negative ? "-" + out : out;
}

bool is_valid_subject(std::string_view subject) {
  if (subject.empty()) return false;
  bool full_wildcard_seen = false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = subject.find('.', start);
    const std::string_view token =
        subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty() || full_wildcard_seen) return false;
    if (token.size() > 1) {
      if (token.find_first_of(" \t\n\f\r") != std::string_view::npos) return false;
    } else {
      switch (token[0]) {
        case '>':
          full_wildcard_seen = true;
          break;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case '\f':
          return false;
        default:
          break;
      }
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace quiver::server::config
