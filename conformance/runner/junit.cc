#include "conformance/runner/junit.h"

#include <cstdio>

namespace quiver::conformance {
namespace {

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds);
  return buf;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += ch;
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string junit_xml(const std::vector<CaseResult>& results, std::string_view suite_name,
                      double total_seconds) {
  const Totals totals = count(results);
  const std::string suite = xml_escape(suite_name);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + suite + "\" tests=\"" + std::to_string(results.size()) +
         "\" failures=\"" + std::to_string(totals.failed) + "\" errors=\"0\" skipped=\"" +
         std::to_string(totals.skipped) + "\" time=\"" + seconds_text(total_seconds) + "\">\n";
  out += "  <testsuite name=\"" + suite + "\" tests=\"" + std::to_string(results.size()) +
         "\" failures=\"" + std::to_string(totals.failed) + "\" errors=\"0\" skipped=\"" +
         std::to_string(totals.skipped) + "\" time=\"" + seconds_text(total_seconds) + "\">\n";
  for (const CaseResult& r : results) {
    out += "    <testcase classname=\"" + suite + "." + xml_escape(r.area) + "\" name=\"" +
           xml_escape(r.name) + "\" time=\"" + seconds_text(r.elapsed.count()) + "\"";
    switch (r.outcome) {
      case Outcome::kPass:
        out += "/>\n";
        break;
      case Outcome::kFail:
        out += ">\n      <failure message=\"" + xml_escape(r.reason) + "\">" +
               xml_escape(r.reason) + "</failure>\n    </testcase>\n";
        break;
      case Outcome::kSkip:
        out += ">\n      <skipped message=\"" + xml_escape(r.reason) + "\"/>\n    </testcase>\n";
        break;
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace quiver::conformance
