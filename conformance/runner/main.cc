// conformance: the black-box NATS protocol conformance runner (see conformance/README.md).
#include <iostream>
#include <signal.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "conformance/cases/all_cases.h"
#include "conformance/lib/registry.h"
#include "conformance/runner/options.h"
#include "conformance/runner/process.h"
#include "conformance/runner/suite.h"

namespace {

// ^C or a test runner's SIGTERM must not leave brokers behind.
void on_signal(int sig) {
  quiver::conformance::kill_all_servers_now();
  ::_exit(128 + sig);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace quiver::conformance;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const OptionsResult parsed = parse_options(args);
  if (!parsed.error.empty()) {
    std::cerr << "conformance: " << parsed.error << "\n(see --help)\n";
    return 2;
  }
  const Options& options = parsed.options;
  if (options.help) {
    std::cout << usage_text();
    return 0;
  }
  Registry registry;
  register_all_cases(registry);
  std::string error;
  const std::vector<const Case*> cases = select_cases(registry, options, error);
  if (!error.empty()) {
    std::cerr << "conformance: " << error << "\n";
    return 2;
  }
  if (options.list) {
    print_case_list(cases, std::cout);
    return 0;
  }
  if (cases.empty()) {
    std::cerr << "conformance: no case matches the selection\n";
    return 2;
  }
  ::signal(SIGINT, on_signal);
  ::signal(SIGTERM, on_signal);
  ::signal(SIGHUP, on_signal);
  ::signal(SIGPIPE, SIG_IGN);
  return run_suite(options, cases, std::cout);
}
