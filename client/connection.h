// A connection to a NATS server (Quiver or nats-server): the client's entry point.
//
//   boost::asio::io_context io;
//   client::Connection nc(io.get_executor());
//   co_await nc.async_connect({.servers = {"nats://127.0.0.1:4222"}}, use_awaitable);
//   auto sub = co_await nc.async_subscribe("greet.*", {}, use_awaitable);
//   nc.publish("greet.joe", "hello");
//   auto msg = co_await sub.async_next(use_awaitable);
//
// Every async_* operation takes any Asio completion token (callbacks, use_awaitable,
// use_future, as_tuple(...), deferred) and completes with boost::system::error_code first;
// handlers run on their associated executor, defaulting to the connection's executor, never
// inline. The coroutine forms (connect(), subscribe(), request(), ...) return
// awaitable<Result<T>> / awaitable<std::error_code> for code that prefers no exceptions.
//
// After async_connect succeeds the connection keeps itself alive: it answers PINGs, reconnects
// (Options), restores subscriptions and replays publishes buffered meanwhile, until close(),
// async_drain() or the end of its reconnect attempts. Until then it keeps work on the
// executor, so io_context::run() returns only after the connection closed. Destroying the
// Connection closes it.
//
// Thread-safe: publish() from any thread; any operation from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "client/errors.h"
#include "client/message.h"
#include "client/options.h"
#include "client/stats.h"
#include "client/subscription.h"
#include "codec/protocol_json.h"
#include "common/result.h"

namespace quiver::client {

namespace internal {
class Core;
}

class Connection {
 public:
  using executor_type = boost::asio::any_io_executor;
  using VoidSignature = void(boost::system::error_code);
  using SubscribeSignature = void(boost::system::error_code, Subscription);
  using RequestSignature = void(boost::system::error_code, Message);

  explicit Connection(executor_type executor);
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  executor_type get_executor() const noexcept;

  // Tries each server once (shuffled unless Options::no_randomize) and completes on the first
  // that finishes the INFO/CONNECT/PING/PONG handshake, or with the last error. Once only.
  template <class CompletionToken>
  auto async_connect(Options options, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, VoidSignature>(
        [](auto handler, std::shared_ptr<internal::Core> core, Options options) {
          start_connect(core, std::move(options), std::move(handler));
        },
        token, core_, std::move(options));
  }

  // Queues a message; never blocks. Errors: kBadSubject, kMaxPayload, kHeadersNotSupported,
  // kNotConnected, kConnectionClosed, kDisconnected / kReconnectBufferExceeded (while
  // reconnecting), kWriteBufferFull (the network cannot keep up; see async_publish).
  std::error_code publish(std::string_view subject, std::string_view data,
                          const PublishOptions& options = {});
  std::error_code publish(const Message& message);

  // publish() with back-pressure: queues the message even past write_buffer_limit, then
  // completes once the unwritten bytes are back under it.
  template <class CompletionToken>
  auto async_publish(std::string_view subject, std::string_view data, const PublishOptions& options,
                     CompletionToken&& token) {
    bool above_limit = false;
    const std::error_code ec = publish_for_async(subject, data, options, above_limit);
    return boost::asio::async_initiate<CompletionToken, VoidSignature>(
        [](auto handler, std::shared_ptr<internal::Core> core, std::error_code ec,
           bool above_limit) { start_publish_wait(core, ec, above_limit, std::move(handler)); },
        token, core_, ec, above_limit);
  }

  // Completes when the server has processed everything sent before (PING/PONG), kTimeout
  // otherwise. While reconnecting it waits for the reconnect.
  template <class CompletionToken>
  auto async_flush(std::chrono::milliseconds timeout, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, VoidSignature>(
        [](auto handler, std::shared_ptr<internal::Core> core, std::chrono::milliseconds t) {
          start_flush(core, t, std::move(handler));
        },
        token, core_, timeout);
  }

  // The same with a comma-separated server list ("nats://a:4222,nats://b:4222") and defaults
  // for everything else.
  template <class CompletionToken>
  auto async_connect(std::string_view servers, CompletionToken&& token) {
    return async_connect(options_for(servers), std::forward<CompletionToken>(token));
  }

  // Iteration mode: messages come through Subscription::async_next.
  template <class CompletionToken>
  auto async_subscribe(std::string subject, SubscribeOptions options, CompletionToken&& token) {
    return async_subscribe(std::move(subject), std::move(options), MessageHandler(),
                           std::forward<CompletionToken>(token));
  }

  // Callback mode: `handler` gets each message, in order, one at a time, on the connection's
  // executor. An exception it throws is reported as a kError event (kCallbackFailed).
  template <class CompletionToken>
  auto async_subscribe(std::string subject, SubscribeOptions options, MessageHandler handler,
                       CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, SubscribeSignature>(
        [](auto completion, std::shared_ptr<internal::Core> core, std::string subject,
           SubscribeOptions options, MessageHandler handler) {
          start_subscribe(core, std::move(subject), std::move(options), std::move(handler),
                          std::move(completion));
        },
        token, core_, std::move(subject), std::move(options), std::move(handler));
  }

  // Publishes with a unique reply subject under this connection's one wildcard inbox
  // subscription and completes with the first reply, kTimeout, or kNoResponders when the
  // server reports that nobody listens. Supports per-operation cancellation.
  template <class CompletionToken>
  auto async_request(std::string subject, std::string data, RequestOptions options,
                     CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, RequestSignature>(
        [](auto handler, std::shared_ptr<internal::Core> core, std::string subject,
           std::string data, RequestOptions options) {
          start_request(core, std::move(subject), std::move(data), std::move(options),
                        std::move(handler));
        },
        token, core_, std::move(subject), std::move(data), std::move(options));
  }

  template <class CompletionToken>
  auto async_request(std::string subject, std::string data, std::chrono::milliseconds timeout,
                     CompletionToken&& token) {
    RequestOptions options;
    options.timeout = timeout;
    return async_request(std::move(subject), std::move(data), std::move(options),
                         std::forward<CompletionToken>(token));
  }

  // Graceful close: unsubscribes everything, waits until the application handled every
  // queued message, flushes what was published, then closes. kTimeout after
  // Options::drain_timeout (the connection is closed anyway).
  template <class CompletionToken>
  auto async_drain(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, VoidSignature>(
        [](auto handler, std::shared_ptr<internal::Core> core) {
          start_drain(core, std::move(handler));
        },
        token, core_);
  }

  // Closes now (queued messages are dropped) and completes once closed.
  template <class CompletionToken>
  auto async_close(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, VoidSignature>(
        [](auto handler, std::shared_ptr<internal::Core> core) {
          start_close(core, std::move(handler));
        },
        token, core_);
  }

  // Starts closing; returns at once.
  void close();

  // Coroutine forms (co_await them directly: they refer to *this).
  boost::asio::awaitable<std::error_code> connect(Options options);
  boost::asio::awaitable<std::error_code> flush(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  boost::asio::awaitable<Result<Subscription>> subscribe(std::string subject,
                                                         SubscribeOptions options = {});
  boost::asio::awaitable<Result<Subscription>> subscribe(std::string subject,
                                                         SubscribeOptions options,
                                                         MessageHandler handler);
  boost::asio::awaitable<Result<Message>> request(
      std::string subject, std::string data,
      std::chrono::milliseconds timeout = std::chrono::seconds(2));
  boost::asio::awaitable<std::error_code> drain();

  Status status() const noexcept;
  bool is_connected() const noexcept { return status() == Status::kConnected; }
  Statistics stats() const;
  // The last INFO received (nullopt before the first).
  std::optional<codec::ServerInfo> server_info() const;
  // "nats://host:port" while connected; empty otherwise.
  std::string connected_url() const;
  // The server pool, including discovered servers.
  std::vector<std::string> servers() const;
  // The server's max_payload (INT64_MAX before the first INFO).
  std::int64_t max_payload() const noexcept;
  // "<inbox_prefix>.<unique id>", for hand-made request/reply patterns.
  std::string new_inbox() const;

 private:
  static Options options_for(std::string_view servers);
  static void start_connect(const std::shared_ptr<internal::Core>& core, Options options,
                            boost::asio::any_completion_handler<VoidSignature> handler);
  std::error_code publish_for_async(std::string_view subject, std::string_view data,
                                    const PublishOptions& options, bool& above_limit);
  static void start_publish_wait(const std::shared_ptr<internal::Core>& core, std::error_code ec,
                                 bool above_limit,
                                 boost::asio::any_completion_handler<VoidSignature> handler);
  static void start_flush(const std::shared_ptr<internal::Core>& core,
                          std::chrono::milliseconds timeout,
                          boost::asio::any_completion_handler<VoidSignature> handler);
  static void start_subscribe(const std::shared_ptr<internal::Core>& core, std::string subject,
                              SubscribeOptions options, MessageHandler handler,
                              boost::asio::any_completion_handler<SubscribeSignature> completion);
  static void start_request(const std::shared_ptr<internal::Core>& core, std::string subject,
                            std::string data, RequestOptions options,
                            boost::asio::any_completion_handler<RequestSignature> handler);
  static void start_drain(const std::shared_ptr<internal::Core>& core,
                          boost::asio::any_completion_handler<VoidSignature> handler);
  static void start_close(const std::shared_ptr<internal::Core>& core,
                          boost::asio::any_completion_handler<VoidSignature> handler);

  std::shared_ptr<internal::Core> core_;
};

}  // namespace quiver::client
