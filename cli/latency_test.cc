#include "cli/latency.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.percentile(50), 0u);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(90), 90u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.percentile(0), 1u);
}

TEST(LatencyHistogramTest, ExtremesStayExact) {
  LatencyHistogram h;
  h.record(123457);
  h.record(987654321);
  EXPECT_EQ(h.percentile(0), 123457u);
  EXPECT_EQ(h.percentile(100), 987654321u);
  EXPECT_EQ(h.percentile(50), 123457u);
}

TEST(LatencyHistogramTest, PercentilesWithinRelativeError) {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(11.0, 1.5);  // ~60 µs median, long tail
  std::vector<std::uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 90.0, 99.0, 99.9}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100 * values.size()));
    const double exact = static_cast<double>(values[rank - 1]);
    const double got = static_cast<double>(h.percentile(p));
    EXPECT_LE(std::fabs(got - exact) / exact, 0.004) << "p" << p << " exact " << exact;
  }
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
}

TEST(LatencyHistogramTest, HugeValuesFit) {
  LatencyHistogram h;
  h.record(UINT64_MAX);
  h.record(std::uint64_t{1} << 40);
  EXPECT_EQ(h.max(), UINT64_MAX);
  EXPECT_EQ(h.percentile(100), UINT64_MAX);
  const double p50 = static_cast<double>(h.percentile(50));
  EXPECT_NEAR(p50 / static_cast<double>(std::uint64_t{1} << 40), 1.0, 0.004);
}

TEST(LatencyHistogramTest, MergeAddsSamples) {
  LatencyHistogram a, b;
  for (std::uint64_t v = 1; v <= 50; ++v) a.record(v);
  for (std::uint64_t v = 51; v <= 100; ++v) b.record(v);
  a.merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.min(), 1u);
  EXPECT_EQ(a.max(), 100u);
  EXPECT_EQ(a.percentile(75), 75u);
  LatencyHistogram empty;
  a.merge(empty);
  EXPECT_EQ(a.min(), 1u);
  EXPECT_EQ(a.count(), 100u);
}

}  // namespace
}  // namespace quiver::cli
