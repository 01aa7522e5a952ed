#include "client/subscription.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/errors.h"
#include "client/internal/core.h"
#include "client/internal/sub_state.h"
#include "common/assert.h"

namespace quiver::client {
namespace {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

std::uint64_t Subscription::sid() const noexcept { return state_ ? state_->sid() : 0; }

const std::string& Subscription::subject() const noexcept {
  static const std::string kEmpty;
  return state_ ? state_->subject() : kEmpty;
}

const std::string& Subscription::queue() const noexcept {
  static const std::string kEmpty;
  return state_ ? state_->queue() : kEmpty;
}

void Subscription::start_next(const std::shared_ptr<internal::SubState>& state,
                              asio::any_completion_handler<NextSignature> handler,
                              std::optional<std::chrono::milliseconds> timeout) {
  QV_CHECK(state != nullptr, "async_next on an empty Subscription");
  internal::SubState::NextCompletion done(std::move(handler), state->io_executor());
  state->next(std::move(done), timeout);
}

void Subscription::start_drain(const std::shared_ptr<internal::SubState>& state,
                               asio::any_completion_handler<DrainSignature> handler) {
  QV_CHECK(state != nullptr, "async_drain on an empty Subscription");
  internal::Completion<boost::system::error_code> done(std::move(handler), state->io_executor());
  if (auto core = state->core().lock()) {
    core->drain_subscription(state, std::move(done));
    return;
  }
  auto shared_done =
      std::make_shared<internal::Completion<boost::system::error_code>>(std::move(done));
  state->when_drained([shared_done] { shared_done->complete(std::error_code{}); });
}

void Subscription::unsubscribe() {
  if (!state_) return;
  if (auto core = state_->core().lock()) core->unsubscribe(state_, 0);
}

void Subscription::auto_unsubscribe(std::uint64_t max_msgs) {
  if (!state_) return;
  if (auto core = state_->core().lock()) core->unsubscribe(state_, max_msgs);
}

asio::awaitable<Result<Message>> Subscription::next() {
  auto [ec, message] = co_await async_next(kTuple);
  if (ec) co_return std::error_code(ec);
  co_return std::move(message);
}

asio::awaitable<Result<Message>> Subscription::next(std::chrono::milliseconds timeout) {
  auto [ec, message] = co_await async_next(timeout, kTuple);
  if (ec) co_return std::error_code(ec);
  co_return std::move(message);
}

asio::awaitable<std::error_code> Subscription::drain() {
  auto [ec] = co_await async_drain(kTuple);
  co_return std::error_code(ec);
}

void Subscription::set_pending_limits(std::int64_t msgs, std::int64_t bytes) {
  if (state_) state_->set_limits(msgs, bytes);
}

SubscriptionStats Subscription::stats() const {
  return state_ ? state_->stats() : SubscriptionStats{};
}

}  // namespace quiver::client
