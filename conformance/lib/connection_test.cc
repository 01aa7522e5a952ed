#include "conformance/lib/connection.h"

#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "conformance/lib/check.h"

#include <netinet/in.h>
#include <sys/socket.h>

namespace quiver::conformance {
namespace {

// The broker side of one loopback connection, driven by the test: whatever it writes is what
// the Connection under test reads.
class FakeBroker {
 public:
  FakeBroker() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~FakeBroker() {
    if (peer_ >= 0) ::close(peer_);
    ::close(listen_fd_);
  }

  // Connects a client; the kernel completes the handshake from the listen backlog, so no
  // thread is needed to accept.
  Connection connect(Timing timing = short_timing()) {
    Connection c = Connection::open(Endpoint{"127.0.0.1", port_}, timing);
    peer_ = ::accept(listen_fd_, nullptr, nullptr);
    return c;
  }
  void write(std::string_view bytes) {
    ASSERT_EQ(::send(peer_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  std::string read_some() {
    char buf[4096];
    const ssize_t n = ::recv(peer_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  }
  void close_peer() {
    ::close(peer_);
    peer_ = -1;
  }

  static Timing short_timing() {
    Timing t;
    t.wait = milliseconds(300);
    t.quiet = milliseconds(30);
    return t;
  }

 private:
  int listen_fd_ = -1;
  int peer_ = -1;
  uint16_t port_ = 0;
};

std::string failure_of(const std::function<void()>& step) {
  try {
    step();
  } catch (const CaseFailure& e) {
    return e.what();
  }
  return "";
}

TEST(ConnectionTest, ReadsInfoAndExactOps) {
  FakeBroker broker;
  Connection c = broker.connect();
  broker.write(
      "INFO {\"server_id\":\"S1\",\"version\":\"9\",\"headers\":true,\"max_payload\":64} \r\n");
  EXPECT_EQ(c.read_info().server_id, "S1");
  EXPECT_TRUE(c.info().headers);
  EXPECT_EQ(c.info().max_payload, 64);
  broker.write("MSG a.b 1 r 5\r\nhello\r\nPONG\r\n");
  const ServerOp m = c.expect_msg("a.b", "1", "hello", "r");
  EXPECT_EQ(m.raw, "MSG a.b 1 r 5\r\nhello\r\n");
  c.expect_pong();
}

TEST(ConnectionTest, OpsSplitAcrossReadsAreReassembled) {
  FakeBroker broker;
  Connection c = broker.connect();
  broker.write("HMSG s 7 12 14\r\nNATS/");
  EXPECT_FALSE(c.poll_op(milliseconds(20)));
  broker.write("1.0\r\n\r\nhi\r\n");
  c.expect_hmsg("s", "7", "NATS/1.0\r\n\r\n", "hi");
}

TEST(ConnectionTest, WrongBytesFailTheCase) {
  FakeBroker broker;
  Connection c = broker.connect();
  broker.write("MSG a 1 2\r\nhi\r\n");
  EXPECT_EQ(failure_of([&] { c.expect_msg("a", "1", "ho"); }),
            "expected \"MSG a 1 2\\r\\nho\\r\\n\", got \"MSG a 1 2\\r\\nhi\\r\\n\"");
  broker.write("-ERR 'Other'\r\n");
  EXPECT_EQ(failure_of([&] { c.expect_err("Invalid Subject"); }),
            "expected \"-ERR 'Invalid Subject'\\r\\n\", got \"-ERR 'Other'\\r\\n\"");
}

TEST(ConnectionTest, TimeoutAndSilence) {
  FakeBroker broker;
  Connection c = broker.connect();
  EXPECT_EQ(failure_of([&] { c.expect_pong(); }),
            "timed out after 300 ms waiting for \"PONG\\r\\n\"");
  EXPECT_EQ(failure_of([&] { c.expect_nothing(); }), "");
  broker.write("PING\r\n");
  EXPECT_EQ(failure_of([&] { c.expect_nothing(); }), "expected nothing, got \"PING\\r\\n\"");
}

TEST(ConnectionTest, CloseIsDetectedAndDistinguished) {
  FakeBroker broker;
  Connection c = broker.connect();
  broker.write("-ERR 'Stale Connection'\r\n");
  broker.close_peer();
  EXPECT_EQ(failure_of([&] { c.expect_closed(); }),
            "expected the broker to close the connection, got \"-ERR 'Stale Connection'\\r\\n\"");
  EXPECT_EQ(failure_of([&] { c.expect_closed(); }), "");
  EXPECT_TRUE(c.closed());
}

TEST(ConnectionTest, StillOpenIsNotClosed) {
  FakeBroker broker;
  Connection c = broker.connect();
  EXPECT_EQ(failure_of([&] { c.expect_closed(milliseconds(50)); }),
            "expected the broker to close the connection within 50 ms; it is still open");
}

TEST(ConnectionTest, CaseDeadlineBoundsEveryWait) {
  FakeBroker broker;
  Timing t = FakeBroker::short_timing();
  t.wait = milliseconds(5000);
  t.deadline = Clock::now() + milliseconds(50);
  Connection c = broker.connect(t);
  const auto start = Clock::now();
  const std::string failure = failure_of([&] { c.expect_pong(); });
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  EXPECT_EQ(failure.rfind("case timeout while waiting for \"PONG\\r\\n\"", 0), 0u) << failure;
}

TEST(ConnectionTest, ProtocolStepsUseCodecBytes) {
  FakeBroker broker;
  Connection c = broker.connect();
  c.sub("s", "1", "q");
  c.pub("s", "x", "r");
  c.unsub("1", 3);
  EXPECT_EQ(broker.read_some(), "SUB s q 1\r\nPUB s r 1\r\nx\r\nUNSUB 1 3\r\n");
}

TEST(ConnectionTest, FlushRequiresPongNext) {
  FakeBroker broker;
  Connection c = broker.connect();
  broker.write("MSG a 1 0\r\n\r\nPONG\r\n");
  EXPECT_EQ(failure_of([&] { c.flush(); }), "flush: expected PONG, got \"MSG a 1 0\\r\\n\\r\\n\"");
}

}  // namespace
}  // namespace quiver::conformance
