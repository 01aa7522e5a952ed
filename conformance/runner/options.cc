#include "conformance/runner/options.h"

#include <charconv>
#include <regex>

#include "conformance/lib/endpoint.h"

namespace quiver::conformance {
namespace {

bool parse_positive(std::string_view text, long& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out > 0;
}

void split_areas(std::string_view text, std::vector<std::string>& out) {
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view area = text.substr(0, comma);
    if (!area.empty()) out.emplace_back(area);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string usage_text() {
  return R"(Usage: conformance [TARGET] [SELECTION] [REPORT]

Black-box NATS protocol conformance suite. Speaks the raw client protocol to a broker.

Target (one of):
  --url nats://HOST:PORT     a running broker; repeat for the nodes of a running cluster
  --monitor-url http://H:P   its HTTP monitoring endpoint (optional)
  --server-cmd 'CMD'         start the broker: CMD is run by /bin/sh with placeholders
                               {port}       a free client port (required)
                               {config}     a generated config file (cases needing special
                                            limits, auth, ... start extra brokers with it)
                               {http_port}  a free monitoring port
                               {store}      a fresh data directory
  --cluster-cmd 'CMD'        start clusters for cluster cases; placeholders {port},
                             {cluster_port}, {routes} (comma-separated nats://H:P of the
                             other nodes), {name}, {store}, {http_port}
  --cluster-size N           nodes per started cluster (default 3)
  --host HOST                address started brokers listen on (default 127.0.0.1)

Selection:
  --only AREA[,AREA]         run only these areas (repeatable)
  --case REGEX               run only cases whose "area/name" matches REGEX
  --list                     print the selected cases and exit

Report and timing:
  --junit FILE               write a JUnit XML report
  --timeout SECONDS          per-case time limit (default 20)
  --wait-ms MS               how long to wait for an expected op (default 2000)
  --quiet-ms MS              how long "nothing arrives" is watched (default 100)
  --work-dir DIR             configs, stores and broker logs (default: new temp dir)
  --keep-work-dir            keep it afterwards
  --help                     this text

Prints one line per case (PASS, FAIL or SKIP with the reason) and a last line
"N passed, M failed, K skipped". Exit status: 0 when no case failed, 1 when one did,
2 for bad arguments or a broker that cannot be started.
)";
}

OptionsResult parse_options(const std::vector<std::string>& args) {
  OptionsResult result;
  Options& o = result.options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline_value = false;
    if (const std::size_t eq = flag.find('=');
        flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline_value = true;
    }
    const auto take_value = [&]() -> bool {
      if (has_inline_value) return true;
      if (i + 1 >= args.size()) {
        result.error = flag + " needs a value";
        return false;
      }
      value = args[++i];
      return true;
    };
    const auto take_number = [&](long& out) -> bool {
      if (!take_value()) return false;
      if (!parse_positive(value, out)) {
        result.error = flag + " needs a positive integer, got \"" + value + "\"";
        return false;
      }
      return true;
    };
    const auto no_value = [&]() -> bool {
      if (has_inline_value) {
        result.error = flag + " takes no value";
        return false;
      }
      return true;
    };
    long number = 0;
    if (flag == "--help" || flag == "-h") {
      if (!no_value()) return result;
      o.help = true;
    } else if (flag == "--url") {
      if (!take_value()) return result;
      o.urls.push_back(value);
    } else if (flag == "--monitor-url") {
      if (!take_value()) return result;
      o.monitor_url = value;
    } else if (flag == "--server-cmd") {
      if (!take_value()) return result;
      o.server_cmd = value;
    } else if (flag == "--cluster-cmd") {
      if (!take_value()) return result;
      o.cluster_cmd = value;
    } else if (flag == "--cluster-size") {
      if (!take_number(number)) return result;
      if (number < 2 || number > 9) {
        result.error = "--cluster-size must be between 2 and 9";
        return result;
      }
      o.cluster_size = static_cast<int>(number);
    } else if (flag == "--host") {
      if (!take_value()) return result;
      o.host = value;
    } else if (flag == "--only") {
      if (!take_value()) return result;
      split_areas(value, o.only);
    } else if (flag == "--case") {
      if (!take_value()) return result;
      o.case_regex = value;
    } else if (flag == "--list") {
      if (!no_value()) return result;
      o.list = true;
    } else if (flag == "--junit") {
      if (!take_value()) return result;
      o.junit_path = value;
    } else if (flag == "--work-dir") {
      if (!take_value()) return result;
      o.work_dir = value;
    } else if (flag == "--keep-work-dir") {
      if (!no_value()) return result;
      o.keep_work_dir = true;
    } else if (flag == "--timeout") {
      if (!take_number(number)) return result;
      o.case_timeout = std::chrono::seconds(number);
    } else if (flag == "--wait-ms") {
      if (!take_number(number)) return result;
      o.wait = std::chrono::milliseconds(number);
    } else if (flag == "--quiet-ms") {
      if (!take_number(number)) return result;
      o.quiet = std::chrono::milliseconds(number);
    } else {
      result.error = "unknown argument \"" + args[i] + "\"";
      return result;
    }
  }
  if (!o.case_regex.empty()) {
    try {
      std::regex check(o.case_regex);
    } catch (const std::regex_error& e) {
      result.error = "--case: invalid regular expression \"" + o.case_regex + "\": " + e.what();
      return result;
    }
  }
  if (o.help || o.list) return result;
  for (const std::string& url : o.urls) {
    if (!parse_nats_url(url)) {
      result.error = "--url: cannot parse \"" + url + "\" (expected nats://HOST:PORT)";
      return result;
    }
  }
  if (!o.monitor_url.empty() && !parse_http_url(o.monitor_url)) {
    result.error = "--monitor-url: cannot parse \"" + o.monitor_url + "\"";
    return result;
  }
  if (o.urls.empty() == o.server_cmd.empty()) {
    result.error = "give exactly one target: --url or --server-cmd";
    return result;
  }
  if (!o.server_cmd.empty() && o.server_cmd.find("{port}") == std::string::npos) {
    result.error = "--server-cmd must contain {port}";
    return result;
  }
  if (!o.cluster_cmd.empty()) {
    for (const char* key : {"{port}", "{cluster_port}", "{routes}"}) {
      if (o.cluster_cmd.find(key) == std::string::npos) {
        result.error = std::string("--cluster-cmd must contain ") + key;
        return result;
      }
    }
  }
  if (!o.monitor_url.empty() && o.urls.empty()) {
    result.error = "--monitor-url goes with --url; with --server-cmd use {http_port}";
    return result;
  }
  return result;
}

}  // namespace quiver::conformance
