// Parsing of the values quiver's flags and arguments take: counts, sizes, Go-style durations,
// "Key:Value" headers and shell-quoted command lines. Pure functions; nullopt means malformed
// (callers turn that into a usage error naming the flag).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::cli {

// A decimal integer: digits only, no sign, no overflow.
std::optional<std::uint64_t> parse_uint(std::string_view text);

// A byte size as natscli reads it: a decimal number with an optional unit, all units powers of
// 1024 and case-insensitive: B, K/KB/KiB, M/MB/MiB, G/GB/GiB ("16", "1KiB", "1.5M").
std::optional<std::uint64_t> parse_size(std::string_view text);

// A Go time.Duration string: one or more <number><unit> with units ns, us, µs, ms, s, m, h
// ("300ms", "1.5s", "1m30s"). "0" alone is zero; other numbers need a unit, as in Go.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

struct HeaderArg {
  std::string key;
  std::string value;
};

// "Key:Value" as natscli's --header takes it: split at the first ':', both sides trimmed of
// spaces and tabs. nullopt without ':' or with an empty key.
std::optional<HeaderArg> parse_header_arg(std::string_view text);

// Splits a command line into words the way a POSIX shell does, without expansions: blanks
// separate words; '...' is literal; "..." keeps everything but \" \\ \$ \` escapes; a backslash
// outside quotes escapes the next character. nullopt for an unterminated quote or a trailing
// backslash.
std::optional<std::vector<std::string>> split_shell_words(std::string_view text);

}  // namespace quiver::cli
