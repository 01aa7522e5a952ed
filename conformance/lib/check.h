// How a conformance case reports a broken expectation or that it cannot run, and the checks
// that do it.
//
// A case is a straight script of protocol steps; the first broken expectation ends it, like a
// gtest ASSERT. That is what the exceptions below are for: CaseFailure and CaseSkip unwind the
// case to the runner, which records the message. They never cross codec/ (which has no
// exceptions); they only travel between the case body, lib/ and the runner's per-case catch.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace quiver::conformance {

class CaseFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CaseSkip : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(std::string message);
[[noreturn]] void skip(std::string reason);

// Fails with `what` unless `condition` holds.
void check(bool condition, std::string_view what);

// Bytes as a readable one-line string: printable ASCII as is, \r \n \t \\ escaped, other bytes
// as \xNN. Longer inputs are cut after `max` bytes with "...(N bytes)".
std::string printable(std::string_view bytes, std::size_t max = 160);

namespace internal {
inline std::string show(std::string_view s) { return "\"" + printable(s) + "\""; }
inline std::string show(const std::string& s) { return show(std::string_view(s)); }
inline std::string show(const char* s) { return show(std::string_view(s)); }
inline std::string show(bool b) { return b ? "true" : "false"; }
template <class T>
requires std::is_integral_v<T> std::string show(T v) { return std::to_string(v); }
}  // namespace internal

// Fails with "<what>: expected <expected>, got <actual>" unless actual == expected.
template <class A, class E>
void check_eq(const A& actual, const E& expected, std::string_view what) {
  if (!(actual == expected)) {
    fail(std::string(what) + ": expected " + internal::show(expected) + ", got " +
         internal::show(actual));
  }
}

}  // namespace quiver::conformance
