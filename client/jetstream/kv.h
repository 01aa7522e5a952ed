// Key/Value buckets over JetStream (ADR-8), with nats.go 1.2x's conventions so that buckets are
// shared with the Go, JavaScript, Python and C clients: bucket B is stream KV_B on subjects
// $KV.B.>, one subject per key, history = max_msgs_per_subject (at most 64), deletes and
// purges are marker messages with a KV-Operation header.
//
//   KeyValueConfig cfg;  cfg.bucket = "config";  cfg.history = 5;
//   KeyValue kv = (co_await js.create_key_value(cfg)).value();
//   std::uint64_t rev = (co_await kv.put("db.url", "postgres://...")).value();
//   Entry e = (co_await kv.get("db.url")).value();              // kKeyNotFound if absent/deleted
//   co_await kv.update("db.url", "postgres://new", e.revision);  // kWrongLastSequence if stale
//   KeyWatcher w = (co_await kv.watch("db.>")).value();
//   for (;;) {                          // current values, then nullopt (the "initial values
//     auto u = co_await w.next();       // done" marker), then live updates
//     ...
//   }
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "client/jetstream/consumer.h"
#include "client/jetstream/errors.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/types.h"

namespace quiver::client::jetstream {

inline constexpr int kKeyValueMaxHistory = 64;
inline constexpr std::string_view kKeyValueOperationHeader = "KV-Operation";

// Bucket names: [a-zA-Z0-9_-]+.
bool is_valid_bucket_name(std::string_view bucket) noexcept;
// Keys: [-/_=.a-zA-Z0-9]+, not starting or ending with '.', no empty token.
bool is_valid_key(std::string_view key) noexcept;
// Watch patterns: keys that may also contain '*' tokens and end in '>'.
bool is_valid_watch_keys(std::string_view keys) noexcept;

struct KeyValueConfig {
  std::string bucket;
  std::string description;
  std::int32_t max_value_size = 0;  // 0: unlimited
  int history = 1;                  // 1..64
  Nanos ttl{0};                     // 0: values never expire
  std::int64_t max_bytes = 0;       // 0: unlimited
  StorageType storage = StorageType::kFile;
  int replicas = 1;
  std::optional<Placement> placement;
  std::optional<RePublish> republish;
};

// The stream configuration nats.go creates for `config` (exposed for tests and tools).
JsResult<StreamConfig> key_value_stream_config(const KeyValueConfig& config);

enum class KeyValueOp { kPut, kDelete, kPurge };
std::string_view to_string(KeyValueOp op) noexcept;

struct Entry {
  std::string bucket;
  std::string key;
  std::string value;
  std::uint64_t revision = 0;  // the stream sequence of this value
  Time created{};
  std::uint64_t delta = 0;  // watch: how many newer values of the watched keys follow
  KeyValueOp operation = KeyValueOp::kPut;
  friend bool operator==(const Entry&, const Entry&) = default;
};

// The operation a message's headers describe (KV-Operation: DEL / PURGE, else a put).
KeyValueOp key_value_operation(const codec::Headers& headers) noexcept;

struct WatchOptions {
  bool include_history = false;  // every stored value, not only the last per key
  bool ignore_deletes = false;   // skip delete and purge markers
  bool meta_only = false;        // headers only: Entry::value stays empty
  bool updates_only = false;     // only changes made after the watch started (no marker)
};
static_assert(std::is_trivially_destructible_v<WatchOptions>);

class KeyWatcher {
 public:
  KeyWatcher() = default;

  // The next entry; nullopt once, after the values that existed when the watch started (at
  // once when there were none); client::errc::kTimeout when nothing happens within `timeout`.
  boost::asio::awaitable<JsResult<std::optional<Entry>>> next(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  boost::asio::awaitable<JsResult<void>> stop();

 private:
  friend class KeyValue;
  struct State;
  explicit KeyWatcher(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

struct KeyValueStatus {
  std::string bucket;
  std::uint64_t values = 0;  // messages in the bucket, history included
  std::int64_t history = 0;
  Nanos ttl{0};
  std::uint64_t bytes = 0;
  StreamInfo stream_info;
};

class KeyValue {
 public:
  KeyValue() = default;
  KeyValue(JetStream js, std::string bucket, bool use_direct);

  const std::string& bucket() const noexcept { return bucket_; }
  const std::string& stream() const noexcept { return stream_; }

  // The latest value; kKeyNotFound when there is none or the key was deleted or purged.
  boost::asio::awaitable<JsResult<Entry>> get(std::string_view key);
  // A specific revision of the key; kKeyNotFound when it is not a value of this key.
  boost::asio::awaitable<JsResult<Entry>> get_revision(std::string_view key,
                                                       std::uint64_t revision);
  // The new revision.
  boost::asio::awaitable<JsResult<std::uint64_t>> put(std::string_view key, std::string_view value);
  // Only if the key has no value (never set, deleted or purged); kKeyExists otherwise.
  boost::asio::awaitable<JsResult<std::uint64_t>> create(std::string_view key,
                                                         std::string_view value);
  // Only if `last_revision` is the key's latest revision; kWrongLastSequence otherwise.
  boost::asio::awaitable<JsResult<std::uint64_t>> update(std::string_view key,
                                                         std::string_view value,
                                                         std::uint64_t last_revision);
  // A delete marker (history stays); with last_revision, only if it is the latest.
  boost::asio::awaitable<JsResult<void>> erase(std::string_view key,
                                               std::uint64_t last_revision = 0);
  // A purge marker that also removes the key's history (Nats-Rollup: sub).
  boost::asio::awaitable<JsResult<void>> purge(std::string_view key,
                                               std::uint64_t last_revision = 0);
  // Every key with a value (no delete markers), in stream order; empty when none.
  boost::asio::awaitable<JsResult<std::vector<std::string>>> keys();
  // Every stored value and marker of `key`, oldest first; kKeyNotFound when none.
  boost::asio::awaitable<JsResult<std::vector<Entry>>> history(std::string_view key);
  // Watches keys matching `keys` ("a.b", "a.*", "a.>", ">").
  boost::asio::awaitable<JsResult<KeyWatcher>> watch(std::string_view keys,
                                                     WatchOptions options = {});
  boost::asio::awaitable<JsResult<KeyWatcher>> watch_all(WatchOptions options = {});
  boost::asio::awaitable<JsResult<KeyValueStatus>> status();

  template <class CompletionToken>
  auto async_get(std::string_view key, CompletionToken&& token) {
    return async_from_coroutine<Entry>(
        js_.get_executor(), [self = *this, key]() mutable { return self.get(key); },
        std::forward<CompletionToken>(token));
  }
  template <class CompletionToken>
  auto async_put(std::string_view key, std::string_view value, CompletionToken&& token) {
    return async_from_coroutine<std::uint64_t>(
        js_.get_executor(), [self = *this, key, value]() mutable { return self.put(key, value); },
        std::forward<CompletionToken>(token));
  }

 private:
  boost::asio::awaitable<JsResult<Entry>> get_entry(std::string_view key, std::uint64_t revision);
  boost::asio::awaitable<JsResult<void>> marker(std::string_view key, KeyValueOp op,
                                                std::uint64_t last_revision);

  JetStream js_;
  std::string bucket_;
  std::string stream_;
  std::string prefix_;  // "$KV.<bucket>."
  bool use_direct_ = false;
};

}  // namespace quiver::client::jetstream
