#include "server/net/epoch.h"

#include <memory>

#include <gtest/gtest.h>

namespace quiver::server::net {
namespace {

TEST(EpochTest, ObjectRetiredWhileAReaderIsInsideSurvivesUntilItLeaves) {
  EpochDomain domain(2);
  RetireList retired;
  auto object = std::make_shared<int>(42);
  std::weak_ptr<int> watch = object;

  domain.enter(1);  // worker 1 may be holding a pointer to object
  retired.retire(domain.retire_epoch(), std::move(object));
  EXPECT_EQ(retired.reclaim(domain), 1u);
  EXPECT_FALSE(watch.expired());

  domain.exit(1);
  EXPECT_EQ(retired.reclaim(domain), 0u);
  EXPECT_TRUE(watch.expired());
}

TEST(EpochTest, ReadersThatEnterAfterRetirementDoNotBlockIt) {
  EpochDomain domain(2);
  RetireList retired;
  auto object = std::make_shared<int>(1);
  std::weak_ptr<int> watch = object;
  retired.retire(domain.retire_epoch(), std::move(object));
  domain.enter(0);  // entered after the object was unpublished: cannot have seen it
  EXPECT_EQ(retired.reclaim(domain), 0u);
  EXPECT_TRUE(watch.expired());
  domain.exit(0);
}

TEST(EpochTest, IdleWorkersNeverHoldReclamationBack) {
  EpochDomain domain(4);
  RetireList retired;
  for (int i = 0; i < 100; ++i) retired.retire(domain.retire_epoch(), std::make_shared<int>(i));
  EXPECT_EQ(retired.reclaim(domain), 0u);
}

}  // namespace
}  // namespace quiver::server::net
