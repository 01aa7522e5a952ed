// What every quiver command shares: the connection flags (--server, --user, --password,
// --token, --timeout, with NATS_URL & co. as fallbacks), the thread that runs the client's
// io_context, blocking waits on the client's asynchronous operations, and natscli-style output.
//
// Commands are plain sequential code on the main thread; the client runs on Runtime's
// background thread. wait_for() must therefore never be called from that thread (a client
// callback), or it deadlocks.
#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include "cli/args.h"
#include "client/connection.h"
#include "client/options.h"

namespace quiver::cli {

// A failure while running a command (connection refused, timeout, no responders, ...): quiver
// prints "quiver: error: <what>" and exits with status 1.
class CliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConnectionSettings {
  std::vector<std::string> servers{"nats://127.0.0.1:4222"};
  std::string user;
  std::string password;
  std::string token;
  std::chrono::nanoseconds timeout = std::chrono::seconds(5);
};

// The flags behind ConnectionSettings, which every command accepts.
std::vector<FlagSpec> connection_flags();

using GetEnv = std::function<const char*(const char*)>;

// Flags first, then the environment: NATS_URL (comma-separated URLs), NATS_USER,
// NATS_PASSWORD, NATS_TOKEN, NATS_TIMEOUT. Throws UsageError for a malformed value.
ConnectionSettings connection_settings(const ParsedArgs& args, const GetEnv& getenv = std::getenv);

// Client options for a connection named `name` ("quiver pub"): servers in the given order,
// credentials, connect timeout = the settings' timeout.
client::Options client_options(const ConnectionSettings& settings, std::string name);

// "nats://a:4222, nats://b:4222" for error messages.
std::string join_servers(const std::vector<std::string>& servers);

class Runtime {
 public:
  // Starts `threads` threads running the io_context.
  explicit Runtime(int threads = 1);
  // Stops the io_context and joins its threads. Connections must be gone (or closed) first.
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  boost::asio::io_context& io() noexcept { return io_; }

  // Connects with `options`; throws CliError("could not connect to <servers>: <reason>").
  client::Connection connect(client::Options options);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

// Starts an asynchronous operation with a completion handler and blocks until it completes:
//
//   auto [ec, msg] = wait_for<client::Message>(
//       [&](auto handler) { nc.async_request(subject, body, timeout, std::move(handler)); });
template <class... Results, class Initiate>
std::tuple<boost::system::error_code, Results...> wait_for(Initiate&& initiate) {
  using Tuple = std::tuple<boost::system::error_code, Results...>;
  auto promise = std::make_shared<std::promise<Tuple>>();
  auto future = promise->get_future();
  initiate([promise](boost::system::error_code ec, Results... results) {
    promise->set_value(Tuple(ec, std::move(results)...));
  });
  return future.get();
}

// Flushes (PING/PONG) within `timeout`; throws CliError on failure.
void flush_or_throw(client::Connection& nc, std::chrono::nanoseconds timeout);

// publish(), and when the outbound buffer is full, async_publish() waiting for room (publish
// fails with kWriteBufferFull rather than block).
std::error_code publish_waiting(client::Connection& nc, std::string_view subject,
                                std::string_view data, const client::PublishOptions& options = {});

// Closes the connection and waits until it is closed.
void close_and_wait(client::Connection& nc);

// natscli's log line on stderr: "15:04:05 <text>\n", flushed.
void log_line(std::string_view text);

// Writes to stdout and flushes, so a reader on a pipe sees each message as it arrives.
void print_out(std::string_view text);

}  // namespace quiver::cli
