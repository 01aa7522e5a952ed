#include "cli/commands.h"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "cli/runtime.h"

namespace quiver::cli {
namespace {

std::string command_rows(std::string_view group) {
  std::string out;
  std::size_t width = 0;
  auto in_group = [&](const Command& c) {
    return group.empty() || c.spec.name.starts_with(std::string(group) + " ");
  };
  for (const Command& c : all_commands()) {
    if (in_group(c)) width = std::max(width, c.spec.name.size());
  }
  for (const Command& c : all_commands()) {
    if (!in_group(c)) continue;
    out += "  " + c.spec.name + std::string(width - c.spec.name.size() + 2, ' ') + c.spec.summary;
    if (!c.aliases.empty()) {
      out += " (alias:";
      for (const auto& a : c.aliases) out += " " + a;
      out += ")";
    }
    out += "\n";
  }
  return out;
}

std::string top_help() {
  std::string out =
      "usage: quiver <command> [<flags>] [<args> ...]\n"
      "\n"
      "Command-line tool for NATS servers (quiver-server, nats-server), modelled on natscli.\n"
      "\n"
      "Commands:\n";
  out += command_rows("");
  out += "\nConnection flags, accepted by every command:\n";
  for (const FlagSpec& f : connection_flags()) {
    std::string left = (f.short_name != 0 ? std::string("-") + f.short_name + ", " : "    ") +
                       "--" + f.name + "=" + f.placeholder;
    out += "  " + left + std::string(left.size() < 26 ? 26 - left.size() : 1, ' ') + f.help;
    if (!f.default_text.empty()) out += " (default: " + f.default_text + ")";
    out += "\n";
  }
  out +=
      "\nExit status: 0 success, 1 failure (connection, timeout, no responders, server\n"
      "errors), 2 bad usage.\n"
      "Run \"quiver <command> --help\" for a command's arguments and flags.\n";
  return out;
}

std::string group_help(const std::string& group) {
  return "usage: quiver " + group + " <command> [<flags>] [<args> ...]\n\nCommands:\n" +
         command_rows(group) + "\nRun \"quiver " + group +
         " <command> --help\" for a command's arguments and flags.\n";
}

// natscli's short group names.
std::string canonical_group(const std::string& word) {
  if (word == "str") return "stream";
  if (word == "con") return "consumer";
  if (word == "obj") return "object";
  return word;
}

void print_err(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> all = {
        pub_command(),   sub_command(),         req_command(),         reply_command(),
        bench_command(), server_ping_command(), server_info_command(),
    };
    for (auto group : {stream_commands, consumer_commands, kv_commands, object_commands}) {
      for (Command& c : group()) all.push_back(std::move(c));
    }
    return all;
  }();
  return commands;
}

std::vector<std::string> command_groups() {
  std::vector<std::string> groups;
  for (const Command& c : all_commands()) {
    const auto space = c.spec.name.find(' ');
    if (space == std::string::npos) continue;
    std::string group = c.spec.name.substr(0, space);
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  return groups;
}

const Command* find_command(std::span<const std::string> words, std::size_t& consumed) {
  if (words.empty()) return nullptr;
  std::vector<std::string> normalized(words.begin(), words.end());
  normalized[0] = canonical_group(normalized[0]);
  words = normalized;
  for (const Command& c : all_commands()) {
    // Split the command's name into words; the last may also be spelled as an alias.
    std::vector<std::string> name;
    std::size_t start = 0;
    while (start < c.spec.name.size()) {
      std::size_t space = c.spec.name.find(' ', start);
      if (space == std::string::npos) space = c.spec.name.size();
      name.push_back(c.spec.name.substr(start, space - start));
      start = space + 1;
    }
    if (words.size() < name.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i + 1 < name.size(); ++i) match = match && words[i] == name[i];
    if (!match) continue;
    const std::string& last = words[name.size() - 1];
    bool last_match = last == name.back();
    for (const auto& alias : c.aliases) last_match = last_match || last == alias;
    if (last_match) {
      consumed = name.size();
      return &c;
    }
  }
  return nullptr;
}

CommandSpec full_spec(const Command& command) {
  CommandSpec spec = command.spec;
  for (FlagSpec& f : connection_flags()) spec.flags.push_back(std::move(f));
  return spec;
}

int run_cli(std::span<const std::string> args) {
  try {
    if (args.empty()) {
      print_err(top_help());
      return 2;
    }
    if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
      std::size_t consumed = 0;
      const Command* c = args.size() > 1 ? find_command(args.subspan(1), consumed) : nullptr;
      if (args.size() == 2 && c == nullptr) {
        const auto groups = command_groups();
        const std::string group = canonical_group(args[1]);
        if (std::find(groups.begin(), groups.end(), group) != groups.end()) {
          print_out(group_help(group));
          return 0;
        }
      }
      if (args.size() > 1 && c == nullptr) {
        throw UsageError("unknown command '" + args[1] + "'");
      }
      print_out(c != nullptr ? help_text(full_spec(*c)) : top_help());
      return 0;
    }
    std::size_t consumed = 0;
    const Command* command = find_command(args, consumed);
    if (command == nullptr) {
      const std::string group = canonical_group(args[0]);
      const auto groups = command_groups();
      if (std::find(groups.begin(), groups.end(), group) != groups.end()) {
        if (args.size() > 1 && (args[1] == "--help" || args[1] == "-h")) {
          print_out(group_help(group));
          return 0;
        }
        if (args.size() > 1) throw UsageError("unknown command '" + group + " " + args[1] + "'");
        print_err(group_help(group));
        throw UsageError("expected a command after '" + group + "'");
      }
      throw UsageError("unknown command '" + args[0] + "'");
    }
    const ParsedArgs parsed = parse_args(full_spec(*command), args.subspan(consumed));
    if (parsed.help()) {
      print_out(help_text(full_spec(*command)));
      return 0;
    }
    return command->run(parsed);
  } catch (const UsageError& e) {
    print_err(std::string("quiver: error: ") + e.what() + ", try --help\n");
    return 2;
  } catch (const CliError& e) {
    print_err(std::string("quiver: error: ") + e.what() + "\n");
    return 1;
  } catch (const std::exception& e) {
    print_err(std::string("quiver: error: ") + e.what() + "\n");
    return 1;
  }
}

}  // namespace quiver::cli
