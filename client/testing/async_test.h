// Helpers for tests that drive the client from a coroutine on one io_context thread.
//
//   boost::asio::io_context io;
//   run_test(io, [&]() -> boost::asio::awaitable<void> { ... co_return; });
//   EXPECT_TRUE(co_await eventually([&] { return server.last() != nullptr; }));
//
// No sleeps: eventually() polls a condition on a 1 ms timer until a deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "client/options.h"

// ASSERT_* expands to `return` and does not compile in a coroutine: these co_return instead.
#define QV_CO_ASSERT_TRUE(cond)           \
  if (!(cond)) {                          \
    ADD_FAILURE() << "failed: " << #cond; \
    co_return;                            \
  }
#define QV_CO_ASSERT_EQ(a, b) \
  if (!((a) == (b))) {        \
    EXPECT_EQ(a, b);          \
    co_return;                \
  }

namespace quiver::client::testing {

// Runs the coroutine `body()` on `io` until it finishes, then stops `io` (connections the body
// left open are abandoned). Rethrows what the body threw.
void run_test(boost::asio::io_context& io, std::function<boost::asio::awaitable<void>()> body);

// Polls `condition` until it holds or `timeout` passes; returns its final value.
boost::asio::awaitable<bool> eventually(
    std::function<bool()> condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Waits (without blocking the io_context) for `timeout`; for tests that must show that
// something does NOT happen within a window.
boost::asio::awaitable<void> pause(std::chrono::milliseconds timeout);

// Records a connection's events (Options::on_event = log.handler()). Thread-safe.
class EventLog {
 public:
  std::function<void(const Event&)> handler();
  std::vector<Event> events() const;
  std::size_t count(EventType type) const;
  void clear();

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

}  // namespace quiver::client::testing
