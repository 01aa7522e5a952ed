// The load generator's workloads. Each runs against a broker at `Target`, measures, and returns a
// result whose to_json() is the one line the binary prints. Setup or run failures never throw:
// they end up in `errors`, and messages that did not arrive are counted as lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "testing/loadgen/connection.h"
#include "testing/loadgen/stats.h"

namespace quiver::loadgen {

struct Target {
  std::string host = "127.0.0.1";
  uint16_t port = 4222;
};

enum class Mode : uint8_t {
  kPub,
  kPubSub,
  kFanout,
  kQueue,
  kReqRep,
  kIdle,
  kSubjects,
  kJsPub,          // JetStream publish with acks (js_modes.h)
  kJsConsumePull,  // JetStream durable pull consumer
  kJsConsumePush,  // JetStream durable push consumer
};

std::string_view mode_name(Mode mode) noexcept;
std::optional<Mode> parse_mode(std::string_view name) noexcept;

// pub, pubsub, fanout, queue and subjects: publishers stream PUBs, subscribers count.
struct DeliveryOptions {
  Mode mode = Mode::kPubSub;
  uint64_t msgs = 1'000'000;
  std::size_t size = 16;
  int publishers = 1;   // more than one only for kPub
  int subscribers = 1;  // kPub: 0; kPubSub: 1; fanout: K; queue: group members; subjects: W
  uint64_t distinct_subjects = 1'000'000;  // kSubjects: message i goes to "s.<i % D>.x"
  std::size_t batch_bytes = 64 * 1024;     // bytes of PUBs per write
  // Flow control: the publisher pauses while more than this many MSG bytes are published but
  // not yet received by the slowest subscriber, so a run measures sustained throughput instead
  // of ending in a slow-consumer disconnect. 0 disables it (nats-bench behaviour).
  std::size_t window_bytes = 16 * 1024 * 1024;
  int quiet_ms = 5000;  // a subscriber gives up after this long without data at the end
};

struct DeliveryResult {
  DeliveryOptions options;
  uint64_t published = 0;
  double pub_seconds = 0;  // first write → the publishers' flush PONG
  uint64_t expected = 0;   // deliveries a correct broker makes
  uint64_t delivered = 0;  // MSGs received, all subscribers together
  uint64_t lost = 0;       // expected messages never received
  uint64_t duplicates = 0;
  uint64_t out_of_order = 0;   // per subscriber, seq not above the previous one
  double deliver_seconds = 0;  // first write → last MSG received
  uint64_t window_waits = 0;   // times the publisher paused for the window
  std::vector<uint64_t> per_subscriber;
  std::vector<std::string> errors;
};

DeliveryResult run_delivery(const Target& target, const DeliveryOptions& options);
std::string to_json(const DeliveryResult& result);

// Sequential request/reply: one responder connection, one requester connection; the requester
// sends a request, waits for its reply on a wildcard inbox subscription, and repeats.
struct ReqRepOptions {
  uint64_t requests = 0;  // 0: run for `seconds`
  double seconds = 10;
  std::size_t size = 16;
  uint64_t warmup = 1000;  // requests before measuring (not reported)
  int timeout_ms = 5000;   // per request
};

struct ReqRepResult {
  ReqRepOptions options;
  uint64_t completed = 0;
  double seconds = 0;
  Percentiles latency_ns;
  uint64_t stray_replies = 0;  // replies for another request than the outstanding one
  std::vector<std::string> errors;
};

ReqRepResult run_reqrep(const Target& target, const ReqRepOptions& options);
std::string to_json(const ReqRepResult& result);

// Idle connections: each sends CONNECT, one SUB and a PING and waits for the PONG. They stay
// open in `keep` so the caller can measure the broker's memory while they exist.
struct IdleOptions {
  int conns = 10'000;
  bool hold = true;  // the binary waits for stdin EOF before closing them
};

struct IdleResult {
  IdleOptions options;
  int opened = 0;
  uint64_t nofile_limit = 0;
  double seconds = 0;
  std::vector<std::string> errors;
};

IdleResult open_idle(const Target& target, const IdleOptions& options,
                     std::vector<Connection>& keep);
std::string to_json(const IdleResult& result);

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit now in force.
uint64_t raise_nofile_limit() noexcept;

}  // namespace quiver::loadgen
