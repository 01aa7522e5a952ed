#include "conformance/lib/connection.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include "codec/encoder.h"
#include "conformance/lib/check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace quiver::conformance {
namespace {

using codec::OpKind;

// What a server may legitimately send on a client connection has no protocol-level size limit
// on the client side (max_payload is the server's rule for what it accepts), so the parser is
// configured not to reject anything for size.
codec::ParserLimits client_limits() {
  codec::ParserLimits limits;
  limits.max_control_line = 1 << 20;
  limits.max_payload = -1;
  return limits;
}

long millis_until(Clock::time_point until) {
  const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
  return left < 0 ? 0 : left;
}

std::string errno_text(int err) { return std::strerror(err); }

bool set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

std::string kind_name(OpKind kind) { return std::string(codec::op_name(kind)); }

}  // namespace

std::string ServerOp::describe() const { return "\"" + printable(raw, 120) + "\""; }

Connection::Connection(int fd, Endpoint endpoint, Timing timing)
    : fd_(fd),
      endpoint_(std::move(endpoint)),
      timing_(timing),
      parser_(codec::Role::kClient, client_limits()) {}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      endpoint_(std::move(other.endpoint_)),
      timing_(other.timing_),
      parser_(std::move(other.parser_)),
      in_(std::move(other.in_)),
      in_pos_(other.in_pos_),
      op_raw_(std::move(other.op_raw_)),
      peeked_(std::move(other.peeked_)),
      closed_(other.closed_),
      close_reason_(std::move(other.close_reason_)),
      info_(std::move(other.info_)),
      info_raw_(std::move(other.info_raw_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close_fd();
    fd_ = std::exchange(other.fd_, -1);
    endpoint_ = std::move(other.endpoint_);
    timing_ = other.timing_;
    parser_ = std::move(other.parser_);
    in_ = std::move(other.in_);
    in_pos_ = other.in_pos_;
    op_raw_ = std::move(other.op_raw_);
    peeked_ = std::move(other.peeked_);
    closed_ = other.closed_;
    close_reason_ = std::move(other.close_reason_);
    info_ = std::move(other.info_);
    info_raw_ = std::move(other.info_raw_);
  }
  return *this;
}

Connection::~Connection() { close_fd(); }

void Connection::close_fd() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Connection Connection::open(const Endpoint& endpoint, const Timing& timing, SocketOptions options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) fail("cannot resolve " + endpoint.to_string() + ": " + ::gai_strerror(rc));
  std::string last_error = "no address";
  const Clock::time_point until = std::min(Clock::now() + timing.wait, timing.deadline);
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = errno_text(errno);
      continue;
    }
    if (options.receive_buffer > 0) {
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer,
                   sizeof options.receive_buffer);
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd pfd{fd, POLLOUT, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(millis_until(until)));
        if (ready <= 0) {
          err = ETIMEDOUT;
        } else {
          socklen_t len = sizeof err;
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
      }
    }
    if (err == 0) {
      ::freeaddrinfo(found);
      return Connection(fd, endpoint, timing);
    }
    last_error = errno_text(err);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  fail("cannot connect to " + endpoint.to_string() + ": " + last_error);
}

// ---------------------------------------------------------------------------------------------
// Sending

bool Connection::try_send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (Clock::now() >= timing_.deadline) {
        fail("case timeout: the broker stopped reading while the case was still sending to " +
             endpoint_.to_string());
      }
      pollfd pfd{fd_, POLLOUT, 0};
      ::poll(&pfd, 1, static_cast<int>(std::min<long>(millis_until(timing_.deadline), 100)));
      continue;
    }
    return false;  // EPIPE, ECONNRESET: the broker has closed
  }
  return true;
}

void Connection::send(std::string_view bytes) {
  if (!try_send(bytes)) {
    fail("cannot send " + std::to_string(bytes.size()) + " bytes (\"" + printable(bytes, 60) +
         "\"): the broker has closed the connection");
  }
}

void Connection::send_in_pieces(std::string_view bytes, std::size_t chunk, milliseconds pause) {
  while (!bytes.empty()) {
    const std::size_t n = std::min(chunk, bytes.size());
    send(bytes.substr(0, n));
    bytes.remove_prefix(n);
    // The pause is the stimulus, not a wait for a result: it makes the broker read each piece
    // separately so its parser has to resume mid-op.
    if (!bytes.empty()) std::this_thread::sleep_for(pause);
  }
}

void Connection::send_split(std::string_view bytes, std::size_t cut, milliseconds pause) {
  send(bytes.substr(0, cut));
  std::this_thread::sleep_for(pause);
  send(bytes.substr(cut));
}

// ---------------------------------------------------------------------------------------------
// Receiving

Clock::time_point Connection::until(std::optional<milliseconds> timeout,
                                    milliseconds fallback) const {
  return Clock::now() + timeout.value_or(fallback);
}

bool Connection::fill(Clock::time_point until, std::string_view waiting_for) {
  if (closed_ || fd_ < 0) return false;
  const bool case_limited = timing_.deadline < until;
  const Clock::time_point limit = case_limited ? timing_.deadline : until;
  char buf[64 * 1024];
  while (true) {
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(millis_until(limit)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (case_limited) {
        fail("case timeout while waiting for " + std::string(waiting_for) + " from " +
             endpoint_.to_string());
      }
      return false;
    }
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    closed_ = true;
    close_reason_ =
        n == 0 ? "closed by the broker (EOF)" : "closed by the broker (" + errno_text(errno) + ")";
    return true;
  }
}

std::optional<ServerOp> Connection::parse_buffered() {
  while (in_pos_ < in_.size()) {
    const std::string_view input = std::string_view(in_).substr(in_pos_);
    const codec::ParseResult r = parser_.feed(input);
    op_raw_.append(input.substr(0, r.consumed));
    if (r.status == codec::ParseStatus::kError) {
      fail("the broker sent bytes a NATS client cannot parse (" + parser_.error().message() +
           "): \"" + printable(op_raw_ + std::string(input.substr(r.consumed)), 200) + "\"");
    }
    if (r.status == codec::ParseStatus::kOp) {
      // Copy before advancing: the op's views point into in_ or the parser's buffers.
      const codec::Op& op = parser_.op();
      ServerOp out;
      out.kind = op.kind;
      out.subject = op.subject;
      out.reply = op.reply;
      out.sid = op.sid;
      out.json = op.json;
      out.text = op.text;
      out.headers = op.headers;
      out.payload = op.payload;
      out.raw = std::move(op_raw_);
      op_raw_.clear();
      in_pos_ += r.consumed;
      if (in_pos_ == in_.size()) {
        in_.clear();
        in_pos_ = 0;
      }
      return out;
    }
    in_pos_ += r.consumed;
  }
  in_.clear();
  in_pos_ = 0;
  return std::nullopt;
}

std::optional<ServerOp> Connection::read_op(Clock::time_point until, std::string_view waiting_for) {
  if (peeked_) return std::exchange(peeked_, std::nullopt);
  while (true) {
    if (auto op = parse_buffered()) return op;
    if (closed_) return std::nullopt;
    if (!fill(until, waiting_for)) return std::nullopt;
  }
}

void Connection::fail_closed(std::string_view waiting_for) const {
  std::string message = "waiting for " + std::string(waiting_for) + ": connection " + close_reason_;
  if (!op_raw_.empty()) message += " in the middle of \"" + printable(op_raw_, 80) + "\"";
  fail(message);
}

bool Connection::poll_op(milliseconds window) {
  if (peeked_) return true;
  peeked_ = read_op(Clock::now() + window, "an op");
  return peeked_.has_value() || closed_;
}

ServerOp Connection::next(std::string_view waiting_for, std::optional<milliseconds> timeout) {
  const milliseconds t = timeout.value_or(timing_.wait);
  std::optional<ServerOp> op = read_op(Clock::now() + t, waiting_for);
  if (op) return std::move(*op);
  if (closed_) fail_closed(waiting_for);
  std::string message = "timed out after " + std::to_string(t.count()) + " ms waiting for " +
                        std::string(waiting_for);
  if (!op_raw_.empty()) message += " (partial op received: \"" + printable(op_raw_, 80) + "\")";
  fail(message);
}

ServerOp Connection::expect(OpKind kind, std::optional<milliseconds> timeout) {
  ServerOp op = next(kind_name(kind), timeout);
  // An asynchronous INFO (cluster topology, lame duck) may come first: not what is awaited.
  while (kind != OpKind::kInfo && op.kind == OpKind::kInfo) op = next(kind_name(kind), timeout);
  if (op.kind != kind) fail("expected " + kind_name(kind) + ", got " + op.describe());
  return op;
}

ServerOp Connection::expect_exact(std::string_view raw, std::optional<milliseconds> timeout) {
  const std::string want = "\"" + printable(raw, 120) + "\"";
  ServerOp op = next(want, timeout);
  if (op.raw != raw) fail("expected " + want + ", got " + op.describe());
  return op;
}

void Connection::expect_pong(std::optional<milliseconds> timeout) {
  expect_exact("PONG\r\n", timeout);
}

void Connection::expect_ping(std::optional<milliseconds> timeout) {
  expect_exact("PING\r\n", timeout);
}

void Connection::expect_ok() { expect_exact("+OK\r\n"); }

void Connection::expect_err(std::string_view text, std::optional<milliseconds> timeout) {
  std::string want;
  codec::append_err(want, text);
  expect_exact(want, timeout);
}

ServerOp Connection::expect_msg(std::string_view subject, std::string_view sid,
                                std::string_view payload, std::string_view reply) {
  std::string want;
  codec::append_msg(want, subject, sid, reply, payload);
  return expect_exact(want);
}

ServerOp Connection::expect_hmsg(std::string_view subject, std::string_view sid,
                                 std::string_view headers, std::string_view payload,
                                 std::string_view reply) {
  std::string want;
  codec::append_hmsg(want, subject, sid, reply, headers, payload);
  return expect_exact(want);
}

std::vector<ServerOp> Connection::expect_msgs(std::size_t count) {
  std::vector<ServerOp> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    ServerOp op = next("message " + std::to_string(i + 1) + " of " + std::to_string(count));
    if (!op.is_msg()) {
      fail("expected message " + std::to_string(i + 1) + " of " + std::to_string(count) + ", got " +
           op.describe());
    }
    out.push_back(std::move(op));
  }
  return out;
}

void Connection::expect_closed(std::optional<milliseconds> timeout) {
  const milliseconds t = timeout.value_or(timing_.wait);
  std::optional<ServerOp> op = read_op(Clock::now() + t, "the broker to close the connection");
  if (op) fail("expected the broker to close the connection, got " + op->describe());
  if (!closed_) {
    fail("expected the broker to close the connection within " + std::to_string(t.count()) +
         " ms; it is still open");
  }
  if (!op_raw_.empty()) {
    fail("the broker closed in the middle of an op: \"" + printable(op_raw_, 80) + "\"");
  }
}

void Connection::expect_err_then_closed(std::string_view text) {
  expect_err(text);
  expect_closed();
}

std::vector<ServerOp> Connection::read_until_closed(milliseconds timeout) {
  std::vector<ServerOp> ops;
  const Clock::time_point until = Clock::now() + timeout;
  while (true) {
    std::optional<ServerOp> op = read_op(until, "the broker to close the connection");
    if (op) {
      ops.push_back(std::move(*op));
      continue;
    }
    if (closed_) return ops;
    fail("expected the broker to close the connection within " + std::to_string(timeout.count()) +
         " ms; it is still open after " + std::to_string(ops.size()) + " ops");
  }
}

std::string Connection::read_raw_until_closed(milliseconds timeout) {
  const Clock::time_point until = Clock::now() + timeout;
  while (!closed_) {
    if (!fill(until, "the peer to close")) {
      fail("expected " + endpoint_.to_string() + " to close within " +
           std::to_string(timeout.count()) + " ms");
    }
  }
  std::string raw = in_.substr(in_pos_);
  in_.clear();
  in_pos_ = 0;
  return raw;
}

void Connection::expect_nothing(std::optional<milliseconds> window) {
  const milliseconds w = window.value_or(timing_.quiet);
  const Clock::time_point until = Clock::now() + w;
  std::optional<ServerOp> op = read_op(until, "silence");
  // A server may send INFO at any time (cluster topology changes, lame duck): not a reply.
  while (op && op->kind == codec::OpKind::kInfo) op = read_op(until, "silence");
  if (op) fail("expected nothing, got " + op->describe());
  if (closed_) fail("expected nothing, but the connection was " + close_reason_);
  if (!op_raw_.empty()) fail("expected nothing, got partial \"" + printable(op_raw_, 80) + "\"");
}

// ---------------------------------------------------------------------------------------------
// INFO and protocol steps

const codec::ServerInfo& Connection::read_info() {
  ServerOp op = next("INFO");
  if (op.kind != OpKind::kInfo) fail("expected INFO first, got " + op.describe());
  auto parsed = codec::parse_info_json(op.json);
  if (!parsed) fail("INFO JSON does not parse: " + op.describe());
  info_ = std::move(parsed).value();
  info_raw_ = std::move(op.raw);
  return info_;
}

void Connection::connect(const codec::ConnectOptions& options) {
  connect_json(codec::encode_connect_json(options));
}

void Connection::connect_json(std::string_view json) {
  std::string out;
  codec::append_connect(out, json);
  send(out);
}

void Connection::sub(std::string_view subject, std::string_view sid, std::string_view queue) {
  std::string out;
  codec::append_sub(out, subject, queue, sid);
  send(out);
}

void Connection::unsub(std::string_view sid, std::optional<uint64_t> max_msgs) {
  std::string out;
  codec::append_unsub(out, sid, max_msgs);
  send(out);
}

void Connection::pub(std::string_view subject, std::string_view payload, std::string_view reply) {
  std::string out;
  codec::append_pub(out, subject, reply, payload);
  send(out);
}

void Connection::hpub(std::string_view subject, std::string_view headers, std::string_view payload,
                      std::string_view reply) {
  std::string out;
  codec::append_hpub(out, subject, reply, headers, payload);
  send(out);
}

void Connection::ping() {
  std::string out;
  codec::append_ping(out);
  send(out);
}

void Connection::flush() {
  ping();
  ServerOp op = next("PONG (flush)");
  if (op.raw != "PONG\r\n") fail("flush: expected PONG, got " + op.describe());
}

}  // namespace quiver::conformance
