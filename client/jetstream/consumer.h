// Consuming from JetStream: pull consumers (fetch / next / continuous consume), push
// subscriptions (heartbeats and flow control handled) and ordered consumers.
//
//   PullConsumer c = js.pull_consumer("ORDERS", "worker");
//   auto batch = co_await c.fetch(10, {.expires = std::chrono::seconds(2)});   // up to 10
//   auto one = co_await c.next(std::chrono::seconds(1));                        // kTimeout if none
//   auto stream = (co_await c.consume({.max_messages = 500})).value();          // continuous
//   for (;;) { auto m = co_await stream.next(); if (!m) break; m.value().ack(); }
//   co_await stream.stop();
//
//   OrderedConsumer oc = (co_await js.ordered_consumer("ORDERS", {})).value();
//   auto m = co_await oc.next(std::chrono::seconds(1));  // in stream order, gaps repaired
//
// Status messages never reach the application: 100 idle heartbeats are tracked (their absence
// for two intervals is kNoHeartbeat, or a reset for an ordered consumer), 100 flow-control
// requests are answered when the application has taken every message sent before them,
// 404/408 end a fetch, 409 ends it with an error. Handles are cheap to copy and share state;
// next() calls on one handle must not overlap (client::errc::kBusy otherwise).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "client/jetstream/errors.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/message.h"
#include "client/jetstream/types.h"
#include "client/subscription.h"

namespace quiver::client::jetstream {

namespace internal {
struct StreamState;
struct PushState;
struct OrderedState;
}  // namespace internal

struct FetchOptions {
  // How long the server keeps the pull request open; the fetch returns what arrived by then.
  std::chrono::milliseconds expires{5000};
  std::int64_t max_bytes = 0;  // 0: no byte limit
  // Return at once with what is available (possibly nothing) instead of waiting.
  bool no_wait = false;
  // Ask the server for idle heartbeats at this interval (0: none; must be < expires / 2).
  std::chrono::milliseconds heartbeat{0};
};
static_assert(std::is_trivially_destructible_v<FetchOptions>);

struct ConsumeOptions {
  // Messages requested ahead (buffered in the client at most).
  int max_messages = 500;
  // Lifetime of each pull request; a new one is sent when it expires.
  std::chrono::milliseconds expires{30000};
  // Server heartbeat interval; 0: min(expires / 2, 30 s).
  std::chrono::milliseconds heartbeat{0};
  // Pull more when the outstanding count falls to this many (0: max_messages / 2).
  int threshold = 0;
};
static_assert(std::is_trivially_destructible_v<ConsumeOptions>);

// A continuous pull started by PullConsumer::consume().
class MessageStream {
 public:
  MessageStream() = default;

  // The next message; client::errc::kTimeout when none arrives within `timeout`,
  // kConsumerDeleted when the consumer went away, client::errc::kSubscriptionClosed after
  // stop(). Missed heartbeats re-issue the pull transparently (counted in heartbeat_misses()).
  boost::asio::awaitable<JsResult<JsMsg>> next(
      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Unsubscribes; messages already delivered but not taken are redelivered after ack_wait.
  boost::asio::awaitable<void> stop();
  std::uint64_t heartbeat_misses() const;

 private:
  friend class PullConsumer;
  explicit MessageStream(std::shared_ptr<internal::StreamState> state) : state_(std::move(state)) {}
  std::shared_ptr<internal::StreamState> state_;
};

class PullConsumer {
 public:
  PullConsumer() = default;
  PullConsumer(JetStream js, std::string stream, std::string consumer);

  const std::string& stream() const noexcept { return stream_; }
  const std::string& name() const noexcept { return consumer_; }

  // Up to `batch` messages; fewer (possibly none) when the request expires or, with no_wait,
  // when no more are pending. kConsumerNotFound / kPullRequestFailed / kNoHeartbeat on failure.
  boost::asio::awaitable<JsResult<std::vector<JsMsg>>> fetch(std::size_t batch,
                                                             FetchOptions options = {});
  // One message; client::errc::kTimeout when none arrives within `timeout`.
  boost::asio::awaitable<JsResult<JsMsg>> next(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  boost::asio::awaitable<JsResult<MessageStream>> consume(ConsumeOptions options = {});
  boost::asio::awaitable<JsResult<ConsumerInfo>> info();

  template <class CompletionToken>
  auto async_fetch(std::size_t batch, FetchOptions options, CompletionToken&& token) {
    return async_from_coroutine<std::vector<JsMsg>>(
        js_.get_executor(),
        [self = *this, batch, options]() mutable { return self.fetch(batch, options); },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_next(std::chrono::milliseconds timeout, CompletionToken&& token) {
    return async_from_coroutine<JsMsg>(
        js_.get_executor(), [self = *this, timeout]() mutable { return self.next(timeout); },
        std::forward<CompletionToken>(token));
  }

 private:
  JetStream js_;
  std::string stream_;
  std::string consumer_;
};

// A subscription to a push consumer's deliver subject.
class PushSubscription {
 public:
  PushSubscription() = default;

  // The consumer as it was when subscribing.
  const ConsumerInfo& info() const;
  const std::string& stream() const;
  const std::string& consumer() const;

  // The next message; client::errc::kTimeout when nothing arrives within `timeout`,
  // kNoHeartbeat when the consumer has idle_heartbeat set and two intervals passed silently.
  boost::asio::awaitable<JsResult<JsMsg>> next(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Stops receiving (the consumer itself stays; delete it with JetStream::delete_consumer).
  void unsubscribe();

  boost::asio::any_io_executor get_executor() const;

  template <class CompletionToken>
  auto async_next(std::chrono::milliseconds timeout, CompletionToken&& token) {
    return async_from_coroutine<JsMsg>(
        get_executor(), [self = *this, timeout]() mutable { return self.next(timeout); },
        std::forward<CompletionToken>(token));
  }

 private:
  friend class JetStream;
  explicit PushSubscription(std::shared_ptr<internal::PushState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<internal::PushState> state_;
};

// Trivially destructible (GCC 12); the filter is copied when the consumer is created.
struct OrderedConsumerOptions {
  std::string_view filter_subject;  // empty: the whole stream
  DeliverPolicy deliver_policy = DeliverPolicy::kAll;
  std::uint64_t opt_start_seq = 0;
  std::optional<Time> opt_start_time;
  bool headers_only = false;
  std::chrono::milliseconds idle_heartbeat{5000};
};
static_assert(std::is_trivially_destructible_v<OrderedConsumerOptions>);

class OrderedConsumer {
 public:
  OrderedConsumer() = default;

  // The next message in stream order (no acks needed: the consumer uses ack policy none);
  // client::errc::kTimeout when nothing arrives within `timeout`. A reset that fails (server
  // unreachable) returns its error; the next call tries again.
  boost::asio::awaitable<JsResult<JsMsg>> next(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Unsubscribes and deletes the current server-side consumer.
  boost::asio::awaitable<JsResult<void>> stop();

  // Messages pending for the consumer when it was first created (ConsumerInfo::num_pending).
  std::uint64_t initial_pending() const;
  // The current server-side consumer name (changes on every reset).
  std::string consumer_name() const;
  // How many times the consumer was recreated.
  std::uint64_t resets() const;

  boost::asio::any_io_executor get_executor() const;

  template <class CompletionToken>
  auto async_next(std::chrono::milliseconds timeout, CompletionToken&& token) {
    return async_from_coroutine<JsMsg>(
        get_executor(), [self = *this, timeout]() mutable { return self.next(timeout); },
        std::forward<CompletionToken>(token));
  }

 private:
  friend class JetStream;
  explicit OrderedConsumer(std::shared_ptr<internal::OrderedState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<internal::OrderedState> state_;
};

}  // namespace quiver::client::jetstream
