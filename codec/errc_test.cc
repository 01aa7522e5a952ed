#include "codec/errc.h"

#include <gtest/gtest.h>

namespace quiver::codec {
namespace {

TEST(ErrcTest, EveryValueHasAMessageAndTheCategoryName) {
  for (int v = static_cast<int>(errc::kUnknownOp); v <= static_cast<int>(errc::kClientSentError);
       ++v) {
    std::error_code ec = static_cast<errc>(v);
    EXPECT_STREQ(ec.category().name(), "quiver.codec");
    EXPECT_NE(ec.message(), "unknown codec error") << v;
    EXPECT_FALSE(ec.message().empty()) << v;
  }
  EXPECT_EQ(std::error_code(static_cast<errc>(999)).message(), "unknown codec error");
}

TEST(ErrcTest, ReactionsUseNatsServerExactTexts) {
  EXPECT_EQ(protocol_reaction(errc::kUnknownOp).err_text, "Unknown Protocol Operation");
  EXPECT_EQ(protocol_reaction(errc::kBadPayloadTerminator).err_text, "Unknown Protocol Operation");
  EXPECT_EQ(protocol_reaction(errc::kControlLineTooLong).err_text, "maximum control line exceeded");
  EXPECT_EQ(protocol_reaction(errc::kPayloadTooLarge).err_text, "Maximum Payload Violation");
  // Silent closes: bad sizes, argument errors, bad CONNECT JSON.
  EXPECT_TRUE(protocol_reaction(errc::kBadSize).err_text.empty());
  EXPECT_TRUE(protocol_reaction(errc::kBadArguments).err_text.empty());
  EXPECT_TRUE(protocol_reaction(errc::kInvalidJson).err_text.empty());
  for (int v = static_cast<int>(errc::kUnknownOp); v <= static_cast<int>(errc::kClientSentError);
       ++v) {
    EXPECT_TRUE(protocol_reaction(static_cast<errc>(v)).close) << v;
  }
}

TEST(ErrcTest, ComparesAsErrorCodeEnum) {
  std::error_code ec = errc::kBadSize;
  EXPECT_EQ(ec, errc::kBadSize);
  EXPECT_NE(ec, errc::kUnknownOp);
}

}  // namespace
}  // namespace quiver::codec
