#include "bindings/python/bridge.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "client/errors.h"
#include "client/message.h"

namespace quiver::bindings {
namespace {

using namespace std::chrono_literals;

// Counts wake-ups; lets the test wait for the n-th one.
class WakeCounter {
 public:
  void wake() {
    {
      std::lock_guard lock(mu_);
      ++count_;
    }
    cv_.notify_all();
  }
  bool wait_for_count(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

std::uint64_t op_of(const Item& item) { return std::get<OpDone>(item).op; }

TEST(OutboxTest, WakesOnceUntilTheConsumerTakes) {
  WakeCounter counter;
  auto outbox = Outbox::create([&] { counter.wake(); });
  outbox->post(OpDone{1, {}, {}, 0});
  ASSERT_TRUE(counter.wait_for_count(1));
  outbox->post(OpDone{2, {}, {}, 0});
  outbox->post(OpDone{3, {}, {}, 0});
  const std::vector<Item> first = outbox->take();
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(op_of(first[0]), 1u);
  EXPECT_EQ(op_of(first[2]), 3u);
  outbox->post(OpDone{4, {}, {}, 0});
  ASSERT_TRUE(counter.wait_for_count(2));
  outbox->stop();
  EXPECT_EQ(counter.count(), 2);
  EXPECT_EQ(outbox->take().size(), 1u);
}

TEST(OutboxTest, StopFromInsideWakeDoesNotDeadlock) {
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::shared_ptr<Outbox> outbox;
  std::weak_ptr<Outbox> weak;
  outbox = Outbox::create([&] {
    if (auto self = weak.lock()) self->stop();
    // Notified under the lock: the test may return (destroying cv) as soon as it sees `stopped`.
    std::lock_guard lock(mu);
    stopped = true;
    cv.notify_all();
  });
  weak = outbox;
  outbox->post(SubReady{7});
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, 10s, [&] { return stopped; }));
  lock.unlock();
  outbox->stop();  // idempotent
}

class SubQueueTest : public ::testing::Test {
 protected:
  std::shared_ptr<Outbox> outbox_ = Outbox::create([] {});
  void TearDown() override { outbox_->stop(); }

  static client::Message msg(const std::string& data) { return {"s", "", data}; }

  // The SubReady/Event items posted since the last call.
  std::vector<Item> posted() { return outbox_->take(); }
  int ready_count() {
    int n = 0;
    for (const Item& item : posted()) n += std::holds_alternative<SubReady>(item) ? 1 : 0;
    return n;
  }
};

TEST_F(SubQueueTest, SignalsOnlyAConsumerThatParked) {
  SubQueue q(1, outbox_, SubLimits{}, 0);
  q.push(msg("a"));
  EXPECT_EQ(ready_count(), 1);
  q.push(msg("b"));
  q.push(msg("c"));
  EXPECT_EQ(ready_count(), 0);  // already signaled, consumer not there yet

  SubQueue::Batch batch = q.take(2);
  ASSERT_EQ(batch.messages.size(), 2u);
  EXPECT_EQ(batch.messages[0].data(), "a");
  EXPECT_EQ(batch.messages[1].data(), "b");
  EXPECT_FALSE(batch.finished);
  q.push(msg("d"));
  EXPECT_EQ(ready_count(), 0);  // the consumer is active: it will take again

  EXPECT_EQ(q.take(10).messages.size(), 2u);
  EXPECT_EQ(q.take(10).messages.size(), 0u);  // parks
  q.push(msg("e"));
  EXPECT_EQ(ready_count(), 1);
  EXPECT_EQ(q.stats().delivered, 4u);
  EXPECT_EQ(q.stats().pending_msgs, 1u);
}

TEST_F(SubQueueTest, LimitsDropAndReportEachEpisodeOnce) {
  SubQueue q(1, outbox_, SubLimits{2, 0}, 0);
  for (int i = 0; i < 5; ++i) q.push(msg(std::to_string(i)));
  std::vector<Item> items = posted();
  int slow = 0;
  for (const Item& item : items) {
    if (const auto* e = std::get_if<EventItem>(&item)) {
      EXPECT_EQ(e->event.type, client::EventType::kSlowConsumer);
      EXPECT_EQ(e->event.error, client::errc::kSlowConsumer);
      ++slow;
    }
  }
  EXPECT_EQ(slow, 1);
  EXPECT_EQ(q.stats().dropped, 3u);
  SubQueue::Batch batch = q.take(10);
  ASSERT_EQ(batch.messages.size(), 2u);
  EXPECT_EQ(batch.messages[1].data(), "1");

  q.push(msg("5"));  // accepted: the episode ends
  q.push(msg("6"));
  q.push(msg("7"));  // dropped: a new episode
  slow = 0;
  for (const Item& item : posted()) slow += std::holds_alternative<EventItem>(item) ? 1 : 0;
  EXPECT_EQ(slow, 1);
  EXPECT_EQ(q.stats().dropped, 4u);
}

TEST_F(SubQueueTest, ByteLimitCountsPayload) {
  SubQueue q(1, outbox_, SubLimits{0, 10}, 0);
  q.push(msg("123456"));
  q.push(msg("12345"));  // 11 bytes pending would exceed 10
  q.push(msg("1234"));
  EXPECT_EQ(q.stats().pending_msgs, 2u);
  EXPECT_EQ(q.stats().pending_bytes, 10u);
  EXPECT_EQ(q.stats().dropped, 1u);
}

TEST_F(SubQueueTest, FinishKeepsQueuedMessagesUnlessDiscarding) {
  SubQueue q(1, outbox_, SubLimits{}, 0);
  q.push(msg("a"));
  q.take(10);
  q.take(10);  // parked
  posted();
  q.push(msg("b"));
  q.finish(client::errc::kSubscriptionClosed, false);
  q.push(msg("late"));                               // ignored
  q.finish(client::errc::kConnectionClosed, false);  // the first reason stays
  SubQueue::Batch batch = q.take(10);
  ASSERT_EQ(batch.messages.size(), 1u);
  EXPECT_EQ(batch.messages[0].data(), "b");
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.reason, client::errc::kSubscriptionClosed);

  SubQueue d(2, outbox_, SubLimits{}, 0);
  d.push(msg("x"));
  d.finish(client::errc::kConnectionClosed, true);
  batch = d.take(10);
  EXPECT_TRUE(batch.messages.empty());
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.reason, client::errc::kConnectionClosed);
  EXPECT_EQ(d.stats().pending_bytes, 0u);
}

TEST_F(SubQueueTest, FinishWakesAParkedConsumer) {
  SubQueue q(1, outbox_, SubLimits{}, 0);
  EXPECT_TRUE(q.take(10).messages.empty());  // parked
  q.finish(client::errc::kConnectionClosed, true);
  EXPECT_EQ(ready_count(), 1);
}

TEST_F(SubQueueTest, MaxMsgsEndsTheSubscription) {
  SubQueue q(1, outbox_, SubLimits{}, 3);
  for (int i = 0; i < 5; ++i) q.push(msg(std::to_string(i)));
  SubQueue::Batch batch = q.take(10);
  EXPECT_EQ(batch.messages.size(), 3u);
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.reason, client::errc::kSubscriptionClosed);
}

TEST_F(SubQueueTest, SetMaxMsgsCountsWhatAlreadyArrived) {
  SubQueue q(1, outbox_, SubLimits{}, 0);
  q.push(msg("a"));
  q.push(msg("b"));
  q.set_max_msgs(3);
  q.push(msg("c"));
  q.push(msg("d"));
  EXPECT_EQ(q.take(10).messages.size(), 3u);

  SubQueue r(2, outbox_, SubLimits{}, 0);
  r.push(msg("a"));
  r.push(msg("b"));
  r.set_max_msgs(1);  // already past it: ends now, keeps what is queued
  SubQueue::Batch batch = r.take(10);
  EXPECT_EQ(batch.messages.size(), 2u);
  EXPECT_TRUE(batch.finished);
}

}  // namespace
}  // namespace quiver::bindings
