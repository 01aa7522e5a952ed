// Expectations marked "observed" were checked against nats-server 2.9.10 with the same
// `authorization {}` block and raw CONNECTs.
#include "server/auth/authenticator.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "codec/protocol_json.h"
#include "server/config/options.h"

namespace quiver::server {
namespace {

// libxcrypt bcrypt (cost 10) of "pass", and Go bcrypt (cost 11) of "T0pS3cr3t".
constexpr const char* kPassHash = "$2b$10$bODrWIaAowNnqyYF53sGJet6/sA32Ot9arzUlT3361N71enlWla6y";
constexpr const char* kGoHash = "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG";

codec::ConnectOptions connect(std::string user, std::string pass, std::string token = "") {
  codec::ConnectOptions c;
  c.user = std::move(user);
  c.pass = std::move(pass);
  c.auth_token = std::move(token);
  return c;
}

codec::ConnectOptions token(std::string t) { return connect("", "", std::move(t)); }

config::User user(std::string name, std::string password) {
  config::User u;
  u.username = std::move(name);
  u.password = std::move(password);
  return u;
}

config::User user_with_publish(std::string name, std::string password,
                               std::vector<std::string> publish_allow) {
  config::User u = user(std::move(name), std::move(password));
  u.permissions.emplace();
  u.permissions->publish = config::SubjectPermission{std::move(publish_allow), {}};
  return u;
}

std::shared_ptr<const Authenticator> build(const config::AuthOptions& auth) {
  config::ServerOptions options;
  options.auth = auth;
  auto result = make_authenticator(options);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message());
  return result ? result.value() : nullptr;
}

std::string build_error(const config::AuthOptions& auth, std::error_code expected) {
  config::ServerOptions options;
  options.auth = auth;
  std::string message;
  auto result = make_authenticator(options, message);
  EXPECT_FALSE(result.has_value());
  if (result) return "";
  EXPECT_EQ(result.error(), expected);
  return message;
}

TEST(AuthenticatorTest, NoAuthorizationLetsEveryoneIn) {
  auto a = build({});
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->required());
  const AuthOutcome out = a->authenticate(connect("anyone", "anything", "tok"));
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(out.user, "");
  EXPECT_EQ(out.permissions, nullptr);
  EXPECT_TRUE(a->authenticate({}).ok);
}

TEST(AuthenticatorTest, EmptyUsersListRequiresNothing) {  // observed: `users = []`
  config::AuthOptions auth;
  auth.password = "orphan";  // a password without a user name enables nothing either
  auto a = build(auth);
  EXPECT_FALSE(a->required());
  EXPECT_TRUE(a->authenticate({}).ok);
}

TEST(AuthenticatorTest, Token) {  // observed
  config::AuthOptions auth;
  auth.token = "s3cr3t";
  auto a = build(auth);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->required());
  const AuthOutcome ok = a->authenticate(token("s3cr3t"));
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.user, "");
  EXPECT_EQ(ok.permissions, nullptr);
  EXPECT_FALSE(a->authenticate(token("bad")).ok);
  EXPECT_FALSE(a->authenticate(token("s3cr3")).ok);
  EXPECT_FALSE(a->authenticate(token("s3cr3tt")).ok);
  EXPECT_FALSE(a->authenticate({}).ok);
  // The token in another field does not count.
  EXPECT_FALSE(a->authenticate(connect("s3cr3t", "")).ok);
  EXPECT_FALSE(a->authenticate(connect("", "s3cr3t")).ok);
  // User and password sent alongside a right token are ignored.
  EXPECT_TRUE(a->authenticate(connect("x", "y", "s3cr3t")).ok);
}

TEST(AuthenticatorTest, BcryptToken) {  // observed
  config::AuthOptions auth;
  auth.token = kPassHash;
  auto a = build(auth);
  EXPECT_TRUE(a->authenticate(token("pass")).ok);
  EXPECT_FALSE(a->authenticate(token(kPassHash)).ok);
}

TEST(AuthenticatorTest, SingleUser) {  // observed
  config::AuthOptions auth;
  auth.username = "a";
  auth.password = "b";
  auto a = build(auth);
  EXPECT_TRUE(a->required());
  const AuthOutcome ok = a->authenticate(connect("a", "b"));
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.user, "a");
  EXPECT_EQ(ok.permissions, nullptr);
  EXPECT_FALSE(a->authenticate(connect("a", "c")).ok);
  EXPECT_FALSE(a->authenticate(connect("a", "")).ok);
  EXPECT_FALSE(a->authenticate(connect("x", "b")).ok);
  EXPECT_FALSE(a->authenticate(connect("", "b")).ok);
  EXPECT_FALSE(a->authenticate(token("b")).ok);
  EXPECT_TRUE(a->authenticate(connect("a", "b", "zzz")).ok);
}

TEST(AuthenticatorTest, SingleUserWithoutPassword) {  // observed
  config::AuthOptions auth;
  auth.username = "x";
  auto a = build(auth);
  EXPECT_TRUE(a->required());
  EXPECT_TRUE(a->authenticate(connect("x", "")).ok);
  EXPECT_FALSE(a->authenticate(connect("x", "q")).ok);
  EXPECT_FALSE(a->authenticate({}).ok);
}

TEST(AuthenticatorTest, SingleUserBcryptPassword) {  // observed
  config::AuthOptions auth;
  auth.username = "derek";
  auth.password = kGoHash;
  auto a = build(auth);
  EXPECT_TRUE(a->authenticate(connect("derek", "T0pS3cr3t")).ok);
  EXPECT_FALSE(a->authenticate(connect("derek", "t0ps3cr3t")).ok);
  EXPECT_FALSE(a->authenticate(connect("derek", kGoHash)).ok);
}

config::AuthOptions two_users() {
  config::AuthOptions auth;
  auth.users.push_back(user("a", "b"));
  auth.users.push_back(user_with_publish("c", kPassHash, {"x.>"}));
  return auth;
}

TEST(AuthenticatorTest, UsersList) {  // observed
  auto a = build(two_users());
  EXPECT_TRUE(a->required());

  const AuthOutcome plain = a->authenticate(connect("a", "b"));
  EXPECT_TRUE(plain.ok);
  EXPECT_EQ(plain.user, "a");
  EXPECT_EQ(plain.permissions, nullptr);

  const AuthOutcome restricted = a->authenticate(connect("c", "pass"));
  ASSERT_TRUE(restricted.ok);
  EXPECT_EQ(restricted.user, "c");
  ASSERT_NE(restricted.permissions, nullptr);
  EXPECT_TRUE(restricted.permissions->can_publish("x.y"));
  EXPECT_FALSE(restricted.permissions->can_publish("y"));

  EXPECT_FALSE(a->authenticate(connect("a", "pass")).ok);
  EXPECT_FALSE(a->authenticate(connect("c", "b")).ok);
  EXPECT_FALSE(a->authenticate(connect("zz", "b")).ok);
  EXPECT_FALSE(a->authenticate(connect("", "b")).ok);
  EXPECT_FALSE(a->authenticate(token("b")).ok);
  EXPECT_FALSE(a->authenticate({}).ok);
}

TEST(AuthenticatorTest, ConnectionsOfOneUserShareItsPermissions) {
  auto a = build(two_users());
  const AuthOutcome first = a->authenticate(connect("c", "pass"));
  const AuthOutcome second = a->authenticate(connect("c", "pass"));
  ASSERT_NE(first.permissions, nullptr);
  EXPECT_EQ(first.permissions, second.permissions);
}

TEST(AuthenticatorTest, NoAuthUser) {  // observed
  config::AuthOptions auth;
  auth.users.push_back(user_with_publish("a", "b", {"x"}));
  auth.users.push_back(user("c", "d"));
  auth.no_auth_user = "a";
  auto a = build(auth);
  EXPECT_TRUE(a->required());

  const AuthOutcome anonymous = a->authenticate({});
  ASSERT_TRUE(anonymous.ok);
  EXPECT_EQ(anonymous.user, "a");
  ASSERT_NE(anonymous.permissions, nullptr);
  EXPECT_FALSE(anonymous.permissions->can_publish("y"));

  const AuthOutcome other = a->authenticate(connect("c", "d"));
  EXPECT_TRUE(other.ok);
  EXPECT_EQ(other.user, "c");
  EXPECT_FALSE(a->authenticate(connect("c", "x")).ok);
  // Any credential at all means "not anonymous".
  EXPECT_FALSE(a->authenticate(connect("a", "")).ok);
  EXPECT_FALSE(a->authenticate(connect("", "b")).ok);
  EXPECT_FALSE(a->authenticate(token("b")).ok);
  EXPECT_TRUE(a->authenticate(connect("a", "b")).ok);
  // nkey/jwt/sig are not credentials here (no nkeys configured).
  codec::ConnectOptions nkey;
  nkey.nkey = "UAXX";
  nkey.jwt = "eyJ";
  nkey.sig = "abc";
  EXPECT_TRUE(a->authenticate(nkey).ok);
}

TEST(AuthenticatorTest, NoAuthUserWithBcryptPasswordIsRefused) {  // observed quirk of 2.9.10
  config::AuthOptions auth;
  auth.users.push_back(user("a", kPassHash));
  auth.no_auth_user = "a";
  auto a = build(auth);
  EXPECT_FALSE(a->authenticate({}).ok);
  EXPECT_TRUE(a->authenticate(connect("a", "pass")).ok);
}

TEST(AuthenticatorTest, UserWithoutPasswordInList) {  // observed
  config::AuthOptions auth;
  auth.users.push_back(user("a", ""));
  auto a = build(auth);
  EXPECT_TRUE(a->authenticate(connect("a", "")).ok);
  EXPECT_FALSE(a->authenticate(connect("a", "q")).ok);
}

TEST(AuthenticatorTest, AllowedConnectionTypes) {
  config::AuthOptions auth;
  auth.users.push_back(user("ws", "p"));
  auth.users.back().allowed_connection_types = {"WEBSOCKET"};
  auth.users.push_back(user("both", "p"));
  auth.users.back().allowed_connection_types = {"WEBSOCKET", "STANDARD"};
  auto a = build(auth);
  EXPECT_FALSE(a->authenticate(connect("ws", "p")).ok);
  EXPECT_TRUE(a->authenticate(connect("both", "p")).ok);
}

TEST(AuthenticatorTest, RejectsConflictingModes) {  // observed texts
  config::AuthOptions auth = two_users();
  auth.token = "t";
  EXPECT_EQ(build_error(auth, AuthErrc::kTokenAndUsers), "Can not have a token and a users array");

  auth = two_users();
  auth.username = "x";
  auth.password = "y";
  EXPECT_EQ(build_error(auth, AuthErrc::kUserAndUsers),
            "Can not have a single user/pass and a users array");

  auth = {};
  auth.token = "t";
  auth.username = "a";
  EXPECT_EQ(build_error(auth, AuthErrc::kTokenAndUser), "Cannot have a user/pass and token");
}

TEST(AuthenticatorTest, RejectsBadUsers) {  // observed texts
  config::AuthOptions auth;
  auth.users.push_back(user("", "b"));
  EXPECT_EQ(build_error(auth, AuthErrc::kUserWithoutName), "User entry requires a user");

  auth.users = {user("a", "b"), user("a", "c")};
  EXPECT_EQ(build_error(auth, AuthErrc::kDuplicateUser), "Duplicate user \"a\" detected");

  auth.users = {user_with_publish("a", "b", {"foo..bar"})};
  EXPECT_EQ(build_error(auth, AuthErrc::kInvalidPermission),
            "user \"a\": subject \"foo..bar\" is not a valid subject");
}

TEST(AuthenticatorTest, RejectsUnknownNoAuthUser) {  // observed texts
  config::AuthOptions auth;
  auth.users.push_back(user("a", "b"));
  auth.no_auth_user = "zz";
  EXPECT_EQ(build_error(auth, AuthErrc::kNoAuthUserUnknown),
            "no_auth_user: \"zz\" not present as user in authorization block or account "
            "configuration");

  auth = {};
  auth.token = "t";
  auth.no_auth_user = "a";
  EXPECT_EQ(build_error(auth, AuthErrc::kNoAuthUserWithoutUsers),
            "no_auth_user: \"a\" present, but users are not defined");
}

TEST(AuthenticatorTest, ErrorCodesHaveTheirOwnCategory) {
  const std::error_code code = AuthErrc::kDuplicateUser;
  EXPECT_STREQ(code.category().name(), "quiver.auth");
  EXPECT_EQ(code.message(), "Duplicate user detected");
  EXPECT_NE(code, std::error_code(AuthErrc::kUserWithoutName));
  // The plain overload reports the same code without the detail.
  config::ServerOptions options;
  options.auth.users.push_back(user("", "b"));
  auto result = make_authenticator(options);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error(), make_error_code(AuthErrc::kUserWithoutName));
}

}  // namespace
}  // namespace quiver::server
