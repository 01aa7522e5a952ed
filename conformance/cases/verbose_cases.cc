// verbose: +OK acknowledgements (CONNECT "verbose":true) and where they sit among other ops.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

codec::ConnectOptions verbose_options(const CaseContext& ctx) {
  return options_with(ctx, [](codec::ConnectOptions& o) { o.verbose = true; });
}

// A verbose client whose CONNECT +OK and first PONG have been consumed.
Connection verbose_client(CaseContext& ctx) { return ctx.client(verbose_options(ctx)); }

}  // namespace

void register_verbose_cases(Registry& registry) {
  Area area(registry, "verbose");

  area.add("connect_acknowledged", "a verbose CONNECT is answered with exactly +OK",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.connect(verbose_options(ctx));
             c.expect_exact("+OK\r\n");
           });

  area.add("sub_acknowledged", "SUB gets +OK", [](CaseContext& ctx) {
    Connection c = verbose_client(ctx);
    c.sub("v.sub", "1");
    c.expect_exact("+OK\r\n");
    c.expect_nothing();
  });

  area.add("pub_acknowledged", "PUB gets +OK", [](CaseContext& ctx) {
    Connection c = verbose_client(ctx);
    c.pub("v.pub", "x");
    c.expect_exact("+OK\r\n");
    c.expect_nothing();
  });

  area.add("hpub_acknowledged", "HPUB gets +OK", {.headers = true}, [](CaseContext& ctx) {
    Connection c = verbose_client(ctx);
    c.hpub("v.hpub", header_block({{"A", "1"}}), "x");
    c.expect_exact("+OK\r\n");
    c.expect_nothing();
  });

  area.add("unsub_acknowledged", "UNSUB gets +OK", [](CaseContext& ctx) {
    Connection c = verbose_client(ctx);
    c.sub("v.unsub", "1");
    c.expect_ok();
    c.unsub("1");
    c.expect_exact("+OK\r\n");
  });

  area.add("unsub_unknown_sid_acknowledged", "UNSUB of a sid never used still gets +OK",
           [](CaseContext& ctx) {
             Connection c = verbose_client(ctx);
             c.unsub("never-used");
             c.expect_exact("+OK\r\n");
             c.flush();
           });

  area.add("ok_precedes_msg",
           "the +OK for a PUB comes before the MSG it produces on the same connection",
           [](CaseContext& ctx) {
             Connection c = verbose_client(ctx);
             c.sub("v.order", "1");
             c.expect_ok();
             c.pub("v.order", "x");
             c.expect_exact("+OK\r\n");
             c.expect_msg("v.order", "1", "x");
           });

  area.add("ping_not_acknowledged", "PING is answered by PONG alone, no +OK", [](CaseContext& ctx) {
    Connection c = verbose_client(ctx);
    c.ping();
    c.expect_exact("PONG\r\n");
    c.expect_nothing();
  });

  area.add("invalid_sub_gets_err_not_ok", "a SUB with an invalid subject gets -ERR and no +OK",
           [](CaseContext& ctx) {
             Connection c = verbose_client(ctx);
             c.sub("v..bad", "1");
             c.expect_err("Invalid Subject");
             c.flush();
           });

  area.add(
      "pipelined_acks_in_order",
      "SUB, PUB, PUB, UNSUB, PING in one write: +OK +OK MSG +OK +OK PONG", [](CaseContext& ctx) {
        Connection c = verbose_client(ctx);
        c.send("SUB v.pipe 1\r\nPUB v.pipe 1\r\na\r\nPUB v.other 1\r\nb\r\nUNSUB 1\r\nPING\r\n");
        c.expect_exact("+OK\r\n");
        c.expect_exact("+OK\r\n");
        c.expect_msg("v.pipe", "1", "a");
        c.expect_exact("+OK\r\n");
        c.expect_exact("+OK\r\n");
        c.expect_exact("PONG\r\n");
      });

  area.add("verbose_off_by_reconnect", "a second CONNECT with verbose false stops the +OKs",
           [](CaseContext& ctx) {
             Connection c = verbose_client(ctx);
             c.send("CONNECT {\"verbose\":false}\r\nPUB v.quiet 1\r\nx\r\nPING\r\n");
             c.expect_exact("PONG\r\n");
           });
}

}  // namespace quiver::conformance
