// pubsub: delivery of PUB to subscribers, byte for byte; payload edge cases; echo; sids.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {

void register_pubsub_cases(Registry& registry) {
  Area area(registry, "pubsub");

  area.add("basic_delivery_exact_bytes",
           "SUB then PUB from another connection: exactly \"MSG foo 1 5\\r\\nhello\\r\\n\"",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             Connection pub = ctx.client();
             sub.sub("ps.basic", "1");
             sub.flush();
             pub.pub("ps.basic", "hello");
             sub.expect_exact("MSG ps.basic 1 5\r\nhello\r\n");
           });

  area.add("reply_subject_exact_bytes", "the reply subject is passed on: \"MSG s 1 r 5\"",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("ps.reply", "1");
             c.pub("ps.reply", "hello", "ps.inbox.1");
             c.expect_exact("MSG ps.reply 1 ps.inbox.1 5\r\nhello\r\n");
           });

  area.add("empty_payload", "a 0-byte payload is delivered as \"MSG s 1 0\\r\\n\\r\\n\"",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("ps.empty", "1");
             c.pub("ps.empty", "");
             c.expect_exact("MSG ps.empty 1 0\r\n\r\n");
           });

  area.add("binary_payload", "all 256 byte values (CR, LF, NUL included) arrive unchanged",
           [](CaseContext& ctx) {
             std::string payload;
             for (int i = 0; i < 256; ++i) payload += static_cast<char>(i);
             payload += "\r\nPING\r\n";
             Connection c = ctx.client();
             c.sub("ps.binary", "1");
             c.pub("ps.binary", payload);
             c.expect_msg("ps.binary", "1", payload);
           });

  area.add("large_payload", "a 512 KiB payload arrives intact", [](CaseContext& ctx) {
    if (ctx.info().max_payload < 512 * 1024) skip("max_payload is below 512 KiB");
    std::string payload(512 * 1024, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
    Connection sub = ctx.client();
    Connection pub = ctx.client();
    sub.sub("ps.large", "1");
    sub.flush();
    pub.pub("ps.large", payload);
    sub.expect_msg("ps.large", "1", payload);
  });

  area.add("payload_of_exactly_max_payload",
           "a payload of exactly INFO max_payload bytes is accepted and delivered",
           [](CaseContext& ctx) {
             const int64_t max = ctx.info().max_payload;
             if (max > 8 * 1024 * 1024) skip("max_payload above 8 MiB; not sending that much");
             const std::string payload(static_cast<std::size_t>(max), 'm');
             Connection sub = ctx.client();
             Connection pub = ctx.client();
             sub.sub("ps.max", "1");
             sub.flush();
             pub.pub("ps.max", payload);
             pub.flush();
             sub.expect_msg("ps.max", "1", payload);
           });

  area.add("echo_on_by_default", "a connection receives its own messages by default",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("ps.echo", "1");
             c.pub("ps.echo", "me");
             c.expect_msg("ps.echo", "1", "me");
           });

  area.add("echo_false_suppresses_own",
           "with echo:false a connection does not get its own messages", [](CaseContext& ctx) {
             Connection c =
                 ctx.client(options_with(ctx, [](codec::ConnectOptions& o) { o.echo = false; }));
             c.sub("ps.noecho", "1");
             c.pub("ps.noecho", "me");
             c.flush();
             c.expect_nothing();
           });

  area.add("echo_false_others_receive",
           "echo:false does not stop other connections from getting the messages",
           [](CaseContext& ctx) {
             Connection other = ctx.client();
             other.sub("ps.noecho2", "9");
             other.flush();
             Connection c =
                 ctx.client(options_with(ctx, [](codec::ConnectOptions& o) { o.echo = false; }));
             c.sub("ps.noecho2", "1");
             c.pub("ps.noecho2", "me");
             other.expect_msg("ps.noecho2", "9", "me");
             c.flush();
             c.expect_nothing();
           });

  area.add("every_subscriber_connection_receives", "three subscriber connections each get one copy",
           [](CaseContext& ctx) {
             std::vector<Connection> subs;
             for (int i = 0; i < 3; ++i) {
               subs.push_back(ctx.client());
               subs.back().sub("ps.fan", std::to_string(i + 1));
               subs.back().flush();
             }
             Connection pub = ctx.client();
             pub.pub("ps.fan", "x");
             for (int i = 0; i < 3; ++i) {
               subs[i].expect_msg("ps.fan", std::to_string(i + 1), "x");
               subs[i].flush();
             }
           });

  area.add("two_sids_same_subject_same_connection",
           "two subscriptions of one connection to one subject: one MSG per sid",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("ps.twice", "a");
             c.sub("ps.twice", "b");
             c.pub("ps.twice", "x");
             std::vector<ServerOp> got = c.expect_msgs(2);
             check(got[0].sid != got[1].sid, "both MSGs carry sid " + got[0].sid);
             c.flush();
           });

  area.add("overlapping_subscriptions_each_deliver",
           "a connection subscribed to \"o.*\" and \"o.>\" gets two MSGs for \"o.x\"",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("o.*", "1");
             c.sub("o.>", "2");
             c.pub("o.x", "x");
             std::vector<ServerOp> got = c.expect_msgs(2);
             std::vector<std::string> sids = {got[0].sid, got[1].sid};
             std::sort(sids.begin(), sids.end());
             check(sids == std::vector<std::string>({"1", "2"}),
                   "expected sids 1 and 2, got " + got[0].sid + " and " + got[1].sid);
             c.flush();
           });

  area.add("duplicate_sid_keeps_first",
           "a second SUB reusing a sid is ignored; the first subscription stays",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("dup.first", "1");
             c.sub("dup.second", "1");
             c.pub("dup.first", "a");
             c.pub("dup.second", "b");
             c.expect_msg("dup.first", "1", "a");
             c.flush();
           });

  area.add("sid_is_opaque_text", "any non-blank text works as a sid and is echoed back as is",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("ps.sid", "Sub-\xc3\xa9_42.x");
             c.pub("ps.sid", "x");
             c.expect_msg("ps.sid", "Sub-\xc3\xa9_42.x", "x");
           });

  area.add("no_interest_no_delivery", "a PUB to a subject nobody subscribes to delivers nothing",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             Connection pub = ctx.client();
             sub.sub("ps.here", "1");
             sub.flush();
             pub.pub("ps.elsewhere", "x");
             ctx.expect_no_delivery(pub, sub);
           });

  area.add("subjects_case_sensitive", "\"ps.Case\" and \"ps.case\" are different subjects",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("ps.Case", "1");
             c.pub("ps.case", "x");
             c.pub("ps.Case", "y");
             c.expect_msg("ps.Case", "1", "y");
             c.flush();
           });

  area.add("pipelined_publishes", "100 PUBs in one write arrive as 100 MSGs in order",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             Connection pub = ctx.client();
             sub.sub("ps.pipe", "1");
             sub.flush();
             std::string batch;
             for (std::size_t i = 0; i < 100; ++i) batch += pub_bytes("ps.pipe", seq_payload(i));
             pub.send(batch);
             for (std::size_t i = 0; i < 100; ++i) sub.expect_msg("ps.pipe", "1", seq_payload(i));
           });

  area.add("long_subject", "a 999-byte subject of 126 tokens is delivered", [](CaseContext& ctx) {
    std::string subject = "ps.long";
    for (int i = 0; subject.size() < 999; ++i) {
      std::string token = "t" + std::to_string(100000 + i);  // 7 bytes
      subject += "." + token.substr(0, std::min<std::size_t>(7, 999 - subject.size() - 1));
    }
    check_eq(subject.size(), std::size_t{999}, "subject length");
    Connection c = ctx.client();
    c.sub(subject, "1");
    c.pub(subject, "x");
    c.expect_msg(subject, "1", "x");
  });

  area.add("closed_subscriber_gone", "after a subscriber disconnects the publisher is unaffected",
           [](CaseContext& ctx) {
             Connection pub = ctx.client();
             {
               Connection sub = ctx.client();
               sub.sub("ps.gone", "1");
               sub.flush();
             }
             for (int i = 0; i < 10; ++i) pub.pub("ps.gone", "x");
             pub.flush();
           });
}

}  // namespace quiver::conformance
