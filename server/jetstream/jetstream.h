// JetStream: persistent streams and consumers inside quiver-server, wire-compatible with
// nats-server 2.9's $JS.API.
//
// Shape:
//   * Everything runs on the server's system worker thread (Server::system_io): API requests,
//     stored publishes, acks, deliveries, timers. One thread owns all JetStream state, so the
//     engine has no locks beyond the Inbox hand-off, and a replicated log can later feed the same
//     single-threaded apply path.
//   * Publishers reach it through internal subscriptions ($JS.API.>, each stream's subjects,
//     each consumer's ack subject). Their deliveries arrive on worker threads, are copied into
//     the Inbox, and are processed in batches.
//   * Group commit: a batch stores every publish, then syncs each touched store once, then sends
//     the publish acks and wakes consumers. With sync_interval = 0 (the default) nothing is
//     acknowledged or delivered before it is on disk.
//
// Streams and consumers live in stream.h / consumer.h; storage behind StreamStore (store/).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/result.h"
#include "server/core/account.h"
#include "server/core/internal_sink.h"
#include "server/jetstream/api/json.h"
#include "server/jetstream/api/types.h"
#include "server/jetstream/inbox.h"

namespace quiver::server::net {
class Server;
class InternalClient;
}  // namespace quiver::server::net

namespace quiver::server::jetstream {

class Stream;
class Consumer;

struct JetStreamConfig {
  std::string store_dir;                      // <store_dir>/jetstream/<account>/streams/<stream>/
  int64_t max_memory = -1;                    // bytes of memory streams per server; -1: 75% of RAM
  int64_t max_storage = -1;                   // bytes of file streams per server; -1: 1 TiB
  std::chrono::nanoseconds sync_interval{0};  // 0: fsync before ack (group commit)
  std::string domain;
};

// What the engine knows of one account: its internal client, streams and API counters.
struct AccountState {
  AccountPtr account;
  std::unique_ptr<net::InternalClient> client;
  std::map<std::string, std::unique_ptr<Stream>> streams;  // by name, sorted (names/list order)
  api::ApiStats api;
  std::string dir;  // <store_dir>/jetstream/<account>
};

class JetStream final : public InternalSink {
 public:
  // Recovers the streams and consumers under config.store_dir and subscribes to the API.
  // Call before server.start() (the system thread is not running yet) or on the system thread.
  static Result<std::unique_ptr<JetStream>> start(net::Server& server, JetStreamConfig config);
  ~JetStream() override;

  // Syncs and closes every store. Any thread but the system thread; waits for completion.
  void stop();

  // InternalSink: any worker thread.
  bool on_message(const Subscription& sub, std::string_view subject, std::string_view reply,
                  std::string_view headers, std::string_view payload) override;

  // ---- used by streams and consumers (system thread) ----
  boost::asio::io_context& io() noexcept { return io_; }
  const JetStreamConfig& config() const noexcept { return config_; }
  int64_t now_ns() const;
  // Registers a target for inbound messages; the id goes into Subscription::owner_id.
  enum class TargetKind : uint8_t { kApi, kStream, kAck, kFlowControl };
  uint64_t register_target(TargetKind kind, void* object);
  void unregister_target(uint64_t id);
  Result<Subscription*> subscribe(AccountState& acc, std::string subject, uint64_t target);
  void unsubscribe(AccountState& acc, Subscription* sub);
  // Streams a batch stored into; they are synced before the batch's acks go out.
  void mark_dirty(Stream* stream);
  // Consumers to run after the current batch (new messages, acks freeing max_ack_pending).
  void kick(Consumer* consumer);
  // A reply to send once the current batch is durable (publish acks).
  // `stream` names the stream of a publish acknowledgement, which becomes an error reply if the
  // sync fails.
  void reply_after_sync(AccountState& acc, std::string subject, std::string payload,
                        std::string stream = {});
  // An empty reply confirming an acknowledgement, sent after the consumer's state is saved.
  void confirm_after_save(Consumer* consumer, std::string reply);
  // Storage accounting across all streams (account/server limits).
  uint64_t used_memory() const;
  uint64_t used_storage() const;
  void on_stream_deleted(Stream* stream);
  // Timer handlers end like a batch: sync, replies, kicked consumers, writer wake-ups.
  void flush_after_timer() { commit_batch(); }
  void on_consumer_deleted(Consumer* consumer);

 private:
  JetStream(net::Server& server, JetStreamConfig config);
  Result<void> recover(AccountState& acc);
  void drain();
  void dispatch(const InboxBatch& batch, const InboxBatch::Entry& e);
  void commit_batch();
  struct DeferredReply {
    AccountState* acc;
    std::string subject;
    std::string payload;
    std::string stream;  // set for publish acknowledgements
  };
  struct PendingCommit {
    uint64_t gen = 0;
    std::vector<std::pair<Stream*, uint64_t>> synced;  // stream, last sequence covered
    std::vector<DeferredReply> replies;
    std::vector<std::pair<Consumer*, std::string>> confirms;
    std::vector<std::string> failed_streams;  // their writes failed: no success acks for them
  };
  class Syncer;
  void release(PendingCommit& commit, bool synced);
  void on_synced(uint64_t gen, bool ok);
  void run_kicked();
  void schedule_interval_sync();
  void schedule_housekeeping();

  // API (api_handlers.cc)
  void handle_api(AccountState& acc, std::string_view subject, std::string_view reply,
                  std::string_view headers, std::string_view payload);
  void api_reply(AccountState& acc, std::string_view reply, const std::string& json, bool error);
  // A handler's `fail(error)`: sets `response.error` and sends the response.
  template <class Response>
  auto failure(AccountState& acc, std::string_view reply, Response& response) {
    return [this, &acc, reply, &response](api::ApiError error) {
      response.error = std::move(error);
      api_reply(acc, reply, api::to_json(response), true);
    };
  }

  net::Server& server_;
  JetStreamConfig config_;
  boost::asio::io_context& io_;
  Inbox inbox_;
  InboxBatch batch_;
  boost::asio::steady_timer sync_timer_;
  boost::asio::steady_timer housekeeping_timer_;
  std::map<std::string, std::unique_ptr<AccountState>> accounts_;
  struct Target {
    TargetKind kind;
    void* object;
  };
  std::unordered_map<uint64_t, Target> targets_;
  uint64_t next_target_ = 1;
  std::vector<Stream*> dirty_;
  std::vector<Consumer*> kicked_;
  std::vector<DeferredReply> deferred_replies_;
  std::vector<std::pair<Consumer*, std::string>> ack_confirms_;
  std::deque<PendingCommit> pending_commits_;
  uint64_t commit_gen_ = 0;
  uint64_t housekeeping_rounds_ = 0;
  std::unique_ptr<Syncer> syncer_;
  bool stopped_ = false;
};

}  // namespace quiver::server::jetstream
