// Turns a JetStream coroutine form into an Asio initiating function, so that every operation is
// also available with any completion token (callbacks, use_future, use_awaitable, as_tuple,
// deferred), completing with `void(boost::system::error_code, T)` or
// `void(boost::system::error_code)` for JsResult<void>. The Error's description is not part of
// the signature: use the coroutine form when you need it.
//
//   js.async_publish("orders.new", "x", {}, [](boost::system::error_code ec, PubAck ack) {...});
//   auto ack = js.async_publish("orders.new", "x", {}, asio::use_future).get();
//
// Views passed to an operation (subjects, data, option strings) must stay valid until the
// operation starts; with `deferred`, that is when it is launched.
#pragma once

#include <exception>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include "client/jetstream/errors.h"

namespace quiver::client::jetstream {
namespace internal {

template <class T>
struct Signature {
  using type = void(boost::system::error_code, T);
};
template <>
struct Signature<void> {
  using type = void(boost::system::error_code);
};

// std's system and generic categories map back to Boost's, so a caller comparing with
// boost::asio::error values sees equality.
boost::system::error_code to_boost(const std::error_code& ec);

boost::system::error_code from_exception(std::exception_ptr e);

// What the spawned coroutine hands over. co_spawn needs a default-constructible result type;
// std::optional would do, but GCC 12 at -O1 and up reports its move as -Wmaybe-uninitialized.
template <class T>
struct Outcome {
  JsResult<T> result{Error(client::errc::kInvalidState)};
};

}  // namespace internal

// Runs `factory()` (which returns awaitable<JsResult<T>>) on `executor` and completes `token`.
template <class T, class Factory, class CompletionToken>
auto async_from_coroutine(boost::asio::any_io_executor executor, Factory factory,
                          CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, typename internal::Signature<T>::type>(
      [](auto handler, boost::asio::any_io_executor executor, Factory factory) {
        auto handler_executor = boost::asio::get_associated_executor(handler, executor);
        boost::asio::co_spawn(
            executor,
            [factory =
                 std::move(factory)]() mutable -> boost::asio::awaitable<internal::Outcome<T>> {
              // Not `Outcome<T>{co_await ...}`: GCC 12 destroys a braced temporary inside a
              // co_await expression twice.
              internal::Outcome<T> outcome;
              outcome.result = co_await factory();
              co_return outcome;
            },
            boost::asio::bind_executor(
                handler_executor, [handler = std::move(handler)](
                                      std::exception_ptr e, internal::Outcome<T> outcome) mutable {
                  JsResult<T>& result = outcome.result;
                  boost::system::error_code ec;
                  if (e) {
                    ec = internal::from_exception(e);
                  } else if (!result.has_value()) {
                    ec = internal::to_boost(result.error().code);
                  }
                  if constexpr (std::is_void_v<T>) {
                    std::move(handler)(ec);
                  } else {
                    std::move(handler)(ec, !ec ? std::move(result).value() : T{});
                  }
                }));
      },
      token, std::move(executor), std::move(factory));
}

}  // namespace quiver::client::jetstream
