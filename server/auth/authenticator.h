// Client authentication and subject permissions for quiver-server (nats-server's
// `authorization {}` block: token, user/password with plain or bcrypt passwords, a users list
// with publish/subscribe allow/deny permissions, no_auth_user).
//
// An Authenticator is immutable: a config reload builds a new one and swaps the shared pointer,
// so connections authenticated earlier keep the Permissions they were given.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/protocol_json.h"
#include "common/result.h"
#include "server/config/options.h"

namespace quiver::server {

// What one user may publish and subscribe to. Immutable and shared by that user's connections;
// checks are called on every PUB, so they are cached and thread-safe.
class Permissions {
 public:
  virtual ~Permissions() = default;
  virtual bool can_publish(std::string_view subject) const = 0;
  // `queue` is empty for a plain SUB.
  virtual bool can_subscribe(std::string_view subject, std::string_view queue) const = 0;

  // Subscribe deny clauses do not stop a wider wildcard SUB ("foo.*" with deny "foo.bar" is
  // allowed), so nats-server filters deliveries instead. It starts filtering a connection the
  // first time that connection makes an allowed wildcard SUB that covers some deny clause; from
  // then on every message to that connection passes can_receive(). Call this after
  // can_subscribe() said yes; true means "start filtering this connection".
  virtual bool needs_delivery_filter(std::string_view subject) const { return false; }

  // False when a subscribe deny clause matches `subject`: drop the message instead of
  // delivering it. Only meaningful once needs_delivery_filter() asked for filtering.
  virtual bool can_receive(std::string_view subject) const { return true; }

  // allow_responses: how many replies (max_msgs; <= 0 means any number) this user may publish
  // to the reply subject of a request it received, and for how long (0: no limit).
  struct ResponseAllowance {
    int64_t max_msgs = 1;
    std::chrono::nanoseconds expires{0};
  };
  virtual std::optional<ResponseAllowance> responses() const { return std::nullopt; }
};

struct AuthOutcome {
  bool ok = false;
  std::string user;                                // for logs and /connz
  std::shared_ptr<const Permissions> permissions;  // null: everything allowed
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // True when clients must authenticate (INFO auth_required, CONNECT first, auth timeout).
  virtual bool required() const = 0;

  // Checks a client's CONNECT credentials (no_auth_user applies when none are given).
  // A bcrypt password costs tens of milliseconds of CPU (cost 10-11), as in nats-server.
  virtual AuthOutcome authenticate(const codec::ConnectOptions& connect) const = 0;
};

// Why make_authenticator() refused the settings. The texts follow nats-server's.
enum class AuthErrc {
  kTokenAndUser = 1,        // "Cannot have a user/pass and token"
  kTokenAndUsers,           // "Can not have a token and a users array"
  kUserAndUsers,            // "Can not have a single user/pass and a users array"
  kUserWithoutName,         // "User entry requires a user"
  kDuplicateUser,           // "Duplicate user detected"
  kNoAuthUserWithoutUsers,  // no_auth_user present, but users are not defined
  kNoAuthUserUnknown,       // no_auth_user not present as user in authorization block
  kInvalidPermission,       // a permission entry that is not "subject" or "subject queue"
};

const std::error_category& auth_category() noexcept;

inline std::error_code make_error_code(AuthErrc e) noexcept {
  return {static_cast<int>(e), auth_category()};
}

// Builds the authenticator for the `authorization` settings of `options`. An error names what is
// wrong (e.g. a users entry without a user name).
Result<std::shared_ptr<const Authenticator>> make_authenticator(
    const config::ServerOptions& options);

// As above; on error `error_message` also names the offending value, as nats-server prints it,
// e.g. `Duplicate user "a" detected`.
Result<std::shared_ptr<const Authenticator>> make_authenticator(
    const config::ServerOptions& options, std::string& error_message);

// The permission checker for one user's `permissions {}`; null when they restrict nothing.
// Fails with AuthErrc::kInvalidPermission (and `error_message`) on a malformed entry.
Result<std::shared_ptr<const Permissions>> make_permissions(const config::Permissions& permissions,
                                                            std::string* error_message = nullptr);

}  // namespace quiver::server

namespace std {
template <>
struct is_error_code_enum<quiver::server::AuthErrc> : true_type {};
}  // namespace std
