// JetStream in one program: a stream, acknowledged and asynchronous publishes, a durable pull
// consumer that fetches and acks, and a Key/Value bucket with a watcher. Needs a server with
// JetStream enabled (nats-server -js).
//
//   jetstream_example --server nats://127.0.0.1:4222 [--count 10]
#include <chrono>
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
#include "client/jetstream/consumer.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/kv.h"

namespace asio = boost::asio;
namespace js = quiver::client::jetstream;
using quiver::client::Connection;

namespace {

struct Args {
  std::string server = "nats://127.0.0.1:4222";
  int count = 10;
};

// Prints the error and returns false when `r` failed.
template <class T>
bool ok(const js::JsResult<T>& r, const char* what) {
  if (r) return true;
  std::fprintf(stderr, "%s: %s\n", what, r.error().message().c_str());
  return false;
}

asio::awaitable<int> run(Args args) {
  Connection nc(co_await asio::this_coro::executor);
  co_await nc.async_connect(args.server, asio::use_awaitable);  // throws on failure
  js::JetStream jetstream(nc, {.timeout = std::chrono::seconds(5)});

  // A stream capturing orders.*, replaced if it exists from an earlier run (so a failed
  // delete is fine).
  (void)co_await jetstream.delete_stream("EXAMPLE_ORDERS");
  js::StreamConfig stream;
  stream.name = "EXAMPLE_ORDERS";
  stream.subjects = {"example.orders.*"};
  if (!ok(co_await jetstream.add_stream(stream), "add_stream")) co_return 1;

  // One acknowledged publish, then the rest asynchronously within the ack window.
  auto first = co_await jetstream.publish("example.orders.new", "order 0", {.msg_id = "order-0"});
  if (!ok(first, "publish")) co_return 1;
  std::printf("published order 0 as seq %llu\n",
              static_cast<unsigned long long>(first.value().seq));
  for (int i = 1; i < args.count; ++i) {
    auto f = co_await jetstream.publish_async("example.orders.new", "order " + std::to_string(i));
    if (!ok(f, "publish_async")) co_return 1;
  }
  if (!ok(co_await jetstream.publish_async_complete(), "publish_async_complete")) co_return 1;
  std::printf("published %d\n", args.count);

  // A durable pull consumer: fetch in batches of 4 and acknowledge each message.
  js::ConsumerConfig cc;
  cc.durable_name = "example-worker";
  auto consumer = co_await jetstream.create_pull_consumer("EXAMPLE_ORDERS", cc);
  if (!ok(consumer, "create_pull_consumer")) co_return 1;
  int received = 0;
  while (received < args.count) {
    auto batch = co_await consumer.value().fetch(4, {.expires = std::chrono::seconds(2)});
    if (!ok(batch, "fetch")) co_return 1;
    if (batch.value().empty()) break;
    for (auto& msg : batch.value()) {
      const auto md = msg.metadata().value();
      std::printf("got %.*s (stream seq %llu)\n", static_cast<int>(msg.data().size()),
                  msg.data().data(), static_cast<unsigned long long>(md.stream_seq));
      msg.ack();
      ++received;
    }
  }

  // A Key/Value bucket: put, read back, and watch for the initial values and a change.
  (void)co_await jetstream.delete_key_value("example_config");
  js::KeyValueConfig kvc;
  kvc.bucket = "example_config";
  kvc.history = 3;
  auto kv = co_await jetstream.create_key_value(kvc);
  if (!ok(kv, "create_key_value")) co_return 1;
  if (!ok(co_await kv.value().put("db.url", "postgres://localhost/app"), "put")) co_return 1;
  auto entry = co_await kv.value().get("db.url");
  if (!ok(entry, "get")) co_return 1;
  std::printf("kv %s = %s (revision %llu)\n", entry.value().key.c_str(),
              entry.value().value.c_str(), static_cast<unsigned long long>(entry.value().revision));
  auto watcher = co_await kv.value().watch("db.>");
  if (!ok(watcher, "watch")) co_return 1;
  for (bool live = false; !live;) {
    auto update = co_await watcher.value().next();
    if (!ok(update, "watch next")) co_return 1;
    if (!update.value()) {  // the initial values are done: make a change and see it arrive
      std::printf("watch: initial values done\n");
      if (!ok(co_await kv.value().put("db.url", "postgres://db/app"), "put")) co_return 1;
      continue;
    }
    std::printf("watch: %s = %s\n", update.value()->key.c_str(), update.value()->value.c_str());
    live = update.value()->value == "postgres://db/app";
  }
  if (!ok(co_await watcher.value().stop(), "stop")) co_return 1;

  if (!ok(co_await jetstream.delete_key_value("example_config"), "delete_key_value") ||
      !ok(co_await jetstream.delete_stream("EXAMPLE_ORDERS"), "delete_stream")) {
    co_return 1;
  }
  std::printf("done: %d messages consumed\n", received);
  co_await nc.async_close(asio::use_awaitable);
  co_return received == args.count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--server") args.server = argv[i + 1];
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
