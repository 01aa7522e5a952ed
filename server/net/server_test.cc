// End-to-end tests of the network core: a real Server on 127.0.0.1:0 and raw protocol clients.
// The full protocol matrix lives in conformance/; these cover the server's own mechanics
// (delivery across workers, flush coalescing, slow consumers, reclamation, shutdown).
#include "server/net/server.h"

#include <chrono>
#include <poll.h>
#include <string>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace quiver::server::net {
namespace {

using namespace std::chrono_literals;

// A blocking raw-protocol client with deadlines (no sleeps: every wait polls the socket).
class RawClient {
 public:
  explicit RawClient(uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }

  void send(std::string_view bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }

  // Reads until `needle` has arrived (returns everything read so far) or the deadline passes.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find(needle) == std::string::npos) {
      if (!read_some(deadline)) break;
    }
    return buffer_;
  }

  // True when the server closed the connection before the deadline.
  bool wait_closed(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!read_some(deadline)) return eof_;
    }
    return eof_;
  }

  std::string& buffer() { return buffer_; }

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

config::ServerOptions test_options() {
  config::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  return options;
}

TEST(ServerTest, SendsInfoAndAnswersPing) {
  Server server(test_options());
  ASSERT_TRUE(server.start());
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  std::string got = client.read_until("\r\n");
  EXPECT_EQ(got.rfind("INFO {\"server_id\":\"N", 0), 0u) << got;
  EXPECT_NE(got.find("\"version\":\"2.9.10\""), std::string::npos);
  EXPECT_NE(got.find("\"headers\":true"), std::string::npos);
  EXPECT_NE(got.find("\"max_payload\":1048576"), std::string::npos);
  EXPECT_NE(got.find("\"client_ip\":\"127.0.0.1\""), std::string::npos);
  EXPECT_EQ(got.substr(got.size() - 3), " \r\n");
  client.buffer().clear();
  client.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
  EXPECT_EQ(client.read_until("PONG\r\n"), "PONG\r\n");
}

TEST(ServerTest, DeliversAcrossConnectionsInOrder) {
  Server server(test_options());
  ASSERT_TRUE(server.start());
  RawClient sub(server.port());
  RawClient pub(server.port());
  sub.read_until("\r\n");
  pub.read_until("\r\n");
  sub.buffer().clear();
  sub.send("CONNECT {\"verbose\":false}\r\nSUB foo.* 7\r\nPING\r\n");
  ASSERT_NE(sub.read_until("PONG\r\n").find("PONG"), std::string::npos);
  sub.buffer().clear();
  std::string batch = "CONNECT {\"verbose\":false}\r\n";
  constexpr int kMessages = 2000;
  for (int i = 0; i < kMessages; ++i) {
    std::string payload = std::to_string(i);
    batch += "PUB foo.bar " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  }
  pub.send(batch);
  std::string expected;
  for (int i = 0; i < kMessages; ++i) {
    std::string payload = std::to_string(i);
    expected += "MSG foo.bar 7 " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  }
  std::string got = sub.read_until("\r\n" + std::to_string(kMessages - 1) + "\r\n");
  EXPECT_EQ(got, expected);
}

TEST(ServerTest, VerboseAcknowledgesBeforeDelivering) {
  Server server(test_options());
  ASSERT_TRUE(server.start());
  RawClient client(server.port());
  client.read_until("\r\n");
  client.buffer().clear();
  client.send("CONNECT {}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n");
  EXPECT_EQ(client.read_until("PONG\r\n"), "+OK\r\n+OK\r\n+OK\r\nMSG foo 1 2\r\nhi\r\nPONG\r\n");
}

TEST(ServerTest, NoRespondersGets503OnTheRequestersInbox) {
  Server server(test_options());
  ASSERT_TRUE(server.start());
  RawClient client(server.port());
  client.read_until("\r\n");
  client.buffer().clear();
  client.send(
      "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n"
      "SUB _INBOX.abc.* 9\r\nPUB svc _INBOX.abc.1 0\r\n\r\nPING\r\n");
  EXPECT_EQ(client.read_until("PONG\r\n"),
            "HMSG _INBOX.abc.1 9 16 16\r\nNATS/1.0 503\r\n\r\n\r\nPONG\r\n");
}

TEST(ServerTest, SlowConsumerIsDisconnectedAndCounted) {
  auto options = test_options();
  options.max_pending = 64 * 1024;
  Server server(options);
  ASSERT_TRUE(server.start());
  RawClient slow(server.port());
  slow.send("CONNECT {\"verbose\":false}\r\nSUB big 1\r\nPING\r\n");
  slow.read_until("PONG\r\n");
  // The subscriber never reads again; the publisher pushes far more than max_pending plus what
  // the kernel buffers can absorb.
  RawClient pub(server.port());
  const std::string payload(60000, 'x');
  std::string one = "PUB big " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  pub.send("CONNECT {\"verbose\":false}\r\n");
  for (int i = 0; i < 400 && server.stats().slow_consumers == 0; ++i) pub.send(one);
  pub.send("PING\r\n");
  EXPECT_NE(pub.read_until("PONG\r\n").find("PONG"), std::string::npos);
  EXPECT_EQ(server.stats().slow_consumers, 1u);
  EXPECT_TRUE(slow.wait_closed());
}

TEST(ServerTest, WriteDeadlineCutsOffAReaderThatStopsReading) {
  auto options = test_options();
  options.max_pending = 1024 * 1024 * 1024;  // never the pending limit: only the deadline
  options.write_deadline = std::chrono::milliseconds(200);
  Server server(options);
  ASSERT_TRUE(server.start());
  RawClient slow(server.port(), 4096);
  slow.send("CONNECT {\"verbose\":false}\r\nSUB big 1\r\nPING\r\n");
  slow.read_until("PONG\r\n");
  RawClient pub(server.port());
  pub.send("CONNECT {\"verbose\":false}\r\n");
  const std::string payload(60000, 'x');
  const std::string one = "PUB big " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (server.stats().slow_consumers == 0 && std::chrono::steady_clock::now() < deadline) {
    pub.send(one);
  }
  EXPECT_EQ(server.stats().slow_consumers, 1u);
  EXPECT_TRUE(slow.wait_closed());
  pub.send("PING\r\n");
  EXPECT_NE(pub.read_until("PONG\r\n").find("PONG"), std::string::npos);
}

TEST(ServerTest, GarbageFromManyClientsNeverHurtsOthers) {
  Server server(test_options());
  ASSERT_TRUE(server.start());
  RawClient good(server.port());
  good.send("CONNECT {\"verbose\":false}\r\nSUB g 1\r\nPING\r\n");
  good.read_until("PONG\r\n");
  uint64_t state = 0x9e3779b97f4a7c15ULL;  // fixed seed: the same bytes every run
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string prefixes[] = {"PUB ",     "HPUB ", "SUB ", "UNSUB ",
                                  "CONNECT ", "MSG ",  "",     "PUB a 5\r\n"};
  for (int i = 0; i < 60; ++i) {
    RawClient bad(server.port());
    std::string junk = prefixes[i % 8];
    const std::size_t size = 1 + next() % 9000;
    for (std::size_t j = 0; j < size; ++j) junk.push_back(static_cast<char>(next() & 0xff));
    bad.send(junk);
    bad.wait_closed(50ms);
  }
  good.buffer().clear();
  RawClient pub(server.port());
  pub.send("CONNECT {\"verbose\":false}\r\nPUB g 2\r\nok\r\nPING\r\n");
  pub.read_until("PONG\r\n");
  good.send("PING\r\n");
  EXPECT_EQ(good.read_until("PONG\r\n"), "MSG g 1 2\r\nok\r\nPONG\r\n");
}

TEST(ServerTest, ClosedSubscribersAreForgottenAndMemoryReclaimed) {
  Server server(test_options());
  ASSERT_TRUE(server.start());
  for (int round = 0; round < 20; ++round) {
    RawClient client(server.port());
    client.send("CONNECT {\"verbose\":false}\r\nSUB a.> 1\r\nSUB a.b 2\r\nPING\r\n");
    client.read_until("PONG\r\n");
  }
  RawClient probe(server.port());
  probe.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
  probe.read_until("PONG\r\n");
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (server.global_account()->sublist.count() != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    RawClient ping(server.port());
    ping.send("PING\r\n");
    ping.read_until("PONG\r\n");
  }
  EXPECT_EQ(server.global_account()->sublist.count(), 0u);
}

TEST(ServerTest, MaxConnectionsRejectsWithErr) {
  auto options = test_options();
  options.max_connections = 1;
  Server server(options);
  ASSERT_TRUE(server.start());
  RawClient first(server.port());
  first.send("PING\r\n");
  first.read_until("PONG\r\n");
  RawClient second(server.port());
  EXPECT_NE(second.read_until("-ERR 'maximum connections exceeded'\r\n")
                .find("-ERR 'maximum connections exceeded'"),
            std::string::npos);
  EXPECT_TRUE(second.wait_closed());
}

TEST(ServerTest, ShutdownClosesClientsPromptly) {
  auto server = std::make_unique<Server>(test_options());
  ASSERT_TRUE(server->start());
  RawClient client(server->port());
  client.send("PING\r\n");
  client.read_until("PONG\r\n");
  const auto start = std::chrono::steady_clock::now();
  server->shutdown();
  server.reset();
  EXPECT_TRUE(client.wait_closed(1000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

}  // namespace
}  // namespace quiver::server::net
