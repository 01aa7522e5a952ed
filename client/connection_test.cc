// Unit tests of the whole client (engine, reconnect, subscriptions, requests) against the
// in-memory FakeServer: exact bytes on the wire, reads split at every byte, and a transport
// failure injected at every operation.
#include "client/connection.h"

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "client/testing/async_test.h"
#include "client/testing/fake_server.h"
#include "codec/encoder.h"

namespace quiver::client {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::milliseconds;
using testing::EventLog;
using testing::eventually;
using testing::FakeServer;
using testing::pause;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kHandshakeEnd = "PING\r\n";

template <class E>
std::error_code asio_ec(E e) {
  return boost::system::error_code(e);
}

// What the client wrote after its CONNECT + PING.
std::string after_handshake(const testing::FakeConnection& conn) {
  const auto& r = conn.received();
  const auto pos = r.find(kHandshakeEnd);
  return pos == std::string::npos ? std::string() : r.substr(pos + kHandshakeEnd.size());
}

std::string msg(std::string_view subject, std::string_view sid, std::string_view reply,
                std::string_view payload) {
  std::string out;
  codec::append_msg(out, subject, sid, reply, payload);
  return out;
}

class ConnectionTest : public ::testing::Test {
 protected:
  Options options() {
    Options o;
    o.servers = {"nats://127.0.0.1:4222"};
    o.transport_factory = server.transport_factory();
    o.on_event = log.handler();
    o.no_randomize = true;
    o.reconnect_wait = milliseconds(1);
    o.reconnect_wait_max = milliseconds(1);
    o.reconnect_jitter = milliseconds(0);
    o.random_seed = 1;
    return o;
  }

  void run(std::function<awaitable<void>()> body) { testing::run_test(io, std::move(body)); }

  // Connects and checks that it worked.
  awaitable<bool> connect(Connection& nc, Options o) {
    auto [ec] = co_await nc.async_connect(std::move(o), kTuple);
    EXPECT_FALSE(ec) << ec.message();
    co_return !ec;
  }

  asio::io_context io;
  FakeServer server{io.get_executor()};
  EventLog log;
};

// ---------------------------------------------------------------------------------------------
// Connect and handshake.

TEST_F(ConnectionTest, ConnectSendsExactHandshake) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.name = "unit";
    EXPECT_EQ(nc.status(), Status::kNotConnected);
    if (!co_await connect(nc, o)) co_return;
    EXPECT_EQ(nc.status(), Status::kConnected);
    EXPECT_TRUE(nc.is_connected());
    EXPECT_EQ(nc.connected_url(), "nats://127.0.0.1:4222");
    EXPECT_EQ(server.last()->received(),
              "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,"
              "\"name\":\"unit\",\"lang\":\"cpp\",\"version\":\"0.1.0\",\"protocol\":1,"
              "\"echo\":true,\"headers\":true,\"no_responders\":true}\r\nPING\r\n");
    QV_CO_ASSERT_TRUE(nc.server_info().has_value());
    EXPECT_EQ(nc.server_info()->server_id, "FAKE");
    EXPECT_EQ(nc.max_payload(), 1024 * 1024);
    auto [ec] = co_await nc.async_close(kTuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(nc.status(), Status::kClosed);
    EXPECT_TRUE(server.last()->closed_by_client());
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
    EXPECT_FALSE(log.events().back().error);
  });
}

TEST_F(ConnectionTest, NoEchoAndHeadersFollowOptionsAndServer) {
  run([&]() -> awaitable<void> {
    server.info.headers = false;
    Connection nc(io.get_executor());
    auto o = options();
    o.no_echo = true;
    if (!co_await connect(nc, o)) co_return;
    const auto& c = server.last()->connect_options();
    QV_CO_ASSERT_TRUE(c.has_value());
    EXPECT_FALSE(c->echo);
    EXPECT_FALSE(c->headers);
    EXPECT_FALSE(c->no_responders);
    codec::Headers h;
    h.add("k", "v");
    EXPECT_EQ(nc.publish("a", "x", {.headers = &h}), errc::kHeadersNotSupported);
    nc.close();
  });
}

TEST_F(ConnectionTest, HandshakeSurvivesReadsSplitAtEveryByte) {
  run([&]() -> awaitable<void> {
    const std::size_t total = server.info_line().size() + 6;  // INFO + PONG
    for (std::size_t chunk = 1; chunk <= total; ++chunk) {
      server.read_chunk = chunk;
      Connection nc(io.get_executor());
      auto [ec] = co_await nc.async_connect(options(), kTuple);
      EXPECT_FALSE(ec) << "chunk " << chunk << ": " << ec.message();
      EXPECT_EQ(nc.status(), Status::kConnected) << chunk;
      co_await nc.async_close(kTuple);
    }
  });
}

TEST_F(ConnectionTest, MessagesSurviveReadsSplitAtEveryByte) {
  run([&]() -> awaitable<void> {
    server.route = false;
    std::string blob = msg("s.a", "1", "", "hello");
    codec::append_hmsg(blob, "s.b", "1", "r.1", "NATS/1.0\r\nK: V\r\n\r\n", "wörld");
    blob += "PING\r\n";
    blob += msg("s.c", "1", "reply.x", "");
    codec::append_hmsg(blob, "s.d", "1", "", "NATS/1.0 100 Idle\r\n\r\n", "");
    blob += "+OK\r\n";
    for (std::size_t chunk = 1; chunk <= blob.size(); ++chunk) {
      Connection nc(io.get_executor());
      if (!co_await connect(nc, options())) co_return;
      auto [sub_ec, sub] = co_await nc.async_subscribe("s.*", {}, kTuple);
      EXPECT_FALSE(sub_ec);
      co_await nc.async_flush(milliseconds(5000), kTuple);
      server.read_chunk = chunk;
      server.last()->send(blob);
      auto m1 = co_await sub.next(milliseconds(5000));
      auto m2 = co_await sub.next(milliseconds(5000));
      auto m3 = co_await sub.next(milliseconds(5000));
      auto m4 = co_await sub.next(milliseconds(5000));
      if (!m1 || !m2 || !m3 || !m4) {
        ADD_FAILURE() << "chunk " << chunk << " lost a message";
        co_return;
      }
      EXPECT_EQ(m1.value().subject(), "s.a");
      EXPECT_EQ(m1.value().data(), "hello");
      EXPECT_FALSE(m1.value().has_headers());
      EXPECT_EQ(m2.value().subject(), "s.b");
      EXPECT_EQ(m2.value().reply(), "r.1");
      EXPECT_EQ(m2.value().data(), "wörld");
      EXPECT_EQ(m2.value().headers().get("K"), "V");
      EXPECT_EQ(m3.value().reply(), "reply.x");
      EXPECT_EQ(m3.value().data(), "");
      EXPECT_EQ(m4.value().status(), 100);
      EXPECT_EQ(m4.value().headers().description(), "Idle");
      auto conn = server.last();
      EXPECT_TRUE(co_await eventually([&] {
        return conn->received().size() >= 6 && conn->received().ends_with("PONG\r\n");
      })) << chunk;
      server.read_chunk = 0;
      co_await nc.async_close(kTuple);
    }
  });
}

TEST_F(ConnectionTest, ConnectFailsWhenEveryServerRefuses) {
  run([&]() -> awaitable<void> {
    server.refused.insert("*");
    Connection nc(io.get_executor());
    auto o = options();
    o.servers = {"a:1", "b:2"};
    auto [ec] = co_await nc.async_connect(o, kTuple);
    EXPECT_EQ(ec, asio::error::connection_refused);
    EXPECT_EQ(server.connect_attempts(), 2);
    EXPECT_EQ(nc.status(), Status::kClosed);
    EXPECT_EQ(nc.publish("x", "y"), errc::kConnectionClosed);
    // A failed first connect is reported by async_connect only, as in nats.go.
    co_await pause(milliseconds(5));
    EXPECT_EQ(log.count(EventType::kClosed), 0u);
    auto [again] = co_await nc.async_connect(o, kTuple);
    EXPECT_EQ(again, errc::kConnectionClosed);
  });
}

TEST_F(ConnectionTest, ConnectTriesTheNextServer) {
  run([&]() -> awaitable<void> {
    server.refused.insert("a:1");
    Connection nc(io.get_executor());
    auto o = options();
    o.servers = {"nats://a:1", "nats://b:2"};
    if (!co_await connect(nc, o)) co_return;
    EXPECT_EQ(nc.connected_url(), "nats://b:2");
    EXPECT_EQ(nc.servers(), (std::vector<std::string>{"nats://a:1", "nats://b:2"}));
    nc.close();
  });
}

TEST_F(ConnectionTest, ConnectRejectsBadUrlsAndSecondConnect) {
  run([&]() -> awaitable<void> {
    {
      Connection nc(io.get_executor());
      auto o = options();
      o.servers = {"nats://ok:1", "bad:"};
      auto [ec] = co_await nc.async_connect(o, kTuple);
      EXPECT_EQ(ec, errc::kBadUrl);
    }
    {
      Connection nc(io.get_executor());
      auto o = options();
      o.servers = {"tls://secure:4443"};
      auto [ec] = co_await nc.async_connect(o, kTuple);
      EXPECT_EQ(ec, errc::kTlsNotSupported);
    }
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto [ec] = co_await nc.async_connect(options(), kTuple);
    EXPECT_EQ(ec, errc::kInvalidState);
    nc.close();
  });
}

TEST_F(ConnectionTest, ConnectTimesOutWithoutInfo) {
  run([&]() -> awaitable<void> {
    server.send_info = false;
    Connection nc(io.get_executor());
    auto o = options();
    o.connect_timeout = milliseconds(30);
    auto [ec] = co_await nc.async_connect(o, kTuple);
    EXPECT_EQ(ec, errc::kTimeout);
    EXPECT_TRUE(server.last()->closed_by_client());
  });
}

TEST_F(ConnectionTest, TlsRequiredServerIsRefused) {
  run([&]() -> awaitable<void> {
    server.info.tls_required = true;
    Connection nc(io.get_executor());
    auto [ec] = co_await nc.async_connect(options(), kTuple);
    EXPECT_EQ(ec, errc::kTlsNotSupported);
  });
}

TEST_F(ConnectionTest, GarbageInsteadOfInfoIsAProtocolError) {
  run([&]() -> awaitable<void> {
    server.greeting = "PONG\r\n";
    Connection nc(io.get_executor());
    auto [ec] = co_await nc.async_connect(options(), kTuple);
    EXPECT_EQ(ec, errc::kProtocol);
    server.greeting = "INFO {not json}\r\n";
    Connection nc2(io.get_executor());
    auto [ec2] = co_await nc2.async_connect(options(), kTuple);
    EXPECT_EQ(ec2, errc::kProtocol);
  });
}

// ---------------------------------------------------------------------------------------------
// Authentication.

TEST_F(ConnectionTest, UserAndPasswordFromOptions) {
  run([&]() -> awaitable<void> {
    server.required_user = "bob";
    server.required_pass = "secret";
    Connection nc(io.get_executor());
    auto o = options();
    o.user = "bob";
    o.password = "secret";
    if (!co_await connect(nc, o)) co_return;
    EXPECT_EQ(server.last()->connect_options()->user, "bob");
    EXPECT_EQ(server.last()->connect_options()->pass, "secret");
    EXPECT_EQ(server.last()->connect_options()->auth_token, "");
    nc.close();
  });
}

TEST_F(ConnectionTest, CredentialsInTheUrlWin) {
  run([&]() -> awaitable<void> {
    server.required_user = "url";
    server.required_pass = "pw";
    Connection nc(io.get_executor());
    auto o = options();
    o.servers = {"nats://url:pw@127.0.0.1:4222"};
    o.user = "other";
    o.password = "wrong";
    if (!co_await connect(nc, o)) co_return;
    EXPECT_EQ(server.last()->connect_options()->user, "url");
    EXPECT_EQ(nc.connected_url(), "nats://127.0.0.1:4222");  // no credentials shown
    nc.close();
  });
}

TEST_F(ConnectionTest, TokenFromOptionsAndUrl) {
  run([&]() -> awaitable<void> {
    server.required_token = "t0k";
    {
      Connection nc(io.get_executor());
      auto o = options();
      o.token = "t0k";
      if (!co_await connect(nc, o)) co_return;
      EXPECT_EQ(server.last()->connect_options()->auth_token, "t0k");
      co_await nc.async_close(kTuple);
    }
    Connection nc(io.get_executor());
    auto o = options();
    o.servers = {"nats://t0k@127.0.0.1"};
    if (!co_await connect(nc, o)) co_return;
    nc.close();
  });
}

TEST_F(ConnectionTest, WrongCredentialsFailWithAuthorization) {
  run([&]() -> awaitable<void> {
    server.required_token = "right";
    Connection nc(io.get_executor());
    auto o = options();
    o.token = "wrong";
    auto [ec] = co_await nc.async_connect(o, kTuple);
    EXPECT_EQ(ec, errc::kAuthorization);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kError) == 1; }));
    EXPECT_EQ(log.events()[0].text, "Authorization Violation");
    EXPECT_EQ(log.events()[0].error, errc::kAuthorization);
  });
}

// ---------------------------------------------------------------------------------------------
// Publish.

TEST_F(ConnectionTest, PublishWritesExactProtocol) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    codec::Headers h;
    h.add("k", "v");
    EXPECT_FALSE(nc.publish("foo", "hello"));
    EXPECT_FALSE(nc.publish("foo", "hello", {.reply = "bar"}));
    EXPECT_FALSE(nc.publish("foo", "hello", {.reply = "r", .headers = &h}));
    EXPECT_FALSE(nc.publish(Message("m", "", "")));
    EXPECT_FALSE(nc.publish(Message("m", "rr", "d", h)));
    auto [ec] = co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(after_handshake(*server.last()),
              "PUB foo 5\r\nhello\r\n"
              "PUB foo bar 5\r\nhello\r\n"
              "HPUB foo r 18 23\r\nNATS/1.0\r\nk: v\r\n\r\nhello\r\n"
              "PUB m 0\r\n\r\n"
              "HPUB m rr 18 19\r\nNATS/1.0\r\nk: v\r\n\r\nd\r\n"
              "PING\r\n");
    const Statistics s = nc.stats();
    EXPECT_EQ(s.out_msgs, 5u);
    EXPECT_EQ(s.out_bytes, 5u + 5 + 23 + 0 + 19);
    nc.close();
  });
}

TEST_F(ConnectionTest, PublishValidatesBeforeQueueing) {
  run([&]() -> awaitable<void> {
    server.info.max_payload = 10;
    Connection nc(io.get_executor());
    EXPECT_EQ(nc.publish("a", "b"), errc::kNotConnected);
    if (!co_await connect(nc, options())) co_return;
    EXPECT_EQ(nc.publish("", "x"), errc::kBadSubject);
    EXPECT_EQ(nc.publish("a b", "x"), errc::kBadSubject);
    EXPECT_EQ(nc.publish("a..b", "x"), errc::kBadSubject);
    EXPECT_EQ(nc.publish("a\r\nPUB", "x"), errc::kBadSubject);
    EXPECT_EQ(nc.publish("a", "x", {.reply = "r r"}), errc::kBadSubject);
    EXPECT_EQ(nc.publish("a", "0123456789"), std::error_code());
    EXPECT_EQ(nc.publish("a", "0123456789X"), errc::kMaxPayload);
    co_await nc.async_close(kTuple);
    EXPECT_EQ(nc.publish("a", "x"), errc::kConnectionClosed);
  });
}

TEST_F(ConnectionTest, WriteBufferLimitAndAsyncPublishBackPressure) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    auto o = options();
    o.write_buffer_limit = 10;
    if (!co_await connect(nc, o)) co_return;
    // The writer cannot run between two calls on this thread: the second finds 13 bytes.
    EXPECT_FALSE(nc.publish("a", "m1"));
    EXPECT_EQ(nc.publish("a", "m2"), errc::kWriteBufferFull);
    auto [ec] = co_await nc.async_publish("a", "m3", {}, kTuple);
    EXPECT_FALSE(ec);
    auto [ec2] = co_await nc.async_publish("a b", "m4", {}, kTuple);
    EXPECT_EQ(ec2, errc::kBadSubject);
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(after_handshake(*server.last()), "PUB a 2\r\nm1\r\nPUB a 2\r\nm3\r\nPING\r\n");
    nc.close();
  });
}

TEST_F(ConnectionTest, PublishFromManyThreadsKeepsEachThreadsOrder) {
  server.route = false;
  auto work = asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  {
    Connection nc(io.get_executor());
    EXPECT_NO_THROW(nc.async_connect(options(), asio::use_future).get());
    constexpr int kThreads = 4;
    constexpr int kPerThread = 2500;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          if (nc.publish("t" + std::to_string(t), std::to_string(i))) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    nc.async_flush(milliseconds(10000), asio::use_future).get();
    EXPECT_EQ(failures.load(), 0);
    // The flush completed: the writer handed every byte to the server before the PONG.
    std::vector<int> next(kThreads, 0);
    int pubs = 0;
    for (const auto& op : server.last()->ops()) {
      if (op.kind != codec::OpKind::kPub) continue;
      ++pubs;
      const int t = op.subject[1] - '0';
      EXPECT_EQ(op.payload, std::to_string(next[t])) << "thread " << t;
      ++next[t];
    }
    EXPECT_EQ(pubs, kThreads * kPerThread);
    EXPECT_EQ(nc.stats().out_msgs, static_cast<std::uint64_t>(kThreads * kPerThread));
    nc.async_close(asio::use_future).get();
  }
  work.reset();
  io_thread.join();
}

// ---------------------------------------------------------------------------------------------
// Subscriptions.

TEST_F(ConnectionTest, SubscribeSendsSubAndDeliversInOrder) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("foo.*");
    if (!sub) co_return ADD_FAILURE();
    EXPECT_EQ(sub.value().sid(), 1u);
    EXPECT_EQ(sub.value().subject(), "foo.*");
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(nc.publish("foo." + std::to_string(i), "p"));
    for (int i = 0; i < 100; ++i) {
      auto m = co_await sub.value().next(milliseconds(5000));
      if (!m) co_return ADD_FAILURE() << i;
      EXPECT_EQ(m.value().subject(), "foo." + std::to_string(i));
    }
    EXPECT_EQ(after_handshake(*server.last()).substr(0, 13), "SUB foo.* 1\r\n");
    EXPECT_EQ(sub.value().stats().delivered, 100u);
    EXPECT_EQ(nc.stats().in_msgs, 100u);
    nc.close();
  });
}

TEST_F(ConnectionTest, QueueSubscribeAndValidation) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    auto before = co_await nc.subscribe("x");
    EXPECT_EQ(before.error(), errc::kNotConnected);
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("foo", {.queue = "workers"});
    EXPECT_TRUE(sub);
    EXPECT_EQ(sub.value().queue(), "workers");
    EXPECT_EQ((co_await nc.subscribe("foo", {.queue = "a b"})).error(), errc::kBadQueue);
    EXPECT_EQ((co_await nc.subscribe("foo..bar")).error(), errc::kBadSubject);
    EXPECT_EQ((co_await nc.subscribe("")).error(), errc::kBadSubject);
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(after_handshake(*server.last()), "SUB foo workers 1\r\nPING\r\n");
    nc.close();
  });
}

TEST_F(ConnectionTest, CallbackDeliveryInOrder) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    std::vector<std::string> got;
    auto sub = co_await nc.subscribe("cb", {}, [&](Message m) { got.emplace_back(m.data()); });
    if (!sub) co_return ADD_FAILURE();
    for (int i = 0; i < 300; ++i) EXPECT_FALSE(nc.publish("cb", std::to_string(i)));
    EXPECT_TRUE(co_await eventually([&] { return got.size() == 300; }));
    for (int i = 0; i < 300; ++i) EXPECT_EQ(got[i], std::to_string(i));
    // Iteration on a callback subscription is a usage error.
    auto [ec, m] = co_await sub.value().async_next(kTuple);
    EXPECT_EQ(ec, errc::kInvalidState);
    nc.close();
  });
}

TEST_F(ConnectionTest, CallbacksRunOneAtATimeOnAThreadPool) {
  auto work = asio::make_work_guard(io);
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i) pool.emplace_back([&] { io.run(); });
  {
    Connection nc(io.get_executor());
    EXPECT_NO_THROW(nc.async_connect(options(), asio::use_future).get());
    std::atomic<int> active{0};
    std::atomic<int> overlaps{0};
    std::mutex mu;
    std::vector<int> got;
    auto sub = nc.async_subscribe(
                     "cb", {},
                     [&](Message m) {
                       if (active.fetch_add(1) != 0) ++overlaps;
                       {
                         std::lock_guard lock(mu);
                         got.push_back(std::stoi(std::string(m.data())));
                       }
                       active.fetch_sub(1);
                     },
                     asio::use_future)
                   .get();
    constexpr int kCount = 3000;
    for (int i = 0; i < kCount; ++i) EXPECT_FALSE(nc.publish("cb", std::to_string(i)));
    for (int spin = 0; spin < 10000; ++spin) {
      nc.async_flush(milliseconds(10000), asio::use_future).get();
      std::lock_guard lock(mu);
      if (got.size() == kCount) break;
    }
    EXPECT_EQ(overlaps.load(), 0);
    std::lock_guard lock(mu);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(kCount));
    for (int i = 0; i < kCount; ++i) EXPECT_EQ(got[i], i);
  }
  work.reset();
  for (auto& t : pool) t.join();
}

TEST_F(ConnectionTest, CallbackExceptionIsReportedAndDeliveryContinues) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    int calls = 0;
    auto sub = co_await nc.subscribe("cb", {}, [&](Message m) {
      ++calls;
      if (m.data() == "bad") throw std::runtime_error("boom");
    });
    nc.publish("cb", "bad");
    nc.publish("cb", "good");
    EXPECT_TRUE(co_await eventually([&] { return calls == 2; }));
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kError) == 1; }));
    const Event e = log.events().back();
    EXPECT_EQ(e.error, errc::kCallbackFailed);
    EXPECT_EQ(e.text, "boom");
    EXPECT_EQ(e.subject, "cb");
    EXPECT_EQ(e.sid, sub.value().sid());
    nc.close();
  });
}

TEST_F(ConnectionTest, AutoUnsubscribeFromOptions) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("au", {.max_msgs = 3});
    if (!sub) co_return ADD_FAILURE();
    for (int i = 0; i < 5; ++i) nc.publish("au", std::to_string(i));
    for (int i = 0; i < 3; ++i) {
      auto m = co_await sub.value().next(milliseconds(5000));
      EXPECT_TRUE(m);
      if (m) {
        EXPECT_EQ(m.value().data(), std::to_string(i));
      }
    }
    auto end = co_await sub.value().next(milliseconds(5000));
    EXPECT_EQ(end.error(), errc::kSubscriptionClosed);
    EXPECT_EQ(after_handshake(*server.last()).substr(0, 21), "SUB au 1\r\nUNSUB 1 3\r\n");
    nc.close();
  });
}

TEST_F(ConnectionTest, ClientEnforcesTheLimitEvenIfTheServerDoesNot) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("au");
    co_await nc.async_flush(milliseconds(5000), kTuple);
    server.last()->send(msg("au", "1", "", "0"));
    auto m0 = co_await sub.value().next(milliseconds(5000));
    EXPECT_TRUE(m0);
    sub.value().auto_unsubscribe(2);
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(after_handshake(*server.last()), "SUB au 1\r\nPING\r\nUNSUB 1 2\r\nPING\r\n");
    std::string burst;
    for (int i = 1; i <= 4; ++i) burst += msg("au", "1", "", std::to_string(i));
    server.last()->send(burst);
    auto m1 = co_await sub.value().next(milliseconds(5000));
    EXPECT_EQ(m1.value().data(), "1");
    auto end = co_await sub.value().next(milliseconds(5000));
    EXPECT_EQ(end.error(), errc::kSubscriptionClosed);
    EXPECT_EQ(sub.value().stats().delivered, 2u);
    // auto_unsubscribe below what was received ends it at once.
    auto sub2 = co_await nc.subscribe("b");
    server.last()->send(msg("b", "2", "", "x"));
    EXPECT_TRUE(co_await sub2.value().next(milliseconds(5000)));
    sub2.value().auto_unsubscribe(1);
    EXPECT_EQ((co_await sub2.value().next(milliseconds(5000))).error(), errc::kSubscriptionClosed);
    nc.close();
  });
}

TEST_F(ConnectionTest, UnsubscribeEndsIterationAndIgnoresLateMessages) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("u");
    std::optional<boost::system::error_code> result;
    sub.value().async_next([&](boost::system::error_code ec, Message) { result = ec; });
    co_await pause(milliseconds(2));
    EXPECT_FALSE(result.has_value());
    sub.value().unsubscribe();
    EXPECT_TRUE(co_await eventually([&] { return result.has_value(); }));
    EXPECT_EQ(*result, errc::kSubscriptionClosed);
    server.last()->send(msg("u", "1", "", "late"));
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(sub.value().stats().pending_msgs, 0u);
    EXPECT_EQ(after_handshake(*server.last()), "SUB u 1\r\nUNSUB 1\r\nPING\r\n");
    nc.close();
  });
}

TEST_F(ConnectionTest, SecondWaiterIsBusyAndTimeoutWorks) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("w");
    std::optional<boost::system::error_code> first;
    sub.value().async_next([&](boost::system::error_code ec, Message) { first = ec; });
    auto [ec, m] = co_await sub.value().async_next(kTuple);
    EXPECT_EQ(ec, errc::kBusy);
    nc.publish("w", "x");
    EXPECT_TRUE(co_await eventually([&] { return first.has_value(); }));
    EXPECT_FALSE(*first);
    auto t = co_await sub.value().next(milliseconds(10));
    EXPECT_EQ(t.error(), errc::kTimeout);
    nc.close();
  });
}

TEST_F(ConnectionTest, NextSupportsCancellation) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("c");
    asio::cancellation_signal signal;
    std::optional<boost::system::error_code> result;
    sub.value().async_next(asio::bind_cancellation_slot(
        signal.slot(), [&](boost::system::error_code ec, Message) { result = ec; }));
    co_await pause(milliseconds(2));
    signal.emit(asio::cancellation_type::terminal);
    EXPECT_TRUE(co_await eventually([&] { return result.has_value(); }));
    EXPECT_EQ(*result, asio::error::operation_aborted);
    // The subscription still works.
    nc.publish("c", "after");
    auto m = co_await sub.value().next(milliseconds(5000));
    EXPECT_EQ(m.value().data(), "after");
    nc.close();
  });
}

TEST_F(ConnectionTest, PendingLimitDropsAndReportsSlowConsumerOnce) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("sc", {.pending_msgs_limit = 2});
    std::string burst;
    for (int i = 0; i < 5; ++i) burst += msg("sc", "1", "", std::to_string(i));
    server.last()->send(burst);
    co_await nc.async_flush(milliseconds(5000), kTuple);
    auto stats = sub.value().stats();
    EXPECT_EQ(stats.pending_msgs, 2u);
    EXPECT_EQ(stats.pending_bytes, 2u);
    EXPECT_EQ(stats.dropped, 3u);
    EXPECT_EQ(sub.value().dropped(), 3u);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kSlowConsumer) == 1; }));
    EXPECT_EQ(log.events().back().subject, "sc");
    EXPECT_EQ(log.events().back().error, errc::kSlowConsumer);
    EXPECT_EQ((co_await sub.value().next()).value().data(), "0");
    EXPECT_EQ((co_await sub.value().next()).value().data(), "1");
    // Accepted again: no longer slow; the next overflow reports again.
    server.last()->send(msg("sc", "1", "", "5") + msg("sc", "1", "", "6") +
                        msg("sc", "1", "", "7"));
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(sub.value().dropped(), 4u);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kSlowConsumer) == 2; }));
    // A byte limit works the same way.
    sub.value().set_pending_limits(0, 3);
    EXPECT_EQ((co_await sub.value().next()).value().data(), "5");
    EXPECT_EQ((co_await sub.value().next()).value().data(), "6");
    server.last()->send(msg("sc", "1", "", "abc") + msg("sc", "1", "", "d"));
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(sub.value().stats().pending_bytes, 3u);
    EXPECT_EQ(sub.value().dropped(), 5u);
    nc.close();
  });
}

TEST_F(ConnectionTest, HeadersRoundTripAndBadHeaderBlockIsDropped) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("h");
    codec::Headers h;
    h.add("Trace-Id", "42");
    h.add("Multi", "a");
    h.add("Multi", "b");
    EXPECT_FALSE(nc.publish("h", "body", {.headers = &h}));
    auto m = co_await sub.value().next(milliseconds(5000));
    if (!m) co_return ADD_FAILURE();
    EXPECT_TRUE(m.value().has_headers());
    EXPECT_EQ(m.value().headers(), h);
    EXPECT_EQ(m.value().data(), "body");
    std::string bad;
    codec::append_hmsg(bad, "h", "1", "", "HTTP/1.1\r\n\r\n", "x");
    server.last()->send(bad + msg("h", "1", "", "fine"));
    auto next = co_await sub.value().next(milliseconds(5000));
    EXPECT_EQ(next.value().data(), "fine");
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kError) == 1; }));
    EXPECT_EQ(log.events().back().error, errc::kProtocol);
    nc.close();
  });
}

// ---------------------------------------------------------------------------------------------
// Request/reply.

TEST_F(ConnectionTest, RequestsShareOneInboxAndMatchRepliesOutOfOrder) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    std::optional<std::pair<boost::system::error_code, std::string>> r1, r2;
    nc.async_request(
        "svc", "one", milliseconds(5000),
        [&](boost::system::error_code ec, Message m) { r1.emplace(ec, std::string(m.data())); });
    nc.async_request(
        "svc", "two", milliseconds(5000),
        [&](boost::system::error_code ec, Message m) { r2.emplace(ec, std::string(m.data())); });
    auto conn = server.last();
    EXPECT_TRUE(co_await eventually([&] { return conn->count(codec::OpKind::kPub) == 2; }));
    std::vector<testing::RecordedOp> pubs, subs;
    for (const auto& op : conn->ops()) {
      if (op.kind == codec::OpKind::kPub) pubs.push_back(op);
      if (op.kind == codec::OpKind::kSub) subs.push_back(op);
    }
    QV_CO_ASSERT_EQ(subs.size(), 1u);
    const std::string prefix = subs[0].subject.substr(0, subs[0].subject.size() - 1);
    EXPECT_TRUE(subs[0].subject.starts_with("_INBOX."));
    EXPECT_TRUE(subs[0].subject.ends_with(".*"));
    EXPECT_EQ(subs[0].subject.size(), 7u + 22 + 2);
    EXPECT_EQ(pubs[0].reply, prefix + "1");
    EXPECT_EQ(pubs[1].reply, prefix + "2");
    EXPECT_EQ(pubs[0].payload, "one");
    conn->send(msg(pubs[1].reply, subs[0].sid, "", "reply-two"));
    conn->send(msg(pubs[0].reply, subs[0].sid, "", "reply-one"));
    EXPECT_TRUE(co_await eventually([&] { return r1 && r2; }));
    EXPECT_FALSE(r1->first);
    EXPECT_EQ(r1->second, "reply-one");
    EXPECT_EQ(r2->second, "reply-two");
    // A third request reuses the inbox subscription.
    nc.async_request("svc", "three", milliseconds(5000), [](boost::system::error_code, Message) {});
    EXPECT_TRUE(co_await eventually([&] { return conn->count(codec::OpKind::kPub) == 3; }));
    EXPECT_EQ(conn->count(codec::OpKind::kSub), 1u);
    nc.close();
  });
}

TEST_F(ConnectionTest, RequestTimesOutAndIgnoresTheLateReply) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto r = co_await nc.request("svc", "x", milliseconds(10));
    EXPECT_EQ(r.error(), errc::kTimeout);
    const auto& ops = server.last()->ops();
    std::string reply, sid;
    for (const auto& op : ops) {
      if (op.kind == codec::OpKind::kPub) reply = op.reply;
      if (op.kind == codec::OpKind::kSub) sid = op.sid;
    }
    server.last()->send(msg(reply, sid, "", "late"));
    auto [ec] = co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(nc.stats().in_msgs, 1u);
    nc.close();
  });
}

TEST_F(ConnectionTest, RequestReachesAResponder) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto service = co_await nc.subscribe("svc.echo", {.queue = "q"}, [&](Message m) {
      nc.publish(m.reply(), "echo: " + std::string(m.data()));
    });
    auto r = co_await nc.request("svc.echo", "hi", milliseconds(5000));
    if (!r) co_return ADD_FAILURE() << r.error().message();
    EXPECT_EQ(r.value().data(), "echo: hi");
    codec::Headers rh;
    rh.add("X", "1");
    RequestOptions ro{.timeout = milliseconds(5000), .headers = &rh};
    auto [ec, m] = co_await nc.async_request("svc.echo", "h", ro, kTuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(m.data(), "echo: h");
    nc.close();
  });
}

TEST_F(ConnectionTest, NoRespondersIsItsOwnError) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    const auto start = std::chrono::steady_clock::now();
    auto r = co_await nc.request("nobody.home", "x", milliseconds(10000));
    EXPECT_EQ(r.error(), errc::kNoResponders);
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(5000));
    nc.close();
  });
}

TEST_F(ConnectionTest, RequestSupportsCancellation) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    asio::cancellation_signal signal;
    std::optional<boost::system::error_code> result;
    nc.async_request("svc", "x", milliseconds(60000),
                     asio::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec,
                                                                     Message) { result = ec; }));
    EXPECT_TRUE(
        co_await eventually([&] { return server.last()->count(codec::OpKind::kPub) == 1; }));
    signal.emit(asio::cancellation_type::terminal);
    EXPECT_TRUE(co_await eventually([&] { return result.has_value(); }));
    EXPECT_EQ(*result, asio::error::operation_aborted);
    nc.close();
  });
}

TEST_F(ConnectionTest, RequestErrors) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    EXPECT_EQ((co_await nc.request("a", "b")).error(), errc::kNotConnected);
    if (!co_await connect(nc, options())) co_return;
    EXPECT_EQ((co_await nc.request("a b", "x")).error(), errc::kBadSubject);
    co_await nc.async_close(kTuple);
    EXPECT_EQ((co_await nc.request("a", "x")).error(), errc::kConnectionClosed);
  });
}

// ---------------------------------------------------------------------------------------------
// PING/PONG and flush.

TEST_F(ConnectionTest, FlushWaitsForThePong) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    EXPECT_EQ(co_await nc.flush(), errc::kNotConnected);
    if (!co_await connect(nc, options())) co_return;
    server.auto_pong = false;
    std::optional<boost::system::error_code> result;
    nc.async_flush(milliseconds(5000), [&](boost::system::error_code ec) { result = ec; });
    auto conn = server.last();
    EXPECT_TRUE(co_await eventually([&] { return conn->count(codec::OpKind::kPing) == 2; }));
    co_await pause(milliseconds(2));
    EXPECT_FALSE(result.has_value());
    conn->send("PONG\r\n");
    EXPECT_TRUE(co_await eventually([&] { return result.has_value(); }));
    EXPECT_FALSE(*result);
    EXPECT_EQ(co_await nc.flush(milliseconds(10)), errc::kTimeout);
    // A PONG for the timed-out flush does not complete a later one.
    conn->send("PONG\r\n");
    result.reset();
    nc.async_flush(milliseconds(5000), [&](boost::system::error_code ec) { result = ec; });
    co_await pause(milliseconds(5));
    EXPECT_FALSE(result.has_value());
    conn->send("PONG\r\n");
    EXPECT_TRUE(co_await eventually([&] { return result.has_value(); }));
    nc.close();
  });
}

TEST_F(ConnectionTest, ServerPingIsAnswered) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    server.last()->send("PING\r\n");
    auto conn = server.last();
    EXPECT_TRUE(co_await eventually([&] { return after_handshake(*conn) == "PONG\r\n"; }));
    nc.close();
  });
}

TEST_F(ConnectionTest, ClientPingsAndDetectsAStaleConnection) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.ping_interval = milliseconds(5);
    o.max_pings_out = 2;
    if (!co_await connect(nc, o)) co_return;
    auto first = server.last();
    // Answered PINGs keep the connection.
    EXPECT_TRUE(co_await eventually([&] { return first->count(codec::OpKind::kPing) >= 5; }));
    EXPECT_EQ(log.count(EventType::kDisconnected), 0u);
    server.auto_pong = false;
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kDisconnected) == 1; }));
    server.auto_pong = true;
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }));
    bool stale_error = false;
    for (const auto& e : log.events()) {
      if (e.type == EventType::kDisconnected) {
        EXPECT_EQ(e.error, errc::kStaleConnection);
      }
      if (e.type == EventType::kError && e.error == errc::kStaleConnection) stale_error = true;
    }
    EXPECT_TRUE(stale_error);
    EXPECT_TRUE(first->closed_by_client());
    nc.close();
  });
}

TEST_F(ConnectionTest, StaleConnectionErrFromServerReconnects) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    server.last()->send("-ERR 'Stale Connection'\r\n");
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }));
    EXPECT_EQ(server.connections().size(), 2u);
    nc.close();
  });
}

TEST_F(ConnectionTest, PermissionsViolationIsAnErrorEventOnly) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    server.last()->send("-ERR 'Permissions Violation for Publish to \"secret\"'\r\n");
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kError) == 1; }));
    EXPECT_EQ(log.events().back().error, errc::kPermissionsViolation);
    EXPECT_EQ(log.events().back().text, "Permissions Violation for Publish to \"secret\"");
    EXPECT_FALSE(co_await nc.flush());
    EXPECT_EQ(nc.status(), Status::kConnected);
    EXPECT_EQ(server.connections().size(), 1u);
    nc.close();
  });
}

TEST_F(ConnectionTest, ProtocolGarbageReconnects) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    server.last()->send("HELLO\r\n");
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }));
    EXPECT_EQ(log.events()[0].type, EventType::kError);
    EXPECT_EQ(log.events()[0].error, errc::kProtocol);
    EXPECT_EQ(log.events()[1].type, EventType::kDisconnected);
    EXPECT_EQ(log.events()[1].error, errc::kProtocol);
    nc.close();
  });
}

// ---------------------------------------------------------------------------------------------
// Reconnect.

TEST_F(ConnectionTest, ReconnectRestoresSubscriptionsThenReplaysTheBuffer) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto a = co_await nc.subscribe("a");
    auto b = co_await nc.subscribe("b", {.queue = "q", .max_msgs = 5});
    nc.publish("b", "1");
    EXPECT_EQ((co_await b.value().next(milliseconds(5000))).value().data(), "1");

    server.refused.insert("*");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kDisconnected) == 1; }));
    EXPECT_EQ(nc.status(), Status::kReconnecting);
    EXPECT_EQ(nc.connected_url(), "");
    EXPECT_EQ(log.events()[0].error, asio_ec(asio::error::eof));
    EXPECT_EQ(log.events()[0].server, "nats://127.0.0.1:4222");
    for (const char* m : {"m1", "m2", "m3"}) EXPECT_FALSE(nc.publish("a", m));
    std::optional<boost::system::error_code> flushed;
    nc.async_flush(milliseconds(10000), [&](boost::system::error_code ec) { flushed = ec; });
    auto c = co_await nc.subscribe("c");
    EXPECT_TRUE(c);
    co_await pause(milliseconds(5));
    EXPECT_FALSE(flushed.has_value());

    server.refused.clear();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }));
    EXPECT_EQ(log.events().back().server, "nats://127.0.0.1:4222");
    EXPECT_TRUE(co_await eventually([&] { return flushed.has_value(); }));
    EXPECT_FALSE(*flushed);
    EXPECT_EQ(after_handshake(*server.last()),
              "SUB a 1\r\nSUB b q 2\r\nUNSUB 2 4\r\nSUB c 3\r\n"
              "PUB a 2\r\nm1\r\nPUB a 2\r\nm2\r\nPUB a 2\r\nm3\r\n"
              "PING\r\n");
    for (const char* m : {"m1", "m2", "m3"}) {
      auto got = co_await a.value().next(milliseconds(5000));
      EXPECT_EQ(got.value().data(), m);
    }
    EXPECT_EQ(nc.stats().reconnects, 1u);
    EXPECT_EQ(nc.status(), Status::kConnected);
    nc.close();
  });
}

TEST_F(ConnectionTest, ReconnectBufferIsBounded) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    auto o = options();
    o.reconnect_buffer_bytes = 40;  // three "PUB a 2\r\nmN\r\n" (13 bytes each)
    if (!co_await connect(nc, o)) co_return;
    server.refused.insert("*");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kDisconnected) == 1; }));
    EXPECT_FALSE(nc.publish("a", "m1"));
    EXPECT_FALSE(nc.publish("a", "m2"));
    EXPECT_FALSE(nc.publish("a", "m3"));
    EXPECT_EQ(nc.publish("a", "m4"), errc::kReconnectBufferExceeded);
    EXPECT_EQ(nc.publish("a", ""), errc::kReconnectBufferExceeded);  // 39 + 11 > 40
    server.refused.clear();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }));
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(after_handshake(*server.last()),
              "PUB a 2\r\nm1\r\nPUB a 2\r\nm2\r\nPUB a 2\r\nm3\r\nPING\r\n");
    nc.close();
  });
}

TEST_F(ConnectionTest, ReconnectBufferCanBeDisabled) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.reconnect_buffer_bytes = 0;
    if (!co_await connect(nc, o)) co_return;
    server.refused.insert("*");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kDisconnected) == 1; }));
    EXPECT_EQ(nc.publish("a", "x"), errc::kDisconnected);
    nc.close();
  });
}

TEST_F(ConnectionTest, WithoutReconnectALostConnectionCloses) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.allow_reconnect = false;
    if (!co_await connect(nc, o)) co_return;
    auto sub = co_await nc.subscribe("s");
    server.last()->kill();
    auto end = co_await sub.value().next(milliseconds(5000));
    EXPECT_EQ(end.error(), errc::kConnectionClosed);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
    EXPECT_EQ(log.events()[0].type, EventType::kDisconnected);
    EXPECT_EQ(log.events()[1].type, EventType::kClosed);
    EXPECT_EQ(log.events()[1].error, asio_ec(asio::error::eof));
    EXPECT_EQ(nc.status(), Status::kClosed);
    EXPECT_EQ(nc.publish("s", "x"), errc::kConnectionClosed);
    EXPECT_EQ(server.connect_attempts(), 1);
  });
}

TEST_F(ConnectionTest, GivesUpAfterMaxReconnectAttemptsAndFailsPendingWork) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    auto o = options();
    o.max_reconnect_attempts = 3;
    if (!co_await connect(nc, o)) co_return;
    auto sub = co_await nc.subscribe("s");
    std::optional<boost::system::error_code> request;
    nc.async_request("svc", "x", milliseconds(60000),
                     [&](boost::system::error_code ec, Message) { request = ec; });
    std::optional<boost::system::error_code> next;
    sub.value().async_next([&](boost::system::error_code ec, Message) { next = ec; });
    co_await nc.async_flush(milliseconds(5000), kTuple);
    server.refused.insert("*");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
    EXPECT_EQ(server.connect_attempts(), 1 + 3);
    EXPECT_EQ(log.events().back().error, errc::kNoServers);
    EXPECT_TRUE(co_await eventually([&] { return request && next; }));
    EXPECT_EQ(*request, errc::kConnectionClosed);
    EXPECT_EQ(*next, errc::kConnectionClosed);
    EXPECT_TRUE(nc.servers().empty());
  });
}

TEST_F(ConnectionTest, ReconnectAttemptsBackOff) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.reconnect_wait = milliseconds(10);
    o.reconnect_wait_max = milliseconds(40);
    o.max_reconnect_attempts = 4;
    if (!co_await connect(nc, o)) co_return;
    server.refused.insert("*");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
    const auto& t = server.connect_times();
    QV_CO_ASSERT_EQ(t.size(), 1u + 4);
    // Waits after 0, 1, 2, 3 failures: 10, 10, 20, 40 ms, counted from the previous attempt
    // (timers never fire early; 1 ms covers the step from the timer to connect()).
    EXPECT_GE(t[1] - t[0], milliseconds(9));
    EXPECT_GE(t[2] - t[1], milliseconds(9));
    EXPECT_GE(t[3] - t[2], milliseconds(19));
    EXPECT_GE(t[4] - t[3], milliseconds(39));
  });
}

TEST_F(ConnectionTest, DiscoveredServersJoinThePoolAndAreUsed) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto info = server.info;
    info.connect_urls = {"127.0.0.1:4222", "127.0.0.2:4222", "127.0.0.3:4222"};
    std::string line;
    codec::append_info(line, codec::encode_info_json(info));
    server.last()->send(line);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kServersDiscovered) == 1; }));
    EXPECT_EQ(log.events().back().servers,
              (std::vector<std::string>{"nats://127.0.0.2:4222", "nats://127.0.0.3:4222"}));
    EXPECT_EQ(nc.servers().size(), 3u);
    server.last()->send(line);  // nothing new: no event
    EXPECT_FALSE(co_await nc.flush());
    EXPECT_EQ(log.count(EventType::kServersDiscovered), 1u);

    server.refused.insert("127.0.0.1:4222");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kReconnected) == 1; }));
    EXPECT_EQ(nc.connected_url(), "nats://127.0.0.2:4222");
    EXPECT_EQ(server.last()->host(), "127.0.0.2");
    nc.close();
  });
}

TEST_F(ConnectionTest, DiscoveredServersCanBeIgnored) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.ignore_discovered_servers = true;
    server.info.connect_urls = {"127.0.0.9:4222"};
    if (!co_await connect(nc, o)) co_return;
    EXPECT_EQ(nc.servers(), (std::vector<std::string>{"nats://127.0.0.1:4222"}));
    nc.close();
  });
}

TEST_F(ConnectionTest, LameDuckModeIsReported) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto info = server.info;
    info.ldm = true;
    std::string line;
    codec::append_info(line, codec::encode_info_json(info));
    server.last()->send(line);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kLameDuck) == 1; }));
    EXPECT_EQ(log.events().back().server, "nats://127.0.0.1:4222");
    nc.close();
  });
}

TEST_F(ConnectionTest, SurvivesATransportFailureAtEveryStep) {
  run([&]() -> awaitable<void> {
    // One clean run counts the transport operations of the scenario; then the failure moves
    // through every one of them (and one past the end).
    long clean_ops = 0;
    for (long k = -1; k <= clean_ops; ++k) {
      log.clear();
      const long base = server.op_count();
      server.fail_op = k < 0 ? -1 : base + k;
      Connection nc(io.get_executor());
      auto [ec] = co_await nc.async_connect(options(), kTuple);
      if (ec) {
        // Only the handshake can fail the connect, and only with the injected error.
        EXPECT_EQ(ec, asio::error::connection_reset) << "step " << k;
        continue;
      }
      auto sub = co_await nc.subscribe("f");
      EXPECT_TRUE(sub) << "step " << k;
      bool round_trip = false;
      for (int attempt = 0; attempt < 5 && !round_trip; ++attempt) {
        EXPECT_FALSE(nc.publish("f", "x" + std::to_string(attempt))) << "step " << k;
        auto flushed = co_await nc.flush(milliseconds(5000));
        EXPECT_FALSE(flushed) << "step " << k << ": " << flushed.message();
        auto m = co_await sub.value().next(milliseconds(200));
        round_trip = static_cast<bool>(m);
      }
      EXPECT_TRUE(round_trip) << "step " << k;
      // A failure after the round trip may still be reconnecting: it must end connected.
      EXPECT_TRUE(co_await eventually([&] { return nc.status() == Status::kConnected; }))
          << "step " << k;
      // Events arrive asynchronously, after the state they describe.
      EXPECT_TRUE(co_await eventually([&] {
        return log.count(EventType::kDisconnected) == log.count(EventType::kReconnected);
      })) << "step "
          << k;
      EXPECT_LE(log.count(EventType::kReconnected), 1u) << "step " << k;
      co_await nc.async_close(kTuple);
      if (k < 0) clean_ops = server.op_count() - base;
    }
    EXPECT_GT(clean_ops, 5);
  });
}

// ---------------------------------------------------------------------------------------------
// Drain and close.

TEST_F(ConnectionTest, SubscriptionDrainWaitsForInFlightAndHandledMessages) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    int handled = 0;
    auto sub = co_await nc.subscribe("d", {}, [&](Message) { ++handled; });
    co_await nc.async_flush(milliseconds(5000), kTuple);
    auto conn = server.last();
    std::string burst;
    for (int i = 0; i < 5; ++i) burst += msg("d", "1", "", "x");
    conn->send(burst);
    server.auto_pong = false;
    std::optional<int> handled_at_drain;
    sub.value().async_drain([&](boost::system::error_code ec) {
      EXPECT_FALSE(ec);
      handled_at_drain = handled;
    });
    EXPECT_TRUE(co_await eventually([&] { return conn->count(codec::OpKind::kUnsub) == 1; }));
    // Sent by the server before it saw the UNSUB: still delivered.
    conn->send(msg("d", "1", "", "y") + msg("d", "1", "", "y"));
    co_await pause(milliseconds(2));
    EXPECT_FALSE(handled_at_drain.has_value());
    conn->send("PONG\r\n");
    EXPECT_TRUE(co_await eventually([&] { return handled_at_drain.has_value(); }));
    EXPECT_EQ(*handled_at_drain, 7);
    EXPECT_EQ(after_handshake(*conn), "SUB d 1\r\nPING\r\nUNSUB 1\r\nPING\r\n");
    // After the drain nothing arrives any more.
    conn->send(msg("d", "1", "", "z"));
    server.auto_pong = true;
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(handled, 7);
    nc.close();
  });
}

TEST_F(ConnectionTest, IterationDrainCompletesWhenTheQueueIsEmpty) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    auto sub = co_await nc.subscribe("d");
    for (int i = 0; i < 3; ++i) nc.publish("d", std::to_string(i));
    co_await nc.async_flush(milliseconds(5000), kTuple);
    bool drained = false;
    sub.value().async_drain([&](boost::system::error_code) { drained = true; });
    co_await nc.async_flush(milliseconds(5000), kTuple);  // the drain's PONG came first
    EXPECT_FALSE(drained);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ((co_await sub.value().next(milliseconds(5000))).value().data(), std::to_string(i));
    }
    EXPECT_TRUE(co_await eventually([&] { return drained; }));
    EXPECT_EQ((co_await sub.value().next()).error(), errc::kSubscriptionClosed);
    // Draining again completes at once.
    EXPECT_FALSE(co_await sub.value().drain());
    nc.close();
  });
}

TEST_F(ConnectionTest, ConnectionDrainHandlesEverythingThenCloses) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    int a = 0;
    int b = 0;
    EXPECT_TRUE(co_await nc.subscribe("a", {}, [&](Message) { ++a; }));
    EXPECT_TRUE(co_await nc.subscribe("b", {}, [&](Message) { ++b; }));
    co_await nc.async_flush(milliseconds(5000), kTuple);
    auto conn = server.last();
    std::string burst;
    for (int i = 0; i < 10; ++i) burst += msg("a", "1", "", "x") + msg("b", "2", "", "y");
    conn->send(burst);
    server.auto_pong = false;
    std::optional<boost::system::error_code> drained;
    nc.async_drain([&](boost::system::error_code ec) { drained = ec; });
    EXPECT_TRUE(co_await eventually([&] { return conn->count(codec::OpKind::kPing) == 3; }));
    EXPECT_EQ(nc.status(), Status::kDraining);
    EXPECT_FALSE(nc.publish("out", "during drain"));
    EXPECT_EQ((co_await nc.subscribe("late")).error(), errc::kDraining);
    EXPECT_EQ((co_await nc.request("x", "y")).error(), errc::kDraining);
    EXPECT_EQ(co_await nc.drain(), errc::kDraining);
    conn->send("PONG\r\n");  // the subscriptions are drained once their callbacks ran
    EXPECT_TRUE(co_await eventually([&] { return conn->count(codec::OpKind::kPing) == 4; }));
    EXPECT_EQ(a, 10);
    EXPECT_EQ(b, 10);
    EXPECT_FALSE(drained.has_value());
    conn->send("PONG\r\n");  // the final flush
    EXPECT_TRUE(co_await eventually([&] { return drained.has_value(); }));
    EXPECT_FALSE(*drained);
    EXPECT_EQ(nc.status(), Status::kClosed);
    EXPECT_EQ(after_handshake(*conn),
              "SUB a 1\r\nSUB b 2\r\nPING\r\nUNSUB 1\r\nUNSUB 2\r\nPING\r\n"
              "PUB out 12\r\nduring drain\r\nPING\r\n");
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
    EXPECT_FALSE(log.events().back().error);
  });
}

TEST_F(ConnectionTest, DrainTimesOut) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.drain_timeout = milliseconds(20);
    if (!co_await connect(nc, o)) co_return;
    auto sub = co_await nc.subscribe("stuck");
    nc.publish("stuck", "never read");
    co_await nc.async_flush(milliseconds(5000), kTuple);
    EXPECT_EQ(co_await nc.drain(), errc::kTimeout);
    EXPECT_EQ(nc.status(), Status::kClosed);
  });
}

TEST_F(ConnectionTest, CloseFailsEveryPendingOperation) {
  run([&]() -> awaitable<void> {
    server.route = false;
    Connection nc(io.get_executor());
    if (!co_await connect(nc, options())) co_return;
    server.auto_pong = false;
    auto sub = co_await nc.subscribe("s");
    std::optional<boost::system::error_code> request, flush, next;
    nc.async_request("svc", "x", milliseconds(60000),
                     [&](boost::system::error_code ec, Message) { request = ec; });
    nc.async_flush(milliseconds(60000), [&](boost::system::error_code ec) { flush = ec; });
    sub.value().async_next([&](boost::system::error_code ec, Message) { next = ec; });
    co_await pause(milliseconds(2));
    auto [ec] = co_await nc.async_close(kTuple);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(co_await eventually([&] { return request && flush && next; }));
    EXPECT_EQ(*request, errc::kConnectionClosed);
    EXPECT_EQ(*flush, errc::kConnectionClosed);
    EXPECT_EQ(*next, errc::kConnectionClosed);
    auto [again] = co_await nc.async_close(kTuple);  // closing twice is fine
    EXPECT_FALSE(again);
    EXPECT_EQ(co_await nc.drain(), errc::kConnectionClosed);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
  });
}

TEST_F(ConnectionTest, CloseDuringReconnectStopsIt) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.reconnect_wait = milliseconds(60000);
    o.reconnect_wait_max = milliseconds(60000);
    if (!co_await connect(nc, o)) co_return;
    server.refused.insert("*");
    server.last()->kill();
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kDisconnected) == 1; }));
    auto [ec] = co_await nc.async_close(kTuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(nc.status(), Status::kClosed);
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
    EXPECT_FALSE(log.events().back().error);
  });
}

TEST_F(ConnectionTest, DestroyingTheConnectionClosesIt) {
  run([&]() -> awaitable<void> {
    {
      Connection nc(io.get_executor());
      if (!co_await connect(nc, options())) co_return;
    }
    EXPECT_TRUE(co_await eventually([&] { return server.last()->closed_by_client(); }));
    EXPECT_TRUE(co_await eventually([&] { return log.count(EventType::kClosed) == 1; }));
  });
}

TEST_F(ConnectionTest, InboxesAreUniqueAndUseThePrefix) {
  run([&]() -> awaitable<void> {
    Connection nc(io.get_executor());
    auto o = options();
    o.inbox_prefix = "_MY";
    if (!co_await connect(nc, o)) co_return;
    const std::string a = nc.new_inbox();
    EXPECT_TRUE(a.starts_with("_MY."));
    EXPECT_NE(a, nc.new_inbox());
    nc.close();
  });
}

}  // namespace
}  // namespace quiver::client
