// wildcards: "*" (one token) and ">" (one or more trailing tokens) as whole tokens only, and
// the subjects each does and does not match.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

// Subscribes `pattern`, publishes each subject, and checks that exactly `matching` arrive, in
// order, with their own subjects.
void check_matches(CaseContext& ctx, std::string_view pattern,
                   const std::vector<std::string>& published,
                   const std::vector<std::string>& matching) {
  Connection c = ctx.client();
  c.sub(pattern, "1");
  for (const std::string& s : published) c.pub(s, s);
  for (const std::string& s : matching) c.expect_msg(s, "1", s);
  c.flush();
  c.expect_nothing();
}

}  // namespace

void register_wildcard_cases(Registry& registry) {
  Area area(registry, "wildcards");

  area.add("star_matches_one_token", "\"w.*\" matches \"w.a\" and \"w.b\"", [](CaseContext& ctx) {
    check_matches(ctx, "w1.*", {"w1.a", "w1.b"}, {"w1.a", "w1.b"});
  });

  area.add("star_not_two_tokens", "\"w.*\" does not match \"w.a.b\"", [](CaseContext& ctx) {
    check_matches(ctx, "w2.*", {"w2.a.b", "w2.c"}, {"w2.c"});
  });

  area.add("star_not_zero_tokens", "\"w.*\" does not match \"w\"", [](CaseContext& ctx) {
    check_matches(ctx, "w3.*", {"w3", "w3.z"}, {"w3.z"});
  });

  area.add("gt_matches_one_token", "\"w.>\" matches \"w.a\"",
           [](CaseContext& ctx) { check_matches(ctx, "w4.>", {"w4.a"}, {"w4.a"}); });

  area.add("gt_matches_many_tokens", "\"w.>\" matches \"w.a.b.c\"", [](CaseContext& ctx) {
    check_matches(ctx, "w5.>", {"w5.a.b.c", "w5.a.b"}, {"w5.a.b.c", "w5.a.b"});
  });

  area.add("gt_not_parent", "\"w.>\" does not match \"w\"", [](CaseContext& ctx) {
    check_matches(ctx, "w6.>", {"w6", "w6.x"}, {"w6.x"});
  });

  area.add("star_in_middle", "\"a.*.c\" matches \"a.b.c\", not \"a.b.d\" or \"a.b.c.d\"",
           [](CaseContext& ctx) {
             check_matches(ctx, "w7.*.c", {"w7.b.c", "w7.b.d", "w7.b.c.d", "w7.zz.c"},
                           {"w7.b.c", "w7.zz.c"});
           });

  area.add("star_first_token", "\"*.w8\" matches \"x.w8\", not \"x.y.w8\"", [](CaseContext& ctx) {
    check_matches(ctx, "*.w8", {"x.w8", "x.y.w8", "w8"}, {"x.w8"});
  });

  area.add("full_wildcard", "\">\" matches any subject", [](CaseContext& ctx) {
    check_matches(ctx, ">", {"w9", "w9.a", "w9.a.b.c"}, {"w9", "w9.a", "w9.a.b.c"});
  });

  area.add("star_then_gt", "\"*.>\" matches two or more tokens, not one", [](CaseContext& ctx) {
    check_matches(ctx, "*.>", {"w10", "w10.a", "w10.a.b"}, {"w10.a", "w10.a.b"});
  });

  area.add("lone_star", "\"*\" matches single-token subjects only", [](CaseContext& ctx) {
    check_matches(ctx, "*", {"w11", "w11.a"}, {"w11"});
  });

  area.add("partial_star_is_literal", "\"w12*\" is a literal token, not a wildcard",
           [](CaseContext& ctx) {
             check_matches(ctx, "w12*", {"w12", "w12x", "w12*"}, {"w12*"});
           });

  area.add("partial_gt_is_literal", "\"w13.b>\" is a literal subject", [](CaseContext& ctx) {
    check_matches(ctx, "w13.b>", {"w13.b", "w13.bx", "w13.b>", "w13.b.c"}, {"w13.b>"});
  });

  area.add("msg_carries_published_subject",
           "a wildcard subscriber's MSG names the published subject, not the pattern",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("w14.*.>", "1");
             c.pub("w14.a.b.c", "x");
             ServerOp m = c.expect(OpKind::kMsg);
             check_eq(m.subject, "w14.a.b.c", "MSG subject");
           });

  area.add("mixed_literal_and_wildcard_subs",
           "literal, \"*\" and \">\" subscriptions on one connection each get their copy",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("w15.a.b", "lit");
             c.sub("w15.*.b", "star");
             c.sub("w15.>", "gt");
             c.pub("w15.a.b", "x");
             std::vector<ServerOp> got = c.expect_msgs(3);
             std::vector<std::string> sids;
             for (const ServerOp& m : got) sids.push_back(m.sid);
             std::sort(sids.begin(), sids.end());
             check(sids == std::vector<std::string>({"gt", "lit", "star"}),
                   "expected one MSG for each of gt, lit, star");
             c.flush();
           });
}

}  // namespace quiver::conformance
