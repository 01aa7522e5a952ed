// ping: PING/PONG in both directions, what PONG promises about earlier deliveries, the
// broker's keepalive PINGs and the stale-connection close.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

// One PING a second; a client that leaves one unanswered at the next tick is stale.
constexpr std::string_view kFastPing = "ping_interval: \"1s\"\nping_max: 1\n";

}  // namespace

void register_ping_cases(Registry& registry) {
  Area area(registry, "ping");

  area.add("ping_pong_exact", "PING is answered by exactly \"PONG\\r\\n\"", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("PING\r\n");
    c.expect_exact("PONG\r\n");
  });

  area.add("one_pong_per_ping", "three PINGs in one write get three PONGs", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("PING\r\nPING\r\nPING\r\n");
    c.expect_pong();
    c.expect_pong();
    c.expect_pong();
    c.expect_nothing();
  });

  area.add("unsolicited_pong_ignored", "a PONG nobody asked for is ignored", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("PONG\r\nPONG\r\n");
    c.flush();
    c.expect_nothing();
  });

  area.add("pong_after_own_deliveries",
           "SUB, PUB, PING: the MSG comes before the PONG (flush semantics)", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("SUB pg.own 1\r\n" + pub_bytes("pg.own", "x") + "PING\r\n");
             c.expect_msg("pg.own", "1", "x");
             c.expect_pong();
           });

  area.add("flush_orders_across_connections",
           "after the publisher's PONG, the subscriber's PONG comes after the message",
           [](CaseContext& ctx) {
             Connection sub = ctx.client();
             sub.sub("pg.cross", "1");
             sub.flush();
             Connection pub = ctx.client();
             for (int i = 0; i < 5; ++i) pub.pub("pg.cross", seq_payload(i));
             pub.flush();
             sub.ping();
             for (int i = 0; i < 5; ++i) sub.expect_msg("pg.cross", "1", seq_payload(i));
             sub.expect_pong();
           });

  area.add("broker_pings_idle_client",
           "with ping_interval 1s an idle client gets \"PING\\r\\n\"; answering keeps it open",
           {.server_config = std::string(kFastPing)}, [](CaseContext& ctx) {
             Connection c = ctx.client();
             for (int round = 0; round < 2; ++round) {
               c.expect_ping(milliseconds(4000));
               c.send("PONG\r\n");
             }
             c.flush();
           });

  area.add("stale_connection",
           "a client that never answers the broker's PINGs gets -ERR 'Stale Connection' and a "
           "close",
           {.server_config = std::string(kFastPing)}, [](CaseContext& ctx) {
             Connection c = ctx.client();
             std::vector<ServerOp> ops = c.read_until_closed(milliseconds(6000));
             check(!ops.empty(), "closed without any op; expected PINGs then -ERR");
             for (std::size_t i = 0; i + 1 < ops.size(); ++i) {
               check_eq(ops[i].raw, "PING\r\n", "op before the stale error");
             }
             check(ops.size() >= 2, "expected at least one PING before the -ERR");
             check_eq(ops.back().raw, "-ERR 'Stale Connection'\r\n", "last op before the close");
           });

  area.add("ping_answered_while_subscribed_busy",
           "a PING behind 200 queued MSGs is answered after them", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("pg.busy", "1");
             std::string batch;
             for (std::size_t i = 0; i < 200; ++i) batch += pub_bytes("pg.busy", seq_payload(i));
             c.send(batch + "PING\r\n");
             c.expect_msgs(200);
             c.expect_pong();
           });
}

}  // namespace quiver::conformance
