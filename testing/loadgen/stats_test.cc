#include "testing/loadgen/stats.h"

#include <gtest/gtest.h>

namespace quiver::loadgen {
namespace {

TEST(PercentilesTest, NearestRankOnOneToHundred) {
  std::vector<uint64_t> v;
  for (uint64_t i = 100; i >= 1; --i) v.push_back(i);
  const Percentiles p = percentiles(v);
  EXPECT_EQ(p.count, 100u);
  EXPECT_EQ(p.p50, 50);
  EXPECT_EQ(p.p90, 90);
  EXPECT_EQ(p.p99, 99);
  EXPECT_EQ(p.p999, 100);
  EXPECT_EQ(p.max, 100);
  EXPECT_DOUBLE_EQ(p.mean, 50.5);
}

TEST(PercentilesTest, TailOfThousandSamples) {
  std::vector<uint64_t> v(1000, 10);
  v[998] = 500;
  v[999] = 900;
  const Percentiles p = percentiles(v);
  EXPECT_EQ(p.p99, 10);
  EXPECT_EQ(p.p999, 500);
  EXPECT_EQ(p.max, 900);
}

TEST(PercentilesTest, SingleAndEmpty) {
  std::vector<uint64_t> one{7};
  const Percentiles p = percentiles(one);
  EXPECT_EQ(p.p50, 7);
  EXPECT_EQ(p.p999, 7);
  std::vector<uint64_t> none;
  EXPECT_EQ(percentiles(none).count, 0u);
  EXPECT_EQ(percentiles(none).p50, 0);
}

TEST(JsonLineTest, KeysInOrderWithTypes) {
  JsonLine j;
  j.add("mode", "pub")
      .add("n", uint64_t{5000000})
      .add("neg", -3)
      .add("ok", true)
      .add("rate", 12345678.25)
      .add("small", 0.5)
      .add("subs", std::vector<uint64_t>{1, 2})
      .add("errors", std::vector<std::string>{"a\"b", "c\nd"});
  EXPECT_EQ(j.str(),
            R"({"mode":"pub","n":5000000,"neg":-3,"ok":true,"rate":12345678.2,"small":0.5,)"
            R"("subs":[1,2],"errors":["a\"b","c\nd"]})");
}

TEST(JsonLineTest, EmptyObjectAndNonFinite) {
  EXPECT_EQ(JsonLine().str(), "{}");
  EXPECT_EQ(JsonLine().add("x", 1.0 / 0.0).str(), R"({"x":null})");
}

TEST(JsonQuoteTest, EscapesControlCharacters) {
  EXPECT_EQ(json_quote(std::string("a\x01\\\t", 4)), R"("a\u0001\\\t")");
}

}  // namespace
}  // namespace quiver::loadgen
