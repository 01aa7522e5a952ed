// The connection engine behind client::Connection.
//
// Everything protocol-related runs on one strand: the handshake, a reader coroutine that parses
// with codec::Parser and routes messages, a writer coroutine, a PING timer, the reconnect loop
// and all bookkeeping (subscriptions by sid, pending requests and flushes, the PONG queue).
// User-facing operations post onto the strand, except publish(), which any thread may call:
// it appends to the outbound buffer under out_mu_ and wakes the writer only when the writer is
// idle. The writer swaps the whole buffer out and writes it with one call, so publishes that
// arrive while a write is in flight go out together (flush coalescing, no timers).
//
// Reconnect: when the link breaks, unsent bytes are dropped and publishes go to the same buffer
// in "buffer" mode, bounded by Options::reconnect_buffer_bytes. After a reconnect handshake
// the buffer is prefixed with a SUB (+ UNSUB max) for every live subscription and followed by a
// PING for every flush still waiting, then the writer sends it all.
//
// Lock order: out_mu_, then info_mu_. A SubState's mutex is never held while taking these.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include "client/internal/completion.h"
#include "client/internal/server_pool.h"
#include "client/internal/sub_state.h"
#include "client/message.h"
#include "client/options.h"
#include "client/stats.h"
#include "client/subscription.h"
#include "codec/headers.h"
#include "codec/ops.h"
#include "codec/parser.h"
#include "codec/protocol_json.h"

namespace quiver::client::internal {

class Core : public std::enable_shared_from_this<Core> {
 public:
  using Ec = boost::system::error_code;
  using VoidCompletion = Completion<Ec>;
  using SubCompletion = Completion<Ec, Subscription>;
  using MsgCompletion = Completion<Ec, Message>;

  explicit Core(boost::asio::any_io_executor executor);
  ~Core();

  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  const boost::asio::any_io_executor& executor() const noexcept { return io_executor_; }

  // Any thread.
  void start_connect(Options options, VoidCompletion done);
  // `above_limit` null: fail with kWriteBufferFull past Options::write_buffer_limit. Non-null:
  // append anyway and report whether the unwritten bytes are above the limit (async_publish
  // then waits for room with start_publish_wait()).
  std::error_code publish(std::string_view subject, std::string_view reply,
                          const codec::Headers* headers, std::string_view data,
                          bool* above_limit = nullptr);
  void start_publish_wait(VoidCompletion done);
  void start_flush(std::chrono::milliseconds timeout, VoidCompletion done);
  // `options.queue` is ignored: `queue` owns the name.
  void start_subscribe(std::string subject, std::string queue, SubscribeOptions options,
                       MessageHandler callback, SubCompletion done);
  void start_request(std::string subject, std::string data, std::chrono::milliseconds timeout,
                     std::optional<codec::Headers> headers, MsgCompletion done);
  void start_drain(VoidCompletion done);
  void start_close(VoidCompletion done);  // `done` may be empty
  void unsubscribe(std::shared_ptr<SubState> sub, std::uint64_t max_msgs);
  void drain_subscription(std::shared_ptr<SubState> sub, VoidCompletion done);
  void report_callback_error(std::uint64_t sid, std::string subject, std::string what);

  Status status() const noexcept { return status_.load(std::memory_order_acquire); }
  Statistics stats() const;
  std::optional<codec::ServerInfo> server_info() const;
  std::string connected_url() const;
  std::vector<std::string> servers() const;
  std::int64_t max_payload() const noexcept { return max_payload_.load(std::memory_order_relaxed); }
  std::string new_inbox() const;

 private:
  struct Link;
  enum class WriteMode { kNotConnected, kSocket, kBuffer, kClosed };
  struct PongEntry {
    enum class Kind { kKeepalive, kFlush, kInternal } kind;
    std::uint64_t id = 0;
    std::function<void(std::error_code)> fn;
  };
  struct PendingFlush {
    VoidCompletion done;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  struct PendingRequest {
    MsgCompletion done;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  // Strand: operations.
  void do_connect(Options options, VoidCompletion done);
  void do_publish_wait(VoidCompletion done);
  void wake_space_waiters();
  void do_flush(std::chrono::milliseconds timeout, VoidCompletion done);
  void do_subscribe(std::string subject, std::string queue, SubscribeOptions options,
                    MessageHandler callback, SubCompletion done);
  void do_request(std::string subject, std::string data, std::chrono::milliseconds timeout,
                  std::optional<codec::Headers> headers, MsgCompletion done);
  void do_drain(VoidCompletion done);
  void do_unsubscribe(const std::shared_ptr<SubState>& sub, std::uint64_t max_msgs);
  void do_drain_subscription(const std::shared_ptr<SubState>& sub, VoidCompletion done);
  void finish_flush(std::uint64_t id, std::error_code ec);
  void finish_request(const std::string& token, std::error_code ec);
  void drain_flush_step();
  std::error_code check_usable() const;

  // Strand: connection lifecycle.
  static boost::asio::awaitable<void> main_loop(std::shared_ptr<Core> self, VoidCompletion done);
  boost::asio::awaitable<std::pair<std::error_code, std::shared_ptr<Link>>> try_server(
      ServerUrl url);
  boost::asio::awaitable<std::error_code> handshake(Link& link, const ServerUrl& url);
  boost::asio::awaitable<std::error_code> next_op(Link& link);
  boost::asio::awaitable<std::shared_ptr<Link>> reconnect();
  void activate(const std::shared_ptr<Link>& link, const ServerUrl& url);
  boost::asio::awaitable<void> serve(std::shared_ptr<Link> link);
  boost::asio::awaitable<void> read_loop(std::shared_ptr<Link> link);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<Link> link);
  boost::asio::awaitable<void> ping_loop(std::shared_ptr<Link> link);
  void lose(Link& link, std::error_code ec);
  void on_disconnected();
  void begin_close();
  void finish_close(std::error_code error, bool emit_closed);

  // Strand: input.
  void process(Link& link, std::string_view data);
  void handle_op(Link& link, const codec::Op& op);
  void deliver(const codec::Op& op);
  void deliver_reply(const codec::Op& op);
  void on_pong();
  void on_server_error(Link& link, std::string_view text);
  void apply_info(const codec::ServerInfo& info);
  std::string connect_json(const codec::ServerInfo& info, const ServerUrl& url) const;

  // Strand: output outside publish(). False when not connected (nothing appended).
  bool append_control(std::string_view bytes);
  void emit(Event event);

  const boost::asio::any_io_executor io_executor_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::strand<boost::asio::any_io_executor> events_strand_;

  // ---- strand only ----
  Options options_;
  std::shared_ptr<const std::function<void(const Event&)>> on_event_;
  std::mt19937_64 rng_;
  ServerPool pool_;
  bool started_ = false;
  bool loop_running_ = false;  // main_loop owns the lifecycle; it calls finish_close()
  bool closing_ = false;
  bool close_requested_ = false;  // by close(), drain() or the drain timeout
  bool closed_ = false;
  bool draining_ = false;
  bool ever_connected_ = false;
  std::shared_ptr<Link> link_;     // the live connection
  std::shared_ptr<Link> attempt_;  // a connection being set up
  std::error_code loss_error_;     // why the live connection ended
  std::error_code final_error_;    // why the connection closed (empty: asked to)

  codec::Parser parser_;
  std::vector<char> rbuf_;
  std::size_t rpos_ = 0;
  std::size_t rend_ = 0;

  boost::asio::steady_timer wake_;  // the idle writer waits on it; cancel() wakes it
  boost::asio::steady_timer ping_timer_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer drain_timer_;
  int pings_out_ = 0;
  std::deque<PongEntry> pongs_;  // one per PING in flight, oldest first
  std::unordered_map<std::uint64_t, PendingFlush> flushes_;
  std::uint64_t next_id_ = 0;

  std::map<std::uint64_t, std::shared_ptr<SubState>> subs_;  // by sid: resubscribe order
  std::uint64_t next_sid_ = 0;
  std::string resp_prefix_;  // "_INBOX.<nuid>."
  std::shared_ptr<SubState> resp_sub_;
  std::unordered_map<std::string, PendingRequest> requests_;
  std::uint64_t next_token_ = 0;

  VoidCompletion drain_done_;
  std::error_code drain_error_;
  std::vector<VoidCompletion> close_waiters_;
  std::vector<VoidCompletion> space_waiters_;  // async_publish back-pressure

  // ---- any thread ----
  mutable std::mutex out_mu_;
  std::string out_;
  WriteMode mode_ = WriteMode::kNotConnected;
  bool writer_waiting_ = false;
  bool wake_posted_ = false;
  std::size_t reconnect_limit_ = 0;
  std::size_t write_limit_ = 0;
  std::uint64_t out_msgs_ = 0;
  std::uint64_t out_bytes_ = 0;

  std::atomic<Status> status_{Status::kNotConnected};
  std::atomic<std::int64_t> max_payload_;
  std::atomic<bool> headers_ok_{true};
  std::atomic<std::uint64_t> in_msgs_{0};
  std::atomic<std::uint64_t> in_bytes_{0};
  std::atomic<std::uint64_t> reconnects_{0};

  mutable std::mutex info_mu_;
  std::optional<codec::ServerInfo> info_;
  std::string url_;
  std::vector<std::string> servers_;
  std::string inbox_prefix_ = "_INBOX";
};

}  // namespace quiver::client::internal
