// Blocking NATS client connection for the load generator: a TCP socket plus a codec::Parser that
// turns what the server sends into ops. No Asio and no client library on purpose: the generator
// must cost as little CPU as possible (the broker under test shares the machine) and must speak
// exactly the bytes we choose, so it measures the broker and not a client's buffering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/ops.h"
#include "codec/parser.h"
#include "common/result.h"

namespace quiver::loadgen {

enum class ReadStatus : uint8_t {
  kOk,       // at least one read happened; its ops were handed out
  kTimeout,  // nothing arrived within the timeout
  kClosed,   // EOF, a socket error or a protocol error; error() says which
};

class Connection {
 public:
  // Connects with TCP_NODELAY (request/reply latency would otherwise include Nagle's delay).
  static Result<Connection> dial(const std::string& host, uint16_t port,
                                 std::size_t read_buffer = 256 * 1024);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  std::error_code write_all(std::string_view data) noexcept;

  // Waits up to timeout_ms (negative: forever) for bytes, reads once and calls on_op(const
  // codec::Op&) for every complete op. on_op returns false to stop early; the unparsed rest
  // stays buffered for the next call.
  template <class OnOp>
  ReadStatus read_ops(int timeout_ms, OnOp&& on_op);

  // Sends CONNECT (verbose off), then `ops` (e.g. SUBs), then PING, and reads until the PONG:
  // once it returns, the server has processed everything sent. An -ERR fails the handshake.
  // `headers` also announces headers and no_responders, so a request nobody serves gets a 503
  // status at once (JetStream API calls use it) instead of running into a timeout.
  std::error_code handshake(std::string_view ops, bool headers = false);

  // Sends PING and reads until PONG, answering server PINGs. MSGs that arrive meanwhile are
  // passed to on_msg. Used by publishers as a flush barrier.
  template <class OnMsg>
  std::error_code flush(int timeout_ms, OnMsg&& on_msg);

  // The last -ERR text or socket/protocol error seen, for reports.
  const std::string& error() const noexcept { return error_; }
  int fd() const noexcept { return fd_; }

 private:
  Connection(int fd, std::size_t read_buffer);
  // Reads into the buffer; kOk when bytes arrived.
  ReadStatus fill(int timeout_ms);
  void close_with(std::string text) noexcept;

  int fd_ = -1;
  std::unique_ptr<char[]> buf_;
  std::size_t cap_ = 0;
  std::size_t begin_ = 0;  // unparsed bytes are buf_[begin_, end_)
  std::size_t end_ = 0;
  codec::Parser parser_{codec::Role::kClient, codec::ParserLimits{4096, -1}};
  std::string error_;
};

template <class OnOp>
ReadStatus Connection::read_ops(int timeout_ms, OnOp&& on_op) {
  if (begin_ == end_) {
    const ReadStatus st = fill(timeout_ms);
    if (st != ReadStatus::kOk) return st;
  }
  while (begin_ < end_) {
    const auto [consumed, status] =
        parser_.feed(std::string_view(buf_.get() + begin_, end_ - begin_));
    begin_ += consumed;
    if (status == codec::ParseStatus::kNeedMore) break;
    if (status == codec::ParseStatus::kError) {
      close_with("protocol error: " + parser_.error().message());
      return ReadStatus::kClosed;
    }
    const codec::Op& op = parser_.op();
    if (op.kind == codec::OpKind::kPing) {
      // Answer at once: the server closes connections that miss two PINGs.
      if (write_all("PONG\r\n")) return ReadStatus::kClosed;
      continue;
    }
    if (op.kind == codec::OpKind::kErr) error_.assign(op.text);
    if (!on_op(op)) break;
  }
  if (begin_ == end_) begin_ = end_ = 0;
  return ReadStatus::kOk;
}

template <class OnMsg>
std::error_code Connection::flush(int timeout_ms, OnMsg&& on_msg) {
  if (auto ec = write_all("PING\r\n")) return ec;
  bool pong = false;
  while (!pong) {
    const ReadStatus st = read_ops(timeout_ms, [&](const codec::Op& op) {
      if (op.kind == codec::OpKind::kPong) {
        pong = true;
        return false;
      }
      if (op.kind == codec::OpKind::kMsg || op.kind == codec::OpKind::kHmsg) on_msg(op);
      return true;
    });
    if (st == ReadStatus::kTimeout) return std::make_error_code(std::errc::timed_out);
    if (st == ReadStatus::kClosed) return std::make_error_code(std::errc::connection_aborted);
  }
  return {};
}

}  // namespace quiver::loadgen
