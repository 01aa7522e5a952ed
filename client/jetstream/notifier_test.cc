#include "client/jetstream/internal/notifier.h"

#include <chrono>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

namespace quiver::client::jetstream::internal {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

template <class F>
auto run(asio::io_context& io, F f) {
  auto future = asio::co_spawn(io, std::move(f), asio::use_future);
  io.run();
  io.restart();
  return future.get();
}

TEST(NotifierTest, ReturnsAtOnceWhenTheGenerationMoved) {
  asio::io_context io;
  Notifier n;
  const auto gen = n.generation();
  n.notify_all();
  EXPECT_EQ(n.generation(), gen + 1);
  const bool woke = run(io, [&]() -> asio::awaitable<bool> {
    co_return co_await n.wait(gen, steady_clock::now() + std::chrono::hours(1));
  });
  EXPECT_TRUE(woke);
}

TEST(NotifierTest, TimesOutWithoutNotification) {
  asio::io_context io;
  Notifier n;
  const auto start = steady_clock::now();
  const bool woke = run(io, [&]() -> asio::awaitable<bool> {
    co_return co_await n.wait(n.generation(), steady_clock::now() + milliseconds(50));
  });
  EXPECT_FALSE(woke);
  EXPECT_GE(steady_clock::now() - start, milliseconds(50));
}

TEST(NotifierTest, NotifyWakesEveryWaiter) {
  asio::io_context io;
  Notifier n;
  int woken = 0;
  const auto gen = n.generation();
  for (int i = 0; i < 3; ++i) {
    // The captures outlive the coroutines: io.run() below returns only after all of them ended.
    asio::co_spawn(  // qv-lint: allow(co-spawn-ref)
        io,
        [&]() -> asio::awaitable<void> {
          if (co_await n.wait(gen, steady_clock::now() + std::chrono::hours(1))) ++woken;
        },
        asio::detached);
  }
  asio::co_spawn(  // qv-lint: allow(co-spawn-ref) (same as above)
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(10));
        co_await t.async_wait(asio::use_awaitable);
        n.notify_all();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(woken, 3);
}

TEST(NotifierTest, NotifyFromAnotherThread) {
  asio::io_context io;
  Notifier n;
  const auto gen = n.generation();
  std::thread notifier([&] {
    // Only makes it likely that the waiter is parked first; the test holds either way (the
    // generation was taken before), so no timing is asserted.
    std::this_thread::sleep_for(milliseconds(20));  // qv-lint: allow(sleep-in-test)
    n.notify_all();
  });
  const bool woke = run(io, [&]() -> asio::awaitable<bool> {
    co_return co_await n.wait(gen, steady_clock::now() + std::chrono::seconds(10));
  });
  notifier.join();
  EXPECT_TRUE(woke);
}

TEST(NotifierTest, CancelledWaitIsRemoved) {
  using namespace asio::experimental::awaitable_operators;
  asio::io_context io;
  Notifier n;
  const auto result = run(io, [&]() -> asio::awaitable<std::size_t> {
    asio::steady_timer t(co_await asio::this_coro::executor, milliseconds(10));
    auto r = co_await (n.wait(n.generation(), steady_clock::now() + std::chrono::hours(1)) ||
                       t.async_wait(asio::use_awaitable));
    co_return r.index();
  });
  EXPECT_EQ(result, 1u);  // the timer won; the wait was cancelled, not left behind
  n.notify_all();         // nothing to wake: must not touch the cancelled waiter
  io.run();
}

}  // namespace
}  // namespace quiver::client::jetstream::internal
