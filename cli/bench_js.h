// quiver bench SUBJECT --js: the JetStream benchmark (natscli's `nats bench --js`).
//
// Publishers publish with acknowledgements: asynchronously with at most --window
// acknowledgements outstanding each (default), or one at a time with --syncpub. Subscribers
// share one durable consumer: --pull (each keeps --pullbatch messages requested ahead) or --push
// (a queue group on the consumer's deliver subject), acknowledging every message unless
// --no-ack. The stream (--stream, file storage unless --storage memory) is created for the run
// and deleted afterwards unless --keep; an existing stream is used as it is and kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/args.h"
#include "client/jetstream/types.h"

namespace quiver::cli {

struct JsBenchConfig {
  std::string subject;
  std::uint64_t pubs = 1;
  std::uint64_t subs = 0;
  std::uint64_t msgs = 100000;
  std::uint64_t size = 128;
  bool json = false;
  bool progress = false;
  std::chrono::nanoseconds stall{};
  int threads = 1;

  std::string stream = "benchstream";
  std::string consumer = "quiver-bench";
  client::jetstream::StorageType storage = client::jetstream::StorageType::kFile;
  bool sync = false;           // --syncpub
  std::uint64_t window = 256;  // async publish window
  bool pull = true;            // false: push
  std::uint64_t pull_batch = 100;
  bool acks = true;
  bool keep = false;
  bool purge = false;

  // "pub", "sub" or "pubsub".
  std::string kind() const;
};

// The flags `--js` adds to bench's own.
std::vector<FlagSpec> js_bench_flags();

// Reads and checks the bench flags of a --js run; UsageError for flags that make no sense
// with JetStream (--request, --reply, --queue) or each other (--pull and --push).
JsBenchConfig parse_js_bench_config(const ParsedArgs& args);

int run_js_bench(const ParsedArgs& args);

}  // namespace quiver::cli
