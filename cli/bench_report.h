// The results of `quiver bench` and their two renderings: natscli's summary lines (the format
// of nats.go's bench package: "Pub stats: 1,234,567 msgs/sec ~ 18.84 MB/sec", a line per
// client, min/avg/max/stddev) plus loss and latency lines, and a JSON object for scripts.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/latency.h"

namespace quiver::cli {

// One publisher, subscriber, requester or responder.
struct ClientSample {
  std::uint64_t msgs = 0;
  std::uint64_t bytes = 0;
  std::chrono::steady_clock::time_point start;  // first message (subscribers) or start
  std::chrono::steady_clock::time_point end;    // last message, or after the final flush

  std::chrono::nanoseconds duration() const noexcept { return end - start; }
  double rate() const noexcept;        // msgs/s; 0 for an empty sample
  double throughput() const noexcept;  // bytes/s
};

// The clients of one side (publishers, subscribers), as nats.go's SampleGroup.
struct SampleGroup {
  std::vector<ClientSample> clients;

  bool empty() const noexcept { return clients.empty(); }
  std::uint64_t msgs() const noexcept;
  std::uint64_t bytes() const noexcept;
  // The earliest start to the latest end among clients that handled messages.
  ClientSample total() const noexcept;
  // Of the clients' rates: min, mean, max, population standard deviation.
  struct Spread {
    double min = 0, avg = 0, max = 0, stddev = 0;
  };
  Spread spread() const noexcept;
};

// How a JetStream run (`bench --js`) published and consumed.
struct JsBenchSettings {
  std::string stream;
  std::string storage;           // file, memory
  std::string publish;           // async, sync; empty without publishers
  std::uint64_t window = 0;      // async: acknowledgements outstanding per publisher
  std::string consumer;          // pull, push; empty without subscribers
  std::uint64_t pull_batch = 0;  // pull: messages requested ahead per subscriber
  bool acks = true;              // subscribers acknowledge every message
};

struct BenchReport {
  std::string kind;  // pub, sub, pubsub, request, reply (with js: JetStream publish/consume)
  std::string subject;
  std::uint64_t msgs = 0;  // messages to publish / requests to send / messages to receive
  std::uint64_t size = 0;
  std::string queue;  // queue group of the subscribers or responders; empty: none

  SampleGroup pubs;  // publishers or requesters
  SampleGroup subs;  // subscribers or responders

  std::uint64_t expected = 0;  // messages the subscribers should have received in total
  std::uint64_t received = 0;  // messages they did receive
  std::uint64_t failed = 0;    // requests without a reply (timeouts, no responders), or
                               // JetStream publishes without an acknowledgement

  std::optional<JsBenchSettings> js;  // set for JetStream runs

  // Publish-to-delivery (pubsub) or round-trip (request) times; empty when not measured.
  LatencyHistogram latency;
  std::string latency_label;  // "publish to delivery", "round trip"
  // JetStream: publish to acknowledgement of every message; empty otherwise.
  LatencyHistogram ack_latency;

  // Missing messages (or unanswered requests).
  std::uint64_t lost() const noexcept;
};

// natscli-style summary, ready to print.
std::string format_text(const BenchReport& report);

// One JSON object and a newline:
// {"kind":...,"subject":...,"msgs":N,"size":N,"pubs":N,"subs":N,"queue":...,
//  "pub":{"msgs","bytes","seconds","msgs_per_s","bytes_per_s","clients":[...]},"sub":{...},
//  "expected","received","lost","failed","latency_us":{"count","min","mean","p50","p90",
//  "p99","p999","max"},"ack_latency_us":{...},"js":{"stream","storage","publish","window",
//  "consumer","pull_batch","acks"}}. "pub"/"sub"/"latency_us"/"ack_latency_us" are null when
//  there is nothing to report, "js" for core NATS runs.
std::string format_json(const BenchReport& report);

}  // namespace quiver::cli
