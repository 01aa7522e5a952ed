// A request/reply service: answers every request on --subject with "echo: <data>", in the
// queue group "service" (start several to share the load). Prints "ready" once listening;
// stops after --count requests (0: until SIGINT/SIGTERM) and drains, so that every request
// already received gets its answer.
//
//   service --server nats://127.0.0.1:4222 --subject svc.echo --count 0
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
using quiver::client::Message;

namespace {

struct Args {
  std::string server = "nats://127.0.0.1:4222";
  std::string subject = "svc.echo";
  int count = 0;
};

asio::awaitable<int> run(Args args) {
  auto ex = co_await asio::this_coro::executor;
  Connection nc(ex);
  co_await nc.async_connect(args.server, asio::use_awaitable);

  asio::signal_set stop(ex, SIGINT, SIGTERM);
  int served = 0;
  // Callbacks run one at a time, in order, on this io_context.
  auto sub = co_await nc.async_subscribe(
      args.subject, {.queue = "service"},
      [&](Message request) {
        nc.publish(request.reply(), "echo: " + std::string(request.data()));
        if (++served == args.count) stop.cancel();  // wakes the wait below
      },
      asio::use_awaitable);
  co_await nc.async_flush(std::chrono::seconds(10), asio::use_awaitable);
  std::printf("ready\n");
  std::fflush(stdout);

  co_await stop.async_wait(asio::as_tuple(asio::use_awaitable));
  co_await nc.async_drain(asio::as_tuple(asio::use_awaitable));
  std::printf("served %d\n", served);
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--server") args.server = argv[i + 1];
    if (flag == "--subject") args.subject = argv[i + 1];
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
