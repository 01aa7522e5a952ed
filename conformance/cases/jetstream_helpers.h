// Helpers shared by the JetStream area files: a raw $JS.API requester, memory streams with
// unique names that delete themselves, consumers and pull requests, JSON field checks with
// exact error codes and descriptions, status-message checks and the ack reply subject layout.
//
// Every JetStream case runs on the shared main broker, so every stream gets a unique name
// (and captures "<name>.>"), which keeps cases independent of each other and of leftovers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "codec/headers.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance::js {

inline const Requirements kJetStream{.jetstream = true};
inline const Requirements kJetStreamHeaders{.headers = true, .jetstream = true};

constexpr int64_t kNanosPerMs = 1000 * 1000;

// ---- JSON

boost::json::value parse_json(std::string_view text, std::string_view what);
std::string show(const boost::json::value& v);
// The member `key` of object `v`, or nullptr.
const boost::json::value* field(const boost::json::value& v, std::string_view key);
// The member `key`; fails the case when it is missing.
const boost::json::value& member(const boost::json::value& v, std::string_view key);
int64_t int_at(const boost::json::value& v, std::string_view key);
std::string string_at(const boost::json::value& v, std::string_view key);
bool bool_at(const boost::json::value& v, std::string_view key);
// Fails unless `v` has no member `key` (Go's omitempty fields).
void check_absent(const boost::json::value& v, std::string_view key);
void check_no_error(const boost::json::value& v, std::string_view what);
// `v` carries "error":{"code":code,"err_code":err_code,"description":description}.
void check_api_error(const boost::json::value& v, int64_t code, int64_t err_code,
                     std::string_view description);
// The strings of the array member `key`.
std::vector<std::string> strings_at(const boost::json::value& v, std::string_view key);

// ---- ops

// The next op that is not a PING; PINGs are answered. nats-server pings every client about
// 2 s after it connects (to measure RTT), which can land in the middle of a longer case.
ServerOp next_op(Connection& c, std::string_view what,
                 std::optional<milliseconds> timeout = std::nullopt);
// Nothing but PINGs arrives for `window`.
void expect_quiet(Connection& c, milliseconds window);
// The header block of an HMSG; fails for a MSG or a block that does not parse.
codec::Headers headers_of(const ServerOp& op);
// An HMSG with an empty payload whose status line is "<code> <description>".
void check_status(const ServerOp& op, int code, std::string_view description);

// The tokens of a JetStream ack reply subject (v1: 9 tokens).
struct AckReply {
  std::string stream;
  std::string consumer;
  uint64_t delivered = 0;
  uint64_t stream_seq = 0;
  uint64_t consumer_seq = 0;
  uint64_t timestamp = 0;
  uint64_t pending = 0;
};
AckReply parse_ack_reply(std::string_view reply);

// ---- requests

// A connection for $JS.API requests with its own inbox subscription (sid "inbox"): replies,
// pull deliveries and status messages for this requester all arrive on it, in order.
class Api {
 public:
  explicit Api(CaseContext& ctx);

  // A fresh reply subject under this requester's inbox.
  std::string inbox();
  // Sends a request and returns the reply, which must arrive on its reply subject.
  ServerOp request_op(std::string_view subject, std::string_view payload,
                      std::string_view headers = "");
  // request_op() and its JSON body.
  boost::json::value request(std::string_view subject, std::string_view payload,
                             std::string_view headers = "");
  // Sends with a reply subject and checks that no reply arrives within `window`.
  void expect_no_reply(std::string_view subject, std::string_view payload, milliseconds window);
  // Publishes without waiting for anything (acks, pull requests).
  void publish(std::string_view subject, std::string_view payload, std::string_view reply = "");

  // The next op for this connection (PINGs answered).
  ServerOp next(std::string_view what, std::optional<milliseconds> timeout = std::nullopt);
  // The next op, which must be a message delivered to the inbox subscription.
  ServerOp next_delivery(std::string_view what, std::optional<milliseconds> timeout = std::nullopt);

  Connection& conn() { return conn_; }
  CaseContext& ctx() { return ctx_; }

 private:
  CaseContext& ctx_;
  Connection conn_;
  std::string inbox_;
  int n_ = 0;
};

// A unique stream-style name: letters, digits and '_' only.
std::string unique_name(const CaseContext& ctx, std::string_view prefix);

// A memory stream with a unique name capturing "<name>.>", created on construction (the case
// fails if that fails) and deleted on destruction. `extra` adds members to the config JSON,
// e.g. R"("max_msgs":3,"discard":"new")".
class Stream {
 public:
  Stream(CaseContext& ctx, Api& api, std::string_view extra = "");
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();

  const std::string& name() const { return name_; }
  std::string subject(std::string_view suffix) const { return name_ + "." + std::string(suffix); }
  // The create response.
  const boost::json::value& created() const { return created_; }

  // STREAM.INFO with an optional request body; the "state" member of it.
  boost::json::value info(std::string_view request = "");
  boost::json::value state(std::string_view request = "");
  // Publishes to "<name>.<suffix>" with a reply and returns the PubAck JSON.
  boost::json::value publish(std::string_view suffix, std::string_view payload,
                             std::string_view headers = "");
  // publish() that must succeed with sequence `seq`.
  void publish_ok(std::string_view suffix, std::string_view payload, int64_t seq);

  // CONSUMER.DURABLE.CREATE with `config` members (durable_name and stream_name are added);
  // returns the response.
  boost::json::value add_consumer(std::string_view durable, std::string_view config);
  // add_consumer() that must succeed.
  void add_consumer_ok(std::string_view durable, std::string_view config);
  boost::json::value consumer_info(std::string_view consumer);
  // Sends CONSUMER.MSG.NEXT for `consumer` with `request` and returns the reply subject.
  std::string pull(std::string_view consumer, std::string_view request);

 private:
  Api& api_;
  std::string name_;
  boost::json::value created_;
};

}  // namespace quiver::conformance::js
