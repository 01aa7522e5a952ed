// split: ops that reach the broker in pieces (a byte at a time, cut inside the op name, the
// arguments, CR/LF, the payload or the header block), and many ops in one write.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

constexpr milliseconds kPause{2};

}  // namespace

void register_split_cases(Registry& registry) {
  Area area(registry, "split");

  area.add("pub_byte_by_byte", "a PUB written one byte at a time is delivered exactly",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sp.bytes", "1");
             c.flush();
             c.send_in_pieces(pub_bytes("sp.bytes", "hello", "sp.r"), 1, kPause);
             c.expect_msg("sp.bytes", "1", "hello", "sp.r");
           });

  area.add("session_byte_by_byte", "CONNECT, SUB, PUB and PING all written one byte at a time",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send_in_pieces("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB sp.all 1\r\n" +
                                  pub_bytes("sp.all", "abc") + "PING\r\n",
                              1, milliseconds(1));
             c.expect_msg("sp.all", "1", "abc");
             c.expect_pong();
           });

  area.add("pub_split_at_every_offset",
           "the same PUB split in two at each of its offsets: every one delivered",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sp.cut", "1");
             c.flush();
             const std::string op = pub_bytes("sp.cut", "a\r\nb", "sp.r");
             for (std::size_t cut = 1; cut < op.size(); ++cut) {
               c.send_split(op, cut, milliseconds(1));
               c.expect_msg("sp.cut", "1", "a\r\nb", "sp.r");
             }
           });

  area.add("split_between_cr_and_lf",
           "CR and LF of the control line and of the payload end in separate writes",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sp.crlf", "1");
             c.flush();
             c.send("PUB sp.crlf 2\r");
             std::this_thread::sleep_for(kPause);
             c.send("\nhi\r");
             std::this_thread::sleep_for(kPause);
             c.send("\n");
             c.expect_msg("sp.crlf", "1", "hi");
           });

  area.add("split_inside_op_name", "\"PU\" and \"B ...\" in separate writes", [](CaseContext& ctx) {
    Connection c = ctx.client();
    c.sub("sp.name", "1");
    c.flush();
    c.send_split(pub_bytes("sp.name", "x"), 2, kPause);
    c.expect_msg("sp.name", "1", "x");
  });

  area.add("large_payload_in_many_writes",
           "a 256 KiB payload written in 4 KiB pieces arrives intact", [](CaseContext& ctx) {
             std::string payload(256 * 1024, '\0');
             for (std::size_t i = 0; i < payload.size(); ++i) {
               payload[i] = static_cast<char>(i * 7 % 251);
             }
             Connection sub = ctx.client();
             sub.sub("sp.large", "1");
             sub.flush();
             Connection pub = ctx.client();
             pub.send_in_pieces(pub_bytes("sp.large", payload), 4096, milliseconds(0));
             sub.expect_msg("sp.large", "1", payload);
           });

  area.add("hpub_split_inside_headers", "an HPUB cut inside its header block", {.headers = true},
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sp.h", "1");
             c.flush();
             const std::string hdr = header_block({{"Key", "value"}, {"Key", "other"}});
             const std::string op = hpub_bytes("sp.h", hdr, "body");
             const std::size_t cut = op.find("Key: val") + 5;
             c.send_split(op, cut, kPause);
             c.expect_hmsg("sp.h", "1", hdr, "body");
           });

  area.add("connect_json_split", "a CONNECT whose JSON arrives in three writes",
           [](CaseContext& ctx) {
             Connection c = ctx.open_with_info();
             c.send("CONNECT {\"verb");
             std::this_thread::sleep_for(kPause);
             c.send("ose\":false,\"pedantic\"");
             std::this_thread::sleep_for(kPause);
             c.send(":false}\r\nPING\r\n");
             c.expect_pong();
           });

  area.add("many_ops_in_one_write",
           "500 PUBs and a PING in one write: 500 MSGs in order, then PONG", [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sp.batch", "1");
             std::string batch;
             for (std::size_t i = 0; i < 500; ++i) batch += pub_bytes("sp.batch", seq_payload(i));
             batch += "PING\r\n";
             c.send(batch);
             for (std::size_t i = 0; i < 500; ++i) c.expect_msg("sp.batch", "1", seq_payload(i));
             c.expect_pong();
           });

  area.add("ops_straddling_writes",
           "a stream of PUBs cut into 7-byte writes, so ops straddle every boundary",
           [](CaseContext& ctx) {
             Connection c = ctx.client();
             c.sub("sp.stream", "1");
             c.flush();
             std::string stream;
             for (std::size_t i = 0; i < 20; ++i) stream += pub_bytes("sp.stream", seq_payload(i));
             c.send_in_pieces(stream, 7, milliseconds(1));
             for (std::size_t i = 0; i < 20; ++i) c.expect_msg("sp.stream", "1", seq_payload(i));
           });
}

}  // namespace quiver::conformance
