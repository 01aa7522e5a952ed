#include "bindings/python/js_ops.h"

#include <boost/asio/error.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include "client/errors.h"

namespace quiver::bindings {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// JSON

std::string json_of(const js::StreamInfo& v) { return json::serialize(js::to_json(v)); }
std::string json_of(const js::ConsumerInfo& v) { return json::serialize(js::to_json(v)); }
std::string json_of(const js::AccountInfo& v) { return json::serialize(js::to_json(v)); }
std::string json_of(const js::ObjectInfo& v) { return json::serialize(js::to_json(v)); }

std::string json_of(const js::KeyValueStatus& v) {
  json::object o;
  o["bucket"] = v.bucket;
  o["values"] = v.values;
  o["history"] = v.history;
  o["ttl"] = v.ttl.count();
  o["bytes"] = v.bytes;
  o["stream_info"] = js::to_json(v.stream_info);
  return json::serialize(o);
}

namespace {

template <class T>
std::string json_array(const std::vector<T>& items) {
  json::array a;
  a.reserve(items.size());
  for (const auto& item : items) a.emplace_back(js::to_json(item));
  return json::serialize(a);
}

}  // namespace

std::string json_of(const std::vector<js::StreamInfo>& v) { return json_array(v); }
std::string json_of(const std::vector<js::ConsumerInfo>& v) { return json_array(v); }
std::string json_of(const std::vector<js::ObjectInfo>& v) { return json_array(v); }

// ---------------------------------------------------------------------------------------------
// Outcomes

OpDone done_of(const Bridge& bridge, std::uint64_t id, std::exception_ptr e, JsOutcome outcome) {
  OpDone done;
  done.op = id;
  const auto closed_by_shutdown = [&bridge](OpDone& d) {
    const bool aborted =
        d.error == std::errc::operation_canceled ||
        d.error == std::error_code(boost::system::error_code(asio::error::operation_aborted));
    if (aborted && bridge.shutting_down()) {
      d.error = client::errc::kConnectionClosed;
      d.description.clear();
    }
  };
  if (e) {
    // Cancellation surfaces as an exception thrown at the coroutine's next wait.
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& error) {
      done.error = error.code();
      if (error.code() != boost::system::error_code(asio::error::operation_aborted)) {
        done.description = error.what();
      }
    } catch (const std::exception& error) {
      done.error = client::errc::kInvalidState;
      done.description = error.what();
    }
    closed_by_shutdown(done);
    return done;
  }
  done.value = std::move(outcome.value);
  if (outcome.error) {
    done.error = outcome.error->code;
    done.api_status = outcome.error->status;
    done.api_err_code = outcome.error->err_code;
    done.description = std::move(outcome.error->description);
  }
  closed_by_shutdown(done);
  return done;
}

// ---------------------------------------------------------------------------------------------
// Consumers

awaitable<JsOutcome> fetch(js::PullConsumer consumer, std::size_t batch, milliseconds timeout,
                           milliseconds heartbeat) {
  js::FetchOptions now;
  now.no_wait = true;
  auto first = co_await consumer.fetch(batch, now);
  if (!first) co_return outcome_of(std::move(first));
  if (!first.value().empty()) {
    MsgBatch b;
    b.messages = std::move(first).value();
    co_return JsOutcome{std::move(b), std::nullopt};
  }
  js::FetchOptions wait;
  wait.expires = timeout;
  // The server wants the heartbeat under half the expiry; nats-py drops it otherwise too.
  if (heartbeat.count() > 0 && heartbeat * 2 < timeout) wait.heartbeat = heartbeat;
  auto second = co_await consumer.fetch(batch, wait);
  if (!second) co_return outcome_of(std::move(second));
  if (second.value().empty()) {
    co_return JsOutcome{{}, js::Error(client::errc::kTimeout)};
  }
  MsgBatch b;
  b.messages = std::move(second).value();
  co_return JsOutcome{std::move(b), std::nullopt};
}

namespace {

template <class Consumer>
awaitable<JsOutcome> next_batch_of(Consumer consumer, std::size_t max, milliseconds timeout) {
  auto first = co_await consumer.next(timeout);
  if (!first) co_return JsOutcome{{}, std::move(first).error()};
  MsgBatch b;
  b.messages.push_back(std::move(first).value());
  while (b.messages.size() < max) {
    // A zero wait only takes what already arrived.
    auto more = co_await consumer.next(milliseconds(0));
    if (!more) {
      if (more.error() != client::errc::kTimeout) b.error = std::move(more).error();
      break;
    }
    b.messages.push_back(std::move(more).value());
  }
  co_return JsOutcome{std::move(b), std::nullopt};
}

}  // namespace

awaitable<JsOutcome> next_batch(js::PushSubscription sub, std::size_t max, milliseconds timeout) {
  co_return co_await next_batch_of(std::move(sub), max, timeout);
}

awaitable<JsOutcome> next_batch(js::OrderedConsumer consumer, std::size_t max,
                                milliseconds timeout) {
  co_return co_await next_batch_of(std::move(consumer), max, timeout);
}

awaitable<JsOutcome> next_entries(js::KeyWatcher watcher, std::size_t max, milliseconds timeout) {
  auto first = co_await watcher.next(timeout);
  if (!first) co_return JsOutcome{{}, std::move(first).error()};
  EntryBatch b;
  b.entries.push_back(std::move(first).value());
  while (b.entries.size() < max) {
    auto more = co_await watcher.next(milliseconds(0));
    if (!more) {
      if (more.error() != client::errc::kTimeout) b.error = std::move(more).error();
      break;
    }
    b.entries.push_back(std::move(more).value());
  }
  co_return JsOutcome{std::move(b), std::nullopt};
}

// ---------------------------------------------------------------------------------------------
// Key/Value and object stores

awaitable<JsOutcome> kv_get(js::JetStream jetstream, js::KeyValue kv, std::string key,
                            std::uint64_t revision) {
  js::JsResult<js::Entry> entry = js::Error(js::errc::kKeyNotFound);
  if (revision == 0) {
    entry = co_await kv.get(key);
  } else {
    entry = co_await kv.get_revision(key, revision);
  }
  if (entry || entry.error() != js::errc::kKeyNotFound) co_return outcome_of(std::move(entry));
  // KeyValue::get does not tell a deleted key from one never set; the last message does.
  const std::string subject = "$KV." + kv.bucket() + "." + key;
  js::JsResult<js::StoredMsg> last = js::Error(js::errc::kMessageNotFound);
  if (revision == 0) {
    last = co_await jetstream.get_last_msg(kv.stream(), subject);
  } else {
    last = co_await jetstream.get_msg(kv.stream(), revision);
  }
  JsOutcome out{{}, std::move(entry).error()};
  if (last && last.value().subject == subject) {
    const js::KeyValueOp op = js::key_value_operation(last.value().headers);
    if (op != js::KeyValueOp::kPut) {
      js::Entry marker;
      marker.bucket = kv.bucket();
      marker.key = key;
      marker.revision = last.value().seq;
      marker.created = last.value().time;
      marker.operation = op;
      out.value = std::move(marker);
    }
  }
  co_return out;
}

awaitable<JsOutcome> object_get(js::ObjectStore store, std::string name,
                                milliseconds chunk_timeout) {
  auto reader = co_await store.get(name);
  if (!reader) co_return JsOutcome{{}, std::move(reader).error()};
  auto data = co_await reader.value().read_all(chunk_timeout);
  co_await reader.value().close();
  if (!data) co_return JsOutcome{{}, std::move(data).error()};
  ObjectData out;
  out.info = json_of(reader.value().info());
  out.data = std::move(data).value();
  co_return JsOutcome{std::move(out), std::nullopt};
}

// ---------------------------------------------------------------------------------------------
// Asynchronous publishing

namespace {

awaitable<void> run_publish_async(Bridge& bridge, std::uint64_t accepted, std::uint64_t acked,
                                  js::JetStream jetstream, std::string subject, std::string data,
                                  std::optional<codec::Headers> headers,
                                  std::string expected_stream, milliseconds ack_timeout) {
  js::PublishOptions options;
  options.headers = headers ? &*headers : nullptr;
  options.expected_stream = expected_stream;
  auto future = co_await jetstream.publish_async(subject, data, options);
  if (!future) {
    bridge.outbox().post(done_of(bridge, accepted, nullptr, JsOutcome{{}, future.error()}));
    bridge.outbox().post(done_of(bridge, acked, nullptr, JsOutcome{{}, std::move(future).error()}));
    co_return;
  }
  bridge.outbox().post(done_of(bridge, accepted, nullptr, JsOutcome{Unit{}, std::nullopt}));
  auto ack = co_await future.value().get(ack_timeout);
  bridge.outbox().post(done_of(bridge, acked, nullptr, outcome_of(std::move(ack))));
}

}  // namespace

AsyncPublish publish_async(Bridge& bridge, js::JetStream jetstream, std::string subject,
                           std::string data, std::optional<codec::Headers> headers,
                           std::string expected_stream, milliseconds ack_timeout) {
  AsyncPublish ids;
  ids.accepted = bridge.next_op();
  ids.acked = bridge.next_op();
  asio::post(bridge.executor(), [&bridge, ids, jetstream = std::move(jetstream),
                                 subject = std::move(subject), data = std::move(data),
                                 headers = std::move(headers),
                                 expected_stream = std::move(expected_stream),
                                 ack_timeout]() mutable {
    // Cancellable through the `accepted` id (a stalled window); shutdown cancels it too.
    auto signal = std::make_shared<asio::cancellation_signal>();
    bridge.track_cancel(ids.accepted, signal);
    // The bridge owns the I/O thread and outlives every coroutine it runs (it joins them on
    // shutdown), so the handler may refer to it.
    asio::co_spawn(  // qv-lint: allow(co-spawn-ref)
        bridge.executor(),
        run_publish_async(bridge, ids.accepted, ids.acked, std::move(jetstream), std::move(subject),
                          std::move(data), std::move(headers), std::move(expected_stream),
                          ack_timeout),
        asio::bind_cancellation_slot(signal->slot(), [&bridge, ids, signal](std::exception_ptr e) {
          bridge.untrack_cancel(ids.accepted);
          if (e) {
            // Both ids: Python ignores the one already resolved.
            bridge.outbox().post(done_of(bridge, ids.accepted, e, {}));
            bridge.outbox().post(done_of(bridge, ids.acked, e, {}));
          }
        }));
  });
  return ids;
}

}  // namespace quiver::bindings
