// subjects: which subscription subjects are valid (-ERR 'Invalid Subject' otherwise, without a
// close), which unusual characters are fine, and how publish subjects with empty tokens behave.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

void expect_invalid_sub(CaseContext& ctx, std::string_view subject, std::string_view queue = "") {
  Connection c = ctx.client();
  c.sub(subject, "1", queue);
  c.expect_err("Invalid Subject");
  c.flush();
}

void expect_deliverable(CaseContext& ctx, std::string_view subject) {
  Connection c = ctx.client();
  c.sub(subject, "1");
  c.pub(subject, "x");
  c.expect_msg(subject, "1", "x");
  c.flush();
}

}  // namespace

void register_subjects_cases(Registry& registry) {
  Area area(registry, "subjects");

  area.add("sub_double_dot_invalid", "SUB \"a..b\" gets -ERR 'Invalid Subject'",
           [](CaseContext& ctx) { expect_invalid_sub(ctx, "sj..b"); });

  area.add("sub_leading_dot_invalid", "SUB \".a\" gets -ERR 'Invalid Subject'",
           [](CaseContext& ctx) { expect_invalid_sub(ctx, ".sj"); });

  area.add("sub_trailing_dot_invalid", "SUB \"a.\" gets -ERR 'Invalid Subject'",
           [](CaseContext& ctx) { expect_invalid_sub(ctx, "sj."); });

  area.add("sub_gt_not_last_invalid", "SUB \"a.>.b\" gets -ERR 'Invalid Subject'",
           [](CaseContext& ctx) { expect_invalid_sub(ctx, "sj.>.b"); });

  area.add("sub_gt_first_invalid", "SUB \">.a\" gets -ERR 'Invalid Subject'",
           [](CaseContext& ctx) { expect_invalid_sub(ctx, ">.sj"); });

  area.add("queue_sub_invalid_subject", "a queue SUB to \"a..b\" gets -ERR 'Invalid Subject'",
           [](CaseContext& ctx) { expect_invalid_sub(ctx, "sj..q", "g"); });

  area.add("invalid_sub_not_registered",
           "after a refused SUB the sid is free: the same sid then subscribes normally",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sj..x", "1");
             c.expect_err("Invalid Subject");
             c.sub("sj.ok", "1");
             c.pub("sj.ok", "y");
             c.expect_msg("sj.ok", "1", "y");
           });

  area.add("utf8_subject", "UTF-8 subjects work, with wildcards too", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.sub("sj.\xc3\xa9t\xc3\xa9.*", "1");
    c.pub("sj.\xc3\xa9t\xc3\xa9.\xe2\x98\x83", "x");
    c.expect_msg("sj.\xc3\xa9t\xc3\xa9.\xe2\x98\x83", "1", "x");
  });

  area.add("punctuation_subject", "\"$sj-a_b~!@#%^&()=+[]{}|:;',<?/\" is an ordinary subject",
           [](CaseContext& ctx) { expect_deliverable(ctx, "$sj-a_b.~!@#%^&()=+[]{}|:;',<?/"); });

  area.add("dollar_prefixed_subject", "subjects starting with $ are ordinary for clients",
           [](CaseContext& ctx) { expect_deliverable(ctx, "$SJ.custom.subject"); });

  area.add("many_tokens_subject", "a subject of 200 one-character tokens", [](CaseContext& ctx) {
    std::string subject = "sj";
    for (int i = 0; i < 200; ++i) subject += "." + std::string(1, static_cast<char>('a' + i % 26));
    expect_deliverable(ctx, subject);
  });

  area.add("star_and_gt_subs_valid", "SUB \"*\", \"*.>\" and \">\" are accepted silently",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("*", "1");
             c.sub("*.>", "2");
             c.sub(">", "3");
             c.flush();
             c.expect_nothing();
           });

  area.add("pub_with_spaces_is_args",
           "\"PUB a b 1\" means subject a with reply b, not a subject with a space",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sj.a", "1");
             c.send("PUB sj.a sj.b 1\r\nx\r\n");
             c.expect_msg("sj.a", "1", "x", "sj.b");
           });

  area.add("pub_trailing_dot_dropped",
           "without pedantic, PUB to \"a.\" is accepted silently and reaches nobody",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub(">", "1");
             c.pub("sj.", "x");
             c.pub(".sj", "y");
             c.flush();
             c.expect_nothing();
           });
}

}  // namespace quiver::conformance
