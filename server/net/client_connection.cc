#include "server/net/client_connection.h"

#include <algorithm>
#include <cstring>

#include "codec/encoder.h"
#include "codec/subject.h"
#include "common/log.h"
#include "server/auth/authenticator.h"
#include "server/core/internal_sink.h"
#include "server/net/server.h"

namespace quiver::server::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {

// The read buffer grows while reads fill it and shrinks after short reads, so idle connections
// hold 512 B. The ceiling is 4x nats-server's 64 KiB: a fast publisher then needs a quarter of
// the read calls (measured: pub 1 KiB 1.22x nats-server at 256 KiB, ~1.0x at 64 KiB), while a
// busy connection still holds at most 256 KiB here.
constexpr std::size_t kMinReadBuffer = 512;
constexpr std::size_t kMaxReadBuffer = 256 * 1024;
constexpr int kShrinkAfterShortReads = 2;
// nats-server sends the first PING to a new client after 2 s, then every ping_interval.
constexpr auto kFirstPingInterval = 2s;
// An outbound buffer this large is released after a flush instead of kept for reuse.
constexpr std::size_t kRetainedOutboundCapacity = 64 * 1024;

constexpr std::string_view kNoRespondersHeader = "NATS/1.0 503\r\n\r\n";

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Logs an exception that escaped a coroutine: a bug, but one that costs a connection only.
auto log_exception(uint64_t cid, const char* where) {
  return [cid, where](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      QV_LOG_ERROR("cid:", cid, " - ", where, " failed: ", ex.what());
    }
  };
}

}  // namespace

std::string_view close_reason_text(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::kClientClosed:
      return "Client Closed";
    case CloseReason::kServerShutdown:
      return "Server Shutdown";
    case CloseReason::kLameDuck:
      return "Lame Duck Mode";
    case CloseReason::kParseError:
      return "Parse Error";
    case CloseReason::kProtocolViolation:
      return "Protocol Violation";
    case CloseReason::kAuthViolation:
      return "Authentication Failure";
    case CloseReason::kAuthTimeout:
      return "Authentication Timeout";
    case CloseReason::kStaleConnection:
      return "Stale Connection";
    case CloseReason::kSlowConsumerPending:
      return "Slow Consumer (Pending Bytes)";
    case CloseReason::kSlowConsumerWriteDeadline:
      return "Slow Consumer (Write Deadline)";
    case CloseReason::kWriteError:
      return "Write Error";
    case CloseReason::kMaxPayload:
      return "Maximum Message Payload Exceeded";
    case CloseReason::kMaxConnections:
      return "Maximum Connections Exceeded";
    case CloseReason::kReadError:
      return "Read Error";
  }
  return "Unknown";
}

ClientConnection::ClientConnection(Server& server, Worker& worker, asio::ip::tcp::socket socket,
                                   uint64_t cid)
    : server_(server),
      worker_(worker),
      socket_(std::move(socket)),
      flush_signal_(worker.io),
      timer_(worker.io),
      write_deadline_(worker.io),
      cid_(cid),
      start_time_(std::chrono::system_clock::now()),
      parser_(codec::Role::kServer) {
  boost::system::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_ip_ = endpoint.address().to_string();
    remote_port_ = endpoint.port();
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  account_ = server_.global_account();
  last_activity_ns_.store(steady_now_ns());
  refresh_limits();
}

ClientConnection::~ClientConnection() = default;

void ClientConnection::refresh_limits() {
  auto limits = server_.limits();
  limits_generation_ = server_.limits_generation();
  max_payload_ = limits->max_payload;
  max_pending_.store(limits->max_pending, std::memory_order_relaxed);
  max_subscriptions_ = limits->max_subscriptions;
  write_deadline_ms_ = limits->write_deadline;
  parser_.set_limits({limits->max_control_line, limits->max_payload});
}

void ClientConnection::start(std::string_view reject) {
  DeliveryBatch batch(worker_);
  queue_control(server_.info_line(cid_, remote_ip_), batch);
  auto self = shared_from_this();
  asio::co_spawn(
      worker_.io, [self]() { return self->write_loop(); }, log_exception(cid_, "write loop"));
  if (!reject.empty()) {
    queue_err(reject, batch);
    close(CloseReason::kMaxConnections);
    signal_writer();
    return;
  }
  asio::co_spawn(
      worker_.io, [self]() { return self->read_loop(); }, log_exception(cid_, "read loop"));
  asio::co_spawn(
      worker_.io, [self]() { return self->timer_loop(); }, log_exception(cid_, "timer loop"));
  signal_writer();
}

awaitable<void> ClientConnection::read_loop() {
  auto self = shared_from_this();
  std::vector<char> buffer(kMinReadBuffer);
  int short_reads = 0;
  DeliveryBatch batch(worker_);
  batch.to_flush.reserve(16);
  while (!closing_) {
    auto [ec, n] =
        co_await socket_.async_read_some(asio::buffer(buffer), asio::as_tuple(use_awaitable));
    if (ec || n == 0) {
      if (!closing_) {
        close(ec == asio::error::eof || ec == asio::error::connection_reset
                  ? CloseReason::kClientClosed
                  : CloseReason::kReadError);
      }
      break;
    }
    last_activity_ns_.store(steady_now_ns(), std::memory_order_relaxed);
    if (limits_generation_ != server_.limits_generation()) refresh_limits();

    server_.epochs().enter(worker_.index);
    process(std::string_view(buffer.data(), n), batch);
    for (ClientConnection* conn : batch.to_flush) conn->signal_writer();
    batch.to_flush.clear();
    server_.epochs().exit(worker_.index);

    // Adapt the read buffer to the traffic, as nats-server does.
    if (n == buffer.size() && buffer.size() < kMaxReadBuffer) {
      buffer.resize(buffer.size() * 2);
      short_reads = 0;
    } else if (n < buffer.size() / 2 && buffer.size() > kMinReadBuffer) {
      if (++short_reads > kShrinkAfterShortReads) {
        buffer.resize(buffer.size() / 2);
        buffer.shrink_to_fit();
        short_reads = 0;
      }
    }
  }
}

awaitable<void> ClientConnection::write_loop() {
  auto self = shared_from_this();
  ++worker_.active_writers;
  std::string writing;
  while (true) {
    {
      std::unique_lock lock(out_mu_);
      if (out_.empty()) {
        if (closing_) break;
        lock.unlock();
        flush_signal_.expires_at(asio::steady_timer::time_point::max());
        co_await flush_signal_.async_wait(asio::as_tuple(use_awaitable));
        continue;
      }
      writing.swap(out_);
      in_flight_ = writing.size();
    }
    // A write that does not finish within write_deadline marks a slow consumer. The handler may
    // complete after the write did (expiry racing completion), so it names its write by number.
    const uint64_t seq = ++write_seq_;
    if (write_deadline_ms_.count() > 0) {
      write_deadline_.expires_after(write_deadline_ms_);
      write_deadline_.async_wait([this, self, seq](boost::system::error_code ec) {
        if (ec || seq != write_seq_ || !write_in_progress_) return;
        deadline_hit_seq_ = seq;
        boost::system::error_code ignored;
        socket_.cancel(ignored);
      });
    }
    write_in_progress_ = true;
    auto [ec, n] =
        co_await asio::async_write(socket_, asio::buffer(writing), asio::as_tuple(use_awaitable));
    write_in_progress_ = false;
    write_deadline_.cancel();
    const bool deadline_hit = deadline_hit_seq_ == seq;
    {
      std::lock_guard lock(out_mu_);
      in_flight_ = 0;
    }
    if (ec) {
      if (deadline_hit) {
        server_.count_slow_consumer();
        QV_LOG_INFO(remote_ip_, ":", remote_port_, " - cid:", cid_,
                    " - \"Slow Consumer Detected: WriteDeadline of ", write_deadline_ms_.count(),
                    "ms exceeded\"");
        close(CloseReason::kSlowConsumerWriteDeadline);
      } else if (!closing_) {
        close(CloseReason::kWriteError);
      }
      std::lock_guard lock(out_mu_);
      out_.clear();
      break;
    }
    writing.clear();
    if (writing.capacity() > kRetainedOutboundCapacity) std::string().swap(writing);
  }
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  timer_.cancel();
  --worker_.active_writers;
}

awaitable<void> ClientConnection::timer_loop() {
  auto self = shared_from_this();
  auto limits = server_.limits();
  if (server_.auth_required()) {
    timer_.expires_after(limits->auth_timeout);
    co_await timer_.async_wait(asio::as_tuple(use_awaitable));
    if (closing_) co_return;
    if (!connected_) {
      DeliveryBatch batch(worker_);
      QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_, " - authentication timeout");
      queue_err("Authentication Timeout", batch);
      close(CloseReason::kAuthTimeout);
      signal_writer();
      co_return;
    }
  }
  auto interval = std::min<std::chrono::milliseconds>(kFirstPingInterval, limits->ping_interval);
  while (!closing_) {
    timer_.expires_after(interval);
    co_await timer_.async_wait(asio::as_tuple(use_awaitable));
    if (closing_) co_return;
    limits = server_.limits();
    interval = limits->ping_interval;
    DeliveryBatch batch(worker_);
    if (pings_out_ + 1 > limits->ping_max) {
      QV_LOG_DEBUG(remote_ip_, ":", remote_port_, " - cid:", cid_, " - Stale Client Connection");
      queue_err("Stale Connection", batch);
      close(CloseReason::kStaleConnection);
      signal_writer();
      co_return;
    }
    // Skip the PING when the client was heard from within the interval (it is alive).
    const int64_t idle_ns = steady_now_ns() - last_activity_ns_.load(std::memory_order_relaxed);
    if (idle_ns < std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count() &&
        pings_out_ == 0 && connected_) {
      continue;
    }
    ++pings_out_;
    queue_control("PING\r\n", batch);
    signal_writer();
  }
}

void ClientConnection::process(std::string_view data, DeliveryBatch& batch) {
  while (!data.empty() && !closing_) {
    codec::ParseResult r = parser_.feed(data);
    data.remove_prefix(r.consumed);
    if (r.status == codec::ParseStatus::kOp) {
      if (!handle_op(parser_.op(), batch)) return;
      continue;
    }
    if (r.status == codec::ParseStatus::kNeedMore) return;
    const auto code = static_cast<codec::errc>(parser_.error().value());
    const codec::ProtocolReaction reaction = codec::protocol_reaction(code);
    if (code == codec::errc::kPayloadTooLarge) {
      QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_,
                   " - maximum payload exceeded: limit ", max_payload_);
    } else {
      QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_,
                   " - Client parser ERROR: ", parser_.error().message());
    }
    if (!reaction.err_text.empty()) queue_err(reaction.err_text, batch);
    close(code == codec::errc::kPayloadTooLarge ? CloseReason::kMaxPayload
                                                : CloseReason::kParseError);
    return;
  }
}

bool ClientConnection::handle_op(const codec::Op& op, DeliveryBatch& batch) {
  using codec::OpKind;
  if (!connected_ && op.kind != OpKind::kConnect && server_.auth_required()) {
    queue_err("Authorization Violation", batch);
    close(CloseReason::kAuthViolation);
    return false;
  }
  switch (op.kind) {
    case OpKind::kConnect:
      return handle_connect(op.json, batch);
    case OpKind::kPub:
    case OpKind::kHpub:
      if (op.kind == OpKind::kHpub && !headers_.load(std::memory_order_relaxed)) {
        // nats-server closes without -ERR ("message headers not supported").
        QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_,
                     " - message headers not supported");
        close(CloseReason::kProtocolViolation);
        return false;
      }
      handle_pub(op, batch);
      return !closing_;
    case OpKind::kSub:
      handle_sub(op, batch);
      return true;
    case OpKind::kUnsub:
      handle_unsub(op, batch);
      return true;
    case OpKind::kPing:
      queue_control("PONG\r\n", batch);
      return true;
    case OpKind::kPong:
      pings_out_ = 0;
      return true;
    case OpKind::kInfo:
      // Clients may send INFO; nats-server ignores it but closes on bad JSON.
      if (!codec::parse_info_json(op.json)) {
        close(CloseReason::kParseError);
        return false;
      }
      return true;
    case OpKind::kOk:
      return true;
    case OpKind::kErr:
      QV_LOG_DEBUG(remote_ip_, ":", remote_port_, " - cid:", cid_, " - Client Error: ", op.text);
      close(CloseReason::kParseError);
      return false;
    case OpKind::kMsg:
    case OpKind::kHmsg:
      break;
  }
  queue_err("Unknown Protocol Operation", batch);
  close(CloseReason::kParseError);
  return false;
}

bool ClientConnection::handle_connect(std::string_view json, DeliveryBatch& batch) {
  auto parsed = codec::parse_connect_json(json);
  if (!parsed) {
    QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_, " - invalid CONNECT JSON");
    close(CloseReason::kParseError);
    return false;
  }
  const codec::ConnectOptions& opts = parsed.value();
  if (opts.protocol < 0 || opts.protocol > 1) {
    queue_err("invalid client protocol", batch);
    close(CloseReason::kProtocolViolation);
    return false;
  }
  if (opts.no_responders && !opts.headers) {
    queue_err("no responders requires headers support", batch);
    close(CloseReason::kProtocolViolation);
    return false;
  }
  if (!opts.account.empty() || opts.new_account) {
    queue_err("Authorization Violation", batch);
    close(CloseReason::kAuthViolation);
    return false;
  }
  auto auth = server_.authenticator();
  std::string user;
  std::shared_ptr<const Permissions> permissions;
  if (auth && auth->required()) {
    AuthOutcome outcome = auth->authenticate(opts);
    if (!outcome.ok) {
      QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_,
                   " - authentication error - User \"", opts.user, "\"");
      queue_err("Authorization Violation", batch);
      close(CloseReason::kAuthViolation);
      return false;
    }
    user = std::move(outcome.user);
    permissions = std::move(outcome.permissions);
  }
  verbose_ = opts.verbose;
  pedantic_ = opts.pedantic;
  echo_ = opts.echo;
  no_responders_ = opts.no_responders;
  protocol_ = opts.protocol;
  headers_.store(opts.headers, std::memory_order_relaxed);
  if (permissions_) {
    // A second CONNECT may change users; publishers may still be reading the old permissions.
    worker_.retired.retire(server_.epochs().retire_epoch(),
                           std::const_pointer_cast<Permissions>(permissions_));
  }
  permissions_ = std::move(permissions);
  response_policy_.reset();
  if (permissions_) {
    if (auto responses = permissions_->responses()) {
      response_policy_.emplace(responses->max_msgs, responses->expires);
    }
  }
  {
    std::lock_guard lock(meta_mu_);
    name_ = opts.name;
    lang_ = opts.lang;
    version_ = opts.version;
    user_ = std::move(user);
  }
  connected_ = true;
  if (verbose_) queue_ok(batch);
  return true;
}

void ClientConnection::handle_pub(const codec::Op& op, DeliveryBatch& batch) {
  const uint64_t size = op.headers.size() + op.payload.size();
  // Single writer (this thread): plain stores, no read-modify-write on the hot path.
  in_msgs_.store(in_msgs_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  in_bytes_.store(in_bytes_.load(std::memory_order_relaxed) + size, std::memory_order_relaxed);
  TrafficCounters::bump(worker_.traffic.in_msgs, 1);
  TrafficCounters::bump(worker_.traffic.in_bytes, size);
  if (pedantic_ && !codec::is_valid_literal_subject(op.subject)) {
    // nats-server reports it and still acknowledges and routes the message.
    queue_err("Invalid Publish Subject", batch);
  }
  if (permissions_ && !permissions_->can_publish(op.subject) &&
      !consume_reply_allowance(op.subject)) {
    QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_, " - \"Publish Violation - User \"",
                 user_, "\", Subject \"", op.subject, "\"\"");
    queue_err(log::cat("Permissions Violation for Publish to \"", op.subject, "\""), batch);
    return;
  }
  if (verbose_) queue_ok(batch);
  publish(op.subject, op.reply, op.headers, op.payload, batch);
}

void ClientConnection::publish(std::string_view subject, std::string_view reply,
                               std::string_view headers, std::string_view payload,
                               DeliveryBatch& batch) {
  const std::size_t delivered = route(*account_, subject, reply, headers, payload, batch, this);
  if (delivered == 0 && !reply.empty() && no_responders_ &&
      headers_.load(std::memory_order_relaxed)) {
    send_no_responders(reply, batch);
  }
}

std::size_t ClientConnection::route(Account& account, std::string_view subject,
                                    std::string_view reply, std::string_view headers,
                                    std::string_view payload, DeliveryBatch& batch,
                                    const ClientConnection* sender,
                                    std::string_view match_subject) {
  MatchResultPtr result = account.sublist.match(match_subject.empty() ? subject : match_subject);
  std::size_t delivered = 0;
  for (Subscription* sub : result->plain) {
    if (deliver(sub, subject, reply, headers, payload, batch, sender)) ++delivered;
  }
  for (const QueueGroup& group : result->queues) {
    const std::size_t n = group.members.size();
    if (n == 0) continue;
    // A random member; if it cannot take the message (our own with echo off, closed, or past
    // its max), the next ones in order get a chance.
    const std::size_t start = static_cast<std::size_t>(thread_rng().below(n));
    for (std::size_t i = 0; i < n; ++i) {
      Subscription* sub = group.members[(start + i) % n];
      if (deliver(sub, subject, reply, headers, payload, batch, sender)) {
        ++delivered;
        break;
      }
    }
  }
  return delivered;
}

bool ClientConnection::deliver(Subscription* sub, std::string_view subject, std::string_view reply,
                               std::string_view headers, std::string_view payload,
                               DeliveryBatch& batch, const ClientConnection* sender) {
  if (sub->origin == InterestOrigin::kSystem) {
    return static_cast<InternalSink*>(sub->owner)
        ->on_message(*sub, subject, reply, headers, payload);
  }
  auto* target = static_cast<ClientConnection*>(sub->owner);
  if (target == sender && !sender->echo_) return false;
  if (target->filter_deliveries_.load(std::memory_order_acquire) &&
      !target->permissions_->can_receive(subject)) {
    return false;
  }
  const DeliveryVerdict verdict = sub->claim_delivery();
  if (verdict == DeliveryVerdict::kExhausted) return false;
  const bool ok = target->enqueue_msg(*sub, subject, reply, headers, payload, batch);
  if (verdict == DeliveryVerdict::kDeliverLast) target->auto_unsubscribe_async(sub);
  return ok;
}

bool ClientConnection::enqueue_msg(const Subscription& sub, std::string_view subject,
                                   std::string_view reply, std::string_view headers,
                                   std::string_view payload, DeliveryBatch& batch) {
  // A subscriber that did not ask for headers gets the payload alone, as a plain MSG.
  const bool with_headers = !headers.empty() && headers_.load(std::memory_order_relaxed);
  const std::size_t body = (with_headers ? headers.size() : 0) + payload.size();
  // The control line is formatted before taking the lock (it differs per subscriber only by
  // sid); under the lock we only append. Lines of ordinary size stay on the stack.
  char small_line[256];
  std::string large_line;
  const std::size_t capacity = codec::msg_line_capacity(subject, sub.sid, reply);
  char* line = small_line;
  if (capacity > sizeof(small_line)) {
    large_line.resize(capacity);
    line = large_line.data();
  }
  const std::size_t line_size =
      with_headers ? codec::write_hmsg_line(line, subject, sub.sid, reply, headers.size(), body)
                   : codec::write_msg_line(line, subject, sub.sid, reply, payload.size());
  {
    std::lock_guard lock(out_mu_);
    if (out_closed_) return false;
    out_.append(line, line_size);
    if (with_headers) out_.append(headers);
    out_.append(payload);
    out_.append("\r\n", 2);
    ++out_msgs_;
    out_bytes_ += body;
    if (response_policy_ && !reply.empty()) {
      const auto& [max_msgs, ttl] = *response_policy_;
      const auto expires =
          ttl.count() > 0 ? std::chrono::steady_clock::now() +
                                std::chrono::duration_cast<std::chrono::steady_clock::duration>(ttl)
                          : std::chrono::steady_clock::time_point::max();
      allowed_replies_.insert_or_assign(std::string(reply), ReplyAllowance{max_msgs, expires});
    }
    const std::size_t max_pending = max_pending_.load(std::memory_order_relaxed);
    if (max_pending > 0 && out_.size() + in_flight_ > max_pending) {
      // Slow consumer: drop what is queued and disconnect (nats-server sends no -ERR).
      out_closed_ = true;
      out_.clear();
      out_.shrink_to_fit();
      server_.count_slow_consumer();
      QV_LOG_INFO(remote_ip_, ":", remote_port_, " - cid:", cid_,
                  " - \"Slow Consumer Detected: MaxPending of ", max_pending, " Exceeded\"");
      close_async(CloseReason::kSlowConsumerPending);
      return false;
    }
  }
  TrafficCounters::bump(batch.worker.traffic.out_msgs, 1);
  TrafficCounters::bump(batch.worker.traffic.out_bytes, body);
  if (!flush_pending_.load(std::memory_order_relaxed) &&
      !flush_pending_.exchange(true, std::memory_order_acq_rel)) {
    batch.to_flush.push_back(this);
  }
  return true;
}

void ClientConnection::send_no_responders(std::string_view reply, DeliveryBatch& batch) {
  // The 503 goes to this client's own subscription that covers the reply subject.
  for (const auto& [sid, sub] : subs_) {
    if (codec::subject_matches(sub->subject, reply)) {
      std::string line;
      codec::append_hmsg(line, reply, sid, "", kNoRespondersHeader, "");
      queue_control(line, batch);
      return;
    }
  }
}

bool ClientConnection::consume_reply_allowance(std::string_view subject) {
  if (!response_policy_) return false;
  std::lock_guard lock(out_mu_);
  const auto now = std::chrono::steady_clock::now();
  // Expired allowances are dropped here, so the map never outgrows the requests in flight.
  std::erase_if(allowed_replies_, [now](const auto& entry) { return entry.second.expires <= now; });
  auto it = allowed_replies_.find(std::string(subject));
  if (it == allowed_replies_.end()) return false;
  if (it->second.remaining > 0 && --it->second.remaining == 0) allowed_replies_.erase(it);
  return true;
}

void ClientConnection::handle_sub(const codec::Op& op, DeliveryBatch& batch) {
  if (!codec::is_valid_subject(op.subject) ||
      (!op.queue.empty() && !codec::is_valid_queue_name(op.queue))) {
    queue_err("Invalid Subject", batch);
    return;
  }
  if (max_subscriptions_ > 0 && subs_.size() >= max_subscriptions_) {
    QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_,
                 " - maximum subscriptions exceeded");
    queue_err("maximum subscriptions exceeded", batch);
    return;
  }
  if (permissions_ && !permissions_->can_subscribe(op.subject, op.queue)) {
    std::string text = log::cat("Permissions Violation for Subscription to \"", op.subject, "\"");
    if (!op.queue.empty()) text += log::cat(" using queue \"", op.queue, "\"");
    QV_LOG_ERROR(remote_ip_, ":", remote_port_, " - cid:", cid_, " - \"", text, "\"");
    queue_err(text, batch);
    return;
  }
  std::string sid(op.sid);
  if (subs_.find(sid) != subs_.end()) {
    // nats-server keeps the first subscription for a duplicate sid.
    if (verbose_) queue_ok(batch);
    return;
  }
  auto sub = std::make_shared<Subscription>();
  sub->subject.assign(op.subject);
  sub->queue.assign(op.queue);
  sub->sid = sid;
  sub->origin = InterestOrigin::kClient;
  sub->owner = this;
  sub->owner_id = cid_;
  if (!account_->sublist.insert(sub.get())) {
    queue_err("Invalid Subject", batch);
    return;
  }
  {
    std::lock_guard lock(meta_mu_);
    subs_.emplace(std::move(sid), std::move(sub));
  }
  sub_count_.store(subs_.size(), std::memory_order_relaxed);
  if (permissions_ && !filter_deliveries_.load(std::memory_order_relaxed) &&
      permissions_->needs_delivery_filter(op.subject)) {
    filter_deliveries_.store(true, std::memory_order_release);
  }
  if (verbose_) queue_ok(batch);
}

void ClientConnection::handle_unsub(const codec::Op& op, DeliveryBatch& batch) {
  auto it = subs_.find(std::string(op.sid));
  if (it != subs_.end()) {
    Subscription* sub = it->second.get();
    const uint64_t max = op.max_msgs.value_or(0);
    if (max > 0 && max > sub->delivered.load(std::memory_order_acquire)) {
      sub->max_msgs.store(max, std::memory_order_release);
    } else {
      remove_subscription(it->first);
    }
  }
  if (verbose_) queue_ok(batch);
}

void ClientConnection::remove_subscription(const std::string& sid) {
  auto it = subs_.find(sid);
  if (it == subs_.end()) return;
  account_->sublist.remove(it->second.get());
  worker_.retired.retire(server_.epochs().retire_epoch(), it->second);
  {
    std::lock_guard lock(meta_mu_);
    subs_.erase(it);
  }
  sub_count_.store(subs_.size(), std::memory_order_relaxed);
}

void ClientConnection::auto_unsubscribe_async(Subscription* sub) {
  // The last allowed delivery happened on some publisher's thread; the subscription map is
  // ours, so the removal runs here. The sid may already be gone or reused: compare pointers.
  asio::post(worker_.io, [self = shared_from_this(), sub, sid = sub->sid]() {
    auto it = self->subs_.find(sid);
    if (it != self->subs_.end() && it->second.get() == sub) self->remove_subscription(sid);
  });
}

void ClientConnection::queue_control(std::string_view bytes, DeliveryBatch& batch) {
  {
    std::lock_guard lock(out_mu_);
    if (out_closed_) return;
    out_.append(bytes);
  }
  if (!flush_pending_.load(std::memory_order_relaxed) &&
      !flush_pending_.exchange(true, std::memory_order_acq_rel)) {
    batch.to_flush.push_back(this);
  }
}

void ClientConnection::queue_ok(DeliveryBatch& batch) { queue_control("+OK\r\n", batch); }

void ClientConnection::queue_err(std::string_view text, DeliveryBatch& batch) {
  std::string line;
  codec::append_err(line, text);
  queue_control(line, batch);
}

void ClientConnection::signal_writer() {
  asio::post(worker_.io, [self = shared_from_this()]() {
    self->flush_pending_.store(false, std::memory_order_release);
    self->flush_signal_.cancel();
  });
}

void ClientConnection::close_async(CloseReason reason) {
  asio::post(worker_.io, [self = shared_from_this(), reason]() { self->close(reason); });
}

void ClientConnection::send_async_info_async(std::string info_line) {
  asio::post(worker_.io, [self = shared_from_this(), line = std::move(info_line)]() {
    if (self->closing_ || self->protocol_ < 1) return;
    DeliveryBatch batch(self->worker_);
    self->queue_control(line, batch);
    self->signal_writer();
  });
}

void ClientConnection::close(CloseReason reason) {
  if (closing_) return;
  closing_ = true;
  close_reason_ = reason;
  // Unpublish every subscription, then retire them and this connection together: publishers on
  // other workers may still hold pointers from an earlier match.
  std::vector<Subscription*> subs;
  subs.reserve(subs_.size());
  for (auto& [sid, sub] : subs_) subs.push_back(sub.get());
  account_->sublist.remove_batch(subs);
  const uint64_t epoch = server_.epochs().retire_epoch();
  for (auto& [sid, sub] : subs_) worker_.retired.retire(epoch, sub);
  worker_.retired.retire(epoch, shared_from_this());
  {
    std::lock_guard lock(meta_mu_);
    subs_.clear();
  }
  sub_count_.store(0, std::memory_order_relaxed);
  {
    std::lock_guard lock(out_mu_);
    if (reason == CloseReason::kSlowConsumerPending ||
        reason == CloseReason::kSlowConsumerWriteDeadline) {
      out_.clear();
    }
    out_closed_ = true;
  }
  boost::system::error_code ignored;
  // Wake the reader (EOF) and the timer; the writer flushes what is queued, then closes.
  socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
  timer_.cancel();
  flush_signal_.cancel();
  server_.on_closed(cid_, reason);
}

ConnectionInfo ClientConnection::info(bool with_subjects) const {
  ConnectionInfo info;
  info.cid = cid_;
  info.ip = remote_ip_;
  info.port = remote_port_;
  info.start = start_time_;
  info.last_activity = std::chrono::steady_clock::time_point(
      std::chrono::nanoseconds(last_activity_ns_.load(std::memory_order_relaxed)));
  {
    std::lock_guard lock(meta_mu_);
    info.name = name_;
    info.lang = lang_;
    info.version = version_;
    info.user = user_;
    if (with_subjects) {
      info.subjects.reserve(subs_.size());
      for (const auto& [sid, sub] : subs_) info.subjects.push_back(sub->subject);
    }
  }
  info.in_msgs = in_msgs_.load(std::memory_order_relaxed);
  info.in_bytes = in_bytes_.load(std::memory_order_relaxed);
  info.subscriptions = sub_count_.load(std::memory_order_relaxed);
  {
    std::lock_guard lock(out_mu_);
    info.out_msgs = out_msgs_;
    info.out_bytes = out_bytes_;
    info.pending_bytes = out_.size() + in_flight_;
  }
  return info;
}

}  // namespace quiver::server::net
