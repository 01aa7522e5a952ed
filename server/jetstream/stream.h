// Stream: one JetStream stream — its config, its store, the publish path (dedup, expectations,
// rollup, retention) and its consumers. System thread only (see jetstream.h).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/jetstream/api/types.h"
#include "server/jetstream/jetstream.h"
#include "server/jetstream/store/store.h"

namespace quiver::server::jetstream {

class Consumer;

// Converts a stream config to the store's limits.
StoreLimits store_limits(const api::StreamConfig& config);

class Stream {
 public:
  Stream(JetStream& js, AccountState& acc, api::StreamConfig config, api::UnixNanos created,
         std::unique_ptr<StreamStore> store, std::string dir);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Subscribes to the stream's subjects and rebuilds the dedup window. False on failure.
  Result<void> activate();

  const std::string& name() const noexcept { return config_.name; }
  const api::StreamConfig& config() const noexcept { return config_; }
  api::UnixNanos created() const noexcept { return created_; }
  StreamStore& store() noexcept { return *store_; }
  const StreamStore& store() const noexcept { return *store_; }
  AccountState& account() noexcept { return acc_; }
  JetStream& js() noexcept { return js_; }
  const std::string& dir() const noexcept { return dir_; }
  // The last sequence known to be durable (group commit); consumers deliver nothing after it.
  uint64_t synced_seq() const noexcept { return synced_seq_; }
  void set_synced_seq(uint64_t seq);
  bool is_memory() const noexcept { return config_.storage == api::StorageType::kMemory; }

  api::StreamInfo info(bool deleted_details, std::string_view subjects_filter) const;
  api::StreamState state(bool deleted_details, std::string_view subjects_filter) const;

  // Applies an update already validated against the old config.
  Result<void> update(const api::StreamConfig& config);

  // Persists the config (meta file). Memory streams have none.
  Result<void> save_meta() const;

  // The publish path: a message on one of the stream's subjects. Replies (PubAck or error)
  // are deferred until the batch is durable.
  void process_publish(std::string_view subject, std::string_view reply, std::string_view headers,
                       std::string_view payload);

  // Administrative operations (API).
  Result<uint64_t> purge(std::string_view filter, uint64_t up_to_seq, uint64_t keep);
  Result<void> remove_msg(uint64_t seq, bool erase);

  // Consumers.
  std::map<std::string, std::unique_ptr<Consumer>>& consumers() noexcept { return consumers_; }
  Consumer* find_consumer(std::string_view name);
  void add_consumer(std::unique_ptr<Consumer> consumer);
  void delete_consumer(std::string_view name, bool remove_files);

  // Retention: a consumer acknowledged `seq` (or stopped needing it). Interest and work-queue
  // streams remove the message once no consumer needs it.
  void on_ack(uint64_t seq);
  // Whether some consumer of an interest/work-queue stream would take `subject`.
  bool has_consumer_interest(std::string_view subject) const;

  // Message expiry (max_age) and dedup window housekeeping.
  void expire(int64_t now_ns);

  // Reclaims the space of removed messages when more than half of the store is dead.
  void compact_if_sparse();

  // Closes the store (server stop) or deletes everything (stream delete).
  void close();
  void destroy();

  // The sequence numbers of the last message per subject matching `filter`, ascending.
  std::vector<uint64_t> last_per_subject(std::string_view filter) const;

 private:
  void reply(std::string_view reply_subject, std::string payload);
  void reply_error(std::string_view reply_subject, const api::ApiError& error);
  void remember_msg_id(std::string_view id, uint64_t seq, int64_t ts);
  void prune_dedup(int64_t now_ns);
  void rebuild_dedup();
  void notify_consumers(uint64_t seq, std::string_view subject);

  JetStream& js_;
  AccountState& acc_;
  api::StreamConfig config_;
  api::UnixNanos created_;
  std::unique_ptr<StreamStore> store_;
  std::string dir_;
  std::vector<Subscription*> subs_;
  uint64_t target_ = 0;
  std::map<std::string, std::unique_ptr<Consumer>> consumers_;

  // Nats-Msg-Id dedup window: id -> seq, with arrival order for pruning.
  struct DedupEntry {
    std::string id;
    uint64_t seq;
    int64_t ts;
  };
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // Looked up with the header's string_view: no allocation for a publish that is not new.
  std::unordered_map<std::string, uint64_t, IdHash, std::equal_to<>> dedup_ids_;
  std::deque<DedupEntry> dedup_order_;
  std::string last_msg_id_;
  uint64_t synced_seq_ = 0;
};

}  // namespace quiver::server::jetstream
