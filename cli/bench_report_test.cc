#include "cli/bench_report.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

ClientSample sample(std::uint64_t msgs, std::uint64_t size, milliseconds start, milliseconds end) {
  const Clock::time_point zero{};
  return ClientSample{msgs, msgs * size, zero + start, zero + end};
}

TEST(BenchReportTest, SampleRates) {
  const ClientSample s = sample(1000, 16, milliseconds(0), milliseconds(500));
  EXPECT_DOUBLE_EQ(s.rate(), 2000.0);
  EXPECT_DOUBLE_EQ(s.throughput(), 32000.0);
  EXPECT_EQ(ClientSample{}.rate(), 0.0);
}

TEST(BenchReportTest, GroupTotalSpansEarliestStartToLatestEnd) {
  SampleGroup g;
  g.clients = {sample(100, 10, milliseconds(0), milliseconds(100)),
               sample(300, 10, milliseconds(50), milliseconds(200)),
               sample(0, 10, milliseconds(0), milliseconds(0))};  // no messages: no timing
  const ClientSample t = g.total();
  EXPECT_EQ(t.msgs, 400u);
  EXPECT_EQ(t.bytes, 4000u);
  EXPECT_EQ(t.duration(), milliseconds(200));
  EXPECT_DOUBLE_EQ(t.rate(), 2000.0);
  const auto spread = g.spread();
  EXPECT_DOUBLE_EQ(spread.min, 0.0);
  EXPECT_DOUBLE_EQ(spread.max, 2000.0);
  EXPECT_DOUBLE_EQ(spread.avg, 1000.0);
}

TEST(BenchReportTest, PubOnlyTextIsOneLine) {
  BenchReport r;
  r.kind = "pub";
  r.msgs = 1000000;
  r.size = 16;
  r.pubs.clients = {sample(1000000, 16, milliseconds(0), milliseconds(500))};
  EXPECT_EQ(format_text(r), "Pub stats: 2,000,000 msgs/sec ~ 30.52 MB/sec\n");
}

TEST(BenchReportTest, PubSubTextLikeNatscli) {
  BenchReport r;
  r.kind = "pubsub";
  r.msgs = 2000;
  r.size = 1024;
  r.pubs.clients = {sample(1000, 1024, milliseconds(0), milliseconds(1000)),
                    sample(1000, 1024, milliseconds(0), milliseconds(500))};
  r.subs.clients = {sample(1990, 1024, milliseconds(100), milliseconds(1100))};
  r.expected = 2000;
  r.received = 1990;
  for (std::uint64_t ns : {10000u, 20000u, 30000u, 40000u}) r.latency.record(ns);
  r.latency_label = "publish to delivery";
  EXPECT_EQ(format_text(r),
            "NATS Pub/Sub stats: 3,627 msgs/sec ~ 3.54 MB/sec\n"
            " Pub stats: 2,000 msgs/sec ~ 1.95 MB/sec\n"
            "  [1] 1,000 msgs/sec ~ 1000.00 KB/sec (1000 msgs)\n"
            "  [2] 2,000 msgs/sec ~ 1.95 MB/sec (1000 msgs)\n"
            "  min 1,000 | avg 1,500 | max 2,000 | stddev 500 msgs\n"
            " Sub stats: 1,990 msgs/sec ~ 1.94 MB/sec\n"
            " Lost: 10 of 2,000 msgs (0.50%)\n"
            " Latency (publish to delivery): min 10.0\xc2\xb5s | p50 20.0\xc2\xb5s | p90 "
            "40.0\xc2\xb5s | p99 40.0\xc2\xb5s | p99.9 40.0\xc2\xb5s | max 40.0\xc2\xb5s (4 "
            "samples)\n");
}

TEST(BenchReportTest, RequestTextCountsUnansweredRequests) {
  BenchReport r;
  r.kind = "request";
  r.msgs = 100;
  r.size = 16;
  r.pubs.clients = {sample(98, 16, milliseconds(0), milliseconds(1000))};
  r.subs.clients = {sample(98, 16, milliseconds(0), milliseconds(1000))};
  r.failed = 2;
  r.latency.record(2500000);
  r.latency_label = "round trip";
  EXPECT_EQ(r.lost(), 2u);
  EXPECT_EQ(format_text(r),
            "Request stats: 98 msgs/sec ~ 1.53 KB/sec\n"
            "Reply stats: 98 msgs/sec ~ 1.53 KB/sec\n"
            "Unanswered: 2 of 100 requests (2.00%)\n"
            "Latency (round trip): min 2.50ms | p50 2.50ms | p90 2.50ms | p99 2.50ms | p99.9 "
            "2.50ms | max 2.50ms (1 samples)\n");
}

TEST(BenchReportTest, LostNeverNegative) {
  BenchReport r;
  r.kind = "pubsub";
  r.expected = 10;
  r.received = 12;
  EXPECT_EQ(r.lost(), 0u);
}

TEST(BenchReportTest, JsonHasEveryField) {
  BenchReport r;
  r.kind = "pubsub";
  r.subject = "bench.\"x\"";
  r.msgs = 1000;
  r.size = 16;
  r.queue = "";
  r.pubs.clients = {sample(1000, 16, milliseconds(0), milliseconds(500))};
  r.subs.clients = {sample(999, 16, milliseconds(0), milliseconds(1000))};
  r.expected = 1000;
  r.received = 999;
  r.latency.record(1500);
  r.latency.record(2500);
  EXPECT_EQ(format_json(r),
            "{\"kind\":\"pubsub\",\"subject\":\"bench.\\\"x\\\"\",\"msgs\":1000,\"size\":16,"
            "\"pubs\":1,\"subs\":1,\"queue\":\"\","
            "\"pub\":{\"msgs\":1000,\"bytes\":16000,\"seconds\":0.5,\"msgs_per_s\":2000,"
            "\"bytes_per_s\":32000,\"clients\":[{\"msgs\":1000,\"bytes\":16000,\"seconds\":0.5,"
            "\"msgs_per_s\":2000}]},"
            "\"sub\":{\"msgs\":999,\"bytes\":15984,\"seconds\":1,\"msgs_per_s\":999,"
            "\"bytes_per_s\":15984,\"clients\":[{\"msgs\":999,\"bytes\":15984,\"seconds\":1,"
            "\"msgs_per_s\":999}]},"
            "\"expected\":1000,\"received\":999,\"lost\":1,\"failed\":0,"
            "\"latency_us\":{\"count\":2,\"min\":1.5,\"mean\":2,\"p50\":1.5,\"p90\":2.5,"
            "\"p99\":2.5,\"p999\":2.5,\"max\":2.5},\"ack_latency_us\":null,\"js\":null}\n");
}

TEST(BenchReportTest, JsonNullsForMissingParts) {
  BenchReport r;
  r.kind = "pub";
  r.subject = "s";
  r.msgs = 1;
  r.size = 1;
  r.pubs.clients = {sample(1, 1, milliseconds(0), milliseconds(1))};
  const std::string json = format_json(r);
  EXPECT_NE(json.find("\"sub\":null"), std::string::npos);
  EXPECT_NE(json.find("\"latency_us\":null"), std::string::npos);
  EXPECT_NE(json.find("\"lost\":0"), std::string::npos);
}

TEST(BenchReportTest, JetStreamTextCountsUnacknowledgedPublishes) {
  BenchReport r;
  r.kind = "pubsub";
  r.msgs = 1000;
  r.size = 16;
  r.js = JsBenchSettings{.stream = "benchstream", .storage = "file", .publish = "async"};
  r.pubs.clients = {sample(990, 16, milliseconds(0), milliseconds(1000))};
  r.subs.clients = {sample(990, 16, milliseconds(0), milliseconds(1000))};
  r.failed = 10;
  r.expected = 1000;
  r.received = 990;
  r.ack_latency.record(2000000);
  r.latency.record(3000000);
  r.latency_label = "publish to delivery";
  EXPECT_EQ(format_text(r),
            "JetStream Pub/Sub stats: 1,980 msgs/sec ~ 30.94 KB/sec\n"
            " Pub stats: 990 msgs/sec ~ 15.47 KB/sec\n"
            " Sub stats: 990 msgs/sec ~ 15.47 KB/sec\n"
            " Unacknowledged: 10 of 1,000 publishes (1.00%)\n"
            " Lost: 10 of 1,000 msgs (1.00%)\n"
            " Latency (publish to ack): min 2.00ms | p50 2.00ms | p90 2.00ms | p99 2.00ms | p99.9 "
            "2.00ms | max 2.00ms (1 samples)\n"
            " Latency (publish to delivery): min 3.00ms | p50 3.00ms | p90 3.00ms | p99 3.00ms | "
            "p99.9 3.00ms | max 3.00ms (1 samples)\n");
}

TEST(BenchReportTest, JetStreamJson) {
  BenchReport r;
  r.kind = "pub";
  r.subject = "s";
  r.msgs = 1;
  r.size = 1;
  r.pubs.clients = {sample(1, 1, milliseconds(0), milliseconds(1))};
  r.ack_latency.record(1500);
  r.js = JsBenchSettings{.stream = "S",
                         .storage = "memory",
                         .publish = "async",
                         .window = 256,
                         .consumer = "",
                         .pull_batch = 0,
                         .acks = true};
  const std::string json = format_json(r);
  EXPECT_NE(json.find("\"ack_latency_us\":{\"count\":1,\"min\":1.5,"), std::string::npos) << json;
  EXPECT_TRUE(
      json.ends_with(",\"js\":{\"stream\":\"S\",\"storage\":\"memory\",\"publish\":"
                     "\"async\",\"window\":256,\"consumer\":\"\",\"pull_batch\":0,"
                     "\"acks\":true}}\n"))
      << json;
}

}  // namespace
}  // namespace quiver::cli
