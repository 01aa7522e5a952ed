#include "cli/js_args.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using Time = jetstream::Time;

ParsedArgs parse(std::vector<FlagSpec> flags, std::vector<std::string> argv) {
  CommandSpec spec{.name = "test", .summary = "test", .flags = std::move(flags)};
  return parse_args(spec, argv);
}

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(JsArgsTest, SplitListTakesCommasAndRepeats) {
  EXPECT_EQ(split_list({"a,b", " c , ,", "d"}), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(split_list({",", ""}).empty());
}

TEST(JsArgsTest, EnumsAreCaseInsensitiveWithNatscliSpellings) {
  EXPECT_EQ(parse_storage("storage", "file"), jetstream::StorageType::kFile);
  EXPECT_EQ(parse_storage("storage", "Memory"), jetstream::StorageType::kMemory);
  EXPECT_EQ(parse_storage("storage", "mem"), jetstream::StorageType::kMemory);
  EXPECT_EQ(parse_retention("retention", "WorkQueue"), jetstream::RetentionPolicy::kWorkQueue);
  EXPECT_EQ(parse_retention("retention", "interest"), jetstream::RetentionPolicy::kInterest);
  EXPECT_EQ(parse_discard("discard", "new"), jetstream::DiscardPolicy::kNew);
  EXPECT_EQ(parse_ack_policy("ack", "all"), jetstream::AckPolicy::kAll);
  EXPECT_EQ(parse_ack_policy("ack", "none"), jetstream::AckPolicy::kNone);
  EXPECT_EQ(parse_replay("replay", "original"), jetstream::ReplayPolicy::kOriginal);
  EXPECT_EQ(usage_error([] { parse_storage("storage", "tape"); }),
            "invalid value 'tape' for --storage: want one of file, memory");
  EXPECT_EQ(usage_error([] { parse_retention("retention", "forever"); }),
            "invalid value 'forever' for --retention: want one of limits, interest, workqueue");
}

TEST(JsArgsTest, LimitsAcceptUnlimited) {
  EXPECT_EQ(parse_count_limit("max-msgs", "-1"), -1);
  EXPECT_EQ(parse_count_limit("max-msgs", "unlimited"), -1);
  EXPECT_EQ(parse_count_limit("max-msgs", "1000"), 1000);
  EXPECT_EQ(parse_size_limit("max-bytes", "1KiB"), 1024);
  EXPECT_EQ(parse_size_limit("max-bytes", "2MB"), 2 * 1024 * 1024);
  EXPECT_EQ(parse_size_limit("max-bytes", "-1"), -1);
  EXPECT_EQ(usage_error([] { parse_count_limit("max-msgs", "-5"); }),
            "invalid value '-5' for --max-msgs: want a whole number");
  EXPECT_NE(usage_error([] { parse_size_limit("max-bytes", "lots"); }), "no error");
}

TEST(JsArgsTest, AgesTakeDaysWeeksAndYears) {
  EXPECT_EQ(parse_age("max-age", "7d"), hours(24 * 7));
  EXPECT_EQ(parse_age("max-age", "2w"), hours(24 * 14));
  EXPECT_EQ(parse_age("max-age", "1y"), hours(24 * 365));
  EXPECT_EQ(parse_age("max-age", "1h30m"), std::chrono::minutes(90));
  EXPECT_EQ(parse_age("max-age", "0"), seconds(0));
  EXPECT_EQ(parse_age("max-age", "unlimited"), seconds(0));
  EXPECT_EQ(parse_age("max-age", "-1"), seconds(0));
  EXPECT_NE(usage_error([] { parse_age("max-age", "7"); }), "no error");
  EXPECT_NE(usage_error([] { parse_age("max-age", "d"); }), "no error");
}

TEST(JsArgsTest, DeliverPolicies) {
  const Time now = Time(seconds(1673353496));
  EXPECT_EQ(parse_deliver_policy("d", "all", now).policy, jetstream::DeliverPolicy::kAll);
  EXPECT_EQ(parse_deliver_policy("d", "LAST", now).policy, jetstream::DeliverPolicy::kLast);
  EXPECT_EQ(parse_deliver_policy("d", "new", now).policy, jetstream::DeliverPolicy::kNew);
  EXPECT_EQ(parse_deliver_policy("d", "subject", now).policy,
            jetstream::DeliverPolicy::kLastPerSubject);
  EXPECT_EQ(parse_deliver_policy("d", "last_per_subject", now).policy,
            jetstream::DeliverPolicy::kLastPerSubject);
  const auto seq = parse_deliver_policy("d", "100", now);
  EXPECT_EQ(seq.policy, jetstream::DeliverPolicy::kByStartSequence);
  EXPECT_EQ(seq.seq, 100u);
  const auto ago = parse_deliver_policy("d", "1h", now);
  EXPECT_EQ(ago.policy, jetstream::DeliverPolicy::kByStartTime);
  EXPECT_EQ(ago.time, now - hours(1));
  const auto at = parse_deliver_policy("d", "2023-01-10T12:00:00Z", now);
  EXPECT_EQ(at.policy, jetstream::DeliverPolicy::kByStartTime);
  EXPECT_EQ(at.time, Time(seconds(1673352000)));
  EXPECT_EQ(usage_error([&] { parse_deliver_policy("deliver-policy", "0", now); }),
            "--deliver-policy: sequences start at 1");
  EXPECT_NE(usage_error([&] { parse_deliver_policy("deliver-policy", "soon", now); }), "no error");
}

TEST(JsArgsTest, StreamFlagsSetEveryOption) {
  const ParsedArgs args = parse(stream_config_flags(), {"--subjects",
                                                        "a.*,b",
                                                        "--subjects",
                                                        "c",
                                                        "--storage",
                                                        "memory",
                                                        "--retention",
                                                        "workqueue",
                                                        "--discard",
                                                        "new",
                                                        "--max-msgs",
                                                        "10",
                                                        "--max-bytes",
                                                        "1MiB",
                                                        "--max-age",
                                                        "1h",
                                                        "--max-msg-size",
                                                        "1KiB",
                                                        "--max-msgs-per-subject",
                                                        "5",
                                                        "--max-consumers",
                                                        "3",
                                                        "--dupe-window",
                                                        "30s",
                                                        "--replicas",
                                                        "1",
                                                        "--allow-rollup",
                                                        "--deny-delete",
                                                        "--deny-purge",
                                                        "--allow-direct",
                                                        "--description",
                                                        "orders",
                                                        "--discard-per-subject"});
  jetstream::StreamConfig c;
  c.name = "S";
  apply_stream_flags(args, c);
  EXPECT_EQ(c.name, "S");
  EXPECT_EQ(c.subjects, (std::vector<std::string>{"a.*", "b", "c"}));
  EXPECT_EQ(c.storage, jetstream::StorageType::kMemory);
  EXPECT_EQ(c.retention, jetstream::RetentionPolicy::kWorkQueue);
  EXPECT_EQ(c.discard, jetstream::DiscardPolicy::kNew);
  EXPECT_EQ(c.max_msgs, 10);
  EXPECT_EQ(c.max_bytes, 1024 * 1024);
  EXPECT_EQ(c.max_age, hours(1));
  EXPECT_EQ(c.max_msg_size, 1024);
  EXPECT_EQ(c.max_msgs_per_subject, 5);
  EXPECT_EQ(c.max_consumers, 3);
  EXPECT_EQ(c.duplicate_window, seconds(30));
  EXPECT_EQ(c.num_replicas, 1);
  EXPECT_TRUE(c.allow_rollup_hdrs);
  EXPECT_TRUE(c.deny_delete);
  EXPECT_TRUE(c.deny_purge);
  EXPECT_TRUE(c.allow_direct);
  EXPECT_TRUE(c.discard_new_per_subject);
  EXPECT_EQ(c.description, "orders");
}

TEST(JsArgsTest, StreamFlagsNotGivenLeaveTheConfigAlone) {
  jetstream::StreamConfig base;
  base.name = "S";
  base.subjects = {"x"};
  base.deny_delete = true;
  base.max_msgs = 7;
  base.storage = jetstream::StorageType::kMemory;
  jetstream::StreamConfig c = base;
  apply_stream_flags(parse(stream_config_flags(), {}), c);
  EXPECT_EQ(c, base);
  apply_stream_flags(parse(stream_config_flags(), {"--no-deny-delete", "--max-msgs", "-1"}), c);
  EXPECT_FALSE(c.deny_delete);
  EXPECT_EQ(c.max_msgs, -1);
  EXPECT_EQ(c.subjects, base.subjects);
  EXPECT_EQ(c.storage, jetstream::StorageType::kMemory);
}

TEST(JsArgsTest, StreamFlagErrors) {
  jetstream::StreamConfig c;
  EXPECT_EQ(usage_error([&] {
              apply_stream_flags(parse(stream_config_flags(), {"--replicas", "0"}), c);
            }),
            "--replicas must be between 1 and 5");
  EXPECT_EQ(usage_error([&] {
              apply_stream_flags(parse(stream_config_flags(), {"--subjects", ","}), c);
            }),
            "--subjects needs at least one subject");
  EXPECT_EQ(usage_error([&] {
              apply_stream_flags(parse(stream_config_flags(), {"--max-msg-size", "4GiB"}), c);
            }),
            "--max-msg-size must be below 2GiB");
}

TEST(JsArgsTest, ConsumerFlagsPullByDefault) {
  jetstream::ConsumerConfig c;
  apply_consumer_flags(parse(consumer_config_flags(), {"--ack",
                                                       "all",
                                                       "--deliver-policy",
                                                       "5",
                                                       "--filter",
                                                       "orders.new",
                                                       "--max-deliver",
                                                       "-1",
                                                       "--ack-wait",
                                                       "10s",
                                                       "--max-ack-pending",
                                                       "20",
                                                       "--replay",
                                                       "original",
                                                       "--max-waiting",
                                                       "8",
                                                       "--description",
                                                       "d",
                                                       "--headers-only",
                                                       "--inactive-threshold",
                                                       "1m"}),
                       c, Time(seconds(0)));
  EXPECT_TRUE(c.deliver_subject.empty());
  EXPECT_EQ(c.ack_policy, jetstream::AckPolicy::kAll);
  EXPECT_EQ(c.deliver_policy, jetstream::DeliverPolicy::kByStartSequence);
  EXPECT_EQ(c.opt_start_seq, 5u);
  EXPECT_EQ(c.filter_subject, "orders.new");
  EXPECT_EQ(c.max_deliver, -1);
  EXPECT_EQ(c.ack_wait, seconds(10));
  EXPECT_EQ(c.max_ack_pending, 20);
  EXPECT_EQ(c.replay_policy, jetstream::ReplayPolicy::kOriginal);
  EXPECT_EQ(c.max_waiting, 8);
  EXPECT_EQ(c.description, "d");
  EXPECT_TRUE(c.headers_only);
  EXPECT_EQ(c.inactive_threshold, std::chrono::minutes(1));
}

TEST(JsArgsTest, ConsumerFlagsPush) {
  jetstream::ConsumerConfig c;
  const Time now = Time(seconds(1000));
  apply_consumer_flags(parse(consumer_config_flags(),
                             {"--deliver", "out.orders", "--deliver-group", "workers",
                              "--heartbeat", "5s", "--flow-control", "--deliver-policy", "1s"}),
                       c, now);
  EXPECT_EQ(c.deliver_subject, "out.orders");
  EXPECT_EQ(c.deliver_group, "workers");
  EXPECT_EQ(c.idle_heartbeat, seconds(5));
  EXPECT_TRUE(c.flow_control);
  EXPECT_EQ(c.deliver_policy, jetstream::DeliverPolicy::kByStartTime);
  EXPECT_EQ(c.opt_start_time, now - seconds(1));
  EXPECT_EQ(c.ack_policy, jetstream::AckPolicy::kExplicit);
}

TEST(JsArgsTest, ConsumerFlagErrors) {
  auto error = [](std::vector<std::string> argv) {
    return usage_error([&] {
      jetstream::ConsumerConfig c;
      apply_consumer_flags(parse(consumer_config_flags(), argv), c, Time{});
    });
  };
  EXPECT_EQ(error({"--pull", "--deliver", "x"}),
            "give --pull or --deliver SUBJECT (push), not both");
  EXPECT_EQ(error({"--deliver-group", "g"}), "--deliver-group needs --deliver SUBJECT");
  EXPECT_EQ(error({"--heartbeat", "1s"}), "--heartbeat is for push consumers (--deliver)");
  EXPECT_EQ(error({"--deliver", "x", "--max-waiting", "3"}), "--max-waiting is for pull consumers");
  EXPECT_EQ(error({"--deliver", "x", "--flow-control"}), "--flow-control needs --heartbeat");
  EXPECT_EQ(error({"--ack", "none", "--max-ack-pending", "3"}),
            "--max-ack-pending needs acknowledgements (--ack all or explicit)");
  EXPECT_EQ(error({"--max-deliver", "0"}), "--max-deliver must be at least 1, or -1");
  EXPECT_EQ(error({"--ack", "sometimes"}),
            "invalid value 'sometimes' for --ack: want one of none, all, explicit");
}

TEST(JsArgsTest, KeyValueFlags) {
  jetstream::KeyValueConfig c;
  c.bucket = "b";
  apply_kv_flags(parse(bucket_flags(true), {}), c);
  EXPECT_EQ(c.history, 1);
  EXPECT_EQ(c.max_bytes, 0);
  EXPECT_EQ(c.storage, jetstream::StorageType::kFile);
  apply_kv_flags(parse(bucket_flags(true), {"--history", "5", "--ttl", "1h", "--storage", "memory",
                                            "--max-bucket-size", "1MiB", "--max-value-size", "1KiB",
                                            "--replicas", "1", "--description", "cfg"}),
                 c);
  EXPECT_EQ(c.history, 5);
  EXPECT_EQ(c.ttl, hours(1));
  EXPECT_EQ(c.storage, jetstream::StorageType::kMemory);
  EXPECT_EQ(c.max_bytes, 1024 * 1024);
  EXPECT_EQ(c.max_value_size, 1024);
  EXPECT_EQ(c.description, "cfg");
  EXPECT_EQ(usage_error([&] {
              apply_kv_flags(parse(bucket_flags(true), {"--history", "65"}), c);
            }),
            "--history must be between 1 and 64");
}

TEST(JsArgsTest, ObjectStoreFlagsHaveNoHistory) {
  jetstream::ObjectStoreConfig c;
  apply_object_flags(
      parse(bucket_flags(false), {"--ttl", "2h", "--max-bucket-size", "-1", "--storage", "file"}),
      c);
  EXPECT_EQ(c.ttl, hours(2));
  EXPECT_EQ(c.max_bytes, 0);
  EXPECT_EQ(c.storage, jetstream::StorageType::kFile);
  EXPECT_THROW(parse(bucket_flags(false), {"--history", "2"}), UsageError);
}

}  // namespace
}  // namespace quiver::cli
