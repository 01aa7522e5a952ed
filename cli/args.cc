#include "cli/args.h"

#include <algorithm>
#include <sstream>

#include "cli/values.h"

namespace quiver::cli {
namespace {

const FlagSpec* find_long(const CommandSpec& spec, std::string_view name) {
  for (const FlagSpec& flag : spec.flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

const FlagSpec* find_short(const CommandSpec& spec, char name) {
  for (const FlagSpec& flag : spec.flags) {
    if (flag.short_name != 0 && flag.short_name == name) return &flag;
  }
  return nullptr;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return std::nullopt;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string flag_display(const FlagSpec& flag) { return "--" + flag.name; }

}  // namespace

std::optional<std::string> ParsedArgs::arg(std::string_view name) const {
  auto it = args_.find(name);
  if (it == args_.end()) return std::nullopt;
  return it->second;
}

bool ParsedArgs::has(std::string_view flag) const { return flags_.find(flag) != flags_.end(); }

std::optional<std::string> ParsedArgs::value(std::string_view flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::values(std::string_view flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return {};
  return it->second;
}

bool ParsedArgs::enabled(std::string_view flag, bool fallback) const {
  auto text = value(flag);
  if (!text) return fallback;
  // Values were checked when parsing.
  return parse_bool(*text).value_or(fallback);
}

std::string ParsedArgs::string(std::string_view flag, std::string fallback) const {
  auto text = value(flag);
  return text ? *text : std::move(fallback);
}

std::uint64_t ParsedArgs::count(std::string_view flag, std::uint64_t fallback) const {
  auto text = value(flag);
  if (!text) return fallback;
  auto n = parse_uint(*text);
  if (!n) {
    throw UsageError("invalid value " + quoted(*text) + " for --" + std::string(flag) +
                     ": want a whole number");
  }
  return *n;
}

std::uint64_t ParsedArgs::size(std::string_view flag, std::uint64_t fallback) const {
  auto text = value(flag);
  if (!text) return fallback;
  auto n = parse_size(*text);
  if (!n) {
    throw UsageError("invalid size " + quoted(*text) + " for --" + std::string(flag) +
                     ": want bytes, optionally with a unit (16, 512B, 1KiB, 2MB)");
  }
  return *n;
}

std::chrono::nanoseconds ParsedArgs::duration(std::string_view flag,
                                              std::chrono::nanoseconds fallback) const {
  auto text = value(flag);
  if (!text) return fallback;
  auto d = parse_duration(*text);
  if (!d) {
    throw UsageError("invalid duration " + quoted(*text) + " for --" + std::string(flag) +
                     ": want a number with a unit (500ms, 2s, 1m30s)");
  }
  return *d;
}

ParsedArgs parse_args(const CommandSpec& spec, std::span<const std::string> argv) {
  ParsedArgs out;
  std::vector<std::string> positional;
  bool flags_done = false;

  auto add = [&](const FlagSpec& flag, std::string value) {
    if (flag.kind == FlagKind::kSwitch && !parse_bool(value)) {
      throw UsageError("invalid value " + quoted(value) + " for " + flag_display(flag) +
                       ": want true or false");
    }
    out.flags_[flag.name].push_back(std::move(value));
  };

  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (flags_done || word.size() < 2 || word[0] != '-') {
      positional.push_back(word);
      continue;
    }
    if (word == "--") {
      flags_done = true;
      continue;
    }
    if (word == "--help" || word == "-h") {
      out.help_ = true;
      continue;
    }
    auto take_value = [&](const FlagSpec& flag) -> std::string {
      if (i + 1 >= argv.size()) {
        throw UsageError("expected a value for " + flag_display(flag));
      }
      return argv[++i];
    };
    if (word.starts_with("--")) {
      std::string_view body = std::string_view(word).substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = body.find('='); eq != std::string_view::npos) {
        inline_value = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      const FlagSpec* flag = find_long(spec, body);
      if (flag == nullptr && body.starts_with("no-") && !inline_value) {
        const FlagSpec* negated = find_long(spec, body.substr(3));
        if (negated != nullptr && negated->kind == FlagKind::kSwitch) {
          add(*negated, "false");
          continue;
        }
      }
      if (flag == nullptr) throw UsageError("unknown flag --" + std::string(body));
      if (flag->kind == FlagKind::kSwitch) {
        add(*flag, inline_value.value_or("true"));
      } else {
        add(*flag, inline_value ? *inline_value : take_value(*flag));
      }
      continue;
    }
    // Short flag: "-H", "-HK:V".
    const FlagSpec* flag = find_short(spec, word[1]);
    if (flag == nullptr) throw UsageError("unknown short flag -" + word.substr(1, 1));
    if (flag->kind == FlagKind::kSwitch) {
      if (word.size() > 2) {
        throw UsageError("unexpected " + quoted(word.substr(2)) + " after -" +
                         std::string(1, word[1]));
      }
      add(*flag, "true");
    } else {
      add(*flag, word.size() > 2 ? word.substr(2) : take_value(*flag));
    }
  }

  for (std::size_t i = 0; i < positional.size(); ++i) {
    if (i >= spec.args.size()) {
      throw UsageError("unexpected argument " + quoted(positional[i]));
    }
    out.args_[spec.args[i].name] = positional[i];
  }
  if (!out.help_) {
    for (std::size_t i = positional.size(); i < spec.args.size(); ++i) {
      if (spec.args[i].required) {
        throw UsageError("required argument '" + spec.args[i].name + "' not provided");
      }
    }
  }
  return out;
}

std::string help_text(const CommandSpec& spec) {
  std::ostringstream out;
  out << "usage: quiver " << spec.name;
  if (!spec.flags.empty()) out << " [<flags>]";
  for (const ArgSpec& arg : spec.args) {
    out << (arg.required ? " <" : " [<") << arg.name << (arg.required ? ">" : ">]");
  }
  out << "\n\n" << spec.summary << "\n";
  if (!spec.description.empty()) {
    out << "\n" << spec.description;
    if (!spec.description.ends_with('\n')) out << "\n";
  }

  auto print_rows = [&](const std::vector<std::pair<std::string, std::string>>& rows) {
    std::size_t width = 0;
    for (const auto& row : rows) width = std::max(width, row.first.size());
    for (const auto& [left, right] : rows) {
      out << "  " << left << std::string(width - left.size() + 2, ' ') << right << "\n";
    }
  };

  if (!spec.args.empty()) {
    out << "\nArgs:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const ArgSpec& arg : spec.args) {
      rows.emplace_back(arg.required ? "<" + arg.name + ">" : "[<" + arg.name + ">]", arg.help);
    }
    print_rows(rows);
  }

  out << "\nFlags:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("-h, --help", "Show help for this command");
  for (const FlagSpec& flag : spec.flags) {
    std::string left = flag.short_name != 0 ? std::string("-") + flag.short_name + ", " : "    ";
    left += "--" + flag.name;
    if (flag.kind != FlagKind::kSwitch) {
      left += "=" + (flag.placeholder.empty() ? std::string("VALUE") : flag.placeholder);
    }
    if (flag.kind == FlagKind::kList) left += " ...";
    std::string right = flag.help;
    if (!flag.default_text.empty()) right += " (default: " + flag.default_text + ")";
    rows.emplace_back(std::move(left), std::move(right));
  }
  print_rows(rows);
  return out.str();
}

}  // namespace quiver::cli
