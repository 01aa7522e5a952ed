// errors: every -ERR a client can provoke, with its exact text, and whether the connection is
// closed; plus the protocol errors that close without any -ERR.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {

void register_errors_cases(Registry& registry) {
  Area area(registry, "errors");

  area.add("max_payload_violation",
           "PUB larger than INFO max_payload: -ERR 'Maximum Payload Violation' and a close, "
           "judged on the control line alone",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB e.big " + std::to_string(ctx.info().max_payload + 1) + "\r\n");
             c.expect_err_then_closed("Maximum Payload Violation");
           });

  area.add("configured_max_payload",
           "with max_payload: 512, INFO says 512, 512 bytes pass and 513 are refused",
           {.server_config = "max_payload: 512\n"}, [](CaseContext& ctx) {
             check_eq(ctx.info().max_payload, int64_t{512}, "INFO max_payload");
             Connection c = ctx.client();
             c.sub("e.cfg", "1");
             c.pub("e.cfg", std::string(512, 'x'));
             c.expect_msg("e.cfg", "1", std::string(512, 'x'));
             c.send("PUB e.cfg 513\r\n");
             c.expect_err_then_closed("Maximum Payload Violation");
           });

  area.add("bad_payload_terminator",
           "a payload not followed by CRLF: -ERR 'Unknown Protocol Operation' and a close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB e.term 1\r\nabc\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("unknown_op", "an unknown op: -ERR 'Unknown Protocol Operation' and a close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("FOO bar\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("msg_from_client", "MSG sent by a client: -ERR 'Unknown Protocol Operation', close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("MSG e.msg 1 2\r\nhi\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("hmsg_from_client", "HMSG sent by a client: -ERR 'Unknown Protocol Operation', close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("HMSG e.msg 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("leading_blank_rejected",
           "a control line starting with blanks: -ERR 'Unknown Protocol Operation', close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("  PING\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("empty_line_rejected", "an empty line: -ERR 'Unknown Protocol Operation', close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("unsub_without_sid", "UNSUB with no argument: -ERR 'Unknown Protocol Operation', close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("UNSUB\r\n");
             c.expect_err_then_closed("Unknown Protocol Operation");
           });

  area.add("client_err_closes", "-ERR sent by a client makes the broker close the connection",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("-ERR 'client says no'\r\n");
             c.expect_closed();
           });

  area.add("negative_size_closes", "PUB with size -1 closes without -ERR", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("PUB e.size -1\r\n");
    c.expect_closed();
  });

  area.add("ten_digit_size_closes", "PUB with a 10-digit size closes without -ERR",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB e.size 0000000001\r\n");
             c.expect_closed();
           });

  area.add("non_numeric_size_closes", "PUB with size \"abc\" closes without -ERR",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB e.size abc\r\n");
             c.expect_closed();
           });

  area.add("pub_missing_size_closes", "PUB with only a subject closes without -ERR",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB e.nosize\r\n");
             c.expect_closed();
           });

  area.add("pub_too_many_args_closes", "PUB with 4 arguments closes without -ERR",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB e.args a b 1\r\n");
             c.expect_closed();
           });

  area.add("sub_missing_sid_closes", "SUB with only a subject closes without -ERR",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("SUB e.nosid\r\n");
             c.expect_closed();
           });

  area.add("sub_too_many_args_closes", "SUB with 4 arguments closes without -ERR",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("SUB e.args q 1 extra\r\n");
             c.expect_closed();
           });

  area.add("hpub_bad_sizes_close", "HPUB with a non-numeric header size closes without -ERR",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("HPUB e.hsize x 10\r\n");
             c.expect_closed();
           });

  area.add("invalid_subject_not_closed",
           "SUB with an invalid subject gets -ERR 'Invalid Subject'; the connection stays usable",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("e..bad", "1");
             c.expect_err("Invalid Subject");
             c.sub("e.good", "2");
             c.pub("e.good", "x");
             c.expect_msg("e.good", "2", "x");
           });

  area.add("max_subscriptions",
           "with max_subscriptions: 2, a third SUB gets -ERR 'maximum subscriptions exceeded'; "
           "the connection and its subscriptions stay",
           {.server_config = "max_subscriptions: 2\n"}, [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("e.s1", "1");
             c.sub("e.s2", "2");
             c.flush();
             c.sub("e.s3", "3");
             c.expect_err("maximum subscriptions exceeded");
             c.pub("e.s1", "a");
             c.pub("e.s3", "b");
             c.pub("e.s2", "c");
             c.expect_msg("e.s1", "1", "a");
             c.expect_msg("e.s2", "2", "c");
             c.flush();
           });

  area.add("max_connections",
           "with max_connections: 1, a second client gets INFO, -ERR 'maximum connections "
           "exceeded' and a close",
           {.server_config = "max_connections: 1\n", .dedicated_server = true},
           [](CaseContext& ctx) {
             // The runner's readiness probe may still count as a connection for a moment, so
             // the first client retries until it is admitted.
             std::optional<Connection> admitted;
             ctx.eventually("a first connection to be admitted", [&] {
               try {
                 Connection c = ctx.open_with_info();
                 c.connect(ctx.connect_options());
                 c.ping();
                 if (c.next("PONG").raw != "PONG\r\n") return false;
                 admitted.emplace(std::move(c));
                 return true;
               } catch (const CaseFailure&) {
                 return false;
               }
             });
             Connection& first = *admitted;
             Connection second = ctx.open();
             ServerOp op = second.next("INFO or -ERR");
             if (op.kind == OpKind::kInfo) op = second.next("-ERR");
             check_eq(op.raw, "-ERR 'maximum connections exceeded'\r\n", "second connection");
             second.expect_closed();
             first.flush();
           });
}

}  // namespace quiver::conformance
