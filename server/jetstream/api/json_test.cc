#include "server/jetstream/api/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "server/jetstream/api/golden.h"

namespace quiver::server::jetstream::api {
namespace {

using testing::golden;
using testing::golden_field;
using testing::golden_names;

UnixNanos golden_time(std::string_view case_name, std::string_view path) {
  const auto t = parse_time(golden_field(*golden(case_name).reply, path));
  EXPECT_TRUE(t) << case_name << " " << path;
  return t ? t.value().unix_ns : 0;
}

// The ApiError inside a golden reply ({"error":{...}} at the top level).
ApiError golden_error(std::string_view reply) {
  const boost::json::value v = boost::json::parse(reply);
  const auto& e = v.at("error").as_object();
  ApiError out;
  out.code = static_cast<int>(e.at("code").as_int64());
  out.err_code = static_cast<std::uint16_t>(e.at("err_code").as_int64());
  out.description = std::string(e.at("description").as_string());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time

TEST(JsonTimeTest, ZeroTimeIsGoZeroTime) {
  EXPECT_EQ(format_time(0), "0001-01-01T00:00:00Z");
  const auto t = parse_time("0001-01-01T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t.value(), (ClientTime{0, 0}));
}

TEST(JsonTimeTest, FormatsLikeRfc3339NanoWithTrailingZerosTrimmed) {
  EXPECT_EQ(format_time(1'795'665'302'720'784'722), "2026-11-26T03:55:02.720784722Z");
  EXPECT_EQ(format_time(1'795'665'302'720'000'000), "2026-11-26T03:55:02.72Z");
  EXPECT_EQ(format_time(1'795'665'302'000'000'000), "2026-11-26T03:55:02Z");
  EXPECT_EQ(format_time(1), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(format_time(951'782'400'000'000'000), "2000-02-29T00:00:00Z");
}

TEST(JsonTimeTest, ParsesGoldenTimestampsBackToTheSameText) {
  for (const char* text : {"2026-11-26T08:33:13.8428941Z", "2026-11-26T08:33:09.401787014Z",
                           "2020-05-06T07:08:09.5Z", "2023-01-02T03:04:05.123Z"}) {
    const auto t = parse_time(text);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(format_time(t.value()), text);
  }
}

TEST(JsonTimeTest, KeepsTheClientsUtcOffset) {
  const auto t = parse_time("2020-05-06T07:08:09.123456789+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t.value().utc_offset_s, 7200);
  EXPECT_EQ(format_time(t.value().unix_ns), "2020-05-06T05:08:09.123456789Z");
  EXPECT_EQ(format_time(t.value()), "2020-05-06T07:08:09.123456789+02:00");
  const auto west = parse_time("2020-01-01T00:30:00-01:30");
  ASSERT_TRUE(west);
  EXPECT_EQ(format_time(west.value().unix_ns), "2020-01-01T02:00:00Z");
  EXPECT_EQ(format_time(west.value()), "2020-01-01T00:30:00-01:30");
  const auto utc = parse_time("2020-01-01T00:00:00+00:00");
  ASSERT_TRUE(utc);
  EXPECT_EQ(format_time(utc.value()), "2020-01-01T00:00:00Z");
}

TEST(JsonTimeTest, TruncatesFractionsPastNanoseconds) {
  const auto t = parse_time("2020-01-01T00:00:00.1234567899999Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(t.value()), "2020-01-01T00:00:00.123456789Z");
}

TEST(JsonTimeTest, RejectsWhatGoRejects) {
  for (const char* bad :
       {"", "2020-01-01", "2020-01-01T00:00:00", "2020-01-01t00:00:00Z", "2020-01-01T00:00:00z",
        "2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z", "2021-02-29T00:00:00Z",
        "2020-01-01T24:00:00Z", "2020-01-01T00:60:00Z", "2020-01-01T00:00:60Z",
        "2020-01-01T00:00:00Zx", "20-01-01T00:00:00Z", "2020-1-01T00:00:00Z",
        "2020-01-01T00:00:00+0200", "2020-01-01T00:00:00.Z", "3000-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
  EXPECT_TRUE(parse_time("2024-02-29T23:59:59,5Z"));
}

// ---------------------------------------------------------------------------------------------
// Error responses: every error nats-server 2.9.10 answered, rebuilt byte for byte.

std::string error_reply_for(std::string_view type, const ApiError& e) {
  if (type == kStreamInfoResponseType) return to_json(StreamInfoResponse{e, {}, {}});
  if (type == kStreamNamesResponseType) return to_json(StreamNamesResponse{e, {}, {}});
  if (type == kStreamListResponseType) return to_json(StreamListResponse{e, {}, {}, {}});
  if (type == kStreamPurgeResponseType) return to_json(StreamPurgeResponse{e, false, 0});
  if (type == kConsumerNamesResponseType) return to_json(ConsumerNamesResponse{e, {}, {}});
  if (type == kConsumerListResponseType) return to_json(ConsumerListResponse{e, {}, {}, {}});
  if (type == kStreamCreateResponseType) return to_json(StreamCreateResponse{e, {}, false});
  if (type == kStreamUpdateResponseType) return to_json(StreamUpdateResponse{e, {}});
  if (type == kStreamDeleteResponseType) return to_json(StreamDeleteResponse{e, false});
  if (type == kMsgGetResponseType) return to_json(MsgGetResponse{e, {}});
  if (type == kMsgDeleteResponseType) return to_json(MsgDeleteResponse{e, false});
  if (type == kConsumerCreateResponseType) return to_json(ConsumerCreateResponse{e, {}});
  if (type == kConsumerInfoResponseType) return to_json(ConsumerInfoResponse{e, {}});
  if (type == kConsumerDeleteResponseType) return to_json(ConsumerDeleteResponse{e, false});
  if (type == kAccountInfoResponseType) return to_json(AccountInfoResponse{e, {}});
  ADD_FAILURE() << "unknown type " << type;
  return {};
}

TEST(JsonGoldenTest, EveryCapturedApiErrorResponseIsReproducedExactly) {
  int checked = 0;
  for (const std::string& name : golden_names()) {
    const auto& c = golden(name);
    if (!c.reply || c.reply->find("\"error\":") == std::string::npos) continue;
    const boost::json::value v = boost::json::parse(*c.reply);
    const ApiError e = golden_error(*c.reply);
    if (!v.as_object().contains("type")) {
      // A publish error (PubAck shape).
      EXPECT_EQ(pub_ack_error_json(e, golden_field(*c.reply, "stream")), *c.reply) << name;
    } else {
      const std::string type(v.at("type").as_string());
      EXPECT_EQ(error_reply_for(type, e), *c.reply) << name;
    }
    ++checked;
  }
  EXPECT_GE(checked, 120);
}

TEST(JsonGoldenTest, ErrorResponseJsonMatchesTheSimpleShape) {
  EXPECT_EQ(error_response_json(kStreamDeleteResponseType, kJSStreamNotFoundErr.error()),
            *golden("stream_delete_no_stream").reply);
}

TEST(JsonGoldenTest, PubAckIsHandFormattedWithASpace) {
  EXPECT_EQ(pub_ack_json({"ORDERS", 1, "", false}), *golden("pub_ack").reply);
  EXPECT_EQ(pub_ack_json({"ORDERS", 2, "", true}), *golden("pub_ack_duplicate").reply);
  EXPECT_EQ(pub_ack_json({"KV_cfg", 1, "", false}), *golden("pub_kv").reply);
  EXPECT_EQ(pub_ack_json({"ORDERS", 7, "hub", false}),
            R"({"stream":"ORDERS", "domain":"hub", "seq":7})");
  // %q, not JSON escaping, for the stream name.
  EXPECT_EQ(pub_ack_json({"a\"b\x01\xff", 1, "", false}), R"({"stream":"a\"b\x01\xff", "seq":1})");
  EXPECT_EQ(pub_ack_error_json(wrong_last_sequence(2), "ORDERS"),
            *golden("pub_wrong_last_seq").reply);
  EXPECT_EQ(pub_ack_error_json(stream_store_failed("maximum messages exceeded"), "DN"),
            *golden("pub_dn_2").reply);
  EXPECT_EQ(
      pub_ack_error_json(kJSStreamSealedErr.error(), "SEAL", "hub"),
      R"({"error":{"code":400,"err_code":10109,"description":"invalid operation on sealed stream"},"stream":"SEAL","seq":0,"domain":"hub"})");
}

// ---------------------------------------------------------------------------------------------
// Success responses built from plain structs.

TEST(JsonGoldenTest, MsgGetWritesBase64HeadersAndData) {
  MsgGetResponse r;
  r.message = StoredMessage{"$KV.cfg.a", 1, "NATS/1.0\r\nKV-Operation: PUT\r\n\r\n", "va",
                            golden_time("msg_get_seq_hdrs", "message.time")};
  EXPECT_EQ(to_json(r), *golden("msg_get_seq_hdrs").reply);
  r.message = StoredMessage{"$KV.cfg.b", 2, "", "vb", golden_time("msg_get_last", "message.time")};
  EXPECT_EQ(to_json(r), *golden("msg_get_last").reply);
  r.message = StoredMessage{"orders.x", 3, "", "m0", golden_time("msg_get_next", "message.time")};
  EXPECT_EQ(to_json(r), *golden("msg_get_next").reply);
  r.message = StoredMessage{"e", 4, "", "", 0};
  EXPECT_EQ(
      to_json(r),
      R"({"type":"io.nats.jetstream.api.v1.stream_msg_get_response","message":{"subject":"e","seq":4,"time":"0001-01-01T00:00:00Z"}})");
}

TEST(JsonGoldenTest, NamesResponsesWriteNullOrEmptyListsAsGoDoes) {
  StreamNamesResponse names;
  names.paged = {13, 0, kApiNamesLimit};
  names.streams = {"DN",     "DNPS", "FULL", "KV_cfg", "MAXC", "MIN", "MIR",
                   "ORDERS", "RPA",  "RPW",  "SEAL",   "SRC",  "WQ"};
  EXPECT_EQ(to_json(names), *golden("stream_names").reply);
  EXPECT_EQ(to_json(StreamNamesResponse{{}, {0, 0, kApiNamesLimit}, {}}),
            *golden("stream_names_no_match").reply);
  EXPECT_EQ(to_json(StreamNamesResponse{{}, {13, 13, kApiNamesLimit}, {}}),
            *golden("stream_names_offset").reply);
  EXPECT_EQ(
      to_json(ConsumerNamesResponse{{}, {4, 0, kApiNamesLimit}, {"BST", "NAMED", "PULL", "PUSH"}}),
      *golden("consumer_names").reply);
  EXPECT_EQ(to_json(ConsumerNamesResponse{{}, {0, 0, kApiNamesLimit}, {}}),
            *golden("consumer_names_empty").reply);
  EXPECT_EQ(to_json(ConsumerListResponse{{}, {0, 0, kApiListLimit}, {}, {}}),
            *golden("consumer_list_empty").reply);
  EXPECT_EQ(to_json(StreamListResponse{{}, {0, 0, kApiListLimit}, {}, {}}),
            *golden("stream_list_no_match").reply);
}

TEST(JsonGoldenTest, DeletePurgeAndSuccessResponses) {
  EXPECT_EQ(to_json(StreamDeleteResponse{{}, true}), *golden("stream_delete_ok").reply);
  EXPECT_EQ(to_json(ConsumerDeleteResponse{{}, true}), *golden("consumer_delete_ok").reply);
  EXPECT_EQ(to_json(MsgDeleteResponse{{}, true}), *golden("msg_delete_ok").reply);
  EXPECT_EQ(to_json(StreamPurgeResponse{{}, true, 2}), *golden("purge_all").reply);
  EXPECT_EQ(to_json(StreamPurgeResponse{{}, true, 1}), *golden("purge_filter_keep").reply);
}

TEST(JsonGoldenTest, AccountInfo) {
  const std::string& reply = *golden("account_info").reply;
  const boost::json::value v = boost::json::parse(reply);
  AccountInfo info;  // limits default to -1 (none configured)
  info.memory = v.at("memory").to_number<std::uint64_t>();
  info.storage = v.at("storage").to_number<std::uint64_t>();
  info.streams = v.at("streams").to_number<std::int64_t>();
  info.consumers = v.at("consumers").to_number<std::int64_t>();
  info.api.total = v.at("api").at("total").to_number<std::uint64_t>();
  info.api.errors = v.at("api").at("errors").to_number<std::uint64_t>();
  EXPECT_EQ(to_json(AccountInfoResponse{{}, info}), reply);
  info.domain = "hub";
  info.api.inflight = 2;
  const std::string with_domain = to_json(AccountInfoResponse{{}, info});
  EXPECT_NE(with_domain.find(R"("max_bytes_required":false},"domain":"hub","api":{)"),
            std::string::npos);
  EXPECT_NE(with_domain.find(R"(,"inflight":2}})"), std::string::npos);
}

// `prefix` locates the StreamInfo inside the reply ("" or "streams.0.").
StreamInfo kv_info(std::string_view case_name, bool with_subjects, std::string prefix = "") {
  StreamInfo i;
  i.config.name = "KV_cfg";
  i.config.subjects = {"$KV.cfg.>"};
  i.config.max_consumers = -1;
  i.config.max_msgs = -1;
  i.config.max_bytes = -1;
  i.config.max_age = 60 * kSecond;
  i.config.max_msgs_per_subject = 5;
  i.config.max_msg_size = -1;
  i.config.discard = DiscardPolicy::kNew;
  i.config.storage = StorageType::kMemory;
  i.config.num_replicas = 1;
  i.config.duplicate_window = 60 * kSecond;
  i.config.allow_direct = true;
  i.config.deny_delete = true;
  i.config.allow_rollup_hdrs = true;
  i.created = golden_time(case_name, prefix + "created");
  i.state.messages = 2;
  i.state.bytes = 85;
  i.state.first_seq = 1;
  i.state.first_ts = golden_time(case_name, prefix + "state.first_ts");
  i.state.last_seq = 2;
  i.state.last_ts = golden_time(case_name, prefix + "state.last_ts");
  i.state.num_subjects = 2;
  if (with_subjects) i.state.subjects = {{"$KV.cfg.b", 1}, {"$KV.cfg.a", 1}};
  return i;
}

TEST(JsonGoldenTest, StreamInfoWithSubjectsAndPaging) {
  EXPECT_EQ(to_json(StreamInfoResponse{{}, {2, 0, 100000}, kv_info("stream_info_subjects", true)}),
            *golden("stream_info_subjects").reply);
  EXPECT_EQ(
      to_json(StreamListResponse{
          {}, {1, 0, kApiListLimit}, {kv_info("stream_list_filter", false, "streams.0.")}, {}}),
      *golden("stream_list_filter").reply);
}

TEST(JsonGoldenTest, StreamInfoWithDeletedDetails) {
  StreamInfo i;
  i.config.name = "ORDERS";
  i.config.description = "orders";
  i.config.subjects = {"orders.>"};
  i.config.max_consumers = -1;
  i.config.max_msgs = 100;
  i.config.max_bytes = -1;
  i.config.max_msgs_per_subject = -1;
  i.config.max_msg_size = -1;
  i.config.storage = StorageType::kMemory;
  i.config.num_replicas = 1;
  i.config.duplicate_window = 2 * kMinute;
  i.created = golden_time("stream_info_deleted", "created");
  i.state = {3,  83,
             1,  golden_time("stream_info_deleted", "state.first_ts"),
             5,  golden_time("stream_info_deleted", "state.last_ts"),
             2,  {},
             2,  {2, 3},
             {}, 0};
  EXPECT_EQ(to_json(StreamInfoResponse{{}, {}, i}), *golden("stream_info_deleted").reply);

  // After a purge: first_seq is last_seq + 1, no first_ts, and consumers counted.
  i.state = {0, 0,  6, 0,  5,  golden_time("stream_info_after_purge", "state.last_ts"),
             0, {}, 0, {}, {}, 3};
  EXPECT_EQ(to_json(StreamInfoResponse{{}, {}, i}), *golden("stream_info_after_purge").reply);
}

TEST(JsonTest, OptionalStructMembersAreWrittenInGoOrder) {
  StreamInfo i;
  i.config.name = "S";
  i.domain = "hub";
  i.cluster = ClusterInfo{"c", "n1", {PeerInfo{"n2", true, false, 5, 0, "p2"}}};
  i.mirror = StreamSourceInfo{"M", ExternalStream{"a", "d"}, 3, 7, kJSStreamNotFoundErr.error()};
  i.sources = {StreamSourceInfo{"X", {}, 0, -1, {}}};
  i.alternates = {StreamAlternate{"S", "", "c"}};
  i.state.lost = LostStreamData{{}, 9};
  const std::string j = to_json(i);
  EXPECT_NE(
      j.find(
          R"("lost":{"msgs":null,"bytes":9},"consumer_count":0},"domain":"hub","cluster":{"name":"c","leader":"n1","replicas":[{"name":"n2","current":true,"active":5,"peer":"p2"}]},"mirror":{"name":"M","external":{"api":"a","deliver":"d"},"lag":3,"active":7,"error":{"code":404,"err_code":10059,"description":"stream not found"}},"sources":[{"name":"X","lag":0,"active":-1}],"alternates":[{"name":"S","cluster":"c"}]})"),
      std::string::npos)
      << j;
}

TEST(JsonTest, ConsumerInfoOptionalMembers) {
  ConsumerInfo ci;
  ci.stream_name = "S";
  ci.name = "C";
  ci.delivered.last_active = 1;
  ci.push_bound = true;
  ci.cluster = ClusterInfo{"", "n1", {}};
  EXPECT_EQ(
      to_json(ci),
      R"({"stream_name":"S","name":"C","created":"0001-01-01T00:00:00Z","delivered":{"consumer_seq":0,"stream_seq":0,"last_active":"1970-01-01T00:00:00.000000001Z"},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0,"cluster":{"leader":"n1"},"push_bound":true})");
}

// ---------------------------------------------------------------------------------------------
// Decoding

TEST(JsonParseTest, EveryCapturedInvalidJsonCaseFailsTheSameWay) {
  struct Case {
    const char* name;
    bool consumer;
  };
  for (const Case c : {Case{"stream_create_wrong_type", false},
                       {"stream_create_bad_enum", false},
                       {"stream_create_duration_string", false},
                       {"stream_create_float_int", false},
                       {"stream_create_malformed", false},
                       {"stream_create_empty", false},
                       {"stream_create_array", false},
                       {"consumer_create_bad_json", true},
                       {"consumer_create_empty", true},
                       {"consumer_create_bad_enum", true}}) {
    const auto& g = golden(c.name);
    const ApiError want = golden_error(*g.reply);
    const ApiError got = c.consumer ? parse_create_consumer_request(g.body).error()
                                    : parse_stream_config(g.body).error();
    EXPECT_EQ(got, want) << c.name;
  }
  EXPECT_EQ(parse_stream_info_request(golden("stream_info_bad_json").body).error(),
            golden_error(*golden("stream_info_bad_json").reply));
  EXPECT_EQ(parse_stream_names_request(golden("stream_names_bad_json").body).error(),
            golden_error(*golden("stream_names_bad_json").reply));
  EXPECT_EQ(parse_consumers_request(golden("consumer_names_bad_json").body).error(),
            golden_error(*golden("consumer_names_bad_json").reply));
  EXPECT_EQ(parse_stream_purge_request(golden("purge_bad_json").body).error(),
            golden_error(*golden("purge_bad_json").reply));
  EXPECT_EQ(parse_stream_purge_request(golden("purge_seq_and_keep").body).error(),
            golden_error(*golden("purge_seq_and_keep").reply));
  EXPECT_EQ(parse_msg_delete_request(golden("msg_delete_bad_json").body).error(),
            golden_error(*golden("msg_delete_bad_json").reply));
  EXPECT_EQ(parse_msg_delete_request(golden("msg_delete_empty").body).error(),
            golden_error(*golden("msg_delete_empty").reply));
  for (const char* name : {"msg_get_empty", "msg_get_empty_object", "msg_get_both",
                           "msg_get_last_and_next", "msg_get_bad_json"}) {
    EXPECT_EQ(parse_msg_get_request(golden(name).body).error(), golden_error(*golden(name).reply))
        << name;
  }
}

TEST(JsonParseTest, MatchesKeysLikeGoAndIgnoresUnknownOnes) {
  const auto cfg = parse_stream_config(
      R"({"NAME":"E","Subjects":["e"],"unknown":{"deep":[1,{"x":null}]},"max_age":null,)"
      R"("MAX_MSGS":5,"disca\u0072d":"new","max_byte\u017f":9,"subjects":["a","b"]})");
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg.value().name, "E");
  EXPECT_EQ(cfg.value().subjects, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cfg.value().max_age, 0);
  EXPECT_EQ(cfg.value().max_msgs, 5);
  EXPECT_EQ(cfg.value().max_bytes, 9);  // long s folds to 's'
  EXPECT_EQ(cfg.value().discard, DiscardPolicy::kNew);
}

TEST(JsonParseTest, NullClearsListsAndPointersButLeavesScalars) {
  // (Distinct keys: the Boost DOM keeps the last of duplicate keys, see json.h.)
  const auto cfg = parse_stream_config(
      R"({"Name":"A","subjects":null,"mirror":null,"name":null,"max_age":null})");
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg.value().name, "A");
  EXPECT_TRUE(cfg.value().subjects.empty());
  EXPECT_FALSE(cfg.value().mirror);
  // A top-level null decodes to the zero config, as json.Unmarshal does.
  ASSERT_TRUE(parse_stream_config("null"));
  EXPECT_EQ(parse_stream_config("null").value(), StreamConfig{});
}

TEST(JsonParseTest, EnumsAreExactExceptDiscard) {
  EXPECT_TRUE(parse_stream_config(R"({"discard":"NEW"})"));
  EXPECT_FALSE(parse_stream_config(R"({"storage":"Memory"})"));
  EXPECT_FALSE(parse_stream_config(R"({"retention":"Limits"})"));
  EXPECT_FALSE(parse_stream_config(R"({"retention":null})"));
  EXPECT_FALSE(parse_stream_config(R"({"discard":null})"));
  EXPECT_FALSE(parse_stream_config(R"({"storage":null})"));
  const auto c = parse_consumer_config(R"({"deliver_policy":"undefined","ack_policy":"all"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c.value().deliver_policy, DeliverPolicy::kAll);
  EXPECT_EQ(c.value().ack_policy, AckPolicy::kAll);
  EXPECT_FALSE(parse_consumer_config(R"({"replay_policy":"fast"})"));
}

TEST(JsonParseTest, IntegersMustFitTheGoType) {
  EXPECT_FALSE(parse_stream_config(R"({"max_msg_size":4294967296})"));
  EXPECT_FALSE(parse_stream_config(R"({"max_msg_size":2147483648})"));
  EXPECT_TRUE(parse_stream_config(R"({"max_msg_size":2147483647})"));
  EXPECT_FALSE(parse_stream_config(R"({"max_msgs":1e3})"));
  EXPECT_FALSE(parse_stream_config(R"({"max_msgs":1.0})"));
  EXPECT_FALSE(parse_stream_config(R"({"max_msgs":"1"})"));
  EXPECT_FALSE(parse_stream_config(R"({"max_msgs":9223372036854775808})"));
  EXPECT_FALSE(parse_consumer_config(R"({"opt_start_seq":-1})"));
  const auto c = parse_consumer_config(R"({"rate_limit_bps":18446744073709551615})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c.value().rate_limit_bps, 18446744073709551615ull);
  EXPECT_FALSE(parse_stream_config(R"({"sealed":1})"));
  EXPECT_FALSE(parse_stream_config(R"({"subjects":"a"})"));
  EXPECT_FALSE(parse_stream_config(R"({"subjects":[1]})"));
  EXPECT_FALSE(parse_stream_config(R"({"mirror":"M"})"));
}

TEST(JsonParseTest, InvalidUtf8BecomesReplacementCharacters) {
  const auto cfg =
      parse_stream_config(std::string("{\"description\":\"a\xff"
                                      "b\"}"));
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg.value().description,
            "a\xEF\xBF\xBD"
            "b");
}

TEST(JsonParseTest, DeepUnknownValuesAreSkippedNotRefused) {
  std::string deep = R"({"name":"D","x":)";
  for (int i = 0; i < 500; ++i) deep += "[";
  for (int i = 0; i < 500; ++i) deep += "]";
  deep += "}";
  ASSERT_TRUE(parse_stream_config(deep));
  EXPECT_EQ(parse_stream_config(deep).value().name, "D");
}

StreamConfig full_stream_config() {
  StreamConfig c;
  c.name = "FULL";
  c.description = "all <fields> & more";
  c.subjects = {"full.a", "full.b.*"};
  c.retention = RetentionPolicy::kInterest;
  c.max_consumers = 10;
  c.max_msgs = 1000;
  c.max_bytes = 1048576;
  c.max_age = 3600 * kSecond;
  c.max_msgs_per_subject = 5;
  c.max_msg_size = 4096;
  c.discard = DiscardPolicy::kNew;
  c.storage = StorageType::kMemory;
  c.num_replicas = 1;
  c.no_ack = true;
  c.template_owner = "T";
  c.duplicate_window = 60 * kSecond;
  c.placement = Placement{"c1", {"t1", "t2"}};
  c.mirror = StreamSource{"M", 3, ClientTime{1'600'000'000'123'000'000, -3600}, "m.>",
                          ExternalStream{"$JS.x.API", "dl"}};
  c.sources = {StreamSource{"A", 0, {}, "", {}}, StreamSource{"B", 9, {}, "b", {}}};
  c.republish = RePublish{"full.a", "rp.a", true};
  c.allow_direct = true;
  c.mirror_direct = true;
  c.discard_new_per_subject = true;
  c.sealed = true;
  c.deny_delete = true;
  c.deny_purge = true;
  c.allow_rollup_hdrs = true;
  return c;
}

TEST(JsonRoundTripTest, StreamConfig) {
  const StreamConfig c = full_stream_config();
  const auto back = parse_stream_config(to_json(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value(), c);
  EXPECT_EQ(to_json(back.value()), to_json(c));
  const auto zero = parse_stream_config(to_json(StreamConfig{}));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero.value(), StreamConfig{});
}

TEST(JsonRoundTripTest, ConsumerConfigAndCreateRequest) {
  ConsumerConfig c;
  c.durable_name = "D";
  c.name = "D";
  c.description = "d";
  c.deliver_policy = DeliverPolicy::kByStartTime;
  c.opt_start_seq = 4;
  c.opt_start_time = ClientTime{1'588'748'889'123'456'789, 7200};
  c.ack_policy = AckPolicy::kExplicit;
  c.ack_wait = kSecond;
  c.max_deliver = 5;
  c.backoff = {kSecond, 2 * kSecond};
  c.filter_subject = "f.>";
  c.replay_policy = ReplayPolicy::kOriginal;
  c.rate_limit_bps = 8;
  c.sample_freq = "5%";
  c.max_waiting = 3;
  c.max_ack_pending = 2;
  c.idle_heartbeat = kSecond;
  c.flow_control = true;
  c.headers_only = true;
  c.max_batch = 10;
  c.max_expires = kSecond;
  c.max_bytes = 100;
  c.deliver_subject = "d";
  c.deliver_group = "g";
  c.inactive_threshold = kMinute;
  c.num_replicas = 1;
  c.mem_storage = true;
  c.direct = true;
  const auto back = parse_consumer_config(to_json(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value(), c);
  EXPECT_NE(to_json(c).find(R"("opt_start_time":"2020-05-06T09:08:09.123456789+02:00")"),
            std::string::npos);

  const std::string req = R"({"stream_name":"S","config":)" + to_json(c) + R"(,"action":"create"})";
  const auto r = parse_create_consumer_request(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().stream_name, "S");
  EXPECT_EQ(r.value().config, c);
  EXPECT_EQ(r.value().action, "create");
}

TEST(JsonParseTest, EmptyRequests) {
  EXPECT_TRUE(is_empty_request(""));
  EXPECT_TRUE(is_empty_request("{}"));
  EXPECT_TRUE(is_empty_request(" { } "));
  EXPECT_FALSE(is_empty_request("null"));
  EXPECT_FALSE(is_empty_request("{\"x\":1}"));
  EXPECT_FALSE(is_empty_request("{"));
  EXPECT_FALSE(is_empty_request("[]"));
  EXPECT_EQ(parse_stream_info_request("").value(), StreamInfoRequest{});
  const auto info =
      parse_stream_info_request(R"({"deleted_details":true,"subjects_filter":">","offset":5})");
  ASSERT_TRUE(info);
  EXPECT_EQ(info.value(), (StreamInfoRequest{5, true, ">"}));
  EXPECT_EQ(parse_stream_names_request(R"({"subject":"a.*","offset":2})").value(),
            (StreamNamesRequest{2, "a.*"}));
  EXPECT_EQ(parse_stream_purge_request(R"({"filter":"a","keep":2})").value(),
            (StreamPurgeRequest{0, "a", 2}));
  EXPECT_EQ(parse_stream_purge_request("").value(), StreamPurgeRequest{});
  EXPECT_EQ(parse_consumers_request(R"({"offset":3})").value(), ConsumersRequest{3});
  EXPECT_EQ(parse_msg_get_request(R"({"next_by_subj":"a","seq":2})").value(),
            (MsgGetRequest{2, "", "a"}));
  EXPECT_EQ(parse_msg_get_request(R"({"last_by_subj":"a"})").value(), (MsgGetRequest{0, "a", ""}));
  EXPECT_EQ(parse_msg_delete_request(R"({"seq":3,"no_erase":true})").value(),
            (MsgDeleteRequest{3, true}));
}

// No input makes a parser throw or crash: every prefix of every captured request body.
TEST(JsonParseTest, ParsersSurviveEveryPrefixOfEveryCapturedBody) {
  int parsed = 0;
  for (const std::string& name : golden_names()) {
    const std::string& body = golden(name).body;
    for (std::size_t n = 0; n <= body.size(); ++n) {
      const std::string_view p(body.data(), n);
      parsed += parse_stream_config(p).has_value();
      parsed += parse_create_consumer_request(p).has_value();
      parsed += parse_consumer_config(p).has_value();
      parsed += parse_stream_info_request(p).has_value();
      parsed += parse_stream_names_request(p).has_value();
      parsed += parse_stream_purge_request(p).has_value();
      parsed += parse_consumers_request(p).has_value();
      parsed += parse_msg_get_request(p).has_value();
      parsed += parse_msg_delete_request(p).has_value();
      parsed += parse_next_request(p).has_value();
      parsed += parse_time(p).has_value();
      parsed += is_empty_request(p);
    }
  }
  EXPECT_GT(parsed, 1000);
}

TEST(JsonParseTest, NextRequestForms) {
  EXPECT_EQ(parse_next_request("").value().batch, 1);
  EXPECT_EQ(parse_next_request(" \r\n").value().batch, 1);
  EXPECT_EQ(parse_next_request("5").value().batch, 5);
  EXPECT_EQ(parse_next_request(" +7 ").value().batch, 7);
  EXPECT_EQ(parse_next_request("-2").value().batch, -2);
  EXPECT_EQ(parse_next_request("abc").value().batch, 1);
  EXPECT_EQ(parse_next_request("99999999999999999999").value().batch, 1);
  const auto r = parse_next_request(
      R"({"batch":10,"expires":5000000000,"max_bytes":1024,"no_wait":true,"idle_heartbeat":1000000000})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value(), (NextRequest{5 * kSecond, 10, 1024, true, kSecond}));
  EXPECT_EQ(parse_next_request("{}").value(), NextRequest{});
}

// The pull request's 400 status text, as in NATS/1.0 400 <description>.
std::string status_text(std::string_view case_name) {
  const std::string& h = *golden(case_name).reply_headers;
  const std::string prefix = "NATS/1.0 400 ";
  EXPECT_EQ(h.substr(0, prefix.size()), prefix);
  return h.substr(prefix.size(), h.find("\r\n") - prefix.size());
}

TEST(JsonParseTest, NextRequestErrorsMatchTheServersStatus) {
  const auto hb = parse_next_request(golden("next_hb_too_large").body);
  ASSERT_FALSE(hb);
  EXPECT_EQ(hb.error().code, 400);
  EXPECT_EQ(hb.error().description, status_text("next_hb_too_large"));
  EXPECT_EQ(parse_next_request(golden("next_bad_json").body).error().description,
            status_text("next_bad_json"));
  EXPECT_EQ(parse_next_request(golden("next_bad_json_syntax").body).error().description,
            status_text("next_bad_json_syntax"));
  EXPECT_EQ(parse_next_request(R"({"batch":1.5})").error().description,
            "Bad Request - json: cannot unmarshal number 1.5 into Go struct field "
            "JSApiConsumerGetNextRequest.batch of type int");
}

}  // namespace
}  // namespace quiver::server::jetstream::api
