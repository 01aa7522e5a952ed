#include "conformance/lib/check.h"

#include <cstdio>

namespace quiver::conformance {

void fail(std::string message) { throw CaseFailure(std::move(message)); }

void skip(std::string reason) { throw CaseSkip(std::move(reason)); }

void check(bool condition, std::string_view what) {
  if (!condition) fail(std::string(what));
}

std::string printable(std::string_view bytes, std::size_t max) {
  std::string out;
  const std::size_t n = bytes.size() < max ? bytes.size() : max;
  out.reserve(n + 16);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        }
    }
  }
  if (n < bytes.size()) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace quiver::conformance
