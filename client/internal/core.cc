#include "client/internal/core.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>
#include <limits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/errors.h"
#include "client/internal/nuid.h"
#include "codec/encoder.h"
#include "codec/headers.h"
#include "codec/subject.h"
#include "common/log.h"

namespace quiver::client::internal {
namespace {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view kLang = "cpp";
constexpr std::string_view kVersion = "0.1.0";
constexpr std::size_t kReadBufferSize = 64 * 1024;
// A writer buffer that grew past this during a burst is released instead of kept. Releasing
// smaller ones costs page faults on every refill under sustained load (seen in profiles).
constexpr std::size_t kKeepBufferCapacity = 32 * 1024 * 1024;
// Server → client control lines carry subject, sid and reply: allow more than the server's
// 4 KiB limit on what clients send. Payload sizes are the server's business.
constexpr codec::ParserLimits kParserLimits{64 * 1024, -1};
constexpr std::int64_t kUnknownMaxPayload = std::numeric_limits<std::int64_t>::max();

std::optional<std::uint64_t> parse_sid(std::string_view sid) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(sid.data(), sid.data() + sid.size(), value);
  if (ec != std::errc() || ptr != sid.data() + sid.size()) return std::nullopt;
  return value;
}

bool contains_ci(std::string_view text, std::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

}  // namespace

struct Core::Link {
  std::unique_ptr<Transport> transport;
  ServerUrl url;
  bool dead = false;            // lose() ran: every loop of this link is on its way out
  bool handshake_done = false;  // the connect timeout no longer applies
  bool timed_out = false;
};

Core::Core(asio::any_io_executor executor)
    : io_executor_(std::move(executor)),
      strand_(asio::make_strand(io_executor_)),
      events_strand_(asio::make_strand(io_executor_)),
      parser_(codec::Role::kClient, kParserLimits),
      rbuf_(kReadBufferSize),
      wake_(strand_, asio::steady_timer::time_point::max()),
      ping_timer_(strand_),
      reconnect_timer_(strand_),
      connect_timer_(strand_),
      drain_timer_(strand_),
      max_payload_(kUnknownMaxPayload) {}

Core::~Core() = default;

// ---------------------------------------------------------------------------------------------
// Operations (entry points post onto the strand).

void Core::start_connect(Options options, VoidCompletion done) {
  asio::post(strand_, [self = shared_from_this(), options = std::move(options),
                       done = std::move(done)]() mutable {
    self->do_connect(std::move(options), std::move(done));
  });
}

void Core::do_connect(Options options, VoidCompletion done) {
  if (started_ || closing_) {
    done.complete(closing_ ? errc::kConnectionClosed : errc::kInvalidState);
    return;
  }
  started_ = true;
  options_ = std::move(options);
  if (!options_.transport_factory) options_.transport_factory = tcp_transport_factory();
  if (options_.on_event) {
    on_event_ = std::make_shared<const std::function<void(const Event&)>>(options_.on_event);
  }
  rng_.seed(options_.random_seed != 0
                ? options_.random_seed
                : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}());
  resp_prefix_ = internal::new_inbox(options_.inbox_prefix) + ".";
  {
    std::lock_guard lock(out_mu_);
    reconnect_limit_ = options_.reconnect_buffer_bytes;
    write_limit_ = options_.write_buffer_limit;
  }
  {
    std::lock_guard lock(info_mu_);
    inbox_prefix_ = options_.inbox_prefix;
  }
  if (auto ok = pool_.init(options_.servers, !options_.no_randomize, rng_); !ok) {
    finish_close(ok.error(), false);
    done.complete(ok.error());
    return;
  }
  {
    std::lock_guard lock(info_mu_);
    servers_ = pool_.display_urls();
  }
  status_.store(Status::kConnecting, std::memory_order_release);
  loop_running_ = true;
  asio::co_spawn(strand_, main_loop(shared_from_this(), std::move(done)),
                 [self = shared_from_this()](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     QV_LOG_ERROR("client: connection loop failed: ", ex.what());
                   } catch (...) {
                     QV_LOG_ERROR("client: connection loop failed");
                   }
                   self->loop_running_ = false;
                   if (self->link_) self->lose(*self->link_, errc::kConnectionClosed);
                   self->finish_close(errc::kConnectionClosed, true);
                 });
}

std::error_code Core::check_usable() const {
  if (closing_ || closed_) return errc::kConnectionClosed;
  if (!started_) return errc::kNotConnected;
  if (draining_) return errc::kDraining;
  return {};
}

std::error_code Core::publish(std::string_view subject, std::string_view reply,
                              const codec::Headers* headers, std::string_view data,
                              bool* above_limit) {
  if (!codec::is_valid_subject(subject)) return errc::kBadSubject;
  if (!reply.empty() && !codec::is_valid_subject(reply)) return errc::kBadSubject;
  std::string header_block;
  if (headers != nullptr) {
    if (!headers_ok_.load(std::memory_order_relaxed)) return errc::kHeadersNotSupported;
    header_block = codec::encode_headers(*headers);
  }
  const std::size_t size = header_block.size() + data.size();
  if (static_cast<std::int64_t>(size) > max_payload_.load(std::memory_order_relaxed)) {
    return errc::kMaxPayload;
  }
  bool wake = false;
  {
    std::lock_guard lock(out_mu_);
    switch (mode_) {
      case WriteMode::kNotConnected:
        return errc::kNotConnected;
      case WriteMode::kClosed:
        return errc::kConnectionClosed;
      case WriteMode::kBuffer:
        if (reconnect_limit_ == 0) return errc::kDisconnected;
        break;
      case WriteMode::kSocket:
        if (above_limit == nullptr && out_.size() >= write_limit_) return errc::kWriteBufferFull;
        break;
    }
    const std::size_t before = out_.size();
    if (headers != nullptr) {
      codec::append_hpub(out_, subject, reply, header_block, data);
    } else {
      codec::append_pub(out_, subject, reply, data);
    }
    if (mode_ == WriteMode::kBuffer && out_.size() > reconnect_limit_) {
      out_.resize(before);
      return errc::kReconnectBufferExceeded;
    }
    ++out_msgs_;
    out_bytes_ += size;
    if (above_limit != nullptr) {
      *above_limit = mode_ == WriteMode::kSocket && out_.size() > write_limit_;
    }
    if (writer_waiting_ && !wake_posted_) {
      wake_posted_ = true;
      wake = true;
    }
  }
  if (wake) {
    // From the strand (requests) the writer can be woken directly; from elsewhere the timer
    // may only be touched on the strand.
    if (strand_.running_in_this_thread()) {
      wake_.cancel();
    } else {
      asio::post(strand_, [self = shared_from_this()] { self->wake_.cancel(); });
    }
  }
  return {};
}

void Core::start_publish_wait(VoidCompletion done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->do_publish_wait(std::move(done));
  });
}

void Core::do_publish_wait(VoidCompletion done) {
  if (closed_) {
    done.complete(errc::kConnectionClosed);
    return;
  }
  {
    std::lock_guard lock(out_mu_);
    if (mode_ != WriteMode::kSocket || out_.size() <= write_limit_) {
      done.complete(std::error_code{});
      return;
    }
  }
  space_waiters_.push_back(std::move(done));
}

void Core::wake_space_waiters() {
  if (space_waiters_.empty()) return;
  {
    std::lock_guard lock(out_mu_);
    if (mode_ == WriteMode::kSocket && out_.size() > write_limit_) return;
  }
  for (auto& waiter : std::exchange(space_waiters_, {})) waiter.complete(std::error_code{});
}

void Core::start_flush(std::chrono::milliseconds timeout, VoidCompletion done) {
  asio::post(strand_, [self = shared_from_this(), timeout, done = std::move(done)]() mutable {
    self->do_flush(timeout, std::move(done));
  });
}

void Core::do_flush(std::chrono::milliseconds timeout, VoidCompletion done) {
  if (closing_ || closed_) {
    done.complete(errc::kConnectionClosed);
    return;
  }
  if (!started_) {
    done.complete(errc::kNotConnected);
    return;
  }
  const std::uint64_t id = ++next_id_;
  std::weak_ptr<Core> weak = weak_from_this();
  if (auto slot = done.slot(); slot.is_connected()) {
    slot.assign([weak, id, strand = strand_](asio::cancellation_type) {
      asio::post(strand, [weak, id] {
        if (auto self = weak.lock()) self->finish_flush(id, aborted());
      });
    });
  }
  auto timer = std::make_unique<asio::steady_timer>(strand_, timeout);
  timer->async_wait([weak, id](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->finish_flush(id, errc::kTimeout);
  });
  flushes_.emplace(id, PendingFlush{std::move(done), std::move(timer)});
  pongs_.push_back(PongEntry{PongEntry::Kind::kFlush, id, nullptr});
  // When disconnected, activate() sends the PING after the reconnect.
  append_control("PING\r\n");
}

void Core::finish_flush(std::uint64_t id, std::error_code ec) {
  const auto it = flushes_.find(id);
  if (it == flushes_.end()) return;
  auto pending = std::move(it->second);
  flushes_.erase(it);
  pending.timer->cancel();
  pending.done.complete(ec);
}

void Core::start_subscribe(std::string subject, std::string queue, SubscribeOptions options,
                           MessageHandler callback, SubCompletion done) {
  options.queue = {};
  asio::post(strand_,
             [self = shared_from_this(), subject = std::move(subject), queue = std::move(queue),
              options, callback = std::move(callback), done = std::move(done)]() mutable {
               self->do_subscribe(std::move(subject), std::move(queue), options,
                                  std::move(callback), std::move(done));
             });
}

void Core::do_subscribe(std::string subject, std::string queue, SubscribeOptions options,
                        MessageHandler callback, SubCompletion done) {
  std::error_code ec = check_usable();
  if (!ec && !codec::is_valid_subject(subject)) ec = errc::kBadSubject;
  if (!ec && !queue.empty() && !codec::is_valid_queue_name(queue)) ec = errc::kBadQueue;
  if (ec) {
    done.complete(ec, Subscription());
    return;
  }
  const std::uint64_t sid = ++next_sid_;
  auto sub = std::make_shared<SubState>(sid, std::move(subject), std::move(queue), options,
                                        std::move(callback), io_executor_, weak_from_this());
  sub->max_msgs = options.max_msgs;
  subs_.emplace(sid, sub);
  std::string bytes;
  const std::string sid_text = std::to_string(sid);
  codec::append_sub(bytes, sub->subject(), sub->queue(), sid_text);
  if (sub->max_msgs > 0) codec::append_unsub(bytes, sid_text, sub->max_msgs);
  append_control(bytes);
  done.complete(std::error_code{}, Subscription(std::move(sub)));
}

void Core::unsubscribe(std::shared_ptr<SubState> sub, std::uint64_t max_msgs) {
  asio::post(strand_, [self = shared_from_this(), sub = std::move(sub), max_msgs] {
    self->do_unsubscribe(sub, max_msgs);
  });
}

void Core::do_unsubscribe(const std::shared_ptr<SubState>& sub, std::uint64_t max_msgs) {
  const auto it = subs_.find(sub->sid());
  if (it == subs_.end() || it->second != sub) return;
  std::string bytes;
  const std::string sid_text = std::to_string(sub->sid());
  if (max_msgs > 0 && sub->received < max_msgs) {
    sub->max_msgs = max_msgs;
    codec::append_unsub(bytes, sid_text, max_msgs);
    append_control(bytes);
    return;
  }
  subs_.erase(it);
  codec::append_unsub(bytes, sid_text, std::nullopt);
  append_control(bytes);
  // Reaching an auto-unsubscribe limit keeps what was received; unsubscribe() drops it.
  sub->finish(errc::kSubscriptionClosed, max_msgs == 0);
}

void Core::drain_subscription(std::shared_ptr<SubState> sub, VoidCompletion done) {
  asio::post(strand_,
             [self = shared_from_this(), sub = std::move(sub), done = std::move(done)]() mutable {
               self->do_drain_subscription(sub, std::move(done));
             });
}

void Core::do_drain_subscription(const std::shared_ptr<SubState>& sub, VoidCompletion done) {
  const auto it = subs_.find(sub->sid());
  if (it != subs_.end() && it->second == sub && !sub->draining) {
    sub->draining = true;
    std::string bytes;
    codec::append_unsub(bytes, std::to_string(sub->sid()), std::nullopt);
    append_control(bytes);
    // Messages the server sent before it saw the UNSUB arrive before the PONG.
    pongs_.push_back(
        PongEntry{PongEntry::Kind::kInternal, 0, [weak = weak_from_this(), sub](std::error_code) {
                    if (auto self = weak.lock()) {
                      const auto found = self->subs_.find(sub->sid());
                      if (found != self->subs_.end() && found->second == sub) {
                        self->subs_.erase(found);
                      }
                    }
                    sub->finish(errc::kSubscriptionClosed, false);
                  }});
    append_control("PING\r\n");
  }
  auto shared_done = std::make_shared<VoidCompletion>(std::move(done));
  sub->when_drained([shared_done] { shared_done->complete(std::error_code{}); });
}

void Core::start_request(std::string subject, std::string data, std::chrono::milliseconds timeout,
                         std::optional<codec::Headers> headers, MsgCompletion done) {
  asio::post(strand_,
             [self = shared_from_this(), subject = std::move(subject), data = std::move(data),
              timeout, headers = std::move(headers), done = std::move(done)]() mutable {
               self->do_request(std::move(subject), std::move(data), timeout, std::move(headers),
                                std::move(done));
             });
}

void Core::do_request(std::string subject, std::string data, std::chrono::milliseconds timeout,
                      std::optional<codec::Headers> headers, MsgCompletion done) {
  if (auto ec = check_usable()) {
    done.complete(ec, Message{});
    return;
  }
  if (!resp_sub_) {
    const std::uint64_t sid = ++next_sid_;
    resp_sub_ = std::make_shared<SubState>(sid, resp_prefix_ + "*", "", SubscribeOptions{}, nullptr,
                                           io_executor_, weak_from_this());
    resp_sub_->mux = true;
    subs_.emplace(sid, resp_sub_);
    std::string bytes;
    codec::append_sub(bytes, resp_sub_->subject(), "", std::to_string(sid));
    append_control(bytes);
  }
  std::string token = std::to_string(++next_token_);
  const std::string reply = resp_prefix_ + token;
  bool above_limit = false;
  if (auto ec = publish(subject, reply, headers ? &*headers : nullptr, data, &above_limit)) {
    done.complete(ec, Message{});
    return;
  }
  std::weak_ptr<Core> weak = weak_from_this();
  if (auto slot = done.slot(); slot.is_connected()) {
    slot.assign([weak, token, strand = strand_](asio::cancellation_type) {
      asio::post(strand, [weak, token] {
        if (auto self = weak.lock()) self->finish_request(token, aborted());
      });
    });
  }
  auto timer = std::make_unique<asio::steady_timer>(strand_, timeout);
  timer->async_wait([weak, token](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->finish_request(token, errc::kTimeout);
  });
  requests_.emplace(std::move(token), PendingRequest{std::move(done), std::move(timer)});
}

void Core::finish_request(const std::string& token, std::error_code ec) {
  const auto it = requests_.find(token);
  if (it == requests_.end()) return;
  auto pending = std::move(it->second);
  requests_.erase(it);
  pending.timer->cancel();
  pending.done.complete(ec, Message{});
}

void Core::start_drain(VoidCompletion done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->do_drain(std::move(done));
  });
}

void Core::do_drain(VoidCompletion done) {
  if (auto ec = check_usable()) {
    done.complete(ec);
    return;
  }
  draining_ = true;
  status_.store(Status::kDraining, std::memory_order_release);
  drain_done_ = std::move(done);
  drain_timer_.expires_after(options_.drain_timeout);
  drain_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->drain_error_ = errc::kTimeout;
      self->begin_close();
    }
  });
  std::vector<std::shared_ptr<SubState>> subs;
  std::string bytes;
  for (auto& [sid, sub] : subs_) {
    if (sub->mux || sub->draining) continue;
    sub->draining = true;
    codec::append_unsub(bytes, std::to_string(sid), std::nullopt);
    subs.push_back(sub);
  }
  append_control(bytes);
  pongs_.push_back(PongEntry{PongEntry::Kind::kInternal, 0,
                             [weak = weak_from_this(), subs = std::move(subs)](std::error_code) {
                               auto self = weak.lock();
                               if (!self) return;
                               for (const auto& sub : subs) {
                                 const auto found = self->subs_.find(sub->sid());
                                 if (found != self->subs_.end() && found->second == sub)
                                   self->subs_.erase(found);
                                 sub->finish(errc::kSubscriptionClosed, false);
                               }
                               if (self->closing_) return;
                               if (subs.empty()) {
                                 self->drain_flush_step();
                                 return;
                               }
                               auto remaining = std::make_shared<std::size_t>(subs.size());
                               for (const auto& sub : subs) {
                                 sub->when_drained([weak, remaining, strand = self->strand_] {
                                   asio::post(strand, [weak, remaining] {
                                     auto core = weak.lock();
                                     if (core && --*remaining == 0) core->drain_flush_step();
                                   });
                                 });
                               }
                             }});
  append_control("PING\r\n");
}

void Core::drain_flush_step() {
  if (closing_) return;
  // Every subscription is drained; one more round trip pushes out what was published.
  pongs_.push_back(
      PongEntry{PongEntry::Kind::kInternal, 0, [weak = weak_from_this()](std::error_code) {
                  if (auto self = weak.lock()) self->begin_close();
                }});
  append_control("PING\r\n");
}

void Core::start_close(VoidCompletion done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    if (self->closed_) {
      if (done) done.complete(std::error_code{});
      return;
    }
    if (done) self->close_waiters_.push_back(std::move(done));
    self->begin_close();
  });
}

void Core::report_callback_error(std::uint64_t sid, std::string subject, std::string what) {
  asio::post(strand_, [self = shared_from_this(), sid, subject = std::move(subject),
                       what = std::move(what)]() mutable {
    Event event;
    event.type = EventType::kError;
    event.error = errc::kCallbackFailed;
    event.sid = sid;
    event.subject = std::move(subject);
    event.text = std::move(what);
    self->emit(std::move(event));
  });
}

// ---------------------------------------------------------------------------------------------
// Lifecycle.

asio::awaitable<void> Core::main_loop(std::shared_ptr<Core> self, VoidCompletion done) {
  // Initial connect: every server once, in pool order.
  std::shared_ptr<Link> link;
  std::error_code last = errc::kNoServers;
  const std::size_t initial = self->pool_.size();
  for (std::size_t i = 0; i < initial && !self->closing_; ++i) {
    ServerPool::Entry& entry = self->pool_.at(i);
    entry.last_attempt = std::chrono::steady_clock::now();
    auto [ec, attempt] = co_await self->try_server(entry.url);
    if (!ec) {
      self->pool_.at(i).attempts = 0;
      self->activate(attempt, attempt->url);
      link = std::move(attempt);
      break;
    }
    last = ec;
  }
  if (!link) {
    if (self->closing_) last = errc::kConnectionClosed;
    self->loop_running_ = false;
    self->finish_close(last, false);
    done.complete(last);
    co_return;
  }
  self->ever_connected_ = true;
  done.complete(std::error_code{});

  for (;;) {
    co_await self->serve(link);
    self->link_.reset();
    if (self->closing_) break;
    const ServerUrl lost = link->url;
    self->on_disconnected();
    if (!self->options_.allow_reconnect) {
      self->final_error_ = self->loss_error_;
      break;
    }
    self->pool_.move_to_back(lost.host, lost.port);
    link = co_await self->reconnect();
    if (!link) break;
    self->reconnects_.fetch_add(1, std::memory_order_relaxed);
    Event event;
    event.type = EventType::kReconnected;
    event.server = link->url.display();
    self->emit(std::move(event));
  }
  self->loop_running_ = false;
  self->finish_close(self->close_requested_ ? std::error_code{} : self->final_error_, true);
}

asio::awaitable<std::pair<std::error_code, std::shared_ptr<Core::Link>>> Core::try_server(
    ServerUrl url) {
  auto link = std::make_shared<Link>();
  link->transport = options_.transport_factory(strand_);
  link->url = std::move(url);
  attempt_ = link;
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([link](boost::system::error_code ec) {
    if (ec || link->handshake_done) return;
    link->timed_out = true;
    link->transport->close();
  });
  std::error_code ec = co_await link->transport->connect(link->url.host, link->url.port);
  if (!ec) ec = co_await handshake(*link, link->url);
  link->handshake_done = true;
  connect_timer_.cancel();
  attempt_.reset();
  if (ec && link->timed_out) ec = errc::kTimeout;
  if (!ec && closing_) ec = errc::kConnectionClosed;
  if (ec) {
    link->transport->close();
    co_return std::pair<std::error_code, std::shared_ptr<Link>>{ec, nullptr};
  }
  co_return std::pair<std::error_code, std::shared_ptr<Link>>{ec, std::move(link)};
}

asio::awaitable<std::error_code> Core::next_op(Link& link) {
  for (;;) {
    if (rpos_ < rend_) {
      const auto [consumed, status] =
          parser_.feed(std::string_view(rbuf_.data() + rpos_, rend_ - rpos_));
      rpos_ += consumed;
      if (status == codec::ParseStatus::kOp) co_return std::error_code{};
      if (status == codec::ParseStatus::kError) co_return errc::kProtocol;
    }
    rpos_ = rend_ = 0;
    auto [ec, n] = co_await link.transport->read_some(asio::buffer(rbuf_));
    if (ec) co_return ec;
    rend_ = n;
  }
}

asio::awaitable<std::error_code> Core::handshake(Link& link, const ServerUrl& url) {
  parser_ = codec::Parser(codec::Role::kClient, kParserLimits);
  rpos_ = rend_ = 0;
  if (auto ec = co_await next_op(link)) co_return ec;
  if (parser_.op().kind != codec::OpKind::kInfo) co_return errc::kProtocol;
  auto info = codec::parse_info_json(parser_.op().json);
  if (!info) co_return errc::kProtocol;
  if (info.value().tls_required) co_return errc::kTlsNotSupported;
  apply_info(info.value());

  std::string out;
  codec::append_connect(out, connect_json(info.value(), url));
  codec::append_ping(out);
  if (auto ec = co_await link.transport->write(asio::buffer(out))) co_return ec;

  for (;;) {
    if (auto ec = co_await next_op(link)) co_return ec;
    const codec::Op& op = parser_.op();
    switch (op.kind) {
      case codec::OpKind::kPong:
        co_return std::error_code{};
      case codec::OpKind::kErr: {
        const std::string text(op.text);
        Event event;
        event.type = EventType::kError;
        event.server = url.display();
        event.text = text;
        const bool auth = contains_ci(text, "authorization") || contains_ci(text, "authentication");
        event.error = auth ? errc::kAuthorization : errc::kServerError;
        const std::error_code ec = event.error;
        emit(std::move(event));
        co_return ec;
      }
      case codec::OpKind::kInfo:
        if (auto update = codec::parse_info_json(op.json)) apply_info(update.value());
        break;
      case codec::OpKind::kPing: {
        static constexpr std::string_view kPong = "PONG\r\n";
        if (auto ec = co_await link.transport->write(asio::buffer(kPong))) co_return ec;
        break;
      }
      case codec::OpKind::kOk:
        break;
      default:
        co_return errc::kProtocol;
    }
  }
}

std::string Core::connect_json(const codec::ServerInfo& info, const ServerUrl& url) const {
  codec::ConnectOptions c;
  c.verbose = false;
  c.pedantic = false;
  c.echo = !options_.no_echo;
  c.name = options_.name;
  c.lang = kLang;
  c.version = kVersion;
  c.protocol = 1;
  c.headers = info.headers;
  c.no_responders = info.headers;
  if (!url.user.empty() || !url.password.empty()) {
    c.user = url.user;
    c.pass = url.password;
  } else if (!url.token.empty()) {
    c.auth_token = url.token;
  } else if (!options_.token.empty()) {
    c.auth_token = options_.token;
  } else {
    c.user = options_.user;
    c.pass = options_.password;
  }
  return codec::encode_connect_json(c);
}

void Core::apply_info(const codec::ServerInfo& info) {
  if (info.max_payload > 0) max_payload_.store(info.max_payload, std::memory_order_relaxed);
  headers_ok_.store(info.headers, std::memory_order_relaxed);
  std::vector<std::string> added;
  if (!options_.ignore_discovered_servers && !info.connect_urls.empty()) {
    added = pool_.add_discovered(info.connect_urls, !options_.no_randomize, rng_);
  }
  {
    std::lock_guard lock(info_mu_);
    info_ = info;
    if (!added.empty()) servers_ = pool_.display_urls();
  }
  if (!added.empty() && ever_connected_) {
    Event event;
    event.type = EventType::kServersDiscovered;
    event.servers = std::move(added);
    emit(std::move(event));
  }
  if (info.ldm) {
    Event event;
    event.type = EventType::kLameDuck;
    std::lock_guard lock(info_mu_);
    event.server = url_;
    emit(std::move(event));
  }
}

asio::awaitable<std::shared_ptr<Core::Link>> Core::reconnect() {
  status_.store(draining_ ? Status::kDraining : Status::kReconnecting, std::memory_order_release);
  while (!closing_) {
    if (pool_.empty()) {
      final_error_ = errc::kNoServers;
      co_return nullptr;
    }
    ServerPool::Entry& entry = pool_.rotate();
    if (options_.max_reconnect_attempts >= 0 && entry.attempts >= options_.max_reconnect_attempts) {
      pool_.remove_back();
      std::lock_guard lock(info_mu_);
      servers_ = pool_.display_urls();
      continue;
    }
    const auto due = entry.last_attempt + reconnect_delay(options_, entry.attempts, rng_);
    const ServerUrl url = entry.url;
    if (due > std::chrono::steady_clock::now()) {
      reconnect_timer_.expires_at(due);
      co_await reconnect_timer_.async_wait(kTuple);
      if (closing_) co_return nullptr;
    }
    // The pool only grows at the back while we wait or hand-shake, and rotate() put this entry
    // there: find it again rather than trust the reference across suspensions.
    auto find = [&]() -> ServerPool::Entry* {
      for (std::size_t i = 0; i < pool_.size(); ++i) {
        auto& e = pool_.at(i);
        if (e.url.host == url.host && e.url.port == url.port) return &e;
      }
      return nullptr;
    };
    if (auto* e = find()) e->last_attempt = std::chrono::steady_clock::now();
    auto [ec, link] = co_await try_server(url);
    auto* e = find();
    if (!ec) {
      if (e != nullptr) e->attempts = 0;
      activate(link, url);
      co_return link;
    }
    if (e != nullptr) ++e->attempts;
    final_error_ = ec;
  }
  co_return nullptr;
}

void Core::activate(const std::shared_ptr<Link>& link, const ServerUrl& url) {
  link_ = link;
  std::string prefix;
  for (const auto& [sid, sub] : subs_) {
    if (sub->draining) continue;
    const std::string sid_text = std::to_string(sid);
    codec::append_sub(prefix, sub->subject(), sub->queue(), sid_text);
    if (sub->max_msgs > 0) codec::append_unsub(prefix, sid_text, sub->max_msgs - sub->received);
  }
  pings_out_ = 0;
  {
    std::lock_guard lock(out_mu_);
    out_.insert(0, prefix);
    for (std::size_t i = 0; i < pongs_.size(); ++i) codec::append_ping(out_);
    mode_ = WriteMode::kSocket;
    writer_waiting_ = false;
    wake_posted_ = false;
    std::lock_guard info_lock(info_mu_);
    url_ = url.display();
  }
  status_.store(draining_ ? Status::kDraining : Status::kConnected, std::memory_order_release);
}

asio::awaitable<void> Core::serve(std::shared_ptr<Link> link) {
  using namespace asio::experimental::awaitable_operators;  // NOLINT
  // Each loop calls lose() on its way out, which stops the other two.
  co_await (read_loop(link) && write_loop(link) && ping_loop(link));
}

asio::awaitable<void> Core::read_loop(std::shared_ptr<Link> link) {
  if (rpos_ < rend_) {
    process(*link, std::string_view(rbuf_.data() + rpos_, rend_ - rpos_));
  }
  rpos_ = rend_ = 0;
  while (!link->dead) {
    auto [ec, n] = co_await link->transport->read_some(asio::buffer(rbuf_));
    if (ec) {
      lose(*link, ec);
      break;
    }
    process(*link, std::string_view(rbuf_.data(), n));
  }
}

asio::awaitable<void> Core::write_loop(std::shared_ptr<Link> link) {
  std::string batch;
  while (!link->dead) {
    bool idle = false;
    {
      std::lock_guard lock(out_mu_);
      if (out_.empty()) {
        writer_waiting_ = true;
        idle = true;
      } else {
        batch.swap(out_);
      }
    }
    if (idle) {
      co_await wake_.async_wait(kTuple);
      std::lock_guard lock(out_mu_);
      writer_waiting_ = false;
      wake_posted_ = false;
      continue;
    }
    const std::error_code ec = co_await link->transport->write(asio::buffer(batch));
    if (ec) {
      lose(*link, ec);
      break;
    }
    if (batch.capacity() > kKeepBufferCapacity) {
      std::string().swap(batch);
    } else {
      batch.clear();
    }
    wake_space_waiters();
  }
  std::lock_guard lock(out_mu_);
  writer_waiting_ = false;
}

asio::awaitable<void> Core::ping_loop(std::shared_ptr<Link> link) {
  if (options_.ping_interval.count() <= 0) co_return;  // keepalive disabled
  while (!link->dead) {
    ping_timer_.expires_after(options_.ping_interval);
    auto [ec] = co_await ping_timer_.async_wait(kTuple);
    if (link->dead || ec) break;
    if (pings_out_ >= options_.max_pings_out) {
      Event event;
      event.type = EventType::kError;
      event.error = errc::kStaleConnection;
      event.server = link->url.display();
      emit(std::move(event));
      lose(*link, errc::kStaleConnection);
      break;
    }
    ++pings_out_;
    pongs_.push_back(PongEntry{PongEntry::Kind::kKeepalive, 0, nullptr});
    append_control("PING\r\n");
  }
}

void Core::lose(Link& link, std::error_code ec) {
  if (link.dead) return;
  link.dead = true;
  loss_error_ = ec;
  link.transport->close();
  wake_.cancel();
  ping_timer_.cancel();
}

void Core::on_disconnected() {
  // Keepalive PINGs die with the link; flushes and drains wait for the next one.
  std::erase_if(pongs_, [](const PongEntry& e) { return e.kind == PongEntry::Kind::kKeepalive; });
  {
    std::lock_guard lock(out_mu_);
    // Unsent bytes may end in a partial op for a server that is gone: drop them.
    out_.clear();
    mode_ = options_.allow_reconnect ? WriteMode::kBuffer : WriteMode::kClosed;
  }
  status_.store(draining_ ? Status::kDraining : Status::kReconnecting, std::memory_order_release);
  Event event;
  event.type = EventType::kDisconnected;
  event.error = loss_error_;
  {
    std::lock_guard lock(info_mu_);
    event.server = url_;
  }
  emit(std::move(event));
}

void Core::begin_close() {
  if (closing_ || closed_) return;
  closing_ = true;
  close_requested_ = true;
  if (!loop_running_) {
    finish_close({}, started_);
    return;
  }
  if (link_) lose(*link_, errc::kConnectionClosed);
  if (attempt_) attempt_->transport->close();
  reconnect_timer_.cancel();
}

void Core::finish_close(std::error_code error, bool emit_closed) {
  if (closed_) return;
  closed_ = true;
  closing_ = true;
  status_.store(Status::kClosed, std::memory_order_release);
  {
    std::lock_guard lock(out_mu_);
    mode_ = WriteMode::kClosed;
    std::string().swap(out_);
  }
  wake_.cancel();
  ping_timer_.cancel();
  reconnect_timer_.cancel();
  connect_timer_.cancel();
  drain_timer_.cancel();

  for (auto& [id, pending] : std::exchange(flushes_, {})) {
    pending.timer->cancel();
    pending.done.complete(errc::kConnectionClosed);
  }
  for (auto& entry : std::exchange(pongs_, {})) {
    if (entry.fn) entry.fn(errc::kConnectionClosed);
  }
  for (auto& [token, pending] : std::exchange(requests_, {})) {
    pending.timer->cancel();
    pending.done.complete(errc::kConnectionClosed, Message{});
  }
  for (auto& [sid, sub] : std::exchange(subs_, {})) {
    sub->finish(errc::kConnectionClosed, true);
  }
  resp_sub_.reset();
  for (auto& waiter : std::exchange(space_waiters_, {})) waiter.complete(errc::kConnectionClosed);
  if (drain_done_) drain_done_.complete(drain_error_);
  if (emit_closed) {
    Event event;
    event.type = EventType::kClosed;
    event.error = error;
    emit(std::move(event));
  }
  for (auto& waiter : std::exchange(close_waiters_, {})) waiter.complete(std::error_code{});
}

// ---------------------------------------------------------------------------------------------
// Input.

void Core::process(Link& link, std::string_view data) {
  while (!data.empty() && !link.dead) {
    const auto [consumed, status] = parser_.feed(data);
    data.remove_prefix(consumed);
    if (status == codec::ParseStatus::kOp) {
      handle_op(link, parser_.op());
    } else if (status == codec::ParseStatus::kError) {
      Event event;
      event.type = EventType::kError;
      event.error = errc::kProtocol;
      event.text = parser_.error().message();
      event.server = link.url.display();
      emit(std::move(event));
      lose(link, errc::kProtocol);
    }
  }
}

void Core::handle_op(Link& link, const codec::Op& op) {
  switch (op.kind) {
    case codec::OpKind::kMsg:
    case codec::OpKind::kHmsg:
      deliver(op);
      break;
    case codec::OpKind::kPing:
      append_control("PONG\r\n");
      break;
    case codec::OpKind::kPong:
      on_pong();
      break;
    case codec::OpKind::kInfo:
      if (auto info = codec::parse_info_json(op.json)) apply_info(info.value());
      break;
    case codec::OpKind::kErr:
      on_server_error(link, op.text);
      break;
    case codec::OpKind::kOk:
      break;
    default:
      lose(link, errc::kProtocol);
      break;
  }
}

void Core::deliver(const codec::Op& op) {
  in_msgs_.fetch_add(1, std::memory_order_relaxed);
  in_bytes_.fetch_add(op.headers.size() + op.payload.size(), std::memory_order_relaxed);
  const auto sid = parse_sid(op.sid);
  if (!sid) return;
  const auto it = subs_.find(*sid);
  if (it == subs_.end()) return;  // unsubscribed while the message was on its way
  SubState& sub = *it->second;
  if (sub.mux) {
    deliver_reply(op);
    return;
  }
  if (sub.max_msgs > 0 && sub.received >= sub.max_msgs) return;
  ++sub.received;
  Message message;
  if (op.kind == codec::OpKind::kHmsg) {
    auto headers = codec::parse_headers(op.headers);
    if (!headers) {
      Event event;
      event.type = EventType::kError;
      event.error = errc::kProtocol;
      event.text = "invalid header block";
      event.sid = sub.sid();
      event.subject = std::string(op.subject);
      emit(std::move(event));
      return;
    }
    message = Message(op.subject, op.reply, op.payload, std::move(headers).value());
  } else {
    message = Message(op.subject, op.reply, op.payload);
  }
  if (sub.push(std::move(message)) == SubState::Push::kDroppedFirst) {
    Event event;
    event.type = EventType::kSlowConsumer;
    event.error = errc::kSlowConsumer;
    event.sid = sub.sid();
    event.subject = sub.subject();
    emit(std::move(event));
  }
  if (sub.max_msgs > 0 && sub.received >= sub.max_msgs) {
    auto done = it->second;
    subs_.erase(it);
    done->finish(errc::kSubscriptionClosed, false);
  }
}

void Core::deliver_reply(const codec::Op& op) {
  if (op.subject.size() <= resp_prefix_.size()) return;
  const auto found = requests_.find(std::string(op.subject.substr(resp_prefix_.size())));
  if (found == requests_.end()) return;  // timed out or cancelled already
  auto pending = std::move(found->second);
  requests_.erase(found);
  pending.timer->cancel();
  if (op.kind == codec::OpKind::kHmsg) {
    if (op.payload.empty()) {
      const auto status = codec::parse_status_line(op.headers);
      if (status && status.value().status == 503) {
        pending.done.complete(errc::kNoResponders, Message{});
        return;
      }
    }
    auto headers = codec::parse_headers(op.headers);
    if (!headers) {
      pending.done.complete(errc::kProtocol, Message{});
      return;
    }
    pending.done.complete(std::error_code{},
                          Message(op.subject, op.reply, op.payload, std::move(headers).value()));
    return;
  }
  pending.done.complete(std::error_code{}, Message(op.subject, op.reply, op.payload));
}

void Core::on_pong() {
  pings_out_ = 0;
  if (pongs_.empty()) return;
  PongEntry entry = std::move(pongs_.front());
  pongs_.pop_front();
  switch (entry.kind) {
    case PongEntry::Kind::kKeepalive:
      break;
    case PongEntry::Kind::kFlush:
      finish_flush(entry.id, {});
      break;
    case PongEntry::Kind::kInternal:
      entry.fn({});
      break;
  }
}

void Core::on_server_error(Link& link, std::string_view text) {
  Event event;
  event.type = EventType::kError;
  event.text = std::string(text);
  event.server = link.url.display();
  if (contains_ci(text, "stale connection")) {
    event.error = errc::kStaleConnection;
    emit(std::move(event));
    lose(link, errc::kStaleConnection);
    return;
  }
  if (contains_ci(text, "permissions violation")) {
    event.error = errc::kPermissionsViolation;
  } else if (contains_ci(text, "authorization") || contains_ci(text, "authentication")) {
    event.error = errc::kAuthorization;
  } else if (contains_ci(text, "maximum payload")) {
    event.error = errc::kMaxPayload;
  } else {
    event.error = errc::kServerError;
  }
  // Other errors are followed by the server closing the connection when they are fatal;
  // the read loop then sees EOF and reconnects.
  emit(std::move(event));
}

// ---------------------------------------------------------------------------------------------
// Output and events.

bool Core::append_control(std::string_view bytes) {
  if (bytes.empty()) return false;
  bool wake = false;
  {
    std::lock_guard lock(out_mu_);
    if (mode_ != WriteMode::kSocket) return false;
    out_.append(bytes);
    if (writer_waiting_ && !wake_posted_) {
      wake_posted_ = true;
      wake = true;
    }
  }
  if (wake) wake_.cancel();
  return true;
}

void Core::emit(Event event) {
  if (!on_event_) return;
  asio::post(events_strand_, [fn = on_event_, event = std::move(event)] { (*fn)(event); });
}

// ---------------------------------------------------------------------------------------------
// Snapshots (any thread).

Statistics Core::stats() const {
  Statistics s;
  {
    std::lock_guard lock(out_mu_);
    s.out_msgs = out_msgs_;
    s.out_bytes = out_bytes_;
  }
  s.in_msgs = in_msgs_.load(std::memory_order_relaxed);
  s.in_bytes = in_bytes_.load(std::memory_order_relaxed);
  s.reconnects = reconnects_.load(std::memory_order_relaxed);
  return s;
}

std::optional<codec::ServerInfo> Core::server_info() const {
  std::lock_guard lock(info_mu_);
  return info_;
}

std::string Core::connected_url() const {
  if (status() != Status::kConnected && status() != Status::kDraining) return {};
  std::lock_guard lock(info_mu_);
  return url_;
}

std::vector<std::string> Core::servers() const {
  std::lock_guard lock(info_mu_);
  return servers_;
}

std::string Core::new_inbox() const {
  std::lock_guard lock(info_mu_);
  return internal::new_inbox(inbox_prefix_);
}

}  // namespace quiver::client::internal
