#include "client/jetstream/kv.h"

#include <algorithm>
#include <utility>

#include "client/jetstream/internal/context.h"

namespace quiver::client::jetstream {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kStreamPrefix = "KV_";

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '/' || c == '_' || c == '=' || c == '.';
}

Error invalid_key() { return Error(errc::kInvalidKey); }

}  // namespace

bool is_valid_bucket_name(std::string_view bucket) noexcept {
  if (bucket.empty()) return false;
  return std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool is_valid_key(std::string_view key) noexcept {
  // nats.go's rule, plus no empty token ("a..b" is not a valid subject).
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  if (key.find("..") != std::string_view::npos) return false;
  return std::all_of(key.begin(), key.end(), is_key_char);
}

bool is_valid_watch_keys(std::string_view keys) noexcept {
  // nats.go: ^[-/_=\.a-zA-Z0-9*]*[>]?$, not starting or ending with '.'.
  if (keys.empty() || keys.front() == '.' || keys.back() == '.') return false;
  if (keys.find("..") != std::string_view::npos) return false;
  std::string_view body = keys;
  if (body.back() == '>') body.remove_suffix(1);
  return std::all_of(body.begin(), body.end(), [](char c) { return is_key_char(c) || c == '*'; });
}

std::string_view to_string(KeyValueOp op) noexcept {
  switch (op) {
    case KeyValueOp::kPut:
      return "PUT";
    case KeyValueOp::kDelete:
      return "DEL";
    case KeyValueOp::kPurge:
      return "PURGE";
  }
  return "";
}

KeyValueOp key_value_operation(const codec::Headers& headers) noexcept {
  const auto op = headers.get(kKeyValueOperationHeader);
  if (op == "DEL") return KeyValueOp::kDelete;
  if (op == "PURGE") return KeyValueOp::kPurge;
  return KeyValueOp::kPut;
}

JsResult<StreamConfig> key_value_stream_config(const KeyValueConfig& config) {
  if (!is_valid_bucket_name(config.bucket)) return Error(errc::kInvalidBucketName);
  if (config.history > kKeyValueMaxHistory) return Error(errc::kHistoryTooLarge);
  StreamConfig s;
  s.name = std::string(kStreamPrefix) + config.bucket;
  s.description = config.description;
  s.subjects = {"$KV." + config.bucket + ".>"};
  s.max_msgs_per_subject = std::max(config.history, 1);
  s.max_bytes = config.max_bytes == 0 ? -1 : config.max_bytes;
  s.max_age = config.ttl;
  s.max_msg_size = config.max_value_size == 0 ? -1 : config.max_value_size;
  s.storage = config.storage;
  s.num_replicas = std::max(config.replicas, 1);
  s.placement = config.placement;
  s.allow_rollup_hdrs = true;
  s.deny_delete = true;
  // The server's default window is 2 minutes, capped at max_age: nats.go sets it explicitly
  // so that the config compares equal when the bucket already exists.
  s.duplicate_window = std::chrono::minutes(2);
  if (config.ttl.count() > 0 && config.ttl < s.duplicate_window) s.duplicate_window = config.ttl;
  s.max_msgs = -1;
  s.max_consumers = -1;
  s.allow_direct = true;
  s.republish = config.republish;
  s.discard = DiscardPolicy::kNew;
  return s;
}

// ----- JetStream entry points -----

awaitable<JsResult<KeyValue>> JetStream::create_key_value(KeyValueConfig config) {
  auto self = *this;
  auto cfg = key_value_stream_config(config);
  if (!cfg) co_return cfg.error();
  auto info = co_await self.add_stream(cfg.value());
  if (!info && info.error() == errc::kStreamNameInUse) {
    // nats.go: a bucket made by an older client differs only in discard/allow_direct; then
    // bring it up to date instead of failing.
    auto existing = co_await self.stream_info(cfg.value().name);
    if (existing) {
      StreamConfig have = existing.value().config;
      have.discard = cfg.value().discard;
      have.allow_direct = cfg.value().allow_direct;
      if (have == cfg.value()) info = co_await self.update_stream(cfg.value());
    }
  }
  if (!info) co_return info.error();
  co_return KeyValue(self, config.bucket, info.value().config.allow_direct);
}

awaitable<JsResult<KeyValue>> JetStream::key_value(std::string_view bucket) {
  if (!is_valid_bucket_name(bucket)) co_return Error(errc::kInvalidBucketName);
  auto self = *this;
  std::string name(bucket);
  auto info = co_await self.stream_info(std::string(kStreamPrefix) + name);
  if (!info) {
    if (info.error() == errc::kStreamNotFound) co_return Error(errc::kBucketNotFound);
    co_return info.error();
  }
  if (info.value().config.max_msgs_per_subject < 1) co_return Error(errc::kBadBucket);
  co_return KeyValue(self, std::move(name), info.value().config.allow_direct);
}

awaitable<JsResult<void>> JetStream::delete_key_value(std::string_view bucket) {
  if (!is_valid_bucket_name(bucket)) co_return Error(errc::kInvalidBucketName);
  auto self = *this;
  auto r = co_await self.delete_stream(std::string(kStreamPrefix) + std::string(bucket));
  if (!r && r.error() == errc::kStreamNotFound) co_return Error(errc::kBucketNotFound);
  co_return r;
}

// ----- KeyValue -----

KeyValue::KeyValue(JetStream js, std::string bucket, bool use_direct)
    : js_(std::move(js)),
      bucket_(std::move(bucket)),
      stream_(std::string(kStreamPrefix) + bucket_),
      prefix_("$KV." + bucket_ + "."),
      use_direct_(use_direct) {}

awaitable<JsResult<Entry>> KeyValue::get_entry(std::string_view key, std::uint64_t revision) {
  if (!is_valid_key(key)) co_return invalid_key();
  auto self = *this;
  const std::string subject = self.prefix_ + std::string(key);
  JsResult<StoredMsg> msg = Error(errc::kMessageNotFound);
  if (revision == 0) {
    // (No co_await inside ?: — GCC 12 miscompiles it.)
    if (self.use_direct_) {
      msg = co_await self.js_.direct_get_last(self.stream_, subject);
    } else {
      msg = co_await self.js_.get_last_msg(self.stream_, subject);
    }
  } else {
    DirectGetRequest req;
    req.seq = revision;
    if (self.use_direct_) {
      msg = co_await self.js_.direct_get(self.stream_, req);
    } else {
      msg = co_await self.js_.get_msg(self.stream_, revision);
    }
    if (msg && msg.value().subject != subject) co_return Error(errc::kKeyNotFound);
  }
  if (!msg) {
    if (msg.error() == errc::kMessageNotFound) co_return Error(errc::kKeyNotFound);
    co_return msg.error();
  }
  Entry e;
  e.bucket = self.bucket_;
  e.key = std::string(key);
  e.value = std::move(msg.value().data);
  e.revision = msg.value().seq;
  e.created = msg.value().time;
  e.operation = key_value_operation(msg.value().headers);
  co_return e;
}

awaitable<JsResult<Entry>> KeyValue::get(std::string_view key) {
  auto self = *this;
  auto e = co_await self.get_entry(key, 0);
  if (e && e.value().operation != KeyValueOp::kPut) co_return Error(errc::kKeyNotFound);
  co_return e;
}

awaitable<JsResult<Entry>> KeyValue::get_revision(std::string_view key, std::uint64_t revision) {
  if (revision == 0) co_return Error(make_error_code(errc::kInvalidArgument), "revision 0");
  auto self = *this;
  auto e = co_await self.get_entry(key, revision);
  if (e && e.value().operation != KeyValueOp::kPut) co_return Error(errc::kKeyNotFound);
  co_return e;
}

awaitable<JsResult<std::uint64_t>> KeyValue::put(std::string_view key, std::string_view value) {
  if (!is_valid_key(key)) co_return invalid_key();
  auto self = *this;
  auto ack = co_await self.js_.publish(self.prefix_ + std::string(key), value);
  if (!ack) co_return ack.error();
  co_return ack.value().seq;
}

awaitable<JsResult<std::uint64_t>> KeyValue::update(std::string_view key, std::string_view value,
                                                    std::uint64_t last_revision) {
  if (!is_valid_key(key)) co_return invalid_key();
  auto self = *this;
  PublishOptions options;
  options.expected_last_subject_seq = last_revision;
  auto ack = co_await self.js_.publish(self.prefix_ + std::string(key), value, options);
  if (!ack) co_return ack.error();
  co_return ack.value().seq;
}

awaitable<JsResult<std::uint64_t>> KeyValue::create(std::string_view key, std::string_view value) {
  auto self = *this;
  auto rev = co_await self.update(key, value, 0);
  if (rev) co_return rev;
  // The key may hold a delete or purge marker: then creating it again is allowed, on top of
  // that marker's revision (nats.go).
  auto last = co_await self.get_entry(key, 0);
  if (last && last.value().operation != KeyValueOp::kPut) {
    co_return co_await self.update(key, value, last.value().revision);
  }
  if (rev.error() == errc::kWrongLastSequence) {
    Error e = rev.error();
    e.code = make_error_code(errc::kKeyExists);
    co_return e;
  }
  co_return rev.error();
}

awaitable<JsResult<void>> KeyValue::marker(std::string_view key, KeyValueOp op,
                                           std::uint64_t last_revision) {
  if (!is_valid_key(key)) co_return invalid_key();
  auto self = *this;
  codec::Headers h;
  h.set(kKeyValueOperationHeader, to_string(op));
  if (op == KeyValueOp::kPurge) h.set(kRollupHeader, kRollupSubject);
  PublishOptions options;
  options.headers = &h;
  if (last_revision != 0) options.expected_last_subject_seq = last_revision;
  auto ack = co_await self.js_.publish(self.prefix_ + std::string(key), "", options);
  if (!ack) co_return ack.error();
  co_return success();
}

awaitable<JsResult<void>> KeyValue::erase(std::string_view key, std::uint64_t last_revision) {
  return marker(key, KeyValueOp::kDelete, last_revision);
}

awaitable<JsResult<void>> KeyValue::purge(std::string_view key, std::uint64_t last_revision) {
  return marker(key, KeyValueOp::kPurge, last_revision);
}

// ----- watchers -----

struct KeyWatcher::State {
  OrderedConsumer consumer;
  std::string bucket;
  std::string prefix;
  WatchOptions options;
  bool init_done = false;
  bool marker_due = false;
  std::uint64_t init_pending = 0;
  std::uint64_t received = 0;
};

awaitable<JsResult<KeyWatcher>> KeyValue::watch(std::string_view keys, WatchOptions options) {
  if (!is_valid_watch_keys(keys)) co_return invalid_key();
  if (options.include_history && options.updates_only) {
    co_return Error(make_error_code(errc::kInvalidArgument),
                    "include_history and updates_only exclude each other");
  }
  auto self = *this;
  const std::string filter = self.prefix_ + std::string(keys);
  OrderedConsumerOptions oc;
  oc.filter_subject = filter;
  oc.deliver_policy = options.include_history ? DeliverPolicy::kAll
                      : options.updates_only  ? DeliverPolicy::kNew
                                              : DeliverPolicy::kLastPerSubject;
  oc.headers_only = options.meta_only;
  auto consumer = co_await self.js_.ordered_consumer(self.stream_, oc);
  if (!consumer) co_return consumer.error();
  auto state = std::make_shared<KeyWatcher::State>();
  state->consumer = consumer.value();
  state->bucket = self.bucket_;
  state->prefix = self.prefix_;
  state->options = options;
  if (options.updates_only) {
    state->init_done = true;
  } else if (state->consumer.initial_pending() == 0) {
    state->init_done = true;
    state->marker_due = true;
  }
  co_return KeyWatcher(std::move(state));
}

awaitable<JsResult<KeyWatcher>> KeyValue::watch_all(WatchOptions options) {
  return watch(">", options);
}

awaitable<JsResult<std::optional<Entry>>> KeyWatcher::next(milliseconds timeout) {
  auto state = state_;
  if (!state) co_return Error(client::errc::kInvalidState);
  for (;;) {
    if (state->marker_due) {
      state->marker_due = false;
      co_return std::optional<Entry>();
    }
    auto m = co_await state->consumer.next(timeout);
    if (!m) co_return m.error();
    auto md = m.value().metadata();
    if (!md) continue;
    const std::string_view subject = m.value().subject();
    if (subject.size() <= state->prefix.size()) continue;
    Entry e;
    e.bucket = state->bucket;
    e.key = std::string(subject.substr(state->prefix.size()));
    e.value = std::string(m.value().data());
    e.revision = md.value().stream_seq;
    e.created = md.value().timestamp;
    e.delta = md.value().num_pending;
    e.operation = key_value_operation(m.value().headers());
    if (!state->init_done) {
      // nats.go's rule: the initial values are done once as many arrived as were pending when
      // the consumer was created, or when the server says nothing more is pending.
      ++state->received;
      if (state->init_pending == 0) state->init_pending = e.delta;
      if (state->received > state->init_pending || e.delta == 0) {
        state->init_done = true;
        state->marker_due = true;
      }
    }
    if (state->options.ignore_deletes && e.operation != KeyValueOp::kPut) continue;
    co_return std::optional<Entry>(std::move(e));
  }
}

awaitable<JsResult<void>> KeyWatcher::stop() {
  if (!state_) co_return success();
  auto state = state_;
  co_return co_await state->consumer.stop();
}

awaitable<JsResult<std::vector<std::string>>> KeyValue::keys() {
  auto self = *this;
  WatchOptions options;
  options.ignore_deletes = true;
  options.meta_only = true;
  auto w = co_await self.watch_all(options);
  if (!w) co_return w.error();
  std::vector<std::string> keys;
  for (;;) {
    auto e = co_await w.value().next(self.js_.options().timeout);
    if (!e) {
      (void)co_await w.value().stop();
      co_return e.error();
    }
    if (!e.value()) break;
    keys.push_back(std::move(e.value()->key));
  }
  (void)co_await w.value().stop();
  co_return keys;
}

awaitable<JsResult<std::vector<Entry>>> KeyValue::history(std::string_view key) {
  if (!is_valid_key(key)) co_return invalid_key();
  auto self = *this;
  WatchOptions options;
  options.include_history = true;
  auto w = co_await self.watch(key, options);
  if (!w) co_return w.error();
  std::vector<Entry> entries;
  for (;;) {
    auto e = co_await w.value().next(self.js_.options().timeout);
    if (!e) {
      (void)co_await w.value().stop();
      co_return e.error();
    }
    if (!e.value()) break;
    entries.push_back(std::move(*e.value()));
  }
  (void)co_await w.value().stop();
  if (entries.empty()) co_return Error(errc::kKeyNotFound);
  co_return entries;
}

awaitable<JsResult<KeyValueStatus>> KeyValue::status() {
  auto self = *this;
  auto info = co_await self.js_.stream_info(self.stream_);
  if (!info) {
    if (info.error() == errc::kStreamNotFound) co_return Error(errc::kBucketNotFound);
    co_return info.error();
  }
  KeyValueStatus s;
  s.bucket = self.bucket_;
  s.values = info.value().state.messages;
  s.history = info.value().config.max_msgs_per_subject;
  s.ttl = info.value().config.max_age;
  s.bytes = info.value().state.bytes;
  s.stream_info = std::move(info).value();
  co_return s;
}

}  // namespace quiver::client::jetstream
