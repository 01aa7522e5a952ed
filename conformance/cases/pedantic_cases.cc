// pedantic: publish-subject checks of CONNECT "pedantic":true, its default, and what a
// non-pedantic broker does with wildcard characters in a publish subject.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

codec::ConnectOptions pedantic_options(const CaseContext& ctx, bool verbose = false) {
  return options_with(ctx, [&](codec::ConnectOptions& o) {
    o.pedantic = true;
    o.verbose = verbose;
  });
}

}  // namespace

void register_pedantic_cases(Registry& registry) {
  Area area(registry, "pedantic");

  area.add("star_publish_flagged_still_delivered",
           "pedantic PUB to \"p.*\": -ERR 'Invalid Publish Subject', the connection stays open "
           "and the message is still routed",
           [](CaseContext& ctx) {
             Connection c = ctx.client(pedantic_options(ctx));
             c.sub("p.>", "1");
             c.pub("p.*", "x");
             c.expect_err("Invalid Publish Subject");
             c.expect_msg("p.*", "1", "x");
             c.flush();
           });

  area.add("gt_publish_flagged", "pedantic PUB to \"p.>\" gets -ERR 'Invalid Publish Subject'",
           [](CaseContext& ctx) {
             Connection c = ctx.client(pedantic_options(ctx));
             c.pub("p.>", "x");
             c.expect_err("Invalid Publish Subject");
             c.flush();
           });

  area.add("verbose_err_then_ok",
           "pedantic and verbose: a wildcard PUB gets -ERR, then +OK, then its MSG",
           [](CaseContext& ctx) {
             Connection c = ctx.client(pedantic_options(ctx, /*verbose=*/true));
             c.sub("pv.>", "1");
             c.expect_ok();
             c.pub("pv.*", "x");
             c.expect_err("Invalid Publish Subject");
             c.expect_exact("+OK\r\n");
             c.expect_msg("pv.*", "1", "x");
           });

  area.add("empty_token_flagged_not_delivered",
           "pedantic PUB to \"p..x\": -ERR 'Invalid Publish Subject', nothing delivered, "
           "connection open",
           [](CaseContext& ctx) {
             Connection c = ctx.client(pedantic_options(ctx));
             c.sub(">", "1");
             c.pub("p..x", "x");
             c.expect_err("Invalid Publish Subject");
             c.flush();
             c.expect_nothing();
           });

  area.add("leading_dot_flagged", "pedantic PUB to \".p\" gets -ERR 'Invalid Publish Subject'",
           [](CaseContext& ctx) {
             Connection c = ctx.client(pedantic_options(ctx));
             c.pub(".p", "x");
             c.expect_err("Invalid Publish Subject");
             c.flush();
           });

  area.add("literal_subject_accepted", "pedantic PUB to a valid literal subject is silent",
           [](CaseContext& ctx) {
             Connection c = ctx.client(pedantic_options(ctx));
             c.sub("p.ok", "1");
             c.pub("p.ok", "x");
             c.expect_msg("p.ok", "1", "x");
             c.flush();
           });

  area.add("pedantic_is_default",
           "CONNECT without a pedantic key leaves it on: a wildcard PUB is flagged",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verbose\":false}\r\nPUB pd.* 1\r\nx\r\nPING\r\n");
             c.expect_err("Invalid Publish Subject");
             c.expect_exact("PONG\r\n");
           });

  area.add("non_pedantic_wildcard_is_literal",
           "without pedantic, PUB to \"np.*\" is silent and reaches subscribers of \"np.*\" and "
           "\"np.>\", not \"np.x\"",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("np.*", "1");
             c.sub("np.>", "2");
             c.sub("np.x", "3");
             c.pub("np.*", "x");
             std::vector<ServerOp> got = c.expect_msgs(2);
             std::vector<std::string> sids = {got[0].sid, got[1].sid};
             std::sort(sids.begin(), sids.end());
             check(sids == std::vector<std::string>({"1", "2"}),
                   "expected deliveries to sids 1 and 2, got " + got[0].sid + " and " + got[1].sid);
             for (const ServerOp& m : got) check_eq(m.subject, "np.*", "MSG subject");
             c.flush();
           });

  area.add("non_pedantic_empty_token_dropped",
           "without pedantic, PUB to \"np..x\" or \"np.\" is silent and matches nothing",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub(">", "1");
             c.pub("np..x", "x");
             c.pub("np.", "y");
             c.flush();
             c.expect_nothing();
           });
}

}  // namespace quiver::conformance
