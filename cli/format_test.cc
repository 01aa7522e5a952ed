#include "cli/format.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

using std::chrono::nanoseconds;

TEST(FormatTest, WithCommas) {
  EXPECT_EQ(with_commas(std::uint64_t{0}), "0");
  EXPECT_EQ(with_commas(std::uint64_t{999}), "999");
  EXPECT_EQ(with_commas(std::uint64_t{1000}), "1,000");
  EXPECT_EQ(with_commas(std::uint64_t{1234567}), "1,234,567");
  EXPECT_EQ(with_commas(std::uint64_t{100000}), "100,000");
  EXPECT_EQ(with_commas(1234.6), "1,235");
  EXPECT_EQ(with_commas(-5.0), "0");
}

TEST(FormatTest, HumanBytesLikeNatsGo) {
  EXPECT_EQ(human_bytes(0), "0.00 B");
  EXPECT_EQ(human_bytes(512), "512.00 B");
  EXPECT_EQ(human_bytes(1024), "1.00 KB");
  EXPECT_EQ(human_bytes(1536), "1.50 KB");
  EXPECT_EQ(human_bytes(79004160), "75.34 MB");
  EXPECT_EQ(human_bytes(3.0 * 1024 * 1024 * 1024), "3.00 GB");
}

TEST(FormatTest, GoDurationStrings) {
  EXPECT_EQ(go_duration(nanoseconds(0)), "0s");
  EXPECT_EQ(go_duration(nanoseconds(850)), "850ns");
  EXPECT_EQ(go_duration(nanoseconds(85300)), "85.3\xc2\xb5s");
  EXPECT_EQ(go_duration(nanoseconds(1000)), "1\xc2\xb5s");
  EXPECT_EQ(go_duration(nanoseconds(1500000)), "1.5ms");
  EXPECT_EQ(go_duration(nanoseconds(1234567)), "1.234567ms");
  EXPECT_EQ(go_duration(std::chrono::seconds(2)), "2s");
  EXPECT_EQ(go_duration(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(go_duration(std::chrono::seconds(90)), "1m30s");
  EXPECT_EQ(go_duration(std::chrono::hours(1)), "1h0m0s");
  EXPECT_EQ(go_duration(nanoseconds(-1500000)), "-1.5ms");
}

TEST(FormatTest, Fixed) {
  EXPECT_EQ(fixed(12.345, 1), "12.3");
  EXPECT_EQ(fixed(0, 2), "0.00");
}

TEST(FormatTest, ClockIsHoursMinutesSeconds) {
  const std::string t = clock_hms(std::chrono::system_clock::now());
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[2], ':');
  EXPECT_EQ(t[5], ':');
}

}  // namespace
}  // namespace quiver::cli
