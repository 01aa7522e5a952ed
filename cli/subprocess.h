// Runs a command for `quiver reply --command` and captures what it prints (stdout and stderr
// interleaved, like Go's exec.Cmd.CombinedOutput), with extra environment variables.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace quiver::cli {

struct CommandResult {
  std::string output;
  // The exit status; 128 + N when killed by signal N; 127 when it could not be started.
  int status = 0;
  std::string error;  // why it could not be started; empty otherwise
};

// Runs argv[0] (looked up in PATH) with argv[1..], stdin from /dev/null, and the current
// environment plus `env` (NAME, value pairs). Blocks until the command exits.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace quiver::cli
