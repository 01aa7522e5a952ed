// Errors of the JetStream, Key/Value and Object Store layer.
//
// Operations return JsResult<T>: a value or an Error. Error carries a std::error_code (a
// jetstream::errc, a client::errc such as kTimeout, or a system code) and, when the server
// refused an API request, the server's own `code` (HTTP-like, 404), `err_code` (10059) and
// `description` ("stream not found"). Compare with the enums directly:
//
//   auto info = co_await js.stream_info("ORDERS");
//   if (!info && info.error() == jetstream::errc::kStreamNotFound) ...
//   if (!info) std::puts(info.error().message().c_str());   // the server's description
//
// The async_* token forms complete with a boost::system::error_code (the `code` alone).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <system_error>

#include <boost/outcome/result.hpp>

#include "client/errors.h"

namespace quiver::client::jetstream {

enum class errc {
  kApiError = 1,         // the server refused the request; Error::err_code says why
  kNotEnabled,           // nobody answered the API subject: JetStream is not enabled
  kNoStreamResponse,     // a JetStream publish reached no stream (no responders)
  kBadResponse,          // the reply was not the JSON (or status message) expected
  kInvalidArgument,      // bad name, key, subject or option, detected before sending
  kStreamNotFound,       // err_code 10059
  kStreamNameInUse,      // err_code 10058: exists with a different configuration
  kConsumerNotFound,     // err_code 10014
  kConsumerExists,       // err_code 10013 / 10148
  kMessageNotFound,      // err_code 10037, or a direct get's 404
  kWrongLastSequence,    // err_code 10071: an expected-last-sequence check failed
  kWrongLastMsgId,       // err_code 10070
  kStreamMismatch,       // err_code 10060: expected stream does not match
  kNotJetStreamMessage,  // the message has no JetStream ack reply subject
  kAlreadyAcked,         // ack/nak/term on a message that was already acknowledged
  kNoHeartbeat,          // the consumer's idle heartbeats stopped arriving
  kConsumerDeleted,      // the server reported "409 Consumer Deleted"
  kPullRequestFailed,    // any other terminal pull status (409 Exceeded MaxWaiting, ...)
  kTooManyStalled,       // the async publish window stayed full for the stall wait
  kBucketNotFound,       // KV/object bucket (stream) does not exist
  kBadBucket,            // the stream exists but is not a valid bucket
  kInvalidBucketName,    // bucket names are [a-zA-Z0-9_-]+
  kInvalidKey,           // keys are [-/_=.a-zA-Z0-9]+, not starting or ending with '.'
  kHistoryTooLarge,      // KV history is limited to 64
  kKeyNotFound,          // no such key (or its last value is a delete/purge marker)
  kKeyExists,            // create() of a key that has a value
  kObjectNotFound,       // no such object (or it was deleted)
  kBadObjectMeta,        // the object's meta message is not valid JSON
  kDigestMismatch,       // the object's chunks do not match its SHA-256 digest
  kObjectIsBucketLink,   // get() of a link to a whole bucket
};

const std::error_category& jetstream_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), jetstream_category()};
}

// The errc for a server err_code (10059 -> kStreamNotFound); kApiError for the rest.
errc errc_from_api(int err_code) noexcept;

struct Error {
  std::error_code code;
  int status = 0;    // the API error's HTTP-like code (400, 404, 503), 0 when not an API error
  int err_code = 0;  // the API error's JetStream code (10059), 0 when not an API error
  std::string description;  // the server's text, or extra detail from the client

  Error() = default;
  Error(std::error_code ec) : code(ec) {}              // NOLINT(google-explicit-constructor)
  Error(errc e) : code(make_error_code(e)) {}          // NOLINT(google-explicit-constructor)
  Error(client::errc e) : code(make_error_code(e)) {}  // NOLINT(google-explicit-constructor)
  Error(std::error_code ec, std::string detail) : code(ec), description(std::move(detail)) {}

  // An API error as the server reported it: code is errc_from_api(err_code).
  static Error api(int status, int err_code, std::string description);

  // The description when there is one, else the code's message.
  std::string message() const;

  explicit operator bool() const noexcept { return static_cast<bool>(code); }
  friend bool operator==(const Error& e, errc c) noexcept { return e.code == make_error_code(c); }
  friend bool operator==(const Error& e, client::errc c) noexcept {
    return e.code == client::make_error_code(c);
  }
  friend bool operator==(const Error& e, const std::error_code& c) noexcept { return e.code == c; }
};

// Lets Boost.Outcome treat Error like an error code (value() on a failed result throws
// std::system_error with it).
inline std::error_code make_error_code(const Error& e) noexcept { return e.code; }
// Found by Boost.Outcome through ADL: value() on a failed JsResult throws
// std::system_error(code, message()).
[[noreturn]] void outcome_throw_as_system_error_with_payload(const Error& e);

std::ostream& operator<<(std::ostream& os, const Error& e);

template <class T>
using JsResult = boost::outcome_v2::result<T, Error>;

}  // namespace quiver::client::jetstream

namespace std {
template <>
struct is_error_code_enum<quiver::client::jetstream::errc> : true_type {};
}  // namespace std
