// Consumer: a cursor over a stream with delivery state — push (deliver subject, heartbeats,
// flow control) or pull (waiting requests) delivery, acknowledgements, redelivery after
// ack_wait/backoff, max_deliver, max_ack_pending, replay original, and persisted state for
// durables. System thread only (see jetstream.h).
//
// Ack subjects are nats-server's v1 form:
//   $JS.ACK.<stream>.<consumer>.<delivery count>.<stream seq>.<consumer seq>.<ts ns>.<pending>
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "server/jetstream/api/types.h"
#include "server/jetstream/jetstream.h"
#include "server/jetstream/store/store.h"

namespace quiver::server::jetstream {

class Stream;

class Consumer {
 public:
  Consumer(Stream& stream, std::string name, api::ConsumerConfig config, api::UnixNanos created,
           bool durable);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Subscribes to the ack subject, positions the cursor (new consumer) and starts timers.
  Result<void> activate(bool recovered);

  // Queued in JetStream's list of consumers to run after the current batch (JetStream::kick).
  bool kicked = false;

  const std::string& name() const noexcept { return name_; }
  const api::ConsumerConfig& config() const noexcept { return config_; }
  bool is_pull() const noexcept { return config_.deliver_subject.empty(); }
  bool durable() const noexcept { return durable_; }
  Stream& stream() noexcept { return stream_; }

  api::ConsumerInfo info() const;

  // Applies an update of the settings that may change (ack_wait, max_deliver, backoff, ...).
  void update(const api::ConsumerConfig& config);

  // Whether this consumer still needs stream message `seq` (not yet delivered, or delivered and
  // not acknowledged). Used by interest and work-queue retention.
  bool needs(uint64_t seq, std::string_view subject) const;
  bool filter_matches(std::string_view subject) const;

  // Inbound.
  void on_ack(std::string_view subject, std::string_view reply, std::string_view payload);
  void on_pull_request(std::string_view reply, std::string_view payload);
  void on_flow_control_reply(std::string_view subject);
  // The stream stored a message (seq, subject); the stream removed one.
  void on_stored(uint64_t seq, std::string_view subject);
  void on_removed(uint64_t seq, std::string_view subject = {});
  void on_purged();

  // Delivers what can be delivered now (kicked by the engine after each batch).
  void run();

  // Persistence of durable state.
  Result<void> save_state(bool sync);
  Result<void> load_state();
  Result<void> save_meta() const;
  std::string dir() const;

  // Stops timers and subscriptions; `remove_files` deletes the state on disk too.
  void close(bool remove_files);

  // Push consumers start delivering when a subscriber appears on the deliver subject: the
  // housekeeping timer calls this to notice (interest changes are not signalled otherwise).
  void poll_interest();

  // Inactivity check for ephemerals: true when it should be deleted now.
  bool inactive_expired(int64_t now_ns);

 private:
  struct PullRequest {
    std::string reply;
    int64_t batch;
    int64_t max_bytes;   // 0: unlimited
    int64_t expires_ns;  // absolute; 0: never
    bool no_wait;
    int64_t heartbeat_ns;
    int64_t next_heartbeat_ns;
    int64_t delivered = 0;
    bool bytes_limited = false;
  };
  struct Pending {
    uint64_t consumer_seq;
    int64_t deadline_ns;  // redelivery due
  };

  bool push_active() const;
  // The next message to deliver: a due redelivery first, then the cursor. False when none.
  bool next_message(StoredMsg& out, uint64_t& delivery_count, bool& is_redelivery);
  void deliver(const StoredMsg& msg, uint64_t delivery_count, std::string_view to,
               bool is_redelivery);
  void send_status(std::string_view to, std::string_view status_line,
                   std::string_view extra_headers = {}, std::string_view reply = {});
  void process_ack_payload(uint64_t sseq, std::string_view payload, std::string_view reply);
  void ack_one(uint64_t sseq);
  void settle(uint64_t sseq);
  void ack_upto(uint64_t sseq);
  void nak(uint64_t sseq, int64_t delay_ns);
  void term(uint64_t sseq);
  void update_ack_floor();
  int64_t redelivery_delay(uint64_t delivery_count) const;
  // Arms the timer for the earliest deadline of everything (a scan: on start and on expiry).
  void schedule_timer();
  // Arms the timer for `at` unless it is already due sooner (O(1), for one new deadline).
  void arm_timer(int64_t at);
  void on_timer();
  void expire_pull_requests(int64_t now);
  void send_heartbeats(int64_t now);
  uint64_t num_pending() const;
  std::string ack_subject(uint64_t dc, uint64_t sseq, uint64_t dseq, int64_t ts,
                          uint64_t pending) const;
  void mark_dirty();

  Stream& stream_;
  JetStream& js_;
  std::string name_;
  api::ConsumerConfig config_;
  api::UnixNanos created_;
  bool durable_;
  uint64_t ack_target_ = 0;
  uint64_t fc_target_ = 0;
  Subscription* ack_sub_ = nullptr;
  Subscription* fc_sub_ = nullptr;
  boost::asio::steady_timer timer_;
  int64_t timer_at_ = 0;

  // Delivery state.
  uint64_t next_sseq_ = 1;       // the cursor: next stream sequence to consider
  uint64_t delivered_dseq_ = 0;  // last consumer sequence handed out
  uint64_t delivered_sseq_ = 0;  // stream sequence of the last delivery
  uint64_t ack_floor_dseq_ = 0;
  uint64_t ack_floor_sseq_ = 0;
  std::map<uint64_t, Pending> pending_;       // by stream seq: delivered, not acked
  std::map<uint64_t, uint64_t> redelivered_;  // stream seq -> delivery count (> 1)
  std::set<uint64_t> redeliver_queue_;        // stream seqs due for redelivery
  std::deque<uint64_t> lps_queue_;            // last_per_subject start set
  std::deque<PullRequest> waiting_;
  int64_t last_delivery_ns_ = 0;  // push heartbeats / replay original
  int64_t last_active_ns_ = 0;    // ephemeral inactivity
  int64_t replay_next_ns_ = 0;
  // Flow control (push).
  uint64_t fc_bytes_since_ = 0;
  std::string fc_outstanding_;  // reply subject of the unanswered request
  // Messages at or after the cursor that match the filter, kept incrementally (a recount is a
  // scan); invalid until first needed and after changes whose effect is unknown (purge).
  mutable uint64_t npending_ = 0;
  mutable bool npending_valid_ = false;
  bool had_interest_ = false;  // push: a subscriber was there at the last run()
  bool dirty_ = false;
  bool closed_ = false;
};

}  // namespace quiver::server::jetstream
