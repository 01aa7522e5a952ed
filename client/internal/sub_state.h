// The shared state of one subscription: the queue between the connection's reader (which pushes
// on the strand) and the application (async_next or callbacks, on any thread), the pending
// limits, and the drain bookkeeping. Guarded by its own mutex; the reader never waits on the
// application.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "client/internal/completion.h"
#include "client/message.h"
#include "client/options.h"
#include "client/stats.h"

namespace quiver::client::internal {

class Core;

class SubState : public std::enable_shared_from_this<SubState> {
 public:
  using NextCompletion = Completion<boost::system::error_code, Message>;

  SubState(std::uint64_t sid, std::string subject, std::string queue,
           const SubscribeOptions& options, MessageHandler callback,
           boost::asio::any_io_executor io_executor, std::weak_ptr<Core> core);

  std::uint64_t sid() const noexcept { return sid_; }
  const std::string& subject() const noexcept { return subject_; }
  const std::string& queue() const noexcept { return queue_name_; }
  const std::weak_ptr<Core>& core() const noexcept { return core_; }
  const boost::asio::any_io_executor& io_executor() const noexcept { return io_executor_; }
  bool has_callback() const noexcept { return static_cast<bool>(callback_); }

  enum class Push { kQueued, kDropped, kDroppedFirst, kClosed };

  // Reader side. kDroppedFirst: dropped, and the subscription just became a slow consumer
  // (report it once; it stops being one when a message is accepted again).
  Push push(Message message);

  // No message will be pushed any more. `discard` also drops what is queued (unsubscribe,
  // close); otherwise the application still gets it (drain, auto-unsubscribe). A waiting or
  // later async_next gets `reason` once the queue is empty.
  void finish(std::error_code reason, bool discard);

  // Application side.
  void next(NextCompletion done, std::optional<std::chrono::milliseconds> timeout);
  // `fn` runs (on an arbitrary thread, without locks held) once the subscription is finished
  // and every queued message was handed out and, in callback mode, its callback returned.
  void when_drained(std::function<void()> fn);
  void set_limits(std::int64_t msgs, std::int64_t bytes);
  SubscriptionStats stats() const;

  // Strand-only bookkeeping of the connection engine (not locked).
  std::uint64_t received = 0;  // messages routed here: counts towards max_msgs
  std::uint64_t max_msgs = 0;  // auto-unsubscribe limit; 0: none
  bool draining = false;       // UNSUB sent for a drain: not restored on reconnect
  bool mux = false;            // the request/reply inbox

 private:
  void run_callbacks();
  void cancel_waiter(std::uint64_t id, std::error_code reason);
  // Takes the drained callbacks when the drained condition holds. Requires mu_.
  std::vector<std::function<void()>> take_drained_locked();

  const std::uint64_t sid_;
  const std::string subject_;
  const std::string queue_name_;
  const MessageHandler callback_;
  const boost::asio::any_io_executor io_executor_;
  const std::weak_ptr<Core> core_;

  mutable std::mutex mu_;
  std::deque<Message> queue_;
  std::uint64_t pending_bytes_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
  std::int64_t limit_msgs_;
  std::int64_t limit_bytes_;
  bool slow_ = false;
  bool finished_ = false;
  std::error_code finish_reason_;
  bool callbacks_scheduled_ = false;  // a run_callbacks() is queued or running
  std::vector<std::function<void()>> drained_;

  NextCompletion waiter_;
  std::uint64_t waiter_id_ = 0;
  std::shared_ptr<boost::asio::steady_timer> waiter_timer_;
};

}  // namespace quiver::client::internal
