// Runs the selected cases one after another and reports them.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "conformance/lib/registry.h"
#include "conformance/runner/options.h"

namespace quiver::conformance {

// The cases `options` select (--only, --case), in registration order. `error` is set when an
// --only area does not exist.
std::vector<const Case*> select_cases(const Registry& registry, const Options& options,
                                      std::string& error);

// Prints "area/name  description" per selected case.
void print_case_list(const std::vector<const Case*>& cases, std::ostream& out);

// Runs the cases against the target of `options`, printing one line per case and the summary
// to `out`. Returns the process exit status: 0 all passed (or skipped), 1 a case failed,
// 2 the target could not be set up.
int run_suite(const Options& options, const std::vector<const Case*>& cases, std::ostream& out);

}  // namespace quiver::conformance
