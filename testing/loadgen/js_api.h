// The JetStream API messages the load generator sends and the replies it reads: API subjects,
// stream and consumer create bodies, pull requests, publish acks and consumer info. Bodies are
// built by hand in a fixed field order so tests can pin the exact bytes. Publish acks arrive at
// hundreds of thousands per second, so they are scanned rather than parsed; the rare API replies
// are parsed with Boost.JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quiver::loadgen::js {

std::string stream_create_subject(std::string_view stream);  // $JS.API.STREAM.CREATE.<s>
std::string stream_delete_subject(std::string_view stream);  // $JS.API.STREAM.DELETE.<s>
// The named-consumer form nats.go uses with 2.9+ servers: $JS.API.CONSUMER.CREATE.<s>.<c>.
std::string consumer_create_subject(std::string_view stream, std::string_view consumer);
std::string consumer_info_subject(std::string_view stream, std::string_view consumer);
std::string consumer_delete_subject(std::string_view stream, std::string_view consumer);
std::string msg_next_subject(std::string_view stream, std::string_view consumer);

// A file-backed stream bound to one subject, everything else left to the server's defaults:
// {"name":"S","subjects":["a.b"],"storage":"file","num_replicas":1}
std::string stream_create_body(std::string_view stream, std::string_view subject);

struct ConsumerSpec {
  std::string durable;
  std::string deliver_subject;  // empty: a pull consumer
  std::string ack_policy = "explicit";
  uint64_t start_seq = 0;  // 0: deliver_policy "all"; otherwise "by_start_sequence" from here
  int64_t max_ack_pending = 20'000;
};

// {"stream_name":"S","config":{"durable_name":"d","deliver_policy":"all","ack_policy":"explicit",
//  "max_ack_pending":20000,"replay_policy":"instant"[,"deliver_subject":"x"]}}
std::string consumer_create_body(std::string_view stream, const ConsumerSpec& spec);

// {"batch":N}: no expiry and no no_wait, so the request waits until N messages have come.
std::string msg_next_body(uint64_t batch);

// The error of an API reply, if it carries one ({"error":{"code":..,"err_code":..,
// "description":..}}). Replies that are not JSON objects count as errors too.
struct ApiError {
  int64_t code = 0;
  int64_t err_code = 0;
  std::string description;
};
std::optional<ApiError> api_error(std::string_view reply);
std::string to_string(const ApiError& e);

// err_code 10058: "stream name already in use with a different configuration".
inline constexpr int64_t kStreamNameInUse = 10058;

// A publish ack: {"stream":"S","seq":N} (2.9 writes a blank after the comma) or an error.
struct PubAck {
  bool ok = false;
  uint64_t seq = 0;
  std::string error;  // set when !ok: the error's description, or the whole reply
};
PubAck parse_pub_ack(std::string_view reply);

// The counters of a CONSUMER.INFO reply that tell whether every delivery was acknowledged.
struct ConsumerState {
  uint64_t num_ack_pending = 0;
  uint64_t num_pending = 0;
  uint64_t delivered_consumer_seq = 0;
  uint64_t ack_floor_consumer_seq = 0;
};
std::optional<ConsumerState> parse_consumer_info(std::string_view reply);

}  // namespace quiver::loadgen::js
