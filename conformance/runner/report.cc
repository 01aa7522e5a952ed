#include "conformance/runner/report.h"

namespace quiver::conformance {
namespace {

std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      if (i + 1 < text.size()) out += " | ";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Totals count(const std::vector<CaseResult>& results) {
  Totals t;
  for (const CaseResult& r : results) {
    switch (r.outcome) {
      case Outcome::kPass:
        ++t.passed;
        break;
      case Outcome::kFail:
        ++t.failed;
        break;
      case Outcome::kSkip:
        ++t.skipped;
        break;
    }
  }
  return t;
}

std::string format_result_line(const CaseResult& result) {
  const long ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(result.elapsed).count());
  const std::string timing = " (" + std::to_string(ms) + " ms)";
  switch (result.outcome) {
    case Outcome::kPass:
      return "PASS " + result.full_name() + timing;
    case Outcome::kFail:
      return "FAIL " + result.full_name() + timing + ": " + one_line(result.reason);
    case Outcome::kSkip:
      return "SKIP " + result.full_name() + ": " + one_line(result.reason);
  }
  return "";
}

std::string format_summary(const Totals& totals) {
  return std::to_string(totals.passed) + " passed, " + std::to_string(totals.failed) + " failed, " +
         std::to_string(totals.skipped) + " skipped";
}

}  // namespace quiver::conformance
