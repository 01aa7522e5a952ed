// JetStream workloads, spoken in raw protocol on one connection like the core modes:
//   js-pub           create (or reuse) a file stream and publish N messages with acks, at most
//                    `window` un-acked at a time (nats.go's PublishAsync with its max pending);
//   js-consume-pull  fill the stream the same way (or use what it holds), then drain it through
//                    a durable pull consumer with pipelined MSG.NEXT requests, acking each message;
//   js-consume-push  the same through a durable push consumer.
// Consumers use explicit acks, as nats bench does by default; each ack is a plain "+ACK" publish
// without confirmation. The consumer is deleted at the end, the stream too unless `keep`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "testing/loadgen/modes.h"
#include "testing/loadgen/stats.h"

namespace quiver::loadgen {

struct JsOptions {
  Mode mode = Mode::kJsPub;
  uint64_t msgs = 100'000;
  std::size_t size = 16;
  std::string stream = "LOADGEN";
  std::string subject = "lg.js";
  uint64_t window = 256;                // publish: most acks outstanding
  std::size_t batch_bytes = 64 * 1024;  // publish: most bytes of PUBs per write
  uint64_t batch = 256;                 // pull: messages per MSG.NEXT request (2 outstanding)
  int64_t max_ack_pending = 20'000;     // consumers: above the in-flight count, so never the limit
  bool fill = true;                     // consume modes: publish `msgs` first
  bool keep = false;                    // leave the stream in place at the end
  int timeout_ms = 10'000;              // longest wait for any one ack, message or API reply
};

struct JsResult {
  JsOptions options;
  // Publishing (js-pub, and the fill of the consume modes).
  uint64_t published = 0;
  uint64_t acked = 0;       // successful acks, each message once
  uint64_t ack_errors = 0;  // acks carrying an error, and 503 no-responder statuses
  uint64_t ack_duplicates = 0;
  double pub_seconds = 0;  // first write → last ack
  Percentiles ack_latency_ns;
  uint64_t first_seq = 0;  // stream sequence of the first message published
  // Consuming.
  uint64_t consumed = 0;  // data messages received, redeliveries included
  uint64_t consume_duplicates = 0;
  uint64_t status_msgs = 0;      // header-only status messages (408, 409, heartbeats, ...)
  std::string first_status;      // e.g. "NATS/1.0 409 Exceeded MaxWaiting"
  double consume_seconds = 0;    // first MSG.NEXT / consumer create → last message
  int64_t ack_pending_end = -1;  // the consumer's num_ack_pending at the end; -1: not read
  // Verdict.
  uint64_t lost = 0;  // messages not acked by the stream (js-pub) or never consumed
  std::vector<std::string> errors;
};

JsResult run_js(const Target& target, const JsOptions& options);
std::string to_json(const JsResult& result);

}  // namespace quiver::loadgen
