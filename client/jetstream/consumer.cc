#include "client/jetstream/consumer.h"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <utility>

#include <boost/json/object.hpp>

#include "client/jetstream/internal/context.h"

namespace quiver::client::jetstream {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

std::int64_t header_number(const Message& m, std::string_view key) {
  const auto v = m.headers().get_ci(key);
  if (!v) return -1;
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  return ec == std::errc() ? n : -1;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A terminal pull status as an Error (409 Consumer Deleted, 409 Exceeded MaxWaiting, ...).
Error pull_status_error(const Message& m) {
  const std::string desc =
      std::to_string(m.status()) + " " + std::string(m.headers().description());
  if (m.status() == 409 && contains(m.headers().description(), "Consumer Deleted")) {
    return Error(make_error_code(errc::kConsumerDeleted), desc);
  }
  if (m.status() == 503) return Error(make_error_code(errc::kConsumerNotFound), desc);
  return Error(make_error_code(errc::kPullRequestFailed), desc);
}

steady_clock::duration remaining(steady_clock::time_point deadline) {
  return std::max(deadline - steady_clock::now(), steady_clock::duration::zero());
}

milliseconds to_ms(steady_clock::duration d) {
  // Round up: a zero wait would poll instead of waiting for the last millisecond.
  return std::chrono::ceil<milliseconds>(d);
}

}  // namespace

// ----- PullConsumer -----

PullConsumer::PullConsumer(JetStream js, std::string stream, std::string consumer)
    : js_(std::move(js)), stream_(std::move(stream)), consumer_(std::move(consumer)) {}

PullConsumer JetStream::pull_consumer(std::string_view stream, std::string_view consumer) const {
  return PullConsumer(*this, std::string(stream), std::string(consumer));
}

awaitable<JsResult<PullConsumer>> JetStream::create_pull_consumer(std::string_view stream,
                                                                  ConsumerConfig config) {
  auto self = *this;
  std::string name(stream);
  auto info = co_await self.add_consumer(name, config);
  if (!info) co_return info.error();
  co_return PullConsumer(self, std::move(name), info.value().name);
}

awaitable<JsResult<ConsumerInfo>> PullConsumer::info() {
  auto self = *this;
  co_return co_await self.js_.consumer_info(self.stream_, self.consumer_);
}

awaitable<JsResult<std::vector<JsMsg>>> PullConsumer::fetch(std::size_t batch,
                                                            FetchOptions options) {
  auto self = *this;
  if (!self.js_.valid() || batch == 0) {
    co_return Error(make_error_code(errc::kInvalidArgument), "fetch");
  }
  Connection& nc = self.js_.connection();
  const std::string inbox = nc.new_inbox();
  auto sub = co_await nc.subscribe(inbox);
  if (!sub) co_return Error(sub.error());

  json::object req;
  req["batch"] = batch;
  if (options.no_wait) {
    req["no_wait"] = true;
  } else {
    req["expires"] = std::chrono::nanoseconds(options.expires).count();
  }
  if (options.max_bytes > 0) req["max_bytes"] = options.max_bytes;
  if (options.heartbeat.count() > 0) {
    req["idle_heartbeat"] = std::chrono::nanoseconds(options.heartbeat).count();
  }
  const std::string subject =
      self.js_.api_prefix() + ".CONSUMER.MSG.NEXT." + self.stream_ + "." + self.consumer_;
  client::PublishOptions po;
  po.reply = inbox;
  if (auto ec = nc.publish(subject, internal::serialize(req), po)) {
    sub.value().unsubscribe();
    co_return Error(ec);
  }
  // The server ends the request itself (408 at expiry, 404 with no_wait); the margin covers a
  // status lost to a reconnect.
  const auto deadline =
      steady_clock::now() +
      (options.no_wait ? self.js_.options().timeout : options.expires + std::chrono::seconds(1));
  const auto heartbeat = options.heartbeat * 2;
  std::vector<JsMsg> msgs;
  std::optional<Error> failure;
  while (msgs.size() < batch) {
    auto wait = remaining(deadline);
    const bool monitor = heartbeat.count() > 0 && heartbeat < wait;
    if (monitor) wait = heartbeat;
    auto m = co_await sub.value().next(to_ms(wait));
    if (!m) {
      if (m.error() == client::errc::kTimeout && monitor) {
        if (msgs.empty()) failure = Error(errc::kNoHeartbeat);
      } else if (m.error() != client::errc::kTimeout) {
        failure = Error(m.error());
      }
      break;
    }
    Message& msg = m.value();
    if (internal::is_status(msg)) {
      if (msg.status() == 100) continue;
      if (msg.status() == 404 || msg.status() == 408) break;
      if (msgs.empty()) failure = pull_status_error(msg);
      break;
    }
    msgs.emplace_back(std::move(msg), &nc);
  }
  sub.value().unsubscribe();
  if (failure) co_return *failure;
  co_return msgs;
}

awaitable<JsResult<JsMsg>> PullConsumer::next(milliseconds timeout) {
  auto self = *this;
  FetchOptions options;
  options.expires = timeout;
  auto r = co_await self.fetch(1, options);
  if (!r) co_return r.error();
  if (r.value().empty()) co_return Error(client::errc::kTimeout);
  co_return std::move(r.value().front());
}

// ----- MessageStream -----

namespace internal {

struct StreamState {
  JetStream js;
  std::string stream;
  std::string consumer;
  std::string inbox;
  Subscription sub;
  ConsumeOptions options;
  milliseconds heartbeat{0};
  int threshold = 0;

  std::mutex mu;  // guards `stopped` and the counters read by heartbeat_misses()
  bool stopped = false;
  int pending = 0;  // messages requested and not yet received or expired
  std::uint64_t heartbeat_misses = 0;
  steady_clock::time_point last_activity;

  std::error_code pull(int batch) {
    json::object req;
    req["batch"] = batch;
    req["expires"] = std::chrono::nanoseconds(options.expires).count();
    req["idle_heartbeat"] = std::chrono::nanoseconds(heartbeat).count();
    client::PublishOptions po;
    po.reply = inbox;
    return js.connection().publish(
        js.api_prefix() + ".CONSUMER.MSG.NEXT." + stream + "." + consumer, serialize(req), po);
  }
};

}  // namespace internal

awaitable<JsResult<MessageStream>> PullConsumer::consume(ConsumeOptions options) {
  auto self = *this;
  if (!self.js_.valid() || options.max_messages <= 0) {
    co_return Error(make_error_code(errc::kInvalidArgument), "consume");
  }
  auto state = std::make_shared<internal::StreamState>();
  state->js = self.js_;
  state->stream = self.stream_;
  state->consumer = self.consumer_;
  state->options = options;
  state->heartbeat = options.heartbeat.count() > 0
                         ? options.heartbeat
                         : std::min(options.expires / 2, milliseconds(30000));
  state->threshold = options.threshold > 0 ? options.threshold : options.max_messages / 2;
  state->inbox = self.js_.connection().new_inbox();
  auto sub = co_await self.js_.connection().subscribe(state->inbox);
  if (!sub) co_return Error(sub.error());
  state->sub = sub.value();
  state->last_activity = steady_clock::now();
  co_return MessageStream(std::move(state));
}

awaitable<JsResult<JsMsg>> MessageStream::next(milliseconds timeout) {
  auto state = state_;
  if (!state) co_return Error(client::errc::kInvalidState);
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(state->mu);
      if (state->stopped) co_return Error(client::errc::kSubscriptionClosed);
    }
    if (state->pending <= state->threshold) {
      const int more = state->options.max_messages - state->pending;
      if (auto ec = state->pull(more)) co_return Error(ec);
      state->pending += more;
    }
    // Two heartbeat intervals without anything from the server: the pull request is gone
    // (server restart, lost connection). Forget it and ask again.
    const auto hb_deadline = state->last_activity + 2 * state->heartbeat;
    const bool hb_first = hb_deadline < deadline;
    auto m = co_await state->sub.next(to_ms(remaining(hb_first ? hb_deadline : deadline)));
    if (!m) {
      if (m.error() != client::errc::kTimeout) co_return Error(m.error());
      if (!hb_first) co_return Error(client::errc::kTimeout);
      std::lock_guard lock(state->mu);
      ++state->heartbeat_misses;
      state->pending = 0;
      state->last_activity = steady_clock::now();
      continue;
    }
    state->last_activity = steady_clock::now();
    Message& msg = m.value();
    if (internal::is_status(msg)) {
      switch (msg.status()) {
        case 100:
          continue;
        case 503:
          co_return pull_status_error(msg);
        case 409:
          if (contains(msg.headers().description(), "Consumer Deleted")) {
            co_return pull_status_error(msg);
          }
          [[fallthrough]];
        default: {
          // 408 Request Timeout and the 409s of a finished request carry what was left of it.
          const std::int64_t left = header_number(msg, "Nats-Pending-Messages");
          state->pending =
              left >= 0 ? std::max<int>(0, state->pending - static_cast<int>(left)) : 0;
          continue;
        }
      }
    }
    if (state->pending > 0) --state->pending;
    co_return JsMsg(std::move(msg), &state->js.connection());
  }
}

awaitable<void> MessageStream::stop() {
  if (!state_) co_return;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) co_return;
    state_->stopped = true;
  }
  state_->sub.unsubscribe();
  co_return;
}

std::uint64_t MessageStream::heartbeat_misses() const {
  std::lock_guard lock(state_->mu);
  return state_->heartbeat_misses;
}

// ----- push subscriptions -----

namespace internal {

struct PushState {
  JetStream js;
  ConsumerInfo info;
  Subscription sub;
  steady_clock::time_point last_activity;

  // Answers flow control and stalled heartbeats; true when `m` was a status message.
  bool handle_status(const Message& m) {
    if (!is_status(m)) return false;
    if (m.status() == 100) {
      if (!m.reply().empty()) {
        js.connection().publish(m.reply(), "");
      } else if (auto stalled = m.headers().get_ci("Nats-Consumer-Stalled")) {
        js.connection().publish(*stalled, "");
      }
    }
    return true;
  }
};

}  // namespace internal

awaitable<JsResult<PushSubscription>> JetStream::subscribe_push(std::string_view stream,
                                                                ConsumerConfig config) {
  auto self = *this;
  std::string stream_name(stream);
  ConsumerConfig cfg = config;
  if (cfg.deliver_subject.empty()) cfg.deliver_subject = self.connection().new_inbox();
  // Subscribe first: the server starts delivering as soon as the consumer exists.
  SubscribeOptions so;
  so.queue = cfg.deliver_group;
  auto sub = co_await self.connection().subscribe(cfg.deliver_subject, so);
  if (!sub) co_return Error(sub.error());
  auto info = co_await self.add_consumer(stream_name, cfg);
  if (!info) {
    sub.value().unsubscribe();
    co_return info.error();
  }
  auto state = std::make_shared<internal::PushState>();
  state->js = self;
  state->info = std::move(info).value();
  state->sub = sub.value();
  state->last_activity = steady_clock::now();
  co_return PushSubscription(std::move(state));
}

awaitable<JsResult<PushSubscription>> JetStream::bind_push(std::string_view stream,
                                                           std::string_view consumer) {
  auto self = *this;
  auto info = co_await self.consumer_info(stream, consumer);
  if (!info) co_return info.error();
  if (info.value().config.deliver_subject.empty()) {
    co_return Error(make_error_code(errc::kInvalidArgument), "not a push consumer");
  }
  SubscribeOptions so;
  const std::string group = info.value().config.deliver_group;
  so.queue = group;
  auto sub = co_await self.connection().subscribe(info.value().config.deliver_subject, so);
  if (!sub) co_return Error(sub.error());
  auto state = std::make_shared<internal::PushState>();
  state->js = self;
  state->info = std::move(info).value();
  state->sub = sub.value();
  state->last_activity = steady_clock::now();
  co_return PushSubscription(std::move(state));
}

const ConsumerInfo& PushSubscription::info() const { return state_->info; }
const std::string& PushSubscription::stream() const { return state_->info.stream_name; }
const std::string& PushSubscription::consumer() const { return state_->info.name; }
boost::asio::any_io_executor PushSubscription::get_executor() const {
  return state_->js.get_executor();
}

awaitable<JsResult<JsMsg>> PushSubscription::next(milliseconds timeout) {
  auto state = state_;
  if (!state) co_return Error(client::errc::kInvalidState);
  const auto deadline = steady_clock::now() + timeout;
  const auto heartbeat =
      std::chrono::duration_cast<milliseconds>(state->info.config.idle_heartbeat);
  for (;;) {
    const bool monitor = heartbeat.count() > 0;
    const auto hb_deadline = state->last_activity + 2 * heartbeat;
    const bool hb_first = monitor && hb_deadline < deadline;
    auto m = co_await state->sub.next(to_ms(remaining(hb_first ? hb_deadline : deadline)));
    if (!m) {
      if (m.error() == client::errc::kTimeout && hb_first) {
        state->last_activity = steady_clock::now();
        co_return Error(errc::kNoHeartbeat);
      }
      co_return Error(m.error());
    }
    state->last_activity = steady_clock::now();
    if (state->handle_status(m.value())) continue;
    co_return JsMsg(std::move(m).value(), &state->js.connection());
  }
}

void PushSubscription::unsubscribe() {
  if (state_) state_->sub.unsubscribe();
}

// ----- ordered consumers -----

namespace internal {

struct OrderedState {
  JetStream js;
  std::string stream;
  std::string filter;
  OrderedConsumerOptions options;
  milliseconds heartbeat{5000};

  std::mutex mu;  // guards what the const accessors read
  Subscription sub;
  std::string consumer;
  std::uint64_t initial_pending = 0;
  std::uint64_t resets = 0;
  bool created_once = false;
  bool needs_reset = false;
  bool stopped = false;

  std::uint64_t stream_seq = 0;    // last stream sequence handed out
  std::uint64_t consumer_seq = 0;  // last consumer sequence of the current server consumer
  steady_clock::time_point last_activity;

  ConsumerConfig config(const std::string& deliver) const {
    ConsumerConfig c;
    c.deliver_subject = deliver;
    c.ack_policy = AckPolicy::kNone;
    c.max_deliver = 1;
    c.flow_control = true;
    c.idle_heartbeat = heartbeat;
    c.mem_storage = true;
    c.num_replicas = 1;
    c.filter_subject = filter;
    c.headers_only = options.headers_only;
    if (stream_seq == 0) {
      c.deliver_policy = options.deliver_policy;
      c.opt_start_seq = options.opt_start_seq;
      c.opt_start_time = options.opt_start_time;
    } else {
      c.deliver_policy = DeliverPolicy::kByStartSequence;
      c.opt_start_seq = stream_seq + 1;
    }
    return c;
  }

  // A fresh subscription and server-side consumer, continuing after stream_seq.
  static awaitable<JsResult<void>> create(std::shared_ptr<OrderedState> self) {
    Connection& nc = self->js.connection();
    const std::string deliver = nc.new_inbox();
    auto sub = co_await nc.subscribe(deliver);
    if (!sub) co_return Error(sub.error());
    const ConsumerConfig cfg = self->config(deliver);
    auto info = co_await self->js.add_consumer(self->stream, cfg);
    if (!info) {
      sub.value().unsubscribe();
      co_return info.error();
    }
    std::lock_guard lock(self->mu);
    self->sub = sub.value();
    self->consumer = info.value().name;
    self->consumer_seq = 0;
    self->last_activity = steady_clock::now();
    if (!self->created_once) {
      self->created_once = true;
      self->initial_pending = info.value().num_pending + info.value().delivered.consumer_seq;
    }
    self->needs_reset = false;
    co_return success();
  }

  // Drops the current consumer (its queued messages with it) and makes a new one.
  static awaitable<JsResult<void>> reset(std::shared_ptr<OrderedState> self) {
    std::string old;
    {
      std::lock_guard lock(self->mu);
      self->sub.unsubscribe();
      old = self->consumer;
      self->needs_reset = true;
      ++self->resets;
    }
    // Best effort: the server also removes it once nobody listens on its deliver subject.
    if (!old.empty()) (void)co_await self->js.delete_consumer(self->stream, old);
    co_return co_await create(self);
  }
};

}  // namespace internal

awaitable<JsResult<OrderedConsumer>> JetStream::ordered_consumer(std::string_view stream,
                                                                 OrderedConsumerOptions options) {
  auto state = std::make_shared<internal::OrderedState>();
  state->js = *this;
  state->stream = std::string(stream);
  state->filter = std::string(options.filter_subject);
  state->options = options;
  state->options.filter_subject = {};  // owned copy in `filter`
  if (options.idle_heartbeat.count() > 0) state->heartbeat = options.idle_heartbeat;
  if (!internal::is_valid_name(state->stream)) {
    co_return Error(make_error_code(errc::kInvalidArgument), "stream name");
  }
  if (auto r = co_await internal::OrderedState::create(state); !r) co_return r.error();
  co_return OrderedConsumer(std::move(state));
}

awaitable<JsResult<JsMsg>> OrderedConsumer::next(milliseconds timeout) {
  auto state = state_;
  if (!state) co_return Error(client::errc::kInvalidState);
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    Subscription sub;
    bool needs_reset = false;
    steady_clock::time_point hb_deadline;
    {
      std::lock_guard lock(state->mu);
      if (state->stopped) co_return Error(client::errc::kSubscriptionClosed);
      needs_reset = state->needs_reset;
      sub = state->sub;
      // nats.go resets an ordered consumer after three missed heartbeats.
      hb_deadline = state->last_activity + 3 * state->heartbeat;
    }
    if (needs_reset) {
      if (auto r = co_await internal::OrderedState::reset(state); !r) co_return r.error();
      continue;
    }
    const bool hb_first = hb_deadline < deadline;
    auto m = co_await sub.next(to_ms(remaining(hb_first ? hb_deadline : deadline)));
    if (!m) {
      if (m.error() == client::errc::kTimeout) {
        if (!hb_first) co_return Error(client::errc::kTimeout);
        std::lock_guard lock(state->mu);
        state->needs_reset = true;
        continue;
      }
      if (m.error() == client::errc::kSubscriptionClosed) {
        std::lock_guard lock(state->mu);
        if (state->stopped) co_return Error(m.error());
        state->needs_reset = true;  // slow consumer or a lost subscription: start over
        continue;
      }
      co_return Error(m.error());
    }
    Message& msg = m.value();
    std::lock_guard lock(state->mu);
    state->last_activity = steady_clock::now();
    if (internal::is_status(msg)) {
      if (msg.status() != 100) continue;
      if (!msg.reply().empty()) {
        state->js.connection().publish(msg.reply(), "");  // flow control
        continue;
      }
      if (auto stalled = msg.headers().get_ci("Nats-Consumer-Stalled")) {
        state->js.connection().publish(*stalled, "");
      }
      // A heartbeat names the last consumer sequence sent: behind it means we missed some.
      if (auto last = msg.headers().get_ci("Nats-Last-Consumer")) {
        std::uint64_t n = 0;
        std::from_chars(last->data(), last->data() + last->size(), n);
        if (n != state->consumer_seq) state->needs_reset = true;
      }
      continue;
    }
    auto md = parse_metadata(msg.reply());
    if (!md) continue;
    if (md.value().consumer_seq != state->consumer_seq + 1) {
      state->needs_reset = true;
      continue;
    }
    state->consumer_seq = md.value().consumer_seq;
    state->stream_seq = md.value().stream_seq;
    co_return JsMsg(std::move(msg), &state->js.connection());
  }
}

awaitable<JsResult<void>> OrderedConsumer::stop() {
  auto state = state_;
  if (!state) co_return success();
  std::string consumer;
  {
    std::lock_guard lock(state->mu);
    if (state->stopped) co_return success();
    state->stopped = true;
    state->sub.unsubscribe();
    consumer = state->consumer;
  }
  auto r = co_await state->js.delete_consumer(state->stream, consumer);
  // Already gone (inactive threshold, stream deleted) is what stop() wants anyway.
  if (!r && (r.error() == errc::kConsumerNotFound || r.error() == errc::kStreamNotFound)) {
    co_return success();
  }
  co_return r;
}

std::uint64_t OrderedConsumer::initial_pending() const {
  std::lock_guard lock(state_->mu);
  return state_->initial_pending;
}

std::string OrderedConsumer::consumer_name() const {
  std::lock_guard lock(state_->mu);
  return state_->consumer;
}

std::uint64_t OrderedConsumer::resets() const {
  std::lock_guard lock(state_->mu);
  return state_->resets;
}

boost::asio::any_io_executor OrderedConsumer::get_executor() const {
  return state_->js.get_executor();
}

}  // namespace quiver::client::jetstream
