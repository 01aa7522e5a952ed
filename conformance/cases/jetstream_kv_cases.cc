// jetstream_kv: the key/value conventions (ADR-8) over raw protocol, as the official clients
// use them against nats-server 2.9.10: a KV_<bucket> stream on $KV.<bucket>.>, puts as plain
// publishes, gets through DIRECT.GET, create/update through the expected-last-subject-sequence
// header, delete and purge markers, history limits and a last-per-subject watcher.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/jetstream_helpers.h"

namespace quiver::conformance {
namespace {

using js::Api;
using js::check_api_error;
using js::check_no_error;
using js::check_status;
using js::headers_of;
using js::int_at;
using js::kJetStreamHeaders;
using js::member;
using js::next_op;
using js::parse_ack_reply;
using js::string_at;

// A bucket the way nats.go/nats.js create it (memory storage), deleted on destruction.
class Bucket {
 public:
  Bucket(CaseContext& ctx, Api& api, int history) : api_(api) {
    bucket_ = js::unique_name(ctx, "cf");
    stream_ = "KV_" + bucket_;
    const std::string config =
        R"({"name":")" + stream_ + R"(","subjects":["$KV.)" + bucket_ +
        R"(.>"],"max_msgs_per_subject":)" + std::to_string(history) +
        R"(,"discard":"new","allow_rollup_hdrs":true,"deny_delete":true,"allow_direct":true,)"
        R"("storage":"memory","max_bytes":-1,"max_msg_size":-1,"duplicate_window":120000000000})";
    check_no_error(api_.request("$JS.API.STREAM.CREATE." + stream_, config), "create bucket");
  }
  Bucket(const Bucket&) = delete;
  Bucket& operator=(const Bucket&) = delete;
  ~Bucket() {
    try {
      api_.request("$JS.API.STREAM.DELETE." + stream_, "");
    } catch (const std::exception&) {
      // The case already failed or the broker went away.
    }
  }

  const std::string& stream() const { return stream_; }
  std::string key_subject(std::string_view key) const {
    return "$KV." + bucket_ + "." + std::string(key);
  }
  std::string all_keys() const { return "$KV." + bucket_ + ".>"; }

  // Put: a publish to $KV.<bucket>.<key>; returns the revision (stream seq).
  int64_t put(std::string_view key, std::string_view value, std::string_view headers = "") {
    const boost::json::value ack = api_.request(key_subject(key), value, headers);
    check_no_error(ack, "put " + std::string(key));
    check_eq(string_at(ack, "stream"), stream_, "PubAck stream");
    return int_at(ack, "seq");
  }
  boost::json::value put_raw(std::string_view key, std::string_view value,
                             std::string_view headers) {
    return api_.request(key_subject(key), value, headers);
  }
  // Get: the last message on the key's subject through DIRECT.GET.<stream>.<subject>.
  ServerOp get(std::string_view key) {
    return api_.request_op("$JS.API.DIRECT.GET." + stream_ + "." + key_subject(key), "");
  }
  int64_t messages() {
    const boost::json::value r = api_.request("$JS.API.STREAM.INFO." + stream_, "");
    check_no_error(r, "bucket info");
    return int_at(member(r, "state"), "messages");
  }

 private:
  Api& api_;
  std::string bucket_;
  std::string stream_;
};

std::optional<std::string_view> header(const codec::Headers& h, std::string_view key) {
  return h.get(key);
}

std::string expect_revision(int64_t rev) {
  return header_block({{"Nats-Expected-Last-Subject-Sequence", std::to_string(rev)}});
}

}  // namespace

void register_jetstream_kv_cases(Registry& registry) {
  Area area(registry, "jetstream_kv");

  area.add(
      "put_and_direct_get",
      "a put is a publish to $KV.<b>.<key>; DIRECT.GET.KV_<b>.$KV.<b>.<key> answers the "
      "newest value with Nats-Stream, Nats-Subject, Nats-Sequence and Nats-Time-Stamp",
      kJetStreamHeaders, [](CaseContext& ctx) {
        Api api(ctx);
        Bucket b(ctx, api, 5);
        check_eq(b.put("color", "red"), int64_t{1}, "revision");
        check_eq(b.put("size", "L"), int64_t{2}, "revision");
        check_eq(b.put("color", "blue"), int64_t{3}, "revision");
        const ServerOp op = b.get("color");
        check_eq(op.payload, "blue", "value");
        const codec::Headers h = headers_of(op);
        check_eq(h.status(), 0, "status");
        check(header(h, "Nats-Stream") == std::optional<std::string_view>(b.stream()),
              "Nats-Stream: " + op.describe());
        check(header(h, "Nats-Subject") == std::optional<std::string_view>(b.key_subject("color")),
              "Nats-Subject: " + op.describe());
        check(header(h, "Nats-Sequence") == std::optional<std::string_view>("3"),
              "Nats-Sequence: " + op.describe());
        check(header(h, "Nats-Time-Stamp").has_value(), "no Nats-Time-Stamp");
      });

  area.add("get_missing_key_404",
           "DIRECT.GET of a key that was never written: \"404 Message Not Found\"",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 1);
             b.put("present", "x");
             check_status(b.get("absent"), 404, "Message Not Found");
           });

  area.add("create_only_if_absent",
           "create = Nats-Expected-Last-Subject-Sequence: 0; on an existing key it fails with "
           "400, 10071 \"wrong last sequence: 1\"",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 5);
             check_eq(b.put("k", "v1", expect_revision(0)), int64_t{1}, "create revision");
             check_api_error(b.put_raw("k", "v2", expect_revision(0)), 400, 10071,
                             "wrong last sequence: 1");
             check_eq(b.get("k").payload, "v1", "value");
           });

  area.add("update_with_revision",
           "update = the key's current revision in Nats-Expected-Last-Subject-Sequence; a stale "
           "revision is 10071, writes to other keys do not count",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 5);
             check_eq(b.put("k", "v1"), int64_t{1}, "revision");
             check_eq(b.put("other", "x"), int64_t{2}, "revision");
             check_eq(b.put("k", "v2", expect_revision(1)), int64_t{3}, "update revision");
             check_api_error(b.put_raw("k", "stale", expect_revision(1)), 400, 10071,
                             "wrong last sequence: 3");
             check_eq(b.get("k").payload, "v2", "value");
           });

  area.add("delete_marker",
           "delete = an empty message with KV-Operation: DEL; a get returns the marker and the "
           "older value stays in the history",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 5);
             b.put("k", "v1");
             check_eq(b.put("k", "", header_block({{"KV-Operation", "DEL"}})), int64_t{2},
                      "delete revision");
             const ServerOp op = b.get("k");
             check_eq(op.payload, std::string(), "marker payload");
             check(header(headers_of(op), "KV-Operation") == std::optional<std::string_view>("DEL"),
                   "KV-Operation: " + op.describe());
             check_eq(b.messages(), int64_t{2}, "messages");
             // deny_delete: the bucket's messages cannot be removed one by one.
             check_api_error(api.request("$JS.API.STREAM.MSG.DELETE." + b.stream(), R"({"seq":1})"),
                             500, 10057, "message delete not permitted");
           });

  area.add("purge_marker_rolls_up",
           "purge = KV-Operation: PURGE with Nats-Rollup: sub; only the marker is left for that "
           "key, other keys keep their values",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 10);
             b.put("k", "v1");
             b.put("k", "v2");
             b.put("keep", "x");
             check_eq(
                 b.put("k", "", header_block({{"KV-Operation", "PURGE"}, {"Nats-Rollup", "sub"}})),
                 int64_t{4}, "purge revision");
             check_eq(b.messages(), int64_t{2}, "messages (marker + other key)");
             check(header(headers_of(b.get("k")), "KV-Operation") ==
                       std::optional<std::string_view>("PURGE"),
                   "KV-Operation of the marker");
             check_eq(b.get("keep").payload, "x", "other key");
           });

  area.add("history_limit_not_discard_new",
           "history (max_msgs_per_subject) keeps the newest values of a key; with discard new "
           "but without discard_new_per_subject further puts are still accepted",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 2);
             for (int64_t i = 1; i <= 6; ++i) {
               check_eq(b.put("k", "v" + std::to_string(i)), i, "revision");
             }
             check_eq(b.messages(), int64_t{2}, "messages");
             check_eq(b.get("k").payload, "v6", "value");
             check_api_error(api.request("$JS.API.STREAM.MSG.GET." + b.stream(), R"({"seq":4})"),
                             404, 10037, "no message found");
             const boost::json::value r =
                 api.request("$JS.API.STREAM.MSG.GET." + b.stream(), R"({"seq":5})");
             check_eq(string_at(member(r, "message"), "data"), "djU=", "revision 5 value");
           });

  area.add("watch_last_per_subject",
           "a watcher (push consumer, last_per_subject on $KV.<b>.>, ack none, flow control and "
           "heartbeats) gets each key's newest value in stream order, then new puts",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Bucket b(ctx, api, 5);
             b.put("a", "a1");
             b.put("b", "b1");
             b.put("a", "a2");
             Connection w = ctx.client();
             const std::string deliver = js::unique_name(ctx, "cf_watch");
             w.sub(deliver, "w");
             w.flush();
             const boost::json::value r = api.request(
                 "$JS.API.CONSUMER.CREATE." + b.stream(),
                 R"({"stream_name":")" + b.stream() + R"(","config":{"deliver_subject":")" +
                     deliver + R"(","deliver_policy":"last_per_subject","filter_subject":")" +
                     b.all_keys() +
                     R"(","ack_policy":"none","max_deliver":1,"flow_control":true,)"
                     R"("idle_heartbeat":5000000000,"mem_storage":true}})");
             check_no_error(r, "watcher create");
             const auto next_value = [&](std::string_view what) {
               while (true) {
                 const ServerOp op = next_op(w, what);
                 check(op.is_msg(), "expected a message, got " + op.describe());
                 // Skip flow-control requests and heartbeats (status 100).
                 if (op.kind == OpKind::kHmsg && headers_of(op).status() == 100) {
                   if (!op.reply.empty()) w.pub(op.reply, "");
                   continue;
                 }
                 return op;
               }
             };
             ServerOp op = next_value("b's value");
             check_eq(op.subject, b.key_subject("b"), "first key");
             check_eq(op.payload, "b1", "first value");
             check_eq(parse_ack_reply(op.reply).pending, uint64_t{1}, "pending after b");
             op = next_value("a's value");
             check_eq(op.subject, b.key_subject("a"), "second key");
             check_eq(op.payload, "a2", "second value");
             check_eq(parse_ack_reply(op.reply).pending, uint64_t{0}, "pending after a");
             b.put("c", "c1");
             op = next_value("the new put");
             check_eq(op.subject, b.key_subject("c"), "update key");
             check_eq(op.payload, "c1", "update value");
             check_eq(parse_ack_reply(op.reply).stream_seq, uint64_t{4}, "update revision");
           });
}

}  // namespace quiver::conformance
