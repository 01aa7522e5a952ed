// The nats-server 2.9 command line (same flag set and semantics), and load_options(), which
// combines defaults, the -c config file and the flags into the ServerOptions to run with.
//
// Flags parse like Go's flag package: one or two dashes (-p, --port, -port), `-p 4222` or
// `-p=4222`, booleans as `-D` or `-D=false`; parsing stops at the first non-flag argument or
// "--". The only positional arguments are "version" and "help". Flags override the config file,
// and on reload they are applied again over the re-read file, as nats-server does.
// Printing usage or errors and choosing exit codes is main()'s job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/conf_error.h"
#include "server/config/conf_parser.h"
#include "server/config/options.h"

namespace quiver::server::config {

struct CommandLine {
  std::string config_file;     // -c, --config
  bool check_config = false;   // -t: load the config, report, exit
  bool show_help = false;      // -h, --help, or the "help" command
  bool show_version = false;   // -v, --version, or the "version" command
  bool show_tls_help = false;  // --help_tls
  std::string signal;          // -sl, --signal: "<command>[=<pid|pidfile>]", for main to send

  // Overrides; set only for flags given. Combined flags (-DV, -VV, -DVV) are already folded in.
  std::optional<std::string> host;  // -a, --addr, --net
  std::optional<int> port;          // -p, --port (-1: ephemeral)
  std::optional<std::string> server_name;
  std::optional<std::string> client_advertise;
  std::optional<int> http_port;  // -m, --http_port
  std::optional<std::string> pid_file;
  std::optional<std::string> ports_file_dir;
  std::optional<std::string> log_file;
  std::optional<std::int64_t> log_size_limit;
  std::optional<std::int64_t> max_traced_msg_len;
  std::optional<bool> logtime;
  std::optional<bool> syslog;
  std::optional<std::string> remote_syslog;
  std::optional<bool> debug;
  std::optional<bool> trace;
  std::optional<bool> trace_verbose;
  std::optional<std::string> username;   // --user
  std::optional<std::string> password;   // --pass
  std::optional<std::string> token;      // --auth
  std::optional<bool> jetstream;         // -js, --jetstream
  std::optional<std::string> store_dir;  // -sd, --store_dir

  // Flags nats-server has that quiver-server does not implement (-ms, --tls*, --cluster*,
  // --routes, --profile, ...), as given, e.g. "--tls". load_options() rejects them.
  std::vector<std::string> unsupported_flags;
};

// `args` excludes the program name.
ConfResult<CommandLine> parse_command_line(const std::vector<std::string>& args);
ConfResult<CommandLine> parse_command_line(int argc, char** argv);

struct LoadOptions {
  ParseOptions parse;  // environment lookup for $VARS in the config file
  std::vector<ConfWarning>* warnings = nullptr;
};

// Defaults, then the config file (if -c), then the flags; then nats-server's defaulting
// (port -1 becomes 0 = ephemeral, http_host falls back to host) and validate_options().
// With -t, warnings nats-server also gives fail the load, as they fail `nats-server -t`.
ConfResult<ServerOptions> load_options(const CommandLine& command_line,
                                       const LoadOptions& load = {});

// Help text listing the supported flags, for -h.
std::string_view usage_text();

}  // namespace quiver::server::config
