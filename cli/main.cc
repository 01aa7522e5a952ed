// quiver: the command-line tool (pub, sub, req, reply, bench, server ping|info). See
// cli/README.md.
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return quiver::cli::run_cli(args);
}
