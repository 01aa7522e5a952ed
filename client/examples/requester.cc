// Sends one request to --subject and prints the reply's data. Exit status 0 on a reply, 1 on
// an error ("no responders", "timeout", ...).
//
//   requester --server nats://127.0.0.1:4222 --subject svc.echo --data hello --timeout-ms 2000
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>

#include "client/connection.h"

namespace asio = boost::asio;
using quiver::client::Connection;

namespace {

struct Args {
  std::string server = "nats://127.0.0.1:4222";
  std::string subject = "svc.echo";
  std::string data = "hello";
  int timeout_ms = 2000;
};

// The coroutine forms return Result<T>: no exceptions for the expected failures.
asio::awaitable<int> run(Args args) {
  Connection nc(co_await asio::this_coro::executor);
  quiver::client::Options options;  // a named variable: see options.h about GCC 12
  options.servers = {args.server};
  if (auto ec = co_await nc.connect(options)) {
    std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
    co_return 1;
  }
  auto reply =
      co_await nc.request(args.subject, args.data, std::chrono::milliseconds(args.timeout_ms));
  nc.close();
  if (!reply) {
    std::printf("error: %s\n", reply.error().message().c_str());
    co_return 1;
  }
  std::printf("%.*s\n", static_cast<int>(reply.value().data().size()), reply.value().data().data());
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
    if (flag == "--timeout-ms") args.timeout_ms = std::atoi(argv[i + 1]);
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
