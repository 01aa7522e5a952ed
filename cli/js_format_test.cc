#include "cli/js_format.h"

#include <cstdlib>
#include <ctime>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Time = jetstream::Time;

// 2023-01-10 12:24:56 UTC.
const Time kWhen = Time(seconds(1673353496));

class JsFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Times print in the local zone: pin it.
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

// One row of a report whose widest label has `width` characters.
std::string row(const std::string& label, const std::string& value, std::size_t width) {
  return "  " + std::string(width - label.size(), ' ') + label + ": " + value + "\n";
}

TEST_F(JsFormatTest, IBytesMatchesGoHumanize) {
  EXPECT_EQ(ibytes(0), "0 B");
  EXPECT_EQ(ibytes(9), "9 B");
  EXPECT_EQ(ibytes(512), "512 B");
  EXPECT_EQ(ibytes(1023), "1023 B");
  EXPECT_EQ(ibytes(1024), "1.0 KiB");
  EXPECT_EQ(ibytes(1536), "1.5 KiB");
  EXPECT_EQ(ibytes(10 * 1024), "10 KiB");
  EXPECT_EQ(ibytes(82854982), "79 MiB");
  EXPECT_EQ(ibytes(std::uint64_t(1) << 30), "1.0 GiB");
}

TEST_F(JsFormatTest, HumanizeDurationMatchesNatscli) {
  EXPECT_EQ(humanize_duration(seconds(0)), "0.00s");
  EXPECT_EQ(humanize_duration(milliseconds(1500)), "1.50s");
  EXPECT_EQ(humanize_duration(seconds(90)), "1m30s");
  EXPECT_EQ(humanize_duration(hours(2)), "2h0m0s");
  EXPECT_EQ(humanize_duration(hours(24 * 7)), "7d0h0m0s");
  EXPECT_EQ(humanize_duration(hours(24 * 400) + seconds(1)), "1y35d0h0m1s");
}

TEST_F(JsFormatTest, LocalTimeAndNever) {
  EXPECT_EQ(local_time(kWhen), "2023-01-10 12:24:56");
  EXPECT_EQ(local_time(kWhen + milliseconds(999)), "2023-01-10 12:24:56");
  EXPECT_EQ(local_time(Time{}), "never");
}

TEST_F(JsFormatTest, TitleCase) {
  EXPECT_EQ(title_case("workqueue"), "WorkQueue");
  EXPECT_EQ(title_case("last_per_subject"), "Last Per Subject");
  EXPECT_EQ(title_case("file"), "File");
}

TEST_F(JsFormatTest, PrettyJsonIndentsLikeGo) {
  const auto v = boost::json::parse(R"({"a":1,"b":[1,"x"],"c":{},"d":[],"e":{"f":true}})");
  EXPECT_EQ(pretty_json(v),
            "{\n"
            "  \"a\": 1,\n"
            "  \"b\": [\n"
            "    1,\n"
            "    \"x\"\n"
            "  ],\n"
            "  \"c\": {},\n"
            "  \"d\": [],\n"
            "  \"e\": {\n"
            "    \"f\": true\n"
            "  }\n"
            "}\n");
}

TEST_F(JsFormatTest, TableWithTitle) {
  const Table t{.title = "T", .headers = {"Name", "Size"}, .rows = {{"a", "1.0 KiB"}, {"µs", "2"}}};
  EXPECT_EQ(render_table(t),
            "╭────────────────╮\n"
            "│       T        │\n"
            "├──────┬─────────┤\n"
            "│ Name │ Size    │\n"
            "├──────┼─────────┤\n"
            "│ a    │ 1.0 KiB │\n"
            "│ µs   │ 2       │\n"
            "╰──────┴─────────╯\n");
}

TEST_F(JsFormatTest, TableWidensForALongTitle) {
  const Table t{.title = "A long title", .headers = {"x"}, .rows = {{"1"}}};
  EXPECT_EQ(render_table(t),
            "╭──────────────╮\n"
            "│ A long title │\n"
            "├──────────────┤\n"
            "│ x            │\n"
            "├──────────────┤\n"
            "│ 1            │\n"
            "╰──────────────╯\n");
}

TEST_F(JsFormatTest, TableWithoutTitleOrRows) {
  const Table t{.headers = {"a", "b"}};
  EXPECT_EQ(render_table(t),
            "╭───┬───╮\n"
            "│ a │ b │\n"
            "├───┼───┤\n"
            "╰───┴───╯\n");
}

TEST_F(JsFormatTest, InfoAlignsLabelsAcrossSections) {
  EXPECT_EQ(
      render_info("Head",
                  {{"", {{"A", "1"}, {"Long label", "2"}}}, {"Sec", {{"B", "3"}}}, {"Empty", {}}}),
      "Head\n"
      "\n"
      "           A: 1\n"
      "  Long label: 2\n"
      "\n"
      "Sec:\n"
      "\n"
      "           B: 3\n");
}

TEST_F(JsFormatTest, StreamInfoReport) {
  jetstream::StreamInfo info;
  info.config.name = "ORDERS";
  info.config.subjects = {"orders.>", "x"};
  info.config.duplicate_window = std::chrono::minutes(2);
  info.config.max_msgs = 100;
  info.config.max_bytes = 1024 * 1024;
  info.config.max_age = hours(24);
  info.config.storage = jetstream::StorageType::kMemory;
  info.config.retention = jetstream::RetentionPolicy::kWorkQueue;
  info.config.deny_delete = true;
  info.created = kWhen;
  info.state.messages = 3;
  info.state.bytes = 1536;
  info.state.first_seq = 1;
  info.state.first_ts = kWhen;
  info.state.last_seq = 3;
  info.state.last_ts = kWhen;
  info.state.consumer_count = 1;
  const std::size_t w = 20;
  EXPECT_EQ(
      stream_info_text(info),
      "Information for Stream ORDERS created 2023-01-10 12:24:56\n\n" +
          row("Subjects", "orders.>, x", w) + row("Replicas", "1", w) +
          row("Storage", "Memory", w) + "\nOptions:\n\n" + row("Retention", "WorkQueue", w) +
          row("Acknowledgements", "true", w) + row("Discard Policy", "Old", w) +
          row("Duplicate Window", "2m0s", w) + row("Direct Get", "false", w) +
          row("Allows Msg Delete", "false", w) + row("Allows Purge", "true", w) +
          row("Allows Rollups", "false", w) + "\nLimits:\n\n" + row("Maximum Messages", "100", w) +
          row("Maximum Per Subject", "unlimited", w) + row("Maximum Bytes", "1.0 MiB", w) +
          row("Maximum Age", "1d0h0m0s", w) + row("Maximum Message Size", "unlimited", w) +
          row("Maximum Consumers", "unlimited", w) + "\nState:\n\n" + row("Messages", "3", w) +
          row("Bytes", "1.5 KiB", w) + row("First Sequence", "1 @ 2023-01-10 12:24:56", w) +
          row("Last Sequence", "3 @ 2023-01-10 12:24:56", w) + row("Active Consumers", "1", w));
}

TEST_F(JsFormatTest, StreamTable) {
  jetstream::StreamInfo a;
  a.config.name = "A";
  a.config.description = "first";
  a.created = kWhen;
  a.state.messages = 1234;
  a.state.bytes = 2048;
  a.state.last_seq = 1234;
  a.state.last_ts = kWhen;
  jetstream::StreamInfo b;
  b.config.name = "B";
  b.created = kWhen;
  EXPECT_EQ(stream_table({a, b}, kWhen + seconds(90)),
            "╭──────────────────────────────────────────────────────────────────────────────╮\n"
            "│                                   Streams                                    │\n"
            "├──────┬─────────────┬─────────────────────┬──────────┬─────────┬──────────────┤\n"
            "│ Name │ Description │ Created             │ Messages │ Size    │ Last Message │\n"
            "├──────┼─────────────┼─────────────────────┼──────────┼─────────┼──────────────┤\n"
            "│ A    │ first       │ 2023-01-10 12:24:56 │ 1,234    │ 2.0 KiB │ 1m30s        │\n"
            "│ B    │             │ 2023-01-10 12:24:56 │ 0        │ 0 B     │ never        │\n"
            "╰──────┴─────────────┴─────────────────────┴──────────┴─────────┴──────────────╯\n");
}

TEST_F(JsFormatTest, ConsumerInfoPullAndPush) {
  jetstream::ConsumerInfo info;
  info.stream_name = "ORDERS";
  info.name = "work";
  info.created = kWhen;
  info.config.durable_name = "work";
  info.config.ack_wait = seconds(30);
  info.config.max_ack_pending = 1000;
  info.config.max_waiting = 512;
  info.config.filter_subject = "orders.new";
  info.delivered = {.consumer_seq = 3, .stream_seq = 7};
  info.ack_floor = {.consumer_seq = 2, .stream_seq = 5};
  info.num_ack_pending = 1;
  info.num_pending = 12;
  const std::string pull = consumer_info_text(info);
  EXPECT_TRUE(pull.starts_with(
      "Information for Consumer ORDERS > work created 2023-01-10 12:24:56\n\nConfiguration:\n\n"))
      << pull;
  const std::size_t w = 22;  // "Last Delivered Message"
  for (const std::string& line :
       {row("Durable Name", "work", w), row("Pull Mode", "true", w),
        row("Filter Subject", "orders.new", w), row("Deliver Policy", "All", w),
        row("Ack Policy", "Explicit", w), row("Ack Wait", "30.00s", w),
        row("Max Ack Pending", "1,000", w), row("Max Waiting Pulls", "512", w),
        row("Last Delivered Message", "Consumer sequence: 3 Stream sequence: 7", w),
        row("Acknowledgment Floor", "Consumer sequence: 2 Stream sequence: 5", w),
        row("Outstanding Acks", "1 out of maximum 1,000", w), row("Unprocessed Messages", "12", w),
        row("Waiting Pulls", "0 of maximum 512", w)}) {
    EXPECT_NE(pull.find(line), std::string::npos) << line << "\nin:\n" << pull;
  }
  info.config.deliver_subject = "out";
  info.config.deliver_group = "g";
  info.config.ack_policy = jetstream::AckPolicy::kNone;
  info.config.deliver_policy = jetstream::DeliverPolicy::kByStartSequence;
  info.config.opt_start_seq = 9;
  info.push_bound = true;
  const std::string push = consumer_info_text(info);
  EXPECT_NE(push.find("Delivery Subject: out\n"), std::string::npos) << push;
  EXPECT_NE(push.find("Deliver Queue Group: g\n"), std::string::npos) << push;
  EXPECT_NE(push.find("Deliver Policy: From Sequence 9\n"), std::string::npos) << push;
  EXPECT_NE(push.find("Active Interest: Active\n"), std::string::npos) << push;
  EXPECT_EQ(push.find("Pull Mode"), std::string::npos) << push;
  EXPECT_EQ(push.find("Ack Wait"), std::string::npos) << push;
  EXPECT_EQ(push.find("Waiting Pulls"), std::string::npos) << push;
}

TEST_F(JsFormatTest, StoredMessage) {
  jetstream::StoredMsg m;
  m.subject = "orders.new";
  m.seq = 5;
  m.time = kWhen;
  m.data = "body";
  m.headers.add("K", "V");
  EXPECT_EQ(stored_msg_text("ORDERS", m),
            "Item: ORDERS#5 received 2023-01-10 12:24:56 on Subject orders.new\n\n"
            "Headers:\n  K: V\n\nbody\n");
  m.headers = {};
  m.data = "x\n";
  EXPECT_EQ(stored_msg_text("ORDERS", m),
            "Item: ORDERS#5 received 2023-01-10 12:24:56 on Subject orders.new\n\nx\n");
}

TEST_F(JsFormatTest, ConsumerMessage) {
  codec::Headers h;
  h.add("K", "V");
  const client::Message m("orders.new", "$JS.ACK.ORDERS.work.2.7.3.1673353496000000000.4", "body",
                          h);
  const jetstream::Metadata meta{.stream = "ORDERS",
                                 .consumer = "work",
                                 .num_delivered = 2,
                                 .stream_seq = 7,
                                 .consumer_seq = 3,
                                 .timestamp = kWhen,
                                 .num_pending = 4};
  EXPECT_EQ(consumer_msg_text(m, meta),
            "[12:24:56] subj: orders.new / tries: 2 / cons seq: 3 / str seq: 7 / pending: 4\n\n"
            "Headers:\n  K: V\n\nbody\n\n");
}

TEST_F(JsFormatTest, KeyValueEntriesAndWatchLines) {
  jetstream::Entry e{
      .bucket = "cfg", .key = "db.url", .value = "pg://a", .revision = 3, .created = kWhen};
  EXPECT_EQ(kv_entry_text(e), "cfg > db.url revision: 3 created @ 2023-01-10 12:24:56\n\npg://a\n");
  EXPECT_EQ(kv_watch_line(e), "[2023-01-10 12:24:56] PUT cfg > db.url: pg://a\n");
  e.operation = jetstream::KeyValueOp::kDelete;
  e.value.clear();
  EXPECT_EQ(kv_watch_line(e), "[2023-01-10 12:24:56] DEL cfg > db.url\n");
}

TEST_F(JsFormatTest, KeyValueHistoryTruncatesLongValues) {
  const jetstream::Entry a{
      .bucket = "b", .key = "k", .value = "v\n1", .revision = 1, .created = kWhen};
  const jetstream::Entry b{
      .bucket = "b", .key = "k", .value = std::string(50, 'x'), .revision = 2, .created = kWhen};
  const std::string text = kv_history_table("b", "k", {a, b});
  EXPECT_NE(text.find("History for b > k"), std::string::npos) << text;
  EXPECT_NE(text.find("│ k   │ 1        │ PUT │ 2023-01-10 12:24:56 │ 3      │ v.1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("│ " + std::string(37, 'x') + "... │"), std::string::npos) << text;
}

TEST_F(JsFormatTest, KeyValueStatus) {
  jetstream::KeyValueStatus s;
  s.bucket = "cfg";
  s.values = 3;
  s.history = 5;
  s.ttl = hours(1);
  s.bytes = 228;
  s.stream_info.config.name = "KV_cfg";
  s.stream_info.config.max_msg_size = 1024;
  s.stream_info.created = kWhen;
  const std::size_t w = 19;  // "Maximum Bucket Size"
  EXPECT_EQ(kv_status_text(s),
            "Information for Key-Value Store Bucket cfg created 2023-01-10 12:24:56\n\n"
            "Configuration:\n\n" +
                row("Bucket Name", "cfg", w) + row("History Kept", "5", w) +
                row("Values Stored", "3", w) + row("Backing Store Kind", "JetStream", w) +
                row("Bucket Size", "228 B", w) + row("Maximum Bucket Size", "unlimited", w) +
                row("Maximum Value Size", "1.0 KiB", w) + row("Maximum Age", "1h0m0s", w) +
                row("JetStream Stream", "KV_cfg", w) + row("Storage", "File", w) +
                row("Replicas", "1", w));
}

TEST_F(JsFormatTest, ObjectInfo) {
  jetstream::ObjectInfo o;
  o.name = "a.txt";
  o.bucket = "files";
  o.size = 6;
  o.mtime = kWhen;
  o.chunks = 1;
  o.digest = "SHA-256=abc";
  const std::size_t w = 17;
  EXPECT_EQ(object_info_text(o), "Object information for files > a.txt\n\n" +
                                     row("Size", "6 B", w) +
                                     row("Modification Time", "2023-01-10 12:24:56", w) +
                                     row("Chunks", "1", w) + row("Digest", "SHA-256=abc", w));
  EXPECT_EQ(object_table("files", {o}),
            "╭────────────────────────────────────╮\n"
            "│       Bucket Contents: files       │\n"
            "├───────┬──────┬─────────────────────┤\n"
            "│ Name  │ Size │ Time                │\n"
            "├───────┼──────┼─────────────────────┤\n"
            "│ a.txt │ 6 B  │ 2023-01-10 12:24:56 │\n"
            "╰───────┴──────┴─────────────────────╯\n");
}

TEST_F(JsFormatTest, BucketTablesStripTheStreamPrefix) {
  jetstream::StreamInfo kv;
  kv.config.name = "KV_cfg";
  kv.created = kWhen;
  EXPECT_NE(kv_bucket_table({kv}, kWhen).find("│ cfg    │"), std::string::npos);
  jetstream::StreamInfo obj;
  obj.config.name = "OBJ_files";
  obj.created = kWhen;
  EXPECT_NE(object_bucket_table({obj}).find("│ files  │"), std::string::npos);
  EXPECT_TRUE(object_bucket_text(obj).starts_with(
      "Information for Object Store Bucket files created 2023-01-10 12:24:56\n"));
}

}  // namespace
}  // namespace quiver::cli
