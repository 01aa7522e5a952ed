// jetstream_consumer: consumers as nats-server 2.9.10 runs them, on the wire: the create and
// info responses, their errors, pull requests (no_wait 404, expiry 408 with pending counts,
// bare-integer and empty requests, max_ack_pending, waiting requests, 409s), the ack reply
// subject layout, every ack verb (+ACK and its empty confirmation, -NAK with and without a
// delay, +TERM, +WPI, +NXT), redelivery after ack_wait and max_deliver, the ack and deliver
// policies, and push consumers with queue groups and idle heartbeats.
#include <algorithm>

#include "conformance/cases/all_cases.h"
#include "conformance/cases/jetstream_helpers.h"

namespace quiver::conformance {
namespace {

using js::AckReply;
using js::Api;
using js::bool_at;
using js::check_api_error;
using js::check_no_error;
using js::check_status;
using js::expect_quiet;
using js::headers_of;
using js::int_at;
using js::kJetStream;
using js::kJetStreamHeaders;
using js::kNanosPerMs;
using js::member;
using js::parse_ack_reply;
using js::show;
using js::Stream;
using js::string_at;
using js::strings_at;

constexpr std::string_view kExplicit = R"("ack_policy":"explicit")";

std::string ack_wait_ms(int64_t ms) { return R"(,"ack_wait":)" + std::to_string(ms * kNanosPerMs); }

// A pull request body for `batch` messages that expires after `ms`.
std::string batch_expires(int batch, int64_t ms) {
  return R"({"batch":)" + std::to_string(batch) + R"(,"expires":)" +
         std::to_string(ms * kNanosPerMs) + "}";
}

// Publishes `n` messages "m1".."mn" to "<stream>.<suffix>" (seqs 1..n on a fresh stream).
void fill(Stream& s, int n, std::string_view suffix = "a") {
  for (int i = 1; i <= n; ++i) s.publish_ok(suffix, "m" + std::to_string(i), i);
}

// The next pull delivery: a message with a $JS.ACK reply.
AckReply delivery(Api& api, std::string_view what, std::string_view payload = "",
                  std::optional<milliseconds> timeout = std::nullopt) {
  const ServerOp op = api.next_delivery(what, timeout);
  if (!payload.empty()) check_eq(op.payload, std::string(payload), std::string(what));
  return parse_ack_reply(op.reply);
}

// Acks with a reply and waits for the server's empty confirmation, so that the ack has been
// applied (the server handles acks asynchronously) before the case looks at consumer state.
void ack_sync(Api& api, const std::string& reply, std::string_view verb = "+ACK") {
  const ServerOp done = api.request_op(reply, verb);
  check_eq(done.payload, std::string(), "ack confirmation payload");
}

}  // namespace

void register_jetstream_consumer_cases(Registry& registry) {
  Area area(registry, "jetstream_consumer");

  area.add("durable_create_defaults",
           "CONSUMER.DURABLE.CREATE answers consumer_create_response with the defaults: deliver "
           "all, ack_wait 30s in ns, max_deliver -1, replay instant, max_waiting 512, "
           "max_ack_pending 1000, zero sequences and num_pending",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 2);
             const boost::json::value r = s.add_consumer("D", kExplicit);
             check_no_error(r, "create");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.consumer_create_response",
                      "type");
             check_eq(string_at(r, "stream_name"), s.name(), "stream_name");
             check_eq(string_at(r, "name"), "D", "name");
             const boost::json::value& c = member(r, "config");
             check_eq(string_at(c, "durable_name"), "D", "config.durable_name");
             check_eq(string_at(c, "deliver_policy"), "all", "config.deliver_policy");
             check_eq(string_at(c, "ack_policy"), "explicit", "config.ack_policy");
             check_eq(int_at(c, "ack_wait"), int64_t{30'000'000'000}, "config.ack_wait");
             check_eq(int_at(c, "max_deliver"), int64_t{-1}, "config.max_deliver");
             check_eq(string_at(c, "replay_policy"), "instant", "config.replay_policy");
             check_eq(int_at(c, "max_waiting"), int64_t{512}, "config.max_waiting");
             check_eq(int_at(c, "max_ack_pending"), int64_t{1000}, "config.max_ack_pending");
             for (std::string_view key : {"delivered", "ack_floor"}) {
               check_eq(int_at(member(r, key), "consumer_seq"), int64_t{0},
                        std::string(key) + ".consumer_seq");
               check_eq(int_at(member(r, key), "stream_seq"), int64_t{0},
                        std::string(key) + ".stream_seq");
             }
             check_eq(int_at(r, "num_ack_pending"), int64_t{0}, "num_ack_pending");
             check_eq(int_at(r, "num_redelivered"), int64_t{0}, "num_redelivered");
             check_eq(int_at(r, "num_waiting"), int64_t{0}, "num_waiting");
             check_eq(int_at(r, "num_pending"), int64_t{2}, "num_pending");
             const boost::json::value info = s.consumer_info("D");
             check_eq(string_at(info, "type"), "io.nats.jetstream.api.v1.consumer_info_response",
                      "info type");
             check_eq(int_at(s.state(), "consumer_count"), int64_t{1}, "state.consumer_count");
           });

  area.add("ephemeral_create",
           "CONSUMER.CREATE.<stream> without a durable name creates an ephemeral with a "
           "server-chosen name",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const boost::json::value r = api.request(
                 "$JS.API.CONSUMER.CREATE." + s.name(),
                 R"({"stream_name":")" + s.name() + R"(","config":{"ack_policy":"explicit"}})");
             check_no_error(r, "ephemeral create");
             const std::string name = string_at(r, "name");
             check(!name.empty(), "empty ephemeral name");
             js::check_absent(member(r, "config"), "durable_name");
             check_eq(string_at(s.consumer_info(name), "name"), name, "info name");
           });

  area.add("consumer_not_found",
           "CONSUMER.INFO/DELETE of a missing consumer: 404, 10014 \"consumer not found\"; on a "
           "missing stream: 404, 10059",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             check_api_error(api.request("$JS.API.CONSUMER.INFO." + s.name() + ".nope", ""), 404,
                             10014, "consumer not found");
             check_api_error(api.request("$JS.API.CONSUMER.DELETE." + s.name() + ".nope", ""), 404,
                             10014, "consumer not found");
             check_api_error(api.request("$JS.API.CONSUMER.INFO.CF_NO_SUCH_STREAM.nope", ""), 404,
                             10059, "stream not found");
             const boost::json::value r =
                 api.request("$JS.API.CONSUMER.DURABLE.CREATE.CF_NO_SUCH_STREAM.D",
                             R"({"stream_name":"CF_NO_SUCH_STREAM",)"
                             R"("config":{"durable_name":"D","ack_policy":"explicit"}})");
             check_api_error(r, 404, 10059, "stream not found");
           });

  area.add(
      "names_list_delete",
      "CONSUMER.NAMES is [] on a new stream and lists durables; LIST gives infos; DELETE "
      "answers success and the consumer is gone",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        boost::json::value r = api.request("$JS.API.CONSUMER.NAMES." + s.name(), "");
        check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.consumer_names_response", "type");
        const boost::json::value& none = member(r, "consumers");
        check(none.is_array() && none.as_array().empty(), "consumers: " + show(r));
        check_eq(int_at(r, "limit"), int64_t{1024}, "names limit");
        s.add_consumer_ok("A", kExplicit);
        s.add_consumer_ok("B", kExplicit);
        r = api.request("$JS.API.CONSUMER.NAMES." + s.name(), "");
        std::vector<std::string> names = strings_at(r, "consumers");
        std::sort(names.begin(), names.end());
        check(names == std::vector<std::string>{"A", "B"}, "consumers: " + show(r));
        check_eq(int_at(r, "total"), int64_t{2}, "total");
        r = api.request("$JS.API.CONSUMER.LIST." + s.name(), "");
        check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.consumer_list_response", "type");
        check_eq(int_at(r, "limit"), int64_t{256}, "list limit");
        check_eq(member(r, "consumers").as_array().size(), std::size_t{2}, "listed");
        r = api.request("$JS.API.CONSUMER.DELETE." + s.name() + ".A", "");
        check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.consumer_delete_response", "type");
        check(bool_at(r, "success"), "delete did not succeed: " + show(r));
        check_api_error(api.request("$JS.API.CONSUMER.INFO." + s.name() + ".A", ""), 404, 10014,
                        "consumer not found");
      });

  area.add(
      "create_config_errors",
      "consumer config errors: durable name mismatch 10017, last_per_subject without filter "
      "10094, filter outside the stream 10093, flow control without heartbeat 10108, "
      "changing ack policy 10012",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        check_api_error(
            api.request("$JS.API.CONSUMER.DURABLE.CREATE." + s.name() + ".X",
                        R"({"stream_name":")" + s.name() +
                            R"(","config":{"durable_name":"Y","ack_policy":"explicit"}})"),
            400, 10017, "consumer name in subject does not match durable name in request");
        check_api_error(
            s.add_consumer("L", R"("ack_policy":"explicit","deliver_policy":"last_per_subject")"),
            400, 10094,
            "consumer delivery policy is deliver last per subject, but optional filter "
            "subject is not set");
        check_api_error(
            s.add_consumer("F", R"("ack_policy":"explicit","filter_subject":"cf.elsewhere")"), 400,
            10093, "consumer filter subject is not a valid subset of the interest subjects");
        check_api_error(
            s.add_consumer(
                "FC", R"("ack_policy":"explicit","deliver_subject":"cf.fc","flow_control":true)"),
            400, 10108, "consumer with flow control also needs heartbeats");
        s.add_consumer_ok("D", kExplicit);
        check_api_error(s.add_consumer("D", R"("ack_policy":"none")"), 500, 10012,
                        "ack policy can not be updated");
      });

  area.add("pull_no_wait_empty_404",
           "a no_wait pull with nothing pending gets exactly \"NATS/1.0 404 No Messages\" on its "
           "reply subject",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.add_consumer_ok("D", kExplicit);
             const std::string reply = s.pull("D", R"({"batch":1,"no_wait":true})");
             const ServerOp op = api.next("404 No Messages");
             check_eq(op.subject, reply, "status subject");
             check_eq(op.headers, "NATS/1.0 404 No Messages\r\n\r\n", "status header block");
             check_eq(op.payload, std::string(), "payload");
           });

  area.add("pull_expires_408_with_pending",
           "a pull that expires gets \"408 Request Timeout\" with Nats-Pending-Messages (what is "
           "left of its batch) and Nats-Pending-Bytes",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D", kExplicit);
             const std::string reply = s.pull("D", batch_expires(3, 200));
             delivery(api, "the one message", "m1");
             const ServerOp op = api.next("408 Request Timeout");
             check_eq(op.subject, reply, "status subject");
             const codec::Headers h = headers_of(op);
             check_eq(h.status(), 408, "status");
             check_eq(std::string(h.description()), "Request Timeout", "description");
             check(h.get("Nats-Pending-Messages") == std::optional<std::string_view>("2"),
                   "Nats-Pending-Messages: " + op.describe());
             check(h.get("Nats-Pending-Bytes") == std::optional<std::string_view>("0"),
                   "Nats-Pending-Bytes: " + op.describe());
             check_eq(op.payload, std::string(), "payload");
           });

  area.add(
      "pull_delivery_ack_subject",
      "pulled messages keep their stream subject and carry $JS.ACK.<stream>.<consumer>."
      "<delivered>.<stream seq>.<consumer seq>.<ns timestamp>.<pending>",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        s.publish_ok("a", "one", 1);
        s.publish_ok("b", "two", 2);
        s.publish_ok("a", "three", 3);
        s.add_consumer_ok("D", kExplicit);
        s.pull("D", R"({"batch":3})");
        const std::vector<std::string> subjects = {s.subject("a"), s.subject("b"), s.subject("a")};
        const std::vector<std::string> payloads = {"one", "two", "three"};
        uint64_t last_ts = 0;
        for (uint64_t i = 0; i < 3; ++i) {
          const ServerOp op = api.next_delivery("delivery " + std::to_string(i + 1));
          check_eq(op.subject, subjects[i], "message subject");
          check_eq(op.payload, payloads[i], "payload");
          const AckReply a = parse_ack_reply(op.reply);
          check_eq(a.stream, s.name(), "ack stream");
          check_eq(a.consumer, "D", "ack consumer");
          check_eq(a.delivered, uint64_t{1}, "delivery count");
          check_eq(a.stream_seq, i + 1, "stream seq");
          check_eq(a.consumer_seq, i + 1, "consumer seq");
          check_eq(a.pending, 2 - i, "pending");
          // Nanoseconds since the epoch: after 2020, and in publish order.
          check(a.timestamp > 1'577'836'800'000'000'000ULL, "timestamp is not in ns");
          check(a.timestamp >= last_ts, "timestamps go backwards");
          last_ts = a.timestamp;
        }
      });

  area.add("pull_bare_integer_and_empty_body",
           "a pull body that is a bare integer asks for that many; an empty body asks for one",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 3);
             s.add_consumer_ok("D", kExplicit);
             s.pull("D", "2");
             check_eq(delivery(api, "m1").stream_seq, uint64_t{1}, "first of 2");
             check_eq(delivery(api, "m2").stream_seq, uint64_t{2}, "second of 2");
             s.pull("D", "");
             check_eq(delivery(api, "m3").stream_seq, uint64_t{3}, "one for an empty body");
             expect_quiet(api.conn(), ctx.timing().quiet);
           });

  area.add("pull_no_wait_partial",
           "a no_wait pull for more than is pending gets what there is, then one terminating "
           "status (404 or 408), then nothing",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 2);
             s.add_consumer_ok("D", kExplicit);
             const std::string reply = s.pull("D", R"({"batch":5,"no_wait":true})");
             delivery(api, "m1", "m1");
             delivery(api, "m2", "m2");
             const ServerOp op = api.next("the end of the batch");
             check_eq(op.subject, reply, "status subject");
             const int status = headers_of(op).status();
             check(status == 404 || status == 408, "expected 404 or 408, got " + op.describe());
             expect_quiet(api.conn(), ctx.timing().quiet);
           });

  area.add("pull_max_ack_pending",
           "max_ack_pending 2: a pull for 3 gets 2 messages and expires with 1 pending; an ack "
           "frees room for the third",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 3);
             s.add_consumer_ok("D", std::string(kExplicit) + R"(,"max_ack_pending":2)");
             s.pull("D", batch_expires(3, 300));
             const ServerOp first = api.next_delivery("m1");
             delivery(api, "m2", "m2");
             const ServerOp op = api.next("408 Request Timeout");
             const codec::Headers h = headers_of(op);
             check_eq(h.status(), 408, "status");
             check(h.get("Nats-Pending-Messages") == std::optional<std::string_view>("1"),
                   "Nats-Pending-Messages: " + op.describe());
             ack_sync(api, first.reply);
             s.pull("D", R"({"batch":1})");
             delivery(api, "m3", "m3");
           });

  area.add("pull_waiting_request_counted_then_409_on_delete",
           "a waiting pull shows as num_waiting 1; deleting the consumer answers it with "
           "\"409 Consumer Deleted\"",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.add_consumer_ok("D", kExplicit);
             const std::string reply = s.pull("D", batch_expires(1, 5000));
             check_eq(int_at(s.consumer_info("D"), "num_waiting"), int64_t{1}, "num_waiting");
             const std::string del = api.inbox();
             api.publish("$JS.API.CONSUMER.DELETE." + s.name() + ".D", "", del);
             // The 409 and the delete response may come in either order.
             bool saw_409 = false;
             bool saw_response = false;
             for (int i = 0; i < 2; ++i) {
               const ServerOp op = api.next("the delete response and the 409");
               if (op.subject == reply) {
                 check_status(op, 409, "Consumer Deleted");
                 saw_409 = true;
               } else {
                 check_eq(op.subject, del, "delete response subject");
                 saw_response = true;
               }
             }
             check(saw_409 && saw_response, "missing the 409 or the delete response");
           });

  area.add("pull_on_push_consumer_409",
           "a pull request to a push consumer gets \"409 Consumer is push based\"",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.add_consumer_ok("P", std::string(kExplicit) + R"(,"deliver_subject":")" +
                                        js::unique_name(ctx, "cf_deliver") + "\"");
             check_status(
                 api.request_op("$JS.API.CONSUMER.MSG.NEXT." + s.name() + ".P", R"({"batch":1})"),
                 409, "Consumer is push based");
           });

  area.add(
      "ack_confirmation_and_state",
      "+ACK with a reply gets an empty confirmation (also for a second ack); acks move "
      "ack_floor and num_ack_pending",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        fill(s, 3);
        s.add_consumer_ok("D", kExplicit);
        s.pull("D", R"({"batch":3})");
        std::vector<std::string> replies;
        for (int i = 0; i < 3; ++i) replies.push_back(api.next_delivery("m").reply);
        boost::json::value ci = s.consumer_info("D");
        check_eq(int_at(ci, "num_ack_pending"), int64_t{3}, "num_ack_pending");
        check_eq(int_at(member(ci, "delivered"), "stream_seq"), int64_t{3}, "delivered.stream_seq");
        ack_sync(api, replies[0]);
        ack_sync(api, replies[0]);  // the double ack is answered too
        ack_sync(api, replies[2]);
        ci = s.consumer_info("D");
        check_eq(int_at(ci, "num_ack_pending"), int64_t{1}, "num_ack_pending");
        check_eq(int_at(member(ci, "ack_floor"), "stream_seq"), int64_t{1}, "ack_floor.stream_seq");
        ack_sync(api, replies[1], "");  // an empty payload is an ack as well
        ci = s.consumer_info("D");
        check_eq(int_at(ci, "num_ack_pending"), int64_t{0}, "num_ack_pending");
        check_eq(int_at(member(ci, "ack_floor"), "stream_seq"), int64_t{3}, "ack_floor.stream_seq");
        check_eq(int_at(member(ci, "ack_floor"), "consumer_seq"), int64_t{3},
                 "ack_floor.consumer_seq");
      });

  area.add("nak_redelivers_at_once",
           "-NAK makes the message available again at once, with delivery count 2 and a new "
           "consumer seq",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D", kExplicit);
             s.pull("D", R"({"batch":1})");
             const ServerOp first = api.next_delivery("m1");
             ack_sync(api, first.reply, "-NAK");
             s.pull("D", R"({"batch":1})");
             const AckReply again = delivery(api, "m1 again", "m1");
             check_eq(again.delivered, uint64_t{2}, "delivery count");
             check_eq(again.stream_seq, uint64_t{1}, "stream seq");
             check_eq(again.consumer_seq, uint64_t{2}, "consumer seq");
             check_eq(int_at(s.consumer_info("D"), "num_redelivered"), int64_t{1},
                      "num_redelivered");
           });

  area.add("nak_with_delay", "-NAK {\"delay\":<ns>} redelivers only after the delay", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D", kExplicit);
             s.pull("D", R"({"batch":1})");
             const ServerOp first = api.next_delivery("m1");
             const Clock::time_point nak_at = Clock::now();
             ack_sync(api, first.reply, R"(-NAK {"delay":400000000})");
             s.pull("D", batch_expires(1, 2000));
             expect_quiet(api.conn(), milliseconds(200));
             const AckReply again = delivery(api, "m1 after the delay", "m1");
             check_eq(again.delivered, uint64_t{2}, "delivery count");
             check(Clock::now() - nak_at >= milliseconds(350), "redelivered before the delay");
           });

  area.add("term_stops_redelivery",
           "+TERM: the message is never redelivered, even after ack_wait, and no longer pending",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D", std::string(kExplicit) + ack_wait_ms(200));
             s.pull("D", R"({"batch":1})");
             ack_sync(api, api.next_delivery("m1").reply, "+TERM");
             s.pull("D", batch_expires(1, 600));
             check_status(api.next("408 after ack_wait passed"), 408, "Request Timeout");
             check_eq(int_at(s.consumer_info("D"), "num_ack_pending"), int64_t{0},
                      "num_ack_pending");
           });

  area.add("wpi_extends_ack_wait",
           "+WPI (answered with an empty confirmation) restarts the ack timer: no redelivery "
           "while it keeps coming, redelivery after it stops",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D", std::string(kExplicit) + ack_wait_ms(600));
             s.pull("D", R"({"batch":1})");
             const ServerOp first = api.next_delivery("m1");
             s.pull("D", batch_expires(1, 4000));
             // 5 x 200 ms = 1 s, well past ack_wait, without a redelivery.
             for (int i = 0; i < 5; ++i) {
               expect_quiet(api.conn(), milliseconds(200));
               ack_sync(api, first.reply, "+WPI");
             }
             const AckReply again = delivery(api, "m1 once +WPI stopped", "m1");
             check_eq(again.delivered, uint64_t{2}, "delivery count");
           });

  area.add("nxt_acks_and_delivers_next",
           "+NXT with a reply acks the message and delivers the next one to that reply subject",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 2);
             s.add_consumer_ok("D", kExplicit);
             s.pull("D", R"({"batch":1})");
             const ServerOp first = api.next_delivery("m1");
             const std::string reply = api.inbox();
             api.publish(first.reply, "+NXT", reply);
             const ServerOp next = api.next_delivery("m2 via +NXT");
             check_eq(next.payload, "m2", "payload");
             check_eq(parse_ack_reply(next.reply).stream_seq, uint64_t{2}, "stream seq");
             const boost::json::value ci = s.consumer_info("D");
             check_eq(int_at(member(ci, "ack_floor"), "stream_seq"), int64_t{1},
                      "ack_floor.stream_seq");
             check_eq(int_at(ci, "num_ack_pending"), int64_t{1}, "num_ack_pending");
           });

  area.add("redelivery_after_ack_wait",
           "an unacked message comes back after ack_wait with delivery count 2, same stream "
           "seq, next consumer seq",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D", std::string(kExplicit) + ack_wait_ms(300));
             s.pull("D", batch_expires(2, 2000));
             const Clock::time_point start = Clock::now();
             const AckReply first = delivery(api, "m1", "m1");
             const AckReply again = delivery(api, "m1 redelivered", "m1");
             check(Clock::now() - start >= milliseconds(250), "redelivered before ack_wait");
             check_eq(first.delivered, uint64_t{1}, "first delivery count");
             check_eq(again.delivered, uint64_t{2}, "redelivery count");
             check_eq(again.stream_seq, uint64_t{1}, "stream seq");
             check_eq(again.consumer_seq, uint64_t{2}, "consumer seq");
           });

  area.add("max_deliver_stops", "max_deliver 2: after two deliveries the message is not sent again",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 1);
             s.add_consumer_ok("D",
                               std::string(kExplicit) + ack_wait_ms(200) + R"(,"max_deliver":2)");
             const std::string reply = s.pull("D", batch_expires(3, 900));
             check_eq(delivery(api, "m1", "m1").delivered, uint64_t{1}, "first delivery");
             check_eq(delivery(api, "m1 again", "m1").delivered, uint64_t{2}, "second delivery");
             const ServerOp op = api.next("408 instead of a third delivery");
             check_eq(op.subject, reply, "status subject");
             check_eq(headers_of(op).status(), 408, "status");
           });

  area.add("ack_policy_all", "ack_policy all: acking seq 2 acks 1 and 2", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 3);
             s.add_consumer_ok("D", R"("ack_policy":"all")");
             s.pull("D", R"({"batch":3})");
             std::vector<std::string> replies;
             for (int i = 0; i < 3; ++i) replies.push_back(api.next_delivery("m").reply);
             ack_sync(api, replies[1]);
             const boost::json::value ci = s.consumer_info("D");
             check_eq(int_at(ci, "num_ack_pending"), int64_t{1}, "num_ack_pending");
             check_eq(int_at(member(ci, "ack_floor"), "stream_seq"), int64_t{2},
                      "ack_floor.stream_seq");
           });

  area.add("ack_policy_none",
           "ack_policy none: deliveries still carry an ack subject, nothing is pending, the ack "
           "floor follows delivery",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 2);
             const boost::json::value r = s.add_consumer("N", R"("ack_policy":"none")");
             check_no_error(r, "create");
             js::check_absent(member(r, "config"), "ack_wait");
             s.pull("N", R"({"batch":2})");
             check_eq(delivery(api, "m1", "m1").stream_seq, uint64_t{1}, "seq");
             check_eq(delivery(api, "m2", "m2").stream_seq, uint64_t{2}, "seq");
             const boost::json::value ci = s.consumer_info("N");
             check_eq(int_at(ci, "num_ack_pending"), int64_t{0}, "num_ack_pending");
             check_eq(int_at(member(ci, "ack_floor"), "stream_seq"), int64_t{2},
                      "ack_floor.stream_seq");
           });

  area.add(
      "deliver_policies",
      "deliver last, new, by_start_sequence, by_start_time and last_per_subject start where "
      "they should",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        int64_t seq = 0;
        for (std::string_view sub : {"a", "b", "a", "b", "c"}) {
          ++seq;
          s.publish_ok(sub, std::string(sub) + std::to_string(seq), seq);
        }
        const auto first_seq = [&](std::string_view durable, std::string_view config,
                                   std::vector<uint64_t> want) {
          s.add_consumer_ok(durable, std::string(kExplicit) + "," + std::string(config));
          check_eq(int_at(s.consumer_info(durable), "num_pending"),
                   static_cast<int64_t>(want.size()), std::string(durable) + " num_pending");
          s.pull(durable, R"({"batch":)" + std::to_string(want.size()) + "}");
          for (uint64_t w : want) {
            check_eq(delivery(api, durable).stream_seq, w, std::string(durable) + " seq");
          }
        };
        first_seq("last", R"("deliver_policy":"last")", {5});
        first_seq("seq", R"("deliver_policy":"by_start_sequence","opt_start_seq":3)", {3, 4, 5});
        const boost::json::value m4 =
            api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":4})");
        first_seq("time",
                  R"("deliver_policy":"by_start_time","opt_start_time":")" +
                      string_at(member(m4, "message"), "time") + "\"",
                  {4, 5});
        first_seq("lps",
                  R"("deliver_policy":"last_per_subject","filter_subject":")" + s.name() + ".>\"",
                  {3, 4, 5});
        s.add_consumer_ok("new", std::string(kExplicit) + R"(,"deliver_policy":"new")");
        check_eq(int_at(s.consumer_info("new"), "num_pending"), int64_t{0}, "new num_pending");
        s.publish_ok("d", "d6", 6);
        s.pull("new", R"({"batch":1})");
        const AckReply a = delivery(api, "the new message", "d6");
        check_eq(a.stream_seq, uint64_t{6}, "stream seq");
        check_eq(a.consumer_seq, uint64_t{1}, "consumer seq");
      });

  area.add("filter_subject",
           "filter_subject: only matching messages are pending and delivered, consumer seqs "
           "count only them",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             int64_t seq = 0;
             for (std::string_view sub : {"a", "b", "a", "c", "a"}) s.publish_ok(sub, "x", ++seq);
             const boost::json::value r = s.add_consumer(
                 "F", std::string(kExplicit) + R"(,"filter_subject":")" + s.subject("a") + "\"");
             check_no_error(r, "create");
             check_eq(string_at(member(r, "config"), "filter_subject"), s.subject("a"),
                      "config.filter_subject");
             check_eq(int_at(r, "num_pending"), int64_t{3}, "num_pending");
             s.pull("F", R"({"batch":3})");
             const std::vector<uint64_t> want = {1, 3, 5};
             for (uint64_t i = 0; i < want.size(); ++i) {
               const AckReply a = delivery(api, "a matching message");
               check_eq(a.stream_seq, want[i], "stream seq");
               check_eq(a.consumer_seq, i + 1, "consumer seq");
             }
           });

  area.add("push_delivery",
           "a push consumer delivers to its deliver subject with the stream subject in the MSG "
           "and a $JS.ACK reply; the info says push_bound",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 2);
             Connection sub = ctx.client();
             const std::string deliver = js::unique_name(ctx, "cf_deliver");
             sub.sub(deliver, "push");
             sub.flush();
             s.add_consumer_ok("P",
                               std::string(kExplicit) + R"(,"deliver_subject":")" + deliver + "\"");
             for (uint64_t i = 1; i <= 2; ++i) {
               const ServerOp op = js::next_op(sub, "push delivery");
               check(op.is_msg(), "expected a message, got " + op.describe());
               check_eq(op.sid, "push", "sid");
               check_eq(op.subject, s.subject("a"), "subject");
               check_eq(op.payload, "m" + std::to_string(i), "payload");
               const AckReply a = parse_ack_reply(op.reply);
               check_eq(a.consumer, "P", "ack consumer");
               check_eq(a.stream_seq, i, "stream seq");
             }
             const boost::json::value ci = s.consumer_info("P");
             check(bool_at(ci, "push_bound"), "push_bound is not true: " + show(ci));
             check_eq(string_at(member(ci, "config"), "deliver_subject"), deliver,
                      "config.deliver_subject");
           });

  area.add("push_idle_heartbeat",
           "a push consumer with idle_heartbeat sends \"100 Idle Heartbeat\" with "
           "Nats-Last-Consumer and Nats-Last-Stream while idle",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             fill(s, 2);
             Connection sub = ctx.client();
             const std::string deliver = js::unique_name(ctx, "cf_deliver");
             sub.sub(deliver, "hb");
             sub.flush();
             s.add_consumer_ok("H", std::string(kExplicit) + R"(,"deliver_subject":")" + deliver +
                                        R"(","idle_heartbeat":100000000)");
             js::next_op(sub, "m1");
             js::next_op(sub, "m2");
             const ServerOp hb = js::next_op(sub, "an idle heartbeat");
             check_eq(hb.subject, deliver, "heartbeat subject");
             check_eq(hb.reply, std::string(), "heartbeat reply");
             check_eq(hb.headers,
                      "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 2\r\n"
                      "Nats-Last-Stream: 2\r\n\r\n",
                      "heartbeat header block");
             check_eq(hb.payload, std::string(), "heartbeat payload");
           });

  area.add("push_queue_group",
           "a push consumer with deliver_group spreads the messages over the queue members, each "
           "once",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const std::string deliver = js::unique_name(ctx, "cf_deliver");
             std::vector<Connection> members;
             for (int i = 0; i < 2; ++i) {
               members.push_back(ctx.client());
               members.back().sub(deliver, "q", "workers");
               members.back().flush();
             }
             s.add_consumer_ok("Q", std::string(kExplicit) + R"(,"deliver_subject":")" + deliver +
                                        R"(","deliver_group":"workers")");
             constexpr int kMessages = 20;
             fill(s, kMessages);
             std::vector<std::string> got;
             std::vector<int> per_member(members.size(), 0);
             const Clock::time_point until = Clock::now() + ctx.timing().wait;
             while (static_cast<int>(got.size()) < kMessages && Clock::now() < until) {
               for (std::size_t i = 0; i < members.size(); ++i) {
                 if (!members[i].poll_op(milliseconds(10))) continue;
                 const ServerOp op = js::next_op(members[i], "a queue delivery");
                 check(op.is_msg(), "expected a message, got " + op.describe());
                 got.push_back(op.payload);
                 ++per_member[i];
               }
             }
             std::sort(got.begin(), got.end());
             std::vector<std::string> want;
             for (int i = 1; i <= kMessages; ++i) want.push_back("m" + std::to_string(i));
             std::sort(want.begin(), want.end());
             check(got == want, "queue members got " + std::to_string(got.size()) +
                                    " messages, not each of the " + std::to_string(kMessages) +
                                    " once");
             for (std::size_t i = 0; i < per_member.size(); ++i) {
               check(per_member[i] > 0, "member " + std::to_string(i) + " got nothing");
             }
             for (Connection& m : members) expect_quiet(m, ctx.timing().quiet);
           });
}

}  // namespace quiver::conformance
