#include "testing/loadgen/js_api.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace quiver::loadgen::js {
namespace {

TEST(JsApiTest, Subjects) {
  EXPECT_EQ(stream_create_subject("LOADGEN"), "$JS.API.STREAM.CREATE.LOADGEN");
  EXPECT_EQ(stream_delete_subject("LOADGEN"), "$JS.API.STREAM.DELETE.LOADGEN");
  EXPECT_EQ(consumer_create_subject("S", "lg-pull"), "$JS.API.CONSUMER.CREATE.S.lg-pull");
  EXPECT_EQ(consumer_info_subject("S", "c"), "$JS.API.CONSUMER.INFO.S.c");
  EXPECT_EQ(consumer_delete_subject("S", "c"), "$JS.API.CONSUMER.DELETE.S.c");
  EXPECT_EQ(msg_next_subject("S", "lg-pull"), "$JS.API.CONSUMER.MSG.NEXT.S.lg-pull");
}

TEST(JsApiTest, StreamCreateBodyIsFileStorageOnOneSubject) {
  const std::string body = stream_create_body("LOADGEN", "lg.js");
  EXPECT_EQ(body, R"({"name":"LOADGEN","subjects":["lg.js"],"storage":"file","num_replicas":1})");
  // Valid JSON, and names are escaped.
  EXPECT_TRUE(boost::json::parse(body).is_object());
  EXPECT_EQ(stream_create_body("a\"b", "x"),
            R"({"name":"a\"b","subjects":["x"],"storage":"file","num_replicas":1})");
}

TEST(JsApiTest, PullConsumerBody) {
  ConsumerSpec spec;
  spec.durable = "lg-pull";
  EXPECT_EQ(consumer_create_body("LOADGEN", spec),
            R"({"stream_name":"LOADGEN","config":{"durable_name":"lg-pull",)"
            R"("deliver_policy":"all","ack_policy":"explicit","max_ack_pending":20000,)"
            R"("replay_policy":"instant"}})");
}

TEST(JsApiTest, PushConsumerBodyWithStartSequence) {
  ConsumerSpec spec;
  spec.durable = "lg-push";
  spec.deliver_subject = "_INBOX.ab.push";
  spec.start_seq = 1001;
  spec.max_ack_pending = 500;
  spec.ack_policy = "none";
  const std::string body = consumer_create_body("S", spec);
  EXPECT_EQ(body,
            R"({"stream_name":"S","config":{"durable_name":"lg-push",)"
            R"("deliver_policy":"by_start_sequence","opt_start_seq":1001,"ack_policy":"none",)"
            R"("max_ack_pending":500,"replay_policy":"instant",)"
            R"("deliver_subject":"_INBOX.ab.push"}})");
  const auto v = boost::json::parse(body);
  EXPECT_EQ(v.at("config").at("opt_start_seq").as_int64(), 1001);
}

TEST(JsApiTest, MsgNextBody) {
  EXPECT_EQ(msg_next_body(256), R"({"batch":256})");
  EXPECT_EQ(msg_next_body(1), R"({"batch":1})");
}

TEST(JsApiTest, ApiErrorOfNatsServerReplies) {
  // Observed from nats-server 2.9.10.
  const auto e = api_error(
      R"({"type":"io.nats.jetstream.api.v1.stream_info_response","error":{"code":404,)"
      R"("err_code":10059,"description":"stream not found"},"total":0,"offset":0,"limit":0})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 404);
  EXPECT_EQ(e->err_code, 10059);
  EXPECT_EQ(e->description, "stream not found");
  EXPECT_EQ(to_string(*e), "stream not found (code 404, err_code 10059)");

  EXPECT_FALSE(
      api_error(R"({"type":"io.nats.jetstream.api.v1.stream_delete_response","success":true})"));

  const auto junk = api_error("not json");
  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->description, "reply is not a JSON object: not json");
  EXPECT_EQ(to_string(*junk), "reply is not a JSON object: not json");
}

TEST(JsApiTest, PubAcks) {
  // 2.9.10 writes a blank after the comma; newer servers do not.
  PubAck a = parse_pub_ack(R"({"stream":"LOADGEN", "seq":12345})");
  EXPECT_TRUE(a.ok);
  EXPECT_EQ(a.seq, 12345u);
  a = parse_pub_ack(R"({"stream":"LOADGEN","seq":7,"duplicate":true})");
  EXPECT_TRUE(a.ok);
  EXPECT_EQ(a.seq, 7u);

  a = parse_pub_ack(
      R"({"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},)"
      R"("stream":"DN","seq":0})");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.error, "maximum messages exceeded (code 503, err_code 10077)");

  a = parse_pub_ack(R"({"stream":"S"})");
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.error, R"(malformed ack: {"stream":"S"})");
  a = parse_pub_ack(R"({"stream":"S","seq":x})");
  EXPECT_FALSE(a.ok);
}

TEST(JsApiTest, ConsumerInfoCounters) {
  const auto s = parse_consumer_info(
      R"({"type":"io.nats.jetstream.api.v1.consumer_info_response","stream_name":"S",)"
      R"("name":"c","delivered":{"consumer_seq":100,"stream_seq":100},)"
      R"("ack_floor":{"consumer_seq":98,"stream_seq":98},"num_ack_pending":2,)"
      R"("num_redelivered":0,"num_waiting":0,"num_pending":5})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->num_ack_pending, 2u);
  EXPECT_EQ(s->num_pending, 5u);
  EXPECT_EQ(s->delivered_consumer_seq, 100u);
  EXPECT_EQ(s->ack_floor_consumer_seq, 98u);

  EXPECT_FALSE(parse_consumer_info(
      R"({"error":{"code":404,"err_code":10014,"description":"consumer not found"}})"));
  EXPECT_FALSE(parse_consumer_info("[]"));
}

}  // namespace
}  // namespace quiver::loadgen::js
