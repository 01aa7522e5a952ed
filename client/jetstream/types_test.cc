#include "client/jetstream/types.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace quiver::client::jetstream {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

// Observed from nats-server 2.9.10 (STREAM.CREATE with allow_direct).
constexpr std::string_view kStreamCreate =
    R"({"type":"io.nats.jetstream.api.v1.stream_create_response","config":{"name":"S",)"
    R"("subjects":["s.\u003e"],"retention":"limits","max_consumers":-1,"max_msgs":-1,)"
    R"("max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,)"
    R"("discard":"old","storage":"file","num_replicas":1,"duplicate_window":120000000000,)"
    R"("allow_direct":true,"mirror_direct":false,"sealed":false,"deny_delete":false,)"
    R"("deny_purge":false,"allow_rollup_hdrs":false},"created":"2026-11-26T08:32:46.435983098Z",)"
    R"("state":{"messages":0,"bytes":0,"first_seq":0,"first_ts":"0001-01-01T00:00:00Z",)"
    R"("last_seq":0,"last_ts":"0001-01-01T00:00:00Z","consumer_count":0},"did_create":true})";

// Observed from nats-server 2.9.10 (CONSUMER.CREATE of a durable with a filter).
constexpr std::string_view kConsumerCreate =
    R"({"type":"io.nats.jetstream.api.v1.consumer_create_response","stream_name":"S",)"
    R"("name":"C1","created":"2026-11-26T08:32:53.778827889Z","config":{"durable_name":"C1",)"
    R"("name":"C1","deliver_policy":"all","ack_policy":"explicit","ack_wait":30000000000,)"
    R"("max_deliver":-1,"filter_subject":"s.a","replay_policy":"instant","max_waiting":512,)"
    R"("max_ack_pending":1000,"num_replicas":0},"delivered":{"consumer_seq":0,"stream_seq":0},)"
    R"("ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,)"
    R"("num_waiting":0,"num_pending":1})";

TEST(TypesTest, ParsesAServerStreamInfo) {
  auto body = parse_api_response(kStreamCreate);
  ASSERT_TRUE(body);
  auto info = parse_stream_info(body.value());
  ASSERT_TRUE(info) << info.error();
  const StreamConfig& c = info.value().config;
  EXPECT_EQ(c.name, "S");
  EXPECT_EQ(c.subjects, std::vector<std::string>{"s.>"});
  EXPECT_EQ(c.retention, RetentionPolicy::kLimits);
  EXPECT_EQ(c.max_msgs, -1);
  EXPECT_EQ(c.max_msg_size, -1);
  EXPECT_EQ(c.discard, DiscardPolicy::kOld);
  EXPECT_EQ(c.storage, StorageType::kFile);
  EXPECT_EQ(c.duplicate_window, std::chrono::minutes(2));
  EXPECT_TRUE(c.allow_direct);
  EXPECT_EQ(format_time(info.value().created), "2026-11-26T08:32:46.435983098Z");
  EXPECT_EQ(info.value().state.first_ts, Time{});
  EXPECT_EQ(info.value().state.messages, 0u);
}

TEST(TypesTest, ParsesAServerConsumerInfo) {
  auto body = parse_api_response(kConsumerCreate);
  ASSERT_TRUE(body);
  auto info = parse_consumer_info(body.value());
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info.value().stream_name, "S");
  EXPECT_EQ(info.value().name, "C1");
  EXPECT_EQ(info.value().num_pending, 1u);
  const ConsumerConfig& c = info.value().config;
  EXPECT_EQ(c.durable_name, "C1");
  EXPECT_EQ(c.ack_policy, AckPolicy::kExplicit);
  EXPECT_EQ(c.ack_wait, seconds(30));
  EXPECT_EQ(c.max_deliver, -1);
  EXPECT_EQ(c.filter_subject, "s.a");
  EXPECT_EQ(c.max_waiting, 512);
  EXPECT_EQ(c.max_ack_pending, 1000);
}

TEST(TypesTest, StreamConfigEncodesLikeNatsGo) {
  StreamConfig c;
  c.name = "ORDERS";
  c.subjects = {"orders.>"};
  c.max_age = seconds(60);
  c.allow_rollup_hdrs = true;
  EXPECT_EQ(json::serialize(to_json(c)),
            R"({"name":"ORDERS","subjects":["orders.>"],"retention":"limits",)"
            R"("max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"discard":"old",)"
            R"("max_age":60000000000,"max_msgs_per_subject":-1,"max_msg_size":-1,)"
            R"("storage":"file","num_replicas":1,"allow_rollup_hdrs":true,)"
            R"("allow_direct":false,"mirror_direct":false})");
}

TEST(TypesTest, ConsumerConfigOmitsZeroFields) {
  ConsumerConfig c;
  c.durable_name = "D";
  EXPECT_EQ(json::serialize(to_json(c)),
            R"({"durable_name":"D","deliver_policy":"all","ack_policy":"explicit",)"
            R"("replay_policy":"instant","num_replicas":0})");
  c.deliver_policy = DeliverPolicy::kByStartTime;
  c.opt_start_time = Time(std::chrono::seconds(1700000000));
  c.backoff = {seconds(1), seconds(5)};
  c.idle_heartbeat = seconds(5);
  c.flow_control = true;
  c.deliver_subject = "push.d";
  EXPECT_EQ(json::serialize(to_json(c)),
            R"({"durable_name":"D","deliver_policy":"by_start_time",)"
            R"("opt_start_time":"2023-11-14T22:13:20Z","ack_policy":"explicit",)"
            R"("backoff":[1000000000,5000000000],"replay_policy":"instant",)"
            R"("flow_control":true,"idle_heartbeat":5000000000,)"
            R"("deliver_subject":"push.d","num_replicas":0})");
}

TEST(TypesTest, ConfigsRoundTrip) {
  StreamConfig s;
  s.name = "KV_x";
  s.description = "d";
  s.subjects = {"$KV.x.>"};
  s.retention = RetentionPolicy::kWorkQueue;
  s.max_msgs_per_subject = 5;
  s.discard = DiscardPolicy::kNew;
  s.storage = StorageType::kMemory;
  s.duplicate_window = seconds(30);
  s.placement = Placement{"c1", {"a", "b"}};
  s.mirror = StreamSource{"M", 3, std::nullopt, "f.>", ExternalStream{"$JS.hub.API", ""}};
  s.sources = {StreamSource{"A", 0, Time(seconds(5)), "", std::nullopt}};
  s.deny_delete = true;
  s.republish = RePublish{"a.>", "b.>", true};
  s.allow_direct = true;
  auto back = parse_stream_config(json::value(to_json(s)));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back.value(), s);

  ConsumerConfig c;
  c.name = "N";
  c.deliver_policy = DeliverPolicy::kLastPerSubject;
  c.ack_policy = AckPolicy::kNone;
  c.ack_wait = seconds(3);
  c.max_deliver = 4;
  c.filter_subject = "a.*";
  c.replay_policy = ReplayPolicy::kOriginal;
  c.headers_only = true;
  c.max_bytes = 1024;
  c.inactive_threshold = seconds(9);
  c.mem_storage = true;
  auto cback = parse_consumer_config(json::value(to_json(c)));
  ASSERT_TRUE(cback) << cback.error();
  EXPECT_EQ(cback.value(), c);
}

TEST(TypesTest, WrongTypesAreBadResponses) {
  EXPECT_EQ(parse_stream_config(json::parse(R"({"name":5})")).error(), errc::kBadResponse);
  EXPECT_EQ(parse_stream_config(json::parse(R"({"retention":"forever"})")).error(),
            errc::kBadResponse);
  EXPECT_EQ(parse_consumer_info(json::parse(R"({"num_pending":-1})")).error(), errc::kBadResponse);
  EXPECT_EQ(parse_stream_info(json::parse("[]")).error(), errc::kBadResponse);
  EXPECT_EQ(parse_api_response("not json").error(), errc::kBadResponse);
  // Unknown fields (newer servers) are ignored.
  auto ok = parse_stream_config(json::parse(R"({"name":"S","compression":"s2","metadata":{}})"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok.value().name, "S");
}

TEST(TypesTest, ApiErrorsBecomeErrors) {
  auto r = parse_api_response(
      R"({"type":"io.nats.jetstream.api.v1.stream_info_response","error":{"code":404,)"
      R"("err_code":10059,"description":"stream not found"},"total":0,"offset":0,"limit":0})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::kStreamNotFound);
  EXPECT_EQ(r.error().status, 404);
  EXPECT_EQ(r.error().err_code, 10059);
  EXPECT_EQ(r.error().description, "stream not found");
}

TEST(TypesTest, PubAcks) {
  auto a = parse_pub_ack(R"({"stream":"ORDERS", "seq":1})");  // 2.9.10 puts a space there
  ASSERT_TRUE(a);
  EXPECT_EQ(a.value(), (PubAck{"ORDERS", 1, false, ""}));
  auto d = parse_pub_ack(R"({"stream":"S","seq":7,"duplicate":true,"domain":"hub"})");
  ASSERT_TRUE(d);
  EXPECT_EQ(d.value(), (PubAck{"S", 7, true, "hub"}));
  auto e = parse_pub_ack(
      R"({"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},)"
      R"("stream":"DN","seq":0})");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().err_code, 10077);
  EXPECT_EQ(e.error().status, 503);
  EXPECT_EQ(parse_pub_ack("{}").error(), errc::kBadResponse);
}

TEST(TypesTest, TimesFormatAndParse) {
  EXPECT_EQ(format_time(Time{}), "0001-01-01T00:00:00Z");
  EXPECT_EQ(parse_time("0001-01-01T00:00:00Z").value(), Time{});
  const Time t(std::chrono::nanoseconds(1795665302720784722));
  EXPECT_EQ(format_time(t), "2026-11-26T03:55:02.720784722Z");
  EXPECT_EQ(parse_time("2026-11-26T03:55:02.720784722Z").value(), t);
  EXPECT_EQ(format_time(Time(std::chrono::milliseconds(1500))), "1970-01-01T00:00:01.5Z");
  EXPECT_EQ(parse_time("1970-01-01T01:00:01.5+01:00").value(),
            Time(std::chrono::milliseconds(1500)));
  EXPECT_EQ(parse_time("1969-12-31T23:59:59Z").value(), Time(std::chrono::seconds(-1)));
  EXPECT_EQ(format_time(Time(std::chrono::seconds(-1))), "1969-12-31T23:59:59Z");
  EXPECT_EQ(parse_time("2024-02-29T12:00:00.123456789123Z").value(),
            parse_time("2024-02-29T12:00:00.123456789Z").value());
  for (const char* bad :
       {"", "2024-02-29", "2024-02-29T12:00:00", "2024-13-01T00:00:00Z", "2024-02-29T12:00:00.Z",
        "2024-02-29T12:00:00Zjunk", "2024-02-29 12:00:00Z"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
}

TEST(TypesTest, EnumNames) {
  EXPECT_EQ(to_string(DeliverPolicy::kLastPerSubject), "last_per_subject");
  EXPECT_EQ(to_string(DeliverPolicy::kByStartSequence), "by_start_sequence");
  EXPECT_EQ(to_string(RetentionPolicy::kWorkQueue), "workqueue");
  EXPECT_EQ(to_string(AckPolicy::kAll), "all");
  EXPECT_EQ(to_string(StorageType::kMemory), "memory");
  EXPECT_EQ(to_string(ReplayPolicy::kOriginal), "original");
  EXPECT_EQ(to_string(DiscardPolicy::kNew), "new");
}

}  // namespace
}  // namespace quiver::client::jetstream
