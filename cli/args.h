// Command-line parsing for quiver, by hand: long flags (--count 3, --count=3), one-letter short
// flags (-H K:V, -HK:V), --no-<name> and --<name>=false for switches, "--" to end the flags, and
// flags anywhere among the positional arguments, the way natscli's parser (fisk) accepts them.
//
//   CommandSpec spec{.name = "pub", .summary = "Publish a message",
//                    .args = {{"subject", "Subject to publish to"}},
//                    .flags = {{.name = "count", .placeholder = "N", .help = "..."}}};
//   ParsedArgs args = parse_args(spec, argv);   // throws UsageError
//   if (args.help()) { std::cout << help_text(spec); return 0; }
//   std::uint64_t n = args.count("count", 1);
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::cli {

// A problem with the command line: quiver prints it with a --help hint and exits with status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class FlagKind {
  kValue,   // --count 3, --count=3; the last occurrence wins
  kList,    // -H a:1 -H b:2; every occurrence is kept, in order
  kSwitch,  // --raw, --no-raw, --raw=false; takes no separate value
};

struct FlagSpec {
  std::string name;     // long name without "--"
  char short_name = 0;  // 0: none
  FlagKind kind = FlagKind::kValue;
  std::string placeholder;  // in help: --count=N
  std::string help;
  std::string default_text;  // in help as "(default: ...)"; empty: not shown
};

struct ArgSpec {
  std::string name;
  std::string help;
  bool required = true;
};

struct CommandSpec {
  std::string name;         // the words after "quiver": "pub", "server ping"
  std::string summary;      // one line
  std::string description;  // free text after the usage line; may be empty
  std::vector<ArgSpec> args;
  std::vector<FlagSpec> flags;
};

class ParsedArgs {
 public:
  // --help or -h was given: the caller prints help_text() instead of running.
  bool help() const noexcept { return help_; }

  // A positional argument; nullopt when it was not given (only optional ones can be missing).
  std::optional<std::string> arg(std::string_view name) const;

  // The flag was given at least once.
  bool has(std::string_view flag) const;
  // The last value of a kValue flag.
  std::optional<std::string> value(std::string_view flag) const;
  // Every value of a kList flag, in order (empty when not given).
  std::vector<std::string> values(std::string_view flag) const;

  // Typed values. Each throws UsageError naming the flag when the text is malformed.
  bool enabled(std::string_view flag, bool fallback) const;  // a kSwitch
  std::string string(std::string_view flag, std::string fallback) const;
  std::uint64_t count(std::string_view flag, std::uint64_t fallback) const;  // decimal
  std::uint64_t size(std::string_view flag, std::uint64_t fallback) const;   // 16, 1KiB, 2MB
  std::chrono::nanoseconds duration(std::string_view flag,
                                    std::chrono::nanoseconds fallback) const;  // 1.5s, 300ms

 private:
  friend ParsedArgs parse_args(const CommandSpec& spec, std::span<const std::string> argv);

  std::map<std::string, std::vector<std::string>, std::less<>> flags_;
  std::map<std::string, std::string, std::less<>> args_;
  bool help_ = false;
};

// Parses `argv` (the words after the command name) against `spec`. --help/-h anywhere sets
// help() and skips the check for missing arguments. Throws UsageError for an unknown flag, a
// missing flag value, a value given to a switch that is not a boolean, a missing required
// argument or a surplus argument.
ParsedArgs parse_args(const CommandSpec& spec, std::span<const std::string> argv);

// The --help text: usage line, summary, description, arguments and flags, with --help itself.
std::string help_text(const CommandSpec& spec);

}  // namespace quiver::cli
