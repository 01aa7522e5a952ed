// headers: HPUB/HMSG framing, header blocks passed through byte for byte (multi-value keys,
// key case, status lines), delivery to subscribers without header support, and the closes.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

const Requirements kHeaders{.headers = true};

}  // namespace

void register_headers_cases(Registry& registry) {
  Area area(registry, "headers");

  area.add("hpub_hmsg_exact_bytes",
           "HPUB is delivered as \"HMSG s 1 18 23\\r\\nNATS/1.0\\r\\nA: 1\\r\\n\\r\\nhello\\r\\n\"",
           kHeaders, [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.basic", "1");
             c.send("HPUB h.basic 18 23\r\nNATS/1.0\r\nA: 1\r\n\r\nhello\r\n");
             c.expect_exact("HMSG h.basic 1 18 23\r\nNATS/1.0\r\nA: 1\r\n\r\nhello\r\n");
           });

  area.add("hpub_with_reply", "the reply subject sits between sid and sizes in HMSG", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.reply", "1");
             const std::string hdr = header_block({{"K", "v"}});
             c.hpub("h.reply", hdr, "x", "h.inbox");
             c.expect_hmsg("h.reply", "1", hdr, "x", "h.inbox");
           });

  area.add("multi_value_keys_kept_in_order",
           "repeated keys (A: 1, B: x, A: 2, A: 3) arrive unchanged and in order", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.multi", "1");
             const std::string hdr = header_block({{"A", "1"}, {"B", "x"}, {"A", "2"}, {"A", "3"}});
             c.hpub("h.multi", hdr, "p");
             ServerOp m = c.expect_hmsg("h.multi", "1", hdr, "p");
             auto parsed = codec::parse_headers(m.headers);
             check(static_cast<bool>(parsed), "delivered header block does not parse");
             const std::vector<std::string_view> values = parsed.value().get_all("A");
             check(values.size() == 3 && values[0] == "1" && values[1] == "2" && values[2] == "3",
                   "values of A are not 1, 2, 3 in order");
           });

  area.add(
      "key_case_preserved", "header keys keep their exact case (X-MiXeD, lower, UPPER)", kHeaders,
      [](CaseContext& ctx) {
        Connection c = ctx.client();
        c.sub("h.case", "1");
        const std::string hdr = header_block({{"X-MiXeD", "1"}, {"lower", "2"}, {"UPPER", "3"}});
        c.hpub("h.case", hdr, "");
        c.expect_hmsg("h.case", "1", hdr, "");
      });

  area.add("status_line_passed_through",
           "a client's status line (\"NATS/1.0 503 No Thanks\") is delivered unchanged", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.status", "1");
             const std::string hdr = header_block({{"K", "v"}}, 503, "No Thanks");
             c.hpub("h.status", hdr, "");
             c.expect_hmsg("h.status", "1", hdr, "");
           });

  area.add("headers_only_message", "a message with headers and an empty payload", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.empty", "1");
             const std::string hdr = header_block({{"Only", "headers"}});
             c.hpub("h.empty", hdr, "");
             ServerOp m = c.expect_hmsg("h.empty", "1", hdr, "");
             check_eq(m.payload, "", "payload");
           });

  area.add("value_with_colons_and_spaces", "values keep inner colons and spaces", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.value", "1");
             const std::string hdr =
                 header_block({{"Url", "http://a:80/x y"}, {"Quote", "'a':  \"b\""}});
             c.hpub("h.value", hdr, "x");
             c.expect_hmsg("h.value", "1", hdr, "x");
           });

  area.add("large_header_block", "a 16 KiB header block arrives intact", kHeaders,
           [](CaseContext& ctx) {
             std::vector<std::pair<std::string, std::string>> fields;
             for (int i = 0; i < 160; ++i) {
               fields.emplace_back("Key-" + std::to_string(i), std::string(90, 'a' + i % 26));
             }
             const std::string hdr = header_block(fields);
             Connection c = ctx.client();
             c.sub("h.large", "1");
             c.hpub("h.large", hdr, "payload");
             c.expect_hmsg("h.large", "1", hdr, "payload");
           });

  area.add("stripped_for_non_header_subscriber",
           "a subscriber that did not set headers:true gets MSG with the payload only", kHeaders,
           [](CaseContext& ctx) {
             Connection plain =
                 ctx.client(options_with(ctx, [](codec::ConnectOptions& o) { o.headers = false; }));
             plain.sub("h.strip", "1");
             plain.flush();
             Connection pub = ctx.client();
             pub.hpub("h.strip", header_block({{"A", "1"}}), "hello");
             plain.expect_exact("MSG h.strip 1 5\r\nhello\r\n");
           });

  area.add("pub_to_header_subscriber_is_msg",
           "a PUB (no headers) reaches a headers-enabled subscriber as MSG, not HMSG", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.plain", "1");
             c.pub("h.plain", "x");
             c.expect_exact("MSG h.plain 1 1\r\nx\r\n");
           });

  area.add("zero_header_size_is_msg", "HPUB with #hdr 0 is delivered as a plain MSG", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.zero", "1");
             c.send("HPUB h.zero 0 2\r\nhi\r\n");
             c.expect_exact("MSG h.zero 1 2\r\nhi\r\n");
           });

  area.add("header_block_not_validated",
           "the broker passes an arbitrary header block through (\"HPUB s 5 7\" + \"XXXXXhi\")",
           kHeaders, [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.raw", "1");
             c.send("HPUB h.raw 5 7\r\nXXXXXhi\r\n");
             c.expect_exact("HMSG h.raw 1 5 7\r\nXXXXXhi\r\n");
           });

  area.add("hpub_without_headers_closes",
           "HPUB from a connection that did not set headers:true is closed without -ERR", kHeaders,
           [](CaseContext& ctx) {
             Connection c =
                 ctx.client(options_with(ctx, [](codec::ConnectOptions& o) { o.headers = false; }));
             c.hpub("h.denied", header_block({{"A", "1"}}), "x");
             c.expect_closed();
           });

  area.add("header_size_above_total_closes",
           "HPUB whose #hdr is larger than #total is closed without -ERR", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("HPUB h.bad 10 7\r\n");
             c.expect_closed();
           });

  area.add("headers_to_queue_and_wildcard",
           "a queue member and a wildcard subscriber both get the HMSG unchanged", kHeaders,
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("h.fan.*", "w");
             c.sub("h.fan.x", "q", "g");
             const std::string hdr = header_block({{"A", "1"}});
             c.hpub("h.fan.x", hdr, "x");
             std::vector<ServerOp> got = c.expect_msgs(2);
             for (const ServerOp& m : got) {
               check(m.kind == OpKind::kHmsg, "expected HMSG, got " + m.describe());
               check_eq(m.headers, hdr, "header block");
               check_eq(m.payload, "x", "payload");
             }
           });

  area.add("hpub_max_payload_counts_headers",
           "#total (headers + payload) above max_payload gets -ERR 'Maximum Payload Violation'",
           kHeaders, [](CaseContext& ctx) {
             const int64_t max = ctx.info().max_payload;
             Connection c = ctx.client();
             c.send("HPUB h.big 10 " + std::to_string(max + 1) + "\r\n");
             c.expect_err_then_closed("Maximum Payload Violation");
           });
}

}  // namespace quiver::conformance
