#include "server/monitor/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <system_error>
#include <time.h>

#include "common/assert.h"

namespace quiver::server::monitor {

std::string format_go_float(double value) {
  if (!std::isfinite(value)) return "0";  // Go refuses to encode these; never produced here
  char buf[64];
  const double abs = std::fabs(value);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), value,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  QV_CHECK(ec == std::errc(), "to_chars cannot fail on a 64-byte buffer");
  std::string out(buf, end);
  if (exponent) {
    // Go writes e-7, not e-07 (and keeps two digits for e+21).
    const std::size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
  }
  return out;
}

std::string format_rfc3339_nano(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  int64_t secs = ns / 1'000'000'000;
  int64_t frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  const time_t tt = static_cast<time_t>(secs);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out(buf, static_cast<std::size_t>(n));
  if (frac != 0) {
    n = std::snprintf(buf, sizeof(buf), ".%09lld", static_cast<long long>(frac));
    std::string_view digits(buf, static_cast<std::size_t>(n));
    while (digits.back() == '0') digits.remove_suffix(1);
    out.append(digits);
  }
  out.push_back('Z');
  return out;
}

std::string format_uptime(std::chrono::nanoseconds d) {
  // Integer division truncates toward zero in both Go and C++, so this matches myUptime exactly.
  const int64_t tsecs = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  const int64_t tmins = tsecs / 60;
  const int64_t thrs = tmins / 60;
  const int64_t tdays = thrs / 24;
  const int64_t tyrs = tdays / 365;
  auto s = [](int64_t v) { return std::to_string(v); };
  if (tyrs > 0) {
    return s(tyrs) + "y" + s(tdays % 365) + "d" + s(thrs % 24) + "h" + s(tmins % 60) + "m" +
           s(tsecs % 60) + "s";
  }
  if (tdays > 0)
    return s(tdays) + "d" + s(thrs % 24) + "h" + s(tmins % 60) + "m" + s(tsecs % 60) + "s";
  if (thrs > 0) return s(thrs) + "h" + s(tmins % 60) + "m" + s(tsecs % 60) + "s";
  if (tmins > 0) return s(tmins) + "m" + s(tsecs % 60) + "s";
  return s(tsecs) + "s";
}

namespace {

// strconv.Quote, for the ASCII range that query strings carry; other bytes pass through.
std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string strconv_error(std::string_view fn, std::string_view text, std::string_view what) {
  return "strconv." + std::string(fn) + ": parsing " + go_quote(text) + ": " + std::string(what);
}

}  // namespace

GoParsed<int64_t> go_atoi(std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return strconv_error("Atoi", text, "invalid syntax");
  uint64_t magnitude = 0;
  bool overflow = false;
  for (char c : digits) {
    if (c < '0' || c > '9') return strconv_error("Atoi", text, "invalid syntax");
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      overflow = true;
    } else {
      magnitude = magnitude * 10 + d;
    }
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (overflow || magnitude > limit) return strconv_error("Atoi", text, "value out of range");
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

GoParsed<bool> go_parse_bool(std::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "true" || text == "TRUE" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "false" || text == "FALSE" ||
      text == "False") {
    return false;
  }
  return strconv_error("ParseBool", text, "invalid syntax");
}

GoParsed<uint64_t> go_parse_uint(std::string_view text) {
  if (text.empty()) return strconv_error("ParseUint", text, "invalid syntax");
  uint64_t v = 0;
  bool overflow = false;
  for (char c : text) {
    if (c < '0' || c > '9') return strconv_error("ParseUint", text, "invalid syntax");
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      overflow = true;
    } else {
      v = v * 10 + d;
    }
  }
  if (overflow) return strconv_error("ParseUint", text, "value out of range");
  return v;
}

// --- JsonWriter ---

void JsonWriter::newline_indent(std::size_t depth) {
  if (style_ == Style::kCompact) return;
  out_.push_back('\n');
  out_.append(depth * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (counts_.empty()) {
    QV_CHECK(out_.empty(), "JsonWriter: a second top-level value");
    return;
  }
  if (counts_.back()++ > 0) out_.push_back(',');
  newline_indent(counts_.size());
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  counts_.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  QV_CHECK(!counts_.empty() && !after_key_, "JsonWriter: unbalanced end_object");
  const bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) newline_indent(counts_.size());
  out_.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  counts_.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  QV_CHECK(!counts_.empty() && !after_key_, "JsonWriter: unbalanced end_array");
  const bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) newline_indent(counts_.size());
  out_.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  QV_CHECK(!after_key_, "JsonWriter: key after key");
  before_value();
  append_string(name);
  out_.append(style_ == Style::kCompact ? ":" : ": ");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  append_string(s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_.append(b ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::value(int64_t n) {
  before_value();
  out_.append(std::to_string(n));
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
  before_value();
  out_.append(std::to_string(n));
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  out_.append(format_go_float(d));
  return *this;
}

std::string JsonWriter::take() {
  QV_CHECK(counts_.empty() && !after_key_, "JsonWriter: document not finished");
  return std::move(out_);
}

void JsonWriter::append_string(std::string_view s) {
  // encoding/json (Go 1.19) with HTML escaping: <, >, & and U+2028/9 as \u escapes; control
  // characters other than \n \r \t as \u00XX; invalid UTF-8 bytes as \ufffd.
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out_ += "\\u00";
            out_.push_back(kHex[c >> 4]);
            out_.push_back(kHex[c & 0xf]);
          } else {
            out_.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence; reject overlongs, surrogates and values past U+10FFFF.
    std::size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    }
    bool valid = len != 0 && i + len <= n;
    for (std::size_t k = 1; valid && k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) valid = false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if (valid) {
      if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
          (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
        valid = false;
      }
    }
    if (!valid) {
      out_ += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out_ += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out_.append(s.substr(i, len));
    }
    i += len;
  }
  out_.push_back('"');
}

}  // namespace quiver::server::monitor
