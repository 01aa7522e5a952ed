// What quiver's JetStream commands share: a connection with its JetStream context, running
// the client's coroutines to completion from the command's (main) thread, turning JetStream
// errors into CliError ("stream not found (10059)"), and natscli's confirmation prompt for
// destructive commands.
//
//   JsSession session(args, "quiver stream info");
//   StreamInfo info = session.run(session.js().stream_info(name), "could not load the stream");
//
// run() blocks the calling thread; never call it from the client's I/O thread.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include "cli/args.h"
#include "cli/runtime.h"
#include "client/jetstream/errors.h"
#include "client/jetstream/jetstream.h"

namespace quiver::cli {

// Runs `op` on `io` and waits for its result on the calling thread; rethrows its exception.
template <class T>
T block_on(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  boost::asio::co_spawn(
      io,
      [op = std::move(op), promise]() mutable -> boost::asio::awaitable<void> {
        if constexpr (std::is_void_v<T>) {
          co_await std::move(op);
          promise->set_value();
        } else {
          promise->set_value(co_await std::move(op));
        }
      },
      [promise](std::exception_ptr e) {
        if (e) promise->set_exception(e);
      });
  return future.get();
}

// The one-line text of a failed JetStream operation: the server's own description and code for
// API errors ("stream not found (10059)"), otherwise "<context>: <error>".
std::string describe_error(const client::jetstream::Error& error, std::string_view context);

// Asks "<question> [y/N]" on a terminal; true when `force` is set. Without a terminal on
// stdin it cannot ask: UsageError telling to use --force.
bool confirm(const std::string& question, bool force);

// The --force/-f flag of destructive commands.
FlagSpec force_flag();

class JsSession {
 public:
  // Connects with the command's connection flags; CliError when that fails.
  JsSession(const ParsedArgs& args, std::string client_name);
  ~JsSession();
  JsSession(const JsSession&) = delete;
  JsSession& operator=(const JsSession&) = delete;

  const ConnectionSettings& settings() const noexcept { return settings_; }
  Runtime& runtime() noexcept { return runtime_; }
  client::Connection& connection() noexcept { return nc_; }
  client::jetstream::JetStream& js() noexcept { return js_; }

  // Waits for `op`; its value, or CliError(describe_error(error, context)).
  template <class T>
  T run(boost::asio::awaitable<client::jetstream::JsResult<T>> op, std::string_view context) {
    auto result = block_on(runtime_.io(), std::move(op));
    if (!result) throw CliError(describe_error(result.error(), context));
    if constexpr (!std::is_void_v<T>) return std::move(result).value();
  }
  // Waits for `op` and returns its result as is.
  template <class T>
  T wait(boost::asio::awaitable<T> op) {
    return block_on(runtime_.io(), std::move(op));
  }

 private:
  ConnectionSettings settings_;
  Runtime runtime_;
  client::Connection nc_;
  client::jetstream::JetStream js_;
};

}  // namespace quiver::cli
