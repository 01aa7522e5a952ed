#include "cli/progress.h"

#include <atomic>

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

using std::chrono::milliseconds;

TEST(ProgressTest, RenderEmptyPartialAndFull) {
  EXPECT_EQ(render_progress(0, 1000, milliseconds(0), 10, "msgs"),
            "    0.0s [          ]   0% 0/1,000 msgs");
  EXPECT_EQ(render_progress(450, 1000, milliseconds(1234), 10, "msgs"),
            "    1.2s [====>     ]  45% 450/1,000 msgs");
  EXPECT_EQ(render_progress(1000, 1000, milliseconds(61000), 10, ""),
            "   61.0s [==========] 100% 1,000/1,000");
}

TEST(ProgressTest, RenderClampsOvershootAndEmptyTotal) {
  EXPECT_EQ(render_progress(2000, 1000, milliseconds(0), 4, "x"),
            "    0.0s [====] 100% 1,000/1,000 x");
  EXPECT_EQ(render_progress(0, 0, milliseconds(0), 4, "x"), "    0.0s [====] 100% 0/0 x");
}

TEST(ProgressTest, DisabledBarNeverAsksForProgress) {
  std::atomic<int> calls{0};
  {
    ProgressBar bar(
        10, [&] { return static_cast<std::uint64_t>(++calls); }, "msgs", false, milliseconds(0));
    bar.stop();
    bar.stop();  // idempotent
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(ProgressTest, BarStoppedBeforeItsDelayDrawsNothing) {
  std::atomic<int> calls{0};
  ProgressBar bar(
      10, [&] { return static_cast<std::uint64_t>(++calls); }, "msgs", true, std::chrono::hours(1));
  bar.stop();
  EXPECT_EQ(calls.load(), 0);
}

}  // namespace
}  // namespace quiver::cli
