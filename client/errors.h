// Error codes of the Quiver client, and their category.
//
// Operations complete with boost::system::error_code (the Asio convention, so `use_awaitable`
// throws and `as_tuple` hands the code back); the coroutine forms return quiver::Result<T> with a
// std::error_code. Both compare equal to these enumerators: `ec == client::errc::timeout`.
// Transport failures (connection refused, reset, EOF) keep their Asio/system codes.
#pragma once

#include <string_view>
#include <system_error>

namespace quiver::client {

enum class errc {
  kTimeout = 1,              // a request, flush, next() or connect step ran out of time
  kNoResponders,             // a request reached no subscriber (the server's 503 status)
  kConnectionClosed,         // the connection is closed (or closed while the operation waited)
  kNotConnected,             // async_connect has not completed yet
  kDisconnected,             // disconnected, and reconnect buffering is disabled
  kReconnectBufferExceeded,  // disconnected, and the reconnect buffer is full
  kWriteBufferFull,          // the outbound buffer holds Options::write_buffer_limit bytes
  kDraining,                 // the connection is draining: no new subscriptions or requests
  kSlowConsumer,             // a subscription's pending limit was hit; messages were dropped
  kMaxPayload,               // the message is larger than the server's max_payload
  kHeadersNotSupported,      // the server does not support headers (INFO "headers": false)
  kBadSubject,               // invalid subject or reply subject
  kBadQueue,                 // invalid queue group name
  kBadUrl,                   // a server URL could not be parsed
  kNoServers,                // every server of the pool failed (reconnect attempts exhausted)
  kAuthorization,            // the server rejected the credentials (-ERR 'Authorization ...')
  kPermissionsViolation,     // the server refused a publish or subscribe (-ERR 'Permissions ...')
  kStaleConnection,          // the server stopped answering PINGs
  kProtocol,                 // the server sent something that is not the NATS protocol
  kServerError,              // any other -ERR from the server
  kTlsNotSupported,          // the server requires TLS, which this client does not speak yet
  kSubscriptionClosed,       // unsubscribed, drained, or its auto-unsubscribe limit was reached
  kBusy,                     // another async_next is already waiting on this subscription
  kInvalidState,             // e.g. async_connect on a connection that was already started
  kCallbackFailed,           // a subscription callback threw (reported as an error event)
};

const std::error_category& client_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

}  // namespace quiver::client

namespace std {
template <>
struct is_error_code_enum<quiver::client::errc> : true_type {};
}  // namespace std
