#include "cli/js_args.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <utility>

#include "cli/values.h"

namespace quiver::cli {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class T>
T choose(std::string_view flag, std::string_view text,
         std::initializer_list<std::pair<const char*, T>> choices) {
  const std::string key = lower(text);
  std::string names;
  for (const auto& [name, value] : choices) {
    if (key == name) return value;
  }
  // The help lists the canonical spellings: the first of each value.
  std::vector<T> seen;
  for (const auto& [name, value] : choices) {
    if (std::find(seen.begin(), seen.end(), value) != seen.end()) continue;
    seen.push_back(value);
    if (!names.empty()) names += ", ";
    names += name;
  }
  throw UsageError("invalid value '" + std::string(text) + "' for --" + std::string(flag) +
                   ": want one of " + names);
}

std::uint64_t count_value(std::string_view flag, std::string_view text) {
  auto n = parse_uint(text);
  if (!n) {
    throw UsageError("invalid value '" + std::string(text) + "' for --" + std::string(flag) +
                     ": want a whole number");
  }
  return *n;
}

bool unlimited(std::string_view text) { return text == "-1" || lower(text) == "unlimited"; }

std::int64_t to_int64(std::string_view flag, std::uint64_t n) {
  if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw UsageError("value for --" + std::string(flag) + " is too large");
  }
  return static_cast<std::int64_t>(n);
}

int to_int(std::string_view flag, std::int64_t n) {
  if (n > std::numeric_limits<int>::max() || n < -1) {
    throw UsageError("value for --" + std::string(flag) + " is out of range");
  }
  return static_cast<int>(n);
}

std::chrono::nanoseconds positive_duration(const ParsedArgs& args, std::string_view flag) {
  const auto d = args.duration(flag, std::chrono::nanoseconds(0));
  if (d.count() < 0) throw UsageError("--" + std::string(flag) + " must not be negative");
  return d;
}

}  // namespace

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string item = value.substr(start, comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) out.push_back(std::move(item));
      start = comma + 1;
    }
  }
  return out;
}

jetstream::StorageType parse_storage(std::string_view flag, std::string_view text) {
  return choose<jetstream::StorageType>(flag, text,
                                        {{"file", jetstream::StorageType::kFile},
                                         {"memory", jetstream::StorageType::kMemory},
                                         {"f", jetstream::StorageType::kFile},
                                         {"disk", jetstream::StorageType::kFile},
                                         {"m", jetstream::StorageType::kMemory},
                                         {"mem", jetstream::StorageType::kMemory}});
}

jetstream::RetentionPolicy parse_retention(std::string_view flag, std::string_view text) {
  return choose<jetstream::RetentionPolicy>(
      flag, text,
      {{"limits", jetstream::RetentionPolicy::kLimits},
       {"interest", jetstream::RetentionPolicy::kInterest},
       {"workqueue", jetstream::RetentionPolicy::kWorkQueue},
       {"limit", jetstream::RetentionPolicy::kLimits},
       {"work", jetstream::RetentionPolicy::kWorkQueue},
       {"work-queue", jetstream::RetentionPolicy::kWorkQueue},
       {"work_queue", jetstream::RetentionPolicy::kWorkQueue}});
}

jetstream::DiscardPolicy parse_discard(std::string_view flag, std::string_view text) {
  return choose<jetstream::DiscardPolicy>(
      flag, text,
      {{"old", jetstream::DiscardPolicy::kOld}, {"new", jetstream::DiscardPolicy::kNew}});
}

jetstream::AckPolicy parse_ack_policy(std::string_view flag, std::string_view text) {
  return choose<jetstream::AckPolicy>(flag, text,
                                      {{"none", jetstream::AckPolicy::kNone},
                                       {"all", jetstream::AckPolicy::kAll},
                                       {"explicit", jetstream::AckPolicy::kExplicit}});
}

jetstream::ReplayPolicy parse_replay(std::string_view flag, std::string_view text) {
  return choose<jetstream::ReplayPolicy>(flag, text,
                                         {{"instant", jetstream::ReplayPolicy::kInstant},
                                          {"original", jetstream::ReplayPolicy::kOriginal}});
}

std::int64_t parse_count_limit(std::string_view flag, std::string_view text) {
  if (unlimited(text)) return -1;
  return to_int64(flag, count_value(flag, text));
}

std::int64_t parse_size_limit(std::string_view flag, std::string_view text) {
  if (unlimited(text)) return -1;
  auto n = parse_size(text);
  if (!n) {
    throw UsageError("invalid size '" + std::string(text) + "' for --" + std::string(flag) +
                     ": want bytes, optionally with a unit (512, 1KiB, 2GB), or -1");
  }
  return to_int64(flag, *n);
}

std::chrono::nanoseconds parse_age(std::string_view flag, std::string_view text) {
  if (text == "0" || unlimited(text)) return std::chrono::nanoseconds(0);
  if (text.size() >= 2) {
    const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
    std::int64_t hours = unit == 'd' ? 24 : unit == 'w' ? 24 * 7 : unit == 'y' ? 24 * 365 : 0;
    if (hours != 0) {
      if (auto n = parse_uint(text.substr(0, text.size() - 1)); n && *n < 100000) {
        return std::chrono::hours(static_cast<std::int64_t>(*n) * hours);
      }
    }
  }
  auto d = parse_duration(text);
  if (!d || d->count() < 0) {
    throw UsageError("invalid duration '" + std::string(text) + "' for --" + std::string(flag) +
                     ": want a duration (90s, 1h30m, 7d, 1y) or unlimited");
  }
  return *d;
}

DeliverStart parse_deliver_policy(std::string_view flag, std::string_view text,
                                  jetstream::Time now) {
  const std::string key = lower(text);
  DeliverStart out;
  if (key == "all") return out;
  if (key == "last") {
    out.policy = jetstream::DeliverPolicy::kLast;
  } else if (key == "new" || key == "next") {
    out.policy = jetstream::DeliverPolicy::kNew;
  } else if (key == "subject" || key == "last_per_subject" || key == "last-per-subject") {
    out.policy = jetstream::DeliverPolicy::kLastPerSubject;
  } else if (auto seq = parse_uint(key)) {
    if (*seq == 0) throw UsageError("--" + std::string(flag) + ": sequences start at 1");
    out.policy = jetstream::DeliverPolicy::kByStartSequence;
    out.seq = *seq;
  } else if (auto ago = parse_duration(key); ago && ago->count() > 0) {
    out.policy = jetstream::DeliverPolicy::kByStartTime;
    out.time = now - *ago;
  } else if (auto t = jetstream::parse_time(text)) {
    out.policy = jetstream::DeliverPolicy::kByStartTime;
    out.time = t.value();
  } else {
    throw UsageError("invalid value '" + std::string(text) + "' for --" + std::string(flag) +
                     ": want all, last, new, last_per_subject, a sequence, a duration ago (1h) "
                     "or an RFC 3339 time");
  }
  return out;
}

std::vector<FlagSpec> stream_config_flags() {
  return {
      {.name = "subjects",
       .kind = FlagKind::kList,
       .placeholder = "SUBJECTS",
       .help = "Subjects the stream captures, comma separated or repeated",
       .default_text = "the stream's name (add)"},
      {.name = "description", .placeholder = "TEXT", .help = "A description of the stream"},
      {.name = "storage",
       .placeholder = "TYPE",
       .help = "Storage backend: file or memory",
       .default_text = "file"},
      {.name = "retention",
       .placeholder = "POLICY",
       .help = "Retention policy: limits, interest or workqueue",
       .default_text = "limits"},
      {.name = "discard",
       .placeholder = "POLICY",
       .help = "When full, discard old messages or refuse new ones: old or new",
       .default_text = "old"},
      {.name = "max-msgs",
       .placeholder = "N",
       .help = "Maximum number of messages (-1: unlimited)",
       .default_text = "-1"},
      {.name = "max-bytes",
       .placeholder = "SIZE",
       .help = "Maximum size of the stream (1GiB, -1: unlimited)",
       .default_text = "-1"},
      {.name = "max-age",
       .placeholder = "DURATION",
       .help = "Maximum age of messages (1h, 7d, 1y, unlimited)",
       .default_text = "unlimited"},
      {.name = "max-msg-size",
       .placeholder = "SIZE",
       .help = "Maximum size of one message (-1: unlimited)",
       .default_text = "-1"},
      {.name = "max-msgs-per-subject",
       .placeholder = "N",
       .help = "Maximum messages kept per subject (-1: unlimited)",
       .default_text = "-1"},
      {.name = "max-consumers",
       .placeholder = "N",
       .help = "Maximum number of consumers (-1: unlimited)",
       .default_text = "-1"},
      {.name = "dupe-window",
       .placeholder = "DURATION",
       .help = "Window for Nats-Msg-Id de-duplication",
       .default_text = "2m, or max-age when shorter"},
      {.name = "replicas",
       .placeholder = "N",
       .help = "Number of replicas (clustered servers)",
       .default_text = "1"},
      {.name = "allow-rollup",
       .kind = FlagKind::kSwitch,
       .help = "Allow Nats-Rollup headers to purge subjects or the stream"},
      {.name = "deny-delete",
       .kind = FlagKind::kSwitch,
       .help = "Refuse deleting messages through the API"},
      {.name = "deny-purge", .kind = FlagKind::kSwitch, .help = "Refuse purging the stream"},
      {.name = "allow-direct",
       .kind = FlagKind::kSwitch,
       .help = "Allow direct get of messages (DIRECT.GET)"},
      {.name = "discard-per-subject",
       .kind = FlagKind::kSwitch,
       .help = "With --discard new: refuse new messages per subject at --max-msgs-per-subject"},
  };
}

void apply_stream_flags(const ParsedArgs& args, jetstream::StreamConfig& c) {
  if (args.has("subjects")) {
    c.subjects = split_list(args.values("subjects"));
    if (c.subjects.empty()) throw UsageError("--subjects needs at least one subject");
  }
  if (auto v = args.value("description")) c.description = *v;
  if (auto v = args.value("storage")) c.storage = parse_storage("storage", *v);
  if (auto v = args.value("retention")) c.retention = parse_retention("retention", *v);
  if (auto v = args.value("discard")) c.discard = parse_discard("discard", *v);
  if (auto v = args.value("max-msgs")) c.max_msgs = parse_count_limit("max-msgs", *v);
  if (auto v = args.value("max-bytes")) c.max_bytes = parse_size_limit("max-bytes", *v);
  if (auto v = args.value("max-age")) c.max_age = parse_age("max-age", *v);
  if (auto v = args.value("max-msg-size")) {
    const std::int64_t n = parse_size_limit("max-msg-size", *v);
    if (n > std::numeric_limits<std::int32_t>::max()) {
      throw UsageError("--max-msg-size must be below 2GiB");
    }
    c.max_msg_size = static_cast<std::int32_t>(n);
  }
  if (auto v = args.value("max-msgs-per-subject")) {
    c.max_msgs_per_subject = parse_count_limit("max-msgs-per-subject", *v);
  }
  if (auto v = args.value("max-consumers")) {
    c.max_consumers = parse_count_limit("max-consumers", *v);
  }
  if (args.has("dupe-window")) c.duplicate_window = positive_duration(args, "dupe-window");
  if (auto v = args.value("replicas")) {
    const std::uint64_t n = count_value("replicas", *v);
    if (n < 1 || n > 5) throw UsageError("--replicas must be between 1 and 5");
    c.num_replicas = static_cast<int>(n);
  }
  if (args.has("allow-rollup")) c.allow_rollup_hdrs = args.enabled("allow-rollup", false);
  if (args.has("deny-delete")) c.deny_delete = args.enabled("deny-delete", false);
  if (args.has("deny-purge")) c.deny_purge = args.enabled("deny-purge", false);
  if (args.has("allow-direct")) c.allow_direct = args.enabled("allow-direct", false);
  if (args.has("discard-per-subject")) {
    c.discard_new_per_subject = args.enabled("discard-per-subject", false);
  }
}

std::vector<FlagSpec> consumer_config_flags() {
  return {
      {.name = "pull",
       .kind = FlagKind::kSwitch,
       .help = "A pull consumer (the default unless --deliver is given)"},
      {.name = "deliver",
       .placeholder = "SUBJECT",
       .help = "A push consumer delivering to this subject"},
      {.name = "deliver-group",
       .placeholder = "GROUP",
       .help = "Push: the queue group that shares the deliveries"},
      {.name = "description", .placeholder = "TEXT", .help = "A description of the consumer"},
      {.name = "ack",
       .placeholder = "POLICY",
       .help = "Acknowledgement policy: none, all or explicit",
       .default_text = "explicit"},
      {.name = "deliver-policy",
       .placeholder = "POLICY",
       .help = "Where to start: all, last, new, last_per_subject, a sequence, a time ago (1h) "
               "or an RFC 3339 time",
       .default_text = "all"},
      {.name = "filter",
       .placeholder = "SUBJECT",
       .help = "Only deliver messages on subjects matching this filter"},
      {.name = "max-deliver",
       .placeholder = "N",
       .help = "Maximum deliveries of one message (-1: unlimited)",
       .default_text = "unlimited"},
      {.name = "ack-wait",
       .placeholder = "DURATION",
       .help = "How long to wait for an acknowledgement before redelivering",
       .default_text = "30s"},
      {.name = "max-ack-pending",
       .placeholder = "N",
       .help = "Maximum messages delivered and not yet acknowledged",
       .default_text = "1000"},
      {.name = "max-waiting",
       .placeholder = "N",
       .help = "Pull: maximum outstanding pull requests",
       .default_text = "512"},
      {.name = "replay",
       .placeholder = "POLICY",
       .help = "Replay policy: instant or original (the original message timing)",
       .default_text = "instant"},
      {.name = "heartbeat", .placeholder = "DURATION", .help = "Push: idle heartbeat interval"},
      {.name = "flow-control", .kind = FlagKind::kSwitch, .help = "Push: enable flow control"},
      {.name = "headers-only",
       .kind = FlagKind::kSwitch,
       .help = "Deliver headers and sizes only, not the bodies"},
      {.name = "inactive-threshold",
       .placeholder = "DURATION",
       .help = "Remove the consumer after this long without activity"},
  };
}

void apply_consumer_flags(const ParsedArgs& args, jetstream::ConsumerConfig& c,
                          jetstream::Time now) {
  const bool pull = args.enabled("pull", false);
  if (pull && args.has("deliver")) {
    throw UsageError("give --pull or --deliver SUBJECT (push), not both");
  }
  if (auto v = args.value("deliver")) {
    if (v->empty()) throw UsageError("--deliver needs a subject");
    c.deliver_subject = *v;
  }
  if (auto v = args.value("deliver-group")) {
    if (c.deliver_subject.empty()) throw UsageError("--deliver-group needs --deliver SUBJECT");
    c.deliver_group = *v;
  }
  const bool push = !c.deliver_subject.empty();
  for (const char* push_only : {"heartbeat", "flow-control"}) {
    if (!push && args.has(push_only)) {
      throw UsageError("--" + std::string(push_only) + " is for push consumers (--deliver)");
    }
  }
  if (push && args.has("max-waiting")) {
    throw UsageError("--max-waiting is for pull consumers");
  }
  if (auto v = args.value("description")) c.description = *v;
  if (auto v = args.value("ack")) c.ack_policy = parse_ack_policy("ack", *v);
  if (auto v = args.value("deliver-policy")) {
    const DeliverStart start = parse_deliver_policy("deliver-policy", *v, now);
    c.deliver_policy = start.policy;
    c.opt_start_seq = start.seq;
    c.opt_start_time.reset();
    if (start.policy == jetstream::DeliverPolicy::kByStartTime) c.opt_start_time = start.time;
  }
  if (auto v = args.value("filter")) c.filter_subject = *v;
  if (auto v = args.value("max-deliver")) {
    c.max_deliver = to_int("max-deliver", parse_count_limit("max-deliver", *v));
    if (c.max_deliver == 0) throw UsageError("--max-deliver must be at least 1, or -1");
  }
  if (args.has("ack-wait")) c.ack_wait = positive_duration(args, "ack-wait");
  if (auto v = args.value("max-ack-pending")) {
    c.max_ack_pending = to_int("max-ack-pending", parse_count_limit("max-ack-pending", *v));
  }
  if (auto v = args.value("max-waiting")) {
    c.max_waiting = to_int("max-waiting", to_int64("max-waiting", count_value("max-waiting", *v)));
  }
  if (auto v = args.value("replay")) c.replay_policy = parse_replay("replay", *v);
  if (args.has("heartbeat")) c.idle_heartbeat = positive_duration(args, "heartbeat");
  if (args.has("flow-control")) {
    c.flow_control = args.enabled("flow-control", false);
    if (c.flow_control && c.idle_heartbeat.count() == 0) {
      throw UsageError("--flow-control needs --heartbeat");
    }
  }
  if (args.has("headers-only")) c.headers_only = args.enabled("headers-only", false);
  if (args.has("inactive-threshold")) {
    c.inactive_threshold = positive_duration(args, "inactive-threshold");
  }
  if (c.ack_policy == jetstream::AckPolicy::kNone && args.has("max-ack-pending")) {
    throw UsageError("--max-ack-pending needs acknowledgements (--ack all or explicit)");
  }
}

std::vector<FlagSpec> bucket_flags(bool kv) {
  std::vector<FlagSpec> flags;
  if (kv) {
    flags.push_back({.name = "history",
                     .placeholder = "N",
                     .help = "Values kept per key (1 to 64)",
                     .default_text = "1"});
  }
  flags.push_back({.name = "ttl",
                   .placeholder = "DURATION",
                   .help = kv ? "How long values are kept (0: forever)"
                              : "How long objects are kept (0: forever)"});
  flags.push_back({.name = "storage",
                   .placeholder = "TYPE",
                   .help = "Storage backend: file or memory",
                   .default_text = "file"});
  flags.push_back({.name = "max-bucket-size",
                   .placeholder = "SIZE",
                   .help = "Maximum size of the bucket (-1: unlimited)"});
  if (kv) {
    flags.push_back({.name = "max-value-size",
                     .placeholder = "SIZE",
                     .help = "Maximum size of one value (-1: unlimited)"});
  }
  flags.push_back(
      {.name = "replicas", .placeholder = "N", .help = "Number of replicas", .default_text = "1"});
  flags.push_back({.name = "description", .placeholder = "TEXT", .help = "A description"});
  return flags;
}

namespace {

// 0 for "unlimited" and -1: the bucket configs use 0 for no limit.
std::int64_t bucket_limit(const ParsedArgs& args, std::string_view flag) {
  auto v = args.value(flag);
  if (!v) return 0;
  return std::max<std::int64_t>(parse_size_limit(flag, *v), 0);
}

int replicas(const ParsedArgs& args) {
  const std::uint64_t n = args.count("replicas", 1);
  if (n < 1 || n > 5) throw UsageError("--replicas must be between 1 and 5");
  return static_cast<int>(n);
}

}  // namespace

void apply_kv_flags(const ParsedArgs& args, jetstream::KeyValueConfig& c) {
  if (args.has("history")) {
    const std::uint64_t h = args.count("history", 1);
    if (h < 1 || h > static_cast<std::uint64_t>(jetstream::kKeyValueMaxHistory)) {
      throw UsageError("--history must be between 1 and " +
                       std::to_string(jetstream::kKeyValueMaxHistory));
    }
    c.history = static_cast<int>(h);
  }
  if (args.has("ttl")) c.ttl = positive_duration(args, "ttl");
  if (auto v = args.value("storage")) c.storage = parse_storage("storage", *v);
  c.max_bytes = bucket_limit(args, "max-bucket-size");
  const std::int64_t value_size = bucket_limit(args, "max-value-size");
  if (value_size > std::numeric_limits<std::int32_t>::max()) {
    throw UsageError("--max-value-size must be below 2GiB");
  }
  c.max_value_size = static_cast<std::int32_t>(value_size);
  c.replicas = replicas(args);
  if (auto v = args.value("description")) c.description = *v;
}

void apply_object_flags(const ParsedArgs& args, jetstream::ObjectStoreConfig& c) {
  if (args.has("ttl")) c.ttl = positive_duration(args, "ttl");
  if (auto v = args.value("storage")) c.storage = parse_storage("storage", *v);
  c.max_bytes = bucket_limit(args, "max-bucket-size");
  c.replicas = replicas(args);
  if (auto v = args.value("description")) c.description = *v;
}

}  // namespace quiver::cli
