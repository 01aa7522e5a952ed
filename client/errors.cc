#include "client/errors.h"

#include <string>

namespace quiver::client {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "quiver.client"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::kTimeout:
        return "timeout";
      case errc::kNoResponders:
        return "no responders available for request";
      case errc::kConnectionClosed:
        return "connection closed";
      case errc::kNotConnected:
        return "not connected yet";
      case errc::kDisconnected:
        return "disconnected and reconnect buffering is disabled";
      case errc::kReconnectBufferExceeded:
        return "reconnect buffer exceeded";
      case errc::kWriteBufferFull:
        return "outbound buffer full";
      case errc::kDraining:
        return "connection draining";
      case errc::kSlowConsumer:
        return "slow consumer, messages dropped";
      case errc::kMaxPayload:
        return "maximum payload exceeded";
      case errc::kHeadersNotSupported:
        return "headers not supported by this server";
      case errc::kBadSubject:
        return "invalid subject";
      case errc::kBadQueue:
        return "invalid queue name";
      case errc::kBadUrl:
        return "invalid server URL";
      case errc::kNoServers:
        return "no servers available for connection";
      case errc::kAuthorization:
        return "authorization violation";
      case errc::kPermissionsViolation:
        return "permissions violation";
      case errc::kStaleConnection:
        return "stale connection";
      case errc::kProtocol:
        return "protocol error";
      case errc::kServerError:
        return "server error";
      case errc::kTlsNotSupported:
        return "server requires TLS, which is not supported yet";
      case errc::kSubscriptionClosed:
        return "subscription closed";
      case errc::kBusy:
        return "another operation of the same kind is already pending";
      case errc::kInvalidState:
        return "operation not valid in the connection's current state";
      case errc::kCallbackFailed:
        return "subscription callback threw an exception";
    }
    return "unknown quiver.client error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& client_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace quiver::client
