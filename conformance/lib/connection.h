// A raw NATS client connection for conformance cases: a TCP socket, the codec's client-side
// parser, and send/expect steps that fail the case (CaseFailure) when the broker does something
// else. Expectations are exact: ops are compared by kind and fields, or byte for byte against
// what codec/encoder writes where the protocol fixes the bytes. No regexes.
//
// Every wait is bounded twice: by its own timeout and by the deadline of the case, so a broker
// that hangs fails the case instead of hanging the suite.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/ops.h"
#include "codec/parser.h"
#include "codec/protocol_json.h"
#include "conformance/lib/endpoint.h"

namespace quiver::conformance {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Timing {
  milliseconds wait{2000};  // how long to wait for something that must arrive
  milliseconds quiet{100};  // how long to watch that nothing arrives
  Clock::time_point deadline = Clock::time_point::max();  // the case's deadline
};

// An op the broker sent, owning its bytes.
struct ServerOp {
  codec::OpKind kind = codec::OpKind::kPing;
  std::string subject;
  std::string reply;
  std::string sid;
  std::string json;     // INFO
  std::string text;     // -ERR, without quotes
  std::string headers;  // HMSG header block
  std::string payload;  // MSG/HMSG
  std::string raw;      // exactly the bytes the op was read from

  bool is_msg() const { return kind == codec::OpKind::kMsg || kind == codec::OpKind::kHmsg; }
  std::string describe() const;  // the raw bytes, printable and shortened
};

struct SocketOptions {
  int receive_buffer = 0;  // SO_RCVBUF set before connecting; 0 keeps the kernel default
};

class Connection {
 public:
  // Connects (TCP_NODELAY). Fails the case if the broker does not accept within timing.wait.
  static Connection open(const Endpoint& endpoint, const Timing& timing,
                         SocketOptions options = {});

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // ---- sending raw bytes
  // Sends all of `bytes`; fails the case if the broker closed or the case deadline passes.
  void send(std::string_view bytes);
  // Like send(), but returns false instead of failing when the broker has closed the
  // connection (for steps that race with an expected close).
  bool try_send(std::string_view bytes);
  // Sends `bytes` `chunk` bytes at a time with `pause` between writes, so that the broker
  // sees them in separate reads (TCP_NODELAY is on).
  void send_in_pieces(std::string_view bytes, std::size_t chunk, milliseconds pause);
  // Sends `bytes` in two writes split at `cut`, with `pause` between them.
  void send_split(std::string_view bytes, std::size_t cut, milliseconds pause);

  // ---- receiving
  // The next op; fails if none arrives within `timeout` (default timing.wait) or the broker
  // closes. `waiting_for` names what the case waits for, for the failure message.
  ServerOp next(std::string_view waiting_for, std::optional<milliseconds> timeout = {});
  // The next op, which must be of `kind`.
  ServerOp expect(codec::OpKind kind, std::optional<milliseconds> timeout = {});
  // The next op, whose bytes must be exactly `raw`.
  ServerOp expect_exact(std::string_view raw, std::optional<milliseconds> timeout = {});
  void expect_pong(std::optional<milliseconds> timeout = {});
  void expect_ping(std::optional<milliseconds> timeout = {});
  void expect_ok();
  // Exactly "-ERR '<text>'\r\n".
  void expect_err(std::string_view text, std::optional<milliseconds> timeout = {});
  // Exactly the bytes of MSG <subject> <sid> [reply] <#bytes>\r\n<payload>\r\n.
  ServerOp expect_msg(std::string_view subject, std::string_view sid, std::string_view payload,
                      std::string_view reply = "");
  // Exactly the bytes of HMSG with this header block and payload.
  ServerOp expect_hmsg(std::string_view subject, std::string_view sid, std::string_view headers,
                       std::string_view payload, std::string_view reply = "");
  // `count` MSG/HMSG ops in a row (any other op fails the case).
  std::vector<ServerOp> expect_msgs(std::size_t count);
  // The broker closes the connection (EOF or reset) before sending any op.
  void expect_closed(std::optional<milliseconds> timeout = {});
  // -ERR '<text>' and then the close.
  void expect_err_then_closed(std::string_view text);
  // Reads ops until the broker closes; fails if it does not close within `timeout`.
  std::vector<ServerOp> read_until_closed(milliseconds timeout);
  // Nothing at all arrives for `window` (default timing.quiet), and the connection stays open.
  void expect_nothing(std::optional<milliseconds> window = {});
  // Every byte until the peer closes, bypassing the NATS parser (for HTTP).
  std::string read_raw_until_closed(milliseconds timeout);
  // True when an op (or a close) arrives within `window`; the op is kept for the next read.
  bool poll_op(milliseconds window);

  // ---- INFO
  // Reads the first op, which must be INFO, and parses its JSON with codec/protocol_json.
  const codec::ServerInfo& read_info();
  const codec::ServerInfo& info() const { return info_; }
  const std::string& info_raw() const { return info_raw_; }

  // ---- protocol steps, encoded by codec/encoder
  void connect(const codec::ConnectOptions& options);
  void connect_json(std::string_view json);
  void sub(std::string_view subject, std::string_view sid, std::string_view queue = "");
  void unsub(std::string_view sid, std::optional<uint64_t> max_msgs = {});
  void pub(std::string_view subject, std::string_view payload, std::string_view reply = "");
  void hpub(std::string_view subject, std::string_view headers, std::string_view payload,
            std::string_view reply = "");
  void ping();
  // PING, and the very next op must be PONG: everything the broker owed this connection
  // before the PING has been written.
  void flush();

  bool closed() const { return closed_; }
  const Endpoint& endpoint() const { return endpoint_; }
  const Timing& timing() const { return timing_; }

 private:
  Connection(int fd, Endpoint endpoint, Timing timing);

  // Parses and returns the next op, reading until `until`. nullopt on timeout or close
  // (closed_ tells which).
  std::optional<ServerOp> read_op(Clock::time_point until, std::string_view waiting_for);
  std::optional<ServerOp> parse_buffered();
  // Waits for bytes until `until` and appends them to in_. False on timeout.
  bool fill(Clock::time_point until, std::string_view waiting_for);
  Clock::time_point until(std::optional<milliseconds> timeout, milliseconds fallback) const;
  [[noreturn]] void fail_closed(std::string_view waiting_for) const;
  void close_fd() noexcept;

  int fd_ = -1;
  Endpoint endpoint_;
  Timing timing_;
  codec::Parser parser_;
  std::string in_;  // bytes received and not yet fed to the parser, from in_pos_
  std::size_t in_pos_ = 0;
  std::string op_raw_;  // bytes fed to the parser since the last complete op
  std::optional<ServerOp> peeked_;
  bool closed_ = false;
  std::string close_reason_;
  codec::ServerInfo info_;
  std::string info_raw_;
};

}  // namespace quiver::conformance
