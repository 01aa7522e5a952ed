// queue: queue groups deliver each message to one member per group, while plain subscribers
// still get every message.
#include <set>

#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

// Reads every MSG each connection got for a run of `count` messages: flushes each member (so
// all deliveries before the PONG are in) and returns the payloads per member.
std::vector<std::vector<std::string>> drain_members(std::vector<Connection>& members) {
  std::vector<std::vector<std::string>> out(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    members[i].ping();
    while (true) {
      ServerOp op = members[i].next("MSG or PONG");
      if (op.raw == "PONG\r\n") break;
      check(op.is_msg(), "expected MSG or PONG, got " + op.describe());
      out[i].push_back(op.payload);
    }
  }
  return out;
}

std::vector<Connection> queue_members(CaseContext& ctx, std::string_view subject,
                                      std::string_view group, std::size_t n) {
  std::vector<Connection> members;
  for (std::size_t i = 0; i < n; ++i) {
    members.push_back(ctx.client());
    members.back().sub(subject, std::to_string(i + 1), group);
    members.back().flush();
  }
  return members;
}

}  // namespace

void register_queue_cases(Registry& registry) {
  Area area(registry, "queue");

  area.add("each_message_once_per_group",
           "50 messages to a group of 3 members: every message delivered exactly once",
           [](CaseContext& ctx) {
             std::vector<Connection> members = queue_members(ctx, "q.once", "workers", 3);
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 50; ++i) pub.pub("q.once", seq_payload(i));
             pub.flush();
             std::multiset<std::string> seen;
             for (const auto& got : drain_members(members)) seen.insert(got.begin(), got.end());
             check_eq(seen.size(), std::size_t{50}, "messages delivered to the group");
             for (std::size_t i = 0; i < 50; ++i) {
               check_eq(seen.count(seq_payload(i)), std::size_t{1},
                        "deliveries of " + seq_payload(i));
             }
           });

  area.add("plain_subscribers_get_all",
           "a plain subscriber beside a queue group gets all 20 messages; the group 20 in total",
           [](CaseContext& ctx) {
             std::vector<Connection> members = queue_members(ctx, "q.plain", "g", 2);
             Connection plain = ctx.client();
             plain.sub("q.plain", "p");
             plain.flush();
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 20; ++i) pub.pub("q.plain", seq_payload(i));
             for (std::size_t i = 0; i < 20; ++i) plain.expect_msg("q.plain", "p", seq_payload(i));
             std::size_t total = 0;
             for (const auto& got : drain_members(members)) total += got.size();
             check_eq(total, std::size_t{20}, "messages delivered to the group");
           });

  area.add("each_group_gets_a_copy", "two groups on one subject: each message once per group",
           [](CaseContext& ctx) {
             std::vector<Connection> a = queue_members(ctx, "q.groups", "ga", 2);
             std::vector<Connection> b = queue_members(ctx, "q.groups", "gb", 2);
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 10; ++i) pub.pub("q.groups", seq_payload(i));
             pub.flush();
             for (auto* group : {&a, &b}) {
               std::multiset<std::string> seen;
               for (const auto& got : drain_members(*group)) seen.insert(got.begin(), got.end());
               check_eq(seen.size(), std::size_t{10}, "messages delivered to one group");
               for (std::size_t i = 0; i < 10; ++i) {
                 check_eq(seen.count(seq_payload(i)), std::size_t{1}, "deliveries in a group");
               }
             }
           });

  area.add("load_spread_over_members", "200 messages to 2 members: both get some",
           [](CaseContext& ctx) {
             std::vector<Connection> members = queue_members(ctx, "q.spread", "g", 2);
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 200; ++i) pub.pub("q.spread", seq_payload(i));
             pub.flush();
             const auto got = drain_members(members);
             check_eq(got[0].size() + got[1].size(), std::size_t{200}, "messages delivered");
             check(!got[0].empty() && !got[1].empty(),
                   "one member got all 200 messages: members are not chosen per message");
           });

  area.add(
      "group_spans_subjects",
      "members of one group on \"qs.*\" and \"qs.>\" share it: with plain subs on both, a "
      "PUB to \"qs.x\" makes 3 MSGs",
      [](CaseContext& ctx) {
        Connection c = ctx.client();
        c.sub("qs.*", "1");
        c.sub("qs.>", "2");
        c.sub("qs.*", "3", "g");
        c.sub("qs.>", "4", "g");
        c.pub("qs.x", "x");
        std::vector<ServerOp> got = c.expect_msgs(3);
        std::vector<std::string> sids;
        for (const ServerOp& m : got) sids.push_back(m.sid);
        std::sort(sids.begin(), sids.end());
        check(sids[0] == "1" && sids[1] == "2" && (sids[2] == "3" || sids[2] == "4"),
              "expected sids 1, 2 and one of 3/4, got " + sids[0] + "," + sids[1] + "," + sids[2]);
        c.flush();
        c.expect_nothing();
      });

  area.add("remaining_member_gets_all_after_unsub",
           "after one of two members unsubscribes the other gets every message",
           [](CaseContext& ctx) {
             std::vector<Connection> members = queue_members(ctx, "q.left", "g", 2);
             members[0].unsub("1");
             members[0].flush();
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 20; ++i) pub.pub("q.left", seq_payload(i));
             for (std::size_t i = 0; i < 20; ++i) {
               members[1].expect_msg("q.left", "2", seq_payload(i));
             }
             ctx.expect_no_delivery(pub, members[0]);
           });

  area.add("wildcard_queue_subscription", "a queue subscription may use wildcards",
           [](CaseContext& ctx) {
             std::vector<Connection> members = queue_members(ctx, "qw.>", "g", 2);
             Connection pub = ctx.client();
             pub.pub("qw.a.b", "x");
             pub.pub("qw.c", "y");
             pub.flush();
             std::multiset<std::string> seen;
             for (const auto& got : drain_members(members)) seen.insert(got.begin(), got.end());
             check(seen == std::multiset<std::string>({"x", "y"}),
                   "expected x and y once each across the group");
           });

  area.add("reply_subject_passed_to_member", "a member gets the publisher's reply subject",
           [](CaseContext& ctx) {
             Connection m = ctx.client();
             m.sub("q.reply", "1", "g");
             m.flush();
             Connection pub = ctx.client();
             pub.pub("q.reply", "x", "q.inbox");
             m.expect_msg("q.reply", "1", "x", "q.inbox");
           });

  area.add("two_members_on_one_connection",
           "two members of one group on one connection: each message once", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("q.same", "1", "g");
             c.sub("q.same", "2", "g");
             for (std::size_t i = 0; i < 10; ++i) c.pub("q.same", seq_payload(i));
             std::vector<ServerOp> got = c.expect_msgs(10);
             for (std::size_t i = 0; i < 10; ++i) check_eq(got[i].payload, seq_payload(i), "order");
             c.flush();
           });

  area.add("echo_false_skips_own_member",
           "with echo:false the publisher's own member is skipped and another member gets it",
           [](CaseContext& ctx) {
             Connection other = ctx.client();
             other.sub("q.echo", "9", "g");
             other.flush();
             Connection self =
                 ctx.client(options_with(ctx, [](codec::ConnectOptions& o) { o.echo = false; }));
             self.sub("q.echo", "1", "g");
             for (std::size_t i = 0; i < 10; ++i) self.pub("q.echo", seq_payload(i));
             self.flush();
             for (std::size_t i = 0; i < 10; ++i) other.expect_msg("q.echo", "9", seq_payload(i));
             self.expect_nothing();
           });
}

}  // namespace quiver::conformance
