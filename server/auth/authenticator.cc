// Authentication as nats-server 2.9 does it for CLIENT connections (auth.go
// processClientOrLeafAuthentication, configureAuthorization; opts.go parseAuthorization and
// validateNoAuthUser). Exactly one mode applies: none, token, single user, or a users list.
#include "server/auth/authenticator.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "server/auth/password.h"

namespace quiver::server {

namespace {

class AuthCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "quiver.auth"; }
  std::string message(int value) const override {
    switch (static_cast<AuthErrc>(value)) {
      case AuthErrc::kTokenAndUser:
        return "Cannot have a user/pass and token";
      case AuthErrc::kTokenAndUsers:
        return "Can not have a token and a users array";
      case AuthErrc::kUserAndUsers:
        return "Can not have a single user/pass and a users array";
      case AuthErrc::kUserWithoutName:
        return "User entry requires a user";
      case AuthErrc::kDuplicateUser:
        return "Duplicate user detected";
      case AuthErrc::kNoAuthUserWithoutUsers:
        return "no_auth_user present, but users are not defined";
      case AuthErrc::kNoAuthUserUnknown:
        return "no_auth_user not present as user in authorization block or account "
               "configuration";
      case AuthErrc::kInvalidPermission:
        return "permission subject is not a valid subject";
    }
    return "unknown auth error";
  }
};

enum class Mode { kNone, kToken, kUser, kUsers };

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

struct UserEntry {
  std::string name;
  std::string password;
  bool standard_allowed = true;  // allowed_connection_types admits plain client connections
  std::shared_ptr<const Permissions> permissions;
};

class AuthenticatorImpl final : public Authenticator {
 public:
  bool required() const override { return mode_ != Mode::kNone; }

  AuthOutcome authenticate(const codec::ConnectOptions& connect) const override {
    switch (mode_) {
      case Mode::kNone:
        return AuthOutcome{true, {}, nullptr};
      case Mode::kToken:
        // Any user/pass the client also sends is ignored.
        if (!check_password(token_, connect.auth_token)) return {};
        return AuthOutcome{true, {}, nullptr};
      case Mode::kUser:
        if (connect.user != username_ || !check_password(password_, connect.pass)) return {};
        return AuthOutcome{true, username_, nullptr};
      case Mode::kUsers:
        return authenticate_user(connect);
    }
    return {};
  }

  Mode mode_ = Mode::kNone;
  std::string token_;
  std::string username_;
  std::string password_;
  std::unordered_map<std::string, UserEntry, TransparentHash, std::equal_to<>> users_;
  std::string no_auth_user_;

 private:
  AuthOutcome authenticate_user(const codec::ConnectOptions& connect) const {
    std::string_view name = connect.user;
    std::string_view pass = connect.pass;
    const bool no_credentials =
        connect.user.empty() && connect.pass.empty() && connect.auth_token.empty();
    const UserEntry* entry = nullptr;
    if (no_credentials && !no_auth_user_.empty()) {
      // nats-server logs the client in by copying the user's stored password into the CONNECT
      // and comparing it with itself, so a no_auth_user with a bcrypt password is refused
      // (observed with 2.9.10). Kept for drop-in fidelity.
      entry = find(no_auth_user_);
      if (entry == nullptr) return {};
      name = entry->name;
      pass = entry->password;
    }
    if (name.empty()) return {};
    if (entry == nullptr) entry = find(name);
    if (entry == nullptr || !entry->standard_allowed) return {};
    if (!check_password(entry->password, pass)) return {};
    return AuthOutcome{true, entry->name, entry->permissions};
  }

  const UserEntry* find(std::string_view name) const {
    auto it = users_.find(name);
    return it == users_.end() ? nullptr : &it->second;
  }
};

std::error_code fail(AuthErrc code, std::string& error_message, std::string text) {
  error_message = std::move(text);
  return make_error_code(code);
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

const std::error_category& auth_category() noexcept {
  static const AuthCategory category;
  return category;
}

Result<std::shared_ptr<const Authenticator>> make_authenticator(
    const config::ServerOptions& options) {
  std::string ignored;
  return make_authenticator(options, ignored);
}

Result<std::shared_ptr<const Authenticator>> make_authenticator(
    const config::ServerOptions& options, std::string& error_message) {
  const config::AuthOptions& auth = options.auth;
  const auto message = [](AuthErrc code) { return make_error_code(code).message(); };

  if (!auth.users.empty()) {
    if (!auth.token.empty()) {
      return fail(AuthErrc::kTokenAndUsers, error_message, message(AuthErrc::kTokenAndUsers));
    }
    if (!auth.username.empty()) {
      return fail(AuthErrc::kUserAndUsers, error_message, message(AuthErrc::kUserAndUsers));
    }
  } else if (!auth.token.empty() && !auth.username.empty()) {
    return fail(AuthErrc::kTokenAndUser, error_message, message(AuthErrc::kTokenAndUser));
  }

  auto impl = std::make_shared<AuthenticatorImpl>();
  for (const config::User& user : auth.users) {
    if (user.username.empty()) {
      return fail(AuthErrc::kUserWithoutName, error_message, message(AuthErrc::kUserWithoutName));
    }
    if (impl->users_.count(user.username) != 0) {
      return fail(AuthErrc::kDuplicateUser, error_message,
                  "Duplicate user " + in_quotes(user.username) + " detected");
    }
    UserEntry entry;
    entry.name = user.username;
    entry.password = user.password;
    const auto& types = user.allowed_connection_types;
    entry.standard_allowed =
        types.empty() || std::find(types.begin(), types.end(), "STANDARD") != types.end();
    if (user.permissions) {
      std::string detail;
      auto permissions = make_permissions(*user.permissions, &detail);
      if (!permissions) {
        return fail(AuthErrc::kInvalidPermission, error_message,
                    "user " + in_quotes(user.username) + ": " + detail);
      }
      entry.permissions = std::move(permissions).value();
    }
    impl->users_.emplace(user.username, std::move(entry));
  }

  if (!auth.no_auth_user.empty()) {
    if (impl->users_.empty()) {
      return fail(
          AuthErrc::kNoAuthUserWithoutUsers, error_message,
          "no_auth_user: " + in_quotes(auth.no_auth_user) + " present, but users are not defined");
    }
    if (impl->users_.count(auth.no_auth_user) == 0) {
      return fail(AuthErrc::kNoAuthUserUnknown, error_message,
                  "no_auth_user: " + in_quotes(auth.no_auth_user) +
                      " not present as user in authorization block or account configuration");
    }
    impl->no_auth_user_ = auth.no_auth_user;
  }

  if (!impl->users_.empty()) {
    impl->mode_ = Mode::kUsers;
  } else if (!auth.token.empty()) {
    impl->mode_ = Mode::kToken;
    impl->token_ = auth.token;
  } else if (!auth.username.empty()) {
    impl->mode_ = Mode::kUser;
    impl->username_ = auth.username;
    impl->password_ = auth.password;
  }
  return std::shared_ptr<const Authenticator>(std::move(impl));
}

}  // namespace quiver::server
