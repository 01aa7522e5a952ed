#include "server/config/command_line.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

namespace quiver::server::config {
namespace {

enum class Kind { kBool, kString, kInt, kInt64 };

enum class Id {
  kHelp,
  kPort,
  kServerName,
  kHost,
  kClientAdvertise,
  kDebug,
  kTrace,
  kTraceVerbose,       // -VV
  kDebugTrace,         // -DV
  kDebugTraceVerbose,  // -DVV
  kLogtime,
  kUser,
  kPass,
  kAuth,
  kHttpPort,
  kConfig,
  kCheckConfig,
  kSignal,
  kPidFile,
  kPortsFileDir,
  kLogFile,
  kLogSizeLimit,
  kSyslog,
  kRemoteSyslog,
  kVersion,
  kHelpTls,
  kMaxTracedMsgLen,
  kJetStream,
  kStoreDir,
  kUnsupported,
};

struct Flag {
  std::string_view name;
  Id id;
  Kind kind;
};

// nats-server 2.9's flag set (server/opts.go ConfigureOptions), names case-sensitive as in Go.
constexpr std::array kFlags = {
    Flag{"h", Id::kHelp, Kind::kBool},
    Flag{"help", Id::kHelp, Kind::kBool},
    Flag{"p", Id::kPort, Kind::kInt},
    Flag{"port", Id::kPort, Kind::kInt},
    Flag{"n", Id::kServerName, Kind::kString},
    Flag{"name", Id::kServerName, Kind::kString},
    Flag{"server_name", Id::kServerName, Kind::kString},
    Flag{"a", Id::kHost, Kind::kString},
    Flag{"addr", Id::kHost, Kind::kString},
    Flag{"net", Id::kHost, Kind::kString},
    Flag{"client_advertise", Id::kClientAdvertise, Kind::kString},
    Flag{"D", Id::kDebug, Kind::kBool},
    Flag{"debug", Id::kDebug, Kind::kBool},
    Flag{"V", Id::kTrace, Kind::kBool},
    Flag{"trace", Id::kTrace, Kind::kBool},
    Flag{"VV", Id::kTraceVerbose, Kind::kBool},
    Flag{"DV", Id::kDebugTrace, Kind::kBool},
    Flag{"DVV", Id::kDebugTraceVerbose, Kind::kBool},
    Flag{"T", Id::kLogtime, Kind::kBool},
    Flag{"logtime", Id::kLogtime, Kind::kBool},
    Flag{"user", Id::kUser, Kind::kString},
    Flag{"pass", Id::kPass, Kind::kString},
    Flag{"auth", Id::kAuth, Kind::kString},
    Flag{"m", Id::kHttpPort, Kind::kInt},
    Flag{"http_port", Id::kHttpPort, Kind::kInt},
    Flag{"ms", Id::kUnsupported, Kind::kInt},
    Flag{"https_port", Id::kUnsupported, Kind::kInt},
    Flag{"c", Id::kConfig, Kind::kString},
    Flag{"config", Id::kConfig, Kind::kString},
    Flag{"t", Id::kCheckConfig, Kind::kBool},
    Flag{"sl", Id::kSignal, Kind::kString},
    Flag{"signal", Id::kSignal, Kind::kString},
    Flag{"P", Id::kPidFile, Kind::kString},
    Flag{"pid", Id::kPidFile, Kind::kString},
    Flag{"ports_file_dir", Id::kPortsFileDir, Kind::kString},
    Flag{"l", Id::kLogFile, Kind::kString},
    Flag{"log", Id::kLogFile, Kind::kString},
    Flag{"log_size_limit", Id::kLogSizeLimit, Kind::kInt64},
    Flag{"s", Id::kSyslog, Kind::kBool},
    Flag{"syslog", Id::kSyslog, Kind::kBool},
    Flag{"r", Id::kRemoteSyslog, Kind::kString},
    Flag{"remote_syslog", Id::kRemoteSyslog, Kind::kString},
    Flag{"v", Id::kVersion, Kind::kBool},
    Flag{"version", Id::kVersion, Kind::kBool},
    Flag{"profile", Id::kUnsupported, Kind::kInt},
    Flag{"routes", Id::kUnsupported, Kind::kString},
    Flag{"cluster", Id::kUnsupported, Kind::kString},
    Flag{"cluster_listen", Id::kUnsupported, Kind::kString},
    Flag{"cluster_advertise", Id::kUnsupported, Kind::kString},
    Flag{"no_advertise", Id::kUnsupported, Kind::kBool},
    Flag{"connect_retries", Id::kUnsupported, Kind::kInt},
    Flag{"cluster_name", Id::kUnsupported, Kind::kString},
    Flag{"help_tls", Id::kHelpTls, Kind::kBool},
    Flag{"tls", Id::kUnsupported, Kind::kBool},
    Flag{"tlsverify", Id::kUnsupported, Kind::kBool},
    Flag{"tlscert", Id::kUnsupported, Kind::kString},
    Flag{"tlskey", Id::kUnsupported, Kind::kString},
    Flag{"tlscacert", Id::kUnsupported, Kind::kString},
    Flag{"max_traced_msg_len", Id::kMaxTracedMsgLen, Kind::kInt},
    Flag{"js", Id::kJetStream, Kind::kBool},
    Flag{"jetstream", Id::kJetStream, Kind::kBool},
    Flag{"sd", Id::kStoreDir, Kind::kString},
    Flag{"store_dir", Id::kStoreDir, Kind::kString},
};

ConfError flag_error(std::string message) { return conf_error(errc::kBadFlag, std::move(message)); }

// strconv.ParseBool.
std::optional<bool> parse_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return false;
  }
  return std::nullopt;
}

// strconv.ParseInt(s, 0, 64): optional sign, then 0x/0o/0b prefixes or a leading 0 for octal.
ConfResult<std::int64_t> parse_int(std::string_view s, std::string_view flag) {
  auto parse_error = [&](std::string_view why) {
    return flag_error("invalid value \"" + std::string(s) + "\" for flag -" + std::string(flag) +
                      ": " + std::string(why));
  };
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 1 && digits[0] == '0') {
    const char p = digits[1];
    if (p == 'x' || p == 'X') {
      base = 16;
      digits.remove_prefix(2);
    } else if (p == 'o' || p == 'O') {
      base = 8;
      digits.remove_prefix(2);
    } else if (p == 'b' || p == 'B') {
      base = 2;
      digits.remove_prefix(2);
    } else {
      base = 8;
      digits.remove_prefix(1);
    }
  }
  if (digits.empty() || digits[0] == '-' || digits[0] == '+') return parse_error("parse error");
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec == std::errc::result_out_of_range) return parse_error("value out of range");
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return parse_error("parse error");
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMax + (negative ? 1 : 0)) return parse_error("value out of range");
  if (negative) return static_cast<std::int64_t>(0 - magnitude);
  return static_cast<std::int64_t>(magnitude);
}

}  // namespace

ConfResult<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine cl;
  // -D/-V and the combined flags interact the way Go's flag.Visit orders them: the plain flags
  // in command-line order, then -DV, -DVV and -VV (alphabetical), each overriding.
  std::optional<bool> dv, dvv, vv;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;  // first non-flag argument
    std::string_view body(arg);
    body.remove_prefix(1);
    if (body[0] == '-') {
      body.remove_prefix(1);
      if (body.empty()) {  // "--" ends the flags
        ++i;
        break;
      }
    }
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return flag_error("bad flag syntax: " + arg);
    }
    std::string_view name = body;
    std::optional<std::string> value;
    if (const auto eq = body.find('='); eq != std::string_view::npos) {
      name = body.substr(0, eq);
      value = std::string(body.substr(eq + 1));
    }
    const auto it =
        std::find_if(kFlags.begin(), kFlags.end(), [&](const Flag& f) { return f.name == name; });
    if (it == kFlags.end())
      return flag_error("flag provided but not defined: -" + std::string(name));
    const Flag& flag = *it;

    bool bool_value = true;
    std::string string_value;
    std::int64_t int_value = 0;
    if (flag.kind == Kind::kBool) {
      if (value) {
        auto b = parse_bool(*value);
        if (!b) {
          return flag_error("invalid boolean value \"" + *value + "\" for -" + std::string(name) +
                            ": parse error");
        }
        bool_value = *b;
      }
    } else {
      if (!value) {
        if (i + 1 >= args.size())
          return flag_error("flag needs an argument: -" + std::string(name));
        value = args[++i];
      }
      string_value = *value;
      if (flag.kind == Kind::kInt || flag.kind == Kind::kInt64) {
        QV_TRY(auto v, parse_int(*value, name));
        // Go's int is 64-bit here, but a value that does not fit our int is useless anyway.
        if (flag.kind == Kind::kInt &&
            (v > std::numeric_limits<int>::max() || v < std::numeric_limits<int>::min())) {
          return flag_error("invalid value \"" + *value + "\" for flag -" + std::string(name) +
                            ": value out of range");
        }
        int_value = v;
      }
    }

    switch (flag.id) {
      case Id::kHelp:
        cl.show_help = bool_value;
        break;
      case Id::kVersion:
        cl.show_version = bool_value;
        break;
      case Id::kHelpTls:
        cl.show_tls_help = bool_value;
        break;
      case Id::kCheckConfig:
        cl.check_config = bool_value;
        break;
      case Id::kConfig:
        cl.config_file = string_value;
        break;
      case Id::kSignal:
        cl.signal = string_value;
        break;
      case Id::kPort:
        cl.port = static_cast<int>(int_value);
        break;
      case Id::kServerName:
        cl.server_name = string_value;
        break;
      case Id::kHost:
        cl.host = string_value;
        break;
      case Id::kClientAdvertise:
        cl.client_advertise = string_value;
        break;
      case Id::kDebug:
        cl.debug = bool_value;
        break;
      case Id::kTrace:
        cl.trace = bool_value;
        break;
      case Id::kTraceVerbose:
        vv = bool_value;
        break;
      case Id::kDebugTrace:
        dv = bool_value;
        break;
      case Id::kDebugTraceVerbose:
        dvv = bool_value;
        break;
      case Id::kLogtime:
        cl.logtime = bool_value;
        break;
      case Id::kUser:
        cl.username = string_value;
        break;
      case Id::kPass:
        cl.password = string_value;
        break;
      case Id::kAuth:
        cl.token = string_value;
        break;
      case Id::kHttpPort:
        cl.http_port = static_cast<int>(int_value);
        break;
      case Id::kPidFile:
        cl.pid_file = string_value;
        break;
      case Id::kPortsFileDir:
        cl.ports_file_dir = string_value;
        break;
      case Id::kLogFile:
        cl.log_file = string_value;
        break;
      case Id::kLogSizeLimit:
        cl.log_size_limit = int_value;
        break;
      case Id::kSyslog:
        cl.syslog = bool_value;
        break;
      case Id::kRemoteSyslog:
        cl.remote_syslog = string_value;
        break;
      case Id::kMaxTracedMsgLen:
        cl.max_traced_msg_len = int_value;
        break;
      case Id::kJetStream:
        cl.jetstream = bool_value;
        break;
      case Id::kStoreDir:
        cl.store_dir = string_value;
        break;
      case Id::kUnsupported:
        cl.unsupported_flags.push_back((arg[1] == '-' ? "--" : "-") + std::string(name));
        break;
    }
  }
  if (dv) {
    cl.debug = *dv;
    cl.trace = *dv;
  }
  if (dvv) {
    cl.debug = *dvv;
    cl.trace = *dvv;
    cl.trace_verbose = *dvv;
  }
  if (vv) {
    cl.trace = *vv;
    cl.trace_verbose = *vv;
  }
  if (i < args.size()) {  // only the first command counts, as in nats-server
    std::string command = args[i];
    for (char& c : command) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (command == "version") {
      cl.show_version = true;
    } else if (command == "help") {
      cl.show_help = true;
    } else {
      return flag_error("unrecognized command: \"" + args[i] + "\"");
    }
  }
  return cl;
}

ConfResult<CommandLine> parse_command_line(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return parse_command_line(args);
}

ConfResult<ServerOptions> load_options(const CommandLine& cl, const LoadOptions& load) {
  if (cl.check_config && cl.config_file.empty()) {
    return flag_error("must specify [-c, --config] option to check configuration file syntax");
  }
  if (!cl.unsupported_flags.empty()) {
    return conf_error(errc::kUnsupported, "flag " + cl.unsupported_flags.front() +
                                              " is not supported by quiver-server");
  }
  ServerOptions o;
  if (!cl.config_file.empty()) {
    QV_TRY(auto root, parse_conf_file(cl.config_file, load.parse));
    std::vector<ConfWarning> warnings;
    QV_TRY(auto from_file, options_from_config(root, std::move(o), &warnings));
    o = std::move(from_file);
    if (cl.check_config) {
      std::string fatal;
      for (const ConfWarning& w : warnings) {
        if (w.ignored_option) continue;
        if (!fatal.empty()) fatal += '\n';
        fatal += w.message;
      }
      if (!fatal.empty()) return conf_error(errc::kBadValue, fatal);
    }
    if (load.warnings) {
      load.warnings->insert(load.warnings->end(), warnings.begin(), warnings.end());
    }
  }

  if (cl.host) o.host = *cl.host;
  if (cl.port) o.port = *cl.port;
  if (cl.server_name) o.server_name = *cl.server_name;
  if (cl.client_advertise) o.client_advertise = *cl.client_advertise;
  if (cl.http_port) o.http_port = *cl.http_port;
  if (cl.pid_file) o.pid_file = *cl.pid_file;
  if (cl.ports_file_dir) o.ports_file_dir = *cl.ports_file_dir;
  if (cl.log_file) o.logging.log_file = *cl.log_file;
  if (cl.log_size_limit) o.logging.log_size_limit = *cl.log_size_limit;
  if (cl.max_traced_msg_len) o.logging.max_traced_msg_len = *cl.max_traced_msg_len;
  if (cl.logtime) o.logging.logtime = *cl.logtime;
  if (cl.syslog) o.logging.syslog = *cl.syslog;
  if (cl.remote_syslog) o.logging.remote_syslog = *cl.remote_syslog;
  if (cl.debug) o.logging.debug = *cl.debug;
  if (cl.trace) o.logging.trace = *cl.trace;
  if (cl.trace_verbose) o.logging.trace_verbose = *cl.trace_verbose;
  if (cl.username) o.auth.username = *cl.username;
  if (cl.password) o.auth.password = *cl.password;
  if (cl.token) o.auth.token = *cl.token;
  if (cl.jetstream) o.jetstream.enabled = *cl.jetstream;
  if (cl.store_dir) o.jetstream.store_dir = *cl.store_dir;

  if ((!o.auth.username.empty() || !o.auth.password.empty()) && !o.auth.token.empty()) {
    return conf_error(errc::kBadValue, "Cannot have a user/pass and token");
  }
  if (!o.auth.users.empty() && (!o.auth.username.empty() || !o.auth.token.empty())) {
    return conf_error(errc::kBadValue,
                      "Can not have a single user/pass or token and a users array");
  }

  // nats-server's processOptions: port 0 is the default, -1 asks for an ephemeral port.
  if (o.port == 0) {
    o.port = 4222;
  } else if (o.port == -1) {
    o.port = 0;
  }
  if (o.http_host.empty()) o.http_host = o.host;
  o.config_file = cl.config_file;
  QV_TRY(validate_options(o));
  return o;
}

std::string_view usage_text() {
  return R"(Usage: quiver-server [options]

Server options:
    -a, --addr, --net <host>         Address to listen on for clients (default: 0.0.0.0)
    -p, --port <port>                Client port (default: 4222; -1 picks a free port)
    -n, --name, --server_name <name> Server name (default: the server id)
    -P, --pid <file>                 Write the process id to this file
    -m, --http_port <port>           Serve HTTP monitoring on this port
    -c, --config <file>              Configuration file (nats-server format)
    -t                               Check the configuration file and exit
    -sl, --signal <cmd>[=<pid>]      Signal a running server: ldm, stop, quit, term, reopen,
                                     reload; <pid> is a process id or a pid file
        --client_advertise <host:port>
                                     Client address to advertise
        --ports_file_dir <dir>       Write <name>_<pid>.ports into this directory

Logging options:
    -l, --log <file>                 Log to this file
    -T, --logtime                    Timestamp log lines (default: true; -T=false disables)
    -s, --syslog                     Log to syslog
    -r, --remote_syslog <addr>       Log to a remote syslog server (udp://host:514)
    -D, --debug                      Debug logging
    -V, --trace                      Trace the protocol
    -VV                              Verbose trace (system account included)
    -DV                              Debug and trace
    -DVV                             Debug and verbose trace
        --log_size_limit <bytes>     Rotate the log file at this size
        --max_traced_msg_len <len>   Truncate traced messages to this length (0: no limit)

JetStream options:
    -js, --jetstream                 Enable JetStream
    -sd, --store_dir <dir>           JetStream storage directory

Authorization options:
        --user <user>                User required to connect
        --pass <password>            Password required to connect
        --auth <token>               Token required to connect

Other options:
    -h, --help                       Show this help
    -v, --version                    Show the version

nats-server's TLS, cluster, HTTPS-monitoring and profiling flags are recognised but not
supported; quiver-server refuses to start with them.
)";
}

}  // namespace quiver::server::config
