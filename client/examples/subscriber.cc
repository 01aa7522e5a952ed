// Prints the messages of --subject ("<subject>: <data>", one per line), after a "ready" line
// once the subscription is registered. Stops after --count messages (0: until SIGINT/SIGTERM),
// draining so that nothing already received is lost.
//
//   subscriber --server nats://127.0.0.1:4222 --subject 'greet.*' --count 10 [--queue q]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "client/connection.h"

namespace asio = boost::asio;
using quiver::client::Connection;

namespace {

struct Args {
  std::string server = "nats://127.0.0.1:4222";
  std::string subject = "greet.*";
  std::string queue;
  int count = 0;
};

asio::awaitable<int> run(Args args) {
  auto ex = co_await asio::this_coro::executor;
  Connection nc(ex);
  co_await nc.async_connect(args.server, asio::use_awaitable);
  auto sub = co_await nc.async_subscribe(args.subject, {.queue = args.queue}, asio::use_awaitable);
  co_await nc.async_flush(std::chrono::seconds(10), asio::use_awaitable);
  std::printf("ready\n");
  std::fflush(stdout);

  asio::signal_set signals(ex, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) sub.unsubscribe();  // ends the loop below
  });
  for (int n = 0; args.count == 0 || n < args.count; ++n) {
    auto [ec, msg] = co_await sub.async_next(asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    std::printf("%.*s: %.*s\n", static_cast<int>(msg.subject().size()), msg.subject().data(),
                static_cast<int>(msg.data().size()), msg.data().data());
    std::fflush(stdout);
  }
  signals.cancel();
  co_await nc.async_drain(asio::as_tuple(asio::use_awaitable));
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--server") args.server = argv[i + 1];
    if (flag == "--subject") args.subject = argv[i + 1];
    if (flag == "--queue") args.queue = argv[i + 1];
    if (flag == "--count") args.count = std::atoi(argv[i + 1]);
  }
  asio::io_context io;
  auto status = asio::co_spawn(io, run(args), asio::use_future);
  io.run();
  try {
    return status.get();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
}
