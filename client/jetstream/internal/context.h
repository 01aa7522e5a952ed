// Shared state behind JetStream handles (internal): the connection, the options and the
// async-publish window. Also helpers shared by the package's .cc files.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "client/connection.h"
#include "client/jetstream/errors.h"
#include "client/jetstream/internal/notifier.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/types.h"
#include "client/subscription.h"

namespace quiver::client::jetstream::internal {

struct ContextState;

struct FutureState {
  std::string subject;
  std::string token;
  std::weak_ptr<ContextState> context;
  std::chrono::steady_clock::time_point deadline;
  mutable std::mutex mu;
  std::optional<JsResult<PubAck>> result;
  Notifier notifier;

  // Only the first result counts (an ack racing the timeout).
  bool set(JsResult<PubAck> r);
};

struct ContextState : std::enable_shared_from_this<ContextState> {
  Connection* connection = nullptr;
  JetStreamOptions options;
  std::string prefix;  // "$JS.API" or "$JS.<domain>.API"

  std::mutex mu;
  enum class SubState { kNone, kSubscribing, kReady } sub_state = SubState::kNone;
  Notifier sub_ready;
  std::string reply_prefix;  // "<inbox>." of the async-publish acknowledgements
  Subscription reply_sub;
  std::uint64_t next_token = 0;
  std::unordered_map<std::string, std::shared_ptr<FutureState>> pending;
  // No deadline in `pending` is earlier than this (it may be earlier than the true minimum
  // after acks): expire_stale() scans only once it has passed, not on every publish.
  std::chrono::steady_clock::time_point earliest_deadline =
      std::chrono::steady_clock::time_point::max();
  Notifier room;  // notified whenever `pending` shrinks

  boost::asio::awaitable<JsResult<void>> ensure_reply_subscription();
  void on_ack(const Message& message);
  void finish(const std::string& token, JsResult<PubAck> result);
  // Fails the pending acknowledgements whose deadline passed, so that a lost acknowledgement
  // cannot hold a slot of the window forever; the earliest remaining deadline.
  std::chrono::steady_clock::time_point expire_stale();
  static PubAckFuture make_future(std::shared_ptr<FutureState> state) {
    return PubAckFuture(std::move(state));
  }
};

// Stream and consumer names may not contain '.', '*', '>' or whitespace.
bool is_valid_name(std::string_view name) noexcept;

// The headers a publish sends: the message's, then `extra`, then the option headers.
codec::Headers publish_headers(const codec::Headers* base, const PublishOptions& options);
bool needs_headers(const codec::Headers* base, const PublishOptions& options);

// The result of a publish acknowledgement message (a 503 means no stream).
JsResult<PubAck> pub_ack_from(const Message& reply);

// A JetStream status message (HMSG with a status code and no payload).
inline bool is_status(const Message& m) {
  return m.has_headers() && m.status() != 0 && m.data().empty();
}

std::string serialize(const boost::json::object& o);

}  // namespace quiver::client::jetstream::internal
