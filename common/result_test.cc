#include "common/result.h"

#include <gtest/gtest.h>

#include "common/assert.h"

namespace quiver {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return std::make_error_code(std::errc::invalid_argument);
  return c - '0';
}

Result<int> sum_digits(char a, char b) {
  QV_TRY(auto x, parse_digit(a));
  QV_TRY(auto y, parse_digit(b));
  return x + y;
}

TEST(ResultTest, TryPropagatesValuesAndErrors) {
  auto ok = sum_digits('3', '4');
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok.value(), 7);
  auto bad = sum_digits('3', 'x');
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), std::errc::invalid_argument);
}

TEST(AssertDeathTest, CheckAbortsWithMessage) {
  EXPECT_DEATH(QV_CHECK(1 + 1 == 3, "arithmetic"), "check failed: 1 \\+ 1 == 3 \\(arithmetic\\)");
}

}  // namespace
}  // namespace quiver
