#include "server/config/reload.h"

#include <functional>
#include <string>

namespace quiver::server::config {
namespace {

struct Field {
  std::string_view name;
  bool reloadable;
  std::function<bool(const ServerOptions&, const ServerOptions&)> same;
};

template <class Member>
std::function<bool(const ServerOptions&, const ServerOptions&)> by(Member member) {
  return [member](const ServerOptions& a, const ServerOptions& b) {
    return std::invoke(member, a) == std::invoke(member, b);
  };
}

template <class Getter>
std::function<bool(const ServerOptions&, const ServerOptions&)> by_get(Getter get) {
  return [get](const ServerOptions& a, const ServerOptions& b) { return get(a) == get(b); };
}

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {"server_name", false, by(&ServerOptions::server_name)},
      {"host", false, by(&ServerOptions::host)},
      {"port", false, by(&ServerOptions::port)},
      {"client_advertise", true, by(&ServerOptions::client_advertise)},
      {"max_payload", true, by(&ServerOptions::max_payload)},
      {"max_control_line", true, by(&ServerOptions::max_control_line)},
      {"max_pending", false, by(&ServerOptions::max_pending)},
      {"max_connections", true, by(&ServerOptions::max_connections)},
      {"max_subscriptions", false, by(&ServerOptions::max_subscriptions)},
      {"max_sub_tokens", false, by(&ServerOptions::max_sub_tokens)},
      {"ping_interval", true, by(&ServerOptions::ping_interval)},
      {"ping_max", true, by(&ServerOptions::ping_max)},
      {"write_deadline", true, by(&ServerOptions::write_deadline)},
      {"authorization.timeout", true, by(&ServerOptions::auth_timeout)},
      {"lame_duck_duration", false, by(&ServerOptions::lame_duck_duration)},
      {"lame_duck_grace_period", false, by(&ServerOptions::lame_duck_grace_period)},
      {"http_host", false, by(&ServerOptions::http_host)},
      {"http_port", false, by(&ServerOptions::http_port)},
      {"http_base_path", false, by(&ServerOptions::http_base_path)},
      {"debug", true, by_get([](const ServerOptions& o) { return o.logging.debug; })},
      {"trace", true, by_get([](const ServerOptions& o) { return o.logging.trace; })},
      {"trace_verbose", true,
       by_get([](const ServerOptions& o) { return o.logging.trace_verbose; })},
      {"logtime", true, by_get([](const ServerOptions& o) { return o.logging.logtime; })},
      {"log_file", true, by_get([](const ServerOptions& o) { return o.logging.log_file; })},
      {"log_size_limit", false,
       by_get([](const ServerOptions& o) { return o.logging.log_size_limit; })},
      {"syslog", true, by_get([](const ServerOptions& o) { return o.logging.syslog; })},
      {"remote_syslog", true,
       by_get([](const ServerOptions& o) { return o.logging.remote_syslog; })},
      {"max_traced_msg_len", true,
       by_get([](const ServerOptions& o) { return o.logging.max_traced_msg_len; })},
      {"pid_file", true, by(&ServerOptions::pid_file)},
      {"ports_file_dir", true, by(&ServerOptions::ports_file_dir)},
      {"authorization", true, by_get([](const ServerOptions& o) {
         // no_auth_user is its own, non-reloadable, option.
         AuthOptions a = o.auth;
         a.no_auth_user.clear();
         return a;
       })},
      {"no_auth_user", false, by_get([](const ServerOptions& o) { return o.auth.no_auth_user; })},
      {"jetstream", true, by_get([](const ServerOptions& o) { return o.jetstream.enabled; })},
      {"jetstream.store_dir", false,
       by_get([](const ServerOptions& o) { return o.jetstream.store_dir; })},
      {"jetstream.max_memory_store", false,
       by_get([](const ServerOptions& o) { return o.jetstream.max_memory_store; })},
      {"jetstream.max_file_store", false,
       by_get([](const ServerOptions& o) { return o.jetstream.max_file_store; })},
      {"jetstream.domain", false,
       by_get([](const ServerOptions& o) { return o.jetstream.domain; })},
      {"no_header_support", false, by(&ServerOptions::no_header_support)},
      {"disable_sublist_cache", false, by(&ServerOptions::disable_sublist_cache)},
      {"server_tags", true, by(&ServerOptions::server_tags)},
  };
  return kFields;
}

bool is_jetstream_storage(std::string_view name) { return name.rfind("jetstream.", 0) == 0; }

}  // namespace

bool is_reloadable(std::string_view option) {
  for (const Field& f : fields()) {
    if (f.name == option) return f.reloadable;
  }
  return false;
}

std::vector<OptionChange> diff_options(const ServerOptions& before, const ServerOptions& after) {
  // nats-server only refuses storage changes for a JetStream that runs before and after.
  const bool jetstream_running = before.jetstream.enabled && after.jetstream.enabled;
  std::vector<OptionChange> changes;
  for (const Field& f : fields()) {
    if (f.same(before, after)) continue;
    const bool reloadable = f.reloadable || (is_jetstream_storage(f.name) && !jetstream_running);
    changes.push_back(OptionChange{f.name, reloadable});
  }
  return changes;
}

ConfResult<std::vector<std::string_view>> check_reload(const ServerOptions& before,
                                                       const ServerOptions& after) {
  std::vector<std::string_view> names;
  for (const OptionChange& c : diff_options(before, after)) {
    if (!c.reloadable) {
      return conf_error(errc::kUnsupported,
                        "config reload not supported for " + std::string(c.name));
    }
    names.push_back(c.name);
  }
  return names;
}

}  // namespace quiver::server::config
