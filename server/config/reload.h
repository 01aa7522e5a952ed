// What a SIGHUP reload may change, following nats-server 2.9.10 (checked by reloading a running
// server): logging, limits other than max_pending/max_subscriptions/max_sub_tokens, timers,
// authorization and enabling JetStream can change; listen addresses, server name, monitoring,
// lame-duck timings and no_auth_user cannot, and a reload that changes one of them is refused.
//
// A reload is: load_options() again with the same CommandLine (flags still win over the file),
// then check_reload(running, reloaded), then apply the listed changes.
#pragma once

#include <string_view>
#include <vector>

#include "server/config/conf_error.h"
#include "server/config/options.h"

namespace quiver::server::config {

struct OptionChange {
  std::string_view
      name;  // config-file spelling: "max_payload", "authorization", "jetstream.store_dir"
  bool reloadable;

  bool operator==(const OptionChange&) const = default;
};

// Whether a change to the named option can be applied without a restart. jetstream.store_dir,
// .max_memory_store, .max_file_store and .domain are reloadable only while JetStream is off
// before or after the reload; this answers for the case where it is on.
bool is_reloadable(std::string_view option);

// Every option whose value differs, in ServerOptions field order. config_file is not compared.
std::vector<OptionChange> diff_options(const ServerOptions& before, const ServerOptions& after);

// The changed option names if all are reloadable; otherwise an error naming the first one that
// is not: "config reload not supported for port".
ConfResult<std::vector<std::string_view>> check_reload(const ServerOptions& before,
                                                       const ServerOptions& after);

}  // namespace quiver::server::config
