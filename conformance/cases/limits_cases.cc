// limits: the control-line limit (max_control_line, 4096 by default), which counts the bytes
// after the op name and is enforced even before the line ends.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

// "PUB <subject> 1\r\n" whose arguments (everything after "PUB ") are `args_size` bytes long.
std::string pub_line_with_args(std::size_t args_size) {
  const std::string size_arg = " 1";
  return "PUB " + std::string(args_size - size_arg.size(), 'c') + size_arg + "\r\n";
}

}  // namespace

void register_limits_cases(Registry& registry) {
  Area area(registry, "limits");

  area.add("control_line_4096_accepted",
           "a PUB whose arguments are 4096 bytes (the default limit) is accepted",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send(pub_line_with_args(4096) + "x\r\n");
             c.flush();
           });

  area.add("control_line_4097_refused",
           "arguments of 4097 bytes: -ERR 'maximum control line exceeded' and a close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send(pub_line_with_args(4097));
             c.expect_err_then_closed("maximum control line exceeded");
           });

  area.add("control_line_refused_before_newline",
           "8 KiB of arguments with no line end yet already get the -ERR and the close",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send("PUB " + std::string(8192, 'c'));
             c.expect_err_then_closed("maximum control line exceeded");
           });

  area.add("sub_control_line_limit", "the limit applies to SUB lines too", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.send("SUB " + std::string(5000, 's') + " 1\r\n");
    c.expect_err_then_closed("maximum control line exceeded");
  });

  area.add("connect_json_limit", "and to a CONNECT line of 5000 bytes", [](CaseContext& ctx) {
    Connection c = ctx.open_with_info();
    c.send("CONNECT {\"verbose\":false,\"name\":\"" + std::string(5000, 'n') + "\"}\r\n");
    c.expect_err_then_closed("maximum control line exceeded");
  });

  area.add("long_subject_delivered_near_limit",
           "a 4000-byte subject (control line under the limit) is delivered", [](CaseContext& ctx) {
             const std::string subject = "l." + std::string(3998, 'k');
             Connection c = ctx.client();
             c.sub(subject, "1");
             c.pub(subject, "x");
             c.expect_msg(subject, "1", "x");
           });

  area.add("configured_control_line_limit",
           "with max_control_line: 512, 512 bytes of arguments pass and 513 are refused",
           {.server_config = "max_control_line: 512\n"}, [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.send(pub_line_with_args(512) + "x\r\n");
             c.flush();
             c.send(pub_line_with_args(513));
             c.expect_err_then_closed("maximum control line exceeded");
           });

  area.add("payload_not_counted_in_control_line",
           "a 64 KiB payload is not subject to the control-line limit", [](CaseContext& ctx) {
             Connection c = ctx.client();
             const std::string payload(64 * 1024, 'p');
             c.sub("l.payload", "1");
             c.pub("l.payload", payload);
             c.expect_msg("l.payload", "1", payload);
           });
}

}  // namespace quiver::conformance
