#include "cli/values.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace quiver::cli {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "12", "1.5", ".5": at least one digit, at most one '.'. Consumes what it reads from `s`.
std::optional<double> take_decimal(std::string_view& s) {
  std::size_t i = 0;
  double value = 0;
  bool digits = false;
  while (i < s.size() && is_digit(s[i])) {
    value = value * 10 + (s[i] - '0');
    digits = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < s.size() && is_digit(s[i])) {
      value += (s[i] - '0') * scale;
      scale /= 10;
      digits = true;
      ++i;
    }
  }
  if (!digits) return std::nullopt;
  s.remove_prefix(i);
  return value;
}

}  // namespace

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  text = trim(text);
  std::size_t split = 0;
  while (split < text.size() && (is_digit(text[split]) || text[split] == '.')) ++split;
  const std::string_view number = text.substr(0, split);
  const std::string unit = lower(trim(text.substr(split)));
  std::uint64_t multiplier = 0;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    multiplier = 1ull << 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    multiplier = 1ull << 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    multiplier = 1ull << 30;
  } else {
    return std::nullopt;
  }
  if (number.find('.') == std::string_view::npos) {
    auto whole = parse_uint(number);
    if (!whole || *whole > std::numeric_limits<std::uint64_t>::max() / multiplier) {
      return std::nullopt;
    }
    return *whole * multiplier;
  }
  std::string_view rest = number;
  auto value = take_decimal(rest);
  if (!value || !rest.empty()) return std::nullopt;
  const double bytes = std::floor(*value * static_cast<double>(multiplier));
  if (bytes >= 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;
  struct Unit {
    std::string_view name;
    double ns;
  };
  // Longest names first: "ms" before "m", "ns" before... nothing shorter.
  static constexpr Unit kUnits[] = {
      {"ns", 1},   {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
      {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9},
  };
  double total = 0;
  while (!text.empty()) {
    auto number = take_decimal(text);
    if (!number) return std::nullopt;
    const Unit* found = nullptr;
    for (const Unit& unit : kUnits) {
      if (text.starts_with(unit.name)) {
        found = &unit;
        break;
      }
    }
    if (found == nullptr) return std::nullopt;
    text.remove_prefix(found->name.size());
    total += *number * found->ns;
  }
  if (total > 9.2e18) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(total)));
}

std::optional<HeaderArg> parse_header_arg(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  HeaderArg header{std::string(trim(text.substr(0, colon))),
                   std::string(trim(text.substr(colon + 1)))};
  if (header.key.empty()) return std::nullopt;
  return header;
}

std::optional<std::vector<std::string>> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_blank(c)) {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return std::nullopt;
      word.append(text.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size()) {
          const char next = text[i + 1];
          if (next == '"' || next == '\\' || next == '$' || next == '`') {
            word.push_back(next);
            i += 2;
            continue;
          }
          if (next == '\n') {  // line continuation
            i += 2;
            continue;
          }
        }
        word.push_back(d);
        ++i;
      }
      if (!closed) return std::nullopt;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return std::nullopt;
      if (text[i + 1] != '\n') word.push_back(text[i + 1]);
      i += 2;
    } else {
      word.push_back(c);
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace quiver::cli
