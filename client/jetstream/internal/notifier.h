// A thread-safe "something changed" signal for coroutines: a generation counter that
// notify_all() advances, and wait(gen, deadline) that completes once the generation differs
// from `gen` or the deadline passes. Read the generation, check your condition, then wait on
// that generation: a notification in between is never lost.
//
//   for (;;) {
//     const auto gen = n.generation();
//     if (ready()) break;
//     if (!co_await n.wait(gen, deadline)) return timeout;
//   }
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace quiver::client::jetstream::internal {

class Notifier {
 public:
  std::uint64_t generation() const;
  void notify_all();
  // True when notified (or the generation already differs), false at the deadline. Supports
  // cancellation of the awaiting coroutine.
  boost::asio::awaitable<bool> wait(std::uint64_t generation,
                                    std::chrono::steady_clock::time_point deadline);

 private:
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
  struct Waiter {
    std::uint64_t id;
    boost::asio::any_io_executor executor;
    Handler handler;
  };

  boost::asio::awaitable<void> wait_change(std::uint64_t generation);
  void cancel(std::uint64_t id);
  static void complete(Waiter waiter, boost::system::error_code ec);

  mutable std::mutex mu_;
  std::uint64_t generation_ = 0;
  std::uint64_t next_id_ = 0;
  std::vector<Waiter> waiters_;
};

}  // namespace quiver::client::jetstream::internal
