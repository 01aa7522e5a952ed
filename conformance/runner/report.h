// Results of a suite run and how they are printed: one line per case and a summary line.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace quiver::conformance {

enum class Outcome { kPass, kFail, kSkip };

struct CaseResult {
  std::string area;
  std::string name;  // without the area
  Outcome outcome = Outcome::kPass;
  std::string reason;  // FAIL/SKIP: why
  std::chrono::duration<double> elapsed{0};

  std::string full_name() const { return area + "/" + name; }
};

struct Totals {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

Totals count(const std::vector<CaseResult>& results);

// "PASS area/name (12 ms)", "FAIL area/name (12 ms): reason", "SKIP area/name: reason".
// Line breaks in the reason are shown as " | " so each case stays on one line.
std::string format_result_line(const CaseResult& result);

// "N passed, M failed, K skipped"
std::string format_summary(const Totals& totals);

}  // namespace quiver::conformance
