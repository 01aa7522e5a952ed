// handshake: INFO on accept, CONNECT fields and defaults, what a client may send before and
// around CONNECT, and the lexical rules of control lines (op case, separators, line ends).
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {

void register_handshake_cases(Registry& registry) {
  Area area(registry, "handshake");

  area.add("info_first", "the broker sends INFO on accept, before the client sends anything",
           [](CaseContext& ctx) {
             Connection c = ctx.open();
             ServerOp op = c.next("INFO");
             check(op.kind == OpKind::kInfo, "expected INFO first, got " + op.describe());
           });

  area.add("info_framing", "INFO is one line: \"INFO \", a JSON object, optional blanks, CRLF",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             const std::string& raw = c.info_raw();
             check(raw.rfind("INFO {", 0) == 0,
                   "INFO line does not start with \"INFO {\": \"" + printable(raw, 40) + "\"");
             check(raw.size() >= 2 && raw.compare(raw.size() - 2, 2, "\r\n") == 0,
                   "INFO line does not end with CRLF");
             std::size_t end = raw.size() - 2;
             while (end > 0 && (raw[end - 1] == ' ' || raw[end - 1] == '\t')) --end;
             check(end > 0 && raw[end - 1] == '}',
                   "only blanks may follow the JSON object before CRLF: \"" +
                       printable(raw.substr(raw.size() > 20 ? raw.size() - 20 : 0)) + "\"");
           });

  area.add("info_required_fields",
           "INFO has a server_id, version, host, port > 0, proto >= 1 and max_payload > 0",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             const codec::ServerInfo& info = c.info();
             check(!info.server_id.empty(), "INFO has no server_id");
             check(!info.version.empty(), "INFO has no version");
             check(!info.host.empty(), "INFO has no host");
             check(info.port > 0, "INFO port is not positive");
             check(info.proto >= 1, "INFO proto is below 1: " + std::to_string(info.proto));
             check(info.max_payload > 0, "INFO max_payload is not positive");
           });

  area.add("info_client_ids_distinct", "two connections get different client_id values",
           [](CaseContext& ctx) {
             Connection a = ctx.open_with_info();
             Connection b = ctx.open_with_info();
             if (a.info().client_id == 0 && b.info().client_id == 0) {
               skip("the broker does not advertise client_id");
             }
             check(a.info().client_id != b.info().client_id,
                   "both connections got client_id " + std::to_string(a.info().client_id));
           });

  area.add("info_sent_once", "after INFO the broker sends nothing until the client speaks",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.expect_nothing();
           });

  area.add("connect_ping_pong", "CONNECT (verbose off) then PING is answered by exactly PONG",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.connect(ctx.connect_options());
             c.ping();
             c.expect_exact("PONG\r\n");
             c.expect_nothing();
           });

  area.add("connect_empty_object_is_verbose",
           "CONNECT {} leaves verbose at its default (on): +OK, then PONG", [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {}\r\nPING\r\n");
             c.expect_exact("+OK\r\n");
             c.expect_exact("PONG\r\n");
           });

  area.add("connect_verbose_false_is_silent", "CONNECT {\"verbose\":false} sends no +OK",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
             c.expect_exact("PONG\r\n");
           });

  area.add("ping_before_connect", "without auth, PING before CONNECT is answered with PONG",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("PING\r\n");
             c.expect_exact("PONG\r\n");
           });

  area.add("ops_before_connect_are_verbose",
           "without auth, SUB and PUB before CONNECT work, acknowledged with +OK (verbose is the "
           "default)",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("SUB early 1\r\nPUB early 2\r\nhi\r\n");
             c.expect_exact("+OK\r\n");
             c.expect_exact("+OK\r\n");
             c.expect_msg("early", "1", "hi");
           });

  area.add("connect_malformed_json_closes",
           "CONNECT with malformed JSON closes the connection without -ERR", [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {bad\r\n");
             c.expect_closed();
           });

  area.add("connect_protocol_2_rejected",
           "CONNECT with \"protocol\":2 gets -ERR 'invalid client protocol' and a close",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verbose\":false,\"protocol\":2}\r\n");
             c.expect_err_then_closed("invalid client protocol");
           });

  area.add("connect_no_responders_needs_headers",
           "no_responders without headers gets -ERR 'no responders requires headers support' "
           "and a close",
           {.headers = true}, [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verbose\":false,\"headers\":false,\"no_responders\":true}\r\n");
             c.expect_err_then_closed("no responders requires headers support");
           });

  area.add("connect_unknown_fields_ignored", "unknown CONNECT fields of any type are ignored",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send(
                 "CONNECT {\"verbose\":false,\"x_unknown\":[1,{\"a\":null}],\"x_s\":\"v\",\"x_n\":"
                 "1.5}\r\nPING\r\n");
             c.expect_exact("PONG\r\n");
           });

  area.add("connect_identity_fields", "name, lang and version (any UTF-8) are accepted",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             codec::ConnectOptions o = ctx.connect_options();
             o.name = "caf\xc3\xa9 \xe2\x98\x95 client";
             o.lang = "c++";
             o.version = "20.0.1-rc1";
             c.connect(o);
             c.flush();
           });

  area.add("connect_twice", "a second CONNECT is accepted and its options take effect",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
             c.expect_pong();
             c.send("CONNECT {\"verbose\":true}\r\nPING\r\n");
             c.expect_exact("+OK\r\n");
             c.expect_exact("PONG\r\n");
           });

  area.add("op_names_case_insensitive", "ping, sub, pub and Pub work like their upper-case forms",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("connect {\"verbose\":false}\r\nping\r\n");
             c.expect_exact("PONG\r\n");
             c.send("sub lower 1\r\npub lower 2\r\nhi\r\nPuB lower 2\r\nho\r\n");
             c.expect_msg("lower", "1", "hi");
             c.expect_msg("lower", "1", "ho");
           });

  area.add("lf_only_line_endings", "control lines ending in LF alone are accepted",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verbose\":false}\nPING\n");
             c.expect_exact("PONG\r\n");
             c.send("SUB lf 1\nPUB lf 2\nhi\r\n");
             c.expect_msg("lf", "1", "hi");
           });

  area.add("tab_separators", "arguments may be separated by TAB", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("SUB\ttabbed\t1\r\nPUB\ttabbed\t2\r\nhi\r\n");
    c.expect_msg("tabbed", "1", "hi");
  });

  area.add("repeated_blanks_between_args",
           "several spaces/TABs between arguments are one separator", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("SUB   spaced \t  q1   7\r\nPUB  spaced \t reply.x    2\r\nhi\r\n");
             c.expect_msg("spaced", "7", "hi", "reply.x");
           });

  area.add("ping_trailing_text_ignored", "text after PING on its line is ignored",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PING extra words\r\n");
             c.expect_exact("PONG\r\n");
           });

  area.add("client_info_ignored", "INFO sent by a client is ignored", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("INFO {\"server_id\":\"fake\"}\r\nPING\r\n");
    c.expect_exact("PONG\r\n");
  });

  area.add("client_ok_ignored", "+OK sent by a client is ignored", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("+OK\r\nPING\r\n");
    c.expect_exact("PONG\r\n");
  });
}

}  // namespace quiver::conformance
