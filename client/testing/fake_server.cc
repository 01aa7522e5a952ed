#include "client/testing/fake_server.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "codec/encoder.h"
#include "codec/subject.h"

namespace quiver::client::testing {

namespace asio = boost::asio;

namespace {

template <class E>
std::error_code asio_code(E e) {
  return boost::system::error_code(e);
}

}  // namespace

class FakeTransport final : public Transport {
 public:
  FakeTransport(FakeServer& server, const asio::any_io_executor& executor)
      : server_(server), executor_(executor) {}

  asio::awaitable<std::error_code> connect(std::string host, std::uint16_t port) override {
    ++server_.connect_attempts_;
    server_.connect_times_.push_back(std::chrono::steady_clock::now());
    if (server_.count_op()) co_return asio_code(asio::error::connection_reset);
    const std::string key = host + ":" + std::to_string(port);
    if (server_.refused.count("*") != 0 || server_.refused.count(key) != 0) {
      co_return asio_code(asio::error::connection_refused);
    }
    if (closed_) co_return asio_code(asio::error::operation_aborted);
    conn_ = std::make_shared<FakeConnection>(server_, std::move(host), port, executor_);
    server_.connections_.push_back(conn_);
    if (!server_.greeting.empty()) {
      conn_->send(server_.greeting);
    } else if (server_.send_info) {
      conn_->send(server_.info_line());
    }
    co_return std::error_code{};
  }

  asio::awaitable<std::pair<std::error_code, std::size_t>> read_some(
      asio::mutable_buffer buffer) override {
    using Result = std::pair<std::error_code, std::size_t>;
    if (server_.count_op()) {
      if (conn_) conn_->broken_ = true;
      co_return Result{asio_code(asio::error::connection_reset), 0};
    }
    for (;;) {
      if (closed_ || !conn_) co_return Result{asio_code(asio::error::operation_aborted), 0};
      if (conn_->broken_) co_return Result{asio_code(asio::error::connection_reset), 0};
      if (!conn_->to_client_.empty()) {
        std::size_t n = std::min(buffer.size(), conn_->to_client_.size());
        if (server_.read_chunk > 0) n = std::min(n, server_.read_chunk);
        std::memcpy(buffer.data(), conn_->to_client_.data(), n);
        conn_->to_client_.erase(0, n);
        co_return Result{std::error_code{}, n};
      }
      if (conn_->killed_) co_return Result{asio_code(asio::error::eof), 0};
      conn_->wake_.expires_at(asio::steady_timer::time_point::max());
      co_await conn_->wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  asio::awaitable<std::error_code> write(asio::const_buffer buffer) override {
    if (server_.count_op()) {
      if (conn_) conn_->broken_ = true;
      co_return asio_code(asio::error::connection_reset);
    }
    if (closed_ || !conn_) co_return asio_code(asio::error::operation_aborted);
    if (conn_->broken_ || conn_->killed_) co_return asio_code(asio::error::broken_pipe);
    conn_->on_bytes(std::string_view(static_cast<const char*>(buffer.data()), buffer.size()));
    co_return std::error_code{};
  }

  void close() override {
    closed_ = true;
    if (conn_) {
      conn_->closed_by_client_ = true;
      conn_->wake_.cancel();
    }
  }

 private:
  FakeServer& server_;
  asio::any_io_executor executor_;
  std::shared_ptr<FakeConnection> conn_;
  bool closed_ = false;
};

FakeConnection::FakeConnection(FakeServer& server, std::string host, std::uint16_t port,
                               const asio::any_io_executor& executor)
    : server_(server),
      host_(std::move(host)),
      port_(port),
      parser_(codec::Role::kServer, codec::ParserLimits{4096, -1}),
      wake_(executor, asio::steady_timer::time_point::max()) {}

std::size_t FakeConnection::count(codec::OpKind kind) const {
  return static_cast<std::size_t>(std::count_if(
      ops_.begin(), ops_.end(), [&](const RecordedOp& op) { return op.kind == kind; }));
}

void FakeConnection::send(std::string_view bytes) {
  if (killed_) return;
  to_client_.append(bytes);
  wake_.cancel();
}

void FakeConnection::kill() {
  killed_ = true;
  wake_.cancel();
}

void FakeConnection::on_bytes(std::string_view bytes) {
  received_.append(bytes);
  while (!bytes.empty() && !parse_failed_) {
    const auto [consumed, status] = parser_.feed(bytes);
    bytes.remove_prefix(consumed);
    if (status == codec::ParseStatus::kError) {
      parse_failed_ = true;
      send("-ERR 'Unknown Protocol Operation'\r\n");
      kill();
      return;
    }
    if (status != codec::ParseStatus::kOp) continue;
    const codec::Op& op = parser_.op();
    RecordedOp rec;
    rec.kind = op.kind;
    rec.subject = op.subject;
    rec.reply = op.reply;
    rec.queue = op.queue;
    rec.sid = op.sid;
    rec.payload = op.payload;
    rec.headers = op.headers;
    rec.json = op.json;
    rec.max_msgs = op.max_msgs;
    ops_.push_back(rec);
    handle(rec);
  }
}

void FakeConnection::handle(const RecordedOp& op) {
  switch (op.kind) {
    case codec::OpKind::kConnect: {
      auto parsed = codec::parse_connect_json(op.json);
      if (!parsed) {
        send("-ERR 'Invalid Connect'\r\n");
        kill();
        return;
      }
      connect_ = parsed.value();
      const bool user_ok =
          server_.required_user.empty() ||
          (connect_->user == server_.required_user && connect_->pass == server_.required_pass);
      const bool token_ok =
          server_.required_token.empty() || connect_->auth_token == server_.required_token;
      if (!user_ok || !token_ok) {
        send("-ERR 'Authorization Violation'\r\n");
        kill();
      }
      return;
    }
    case codec::OpKind::kPing:
      if (server_.auto_pong) send("PONG\r\n");
      return;
    case codec::OpKind::kSub:
      subs_.push_back(Sub{op.subject, op.queue, op.sid, std::nullopt});
      return;
    case codec::OpKind::kUnsub: {
      const auto it =
          std::find_if(subs_.begin(), subs_.end(), [&](const Sub& s) { return s.sid == op.sid; });
      if (it == subs_.end()) return;
      if (op.max_msgs && *op.max_msgs > 0) {
        it->remaining = *op.max_msgs;
      } else {
        subs_.erase(it);
      }
      return;
    }
    case codec::OpKind::kPub:
    case codec::OpKind::kHpub:
      if (server_.route) server_.route_message(*this, op);
      return;
    default:
      return;
  }
}

FakeServer::FakeServer(asio::any_io_executor executor) : executor_(std::move(executor)) {
  info.server_id = "FAKE";
  info.server_name = "fake";
  info.version = "2.9.10";
  info.proto = 1;
  info.go = "go1.19";
  info.host = "127.0.0.1";
  info.port = 4222;
  info.headers = true;
  info.max_payload = 1024 * 1024;
  info.client_id = 1;
}

std::string FakeServer::info_line() const {
  std::string out;
  codec::append_info(out, codec::encode_info_json(info));
  return out;
}

TransportFactory FakeServer::transport_factory() {
  return [this](const asio::any_io_executor& executor) -> std::unique_ptr<Transport> {
    return std::make_unique<FakeTransport>(*this, executor);
  };
}

bool FakeServer::count_op() { return op_count_++ == fail_op; }

void FakeServer::route_message(FakeConnection& from, const RecordedOp& pub) {
  struct Target {
    FakeConnection* conn;
    std::size_t index;
  };
  std::vector<Target> plain;
  std::map<std::string, std::vector<Target>> groups;
  for (const auto& conn : connections_) {
    if (conn->closed() || conn->broken_ || !conn->connect_) continue;
    if (conn.get() == &from && !conn->connect_->echo) continue;
    for (std::size_t i = 0; i < conn->subs_.size(); ++i) {
      if (!codec::subject_matches(conn->subs_[i].subject, pub.subject)) continue;
      if (conn->subs_[i].queue.empty()) {
        plain.push_back({conn.get(), i});
      } else {
        groups[conn->subs_[i].queue].push_back({conn.get(), i});
      }
    }
  }
  for (auto& [name, members] : groups) {
    plain.push_back(members[queue_rr_++ % members.size()]);
  }
  if (plain.empty() && !pub.reply.empty() && from.connect_ && from.connect_->no_responders &&
      from.connect_->headers) {
    for (const auto& sub : from.subs_) {
      if (!codec::subject_matches(sub.subject, pub.reply)) continue;
      std::string out;
      codec::append_hmsg(out, pub.reply, sub.sid, "", "NATS/1.0 503\r\n\r\n", "");
      from.send(out);
      return;
    }
    return;
  }
  // Erase exhausted subscriptions afterwards: indexes stay valid while we deliver.
  std::vector<std::pair<FakeConnection*, std::string>> exhausted;
  for (const auto& target : plain) {
    auto& sub = target.conn->subs_[target.index];
    std::string out;
    if (pub.kind == codec::OpKind::kHpub) {
      codec::append_hmsg(out, pub.subject, sub.sid, pub.reply, pub.headers, pub.payload);
    } else {
      codec::append_msg(out, pub.subject, sub.sid, pub.reply, pub.payload);
    }
    target.conn->send(out);
    if (sub.remaining && --*sub.remaining == 0) exhausted.emplace_back(target.conn, sub.sid);
  }
  for (const auto& entry : exhausted) {
    std::erase_if(entry.first->subs_,
                  [&](const FakeConnection::Sub& s) { return s.sid == entry.second; });
  }
}

}  // namespace quiver::client::testing
