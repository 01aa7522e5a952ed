// End-to-end: a real net::Server and MonitorServer on 127.0.0.1:0, a raw NATS client, and raw
// HTTP/1.1 requests over sockets. Every wait polls a socket with a deadline; nothing sleeps.
#include "server/monitor/monitor.h"

#include <chrono>
#include <map>
#include <memory>
#include <poll.h>
#include <string>
#include <unistd.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server/config/options.h"
#include "server/net/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace quiver::server::monitor {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// A blocking TCP client whose reads give up at a deadline.
class Socket {
 public:
  explicit Socket(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~Socket() { close(); }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }

  uint16_t local_port() const {
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
  }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Reads until `buffer_` holds `needle`; false at the deadline or EOF.
  bool read_until(std::string_view needle, std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find(needle) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    return true;
  }

  // Reads until `buffer_` holds at least `n` bytes.
  bool read_at_least(std::size_t n, std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.size() < n) {
      if (!read_some(deadline)) return false;
    }
    return true;
  }

  // True when the peer closed the connection before the deadline.
  bool wait_eof(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_some(deadline)) {
    }
    return eof_;
  }

  std::string& buffer() { return buffer_; }

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || eof_) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
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

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Reads one response with a Content-Length from `s`, consuming it from the buffer.
HttpReply read_reply(Socket& s, bool head = false) {
  HttpReply r;
  if (!s.read_until("\r\n\r\n")) return r;
  std::string& buf = s.buffer();
  const std::size_t header_end = buf.find("\r\n\r\n");
  const std::string head_text = buf.substr(0, header_end);
  r.status = std::stoi(head_text.substr(9, 3));  // "HTTP/1.1 200 OK"
  for (std::size_t pos = head_text.find("\r\n"); pos != std::string::npos;) {
    const std::size_t next = head_text.find("\r\n", pos + 2);
    const std::string line = head_text.substr(pos + 2, next - pos - 2);
    const std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    pos = next;
  }
  const std::size_t length = head ? 0 : std::stoul(r.headers["content-length"]);
  if (!s.read_at_least(header_end + 4 + length)) return r;
  r.body = buf.substr(header_end + 4, length);
  buf.erase(0, header_end + 4 + length);
  return r;
}

class MonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.server_name = "monitor-test";
    server_ = std::make_unique<net::Server>(options);
    ASSERT_TRUE(server_->start());
    monitor_ = std::make_unique<MonitorServer>(*server_, "127.0.0.1", 0);
    ASSERT_TRUE(monitor_->start());
    ASSERT_NE(monitor_->port(), 0);
  }

  void TearDown() override {
    monitor_->stop();
    server_->shutdown();
  }

  HttpReply get(const std::string& target) {
    Socket s(monitor_->port());
    EXPECT_TRUE(s.connected());
    s.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return read_reply(s);
  }

  json::value get_json(const std::string& target) {
    const HttpReply r = get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
              "application/json")
        << target;
    return json::parse(r.body);
  }

  // A NATS client named "x" with one subscription on foo that has published one 5-byte message
  // to it (and received it back).
  std::unique_ptr<Socket> connect_client() {
    auto c = std::make_unique<Socket>(server_->port());
    EXPECT_TRUE(c->connected());
    EXPECT_TRUE(c->read_until("\r\n"));  // INFO
    c->send(
        "CONNECT {\"verbose\":false,\"name\":\"x\",\"lang\":\"c\",\"version\":\"1.2\"}\r\n"
        "SUB foo 1\r\nPUB foo 5\r\nhello\r\nPING\r\n");
    EXPECT_TRUE(c->read_until("PONG\r\n"));
    EXPECT_NE(c->buffer().find("MSG foo 1 5\r\nhello\r\n"), std::string::npos);
    return c;
  }

  std::unique_ptr<net::Server> server_;
  std::unique_ptr<MonitorServer> monitor_;
};

TEST_F(MonitorTest, VarzReportsServerAndLiveClient) {
  auto client = connect_client();
  const json::value v = get_json("/varz");
  EXPECT_EQ(v.at("server_id").as_string(), server_->server_id());
  EXPECT_EQ(v.at("server_name").as_string(), "monitor-test");
  EXPECT_EQ(v.at("version").as_string(), "2.9.10");
  EXPECT_EQ(v.at("proto").to_number<int>(), 1);
  EXPECT_EQ(v.at("host").as_string(), "127.0.0.1");
  EXPECT_EQ(v.at("port").to_number<int>(), server_->port());
  EXPECT_EQ(v.at("http_host").as_string(), "127.0.0.1");
  EXPECT_EQ(v.at("http_port").to_number<int>(), monitor_->port());
  EXPECT_EQ(v.at("max_payload").to_number<int64_t>(), 1048576);
  EXPECT_EQ(v.at("ping_interval").to_number<int64_t>(), 120000000000);
  EXPECT_EQ(v.at("write_deadline").to_number<int64_t>(), 10000000000);
  EXPECT_EQ(v.at("auth_timeout").to_number<double>(), 2.0);
  EXPECT_EQ(v.as_object().count("auth_required"), 0u);
  EXPECT_EQ(v.at("connections").to_number<int>(), 1);
  EXPECT_EQ(v.at("total_connections").to_number<int>(), 1);
  EXPECT_EQ(v.at("subscriptions").to_number<int>(), 1);
  EXPECT_EQ(v.at("in_msgs").to_number<int>(), 1);
  EXPECT_EQ(v.at("in_bytes").to_number<int>(), 5);
  EXPECT_EQ(v.at("out_msgs").to_number<int>(), 1);
  EXPECT_EQ(v.at("slow_consumers").to_number<int>(), 0);
  EXPECT_EQ(v.at("routes").to_number<int>(), 0);
  EXPECT_GT(v.at("mem").to_number<int64_t>(), 0);
  EXPECT_GE(v.at("cores").to_number<int>(), 1);
  EXPECT_GE(v.at("cpu").to_number<double>(), 0.0);
  EXPECT_EQ(v.at("http_req_stats").at("/varz").to_number<int>(), 1);  // counts itself
  const std::string start(v.at("start").as_string());
  EXPECT_EQ(start.size() >= 20 && start[4] == '-' && start[10] == 'T' && start.back() == 'Z', true)
      << start;
  const std::string uptime(v.at("uptime").as_string());
  EXPECT_EQ(uptime.back(), 's');
}

TEST_F(MonitorTest, ConnzListsTheClient) {
  auto client = connect_client();
  const json::value c = get_json("/connz");
  EXPECT_EQ(c.at("server_id").as_string(), server_->server_id());
  EXPECT_EQ(c.at("num_connections").to_number<int>(), 1);
  EXPECT_EQ(c.at("total").to_number<int>(), 1);
  EXPECT_EQ(c.at("offset").to_number<int>(), 0);
  EXPECT_EQ(c.at("limit").to_number<int>(), 1024);
  const json::value& conn = c.at("connections").at(0);
  EXPECT_EQ(conn.at("kind").as_string(), "Client");
  EXPECT_EQ(conn.at("type").as_string(), "nats");
  EXPECT_EQ(conn.at("ip").as_string(), "127.0.0.1");
  EXPECT_EQ(conn.at("port").to_number<int>(), client->local_port());
  EXPECT_EQ(conn.at("name").as_string(), "x");
  EXPECT_EQ(conn.at("lang").as_string(), "c");
  EXPECT_EQ(conn.at("version").as_string(), "1.2");
  EXPECT_EQ(conn.at("subscriptions").to_number<int>(), 1);
  EXPECT_EQ(conn.at("in_msgs").to_number<int>(), 1);
  EXPECT_EQ(conn.at("out_msgs").to_number<int>(), 1);
  EXPECT_EQ(conn.at("in_bytes").to_number<int>(), 5);
  EXPECT_EQ(conn.at("out_bytes").to_number<int>(), 5);

  const HttpReply bad = get("/connz?sort=bogus");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, "invalid sorting option: bogus");
  EXPECT_EQ(bad.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(get_json("/connz?offset=1").at("connections").as_array().size(), 0u);
}

TEST_F(MonitorTest, SubszRoutezHealthzIndexAndNotFound) {
  auto client = connect_client();
  EXPECT_EQ(get_json("/subsz").at("num_subscriptions").to_number<int>(), 1);
  EXPECT_EQ(get_json("/subscriptionsz").at("num_subscriptions").to_number<int>(), 1);
  EXPECT_EQ(get("/subsz?test=foo.*").status, 400);

  const json::value r = get_json("/routez");
  EXPECT_EQ(r.at("num_routes").to_number<int>(), 0);
  EXPECT_TRUE(r.at("routes").as_array().empty());

  const HttpReply h = get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "{\"status\":\"ok\"}");

  const HttpReply root = get("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(root.body.find("href=./varz"), std::string::npos);

  const HttpReply missing = get("/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "404 page not found\n");

  const json::value stats = get_json("/varz").at("http_req_stats");
  EXPECT_EQ(stats.at("/subsz").to_number<int>(), 3);  // /subsz, /subscriptionsz, the 400
  EXPECT_EQ(stats.at("/routez").to_number<int>(), 1);
  EXPECT_EQ(stats.at("/healthz").to_number<int>(), 1);
  EXPECT_EQ(stats.at("/").to_number<int>(), 1);
  EXPECT_EQ(stats.at("/varz").to_number<int>(), 1);
  EXPECT_EQ(stats.as_object().count("/nope"), 0u);
}

TEST_F(MonitorTest, MetricsExposePrometheusText) {
  auto client = connect_client();
  const HttpReply m = get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string sid = "{server_id=\"" + server_->server_id() + "\"}";
  for (const std::string& line :
       {std::string("quiver_connections 1"), std::string("quiver_connections_total 1"),
        std::string("quiver_subscriptions 1"), std::string("quiver_in_msgs_total 1"),
        std::string("quiver_out_msgs_total 1"), std::string("quiver_in_bytes_total 5"),
        std::string("quiver_slow_consumers_total 0"), "gnatsd_varz_connections" + sid + " 1",
        "gnatsd_varz_subscriptions" + sid + " 1", "gnatsd_varz_in_msgs" + sid + " 1",
        "gnatsd_varz_total_connections" + sid + " 1"}) {
    EXPECT_NE(m.body.find("\n" + line + "\n"), std::string::npos) << line << "\n" << m.body;
  }
  EXPECT_NE(m.body.find("\nquiver_mem_bytes "), std::string::npos);
  EXPECT_NE(m.body.find("\nquiver_cpu_percent "), std::string::npos);
  EXPECT_NE(m.body.find("\nquiver_uptime_seconds "), std::string::npos);
}

TEST_F(MonitorTest, ClosedClientLeavesConnz) {
  auto client = connect_client();
  client->close();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  int connections = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    connections = get_json("/varz").at("connections").to_number<int>();
    if (connections == 0) break;
  }
  ASSERT_EQ(connections, 0);
  const json::value c = get_json("/connz");
  EXPECT_EQ(c.at("num_connections").to_number<int>(), 0);
  EXPECT_TRUE(c.at("connections").as_array().empty());
  EXPECT_EQ(get_json("/varz").at("total_connections").to_number<int>(), 1);
}

TEST_F(MonitorTest, KeepAliveAndHead) {
  Socket s(monitor_->port());
  ASSERT_TRUE(s.connected());
  s.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const HttpReply first = read_reply(s);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "{\"status\":\"ok\"}");
  const HttpReply head = read_reply(s, /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), "15");
  EXPECT_TRUE(s.buffer().empty());
  s.send("GET /routez HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(read_reply(s).status, 200);
}

TEST_F(MonitorTest, StopClosesOpenHttpConnections) {
  Socket idle(monitor_->port());
  ASSERT_TRUE(idle.connected());
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(read_reply(idle).status, 200);  // the session is now waiting for a next request
  monitor_->stop();
  EXPECT_TRUE(idle.wait_eof());
  monitor_->stop();  // idempotent
}

TEST_F(MonitorTest, StartReportsABusyPort) {
  MonitorServer second(*server_, "127.0.0.1", monitor_->port());
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error(), std::errc::address_in_use);
}

}  // namespace
}  // namespace quiver::server::monitor
