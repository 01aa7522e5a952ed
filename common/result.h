// Result<T>: a value or a std::error_code, for fallible functions off the parser's inner loop.
// Boost.Outcome rather than std::expected, which clang 14 cannot compile (docs/adr/0001).
#pragma once

#include <system_error>

#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

namespace quiver {

template <class T>
using Result = boost::outcome_v2::result<T, std::error_code>;

using boost::outcome_v2::success;

}  // namespace quiver

// Propagates the error of a Result-returning expression; assigns the value otherwise.
#define QV_TRY(...) BOOST_OUTCOME_TRY(__VA_ARGS__)
