#include "client/testing/async_test.h"

#include <exception>
#include <memory>
#include <stdexcept>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace quiver::client::testing {

namespace asio = boost::asio;

void run_test(asio::io_context& io, std::function<asio::awaitable<void>()> body) {
  struct Outcome {
    std::exception_ptr error;
    bool done = false;
  };
  auto outcome = std::make_shared<Outcome>();
  asio::co_spawn(io, std::move(body), [outcome, ioc = &io](std::exception_ptr e) {
    outcome->error = e;
    outcome->done = true;
    ioc->stop();
  });
  io.restart();
  io.run();
  if (outcome->error) std::rethrow_exception(outcome->error);
  if (!outcome->done) {
    throw std::runtime_error("run_test: the io_context ran out of work before the body finished");
  }
}

asio::awaitable<bool> eventually(std::function<bool()> condition,
                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return condition();
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return true;
}

asio::awaitable<void> pause(std::chrono::milliseconds timeout) {
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::function<void(const Event&)> EventLog::handler() {
  return [this](const Event& event) {
    std::lock_guard lock(mu_);
    events_.push_back(event);
  };
}

std::vector<Event> EventLog::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

std::size_t EventLog::count(EventType type) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& e : events_) n += e.type == type ? 1 : 0;
  return n;
}

}  // namespace quiver::client::testing

namespace quiver::client::testing {

void EventLog::clear() {
  std::lock_guard lock(mu_);
  events_.clear();
}

}  // namespace quiver::client::testing
