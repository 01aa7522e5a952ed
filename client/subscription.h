// A subscription handle. Copies share one subscription; the handle does not unsubscribe when it
// goes away (no NATS client does): call unsubscribe() or drain(), or close the connection.
//
// Messages come either through async_next (iteration, when the subscription was created
// without a callback) or through the callback given to async_subscribe, in order and one at a
// time. Each subscription queues at most its pending limits; beyond them messages are dropped
// and counted (dropped()), and the connection reports a kSlowConsumer event.
//
// Every operation is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "client/message.h"
#include "client/stats.h"
#include "common/result.h"

namespace quiver::client {

namespace internal {
class Core;
class SubState;
}  // namespace internal

class Subscription {
 public:
  using NextSignature = void(boost::system::error_code, Message);
  using DrainSignature = void(boost::system::error_code);

  Subscription() = default;

  bool valid() const noexcept { return state_ != nullptr; }
  std::uint64_t sid() const noexcept;
  const std::string& subject() const noexcept;
  const std::string& queue() const noexcept;

  // The next message. Completes with errc::kSubscriptionClosed after unsubscribe/drain/auto-
  // unsubscribe once the queue is empty, errc::kConnectionClosed when the connection closed,
  // errc::kBusy if another async_next is waiting, errc::kInvalidState in callback mode.
  // Supports per-operation cancellation (boost::asio::error::operation_aborted).
  template <class CompletionToken>
  auto async_next(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, NextSignature>(
        [](auto handler, std::shared_ptr<internal::SubState> state) {
          start_next(state, std::move(handler), std::nullopt);
        },
        token, state_);
  }

  // The same, failing with errc::kTimeout when nothing arrives within `timeout`.
  template <class CompletionToken>
  auto async_next(std::chrono::milliseconds timeout, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, NextSignature>(
        [](auto handler, std::shared_ptr<internal::SubState> state,
           std::chrono::milliseconds timeout) { start_next(state, std::move(handler), timeout); },
        token, state_, timeout);
  }

  // Stops the subscription now; queued messages are dropped.
  void unsubscribe();
  // Ends the subscription after `max_msgs` messages in total (counting those already
  // received); ends it now if that many arrived already.
  void auto_unsubscribe(std::uint64_t max_msgs);

  // UNSUB, then waits until the server has sent everything that was in flight and the
  // application has taken (async_next) or handled (callback returned) every queued message.
  template <class CompletionToken>
  auto async_drain(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, DrainSignature>(
        [](auto handler, std::shared_ptr<internal::SubState> state) {
          start_drain(state, std::move(handler));
        },
        token, state_);
  }

  // Coroutine forms (co_await them directly).
  boost::asio::awaitable<Result<Message>> next();
  boost::asio::awaitable<Result<Message>> next(std::chrono::milliseconds timeout);
  boost::asio::awaitable<std::error_code> drain();

  // <= 0: unlimited. Applies to messages that arrive from now on.
  void set_pending_limits(std::int64_t msgs, std::int64_t bytes);
  SubscriptionStats stats() const;
  std::uint64_t dropped() const { return stats().dropped; }

 private:
  friend class internal::Core;
  explicit Subscription(std::shared_ptr<internal::SubState> state) : state_(std::move(state)) {}

  static void start_next(const std::shared_ptr<internal::SubState>& state,
                         boost::asio::any_completion_handler<NextSignature> handler,
                         std::optional<std::chrono::milliseconds> timeout);
  static void start_drain(const std::shared_ptr<internal::SubState>& state,
                          boost::asio::any_completion_handler<DrainSignature> handler);

  std::shared_ptr<internal::SubState> state_;
};

}  // namespace quiver::client
