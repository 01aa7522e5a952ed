#include "bindings/python/bridge.h"

#include <exception>
#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include "client/errors.h"

namespace quiver::bindings {
namespace {

namespace asio = boost::asio;
using Ec = boost::system::error_code;

bool over(std::int64_t limit, std::uint64_t value) {
  return limit > 0 && value > static_cast<std::uint64_t>(limit);
}

// A stuck close must not hang the interpreter: after this long the I/O thread is stopped.
constexpr auto kShutdownGrace = std::chrono::seconds(2);

}  // namespace

// ---------------------------------------------------------------------------------------------
// Outbox

std::shared_ptr<Outbox> Outbox::create(std::function<void()> wake) {
  std::shared_ptr<Outbox> outbox(new Outbox(std::move(wake)));
  // The thread keeps the Outbox alive: stop() may detach it (when called from inside wake),
  // and it must still find its members afterwards.
  outbox->thread_ = std::thread([outbox] { outbox->run(); });
  return outbox;
}

Outbox::Outbox(std::function<void()> wake) : wake_(std::move(wake)) {}

Outbox::~Outbox() {
  // Only reachable with a joinable thread when the notifier itself drops the last reference.
  if (thread_.joinable()) thread_.detach();
}

void Outbox::post(Item item) {
  bool notify = false;
  {
    std::lock_guard lock(mu_);
    items_.push_back(std::move(item));
    if (!wake_pending_) {
      wake_pending_ = true;
      wake_due_ = true;
      notify = true;
    }
  }
  if (notify) cv_.notify_one();
}

std::vector<Item> Outbox::take() {
  std::lock_guard lock(mu_);
  wake_pending_ = false;
  return std::exchange(items_, {});
}

void Outbox::stop() {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    thread = std::move(thread_);
  }
  cv_.notify_all();
  if (!thread.joinable()) return;
  if (thread.get_id() == std::this_thread::get_id()) {
    thread.detach();
  } else {
    thread.join();
  }
}

void Outbox::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || wake_due_; });
    if (stop_) return;
    wake_due_ = false;
    lock.unlock();
    wake_();
    lock.lock();
  }
}

// ---------------------------------------------------------------------------------------------
// SubQueue

SubQueue::SubQueue(std::uint64_t id, std::shared_ptr<Outbox> outbox, SubLimits limits,
                   std::uint64_t max_msgs)
    : id_(id), outbox_(std::move(outbox)), max_msgs_(max_msgs), limits_(limits) {}

void SubQueue::push(client::Message message) {
  bool post = false;
  std::optional<client::Event> slow;
  {
    std::lock_guard lock(mu_);
    if (finished_) return;
    ++received_;
    const std::size_t size = message.size();
    if (over(limits_.msgs, queue_.size() + 1) || over(limits_.bytes, pending_bytes_ + size)) {
      ++dropped_;
      if (!slow_) {
        slow_ = true;
        client::Event event;
        event.type = client::EventType::kSlowConsumer;
        event.error = client::errc::kSlowConsumer;
        if (subscription_.valid()) {
          event.sid = subscription_.sid();
          event.subject = subscription_.subject();
        }
        slow = std::move(event);
      }
    } else {
      slow_ = false;
      pending_bytes_ += size;
      queue_.push_back(std::move(message));
      signal_locked(post);
    }
    if (max_msgs_ != 0 && received_ >= max_msgs_) {
      finish_locked(client::errc::kSubscriptionClosed, false, post);
    }
  }
  if (slow) outbox_->post(EventItem{std::move(*slow)});
  if (post) outbox_->post(SubReady{id_});
}

void SubQueue::finish(std::error_code reason, bool discard) {
  bool post = false;
  {
    std::lock_guard lock(mu_);
    finish_locked(reason, discard, post);
  }
  if (post) outbox_->post(SubReady{id_});
}

void SubQueue::finish_locked(std::error_code reason, bool discard, bool& post) {
  if (!finished_) {
    finished_ = true;
    reason_ = reason;
  }
  if (discard) {
    queue_.clear();
    pending_bytes_ = 0;
  }
  signal_locked(post);
}

void SubQueue::signal_locked(bool& post) {
  if (signaled_) return;
  signaled_ = true;
  post = true;
}

SubQueue::Batch SubQueue::take(std::size_t max) {
  Batch batch;
  std::lock_guard lock(mu_);
  const std::size_t n = std::min(max, queue_.size());
  batch.messages.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    pending_bytes_ -= queue_.front().size();
    batch.messages.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  delivered_ += n;
  if (queue_.empty() && finished_) {
    batch.finished = true;
    batch.reason = reason_;
  } else if (n == 0) {
    signaled_ = false;  // parked: the next push wakes the consumer
  }
  return batch;
}

void SubQueue::set_max_msgs(std::uint64_t max_msgs) {
  bool post = false;
  {
    std::lock_guard lock(mu_);
    max_msgs_ = max_msgs;
    if (max_msgs_ != 0 && received_ >= max_msgs_) {
      finish_locked(client::errc::kSubscriptionClosed, false, post);
    }
  }
  if (post) outbox_->post(SubReady{id_});
}

void SubQueue::set_limits(SubLimits limits) {
  std::lock_guard lock(mu_);
  limits_ = limits;
}

client::SubscriptionStats SubQueue::stats() const {
  std::lock_guard lock(mu_);
  return {queue_.size(), pending_bytes_, delivered_, dropped_};
}

void SubQueue::attach(client::Subscription subscription) {
  std::lock_guard lock(mu_);
  subscription_ = std::move(subscription);
}

client::Subscription SubQueue::subscription() const {
  std::lock_guard lock(mu_);
  return subscription_;
}

// ---------------------------------------------------------------------------------------------
// Bridge

Bridge::Bridge(std::function<void()> wake)
    : work_(io_.get_executor()),
      outbox_(Outbox::create(std::move(wake))),
      connection_(io_.get_executor()) {
  io_thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        break;
      } catch (const std::exception&) {
        // A handler threw: the other operations still deserve their completions.
      }
    }
    {
      std::lock_guard lock(shutdown_mu_);
      io_done_ = true;
    }
    io_done_cv_.notify_all();
  });
}

Bridge::~Bridge() { shutdown(); }

std::uint64_t Bridge::connect(client::Options options) {
  const std::uint64_t id = next_op();
  options.on_event = [this](const client::Event& event) { on_event(event); };
  connection_.async_connect(std::move(options), [this, id](Ec ec) {
    outbox_->post(OpDone{id, ec, {}, 0});
  });
  return id;
}

std::error_code Bridge::publish(std::string_view subject, std::string_view data,
                                std::string_view reply, const codec::Headers* headers) {
  client::PublishOptions options;
  options.reply = reply;
  options.headers = headers;
  return connection_.publish(subject, data, options);
}

std::uint64_t Bridge::publish_wait(std::string_view subject, std::string_view data,
                                   std::string_view reply, const codec::Headers* headers) {
  const std::uint64_t id = next_op();
  client::PublishOptions options;
  options.reply = reply;
  options.headers = headers;
  connection_.async_publish(subject, data, options, [this, id](Ec ec) {
    outbox_->post(OpDone{id, ec, {}, 0});
  });
  return id;
}

std::uint64_t Bridge::flush(std::chrono::milliseconds timeout) {
  const std::uint64_t id = next_op();
  connection_.async_flush(timeout, [this, id](Ec ec) { outbox_->post(OpDone{id, ec, {}, 0}); });
  return id;
}

std::pair<std::uint64_t, std::shared_ptr<SubQueue>> Bridge::subscribe(std::string subject,
                                                                      std::string queue,
                                                                      std::uint64_t max_msgs,
                                                                      SubLimits limits) {
  const std::uint64_t id = next_op();
  auto sub_queue =
      std::make_shared<SubQueue>(next_queue_.fetch_add(1) + 1, outbox_, limits, max_msgs);
  {
    std::lock_guard lock(queues_mu_);
    queues_[sub_queue->id()] = sub_queue;
  }
  client::SubscribeOptions options;
  options.queue = queue;  // copied when the operation starts
  options.max_msgs = max_msgs;
  // The SubQueue enforces the limits; the client's own queue only ever holds what arrived
  // since its last callback batch.
  options.pending_msgs_limit = 0;
  options.pending_bytes_limit = 0;
  // Weak: the client's subscription state holds this handler, and the SubQueue holds the
  // subscription.
  std::weak_ptr<SubQueue> weak = sub_queue;
  connection_.async_subscribe(
      std::move(subject), std::move(options),
      [weak](client::Message message) {
        if (auto q = weak.lock()) q->push(std::move(message));
      },
      [this, id, weak](Ec ec, client::Subscription subscription) {
        std::uint64_t sid = 0;
        if (auto q = weak.lock()) {
          if (ec) {
            q->finish(ec, true);
          } else {
            sid = subscription.sid();
            q->attach(std::move(subscription));
          }
        }
        outbox_->post(OpDone{id, ec, {}, sid});
      });
  return {id, sub_queue};
}

void Bridge::unsubscribe(const std::shared_ptr<SubQueue>& queue) {
  if (auto subscription = queue->subscription(); subscription.valid()) subscription.unsubscribe();
  queue->finish(client::errc::kSubscriptionClosed, true);
}

void Bridge::auto_unsubscribe(const std::shared_ptr<SubQueue>& queue, std::uint64_t max_msgs) {
  queue->set_max_msgs(max_msgs);
  if (auto subscription = queue->subscription(); subscription.valid()) {
    subscription.auto_unsubscribe(max_msgs);
  }
}

std::uint64_t Bridge::drain_subscription(const std::shared_ptr<SubQueue>& queue) {
  const std::uint64_t id = next_op();
  auto subscription = queue->subscription();
  if (!subscription.valid()) {
    outbox_->post(OpDone{id, client::errc::kInvalidState, {}, 0});
    return id;
  }
  subscription.async_drain([this, id, queue](Ec ec) {
    queue->finish(client::errc::kSubscriptionClosed, false);
    outbox_->post(OpDone{id, ec, {}, 0});
  });
  return id;
}

std::uint64_t Bridge::request(std::string subject, std::string data,
                              std::optional<codec::Headers> headers,
                              std::chrono::milliseconds timeout) {
  const std::uint64_t id = next_op();
  // Started on the I/O thread, where cancel() emits: a cancellation_signal is not thread-safe.
  asio::post(io_, [this, id, subject = std::move(subject), data = std::move(data),
                   headers = std::move(headers), timeout]() mutable {
    auto signal = std::make_shared<asio::cancellation_signal>();
    cancels_[id] = signal;
    client::RequestOptions options;
    options.timeout = timeout;
    options.headers = headers ? &*headers : nullptr;  // copied when the operation starts
    connection_.async_request(std::move(subject), std::move(data), std::move(options),
                              asio::bind_cancellation_slot(
                                  signal->slot(), [this, id, signal](Ec ec, client::Message reply) {
                                    cancels_.erase(id);
                                    OpDone done{id, ec, {}, 0};
                                    if (!ec) done.message = std::move(reply);
                                    outbox_->post(std::move(done));
                                  }));
  });
  return id;
}

void Bridge::track_cancel(std::uint64_t op, std::shared_ptr<asio::cancellation_signal> signal) {
  js_cancels_[op] = std::move(signal);
}

void Bridge::untrack_cancel(std::uint64_t op) { js_cancels_.erase(op); }

void Bridge::cancel(std::uint64_t op) {
  asio::post(io_, [this, op] {
    std::shared_ptr<asio::cancellation_signal> signal;  // the completion may erase the entry
    if (auto it = cancels_.find(op); it != cancels_.end()) {
      signal = it->second;
    } else if (auto js = js_cancels_.find(op); js != js_cancels_.end()) {
      signal = js->second;
    }
    if (signal) signal->emit(asio::cancellation_type::terminal);
  });
}

std::uint64_t Bridge::drain() {
  const std::uint64_t id = next_op();
  connection_.async_drain([this, id](Ec ec) {
    finish_all(client::errc::kConnectionClosed);
    outbox_->post(OpDone{id, ec, {}, 0});
  });
  return id;
}

std::uint64_t Bridge::close() {
  const std::uint64_t id = next_op();
  connection_.async_close([this, id](Ec ec) {
    finish_all(client::errc::kConnectionClosed);
    outbox_->post(OpDone{id, ec, {}, 0});
  });
  return id;
}

void Bridge::on_event(const client::Event& event) {
  // Subscriptions end before Python hears of the close, so a consumer woken by the event
  // already sees the end of its stream.
  if (event.type == client::EventType::kClosed) finish_all(client::errc::kConnectionClosed);
  outbox_->post(EventItem{event});
}

void Bridge::finish_all(std::error_code reason) {
  std::vector<std::shared_ptr<SubQueue>> live;
  {
    std::lock_guard lock(queues_mu_);
    for (auto& [id, weak] : queues_) {
      if (auto q = weak.lock()) live.push_back(std::move(q));
    }
    queues_.clear();
  }
  for (auto& q : live) q->finish(reason, true);
}

void Bridge::shutdown() {
  {
    std::lock_guard lock(shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  shutting_down_.store(true, std::memory_order_release);
  // A JetStream wait (an acknowledgement, a fetch) would otherwise hold the I/O thread until
  // its own timeout.
  asio::post(io_, [this] {
    auto cancels = js_cancels_;  // completions erase entries
    for (auto& [op, signal] : cancels) signal->emit(asio::cancellation_type::terminal);
  });
  connection_.close();
  work_.reset();
  {
    std::unique_lock lock(shutdown_mu_);
    if (!io_done_cv_.wait_for(lock, kShutdownGrace, [this] { return io_done_; })) io_.stop();
  }
  if (io_thread_.joinable()) io_thread_.join();
  outbox_->stop();
}

}  // namespace quiver::bindings
