// cluster: the same protocol guarantees across the nodes of a cluster (delivery, queue groups,
// request/reply, headers, order, unsubscribe, discovery).
#include <set>

#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

const Requirements kCluster{.nodes = 2};

}  // namespace

void register_cluster_cases(Registry& registry) {
  Area area(registry, "cluster");

  area.add("cross_node_delivery", "a PUB on node 0 reaches a subscriber on node 1", kCluster,
           [](CaseContext& ctx) {
             Connection sub = ctx.client(1);
             Connection pub = ctx.client(0);
             sub.sub("cl.basic", "1");
             ctx.wait_for_interest(pub, sub);
             pub.pub("cl.basic", "hello", "cl.reply");
             sub.expect_msg("cl.basic", "1", "hello", "cl.reply");
           });

  area.add("every_node_subscriber_gets_one_copy",
           "one subscriber per node, one PUB: each gets exactly one MSG", kCluster,
           [](CaseContext& ctx) {
             Connection pub = ctx.client(0);
             std::vector<Connection> subs;
             for (std::size_t n = 0; n < ctx.node_count(); ++n) {
               subs.push_back(ctx.client(n));
               subs.back().sub("cl.all", "1");
               if (n > 0) ctx.wait_for_interest(pub, subs.back());
             }
             subs[0].flush();
             pub.pub("cl.all", "x");
             pub.flush();
             for (Connection& s : subs) {
               s.expect_msg("cl.all", "1", "x");
               s.flush();
               s.expect_nothing();
             }
           });

  area.add("cross_node_wildcard", "a wildcard subscriber on node 1 matches a PUB on node 0",
           kCluster, [](CaseContext& ctx) {
             Connection sub = ctx.client(1);
             Connection pub = ctx.client(0);
             sub.sub("cl.wild.*.>", "1");
             ctx.wait_for_interest(pub, sub);
             pub.pub("cl.wild.a.b", "x");
             pub.pub("cl.wild.a", "no");
             pub.pub("cl.wild.c.d.e", "y");
             sub.expect_msg("cl.wild.a.b", "1", "x");
             sub.expect_msg("cl.wild.c.d.e", "1", "y");
           });

  area.add("queue_group_once_across_nodes",
           "members of one group on two nodes: each of 40 messages delivered once", kCluster,
           [](CaseContext& ctx) {
             Connection pub = ctx.client(0);
             Connection m0 = ctx.client(0);
             Connection m1 = ctx.client(1);
             m0.sub("cl.q", "1", "g");
             m0.flush();
             m1.sub("cl.q", "1", "g");
             ctx.wait_for_interest(pub, m1);
             for (std::size_t i = 0; i < 40; ++i) pub.pub("cl.q", seq_payload(i));
             pub.flush();
             std::multiset<std::string> seen;
             std::size_t expected = 40;
             // Node 1's deliveries travel a route; read until all 40 are accounted for.
             const Clock::time_point until = Clock::now() + ctx.timing().wait;
             while (seen.size() < expected && Clock::now() < until) {
               for (Connection* m : {&m0, &m1}) {
                 if (m->poll_op(milliseconds(10))) {
                   ServerOp op = m->next("queue message");
                   check(op.is_msg(), "expected MSG, got " + op.describe());
                   seen.insert(op.payload);
                 }
               }
             }
             check_eq(seen.size(), expected, "messages delivered to the group");
             for (std::size_t i = 0; i < 40; ++i) {
               check_eq(seen.count(seq_payload(i)), std::size_t{1},
                        "deliveries of " + seq_payload(i));
             }
             m0.flush();
             m1.flush();
             m0.expect_nothing();
             m1.expect_nothing();
           });

  area.add("cross_node_request_reply",
           "a requester on node 0 and a responder on node 1 complete a request", kCluster,
           [](CaseContext& ctx) {
             Connection requester = ctx.client(0);
             Connection responder = ctx.client(1);
             responder.sub("cl.svc", "1");
             ctx.wait_for_interest(requester, responder);
             requester.sub("cl.inbox", "9");
             ctx.wait_for_interest(responder, requester);
             requester.pub("cl.svc", "q", "cl.inbox");
             ServerOp req = responder.expect_msg("cl.svc", "1", "q", "cl.inbox");
             responder.pub(req.reply, "a");
             requester.expect_msg("cl.inbox", "9", "a");
           });

  area.add("no_503_with_remote_responder",
           "no_responders: a request answered by a responder on another node gets no 503",
           Requirements{.headers = true, .nodes = 2}, [](CaseContext& ctx) {
             codec::ConnectOptions o = ctx.connect_options();
             o.headers = true;
             o.no_responders = true;
             Connection requester = ctx.client(o, 0);
             Connection responder = ctx.client(1);
             responder.sub("cl.nr", "1");
             ctx.wait_for_interest(requester, responder);
             requester.sub("cl.nr.inbox", "9");
             ctx.wait_for_interest(responder, requester);
             requester.pub("cl.nr", "q", "cl.nr.inbox");
             responder.expect_msg("cl.nr", "1", "q", "cl.nr.inbox");
             responder.pub("cl.nr.inbox", "a");
             requester.expect_msg("cl.nr.inbox", "9", "a");
             requester.flush();
             requester.expect_nothing();
           });

  area.add("cross_node_headers", "an HPUB on node 0 arrives on node 1 byte for byte",
           Requirements{.headers = true, .nodes = 2}, [](CaseContext& ctx) {
             Connection sub = ctx.client(1);
             Connection pub = ctx.client(0);
             sub.sub("cl.h", "1");
             ctx.wait_for_interest(pub, sub);
             const std::string hdr = header_block({{"A", "1"}, {"a", "2"}, {"A", "3"}});
             pub.hpub("cl.h", hdr, "body", "cl.r");
             sub.expect_hmsg("cl.h", "1", hdr, "body", "cl.r");
           });

  area.add("cross_node_order", "500 messages from node 0 arrive at node 1 in order", kCluster,
           [](CaseContext& ctx) {
             Connection sub = ctx.client(1);
             Connection pub = ctx.client(0);
             sub.sub("cl.order", "1");
             ctx.wait_for_interest(pub, sub);
             std::string batch;
             for (std::size_t i = 0; i < 500; ++i) batch += pub_bytes("cl.order", seq_payload(i));
             pub.send(batch);
             for (std::size_t i = 0; i < 500; ++i) sub.expect_msg("cl.order", "1", seq_payload(i));
           });

  area.add("cross_node_unsub_stops", "after UNSUB on node 1, PUBs on node 0 no longer reach it",
           kCluster, [](CaseContext& ctx) {
             Connection sub = ctx.client(1);
             Connection pub = ctx.client(0);
             sub.sub("cl.un", "1");
             ctx.wait_for_interest(pub, sub);
             pub.pub("cl.un", "before");
             sub.expect_msg("cl.un", "1", "before");
             sub.unsub("1");
             // The marker subscribed after the UNSUB reaches node 0 after it.
             ctx.wait_for_interest(pub, sub);
             pub.pub("cl.un", "after");
             pub.flush();
             sub.flush();
             sub.expect_nothing(milliseconds(200));
           });

  area.add("cross_node_auto_unsub", "UNSUB 1 2 on node 1: exactly 2 of 5 PUBs from node 0",
           kCluster, [](CaseContext& ctx) {
             Connection sub = ctx.client(1);
             Connection pub = ctx.client(0);
             sub.sub("cl.max", "1");
             ctx.wait_for_interest(pub, sub);
             sub.unsub("1", 2);
             sub.flush();
             for (int i = 0; i < 5; ++i) pub.pub("cl.max", seq_payload(i));
             pub.flush();
             sub.expect_msg("cl.max", "1", seq_payload(0));
             sub.expect_msg("cl.max", "1", seq_payload(1));
             sub.expect_nothing(milliseconds(200));
           });

  area.add("info_connect_urls",
           "INFO on node 0 lists the client URLs of every node in connect_urls", kCluster,
           [](CaseContext& ctx) {
             ctx.eventually("connect_urls to list every node", [&] {
               Connection c = ctx.open_with_info(0);
               std::set<uint16_t> ports;
               for (const std::string& url : c.info().connect_urls) {
                 if (auto ep = parse_nats_url(url)) ports.insert(ep->port);
               }
               for (const Endpoint& node : ctx.target().nodes) {
                 if (!ports.count(node.port)) return false;
               }
               return true;
             });
           });
}

}  // namespace quiver::conformance
