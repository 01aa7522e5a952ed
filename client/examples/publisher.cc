// Publishes --count messages ("<data> <i>") to --subject and exits once the server has them.
//
//   publisher --server nats://127.0.0.1:4222 --subject greet.joe --count 10 --data hello
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "client/connection.h"

namespace asio = boost::asio;
using quiver::client::Connection;

namespace {

struct Args {
  std::string server = "nats://127.0.0.1:4222";
  std::string subject = "greet.joe";
  std::string data = "hello";
  int count = 1;
};

asio::awaitable<int> run(Args args) {
  Connection nc(co_await asio::this_coro::executor);
  co_await nc.async_connect(args.server, asio::use_awaitable);  // throws on failure
  for (int i = 0; i < args.count; ++i) {
    if (auto ec = nc.publish(args.subject, args.data + " " + std::to_string(i))) {
      std::fprintf(stderr, "publish: %s\n", ec.message().c_str());
      co_return 1;
    }
  }
  co_await nc.async_flush(std::chrono::seconds(10), asio::use_awaitable);
  std::printf("published %d\n", args.count);
  co_await nc.async_close(asio::use_awaitable);
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--server") args.server = argv[i + 1];
    if (flag == "--subject") args.subject = argv[i + 1];
    if (flag == "--data") args.data = argv[i + 1];
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
