#include "cli/template.h"

#include <cstdio>
#include <time.h>

#include "cli/args.h"
#include "cli/values.h"

namespace quiver::cli {
namespace {

constexpr std::string_view kNuidAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kRandomAlphabet =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::size_t kIdLength = 22;

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::uint64_t uniform(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
  return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
}

void append_random(std::string& out, std::mt19937_64& rng, std::string_view alphabet,
                   std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out.push_back(alphabet[uniform(rng, 0, alphabet.size() - 1)]);
}

void append_uuid(std::string& out, std::mt19937_64& rng) {
  unsigned char bytes[16];
  for (int i = 0; i < 16; i += 8) {
    std::uint64_t r = rng();
    for (int j = 0; j < 8; ++j) bytes[i + j] = static_cast<unsigned char>(r >> (8 * j));
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
}

struct tm local_tm(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  struct tm tm {};
  localtime_r(&secs, &tm);
  return tm;
}

}  // namespace

Template Template::literal(std::string_view text) {
  Template t;
  t.parts_.push_back(Part{Kind::kText, std::string(text)});
  return t;
}

Template Template::parse(std::string_view text, bool allow_request) {
  Template t;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.parts_.push_back(Part{Kind::kText, std::string(text.substr(pos))});
      break;
    }
    if (open > pos)
      t.parts_.push_back(Part{Kind::kText, std::string(text.substr(pos, open - pos))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw UsageError("template: unclosed action in \"" + std::string(text) + "\"");
    }
    const std::string_view action = text.substr(open, close + 2 - open);
    const auto words = split_words(text.substr(open + 2, close - open - 2));
    if (words.empty())
      throw UsageError("template: missing value for command in " + std::string(action));
    std::string_view name = words[0];
    const bool field = name.starts_with('.');
    if (field) name.remove_prefix(1);

    Part part;
    if (name == "Count" || name == "Cnt") {
      part.kind = Kind::kCount;
    } else if (name == "TimeStamp") {
      part.kind = Kind::kTimeStamp;
    } else if (name == "Time") {
      part.kind = Kind::kTime;
    } else if (name == "Unix") {
      part.kind = Kind::kUnix;
    } else if (name == "UnixNano") {
      part.kind = Kind::kUnixNano;
    } else if (name == "ID") {
      part.kind = Kind::kId;
    } else if (name == "UUID" && !field) {
      part.kind = Kind::kUuid;
    } else if (name == "Request" && allow_request) {
      part.kind = Kind::kRequest;
    } else if (name == "Random" && !field) {
      part.kind = Kind::kRandom;
      auto lo = words.size() == 3 ? parse_uint(words[1]) : std::nullopt;
      auto hi = words.size() == 3 ? parse_uint(words[2]) : std::nullopt;
      if (!lo || !hi || *lo > *hi || *hi > 1024 * 1024) {
        throw UsageError("template: " + std::string(action) +
                         ": Random takes two numbers, MIN <= MAX <= 1048576");
      }
      part.min = *lo;
      part.max = *hi;
    } else {
      throw UsageError("template: " + std::string(action) + ": unknown function \"" +
                       std::string(name) + "\"");
    }
    if (part.kind != Kind::kRandom && words.size() != 1) {
      throw UsageError("template: " + std::string(action) + ": \"" + std::string(name) +
                       "\" takes no arguments");
    }
    t.has_actions_ = true;
    t.parts_.push_back(std::move(part));
    pos = close + 2;
  }
  return t;
}

void Template::expand(const TemplateValues& values, std::mt19937_64& rng, std::string& out) const {
  out.clear();
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Kind::kText:
        out += part.text;
        break;
      case Kind::kCount:
        out += std::to_string(values.count);
        break;
      case Kind::kTimeStamp:
        out += format_rfc3339(values.now);
        break;
      case Kind::kTime:
        out += format_kitchen(values.now);
        break;
      case Kind::kUnix:
        out += std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(values.now.time_since_epoch())
                .count());
        break;
      case Kind::kUnixNano:
        out += std::to_string(
            std::chrono::duration_cast<std::chrono::nanoseconds>(values.now.time_since_epoch())
                .count());
        break;
      case Kind::kId:
        append_random(out, rng, kNuidAlphabet, kIdLength);
        break;
      case Kind::kUuid:
        append_uuid(out, rng);
        break;
      case Kind::kRandom:
        append_random(out, rng, kRandomAlphabet, uniform(rng, part.min, part.max));
        break;
      case Kind::kRequest:
        out += values.request;
        break;
    }
  }
}

std::string Template::expand(const TemplateValues& values, std::mt19937_64& rng) const {
  std::string out;
  expand(values, rng, out);
  return out;
}

std::string substitute_subject_tokens(std::string_view command, std::string_view subject) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = subject.find('.', start);
    tokens.push_back(subject.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < command.size()) {
    const std::size_t open = command.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = command.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(command.substr(pos, open - pos));
    auto index = parse_uint(command.substr(open + 2, close - open - 2));
    if (index && *index < tokens.size()) {
      out.append(tokens[*index]);
    } else {
      out.append(command.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(command.substr(pos));
  return out;
}

std::string format_rfc3339(std::chrono::system_clock::time_point t) {
  const struct tm tm = local_tm(t);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  const long offset = tm.tm_gmtoff;
  if (offset == 0) {
    out += "Z";
  } else {
    const long abs = offset < 0 ? -offset : offset;
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", offset < 0 ? '-' : '+', abs / 3600,
                  (abs % 3600) / 60);
    out += buf;
  }
  return out;
}

std::string format_kitchen(std::chrono::system_clock::time_point t) {
  const struct tm tm = local_tm(t);
  const int hour = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d:%02d%s", hour, tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM");
  return buf;
}

}  // namespace quiver::cli
