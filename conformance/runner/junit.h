// JUnit XML (the dialect Jenkins, GitLab and Bazel's test viewers read) for a suite run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conformance/runner/report.h"

namespace quiver::conformance {

// Escapes text for XML 1.0 attribute values and character data: & < > " ' become entities;
// control characters that XML 1.0 forbids (everything below 0x20 except tab, LF and CR) become
// the text "\xNN", since no entity can represent them.
std::string xml_escape(std::string_view text);

// <testsuites><testsuite name=… tests failures skipped time><testcase classname="suite.area"
// name="case" time><failure message=…>…</failure> | <skipped message=…/></testcase>…
std::string junit_xml(const std::vector<CaseResult>& results, std::string_view suite_name,
                      double total_seconds);

}  // namespace quiver::conformance
