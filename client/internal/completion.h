// A pending asynchronous operation: a type-erased completion handler plus outstanding work on
// the handler's executor. The connection engine stores these in maps (requests, flushes,
// subscription waiters) and completes them from its strand.
//
// complete() never calls the handler inline: it posts to the connection's I/O executor (never
// the strand), from where Asio dispatches to the handler's associated executor, exactly as a
// socket operation completes. A slow handler cannot stall the reader, and a handler may call
// back into the client freely. (Posting to the handler's any_completion_executor directly is
// not possible in Asio 1.26: it cannot be required to be non-blocking.)
#pragma once

#include <system_error>
#include <type_traits>
#include <utility>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

namespace quiver::client::internal {

// The engine works with std::error_code; completions carry boost::system::error_code. Asio's
// system and generic errors become std's categories on the way in, so map them back: a caller
// comparing with boost::asio::error::connection_refused must see equality.
inline boost::system::error_code to_boost(const std::error_code& ec) {
  if (ec.category() == std::system_category()) {
    return {ec.value(), boost::system::system_category()};
  }
  if (ec.category() == std::generic_category()) {
    return {ec.value(), boost::system::generic_category()};
  }
  return ec;
}

template <class T>
decltype(auto) to_completion_arg(T&& value) {
  if constexpr (std::is_same_v<std::decay_t<T>, std::error_code>) {
    return to_boost(value);
  } else if constexpr (std::is_error_code_enum_v<std::decay_t<T>>) {
    return to_boost(make_error_code(value));
  } else {
    return std::forward<T>(value);
  }
}

// boost::asio::error::operation_aborted, for the engine's std::error_code paths.
inline std::error_code aborted() {
  return boost::system::error_code(boost::asio::error::operation_aborted);
}

template <class... Args>
class Completion {
 public:
  using Handler = boost::asio::any_completion_handler<void(Args...)>;

  Completion() = default;
  Completion(Handler handler, const boost::asio::any_io_executor& io_executor)
      : io_executor_(io_executor),
        work_(boost::asio::prefer(boost::asio::get_associated_executor(handler, io_executor),
                                  boost::asio::execution::outstanding_work.tracked)),
        handler_(std::move(handler)) {}

  Completion(Completion&&) noexcept = default;
  // Not defaulted: Boost 1.81's any_completion_handler move assignment wraps the source (an
  // lvalue inside it) in a new handler instead of taking it over. Move-construct and swap.
  Completion& operator=(Completion&& other) noexcept {
    if (this != &other) {
      io_executor_ = std::move(other.io_executor_);
      work_ = std::move(other.work_);
      Handler taken(std::move(other.handler_));
      taken.swap(handler_);
    }
    return *this;
  }

  explicit operator bool() const noexcept { return static_cast<bool>(handler_); }

  // The caller's cancellation slot (not connected when the caller cannot cancel).
  boost::asio::cancellation_slot slot() const noexcept {
    return boost::asio::get_associated_cancellation_slot(handler_);
  }

  // Posts the handler with `args` (a std::error_code or error enum may stand in for the
  // boost::system::error_code). The Completion is empty afterwards.
  template <class... Ts>
  void complete(Ts&&... args) {
    static_assert(sizeof...(Ts) == sizeof...(Args));
    // The post keeps its own work on the handler's executor; ours may go once it is queued.
    // Moving leaves handler_ empty (see operator= for why it is never assigned to).
    boost::asio::post(io_executor_,
                      boost::asio::append(std::move(handler_),
                                          Args(to_completion_arg(std::forward<Ts>(args)))...));
    work_ = boost::asio::any_completion_executor();
  }

 private:
  boost::asio::any_io_executor io_executor_;
  boost::asio::any_completion_executor work_;
  Handler handler_;
};

}  // namespace quiver::client::internal
