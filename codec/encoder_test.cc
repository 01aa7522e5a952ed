#include "codec/encoder.h"

#include <string>

#include <gtest/gtest.h>

namespace quiver::codec {
namespace {

TEST(EncoderTest, WritesExactWireBytes) {
  std::string out;
  append_connect(out, "{\"verbose\":false}");
  EXPECT_EQ(out, "CONNECT {\"verbose\":false}\r\n");
  out.clear();
  append_info(out, "{}");
  EXPECT_EQ(out, "INFO {} \r\n");
  out.clear();
  append_pub(out, "foo", "", "hello");
  EXPECT_EQ(out, "PUB foo 5\r\nhello\r\n");
  out.clear();
  append_pub(out, "foo", "_INBOX.1", "");
  EXPECT_EQ(out, "PUB foo _INBOX.1 0\r\n\r\n");
  out.clear();
  append_hpub(out, "foo", "r", "NATS/1.0\r\n\r\n", "hi");
  EXPECT_EQ(out, "HPUB foo r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n");
  out.clear();
  append_sub(out, "foo.*", "", "7");
  append_sub(out, "foo.>", "q", "8");
  EXPECT_EQ(out, "SUB foo.* 7\r\nSUB foo.> q 8\r\n");
  out.clear();
  append_unsub(out, "7", std::nullopt);
  append_unsub(out, "8", 10);
  EXPECT_EQ(out, "UNSUB 7\r\nUNSUB 8 10\r\n");
  out.clear();
  append_msg(out, "foo", "1", "", "hello");
  append_msg(out, "foo", "1", "bar", "x");
  EXPECT_EQ(out, "MSG foo 1 5\r\nhello\r\nMSG foo 1 bar 1\r\nx\r\n");
  out.clear();
  append_hmsg(out, "_INBOX.a", "2", "", "NATS/1.0 503\r\n\r\n", "");
  EXPECT_EQ(out, "HMSG _INBOX.a 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n");
  out.clear();
  append_ping(out);
  append_pong(out);
  append_ok(out);
  append_err(out, "Stale Connection");
  EXPECT_EQ(out, "PING\r\nPONG\r\n+OK\r\n-ERR 'Stale Connection'\r\n");
}

TEST(EncoderTest, AppendsToExistingContent) {
  std::string out = "PING\r\n";
  append_pub(out, "a", "", std::string(1000, 'x'));
  EXPECT_EQ(out.substr(0, 18), "PING\r\nPUB a 1000\r\n");
  EXPECT_EQ(out.size(), 6 + 12 + 1000 + 2);
}

TEST(EncoderTest, MsgLineFitsItsCapacity) {
  char buf[256];
  const std::string subject(100, 's');
  const std::size_t n = write_hmsg_line(buf, subject, "12345", "reply.x", 999999999, 999999999);
  EXPECT_LE(n, msg_line_capacity(subject, "12345", "reply.x"));
  EXPECT_EQ(std::string(buf, n), "HMSG " + subject + " 12345 reply.x 999999999 999999999\r\n");
}

}  // namespace
}  // namespace quiver::codec
