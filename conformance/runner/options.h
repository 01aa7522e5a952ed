// Command-line options of the conformance runner.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::conformance {

struct Options {
  std::vector<std::string> urls;   // --url (repeatable; several = a cluster, the first is main)
  std::string monitor_url;         // --monitor-url, for --url targets
  std::string server_cmd;          // --server-cmd 'CMD {port} [{config}] [{http_port}] [{store}]'
  std::string cluster_cmd;         // --cluster-cmd 'CMD {port} {cluster_port} {routes} {name} …'
  int cluster_size = 3;            // --cluster-size
  std::string host = "127.0.0.1";  // --host: where servers started by the runner listen
  std::vector<std::string> only;   // --only AREA (repeatable, or comma-separated)
  std::string case_regex;          // --case REGEX (ECMAScript, searched in "area/name")
  bool list = false;               // --list
  std::string junit_path;          // --junit FILE
  std::string work_dir;            // --work-dir (default: a new directory under $TMPDIR)
  bool keep_work_dir = false;      // --keep-work-dir
  std::chrono::milliseconds case_timeout{20000};  // --timeout SECONDS (per case)
  std::chrono::milliseconds wait{2000};           // --wait-ms
  std::chrono::milliseconds quiet{100};           // --quiet-ms
  bool help = false;                              // --help
};

struct OptionsResult {
  Options options;
  std::string error;  // non-empty: the arguments were rejected
};

// Parses argv[1..]. Accepts "--flag value" and "--flag=value".
OptionsResult parse_options(const std::vector<std::string>& args);

// The --help text.
std::string usage_text();

}  // namespace quiver::conformance
