// A message delivered by a JetStream consumer, its metadata and its acknowledgements.
//
// The server sends consumer messages with a reply subject that encodes where they come from:
//   $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts ns>.<pending>
// (or, from servers with the v2 format, $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.
// <delivered>.<stream seq>.<consumer seq>.<ts ns>.<pending>[.<token>]). parse_metadata() reads
// both. Acknowledging publishes to that reply subject:
//
//   JsMsg m = (co_await consumer.next()).value();
//   m.ack();                          // "+ACK", fire and forget
//   co_await m.ack_sync();            // "+ACK" as a request: the server confirms (double ack)
//   m.nak(std::chrono::seconds(5));   // "-NAK {"delay":5000000000}": redeliver later
//   m.in_progress();                  // "+WPI": restart the ack timer
//   m.term();                         // "+TERM": never redeliver
//
// A JsMsg refers to the Connection it came from, which must outlive it. Copies share the
// "acknowledged" state, so a message cannot be acked twice through copies either.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/asio/awaitable.hpp>

#include "client/jetstream/errors.h"
#include "client/jetstream/types.h"
#include "client/message.h"
#include "common/result.h"

namespace quiver::client {
class Connection;
}

namespace quiver::client::jetstream {

struct Metadata {
  std::string domain;  // empty unless the v2 ack format names one
  std::string stream;
  std::string consumer;
  std::uint64_t num_delivered = 0;
  std::uint64_t stream_seq = 0;
  std::uint64_t consumer_seq = 0;
  Time timestamp{};
  std::uint64_t num_pending = 0;
  friend bool operator==(const Metadata&, const Metadata&) = default;
};

// Fails with errc::kNotJetStreamMessage when `reply` is not a JetStream ack subject.
Result<Metadata> parse_metadata(std::string_view reply);

class JsMsg {
 public:
  JsMsg() = default;
  JsMsg(Message message, Connection* connection);

  const Message& message() const noexcept { return message_; }
  std::string_view subject() const noexcept { return message_.subject(); }
  std::string_view reply() const noexcept { return message_.reply(); }
  std::string_view data() const noexcept { return message_.data(); }
  const codec::Headers& headers() const noexcept { return message_.headers(); }

  Result<Metadata> metadata() const { return parse_metadata(message_.reply()); }

  // Fire-and-forget acknowledgements; they return what Connection::publish returns, or
  // errc::kAlreadyAcked / kNotJetStreamMessage.
  std::error_code ack();
  std::error_code nak();
  std::error_code nak(std::chrono::nanoseconds delay);
  std::error_code in_progress();  // may be sent any number of times before the final ack
  std::error_code term(std::string_view reason = {});

  // "+ACK" as a request; completes once the server confirmed it (its reply is empty).
  boost::asio::awaitable<JsResult<void>> ack_sync(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));

  bool acked() const noexcept { return state_ && state_->load(); }

 private:
  std::error_code send(std::string_view payload, bool final);

  Message message_;
  Connection* connection_ = nullptr;
  std::shared_ptr<std::atomic<bool>> state_;
};

}  // namespace quiver::client::jetstream
