#include "client/errors.h"

#include <set>
#include <string>

#include <boost/system/error_code.hpp>
#include <gtest/gtest.h>

namespace quiver::client {
namespace {

TEST(ErrorsTest, EveryCodeHasItsOwnMessage) {
  std::set<std::string> messages;
  for (int v = static_cast<int>(errc::kTimeout); v <= static_cast<int>(errc::kCallbackFailed);
       ++v) {
    const std::string message = make_error_code(static_cast<errc>(v)).message();
    EXPECT_EQ(message.find("unknown"), std::string::npos) << v;
    EXPECT_TRUE(messages.insert(message).second) << "duplicate message: " << message;
  }
  EXPECT_EQ(messages.size(), 25u);
  EXPECT_EQ(std::error_code(errc::kNoResponders).message(), "no responders available for request");
  EXPECT_EQ(std::string(client_category().name()), "quiver.client");
}

TEST(ErrorsTest, UnknownValueSaysSo) {
  EXPECT_EQ(client_category().message(999), "unknown quiver.client error 999");
}

TEST(ErrorsTest, BoostErrorCodeComparesEqualBothWays) {
  // Completions carry boost::system::error_code; it must still compare with our enum and
  // convert back to the same std::error_code.
  const boost::system::error_code boost_ec = std::error_code(errc::kTimeout);
  EXPECT_TRUE(boost_ec == errc::kTimeout);
  EXPECT_FALSE(boost_ec == errc::kNoResponders);
  EXPECT_EQ(std::error_code(boost_ec), std::error_code(errc::kTimeout));
  EXPECT_EQ(boost_ec.message(), "timeout");
}

}  // namespace
}  // namespace quiver::client
