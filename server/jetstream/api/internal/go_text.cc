#include "server/jetstream/api/internal/go_text.h"

namespace quiver::server::jetstream::api::internal {

void append_go_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    switch (b) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (b >= 0x80) {
      // Well-formed multi-byte UTF-8 passes through (printable in practice).
      std::size_t n = 0;
      if (b >= 0xC2 && b <= 0xDF) n = 2;
      if (b >= 0xE0 && b <= 0xEF) n = 3;
      if (b >= 0xF0 && b <= 0xF4) n = 4;
      bool ok = n > 0 && i + n <= s.size();
      for (std::size_t k = 1; ok && k < n; ++k) {
        ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      }
      if (ok) {
        out.append(s.substr(i, n));
        i += n - 1;
        continue;
      }
    }
    if (b < 0x20 || b >= 0x7F) {
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
      continue;
    }
    out.push_back(static_cast<char>(b));
  }
  out.push_back('"');
}

std::string go_quote(std::string_view s) {
  std::string out;
  append_go_quoted(out, s);
  return out;
}

namespace {

// fmtFrac: the fraction of v/10^prec without trailing zeros (and without the point when it is
// zero), prepended to `out`; returns v/10^prec.
std::uint64_t prepend_frac(std::string& out, std::uint64_t v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>('0' + v % 10);
    print = print || digit != '0';
    if (print) digits.insert(digits.begin(), digit);
    v /= 10;
  }
  if (print) out.insert(0, "." + digits);
  return v;
}

void prepend_int(std::string& out, std::uint64_t v) { out.insert(0, std::to_string(v)); }

}  // namespace

std::string go_duration_string(std::int64_t ns) {
  const bool negative = ns < 0;
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  std::string out;
  if (u < 1'000'000'000) {
    if (u == 0) return "0s";
    int prec;
    if (u < 1'000) {
      prec = 0;
      out = "ns";
    } else if (u < 1'000'000) {
      prec = 3;
      out = "\xC2\xB5s";  // µs
    } else {
      prec = 6;
      out = "ms";
    }
    u = prepend_frac(out, u, prec);
    prepend_int(out, u);
  } else {
    out = "s";
    u = prepend_frac(out, u, 9);
    prepend_int(out, u % 60);
    u /= 60;
    if (u > 0) {
      out.insert(0, "m");
      prepend_int(out, u % 60);
      u /= 60;
      if (u > 0) {
        out.insert(0, "h");
        prepend_int(out, u);
      }
    }
  }
  if (negative) out.insert(0, "-");
  return out;
}

}  // namespace quiver::server::jetstream::api::internal
