// quiver's commands and the dispatcher that main() calls.
//
// Exit status: 0 success, 1 failure while running (CliError: no connection, timeout, no
// responders, ...), 2 bad command line (UsageError). Errors are one line on stderr:
// "quiver: error: <what>", with ", try --help" for usage errors.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cli/args.h"

namespace quiver::cli {

struct Command {
  CommandSpec spec;                  // without the connection flags, which every command gets
  std::vector<std::string> aliases;  // other names for the last word: "publish" for "pub"
  std::function<int(const ParsedArgs&)> run;
};

Command pub_command();
Command sub_command();
Command req_command();
Command reply_command();
Command bench_command();
Command server_ping_command();
Command server_info_command();

// The JetStream groups: "stream add", "stream ls", ..., "consumer ...", "kv ...", "object ...".
std::vector<Command> stream_commands();
std::vector<Command> consumer_commands();
std::vector<Command> kv_commands();
std::vector<Command> object_commands();

// Every command, in the order `quiver --help` lists them.
const std::vector<Command>& all_commands();

// The command named by the first words of `words` (one word, or two for "server ping",
// "stream add"); `consumed` is set to the number of words used. nullptr when none matches.
// The group words have natscli's short forms: "str", "con", "obj".
const Command* find_command(std::span<const std::string> words, std::size_t& consumed);

// The groups of two-word commands ("server", "stream", ...), in the order of all_commands().
std::vector<std::string> command_groups();

// The spec a command is parsed with: its own flags, then the connection flags.
CommandSpec full_spec(const Command& command);

// The whole program: `args` are argv[1..]. Returns the exit status.
int run_cli(std::span<const std::string> args);

}  // namespace quiver::cli
