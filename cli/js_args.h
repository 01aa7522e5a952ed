// The JetStream flags of quiver's stream, consumer, kv and object commands, and their
// translation into client::jetstream configurations, natscli's spelling: `--storage file`,
// `--retention workqueue`, `--max-bytes 1GiB`, `--max-age 1d`, `--deliver-policy new`,
// `--ack explicit`, ... Pure: nothing here talks to a server.
//
//   StreamConfig cfg;  cfg.name = "ORDERS";
//   apply_stream_flags(args, cfg);    // only the flags that were given change cfg
//
// Malformed values throw UsageError naming the flag.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"
#include "client/jetstream/kv.h"
#include "client/jetstream/object_store.h"
#include "client/jetstream/types.h"

namespace quiver::cli {

namespace jetstream = client::jetstream;

// "a,b" and repeated flags: every non-empty comma-separated item of every value, in order.
std::vector<std::string> split_list(const std::vector<std::string>& values);

// Enum values, case-insensitive; `flag` names the flag in the error.
jetstream::StorageType parse_storage(std::string_view flag, std::string_view text);  // file, memory
jetstream::RetentionPolicy parse_retention(std::string_view flag,
                                           std::string_view text);  // limits, ...
jetstream::DiscardPolicy parse_discard(std::string_view flag, std::string_view text);  // old, new
jetstream::AckPolicy parse_ack_policy(std::string_view flag, std::string_view text);   // none, ...
jetstream::ReplayPolicy parse_replay(std::string_view flag,
                                     std::string_view text);  // instant, original

// A limit: "-1" or "unlimited" give -1, otherwise a count (sizes: with a unit, "1GiB").
std::int64_t parse_count_limit(std::string_view flag, std::string_view text);
std::int64_t parse_size_limit(std::string_view flag, std::string_view text);

// A duration as natscli's --max-age takes it: Go durations ("90s", "1h30m") plus whole days,
// weeks and years ("7d", "2w", "1y"); "0", "-1" and "unlimited" are 0 (no limit).
std::chrono::nanoseconds parse_age(std::string_view flag, std::string_view text);

struct DeliverStart {
  jetstream::DeliverPolicy policy = jetstream::DeliverPolicy::kAll;
  std::uint64_t seq = 0;   // kByStartSequence
  jetstream::Time time{};  // kByStartTime
};

// natscli's --deliver values: all, last, new, last_per_subject (also "subject",
// "last-per-subject"), a stream sequence ("100"), a time ago ("1h", "30m": the time now - d),
// or an RFC 3339 time.
DeliverStart parse_deliver_policy(std::string_view flag, std::string_view text,
                                  jetstream::Time now);

// Flags of `stream add` and `stream update` (every limit and option of StreamConfig that
// natscli exposes), and their application: a flag that was not given leaves `config` alone;
// switches set or (with --no-<name>) clear their option.
std::vector<FlagSpec> stream_config_flags();
void apply_stream_flags(const ParsedArgs& args, jetstream::StreamConfig& config);

// Flags of `consumer add`. --pull (the default) and --deliver SUBJECT (push) are exclusive;
// the rest map onto ConsumerConfig. `now` anchors relative --deliver-policy times.
std::vector<FlagSpec> consumer_config_flags();
void apply_consumer_flags(const ParsedArgs& args, jetstream::ConsumerConfig& config,
                          jetstream::Time now);

// Flags of `kv add` and `object add` (--history and --max-value-size only for kv), and their
// application.
std::vector<FlagSpec> bucket_flags(bool kv);
void apply_kv_flags(const ParsedArgs& args, jetstream::KeyValueConfig& config);
void apply_object_flags(const ParsedArgs& args, jetstream::ObjectStoreConfig& config);

}  // namespace quiver::cli
