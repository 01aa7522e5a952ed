// An in-memory NATS server for the client's unit tests: a Transport factory whose connections
// end in a tiny broker instead of a socket. Tests see every byte the client wrote and every op
// it sent, decide what the server answers, and inject failures:
//
//   FakeServer server(io.get_executor());
//   options.transport_factory = server.transport_factory();
//   server.read_chunk = 1;        // the client's reads return one byte at a time
//   server.fail_op = 3;           // the 4th transport operation fails (connection reset)
//   server.refused.insert("*");   // every connection attempt is refused
//   server.last()->kill();        // the server drops the connection (EOF for the client)
//
// By default it behaves like nats-server: INFO on accept, PONG for PING, CONNECT checked
// against the required credentials, PUB/HPUB routed to matching SUBs of all live connections
// (queue groups get one member, auto-unsubscribe limits apply, echo honoured) and a 503
// no-responders HMSG for a request nobody subscribes to.
//
// Single-threaded: use it from the io_context thread that runs the client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/transport.h"
#include "codec/ops.h"
#include "codec/parser.h"
#include "codec/protocol_json.h"

namespace quiver::client::testing {

// An op the client sent, with owned strings.
struct RecordedOp {
  codec::OpKind kind = codec::OpKind::kPing;
  std::string subject, reply, queue, sid, payload, headers, json;
  std::optional<std::uint64_t> max_msgs;
};

class FakeServer;

// One client connection as the server sees it.
class FakeConnection {
 public:
  FakeConnection(FakeServer& server, std::string host, std::uint16_t port,
                 const boost::asio::any_io_executor& executor);

  const std::string& host() const noexcept { return host_; }
  std::uint16_t port() const noexcept { return port_; }
  // Every byte the client wrote, in order.
  const std::string& received() const noexcept { return received_; }
  const std::vector<RecordedOp>& ops() const noexcept { return ops_; }
  std::size_t count(codec::OpKind kind) const;
  // The client's CONNECT options (nullopt before it sent CONNECT).
  const std::optional<codec::ConnectOptions>& connect_options() const noexcept { return connect_; }

  // Queues bytes for the client to read.
  void send(std::string_view bytes);
  // The server goes away: the client reads EOF once it read what was queued.
  void kill();
  // The client closed its transport, or the server killed the connection.
  bool closed() const noexcept { return closed_by_client_ || killed_; }
  bool closed_by_client() const noexcept { return closed_by_client_; }

 private:
  friend class FakeServer;
  friend class FakeTransport;

  void on_bytes(std::string_view bytes);
  void handle(const RecordedOp& op);

  FakeServer& server_;
  const std::string host_;
  const std::uint16_t port_;
  std::string received_;
  std::vector<RecordedOp> ops_;
  std::optional<codec::ConnectOptions> connect_;
  codec::Parser parser_;
  bool parse_failed_ = false;

  std::string to_client_;           // queued for the client's reads
  boost::asio::steady_timer wake_;  // a waiting read sleeps on it
  bool killed_ = false;
  bool closed_by_client_ = false;
  bool broken_ = false;  // an injected failure hit this connection

  struct Sub {
    std::string subject, queue, sid;
    std::optional<std::uint64_t> remaining;
  };
  std::vector<Sub> subs_;
};

class FakeServer {
 public:
  explicit FakeServer(boost::asio::any_io_executor executor);

  TransportFactory transport_factory();

  // ---- behaviour; change at any time ----
  codec::ServerInfo info;  // sent on accept (server_id "FAKE", headers on, max_payload 1 MiB)
  bool send_info = true;
  std::string greeting;  // when set, sent on accept instead of INFO
  bool auto_pong = true;
  bool route = true;
  std::size_t read_chunk = 0;  // > 0: each client read returns at most this many bytes
  std::string required_user, required_pass, required_token;  // checked on CONNECT when set
  std::set<std::string> refused;  // "host:port" refusing connections; "*" refuses all
  long fail_op = -1;  // transport operation number (from 0) that fails with connection_reset

  // ---- observation ----
  long op_count() const noexcept { return op_count_; }
  int connect_attempts() const noexcept { return connect_attempts_; }
  // When each connection attempt (refused ones included) started.
  const std::vector<std::chrono::steady_clock::time_point>& connect_times() const noexcept {
    return connect_times_;
  }
  const std::vector<std::shared_ptr<FakeConnection>>& connections() const noexcept {
    return connections_;
  }
  std::shared_ptr<FakeConnection> last() const {
    return connections_.empty() ? nullptr : connections_.back();
  }
  // The "INFO ...\r\n" line a new connection gets.
  std::string info_line() const;

 private:
  friend class FakeConnection;
  friend class FakeTransport;

  // Counts one transport operation; true when it must fail.
  bool count_op();
  void route_message(FakeConnection& from, const RecordedOp& pub);

  boost::asio::any_io_executor executor_;
  long op_count_ = 0;
  int connect_attempts_ = 0;
  std::vector<std::chrono::steady_clock::time_point> connect_times_;
  std::vector<std::shared_ptr<FakeConnection>> connections_;
  std::uint64_t queue_rr_ = 0;
};

}  // namespace quiver::client::testing
