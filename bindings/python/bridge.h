// The Python-free core of the bindings: a client::Connection running on its own io_context
// thread, and the hand-over queues between that thread and the thread of an asyncio loop.
//
// Nothing here knows Python. Completions of operations, lifecycle events and "this subscription
// has messages" signals go into an Outbox; the Outbox calls its `wake` function (the pybind11
// glue: take the GIL, loop.call_soon_threadsafe) from its own notifier thread, at most once until
// the loop has taken what is there. So the I/O thread never waits for the GIL, and a burst of
// completions costs the loop one wake-up.
//
// Messages do not travel through the Outbox: each subscription has a SubQueue that the loop
// drains in batches. A SubQueue signals the Outbox only when its consumer parked (its last
// take() found nothing), so a consumer that keeps up with a stream is never woken at all.
#pragma once

#include <any>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "client/connection.h"
#include "client/message.h"
#include "client/options.h"
#include "client/stats.h"
#include "client/subscription.h"

namespace quiver::bindings {

// An operation finished. `message` is a request's reply; `sid` a subscription's id.
struct OpDone {
  std::uint64_t op = 0;
  std::error_code error;
  std::optional<client::Message> message;
  std::uint64_t sid = 0;
  // JetStream operations (js_ops.h): the result, whose type depends on the operation (it may
  // be set along with `error`), and what the server said when it refused an API request.
  std::any value;
  int api_status = 0;
  int api_err_code = 0;
  std::string description;
};

// The consumer of subscription `queue` parked, and the queue has something for it now.
struct SubReady {
  std::uint64_t queue = 0;
};

struct EventItem {
  client::Event event;
};

using Item = std::variant<OpDone, SubReady, EventItem>;

class Outbox : public std::enable_shared_from_this<Outbox> {
 public:
  // `wake` runs on the notifier thread with no lock held. It may block (on the GIL).
  static std::shared_ptr<Outbox> create(std::function<void()> wake);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Any thread; never blocks on the consumer.
  void post(Item item);
  // The consumer takes everything; the next post() wakes it again.
  std::vector<Item> take();
  // Stops the notifier thread and waits for it, unless called on that very thread (from inside
  // `wake`), where it only detaches. Idempotent. No wake-up starts after it returned.
  void stop();

 private:
  explicit Outbox(std::function<void()> wake);
  void run();

  const std::function<void()> wake_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> items_;
  bool wake_pending_ = false;  // posted since the last take(): the consumer will come
  bool wake_due_ = false;      // the notifier should call wake_
  bool stop_ = false;
  std::thread thread_;
};

struct SubLimits {
  std::int64_t msgs = 512 * 1024;  // <= 0: unlimited (nats-py's defaults)
  std::int64_t bytes = 128 * 1024 * 1024;
};

// The messages of one subscription on their way to Python.
class SubQueue {
 public:
  SubQueue(std::uint64_t id, std::shared_ptr<Outbox> outbox, SubLimits limits,
           std::uint64_t max_msgs);

  std::uint64_t id() const noexcept { return id_; }

  // I/O thread. Beyond the limits the message is dropped and the first drop of an episode is
  // reported as a kSlowConsumer event.
  void push(client::Message message);
  // No message will be pushed any more; `discard` also drops the queued ones. The first call
  // sets the reason that take() reports once the queue is empty.
  void finish(std::error_code reason, bool discard);

  struct Batch {
    std::vector<client::Message> messages;
    bool finished = false;  // nothing queued and nothing will come
    std::error_code reason;
  };
  // Up to `max` messages. Taking nothing parks the consumer: the next push or finish signals it
  // through the Outbox.
  Batch take(std::size_t max);

  // Ends the subscription after `max_msgs` messages in total (counting those already
  // received); ends it now if that many arrived.
  void set_max_msgs(std::uint64_t max_msgs);
  void set_limits(SubLimits limits);
  client::SubscriptionStats stats() const;

  // Set once the subscription exists (I/O thread); empty before.
  void attach(client::Subscription subscription);
  client::Subscription subscription() const;

 private:
  void signal_locked(bool& post);
  void finish_locked(std::error_code reason, bool discard, bool& post);

  const std::uint64_t id_;
  const std::shared_ptr<Outbox> outbox_;

  mutable std::mutex mu_;
  std::deque<client::Message> queue_;
  std::uint64_t pending_bytes_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t max_msgs_ = 0;
  SubLimits limits_;
  bool slow_ = false;
  bool signaled_ = false;  // a SubReady is on its way, or the consumer has not parked
  bool finished_ = false;
  std::error_code reason_;
  client::Subscription subscription_;
};

// A connection with its own I/O thread. Every method may be called from any thread except the
// I/O thread; the operations return an id that comes back in an OpDone.
class Bridge {
 public:
  explicit Bridge(std::function<void()> wake);
  ~Bridge();
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  Outbox& outbox() noexcept { return *outbox_; }

  std::uint64_t connect(client::Options options);
  std::error_code publish(std::string_view subject, std::string_view data, std::string_view reply,
                          const codec::Headers* headers);
  // Queues even past the write buffer limit; OpDone once the unwritten bytes are under it.
  std::uint64_t publish_wait(std::string_view subject, std::string_view data,
                             std::string_view reply, const codec::Headers* headers);
  std::uint64_t flush(std::chrono::milliseconds timeout);
  // OpDone.sid carries the subscription's sid.
  std::pair<std::uint64_t, std::shared_ptr<SubQueue>> subscribe(std::string subject,
                                                                std::string queue,
                                                                std::uint64_t max_msgs,
                                                                SubLimits limits);
  void unsubscribe(const std::shared_ptr<SubQueue>& queue);
  void auto_unsubscribe(const std::shared_ptr<SubQueue>& queue, std::uint64_t max_msgs);
  // OpDone once the server sent all that was in flight and every message is in the SubQueue.
  std::uint64_t drain_subscription(const std::shared_ptr<SubQueue>& queue);
  std::uint64_t request(std::string subject, std::string data,
                        std::optional<codec::Headers> headers, std::chrono::milliseconds timeout);
  std::uint64_t drain();
  std::uint64_t close();
  // Cancels a pending request or JetStream operation (OpDone with operation_aborted); no effect
  // on other operations.
  void cancel(std::uint64_t op);
  // I/O thread only: makes JetStream operation `op` cancellable through `signal` (by cancel()
  // and by shutdown()), until untracked.
  void track_cancel(std::uint64_t op, std::shared_ptr<boost::asio::cancellation_signal> signal);
  void untrack_cancel(std::uint64_t op);
  // True once shutdown() started: an operation aborted now failed because of the close.
  bool shutting_down() const noexcept { return shutting_down_.load(std::memory_order_acquire); }

  // Cancels the JetStream operations, closes the connection, then stops and joins both
  // threads. Idempotent. Must not be called while holding a lock the `wake` function needs (the
  // GIL).
  void shutdown();

  client::Connection& connection() noexcept { return connection_; }
  boost::asio::io_context::executor_type executor() noexcept { return io_.get_executor(); }
  const std::shared_ptr<Outbox>& outbox_ptr() const noexcept { return outbox_; }
  // An id for an operation started outside this class (js_ops.h).
  std::uint64_t next_op() { return next_op_.fetch_add(1, std::memory_order_relaxed) + 1; }

 private:
  void on_event(const client::Event& event);
  void finish_all(std::error_code reason);

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::shared_ptr<Outbox> outbox_;
  client::Connection connection_;
  std::atomic<std::uint64_t> next_op_{0};
  std::atomic<std::uint64_t> next_queue_{0};

  // I/O thread only: requests, and the JetStream operations (track_cancel).
  std::unordered_map<std::uint64_t, std::shared_ptr<boost::asio::cancellation_signal>> cancels_;
  std::unordered_map<std::uint64_t, std::shared_ptr<boost::asio::cancellation_signal>> js_cancels_;
  std::atomic<bool> shutting_down_{false};

  std::mutex queues_mu_;
  std::unordered_map<std::uint64_t, std::weak_ptr<SubQueue>> queues_;

  std::mutex shutdown_mu_;
  std::condition_variable io_done_cv_;
  bool io_done_ = false;
  bool shut_down_ = false;
  std::thread io_thread_;
};

}  // namespace quiver::bindings
