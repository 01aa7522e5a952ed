// Errors of the configuration layer: a code to branch on plus the full text a human reads.
//
// quiver::Result carries only a std::error_code, which cannot say "full.conf:12:5: expected a
// map". Config errors are shown to an operator exactly once, by main(), so they carry their
// message; ConfResult<T> is a Boost.Outcome result over ConfError for that reason.
#pragma once

#include <string>
#include <system_error>
#include <utility>

#include "common/result.h"

namespace quiver::server::config {

enum class errc {
  kIo = 1,             // a config or include file could not be read
  kSyntax,             // the text is not valid nats-server config syntax
  kUndefinedVariable,  // $NAME is neither an earlier key in scope nor an environment variable
  kCycle,              // an include or environment-variable cycle
  kBadValue,           // a known option with a value of the wrong type or out of range
  kUnknownField,       // a key nats-server 2.9 does not know either
  kUnsupported,        // a key or flag nats-server knows but quiver-server does not implement
  kBadFlag,            // a malformed command line
};

const std::error_category& config_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), config_category()};
}

struct ConfError {
  std::error_code code;
  std::string message;  // complete, e.g. "full.conf:12:5: unknown field \"prot\""
};

inline ConfError conf_error(errc code, std::string message) {
  return ConfError{make_error_code(code), std::move(message)};
}

// policy::terminate: reading the value of a failed result is a bug, not an exception.
template <class T>
using ConfResult =
    boost::outcome_v2::basic_result<T, ConfError, boost::outcome_v2::policy::terminate>;

}  // namespace quiver::server::config

namespace std {
template <>
struct is_error_code_enum<quiver::server::config::errc> : true_type {};
}  // namespace std
