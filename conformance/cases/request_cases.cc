// request: request/reply through reply subjects, and the no-responders status (503) a broker
// sends when a request reaches nobody.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

codec::ConnectOptions no_responders_options(const CaseContext& ctx) {
  return options_with(ctx, [](codec::ConnectOptions& o) {
    o.headers = true;
    o.no_responders = true;
  });
}

// Checks that `op` is the no-responders status for a request to `subject` delivered to `sid`
// on `reply`: an HMSG with status 503 and no payload. nats-server 2.9 sends the bare status
// line; 2.12+ adds a Nats-Subject header naming the request subject. Both are accepted.
void check_no_responders(const ServerOp& op, std::string_view reply, std::string_view sid,
                         std::string_view subject) {
  check(op.kind == OpKind::kHmsg, "expected a 503 HMSG, got " + op.describe());
  check_eq(op.subject, reply, "503 subject");
  check_eq(op.sid, sid, "503 sid");
  check_eq(op.reply, "", "503 reply subject");
  check_eq(op.payload, "", "503 payload");
  auto headers = codec::parse_headers(op.headers);
  check(static_cast<bool>(headers), "503 header block does not parse: " + op.describe());
  check_eq(headers.value().status(), 503, "status");
  for (const codec::HeaderField& f : headers.value().fields()) {
    check(f.key == "Nats-Subject" && f.value == subject,
          "unexpected header in 503: " + f.key + ": " + f.value);
  }
}

}  // namespace

void register_request_cases(Registry& registry) {
  Area area(registry, "request");

  area.add("request_reply_roundtrip",
           "a responder gets the request with its reply subject; its PUB to that subject "
           "reaches the requester",
           [](CaseContext& ctx) {
             Connection responder = ctx.client();
             responder.sub("r.svc", "1");
             responder.flush();
             Connection requester = ctx.client();
             requester.sub("r.inbox.1", "9");
             requester.pub("r.svc", "question", "r.inbox.1");
             ServerOp req = responder.expect_msg("r.svc", "1", "question", "r.inbox.1");
             responder.pub(req.reply, "answer");
             requester.expect_msg("r.inbox.1", "9", "answer");
           });

  area.add("no_responders_503",
           "no_responders:true, a request nobody receives: HMSG with status 503 and no payload "
           "on the reply subscription",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.client(no_responders_options(ctx));
             c.sub("r.inbox.2", "1");
             c.pub("r.nobody", "q", "r.inbox.2");
             check_no_responders(c.next("503 HMSG"), "r.inbox.2", "1", "r.nobody");
             c.flush();
           });

  area.add("no_responders_exact_bytes_2_9",
           "the 503 is exactly \"HMSG <reply> <sid> 16 16\\r\\nNATS/1.0 503\\r\\n\\r\\n\\r\\n\" "
           "(or the 2.12+ form with Nats-Subject)",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.client(no_responders_options(ctx));
             c.sub("r.inbox.3", "1");
             c.pub("r.none", "q", "r.inbox.3");
             ServerOp op = c.next("503 HMSG");
             const std::string v29 = "HMSG r.inbox.3 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n";
             const std::string v212 =
                 "HMSG r.inbox.3 1 38 38\r\nNATS/1.0 503\r\nNats-Subject: r.none\r\n\r\n\r\n";
             check(op.raw == v29 || op.raw == v212,
                   "expected \"" + printable(v29) + "\", got " + op.describe());
           });

  area.add("no_responders_needs_opt_in",
           "without no_responders in CONNECT an unanswered request gets nothing back",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("r.inbox.4", "1");
             c.pub("r.nobody", "q", "r.inbox.4");
             c.flush();
             c.expect_nothing();
           });

  area.add("no_responders_not_sent_with_responder",
           "a request that reaches a subscriber gets no 503", {.headers = true},
           [](CaseContext& ctx) {
             Connection responder = ctx.client();
             responder.sub("r.busy", "1");
             responder.flush();
             Connection c = ctx.client(no_responders_options(ctx));
             c.sub("r.inbox.5", "1");
             c.pub("r.busy", "q", "r.inbox.5");
             responder.expect_msg("r.busy", "1", "q", "r.inbox.5");
             c.flush();
             c.expect_nothing();
           });

  area.add("no_responders_needs_reply_subscription",
           "no 503 when the requester has no subscription matching the reply subject",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.client(no_responders_options(ctx));
             c.pub("r.nobody", "q", "r.inbox.6");
             c.flush();
             c.expect_nothing();
           });

  area.add("no_responders_wildcard_reply_subscription",
           "the 503 goes to a wildcard subscription that matches the reply subject",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.client(no_responders_options(ctx));
             c.sub("r.inboxes.>", "w");
             c.pub("r.nobody", "q", "r.inboxes.7");
             check_no_responders(c.next("503 HMSG"), "r.inboxes.7", "w", "r.nobody");
           });

  area.add("no_responders_with_headers_request",
           "an HPUB request nobody receives also gets the 503", {.headers = true},
           [](CaseContext& ctx) {
             Connection c = ctx.client(no_responders_options(ctx));
             c.sub("r.inbox.8", "1");
             c.hpub("r.nobody", header_block({{"X", "1"}}), "q", "r.inbox.8");
             check_no_responders(c.next("503 HMSG"), "r.inbox.8", "1", "r.nobody");
           });

  area.add("no_responders_echo_false_self_only",
           "with echo:false, a request whose only subscriber is the requester gets a 503",
           {.headers = true}, [](CaseContext& ctx) {
             codec::ConnectOptions o = no_responders_options(ctx);
             o.echo = false;
             Connection c = ctx.client(o);
             c.sub("r.self", "2");
             c.sub("r.inbox.9", "1");
             c.pub("r.self", "q", "r.inbox.9");
             check_no_responders(c.next("503 HMSG"), "r.inbox.9", "1", "r.self");
             c.flush();
           });

  area.add("no_responders_queue_responder",
           "a request taken by a queue-group responder gets no 503", {.headers = true},
           [](CaseContext& ctx) {
             Connection responder = ctx.client();
             responder.sub("r.qsvc", "1", "workers");
             responder.flush();
             Connection c = ctx.client(no_responders_options(ctx));
             c.sub("r.inbox.10", "1");
             c.pub("r.qsvc", "q", "r.inbox.10");
             responder.expect_msg("r.qsvc", "1", "q", "r.inbox.10");
             c.flush();
             c.expect_nothing();
           });

  area.add("reply_with_headers", "a responder's HPUB to the reply subject arrives as HMSG",
           {.headers = true}, [](CaseContext& ctx) {
             Connection responder = ctx.client();
             responder.sub("r.hsvc", "1");
             responder.flush();
             Connection requester = ctx.client();
             requester.sub("r.inbox.11", "9");
             requester.pub("r.hsvc", "q", "r.inbox.11");
             ServerOp req = responder.expect(OpKind::kMsg);
             const std::string hdr = header_block({{"Status", "ok"}});
             responder.hpub(req.reply, hdr, "answer");
             requester.expect_hmsg("r.inbox.11", "9", hdr, "answer");
           });

  area.add("several_responders_all_reply",
           "two plain responders both get the request and both replies arrive",
           [](CaseContext& ctx) {
             Connection r1 = ctx.client();
             Connection r2 = ctx.client();
             r1.sub("r.many", "1");
             r2.sub("r.many", "1");
             r1.flush();
             r2.flush();
             Connection requester = ctx.client();
             requester.sub("r.inbox.12", "9");
             requester.pub("r.many", "q", "r.inbox.12");
             r1.expect_msg("r.many", "1", "q", "r.inbox.12");
             r2.expect_msg("r.many", "1", "q", "r.inbox.12");
             r1.pub("r.inbox.12", "one");
             r1.flush();
             r2.pub("r.inbox.12", "two");
             requester.expect_msg("r.inbox.12", "9", "one");
             requester.expect_msg("r.inbox.12", "9", "two");
           });
}

}  // namespace quiver::conformance
