#include "client/internal/sub_state.h"

#include <exception>
#include <utility>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "client/errors.h"
#include "client/internal/core.h"

namespace quiver::client::internal {
namespace {

namespace asio = boost::asio;

// Callback batches yield to the executor after this many messages, so one busy subscription
// cannot starve the rest of the application's handlers.
constexpr int kCallbackBatch = 256;

bool over(std::int64_t limit, std::uint64_t value) {
  return limit > 0 && value > static_cast<std::uint64_t>(limit);
}

}  // namespace

SubState::SubState(std::uint64_t sid, std::string subject, std::string queue,
                   const SubscribeOptions& options, MessageHandler callback,
                   asio::any_io_executor io_executor, std::weak_ptr<Core> core)
    : sid_(sid),
      subject_(std::move(subject)),
      queue_name_(std::move(queue)),
      callback_(std::move(callback)),
      io_executor_(std::move(io_executor)),
      core_(std::move(core)),
      limit_msgs_(options.pending_msgs_limit),
      limit_bytes_(options.pending_bytes_limit) {}

SubState::Push SubState::push(Message message) {
  std::lock_guard lock(mu_);
  if (finished_) return Push::kClosed;
  if (waiter_) {
    // The queue is empty whenever someone waits: hand the message over directly.
    ++delivered_;
    slow_ = false;
    if (waiter_timer_) waiter_timer_->cancel();
    waiter_timer_.reset();
    waiter_.complete(std::error_code{}, std::move(message));
    return Push::kQueued;
  }
  const std::size_t size = message.size();
  if (over(limit_msgs_, queue_.size() + 1) || over(limit_bytes_, pending_bytes_ + size)) {
    ++dropped_;
    const bool first = !slow_;
    slow_ = true;
    return first ? Push::kDroppedFirst : Push::kDropped;
  }
  slow_ = false;
  pending_bytes_ += size;
  queue_.push_back(std::move(message));
  if (callback_ && !callbacks_scheduled_) {
    callbacks_scheduled_ = true;
    asio::post(io_executor_, [self = shared_from_this()] { self->run_callbacks(); });
  }
  return Push::kQueued;
}

void SubState::finish(std::error_code reason, bool discard) {
  std::vector<std::function<void()>> drained;
  {
    std::lock_guard lock(mu_);
    if (!finished_) {
      finished_ = true;
      finish_reason_ = reason;
    }
    if (discard) {
      queue_.clear();
      pending_bytes_ = 0;
    }
    if (waiter_ && queue_.empty()) {
      if (waiter_timer_) waiter_timer_->cancel();
      waiter_timer_.reset();
      waiter_.complete(finish_reason_, Message{});
    }
    drained = take_drained_locked();
  }
  for (auto& fn : drained) fn();
}

void SubState::next(NextCompletion done, std::optional<std::chrono::milliseconds> timeout) {
  std::vector<std::function<void()>> drained;
  {
    std::lock_guard lock(mu_);
    if (!queue_.empty()) {
      Message message = std::move(queue_.front());
      queue_.pop_front();
      pending_bytes_ -= message.size();
      ++delivered_;
      done.complete(std::error_code{}, std::move(message));
      drained = take_drained_locked();
    } else if (finished_) {
      done.complete(finish_reason_, Message{});
    } else if (callback_) {
      done.complete(errc::kInvalidState, Message{});
    } else if (waiter_) {
      done.complete(errc::kBusy, Message{});
    } else {
      const std::uint64_t id = ++waiter_id_;
      std::weak_ptr<SubState> weak = weak_from_this();
      if (auto slot = done.slot(); slot.is_connected()) {
        slot.assign([weak, id](asio::cancellation_type) {
          if (auto self = weak.lock()) self->cancel_waiter(id, aborted());
        });
      }
      if (timeout) {
        waiter_timer_ = std::make_shared<asio::steady_timer>(io_executor_, *timeout);
        waiter_timer_->async_wait([weak, id](boost::system::error_code ec) {
          if (ec) return;
          if (auto self = weak.lock()) self->cancel_waiter(id, errc::kTimeout);
        });
      }
      waiter_ = std::move(done);
    }
  }
  for (auto& fn : drained) fn();
}

void SubState::cancel_waiter(std::uint64_t id, std::error_code reason) {
  std::lock_guard lock(mu_);
  if (!waiter_ || waiter_id_ != id) return;
  if (waiter_timer_) waiter_timer_->cancel();
  waiter_timer_.reset();
  waiter_.complete(reason, Message{});
}

void SubState::when_drained(std::function<void()> fn) {
  std::vector<std::function<void()>> drained;
  {
    std::lock_guard lock(mu_);
    drained_.push_back(std::move(fn));
    drained = take_drained_locked();
  }
  for (auto& f : drained) f();
}

std::vector<std::function<void()>> SubState::take_drained_locked() {
  if (!finished_ || !queue_.empty() || callbacks_scheduled_) return {};
  return std::exchange(drained_, {});
}

void SubState::run_callbacks() {
  for (int i = 0; i < kCallbackBatch; ++i) {
    Message message;
    std::vector<std::function<void()>> drained;
    bool idle = false;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) {
        callbacks_scheduled_ = false;
        drained = take_drained_locked();
        idle = true;
      } else {
        message = std::move(queue_.front());
        queue_.pop_front();
        pending_bytes_ -= message.size();
      }
    }
    if (idle) {
      for (auto& fn : drained) fn();
      return;
    }
    try {
      callback_(std::move(message));
    } catch (const std::exception& e) {
      if (auto core = core_.lock()) core->report_callback_error(sid_, subject_, e.what());
    } catch (...) {
      if (auto core = core_.lock())
        core->report_callback_error(sid_, subject_, "unknown exception");
    }
    std::lock_guard lock(mu_);
    ++delivered_;
  }
  asio::post(io_executor_, [self = shared_from_this()] { self->run_callbacks(); });
}

void SubState::set_limits(std::int64_t msgs, std::int64_t bytes) {
  std::lock_guard lock(mu_);
  limit_msgs_ = msgs;
  limit_bytes_ = bytes;
}

SubscriptionStats SubState::stats() const {
  std::lock_guard lock(mu_);
  return SubscriptionStats{queue_.size(), pending_bytes_, delivered_, dropped_};
}

}  // namespace quiver::client::internal
