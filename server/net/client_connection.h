// One client connection: three coroutines on its worker's io_context.
//
//   read_loop   reads into an adaptive buffer (512 B to 64 KiB), parses in place and handles each
//               op. A PUB is matched against the account's index and appended to every
//               subscriber's outbound buffer right there, on this thread (no per-message hop).
//   write_loop  sleeps until signalled, swaps the outbound buffer out under its mutex and writes
//               it with one system call, so everything queued meanwhile goes out together.
//   timer_loop  auth timeout, then server PINGs and the stale-connection check.
//
// Publishers signal a subscriber's writer once per read batch, not once per message: the first
// append after a flush records the connection in the batch (flush_pending_), and the batch posts
// one wake-up per connection at its end (nats-server's flush coalescing).
//
// Threads: everything except enqueue_msg() and the snapshot accessors runs on the connection's
// own worker thread. enqueue_msg() may run on any worker; it only touches out_ under out_mu_.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "codec/parser.h"
#include "codec/protocol_json.h"
#include "server/core/account.h"
#include "server/core/sublist.h"

namespace quiver::server {
class Permissions;
}

namespace quiver::server::net {

class Server;
struct Worker;
class ClientConnection;

// Connections a read batch appended to; each gets one writer wake-up when the batch ends.
struct DeliveryBatch {
  explicit DeliveryBatch(Worker& w) : worker(w) {}
  Worker& worker;  // the thread doing the deliveries (its counters)
  std::vector<ClientConnection*> to_flush;
};

enum class CloseReason : uint8_t {
  kClientClosed,
  kServerShutdown,
  kLameDuck,
  kParseError,
  kProtocolViolation,
  kAuthViolation,
  kAuthTimeout,
  kStaleConnection,
  kSlowConsumerPending,
  kSlowConsumerWriteDeadline,
  kWriteError,
  kMaxPayload,
  kMaxConnections,
  kReadError,
};

std::string_view close_reason_text(CloseReason reason) noexcept;

// A consistent copy of a connection's state, for /connz.
struct ConnectionInfo {
  uint64_t cid = 0;
  std::string ip;
  uint16_t port = 0;
  std::chrono::system_clock::time_point start;
  std::chrono::steady_clock::time_point last_activity;
  std::string name, lang, version, user;
  uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
  uint64_t subscriptions = 0;
  std::vector<std::string> subjects;  // filled only when asked for
  std::size_t pending_bytes = 0;
};

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(Server& server, Worker& worker, boost::asio::ip::tcp::socket socket,
                   uint64_t cid);
  ~ClientConnection();

  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Sends INFO and starts the coroutines. `reject` closes right after INFO with that -ERR.
  void start(std::string_view reject = {});

  // Any thread: appends one message for `sub` (a subscription of this connection). Returns false
  // when the connection is closed or the append made it a slow consumer.
  bool enqueue_msg(const Subscription& sub, std::string_view subject, std::string_view reply,
                   std::string_view headers, std::string_view payload, DeliveryBatch& batch);

  // Routes one message to every subscription `subject` reaches in `account` (one member per
  // queue group) and returns how many took it. `sender` is the publishing connection, skipped
  // when it has echo off; null for the server's own messages. A non-empty `match_subject` is
  // matched instead of `subject`, which is still what the MSG line carries (JetStream push
  // deliveries reach the deliver subject's subscribers under the stored message's subject).
  // Runs on the caller's thread, which must be inside its epoch (EpochDomain::enter).
  static std::size_t route(Account& account, std::string_view subject, std::string_view reply,
                           std::string_view headers, std::string_view payload, DeliveryBatch& batch,
                           const ClientConnection* sender, std::string_view match_subject = {});

  // Any thread: wakes the writer (the end of a DeliveryBatch).
  void signal_writer();

  // Any thread: closes the connection on its own thread.
  void close_async(CloseReason reason);

  // Any thread: sends an asynchronous INFO (lame duck mode) if the client understands it.
  void send_async_info_async(std::string info_line);

  uint64_t cid() const noexcept { return cid_; }
  ConnectionInfo info(bool with_subjects) const;

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> timer_loop();

  void process(std::string_view data, DeliveryBatch& batch);
  // Returns false when the connection must stop processing input (it is closing).
  bool handle_op(const codec::Op& op, DeliveryBatch& batch);
  bool handle_connect(std::string_view json, DeliveryBatch& batch);
  void handle_pub(const codec::Op& op, DeliveryBatch& batch);
  void handle_sub(const codec::Op& op, DeliveryBatch& batch);
  void handle_unsub(const codec::Op& op, DeliveryBatch& batch);
  void publish(std::string_view subject, std::string_view reply, std::string_view headers,
               std::string_view payload, DeliveryBatch& batch);
  static bool deliver(Subscription* sub, std::string_view subject, std::string_view reply,
                      std::string_view headers, std::string_view payload, DeliveryBatch& batch,
                      const ClientConnection* sender);
  void send_no_responders(std::string_view reply, DeliveryBatch& batch);
  void remove_subscription(const std::string& sid);
  bool consume_reply_allowance(std::string_view subject);
  void auto_unsubscribe_async(Subscription* sub);

  // Own-thread replies (+OK, PONG, -ERR, INFO); always queued even past max_pending.
  void queue_control(std::string_view bytes, DeliveryBatch& batch);
  void queue_ok(DeliveryBatch& batch);
  void queue_err(std::string_view text, DeliveryBatch& batch);
  void close(CloseReason reason);
  void refresh_limits();

  Server& server_;
  Worker& worker_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer flush_signal_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer write_deadline_;
  const uint64_t cid_;
  std::string remote_ip_;
  uint16_t remote_port_ = 0;
  std::chrono::system_clock::time_point start_time_;

  codec::Parser parser_;

  // Client options from CONNECT (own thread). Read by publishers on other threads only through
  // the atomics below.
  bool connected_ = false;  // CONNECT accepted
  // Before CONNECT nats-server applies its defaults: verbose and pedantic on.
  bool verbose_ = true;
  bool pedantic_ = true;
  bool echo_ = true;
  bool no_responders_ = false;
  int protocol_ = 0;
  std::atomic<bool> headers_{false};  // read by publishers when formatting deliveries
  std::string name_, lang_, version_, user_;
  std::shared_ptr<const Permissions> permissions_;
  // Set once a wildcard SUB overlaps a subscribe deny clause: deliveries then pass
  // permissions_->can_receive() (read by publishers; permissions_ only changes on CONNECT).
  std::atomic<bool> filter_deliveries_{false};
  // allow_responses: reply subjects of requests delivered here that this client may answer
  // (guarded by out_mu_: recorded by publishers, consumed by our own PUBs).
  struct ReplyAllowance {
    int64_t remaining;                              // <= 0: unlimited
    std::chrono::steady_clock::time_point expires;  // max(): never
  };
  std::optional<std::pair<int64_t, std::chrono::nanoseconds>> response_policy_;
  std::unordered_map<std::string, ReplyAllowance> allowed_replies_;
  AccountPtr account_;

  // Limits, refreshed when the server's options generation changes (config reload).
  uint64_t limits_generation_ = 0;
  int64_t max_payload_ = 0;
  std::atomic<std::size_t> max_pending_{0};  // read by publishers' threads
  std::size_t max_subscriptions_ = 0;
  std::chrono::milliseconds write_deadline_ms_{0};

  // Subscriptions by sid (own thread).
  std::unordered_map<std::string, std::shared_ptr<Subscription>> subs_;

  // Outbound: written by any publisher thread under out_mu_, drained by write_loop.
  mutable std::mutex out_mu_;
  std::string out_;
  std::size_t in_flight_ = 0;  // bytes handed to the socket and not yet written
  bool out_closed_ = false;    // no more appends (closed or slow consumer)
  uint64_t out_msgs_ = 0;
  uint64_t out_bytes_ = 0;
  std::atomic<bool> flush_pending_{false};

  // Own-thread state.
  uint64_t write_seq_ = 0;         // numbers each socket write, for the deadline handler
  uint64_t deadline_hit_seq_ = 0;  // the write whose deadline expired
  bool write_in_progress_ = false;
  bool closing_ = false;
  CloseReason close_reason_ = CloseReason::kClientClosed;
  int pings_out_ = 0;
  std::atomic<int64_t> last_activity_ns_{0};
  std::atomic<uint64_t> in_msgs_{0};
  std::atomic<uint64_t> in_bytes_{0};
  std::atomic<uint64_t> sub_count_{0};
  // Guards name_/lang_/version_/user_ and writes to subs_, for info() on other threads; the
  // own thread reads subs_ without it.
  mutable std::mutex meta_mu_;
};

}  // namespace quiver::server::net
