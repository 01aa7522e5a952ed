// The JetStream context: publishing with acknowledgements, stream and consumer management, and
// the entry points to consumers (consumer.h), Key/Value buckets (kv.h) and object stores
// (object_store.h). Everything is request/reply over a client::Connection, following nats.go
// 1.2x (the clients of nats-server 2.9).
//
//   Connection nc(executor);  co_await nc.async_connect(url, use_awaitable);
//   JetStream js(nc, {.timeout = std::chrono::seconds(5)});
//   StreamConfig cfg;  cfg.name = "ORDERS";  cfg.subjects = {"orders.>"};
//   auto info = co_await js.add_stream(cfg);                    // JsResult<StreamInfo>
//   auto ack = co_await js.publish("orders.new", "1", {.msg_id = "order-1"});
//   auto future = co_await js.publish_async("orders.new", "2");  // bounded window (4000)
//   co_await js.publish_async_complete();
//
// Coroutine forms return awaitable<JsResult<T>> (errors.h) and must be co_awaited while the
// JetStream and its Connection live; every async_* form takes any Asio completion token
// (async.h). JetStream is a cheap handle: copies share one context (and one async-publish
// window). The Connection must outlive every JetStream, consumer, bucket and JsMsg made from it.
// All members are thread-safe.
//
// GCC 12 caveat (see client/README.md): the option structs taken by value here are trivially
// destructible, so `co_await js.publish(s, d, {.msg_id = "x"})` is safe; pass configs
// (StreamConfig, ConsumerConfig, KeyValueConfig, ...) as named variables, not braced
// temporaries inside a co_await expression.
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

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "client/connection.h"
#include "client/jetstream/async.h"
#include "client/jetstream/errors.h"
#include "client/jetstream/message.h"
#include "client/jetstream/types.h"

namespace quiver::client::jetstream {

namespace internal {
struct ContextState;
struct FutureState;
}  // namespace internal

class PullConsumer;
class PushSubscription;
class OrderedConsumer;
struct OrderedConsumerOptions;
struct PushSubscribeOptions;
class KeyValue;
struct KeyValueConfig;
class ObjectStore;
struct ObjectStoreConfig;

struct JetStreamOptions {
  // The API subject prefix. Ignored when `domain` is set: the prefix is then $JS.<domain>.API.
  std::string api_prefix = "$JS.API";
  std::string domain;
  // Timeout of every API request and synchronous publish.
  std::chrono::milliseconds timeout{5000};
  // At most this many publish_async() acknowledgements outstanding (nats.go's default).
  std::size_t max_pending = 4000;
  // How long publish_async() waits for room in a full window before kTooManyStalled.
  std::chrono::milliseconds stall_wait{200};
};

// Headers of the publish path (nats-server stream.go).
inline constexpr std::string_view kMsgIdHeader = "Nats-Msg-Id";
inline constexpr std::string_view kExpectedStreamHeader = "Nats-Expected-Stream";
inline constexpr std::string_view kExpectedLastSeqHeader = "Nats-Expected-Last-Sequence";
inline constexpr std::string_view kExpectedLastSubjectSeqHeader =
    "Nats-Expected-Last-Subject-Sequence";
inline constexpr std::string_view kExpectedLastMsgIdHeader = "Nats-Expected-Last-Msg-Id";
inline constexpr std::string_view kRollupHeader = "Nats-Rollup";
inline constexpr std::string_view kRollupSubject = "sub";
inline constexpr std::string_view kRollupAll = "all";

// Trivially destructible (GCC 12, see above); the views are copied when the publish starts.
struct PublishOptions {
  std::string_view msg_id;                         // Nats-Msg-Id: deduplication within the window
  std::string_view expected_stream;                // Nats-Expected-Stream
  std::string_view expected_last_msg_id;           // Nats-Expected-Last-Msg-Id
  std::optional<std::uint64_t> expected_last_seq;  // Nats-Expected-Last-Sequence
  std::optional<std::uint64_t> expected_last_subject_seq;  // ...-Last-Subject-Sequence
  const codec::Headers* headers = nullptr;                 // more headers to send (copied)
  std::chrono::milliseconds timeout{0};                    // 0: JetStreamOptions::timeout
};
static_assert(std::is_trivially_destructible_v<PublishOptions>);

// The acknowledgement of a publish_async(), available once the server answered.
class PubAckFuture {
 public:
  PubAckFuture() = default;

  bool valid() const noexcept { return state_ != nullptr; }
  // True once the acknowledgement (or an error) arrived.
  bool done() const;
  // The result if done, nullopt otherwise.
  std::optional<JsResult<PubAck>> try_get() const;
  // Waits for the result; client::errc::kTimeout if it does not arrive within `timeout` (the
  // publish stays pending: the context fails it after JetStreamOptions::timeout).
  boost::asio::awaitable<JsResult<PubAck>> get(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // The subject it was published to.
  const std::string& subject() const;

 private:
  friend struct internal::ContextState;
  explicit PubAckFuture(std::shared_ptr<internal::FutureState> state) : state_(std::move(state)) {}
  std::shared_ptr<internal::FutureState> state_;
};

struct StreamInfoOptions {
  std::string_view subjects_filter;  // fill StreamState::subjects for matching subjects
  bool deleted_details = false;      // fill StreamState::deleted
};
static_assert(std::is_trivially_destructible_v<StreamInfoOptions>);

// Purges messages of a stream. `seq` (purge below this sequence) and `keep` (keep the last n)
// are exclusive; both 0 purge everything (matching `filter` when set).
struct PurgeOptions {
  std::string_view filter;
  std::uint64_t seq = 0;
  std::uint64_t keep = 0;
};
static_assert(std::is_trivially_destructible_v<PurgeOptions>);

// What a direct get asks for: exactly one of `seq` (with `next_by_subj`: the first message at
// or after seq on that subject) or `last_by_subj`.
struct DirectGetRequest {
  std::uint64_t seq = 0;
  std::string_view last_by_subj;
  std::string_view next_by_subj;
};
static_assert(std::is_trivially_destructible_v<DirectGetRequest>);

enum class ConsumerAction {
  kCreateOrUpdate,  // no "action" sent: create, or update when the config differs
  kCreate,          // fail with kConsumerExists if it exists with another config (2.10 servers)
  kUpdate,          // fail with kConsumerNotFound if it does not exist (2.10 servers)
};

class JetStream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using Options = JetStreamOptions;

  // An empty handle (valid() is false); assign a real one before use.
  JetStream() = default;
  explicit JetStream(Connection& connection, Options options = {});

  bool valid() const noexcept { return state_ != nullptr; }

  Connection& connection() const noexcept;
  const Options& options() const noexcept;
  executor_type get_executor() const;
  // "$JS.API" or "$JS.<domain>.API"; API subjects are "<prefix>.STREAM.INFO.<name>" etc.
  const std::string& api_prefix() const noexcept;

  // ----- publishing -----

  // Publishes and waits for the stream's acknowledgement. errc::kNoStreamResponse when no
  // stream listens on the subject; the API Error (e.g. kWrongLastSequence) when the stream
  // refused the message.
  boost::asio::awaitable<JsResult<PubAck>> publish(std::string_view subject, std::string_view data,
                                                   PublishOptions options = {});
  // The message's subject, data and headers (options add to the headers).
  boost::asio::awaitable<JsResult<PubAck>> publish(const Message& message,
                                                   PublishOptions options = {});

  // Publishes without waiting for the acknowledgement. At most max_pending are outstanding:
  // beyond that it waits up to stall_wait for room, then fails with kTooManyStalled.
  boost::asio::awaitable<JsResult<PubAckFuture>> publish_async(std::string_view subject,
                                                               std::string_view data,
                                                               PublishOptions options = {});
  boost::asio::awaitable<JsResult<PubAckFuture>> publish_async(const Message& message,
                                                               PublishOptions options = {});
  // Completes when every publish_async() so far has its acknowledgement (or error);
  // client::errc::kTimeout otherwise.
  boost::asio::awaitable<JsResult<void>> publish_async_complete(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::size_t publish_async_pending() const;

  // ----- account and streams -----

  boost::asio::awaitable<JsResult<AccountInfo>> account_info();

  boost::asio::awaitable<JsResult<StreamInfo>> add_stream(StreamConfig config);
  boost::asio::awaitable<JsResult<StreamInfo>> update_stream(StreamConfig config);
  boost::asio::awaitable<JsResult<StreamInfo>> stream_info(std::string_view stream,
                                                           StreamInfoOptions options = {});
  boost::asio::awaitable<JsResult<void>> delete_stream(std::string_view stream);
  // The number of messages purged.
  boost::asio::awaitable<JsResult<std::uint64_t>> purge_stream(std::string_view stream,
                                                               PurgeOptions options = {});
  // Every stream name (all pages), optionally only streams that capture `subject_filter`.
  boost::asio::awaitable<JsResult<std::vector<std::string>>> stream_names(
      std::string_view subject_filter = {});
  boost::asio::awaitable<JsResult<std::vector<StreamInfo>>> streams(
      std::string_view subject_filter = {});
  // The stream that captures `subject`; kStreamNotFound if none.
  boost::asio::awaitable<JsResult<std::string>> stream_name_by_subject(std::string_view subject);

  // STREAM.MSG.GET: by sequence, or the last message on a subject (kMessageNotFound).
  boost::asio::awaitable<JsResult<StoredMsg>> get_msg(std::string_view stream, std::uint64_t seq);
  boost::asio::awaitable<JsResult<StoredMsg>> get_last_msg(std::string_view stream,
                                                           std::string_view subject);
  // DIRECT.GET (the stream needs allow_direct): any replica answers, without JSON.
  boost::asio::awaitable<JsResult<StoredMsg>> direct_get(std::string_view stream,
                                                         DirectGetRequest request);
  // DIRECT.GET.<stream>.<subject>: the last message on `subject` (the KV get path).
  boost::asio::awaitable<JsResult<StoredMsg>> direct_get_last(std::string_view stream,
                                                              std::string_view subject);
  // STREAM.MSG.DELETE. `erase` overwrites the message on disk (nats.go SecureDeleteMsg).
  boost::asio::awaitable<JsResult<void>> delete_msg(std::string_view stream, std::uint64_t seq,
                                                    bool erase = false);

  // ----- consumers -----

  // CONSUMER.CREATE.<stream>.<name>[.<filter>] when the config names the consumer (durable_name
  // or name) and the filter has no wildcard, CONSUMER.CREATE.<stream> otherwise (nats.go 2.9).
  boost::asio::awaitable<JsResult<ConsumerInfo>> add_consumer(
      std::string_view stream, ConsumerConfig config,
      ConsumerAction action = ConsumerAction::kCreateOrUpdate);
  boost::asio::awaitable<JsResult<ConsumerInfo>> create_consumer(std::string_view stream,
                                                                 ConsumerConfig config);
  boost::asio::awaitable<JsResult<ConsumerInfo>> update_consumer(std::string_view stream,
                                                                 ConsumerConfig config);
  boost::asio::awaitable<JsResult<ConsumerInfo>> consumer_info(std::string_view stream,
                                                               std::string_view consumer);
  boost::asio::awaitable<JsResult<void>> delete_consumer(std::string_view stream,
                                                         std::string_view consumer);
  boost::asio::awaitable<JsResult<std::vector<std::string>>> consumer_names(
      std::string_view stream);
  boost::asio::awaitable<JsResult<std::vector<ConsumerInfo>>> consumers(std::string_view stream);

  // ----- consuming (consumer.h) -----

  // A handle on an existing pull consumer; no request is made.
  PullConsumer pull_consumer(std::string_view stream, std::string_view consumer) const;
  // add_consumer(), then a handle on it.
  boost::asio::awaitable<JsResult<PullConsumer>> create_pull_consumer(std::string_view stream,
                                                                      ConsumerConfig config);
  // Creates (or updates) a push consumer and subscribes to its deliver subject (a new inbox when
  // config.deliver_subject is empty; the queue group is config.deliver_group).
  boost::asio::awaitable<JsResult<PushSubscription>> subscribe_push(std::string_view stream,
                                                                    ConsumerConfig config);
  // Subscribes to the deliver subject of an existing push consumer.
  boost::asio::awaitable<JsResult<PushSubscription>> bind_push(std::string_view stream,
                                                               std::string_view consumer);
  // An ordered consumer: an ephemeral push consumer with flow control and heartbeats that is
  // recreated from the next expected stream sequence on any gap or missed heartbeat.
  boost::asio::awaitable<JsResult<OrderedConsumer>> ordered_consumer(
      std::string_view stream, OrderedConsumerOptions options);

  // ----- Key/Value (kv.h) and object stores (object_store.h) -----

  boost::asio::awaitable<JsResult<KeyValue>> create_key_value(KeyValueConfig config);
  boost::asio::awaitable<JsResult<KeyValue>> key_value(std::string_view bucket);
  boost::asio::awaitable<JsResult<void>> delete_key_value(std::string_view bucket);
  boost::asio::awaitable<JsResult<ObjectStore>> create_object_store(ObjectStoreConfig config);
  boost::asio::awaitable<JsResult<ObjectStore>> object_store(std::string_view bucket);
  boost::asio::awaitable<JsResult<void>> delete_object_store(std::string_view bucket);

  // ----- completion-token forms of the main operations -----

  template <class CompletionToken>
  auto async_publish(std::string_view subject, std::string_view data, PublishOptions options,
                     CompletionToken&& token) {
    return async_from_coroutine<PubAck>(
        get_executor(),
        [self = *this, subject, data, options]() mutable {
          return self.publish(subject, data, options);
        },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_publish_complete(std::chrono::milliseconds timeout, CompletionToken&& token) {
    return async_from_coroutine<void>(
        get_executor(),
        [self = *this, timeout]() mutable { return self.publish_async_complete(timeout); },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_add_stream(StreamConfig config, CompletionToken&& token) {
    return async_from_coroutine<StreamInfo>(
        get_executor(),
        [self = *this,
         config = std::move(config)]() mutable -> boost::asio::awaitable<JsResult<StreamInfo>> {
          co_return co_await self.add_stream(config);
        },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_stream_info(std::string_view stream, CompletionToken&& token) {
    return async_from_coroutine<StreamInfo>(
        get_executor(), [self = *this, stream]() mutable { return self.stream_info(stream); },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_delete_stream(std::string_view stream, CompletionToken&& token) {
    return async_from_coroutine<void>(
        get_executor(), [self = *this, stream]() mutable { return self.delete_stream(stream); },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_add_consumer(std::string_view stream, ConsumerConfig config, CompletionToken&& token) {
    return async_from_coroutine<ConsumerInfo>(
        get_executor(),
        [self = *this, stream,
         config = std::move(config)]() mutable -> boost::asio::awaitable<JsResult<ConsumerInfo>> {
          co_return co_await self.add_consumer(stream, config);
        },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_get_msg(std::string_view stream, std::uint64_t seq, CompletionToken&& token) {
    return async_from_coroutine<StoredMsg>(
        get_executor(), [self = *this, stream, seq]() mutable { return self.get_msg(stream, seq); },
        std::forward<CompletionToken>(token));
  }

  // ----- building blocks, for the other classes of this package -----

  // A request to "<api_prefix>.<api_subject>" with the context's timeout; the parsed response
  // object, or the API Error it carries (kNotEnabled on no responders).
  boost::asio::awaitable<JsResult<boost::json::object>> api_request(std::string_view api_subject,
                                                                    std::string_view body);

 private:
  std::shared_ptr<internal::ContextState> state_;
};

}  // namespace quiver::client::jetstream
