#include "testing/loadgen/seq_tracker.h"

#include <gtest/gtest.h>

namespace quiver::loadgen {
namespace {

TEST(SeqTrackerTest, InOrderStreamIsComplete) {
  SeqTracker t(130);
  for (uint64_t i = 0; i < 130; ++i) t.record(i);
  EXPECT_EQ(t.received(), 130u);
  EXPECT_EQ(t.distinct(), 130u);
  EXPECT_EQ(t.duplicates(), 0u);
  EXPECT_EQ(t.out_of_order(), 0u);
  EXPECT_TRUE(t.seen(129));
  EXPECT_FALSE(t.seen(130));
}

TEST(SeqTrackerTest, CountsGapsDuplicatesReorderAndRange) {
  SeqTracker t(10);
  for (uint64_t s : {0, 1, 3, 2, 3, 9, 12}) t.record(s);
  EXPECT_EQ(t.received(), 7u);
  EXPECT_EQ(t.distinct(), 5u);      // 0 1 2 3 9
  EXPECT_EQ(t.duplicates(), 1u);    // the second 3
  EXPECT_EQ(t.out_of_order(), 1u);  // 2 after 3 (the second 3 follows 2)
  EXPECT_EQ(t.out_of_range(), 1u);  // 12
  EXPECT_FALSE(t.seen(4));
}

TEST(SeqTrackerTest, UnsequencedMessagesAreOnlyCounted) {
  SeqTracker t(4);
  t.record_unsequenced();
  t.record_unsequenced();
  EXPECT_EQ(t.received(), 2u);
  EXPECT_EQ(t.distinct(), 0u);
}

TEST(CheckExactlyOnceTest, PartitionedGroupIsExact) {
  SeqTracker a(100), b(100), c(100);
  for (uint64_t i = 0; i < 100; ++i) (i % 3 == 0 ? a : i % 3 == 1 ? b : c).record(i);
  const SeqTracker* members[] = {&a, &b, &c};
  const GroupCheck g = check_exactly_once(members);
  EXPECT_EQ(g.delivered, 100u);
  EXPECT_EQ(g.missing, 0u);
  EXPECT_EQ(g.duplicates, 0u);
}

TEST(CheckExactlyOnceTest, FindsMissingAndCrossMemberDuplicates) {
  SeqTracker a(70), b(70), c(70);
  for (uint64_t i = 0; i < 70; ++i) {
    if (i == 5 || i == 69) continue;  // lost
    a.record(i);
  }
  b.record(10);  // a second copy
  c.record(10);  // a third copy
  c.record(66);
  c.record(66);  // duplicate within c, and across a
  const SeqTracker* members[] = {&a, &b, &c};
  const GroupCheck g = check_exactly_once(members);
  EXPECT_EQ(g.delivered, 72u);
  EXPECT_EQ(g.missing, 2u);
  EXPECT_EQ(g.duplicates, 4u);  // 10 twice extra, 66 within c, 66 across a/c
}

}  // namespace
}  // namespace quiver::loadgen
