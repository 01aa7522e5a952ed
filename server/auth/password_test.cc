#include "server/auth/password.h"

#include <string>

#include <gtest/gtest.h>

namespace quiver::server {
namespace {

// Made by libxcrypt (python3 crypt, cost 10) for "pass"; nats-server 2.9.10 accepts it too.
constexpr const char* kPassHash = "$2b$10$bODrWIaAowNnqyYF53sGJet6/sA32Ot9arzUlT3361N71enlWla6y";
// Made by Go's bcrypt (the nats-server documentation's example) for "T0pS3cr3t".
constexpr const char* kGoHash = "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG";

TEST(PasswordTest, RecognisesBcryptPrefixesAsNatsServerDoes) {
  EXPECT_TRUE(is_bcrypt_hash(kPassHash));
  EXPECT_TRUE(is_bcrypt_hash(kGoHash));
  EXPECT_TRUE(is_bcrypt_hash("$2x$10$"));
  EXPECT_TRUE(is_bcrypt_hash("$2y$04$abc"));
  EXPECT_FALSE(is_bcrypt_hash("$2c$10$bODrWIaAowNnqyYF53sGJet6"));
  EXPECT_FALSE(is_bcrypt_hash("$2$10$bODrWIaAowNnqyYF53sGJet6"));
  EXPECT_FALSE(is_bcrypt_hash("$2a$1$bODrWIaAowNnqyYF53sGJet6"));
  EXPECT_FALSE(is_bcrypt_hash("$2a$ab$bODrWIaAowNnqyYF53sGJet6"));
  EXPECT_FALSE(is_bcrypt_hash("$2a$10"));
  EXPECT_FALSE(is_bcrypt_hash("2a$10$abc"));
  EXPECT_FALSE(is_bcrypt_hash(""));
  EXPECT_FALSE(is_bcrypt_hash("s3cr3t"));
}

TEST(PasswordTest, ConstantTimeEqualsComparesEveryByteAndLength) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("ab", "abc"));
  EXPECT_FALSE(constant_time_equals("", "a"));
  // A trailing NUL is a real byte, not a terminator.
  EXPECT_FALSE(constant_time_equals(std::string("ab\0", 3), "ab"));
}

TEST(PasswordTest, PlainPasswordsMustBeEqual) {
  EXPECT_TRUE(check_password("b", "b"));
  EXPECT_FALSE(check_password("b", "c"));
  EXPECT_FALSE(check_password("b", ""));
  EXPECT_FALSE(check_password("b", "bb"));
  EXPECT_TRUE(check_password("", ""));
  EXPECT_FALSE(check_password("", "x"));
}

TEST(PasswordTest, BcryptHashVerifiesOnlyTheRightPassword) {
  EXPECT_TRUE(check_password(kPassHash, "pass"));
  EXPECT_FALSE(check_password(kPassHash, "pas"));
  EXPECT_FALSE(check_password(kPassHash, "pass "));
  EXPECT_FALSE(check_password(kPassHash, "Pass"));
  EXPECT_FALSE(check_password(kPassHash, ""));
  // The hash itself is not a password.
  EXPECT_FALSE(check_password(kPassHash, kPassHash));
}

TEST(PasswordTest, VerifiesHashesMadeByGoBcrypt) {
  EXPECT_TRUE(check_password(kGoHash, "T0pS3cr3t"));
  EXPECT_FALSE(check_password(kGoHash, "T0pS3cr3"));
}

TEST(PasswordTest, AcceptsEveryBcryptMinorVersionForAsciiPasswords) {
  // nats-server 2.9.10 verified the same digest under $2a$, $2b$, $2x$ and $2y$.
  std::string hash = kPassHash;
  for (char minor : {'a', 'b', 'x', 'y'}) {
    hash[2] = minor;
    EXPECT_TRUE(check_password(hash, "pass")) << hash;
    EXPECT_FALSE(check_password(hash, "nope")) << hash;
  }
}

TEST(PasswordTest, MalformedBcryptNeverMatches) {
  // nats-server refuses these even when the client sends the very same string.
  EXPECT_FALSE(check_password("$2b$12$xyz", "$2b$12$xyz"));
  EXPECT_FALSE(check_password("$2b$12$xyz", ""));
  std::string bad_cost = kPassHash;
  bad_cost[4] = '9';
  bad_cost[5] = '9';
  EXPECT_FALSE(check_password(bad_cost, "pass"));
}

TEST(PasswordTest, NonBcryptDollarStringsAreComparedLiterally) {
  const std::string stored = "$2c$10$bODrWIaAowNnqyYF53sGJet6";
  EXPECT_TRUE(check_password(stored, stored));
  EXPECT_FALSE(check_password(stored, "pass"));
}

}  // namespace
}  // namespace quiver::server
