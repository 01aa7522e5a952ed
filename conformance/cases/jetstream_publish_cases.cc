// jetstream_publish: publishing into streams as nats-server 2.9.10 does it: PubAck fields, the
// 503 when no stream captures the subject, plain publishes without a reply, Nats-Msg-Id
// de-duplication, the Nats-Expected-* headers and their errors, and the interest and
// work-queue retention policies as seen by a publisher and a consumer.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/jetstream_helpers.h"

namespace quiver::conformance {
namespace {

using js::Api;
using js::bool_at;
using js::check_absent;
using js::check_api_error;
using js::check_no_error;
using js::headers_of;
using js::int_at;
using js::kJetStream;
using js::kJetStreamHeaders;
using js::member;
using js::show;
using js::Stream;
using js::string_at;

int64_t messages(Stream& s) { return int_at(s.state(), "messages"); }

}  // namespace

void register_jetstream_publish_cases(Registry& registry) {
  Area area(registry, "jetstream_publish");

  area.add("puback_fields",
           "a PubAck is {\"stream\",\"seq\"} and nothing else: no duplicate, domain or error",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const boost::json::value ack = s.publish("a", "x");
             check_eq(string_at(ack, "stream"), s.name(), "stream");
             check_eq(int_at(ack, "seq"), int64_t{1}, "seq");
             check_eq(ack.as_object().size(), std::size_t{2}, "number of PubAck members");
             check_absent(ack, "duplicate");
             check_absent(ack, "domain");
           });

  area.add("no_stream_503",
           "a publish with a reply to a subject no stream captures gets the 503 no-responders "
           "status (how clients detect \"no stream\")",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             const ServerOp op = api.request_op(js::unique_name(ctx, "cf_nostream") + ".x", "x");
             const codec::Headers h = headers_of(op);
             check_eq(h.status(), 503, "status");
             check_eq(op.payload, std::string(), "payload");
           });

  area.add("publish_without_reply_is_stored",
           "a plain PUB without a reply is stored (and counted in the sequence) with no answer",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             api.publish(s.subject("a"), "silent");
             api.conn().flush();
             js::expect_quiet(api.conn(), ctx.timing().quiet);
             s.publish_ok("a", "acked", 2);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":1})");
             check_eq(string_at(member(r, "message"), "data"), "c2lsZW50", "stored data");
           });

  area.add("duplicate_stored_once",
           "Nats-Msg-Id de-duplication: duplicates answer the first seq with duplicate:true and "
           "are not stored; other ids are",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const std::string a = header_block({{"Nats-Msg-Id", "A"}});
             const std::string b = header_block({{"Nats-Msg-Id", "B"}});
             check_eq(int_at(s.publish("x", "1", a), "seq"), int64_t{1}, "A seq");
             check_eq(int_at(s.publish("y", "2", b), "seq"), int64_t{2}, "B seq");
             for (int i = 0; i < 2; ++i) {
               // The id is per stream, not per subject.
               const boost::json::value dup = s.publish("z", "3", a);
               check_eq(int_at(dup, "seq"), int64_t{1}, "duplicate seq");
               check(bool_at(dup, "duplicate"), "not marked duplicate: " + show(dup));
               check_eq(string_at(dup, "stream"), s.name(), "duplicate stream");
             }
             check_eq(messages(s), int64_t{2}, "stored messages");
           });

  area.add("expected_last_sequence_match",
           "Nats-Expected-Last-Sequence equal to the last seq (0 for an empty stream) is stored",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             boost::json::value r =
                 s.publish("a", "1", header_block({{"Nats-Expected-Last-Sequence", "0"}}));
             check_no_error(r, "expect 0 on an empty stream");
             r = s.publish("b", "2", header_block({{"Nats-Expected-Last-Sequence", "1"}}));
             check_no_error(r, "expect 1");
             check_eq(int_at(r, "seq"), int64_t{2}, "seq");
           });

  area.add(
      "expected_last_msg_id_10070",
      "Nats-Expected-Last-Msg-Id that differs: 400, 10070 \"wrong last msg ID: B\"",
      kJetStreamHeaders, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        check_no_error(s.publish("a", "1", header_block({{"Nats-Msg-Id", "A"}})), "A");
        check_no_error(
            s.publish("a", "2",
                      header_block({{"Nats-Msg-Id", "B"}, {"Nats-Expected-Last-Msg-Id", "A"}})),
            "B after A");
        const boost::json::value r = s.publish(
            "a", "3", header_block({{"Nats-Msg-Id", "C"}, {"Nats-Expected-Last-Msg-Id", "A"}}));
        check_api_error(r, 400, 10070, "wrong last msg ID: B");
        check_eq(int_at(r, "seq"), int64_t{0}, "seq");
        check_eq(messages(s), int64_t{2}, "stored messages");
      });

  area.add("expected_stream_10060",
           "Nats-Expected-Stream naming another stream: 400, 10060 \"expected stream does not "
           "match\"; naming this one is fine",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             check_no_error(s.publish("a", "1", header_block({{"Nats-Expected-Stream", s.name()}})),
                            "matching stream");
             check_api_error(
                 s.publish("a", "2", header_block({{"Nats-Expected-Stream", "CF_OTHER"}})), 400,
                 10060, "expected stream does not match");
             check_eq(messages(s), int64_t{1}, "stored messages");
           });

  area.add(
      "expected_last_subject_sequence_10071",
      "Nats-Expected-Last-Subject-Sequence is checked against the subject's last seq (0 "
      "when it has none); a mismatch is 400, 10071 \"wrong last sequence: 2\"",
      kJetStreamHeaders, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        s.publish_ok("a", "a1", 1);
        s.publish_ok("b", "b1", 2);
        const auto expect = [](std::string_view seq) {
          return header_block({{"Nats-Expected-Last-Subject-Sequence", std::string(seq)}});
        };
        check_eq(int_at(s.publish("a", "a2", expect("1")), "seq"), int64_t{3},
                 "a with its own last seq");
        check_eq(int_at(s.publish("c", "c1", expect("0")), "seq"), int64_t{4},
                 "a new subject with 0");
        check_api_error(s.publish("b", "b2", expect("1")), 400, 10071, "wrong last sequence: 2");
        check_api_error(s.publish("d", "d1", expect("3")), 400, 10071, "wrong last sequence: 0");
        check_eq(messages(s), int64_t{4}, "stored messages");
      });

  area.add("error_puback_shape",
           "a refused publish answers {\"error\":{code,err_code,description},\"stream\",\"seq\":0}",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "1", 1);
             const boost::json::value r =
                 s.publish("a", "2", header_block({{"Nats-Expected-Last-Sequence", "7"}}));
             check_api_error(r, 400, 10071, "wrong last sequence: 1");
             check_eq(string_at(r, "stream"), s.name(), "stream");
             check_eq(int_at(r, "seq"), int64_t{0}, "seq");
             check_eq(r.as_object().size(), std::size_t{3}, "number of members");
             check_eq(member(r, "error").as_object().size(), std::size_t{3},
                      "number of error members");
           });

  area.add("interest_no_consumer_not_kept",
           "interest retention without consumers: a publish is acked with a sequence but not "
           "kept",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("retention":"interest")");
             s.publish_ok("a", "lost", 1);
             s.publish_ok("a", "lost", 2);
             const boost::json::value st = s.state();
             check_eq(int_at(st, "messages"), int64_t{0}, "messages");
             check_eq(int_at(st, "last_seq"), int64_t{2}, "last_seq");
           });

  area.add("interest_filter_and_acks",
           "interest retention keeps a message only for consumers whose filter matches it, until "
           "each of them acked it",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("retention":"interest")");
             s.add_consumer_ok(
                 "c1", R"("ack_policy":"explicit","filter_subject":")" + s.subject("b") + "\"");
             s.add_consumer_ok("c2", R"("ack_policy":"explicit")");
             s.publish_ok("a", "only c2", 1);
             s.publish_ok("b", "both", 2);
             check_eq(messages(s), int64_t{2}, "messages before acks");
             // c2 acks both; seq 1 goes (only c2 wanted it), seq 2 waits for c1.
             s.pull("c2", R"({"batch":2})");
             const ServerOp m1 = api.next_delivery("the first delivery to c2");
             const ServerOp m2 = api.next_delivery("the second delivery to c2");
             for (const ServerOp* m : {&m1, &m2}) {
               check_eq(api.request_op(m->reply, "+ACK").payload, std::string(),
                        "ack confirmation");
             }
             check_eq(messages(s), int64_t{1}, "messages after c2 acked");
             s.pull("c1", R"({"batch":1})");
             const ServerOp m = api.next_delivery("a delivery to c1");
             check_eq(m.payload, "both", "c1 payload");
             api.request_op(m.reply, "+ACK");
             check_eq(messages(s), int64_t{0}, "messages after both acked");
           });

  area.add("workqueue_removed_on_ack",
           "work-queue retention: a message is removed once acked, not when delivered", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("retention":"workqueue")");
             s.publish_ok("job", "j1", 1);
             s.publish_ok("job", "j2", 2);
             s.add_consumer_ok("w", R"("ack_policy":"explicit")");
             s.pull("w", R"({"batch":1})");
             const ServerOp m = api.next_delivery("a job");
             check_eq(m.payload, "j1", "payload");
             check_eq(messages(s), int64_t{2}, "messages while unacked");
             check_eq(api.request_op(m.reply, "+ACK").payload, std::string(), "ack reply");
             const boost::json::value st = s.state();
             check_eq(int_at(st, "messages"), int64_t{1}, "messages after the ack");
             check_eq(int_at(st, "first_seq"), int64_t{2}, "first_seq after the ack");
           });

  area.add(
      "workqueue_consumer_rules",
      "work-queue consumers: ack all is 10098, a second unfiltered one 10099, an overlapping "
      "filter 10100, a deliver policy other than all 10101",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api, R"("retention":"workqueue")");
        check_api_error(s.add_consumer("all", R"("ack_policy":"all")"), 400, 10098,
                        "workqueue stream requires explicit ack");
        const std::string filter_a = R"(,"filter_subject":")" + s.subject("a") + "\"";
        s.add_consumer_ok("fa", R"("ack_policy":"explicit")" + filter_a);
        check_api_error(s.add_consumer("fa2", R"("ack_policy":"explicit")" + filter_a), 400, 10100,
                        "filtered consumer not unique on workqueue stream");
        check_api_error(
            s.add_consumer("last",
                           R"("ack_policy":"explicit","deliver_policy":"last","filter_subject":")" +
                               s.subject("b") + "\""),
            400, 10101, "consumer must be deliver all on workqueue stream");
        s.add_consumer_ok("u",
                          R"("ack_policy":"explicit","filter_subject":")" + s.subject("c") + "\"");
        // An unfiltered consumer overlaps every filtered one.
        check_api_error(s.add_consumer("u2", R"("ack_policy":"explicit")"), 400, 10099,
                        "multiple non-filtered consumers not allowed on workqueue stream");
      });
}

}  // namespace quiver::conformance
