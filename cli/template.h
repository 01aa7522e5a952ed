// Message templates as natscli's pub/req/reply expand them (a subset of Go's text/template):
// "{{Count}}", "{{ .Count }}", "{{ Random 10 100 }}" in bodies, subjects and header values.
//
//   Count, Cnt        the message number (from 1)
//   TimeStamp         the current time, RFC 3339 ("2006-01-02T15:04:05+01:00")
//   Time              the current time, Go's Kitchen format ("3:04PM")
//   Unix, UnixNano    seconds / nanoseconds since 1970 (UTC)
//   ID                a unique 22-character identifier (NUID alphabet)
//   UUID              a random version 4 UUID
//   Random MIN MAX    random letters and digits, MIN to MAX long
//   Request           the request body (reply only)
//
// A template is parsed once (errors are usage errors) and expanded per message.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::cli {

// Values and randomness for one expansion. Tests seed `rng` and fix `now`.
struct TemplateValues {
  std::uint64_t count = 0;
  std::chrono::system_clock::time_point now;
  std::string_view request;
};

class Template {
 public:
  // The text sent as is, no actions.
  static Template literal(std::string_view text);

  // Parses `text`. Throws UsageError for an unterminated "{{", an unknown name, "Request"
  // when `allow_request` is false, or bad Random arguments.
  static Template parse(std::string_view text, bool allow_request = false);

  bool is_literal() const noexcept { return !has_actions_; }

  // Expands into `out` (replacing its contents). `rng` feeds ID, UUID and Random.
  void expand(const TemplateValues& values, std::mt19937_64& rng, std::string& out) const;
  std::string expand(const TemplateValues& values, std::mt19937_64& rng) const;

 private:
  enum class Kind {
    kText,
    kCount,
    kTimeStamp,
    kTime,
    kUnix,
    kUnixNano,
    kId,
    kUuid,
    kRandom,
    kRequest
  };
  struct Part {
    Kind kind = Kind::kText;
    std::string text;
    std::uint64_t min = 0, max = 0;  // kRandom
  };

  std::vector<Part> parts_;
  bool has_actions_ = false;
};

// Replaces "{{0}}", "{{1}}", ... with the dot-separated tokens of `subject` (natscli's reply
// --command convention); indexes past the last token are left as they are.
std::string substitute_subject_tokens(std::string_view command, std::string_view subject);

// Formats `t` in the local time zone.
std::string format_rfc3339(std::chrono::system_clock::time_point t);
std::string format_kitchen(std::chrono::system_clock::time_point t);

}  // namespace quiver::cli
