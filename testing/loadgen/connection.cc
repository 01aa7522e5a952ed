#include "testing/loadgen/connection.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>
#include <utility>

#include "codec/encoder.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace quiver::loadgen {
namespace {

std::error_code last_error() noexcept { return {errno, std::generic_category()}; }

}  // namespace

Result<Connection> Connection::dial(const std::string& host, uint16_t port,
                                    std::size_t read_buffer) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) {
    return std::make_error_code(std::errc::host_unreachable);
  }
  std::error_code ec = std::make_error_code(std::errc::host_unreachable);
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      ec = last_error();
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    ec = last_error();
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) return ec;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return Connection(fd, read_buffer);
}

Connection::Connection(int fd, std::size_t read_buffer)
    : fd_(fd), buf_(new char[read_buffer]), cap_(read_buffer) {}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buf_(std::move(other.buf_)),
      cap_(std::exchange(other.cap_, 0)),
      begin_(std::exchange(other.begin_, 0)),
      end_(std::exchange(other.end_, 0)),
      parser_(std::move(other.parser_)),
      error_(std::move(other.error_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buf_ = std::move(other.buf_);
    cap_ = std::exchange(other.cap_, 0);
    begin_ = std::exchange(other.begin_, 0);
    end_ = std::exchange(other.end_, 0);
    parser_ = std::move(other.parser_);
    error_ = std::move(other.error_);
  }
  return *this;
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code Connection::write_all(std::string_view data) noexcept {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::error_code ec = last_error();
      close_with("write: " + ec.message());
      return ec;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

ReadStatus Connection::fill(int timeout_ms) {
  if (fd_ < 0) return ReadStatus::kClosed;
  if (timeout_ms >= 0) {
    pollfd p{fd_, POLLIN, 0};
    int r;
    do {
      r = ::poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (r == 0) return ReadStatus::kTimeout;
    if (r < 0) {
      close_with("poll: " + last_error().message());
      return ReadStatus::kClosed;
    }
  }
  ssize_t n;
  do {
    n = ::recv(fd_, buf_.get(), cap_, 0);
  } while (n < 0 && errno == EINTR);
  if (n == 0) {
    close_with(error_.empty() ? std::string("connection closed by the server")
                              : "-ERR '" + error_ + "', then the server closed the connection");
    return ReadStatus::kClosed;
  }
  if (n < 0) {
    close_with("read: " + last_error().message());
    return ReadStatus::kClosed;
  }
  begin_ = 0;
  end_ = static_cast<std::size_t>(n);
  return ReadStatus::kOk;
}

void Connection::close_with(std::string text) noexcept {
  error_ = std::move(text);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

std::error_code Connection::handshake(std::string_view ops, bool headers) {
  std::string out;
  codec::append_connect(
      out,
      headers ? R"({"verbose":false,"pedantic":false,"name":"loadgen","lang":"c++",)"
                R"("protocol":1,"headers":true,"no_responders":true})"
              : R"({"verbose":false,"pedantic":false,"name":"loadgen","lang":"c++","protocol":1})");
  out.append(ops);
  codec::append_ping(out);
  if (auto ec = write_all(out)) return ec;
  bool pong = false;
  bool failed = false;
  while (!pong && !failed) {
    const ReadStatus st = read_ops(10'000, [&](const codec::Op& op) {
      if (op.kind == codec::OpKind::kPong) pong = true;
      if (op.kind == codec::OpKind::kErr) failed = true;
      return !pong && !failed;
    });
    if (st == ReadStatus::kTimeout) {
      close_with("handshake: no PONG within 10 s");
      return std::make_error_code(std::errc::timed_out);
    }
    if (st == ReadStatus::kClosed) return std::make_error_code(std::errc::connection_aborted);
  }
  if (failed) return std::make_error_code(std::errc::permission_denied);
  return {};
}

}  // namespace quiver::loadgen
