// The JetStream half of the bridge, still without Python: runs client/jetstream operations on the
// Bridge's I/O thread and hands their outcomes to the Outbox as OpDone{value, error}, exactly
// like the core operations, so the loop resolves one future per operation.
//
// Values are client/jetstream results and handles (PubAck, Entry, KeyValue, ...) or the small
// structs below; module.cc turns them into Python objects on the loop thread. Management
// results (StreamInfo, ConsumerInfo, ...) travel as the API's own JSON, which the Python side
// reads into nats-py's dataclasses.
//
// Operations started here can be cancelled with Bridge::cancel(id), and Bridge::shutdown()
// cancels those still running, so that a close never waits for a JetStream timeout.
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "bindings/python/bridge.h"
#include "client/jetstream/consumer.h"
#include "client/jetstream/errors.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/kv.h"
#include "client/jetstream/message.h"
#include "client/jetstream/object_store.h"
#include "client/jetstream/types.h"

namespace quiver::bindings {

namespace js = client::jetstream;

// JsResult<void>'s value.
struct Unit {};

// An API object (or array of them) as JSON text.
struct JsonText {
  std::string text;
};

// Messages of a consumer, and what ended the batch early (after them), if anything.
struct MsgBatch {
  std::vector<js::JsMsg> messages;
  std::optional<js::Error> error;
};

// Watcher entries; nullopt is the "initial values done" marker.
struct EntryBatch {
  std::vector<std::optional<js::Entry>> entries;
  std::optional<js::Error> error;
};

// An object read whole: its info (JSON) and its bytes.
struct ObjectData {
  std::string info;
  std::string data;
};

struct JsOutcome {
  std::any value;  // may be set along with `error` (a KV delete marker with kKeyNotFound)
  std::optional<js::Error> error;
};

// JSON text of the management types.
std::string json_of(const js::StreamInfo& v);
std::string json_of(const js::ConsumerInfo& v);
std::string json_of(const js::AccountInfo& v);
std::string json_of(const js::ObjectInfo& v);
std::string json_of(const js::KeyValueStatus& v);
std::string json_of(const std::vector<js::StreamInfo>& v);
std::string json_of(const std::vector<js::ConsumerInfo>& v);
std::string json_of(const std::vector<js::ObjectInfo>& v);

namespace internal {
template <class T>
concept HasJson = requires(const T& t) {
  { json_of(t) } -> std::same_as<std::string>;
};
}  // namespace internal

template <class T>
JsOutcome outcome_of(js::JsResult<T> r) {
  JsOutcome out;
  if (!r) {
    out.error = std::move(r).error();
  } else if constexpr (std::is_void_v<T>) {
    out.value = Unit{};
  } else if constexpr (internal::HasJson<T>) {
    out.value = JsonText{json_of(r.value())};
  } else {
    out.value = std::move(r).value();
  }
  return out;
}

// The OpDone of operation `id`. An operation aborted by Bridge::shutdown() failed with
// client::errc::kConnectionClosed, like everything else the close ended.
OpDone done_of(const Bridge& bridge, std::uint64_t id, std::exception_ptr e, JsOutcome outcome);

// Starts `factory()`, which returns awaitable<JsOutcome>, on the bridge's I/O thread. Whatever
// `factory` captures lives until the operation completes.
template <class Factory>
std::uint64_t spawn_js(Bridge& bridge, Factory factory) {
  const std::uint64_t id = bridge.next_op();
  // On the I/O thread, where cancellation signals are emitted.
  boost::asio::post(bridge.executor(), [&bridge, id, factory = std::move(factory)]() mutable {
    auto signal = std::make_shared<boost::asio::cancellation_signal>();
    bridge.track_cancel(id, signal);
    boost::asio::co_spawn(
        bridge.executor(),
        [factory = std::move(factory)]() mutable -> boost::asio::awaitable<JsOutcome> {
          JsOutcome out = co_await factory();
          co_return out;
        },
        boost::asio::bind_cancellation_slot(
            signal->slot(), [&bridge, id, signal](std::exception_ptr e, JsOutcome out) {
              bridge.untrack_cancel(id);
              bridge.outbox().post(done_of(bridge, id, e, std::move(out)));
            }));
  });
  return id;
}

// The same for a factory that returns awaitable<JsResult<T>>.
template <class Factory>
std::uint64_t spawn_result(Bridge& bridge, Factory factory) {
  return spawn_js(bridge,
                  [factory = std::move(factory)]() mutable -> boost::asio::awaitable<JsOutcome> {
                    auto r = co_await factory();
                    co_return outcome_of(std::move(r));
                  });
}

// ----- composite operations -----

// nats-py's fetch: the messages available now (a no_wait pull); when there are none, waits up to
// `timeout` for `batch` messages. client::errc::kTimeout when nothing came. Value: MsgBatch.
boost::asio::awaitable<JsOutcome> fetch(js::PullConsumer consumer, std::size_t batch,
                                        std::chrono::milliseconds timeout,
                                        std::chrono::milliseconds heartbeat);

// Up to `max` messages: waits up to `timeout` for the first, then takes those already there.
// The first failure is the outcome's error; a later one ends the batch (MsgBatch::error).
boost::asio::awaitable<JsOutcome> next_batch(js::PushSubscription sub, std::size_t max,
                                             std::chrono::milliseconds timeout);
boost::asio::awaitable<JsOutcome> next_batch(js::OrderedConsumer consumer, std::size_t max,
                                             std::chrono::milliseconds timeout);
// The same for a KV watcher (EntryBatch).
boost::asio::awaitable<JsOutcome> next_entries(js::KeyWatcher watcher, std::size_t max,
                                               std::chrono::milliseconds timeout);

// KeyValue::get (revision 0) or get_revision. When the key's value is a delete or purge marker,
// the outcome is kKeyNotFound with that marker (an Entry) as its value, for nats-py's
// KeyNotFoundError(entry, op).
boost::asio::awaitable<JsOutcome> kv_get(js::JetStream jetstream, js::KeyValue kv, std::string key,
                                         std::uint64_t revision);

// The object's info and bytes (digest verified). Value: ObjectData.
boost::asio::awaitable<JsOutcome> object_get(js::ObjectStore store, std::string name,
                                             std::chrono::milliseconds chunk_timeout);

// publish_async: `accepted` completes (Unit) once the message is in the context's window or
// failed (kTooManyStalled); `acked` with its PubAck, or the error, within `ack_timeout`.
struct AsyncPublish {
  std::uint64_t accepted = 0;
  std::uint64_t acked = 0;
};
AsyncPublish publish_async(Bridge& bridge, js::JetStream jetstream, std::string subject,
                           std::string data, std::optional<codec::Headers> headers,
                           std::string expected_stream, std::chrono::milliseconds ack_timeout);

}  // namespace quiver::bindings
