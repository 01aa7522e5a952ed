#include "client/jetstream/internal/notifier.h"

#include <utility>
#include <variant>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace quiver::client::jetstream::internal {

namespace asio = boost::asio;

std::uint64_t Notifier::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

void Notifier::notify_all() {
  std::vector<Waiter> waiters;
  {
    std::lock_guard lock(mu_);
    ++generation_;
    waiters.swap(waiters_);
  }
  for (auto& w : waiters) complete(std::move(w), {});
}

void Notifier::complete(Waiter waiter, boost::system::error_code ec) {
  // Posted, never inline: notify_all() may run inside a subscription callback or under the
  // caller's locks, and the waiter's coroutine must resume on its own executor.
  auto executor = waiter.executor;
  asio::post(executor,
             [handler = std::move(waiter.handler), ec]() mutable { std::move(handler)(ec); });
}

void Notifier::cancel(std::uint64_t id) {
  std::unique_lock lock(mu_);
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (it->id == id) {
      Waiter w = std::move(*it);
      waiters_.erase(it);
      lock.unlock();
      complete(std::move(w), asio::error::operation_aborted);
      return;
    }
  }
}

asio::awaitable<void> Notifier::wait_change(std::uint64_t generation) {
  auto executor = co_await asio::this_coro::executor;
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(boost::system::error_code)>(
      [this, generation, executor](auto handler) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        std::unique_lock lock(mu_);
        const std::uint64_t id = ++next_id_;
        Waiter w{id, executor, Handler(std::move(handler))};
        if (generation != generation_) {
          lock.unlock();
          complete(std::move(w), {});
          return;
        }
        waiters_.push_back(std::move(w));
        // Only after the type erasure: constructing the any_completion_handler resets the
        // slot's handler (Boost 1.81), which would silently drop ours.
        if (slot.is_connected()) {
          slot.assign([this, id](asio::cancellation_type) { cancel(id); });
        }
      },
      asio::use_awaitable);
}

asio::awaitable<bool> Notifier::wait(std::uint64_t generation,
                                     std::chrono::steady_clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_) co_return true;
  }
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto which = co_await (wait_change(generation) || timer.async_wait(asio::use_awaitable));
  co_return which.index() == 0;
}

}  // namespace quiver::client::jetstream::internal
