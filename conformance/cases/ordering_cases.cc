// ordering: messages from one publisher reach each subscriber in publish order, whatever the
// subjects, kinds (PUB/HPUB) and number of publishers and subscribers.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {

void register_ordering_cases(Registry& registry) {
  Area area(registry, "ordering");

  area.add("single_publisher_order", "1000 messages from one publisher arrive in order",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             sub.sub("or.one", "1");
             sub.flush();
             Connection pub = ctx.client();
             std::string batch;
             for (std::size_t i = 0; i < 1000; ++i) batch += pub_bytes("or.one", seq_payload(i));
             pub.send(batch);
             for (std::size_t i = 0; i < 1000; ++i) sub.expect_msg("or.one", "1", seq_payload(i));
           });

  area.add("two_publishers_each_ordered",
           "two publishers interleaved: each one's messages arrive in its order",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             sub.sub("or.two", "1");
             sub.flush();
             Connection a = ctx.client();
             Connection b = ctx.client();
             for (std::size_t i = 0; i < 200; ++i) {
               a.pub("or.two", "a" + std::to_string(i));
               b.pub("or.two", "b" + std::to_string(i));
             }
             std::size_t next_a = 0;
             std::size_t next_b = 0;
             for (const ServerOp& m : sub.expect_msgs(400)) {
               if (m.payload[0] == 'a') {
                 check_eq(m.payload, "a" + std::to_string(next_a++), "next message from a");
               } else {
                 check_eq(m.payload, "b" + std::to_string(next_b++), "next message from b");
               }
             }
           });

  area.add("order_across_subjects",
           "one publisher on 5 subjects, one wildcard subscriber: publish order kept",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             sub.sub("or.multi.>", "1");
             sub.flush();
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 300; ++i) {
               pub.pub("or.multi." + std::to_string(i % 5), seq_payload(i));
             }
             for (std::size_t i = 0; i < 300; ++i) {
               sub.expect_msg("or.multi." + std::to_string(i % 5), "1", seq_payload(i));
             }
           });

  area.add("order_across_pub_and_hpub", "PUB and HPUB alternating stay in order", {.headers = true},
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             sub.sub("or.mixed", "1");
             sub.flush();
             Connection pub = ctx.client();
             const std::string hdr = header_block({{"N", "v"}});
             for (std::size_t i = 0; i < 200; ++i) {
               if (i % 2) {
                 pub.hpub("or.mixed", hdr, seq_payload(i));
               } else {
                 pub.pub("or.mixed", seq_payload(i));
               }
             }
             for (std::size_t i = 0; i < 200; ++i) {
               if (i % 2) {
                 sub.expect_hmsg("or.mixed", "1", hdr, seq_payload(i));
               } else {
                 sub.expect_msg("or.mixed", "1", seq_payload(i));
               }
             }
           });

  area.add("same_order_for_every_subscriber",
           "three subscribers each see the 300 messages in publish order", [](CaseContext& ctx) {
             std::vector<Connection> subs;
             for (int i = 0; i < 3; ++i) {
               subs.push_back(ctx.client());
               subs.back().sub("or.fan", "1");
               subs.back().flush();
             }
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 300; ++i) pub.pub("or.fan", seq_payload(i));
             for (Connection& s : subs) {
               for (std::size_t i = 0; i < 300; ++i) s.expect_msg("or.fan", "1", seq_payload(i));
             }
           });

  area.add("queue_member_sees_order", "a single queue member gets the messages in publish order",
           [](CaseContext& ctx) {
             Connection m = ctx.client();
             m.sub("or.q", "1", "g");
             m.flush();
             Connection pub = ctx.client();
             for (std::size_t i = 0; i < 300; ++i) pub.pub("or.q", seq_payload(i));
             for (std::size_t i = 0; i < 300; ++i) m.expect_msg("or.q", "1", seq_payload(i));
           });
}

}  // namespace quiver::conformance
