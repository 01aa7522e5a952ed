// The client against real servers: every test runs once against /usr/sbin/nats-server 2.9.10
// (the reference) and once against quiver-server, each started on a free loopback port.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "client/connection.h"
#include "client/testing/async_test.h"
#include "client/testing/server_process.h"

namespace quiver::client {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::milliseconds;
using testing::EventLog;
using testing::eventually;
using testing::ServerProcess;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr milliseconds kWait{10000};

std::string server_binary(const std::string& name) {
  if (name == "nats_server") return "/usr/sbin/nats-server";
  const char* path = std::getenv("QUIVER_SERVER");
  return path != nullptr ? path : "server/quiver-server";
}

class IntegrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto started = ServerProcess::start(server_binary(GetParam()));
    ASSERT_TRUE(started) << server_binary(GetParam()) << ": " << started.error().message();
    server.emplace(std::move(started).value());
  }

  Options options() {
    Options o;
    o.servers = {server->url()};
    o.name = "integration";
    o.reconnect_wait = milliseconds(50);
    o.reconnect_wait_max = milliseconds(50);
    o.reconnect_jitter = milliseconds(10);
    o.max_reconnect_attempts = -1;
    o.on_event = log.handler();
    return o;
  }

  awaitable<bool> connect(Connection& nc, Options o) {
    auto [ec] = co_await nc.async_connect(std::move(o), kTuple);
    EXPECT_FALSE(ec) << ec.message();
    co_return !ec;
  }

  void run(std::function<awaitable<void>()> body) { testing::run_test(io, std::move(body)); }

  asio::io_context io;
  std::optional<ServerProcess> server;
  EventLog log;
};

TEST_P(IntegrationTest, PublishSubscribeInOrder) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    EXPECT_EQ(nc.connected_url(), server->url());
    auto exact = co_await nc.subscribe("orders.new");
    auto wild = co_await nc.subscribe("orders.>");
    QV_CO_ASSERT_TRUE(exact && wild);
    constexpr int kCount = 1000;
    for (int i = 0; i < kCount; ++i) EXPECT_FALSE(nc.publish("orders.new", std::to_string(i)));
    for (int i = 0; i < kCount; ++i) {
      auto a = co_await exact.value().next(kWait);
      auto b = co_await wild.value().next(kWait);
      QV_CO_ASSERT_TRUE(a && b);
      EXPECT_EQ(a.value().data(), std::to_string(i));
      EXPECT_EQ(b.value().data(), std::to_string(i));
      EXPECT_EQ(b.value().subject(), "orders.new");
    }
    EXPECT_EQ(nc.stats().out_msgs, static_cast<std::uint64_t>(kCount));
    EXPECT_EQ(nc.stats().in_msgs, static_cast<std::uint64_t>(2 * kCount));
    co_await nc.async_close(kTuple);
  });
}

TEST_P(IntegrationTest, QueueGroupGetsEachMessageOnce) {
  run([&]() -> awaitable<void> {
    Connection a(io.get_executor());
    Connection b(io.get_executor());
    if (!co_await connect(a, options()) || !co_await connect(b, options())) co_return;
    int q1 = 0;
    int q2 = 0;
    int plain = 0;
    SubscribeOptions workers{.queue = "workers"};
    EXPECT_TRUE(co_await a.subscribe("jobs", workers, [&](Message) { ++q1; }));
    EXPECT_TRUE(co_await b.subscribe("jobs", workers, [&](Message) { ++q2; }));
    EXPECT_TRUE(co_await b.subscribe("jobs", {}, [&](Message) { ++plain; }));
    EXPECT_FALSE(co_await a.flush());
    EXPECT_FALSE(co_await b.flush());
    for (int i = 0; i < 200; ++i) a.publish("jobs", "x");
    EXPECT_TRUE(co_await eventually([&] { return q1 + q2 == 200 && plain == 200; }, kWait));
    EXPECT_EQ(q1 + q2, 200);
    EXPECT_EQ(plain, 200);
    a.close();
    b.close();
  });
}

TEST_P(IntegrationTest, RequestReplyNoRespondersAndTimeout) {
  run([&]() -> awaitable<void> {
    Connection service(io.get_executor());
    Connection client(io.get_executor());
    if (!co_await connect(service, options()) || !co_await connect(client, options())) co_return;
    auto echo = co_await service.subscribe("svc.echo", {.queue = "svc"}, [&](Message m) {
      service.publish(m.reply(), "echo:" + std::string(m.data()));
    });
    auto silent = co_await service.subscribe("svc.silent");
    EXPECT_TRUE(echo && silent);
    EXPECT_FALSE(co_await service.flush());
    for (int i = 0; i < 20; ++i) {
      auto r = co_await client.request("svc.echo", std::to_string(i), kWait);
      QV_CO_ASSERT_TRUE(r);
      EXPECT_EQ(r.value().data(), "echo:" + std::to_string(i));
    }
    const auto start = std::chrono::steady_clock::now();
    auto none = co_await client.request("svc.nobody", "x", kWait);
    EXPECT_EQ(none.error(), errc::kNoResponders);
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(5000));
    auto timeout = co_await client.request("svc.silent", "x", milliseconds(100));
    EXPECT_EQ(timeout.error(), errc::kTimeout);
    service.close();
    client.close();
  });
}

TEST_P(IntegrationTest, HeadersRoundTrip) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    EXPECT_TRUE(nc.server_info()->headers);
    auto sub = co_await nc.subscribe("h");
    codec::Headers h;
    h.add("Trace-Id", "abc");
    h.add("Multi", "1");
    h.add("Multi", "2");
    EXPECT_FALSE(nc.publish("h", "payload", {.reply = "r.1", .headers = &h}));
    auto m = co_await sub.value().next(kWait);
    QV_CO_ASSERT_TRUE(m);
    EXPECT_TRUE(m.value().has_headers());
    EXPECT_EQ(m.value().headers(), h);
    EXPECT_EQ(m.value().reply(), "r.1");
    EXPECT_EQ(m.value().data(), "payload");
    nc.close();
  });
}

TEST_P(IntegrationTest, AutoUnsubscribe) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    Connection pub(io.get_executor());
    if (!co_await connect(nc, options()) || !co_await connect(pub, options())) co_return;
    auto sub = co_await nc.subscribe("au", {.max_msgs = 3});
    EXPECT_FALSE(co_await nc.flush());
    for (int i = 0; i < 10; ++i) pub.publish("au", std::to_string(i));
    EXPECT_FALSE(co_await pub.flush());
    for (int i = 0; i < 3; ++i) {
      auto m = co_await sub.value().next(kWait);
      QV_CO_ASSERT_TRUE(m);
      EXPECT_EQ(m.value().data(), std::to_string(i));
    }
    EXPECT_EQ((co_await sub.value().next(kWait)).error(), errc::kSubscriptionClosed);
    nc.close();
    pub.close();
  });
}

TEST_P(IntegrationTest, DrainHandlesEveryQueuedMessage) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    Connection pub(io.get_executor());
    if (!co_await connect(nc, options()) || !co_await connect(pub, options())) co_return;
    int handled = 0;
    auto sub = co_await nc.subscribe("d", {}, [&](Message) { ++handled; });
    EXPECT_FALSE(co_await nc.flush());
    for (int i = 0; i < 500; ++i) pub.publish("d", "x");
    EXPECT_FALSE(co_await pub.flush());
    EXPECT_FALSE(co_await nc.drain());
    EXPECT_EQ(handled, 500);
    EXPECT_EQ(nc.status(), Status::kClosed);
    pub.close();
  });
}

TEST_P(IntegrationTest, LargeMessagesAndMaxPayload) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    const std::int64_t max = nc.max_payload();
    EXPECT_EQ(max, 1024 * 1024);
    auto sub = co_await nc.subscribe("big");
    std::string big(static_cast<std::size_t>(max), 'b');
    big[0] = 'x';
    big.back() = 'y';
    EXPECT_FALSE(nc.publish("big", big));
    EXPECT_EQ(nc.publish("big", big + "!"), errc::kMaxPayload);
    auto m = co_await sub.value().next(kWait);
    QV_CO_ASSERT_TRUE(m);
    EXPECT_EQ(m.value().data(), big);
    nc.close();
  });
}

TEST_P(IntegrationTest, UserPasswordAndTokenAuth) {
  auto secured =
      ServerProcess::start(server_binary(GetParam()), {"--user", "alice", "--pass", "s3cret"});
  ASSERT_TRUE(secured);
  auto tokened = ServerProcess::start(server_binary(GetParam()), {"--auth", "t0k3n"});
  ASSERT_TRUE(tokened);
  run([&]() -> awaitable<void> {
    Options o = options();
    o.servers = {secured.value().url()};
    o.allow_reconnect = false;
    {
      Connection nc(io.get_executor());
      o.user = "alice";
      o.password = "wrong";
      auto [ec] = co_await nc.async_connect(o, kTuple);
      EXPECT_EQ(ec, errc::kAuthorization) << ec.message();
    }
    {
      Connection nc(io.get_executor());
      o.password = "s3cret";
      if (!co_await connect(nc, o)) co_return;
      EXPECT_FALSE(co_await nc.flush());
      nc.close();
    }
    {
      Connection nc(io.get_executor());
      Options t = options();
      t.servers = {"nats://t0k3n@127.0.0.1:" + std::to_string(tokened.value().port())};
      if (!co_await connect(nc, t)) co_return;
      EXPECT_FALSE(co_await nc.flush());
      nc.close();
    }
  });
}

TEST_P(IntegrationTest, ConnectByUrlList) {
  run([&]() -> awaitable<void> {
    auto dead = testing::free_port();
    QV_CO_ASSERT_TRUE(dead);
    Connection nc(io.get_executor());
    const std::string urls =
        "nats://127.0.0.1:" + std::to_string(dead.value()) + ", " + server->url();
    auto [ec] = co_await nc.async_connect(urls, kTuple);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(nc.connected_url(), server->url());
    EXPECT_EQ(nc.servers().size(), 2u);
    nc.close();
  });
}

TEST_P(IntegrationTest, ReconnectAfterKillReplaysBufferAndRestoresSubscriptions) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("r.>");
    auto queue_sub = co_await nc.subscribe("q", {.queue = "g"});
    QV_CO_ASSERT_TRUE(sub && queue_sub);
    nc.publish("r.before", "0");
    EXPECT_EQ((co_await sub.value().next(kWait)).value().data(), "0");

    const pid_t old_pid = server->pid();
    server->kill();
    EXPECT_TRUE(
        co_await eventually([&] { return log.count(EventType::kDisconnected) == 1; }, kWait));
    EXPECT_NE(nc.status(), Status::kConnected);
    constexpr int kBuffered = 200;
    for (int i = 0; i < kBuffered; ++i) {
      EXPECT_FALSE(nc.publish("r.buffered", std::to_string(i))) << i;
    }
    nc.publish("q", "queued while down");
    EXPECT_FALSE(server->restart());
    EXPECT_NE(server->pid(), old_pid);
    EXPECT_TRUE(
        co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }, kWait));

    // Subscriptions were restored before the buffer was replayed: nothing is lost.
    for (int i = 0; i < kBuffered; ++i) {
      auto m = co_await sub.value().next(kWait);
      QV_CO_ASSERT_TRUE(m);
      EXPECT_EQ(m.value().subject(), "r.buffered");
      EXPECT_EQ(m.value().data(), std::to_string(i));
    }
    EXPECT_EQ((co_await queue_sub.value().next(kWait)).value().data(), "queued while down");
    nc.publish("r.after", "after");
    auto after = co_await sub.value().next(kWait);
    QV_CO_ASSERT_TRUE(after);
    EXPECT_EQ(after.value().data(), "after");
    EXPECT_EQ(nc.stats().reconnects, 1u);
    EXPECT_EQ(nc.status(), Status::kConnected);
    // Request/reply works on the new connection too (the inbox subscription is restored).
    auto service =
        co_await nc.subscribe("svc", {}, [&](Message m) { nc.publish(m.reply(), "ok"); });
    auto reply = co_await nc.request("svc", "x", kWait);
    EXPECT_TRUE(reply);
    nc.close();
  });
}

TEST_P(IntegrationTest, RequestInboxSurvivesReconnect) {
  run([&]() -> awaitable<void> {
    Connection service(io.get_executor());
    Connection client(io.get_executor());
    if (!co_await connect(service, options()) || !co_await connect(client, options())) co_return;
    EXPECT_TRUE(co_await service.subscribe("svc", {},
                                           [&](Message m) { service.publish(m.reply(), "ok"); }));
    EXPECT_FALSE(co_await service.flush());
    EXPECT_TRUE(co_await client.request("svc", "before", kWait));
    server->kill();
    EXPECT_TRUE(
        co_await eventually([&] { return log.count(EventType::kDisconnected) == 2; }, kWait));
    EXPECT_FALSE(server->restart());
    EXPECT_TRUE(
        co_await eventually([&] { return log.count(EventType::kReconnected) == 2; }, kWait));
    EXPECT_FALSE(co_await service.flush());
    auto r = co_await client.request("svc", "after", kWait);
    EXPECT_TRUE(r) << r.error().message();
    service.close();
    client.close();
  });
}

TEST_P(IntegrationTest, LameDuckModeIsReported) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.allow_reconnect = false;
    if (!co_await connect(nc, o)) co_return;
    server->signal(SIGUSR2);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kLameDuck) == 1; }, kWait));
    nc.close();
    server->kill();  // a server in lame duck mode takes its grace period to stop
  });
}

TEST_P(IntegrationTest, PublishFromManyThreads) {
  auto work = asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  {
    Connection pub(io.get_executor());
    Connection sub(io.get_executor());
    EXPECT_NO_THROW(pub.async_connect(options(), asio::use_future).get());
    EXPECT_NO_THROW(sub.async_connect(options(), asio::use_future).get());
    std::atomic<int> received{0};
    sub.async_subscribe(
           "mt.>", {}, [&](Message) { ++received; }, asio::use_future)
        .get();
    sub.async_flush(kWait, asio::use_future).get();
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          while (pub.publish("mt." + std::to_string(t), "x") == errc::kWriteBufferFull) {
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    pub.async_flush(kWait, asio::use_future).get();
    for (int i = 0; i < 1000 && received.load() < kThreads * kPerThread; ++i) {
      sub.async_flush(kWait, asio::use_future).get();
    }
    EXPECT_EQ(received.load(), kThreads * kPerThread);
    pub.async_close(asio::use_future).get();
    sub.async_close(asio::use_future).get();
  }
  work.reset();
  io_thread.join();
}

INSTANTIATE_TEST_SUITE_P(Servers, IntegrationTest,
                         ::testing::Values("nats_server", "quiver_server"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace quiver::client
