// loadgen: raw-protocol load generator for NATS brokers. Prints one JSON line per run; see
// testing/loadgen/README.md and tools/bench/compare_servers.py.
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "testing/loadgen/js_modes.h"
#include "testing/loadgen/modes.h"
#include "testing/loadgen/options.h"

namespace {

void print_line(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace quiver::loadgen;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  std::string error;
  const auto options = parse_options(args, error);
  if (!options) {
    std::fprintf(stderr, "loadgen: %s\n%s", error.c_str(), usage().c_str());
    return 2;
  }
  raise_nofile_limit();
  switch (options->mode) {
    case Mode::kReqRep: {
      const ReqRepResult r = run_reqrep(options->target, options->reqrep);
      print_line(to_json(r));
      return r.errors.empty() ? 0 : 1;
    }
    case Mode::kIdle: {
      std::vector<Connection> keep;
      const IdleResult r = open_idle(options->target, options->idle, keep);
      print_line(to_json(r));
      if (options->idle.hold) {
        // The caller measures the broker while the connections exist, then closes our stdin.
        char buf[256];
        while (::read(0, buf, sizeof buf) > 0) {
        }
      }
      return r.errors.empty() ? 0 : 1;
    }
    case Mode::kJsPub:
    case Mode::kJsConsumePull:
    case Mode::kJsConsumePush: {
      const JsResult r = run_js(options->target, options->js);
      print_line(to_json(r));
      const bool ok =
          r.errors.empty() && r.lost == 0 && r.ack_duplicates == 0 && r.consume_duplicates == 0;
      return ok ? 0 : 1;
    }
    default: {
      const DeliveryResult r = run_delivery(options->target, options->delivery);
      print_line(to_json(r));
      return r.errors.empty() && r.lost == 0 && r.duplicates == 0 ? 0 : 1;
    }
  }
}
