#include "server/jetstream/api/internal/go_text.h"

#include <gtest/gtest.h>

namespace quiver::server::jetstream::api::internal {
namespace {

TEST(GoTextTest, QuoteLikeStrconvQuote) {
  EXPECT_EQ(go_quote("a.*"), "\"a.*\"");
  EXPECT_EQ(go_quote("x\"y"), "\"x\\\"y\"");
  EXPECT_EQ(go_quote("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(go_quote("\t\n\r\a\b\f\v"), "\"\\t\\n\\r\\a\\b\\f\\v\"");
  EXPECT_EQ(go_quote(std::string("\x01\x7f", 2)), "\"\\x01\\x7f\"");
  EXPECT_EQ(go_quote("\xC3\xA9"), "\"\xC3\xA9\"");    // printable UTF-8 stays
  EXPECT_EQ(go_quote("\xff\xC3"), "\"\\xff\\xc3\"");  // not UTF-8
}

TEST(GoTextTest, DurationStringLikeGo) {
  EXPECT_EQ(go_duration_string(0), "0s");
  EXPECT_EQ(go_duration_string(1), "1ns");
  EXPECT_EQ(go_duration_string(1500), "1.5\xC2\xB5s");
  EXPECT_EQ(go_duration_string(100'000'000), "100ms");
  EXPECT_EQ(go_duration_string(1'500'000'000), "1.5s");
  EXPECT_EQ(go_duration_string(120'000'000'000), "2m0s");
  EXPECT_EQ(go_duration_string(3'600'000'000'000), "1h0m0s");
  EXPECT_EQ(go_duration_string(3'723'000'000'001), "1h2m3.000000001s");
  EXPECT_EQ(go_duration_string(-2'000'000'000), "-2s");
}

}  // namespace
}  // namespace quiver::server::jetstream::api::internal
