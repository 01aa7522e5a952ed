// unsub: UNSUB, auto-unsubscribe after N messages, and their edge cases.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {

void register_unsub_cases(Registry& registry) {
  Area area(registry, "unsub");

  area.add("unsub_stops_delivery", "after UNSUB no more MSGs arrive for the sid",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.stop", "1");
             c.pub("u.stop", "a");
             c.expect_msg("u.stop", "1", "a");
             c.unsub("1");
             c.pub("u.stop", "b");
             c.flush();
             c.expect_nothing();
           });

  area.add("auto_unsub_after_max", "UNSUB 1 2, then 3 PUBs: exactly 2 MSGs", [](CaseContext& ctx) {
    Connection sub = ctx.client();
    Connection pub = ctx.client();
    sub.sub("u.max", "1");
    sub.unsub("1", 2);
    sub.flush();
    for (int i = 0; i < 3; ++i) pub.pub("u.max", seq_payload(i));
    pub.flush();
    sub.expect_msg("u.max", "1", seq_payload(0));
    sub.expect_msg("u.max", "1", seq_payload(1));
    sub.flush();
    sub.expect_nothing();
  });

  area.add("auto_unsub_exact_in_one_batch",
           "UNSUB 1 5 with 10 PUBs in one write: exactly the first 5 arrive", [](CaseContext& ctx) {
             Connection c = ctx.client();
             std::string batch = "SUB u.batch 1\r\nUNSUB 1 5\r\n";
             for (std::size_t i = 0; i < 10; ++i) batch += pub_bytes("u.batch", seq_payload(i));
             c.send(batch);
             for (std::size_t i = 0; i < 5; ++i) c.expect_msg("u.batch", "1", seq_payload(i));
             c.flush();
             c.expect_nothing();
           });

  area.add("auto_unsub_max_already_reached",
           "UNSUB 1 2 after 3 deliveries removes the subscription at once", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.reached", "1");
             for (int i = 0; i < 3; ++i) c.pub("u.reached", "x");
             c.expect_msgs(3);
             c.unsub("1", 2);
             c.pub("u.reached", "y");
             c.flush();
             c.expect_nothing();
           });

  area.add("auto_unsub_counts_from_unsub",
           "UNSUB 1 3 after 1 delivery: 2 more arrive (the max counts all deliveries)",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.count", "1");
             c.pub("u.count", "first");
             c.expect_msg("u.count", "1", "first");
             c.unsub("1", 3);
             for (int i = 0; i < 4; ++i) c.pub("u.count", seq_payload(i));
             c.expect_msg("u.count", "1", seq_payload(0));
             c.expect_msg("u.count", "1", seq_payload(1));
             c.flush();
             c.expect_nothing();
           });

  area.add("unsub_zero_is_immediate", "UNSUB 1 0 removes the subscription at once",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.zero", "1");
             c.unsub("1", 0);
             c.pub("u.zero", "x");
             c.flush();
             c.expect_nothing();
           });

  area.add("unsub_unknown_sid_silent", "UNSUB of an unknown sid: no -ERR, connection stays",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.unsub("nope");
             c.unsub("nope", 5);
             c.flush();
             c.expect_nothing();
           });

  area.add("unsub_only_that_sid", "UNSUB of one sid leaves another sid on the same subject",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.two", "1");
             c.sub("u.two", "2");
             c.unsub("1");
             c.pub("u.two", "x");
             c.expect_msg("u.two", "2", "x");
             c.flush();
             c.expect_nothing();
           });

  area.add("resubscribe_same_sid", "after UNSUB the sid can be used again for a new subject",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.old", "1");
             c.unsub("1");
             c.sub("u.new", "1");
             c.pub("u.old", "a");
             c.pub("u.new", "b");
             c.expect_msg("u.new", "1", "b");
             c.flush();
             c.expect_nothing();
           });

  area.add("auto_unsub_queue_member",
           "a queue member with UNSUB 1 2 takes 2 messages, then the other member takes the rest",
           [](CaseContext& ctx) {
             Connection a = ctx.client();
             a.sub("u.q", "1", "g");
             a.unsub("1", 2);
             a.flush();
             Connection pub = ctx.client();
             // With only member a in the group, it takes exactly 2.
             for (int i = 0; i < 3; ++i) pub.pub("u.q", seq_payload(i));
             pub.flush();
             a.expect_msgs(2);
             a.flush();
             a.expect_nothing();
             Connection b = ctx.client();
             b.sub("u.q", "2", "g");
             b.flush();
             pub.pub("u.q", "later");
             b.expect_msg("u.q", "2", "later");
           });

  area.add("unsub_in_same_write_as_pub",
           "PUB, UNSUB, PUB in one write: only the first message arrives", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("u.seq", "1");
             c.flush();
             c.send(pub_bytes("u.seq", "a") + "UNSUB 1\r\n" + pub_bytes("u.seq", "b"));
             c.expect_msg("u.seq", "1", "a");
             c.flush();
             c.expect_nothing();
           });
}

}  // namespace quiver::conformance
