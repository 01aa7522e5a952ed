// JetStream, Key/Value and Object Store against a real server. The server command comes from
// JS_SERVER_CMD, with {port} and {store_dir} replaced by a free loopback port and a fresh
// directory; without it, nats-server 2.9.10 (the reference) is used. Each test gets its own
// server, started and stopped by PID.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "client/connection.h"
#include "client/jetstream/consumer.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/kv.h"
#include "client/jetstream/object_store.h"
#include "client/testing/async_test.h"
#include "client/testing/server_process.h"

namespace quiver::client::jetstream {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::milliseconds;
using testing::ChildProcess;

constexpr milliseconds kWait{5000};

// Unwraps a JsResult inside a test coroutine, failing the test (and returning) on error.
#define JS_CO_ASSIGN(var, expr)                             \
  auto var##_result = (expr);                               \
  if (!var##_result) {                                      \
    ADD_FAILURE() << #expr << ": " << var##_result.error(); \
    co_return;                                              \
  }                                                         \
  auto var = std::move(var##_result).value()
#define JS_CO_OK(expr)                                  \
  do {                                                  \
    auto js_ok_ = (expr);                               \
    if (!js_ok_) {                                      \
      ADD_FAILURE() << #expr << ": " << js_ok_.error(); \
      co_return;                                        \
    }                                                   \
  } while (0)

std::string server_command() {
  const char* cmd = std::getenv("JS_SERVER_CMD");
  return cmd != nullptr && *cmd != '\0'
             ? cmd
             : "/usr/sbin/nats-server -js -a 127.0.0.1 -p {port} -sd {store_dir}";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

class JetStreamIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto port = testing::free_port();
    ASSERT_TRUE(port) << port.error().message();
    port_ = port.value();
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir_template = std::string(tmp != nullptr ? tmp : "/tmp") + "/js_XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template.data()), nullptr);
    store_dir_ = dir_template;
    std::string cmd = replace_all(server_command(), "{port}", std::to_string(port_));
    cmd = replace_all(cmd, "{store_dir}", store_dir_);
    std::vector<std::string> argv;
    std::istringstream words(cmd);
    for (std::string w; words >> w;) argv.push_back(w);
    auto child = ChildProcess::spawn(argv, false, store_dir_ + ".log");
    ASSERT_TRUE(child) << cmd << ": " << child.error().message();
    server_.emplace(std::move(child).value());
    ASSERT_TRUE(testing::wait_for_port(port_, std::chrono::seconds(10))) << cmd;
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

  void run(std::function<awaitable<void>()> body) { testing::run_test(io_, std::move(body)); }

  awaitable<bool> connect(Connection& nc) {
    Options o;
    o.servers = {url()};
    auto [ec] = co_await nc.async_connect(std::move(o), asio::as_tuple(asio::use_awaitable));
    EXPECT_FALSE(ec) << ec.message();
    co_return !ec;
  }

  asio::io_context io_;
  std::uint16_t port_ = 0;
  std::string store_dir_;
  std::optional<ChildProcess> server_;
};

StreamConfig orders_stream() {
  StreamConfig cfg;
  cfg.name = "ORDERS";
  cfg.subjects = {"orders.>"};
  return cfg;
}

TEST_F(JetStreamIntegrationTest, PublishAcksAndExpectations) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    const StreamConfig cfg = orders_stream();
    JS_CO_ASSIGN(info, co_await js.add_stream(cfg));
    EXPECT_EQ(info.config.name, "ORDERS");
    EXPECT_EQ(info.config.subjects, std::vector<std::string>{"orders.>"});
    EXPECT_EQ(info.config.duplicate_window, std::chrono::minutes(2));
    EXPECT_EQ(info.state.messages, 0u);

    JS_CO_ASSIGN(a1, co_await js.publish("orders.new", "one"));
    EXPECT_EQ(a1.stream, "ORDERS");
    EXPECT_EQ(a1.seq, 1u);
    EXPECT_FALSE(a1.duplicate);
    JS_CO_ASSIGN(a2, co_await js.publish("orders.new", "two", {.msg_id = "m-2"}));
    EXPECT_EQ(a2.seq, 2u);
    JS_CO_ASSIGN(dup, co_await js.publish("orders.new", "two again", {.msg_id = "m-2"}));
    EXPECT_EQ(dup.seq, 2u);
    EXPECT_TRUE(dup.duplicate);

    auto wrong = co_await js.publish("orders.new", "x", {.expected_last_seq = 7});
    QV_CO_ASSERT_TRUE(!wrong);
    EXPECT_EQ(wrong.error(), errc::kWrongLastSequence);
    EXPECT_EQ(wrong.error().err_code, 10071);
    EXPECT_EQ(wrong.error().status, 400);
    EXPECT_EQ(wrong.error().description, "wrong last sequence: 2");
    JS_CO_ASSIGN(a3, co_await js.publish("orders.new", "three", {.expected_last_seq = 2}));
    EXPECT_EQ(a3.seq, 3u);

    auto stream_mismatch = co_await js.publish("orders.new", "x", {.expected_stream = "OTHER"});
    EXPECT_EQ(stream_mismatch.error(), errc::kStreamMismatch);
    JS_CO_ASSIGN(a4, co_await js.publish("orders.new", "four", {.expected_stream = "ORDERS"}));
    EXPECT_EQ(a4.seq, 4u);

    auto subj_wrong = co_await js.publish("orders.paid", "x", {.expected_last_subject_seq = 1});
    EXPECT_EQ(subj_wrong.error(), errc::kWrongLastSequence);
    JS_CO_ASSIGN(a5, co_await js.publish("orders.paid", "five", {.expected_last_subject_seq = 0}));
    EXPECT_EQ(a5.seq, 5u);

    auto id_wrong = co_await js.publish("orders.new", "x", {.expected_last_msg_id = "nope"});
    EXPECT_EQ(id_wrong.error(), errc::kWrongLastMsgId);

    codec::Headers h;
    h.add("Trace", "t-1");
    Message with_headers("orders.new", "", "six", h);
    JS_CO_ASSIGN(a6, co_await js.publish(with_headers, {.msg_id = "m-6"}));
    JS_CO_ASSIGN(stored, co_await js.get_msg("ORDERS", a6.seq));
    EXPECT_EQ(stored.data, "six");
    EXPECT_EQ(stored.headers.get("Trace"), "t-1");
    EXPECT_EQ(stored.headers.get("Nats-Msg-Id"), "m-6");

    auto nobody = co_await js.publish("nostream.here", "x");
    EXPECT_EQ(nobody.error(), errc::kNoStreamResponse);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, StreamManagement) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc, {.timeout = kWait});
    JS_CO_ASSIGN(account, co_await js.account_info());
    EXPECT_EQ(account.streams, 0);

    for (const std::string name : {"S1", "S2", "S3"}) {
      StreamConfig cfg;
      cfg.name = name;
      cfg.subjects = {name + ".>"};
      cfg.storage = StorageType::kMemory;
      cfg.allow_direct = true;
      JS_CO_OK(co_await js.add_stream(cfg));
    }
    JS_CO_ASSIGN(names, co_await js.stream_names());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"S1", "S2", "S3"}));
    JS_CO_ASSIGN(filtered, co_await js.stream_names("S2.x"));
    EXPECT_EQ(filtered, std::vector<std::string>{"S2"});
    JS_CO_ASSIGN(by_subject, co_await js.stream_name_by_subject("S3.a.b"));
    EXPECT_EQ(by_subject, "S3");
    EXPECT_EQ((co_await js.stream_name_by_subject("none.x")).error(), errc::kStreamNotFound);
    JS_CO_ASSIGN(list, co_await js.streams());
    EXPECT_EQ(list.size(), 3u);

    // Update: a new description and limit; storage cannot change.
    JS_CO_ASSIGN(s1, co_await js.stream_info("S1"));
    StreamConfig updated = s1.config;
    updated.description = "first";
    updated.max_msgs = 100;
    JS_CO_ASSIGN(after, co_await js.update_stream(updated));
    EXPECT_EQ(after.config.description, "first");
    EXPECT_EQ(after.config.max_msgs, 100);
    updated.storage = StorageType::kFile;
    auto refused = co_await js.update_stream(updated);
    QV_CO_ASSERT_TRUE(!refused);
    EXPECT_EQ(refused.error().status, 500);
    EXPECT_NE(refused.error().err_code, 0);

    for (int i = 0; i < 10; ++i) {
      const std::string subject = i % 2 == 0 ? "S1.even" : "S1.odd";
      JS_CO_OK(co_await js.publish(subject, std::to_string(i)));
    }
    JS_CO_ASSIGN(m3, co_await js.get_msg("S1", 3));
    EXPECT_EQ(m3.subject, "S1.even");
    EXPECT_EQ(m3.data, "2");
    EXPECT_EQ(m3.seq, 3u);
    EXPECT_GT(m3.time.time_since_epoch().count(), 0);
    JS_CO_ASSIGN(last_odd, co_await js.get_last_msg("S1", "S1.odd"));
    EXPECT_EQ(last_odd.seq, 10u);
    EXPECT_EQ(last_odd.data, "9");
    JS_CO_ASSIGN(direct, co_await js.direct_get("S1", {.seq = 4}));
    EXPECT_EQ(direct.subject, "S1.odd");
    EXPECT_EQ(direct.data, "3");
    EXPECT_EQ(direct.time, (co_await js.get_msg("S1", 4)).value().time);
    EXPECT_TRUE(direct.headers.empty());
    JS_CO_ASSIGN(direct_last, co_await js.direct_get_last("S1", "S1.even"));
    EXPECT_EQ(direct_last.seq, 9u);
    JS_CO_ASSIGN(next_odd, co_await js.direct_get("S1", {.seq = 5, .next_by_subj = "S1.odd"}));
    EXPECT_EQ(next_odd.seq, 6u);
    EXPECT_EQ((co_await js.direct_get_last("S1", "S1.none")).error(), errc::kMessageNotFound);
    auto missing = co_await js.get_msg("S1", 99);
    EXPECT_EQ(missing.error(), errc::kMessageNotFound);
    EXPECT_EQ(missing.error().err_code, 10037);

    JS_CO_OK(co_await js.delete_msg("S1", 3));
    EXPECT_EQ((co_await js.get_msg("S1", 3)).error(), errc::kMessageNotFound);
    JS_CO_OK(co_await js.delete_msg("S1", 5, true));
    JS_CO_ASSIGN(deleted_info, co_await js.stream_info("S1", {.deleted_details = true}));
    EXPECT_EQ(deleted_info.state.messages, 8u);
    EXPECT_EQ(deleted_info.state.deleted, (std::vector<std::uint64_t>{3, 5}));
    JS_CO_ASSIGN(subjects_info, co_await js.stream_info("S1", {.subjects_filter = ">"}));
    // Even subjects got seqs 1,3,5,7,9 (3 and 5 deleted), odd ones 2,4,6,8,10.
    EXPECT_EQ(subjects_info.state.subjects.at("S1.even"), 3u);
    EXPECT_EQ(subjects_info.state.subjects.at("S1.odd"), 5u);

    // Purges: keep the last 2 odd ones (8, 10), then everything below seq 9 (1, 7, 8), then all.
    JS_CO_ASSIGN(p1, co_await js.purge_stream("S1", {.filter = "S1.odd", .keep = 2}));
    EXPECT_EQ(p1, 3u);
    JS_CO_ASSIGN(p2, co_await js.purge_stream("S1", {.seq = 9}));
    EXPECT_EQ(p2, 3u);
    JS_CO_ASSIGN(state, co_await js.stream_info("S1"));
    EXPECT_EQ(state.state.messages, 2u);
    EXPECT_EQ(state.state.first_seq, 9u);
    auto bad_purge = co_await js.purge_stream("S1", {.seq = 2, .keep = 1});
    EXPECT_EQ(bad_purge.error(), errc::kInvalidArgument);
    JS_CO_ASSIGN(p3, co_await js.purge_stream("S1"));
    EXPECT_EQ(p3, 2u);

    JS_CO_OK(co_await js.delete_stream("S2"));
    auto gone = co_await js.stream_info("S2");
    QV_CO_ASSERT_TRUE(!gone);
    EXPECT_EQ(gone.error(), errc::kStreamNotFound);
    EXPECT_EQ(gone.error().status, 404);
    EXPECT_EQ(gone.error().err_code, 10059);
    EXPECT_EQ(gone.error().description, "stream not found");
    EXPECT_EQ(gone.error().message(), "stream not found (10059)");
    EXPECT_EQ((co_await js.delete_stream("S2")).error(), errc::kStreamNotFound);
    EXPECT_EQ((co_await js.stream_info("bad.name")).error(), errc::kInvalidArgument);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, AsyncPublishKeepsTheWindowBounded) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc, {.max_pending = 16});
    const StreamConfig cfg = orders_stream();
    JS_CO_OK(co_await js.add_stream(cfg));
    constexpr int kCount = 2000;
    std::vector<PubAckFuture> futures;
    std::size_t max_seen = 0;
    for (int i = 0; i < kCount; ++i) {
      JS_CO_ASSIGN(f, co_await js.publish_async("orders.async", std::to_string(i)));
      futures.push_back(f);
      max_seen = std::max(max_seen, js.publish_async_pending());
    }
    EXPECT_LE(max_seen, 16u);
    EXPECT_GE(max_seen, 1u);
    JS_CO_OK(co_await js.publish_async_complete(kWait));
    EXPECT_EQ(js.publish_async_pending(), 0u);
    for (int i = 0; i < kCount; ++i) {
      QV_CO_ASSERT_TRUE(futures[i].done());
      JS_CO_ASSIGN(ack, co_await futures[i].get());
      EXPECT_EQ(ack.seq, static_cast<std::uint64_t>(i + 1));
      EXPECT_EQ(futures[i].subject(), "orders.async");
    }
    JS_CO_ASSIGN(info, co_await js.stream_info("ORDERS"));
    EXPECT_EQ(info.state.messages, static_cast<std::uint64_t>(kCount));

    // Failures arrive through the future.
    JS_CO_ASSIGN(lost, co_await js.publish_async("nostream.x", "x"));
    EXPECT_EQ((co_await lost.get()).error(), errc::kNoStreamResponse);
    JS_CO_ASSIGN(dupe, co_await js.publish_async("orders.async", "d", {.msg_id = "once"}));
    JS_CO_ASSIGN(dupe2, co_await js.publish_async("orders.async", "d", {.msg_id = "once"}));
    JS_CO_ASSIGN(r1, co_await dupe.get());
    JS_CO_ASSIGN(r2, co_await dupe2.get());
    EXPECT_EQ(r1.seq, r2.seq);
    EXPECT_TRUE(r2.duplicate);

    // Acknowledgements that never come (a plain subscriber, no stream): the window fills, a
    // further publish stalls, and the context's timeout frees the slots.
    auto silent = co_await nc.subscribe("silent.>");
    QV_CO_ASSERT_TRUE(silent);
    EXPECT_FALSE(co_await nc.flush());
    JetStream slow(
        nc, {.timeout = milliseconds(300), .max_pending = 2, .stall_wait = milliseconds(50)});
    JS_CO_ASSIGN(s1, co_await slow.publish_async("silent.a", "1"));
    JS_CO_ASSIGN(s2, co_await slow.publish_async("silent.a", "2"));
    EXPECT_EQ(slow.publish_async_pending(), 2u);
    const auto stalled_at = std::chrono::steady_clock::now();
    EXPECT_EQ((co_await slow.publish_async("silent.a", "3")).error(), errc::kTooManyStalled);
    EXPECT_GE(std::chrono::steady_clock::now() - stalled_at, milliseconds(50));
    EXPECT_EQ((co_await s1.get(milliseconds(20))).error(), client::errc::kTimeout);
    EXPECT_FALSE(s1.done());
    EXPECT_EQ((co_await slow.publish_async_complete(milliseconds(20))).error(),
              client::errc::kTimeout);
    JS_CO_OK(co_await slow.publish_async_complete(kWait));  // the 300 ms timeout expires them
    EXPECT_EQ(slow.publish_async_pending(), 0u);
    EXPECT_EQ(s1.try_get()->error(), client::errc::kTimeout);
    EXPECT_EQ(s2.try_get()->error(), client::errc::kTimeout);
    JS_CO_ASSIGN(s4, co_await slow.publish_async("orders.after", "4"));
    JS_CO_ASSIGN(a4, co_await s4.get());
    EXPECT_EQ(a4.stream, "ORDERS");

    // The completion-token forms.
    auto [ec, ack] =
        co_await js.async_publish("orders.token", "t", {}, asio::as_tuple(asio::use_awaitable));
    EXPECT_FALSE(ec);
    EXPECT_EQ(ack.seq, static_cast<std::uint64_t>(kCount + 3));
    auto [ec2, none] = co_await js.async_stream_info("NOPE", asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec2, errc::kStreamNotFound);
    bool called = false;
    js.async_delete_stream("NOPE", [&](boost::system::error_code e) {
      called = true;
      EXPECT_EQ(e, errc::kStreamNotFound);
    });
    EXPECT_TRUE(co_await testing::eventually([&] { return called; }));
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, ConsumerManagement) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    const StreamConfig cfg = orders_stream();
    JS_CO_OK(co_await js.add_stream(cfg));
    for (int i = 0; i < 4; ++i) JS_CO_OK(co_await js.publish("orders.new", std::to_string(i)));
    JS_CO_OK(co_await js.publish("orders.paid", "p"));

    ConsumerConfig durable;
    durable.durable_name = "NEW";
    durable.filter_subject = "orders.new";
    durable.ack_wait = std::chrono::seconds(10);
    durable.max_deliver = 5;
    durable.backoff = {std::chrono::seconds(1), std::chrono::seconds(2)};
    JS_CO_ASSIGN(c1, co_await js.add_consumer("ORDERS", durable));
    EXPECT_EQ(c1.name, "NEW");
    EXPECT_EQ(c1.stream_name, "ORDERS");
    EXPECT_EQ(c1.num_pending, 4u);
    EXPECT_EQ(c1.config.filter_subject, "orders.new");
    EXPECT_EQ(c1.config.ack_policy, AckPolicy::kExplicit);
    // With a backoff the server takes ack_wait from its first step.
    EXPECT_EQ(c1.config.ack_wait, std::chrono::seconds(1));
    EXPECT_EQ(c1.config.max_deliver, 5);
    EXPECT_EQ(c1.config.backoff, durable.backoff);

    ConsumerConfig wild;
    wild.name = "ALL";
    wild.filter_subject = "orders.*";
    wild.deliver_policy = DeliverPolicy::kLast;
    JS_CO_ASSIGN(c2, co_await js.add_consumer("ORDERS", wild));
    EXPECT_EQ(c2.name, "ALL");
    EXPECT_EQ(c2.num_pending, 1u);

    ConsumerConfig ephemeral;
    ephemeral.ack_policy = AckPolicy::kNone;
    JS_CO_ASSIGN(c3, co_await js.add_consumer("ORDERS", ephemeral));
    EXPECT_FALSE(c3.name.empty());
    EXPECT_EQ(c3.num_pending, 5u);

    JS_CO_ASSIGN(info, co_await js.consumer_info("ORDERS", "NEW"));
    EXPECT_EQ(info.config, c1.config);
    JS_CO_ASSIGN(names, co_await js.consumer_names("ORDERS"));
    std::sort(names.begin(), names.end());
    std::vector<std::string> expected{"ALL", "NEW", c3.name};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(names, expected);
    JS_CO_ASSIGN(list, co_await js.consumers("ORDERS"));
    EXPECT_EQ(list.size(), 3u);

    // Updating a durable (create-or-update).
    durable.description = "new orders";
    JS_CO_ASSIGN(c1b, co_await js.add_consumer("ORDERS", durable));
    EXPECT_EQ(c1b.config.description, "new orders");

    JS_CO_OK(co_await js.delete_consumer("ORDERS", "NEW"));
    auto gone = co_await js.consumer_info("ORDERS", "NEW");
    EXPECT_EQ(gone.error(), errc::kConsumerNotFound);
    EXPECT_EQ(gone.error().err_code, 10014);
    EXPECT_EQ((co_await js.delete_consumer("ORDERS", "NEW")).error(), errc::kConsumerNotFound);
    ConsumerConfig mismatch;
    mismatch.durable_name = "A";
    mismatch.name = "B";
    EXPECT_EQ((co_await js.add_consumer("ORDERS", mismatch)).error(), errc::kInvalidArgument);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, PullFetchNextAndAcks) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    const StreamConfig cfg = orders_stream();
    JS_CO_OK(co_await js.add_stream(cfg));
    for (int i = 1; i <= 10; ++i) JS_CO_OK(co_await js.publish("orders.new", std::to_string(i)));
    ConsumerConfig cc;
    cc.durable_name = "worker";
    cc.ack_wait = std::chrono::seconds(30);
    JS_CO_ASSIGN(consumer, co_await js.create_pull_consumer("ORDERS", cc));
    EXPECT_EQ(consumer.name(), "worker");

    JS_CO_ASSIGN(batch, co_await consumer.fetch(4, {.expires = kWait}));
    QV_CO_ASSERT_EQ(batch.size(), 4u);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(batch[i].data(), std::to_string(i + 1));
      EXPECT_EQ(batch[i].subject(), "orders.new");
      JS_CO_ASSIGN(md, batch[i].metadata());
      EXPECT_EQ(md.stream, "ORDERS");
      EXPECT_EQ(md.consumer, "worker");
      EXPECT_EQ(md.stream_seq, i + 1);
      EXPECT_EQ(md.consumer_seq, i + 1);
      EXPECT_EQ(md.num_delivered, 1u);
      EXPECT_EQ(md.num_pending, 10 - (i + 1));
      EXPECT_GT(md.timestamp.time_since_epoch().count(), 0);
    }
    EXPECT_FALSE(batch[0].ack());
    EXPECT_EQ(batch[0].ack(), errc::kAlreadyAcked);
    JS_CO_OK(co_await batch[1].ack_sync());
    EXPECT_EQ((co_await batch[1].ack_sync()).error(), errc::kAlreadyAcked);
    EXPECT_FALSE(batch[2].in_progress());
    EXPECT_FALSE(batch[2].nak());  // redelivered at once
    EXPECT_FALSE(batch[3].term());
    EXPECT_EQ(batch[3].nak(), errc::kAlreadyAcked);

    // More than available: returns what there is when the request expires.
    JS_CO_ASSIGN(rest, co_await consumer.fetch(20, {.expires = milliseconds(500)}));
    QV_CO_ASSERT_EQ(rest.size(), 7u);
    std::vector<std::string> got;
    for (auto& m : rest) {
      got.emplace_back(m.data());
      JS_CO_ASSIGN(md, m.metadata());
      EXPECT_EQ(md.num_delivered, m.data() == "3" ? 2u : 1u) << m.data();  // 3 was nak'ed
      EXPECT_FALSE(m.ack());
    }
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"10", "3", "5", "6", "7", "8", "9"}));
    // The acks are fire and forget: wait until the server has them before fetching again.
    EXPECT_FALSE(co_await nc.flush());

    JS_CO_ASSIGN(empty, co_await consumer.fetch(5, {.no_wait = true}));
    EXPECT_TRUE(empty.empty());
    const auto start = std::chrono::steady_clock::now();
    auto none = co_await consumer.next(milliseconds(300));
    EXPECT_EQ(none.error(), client::errc::kTimeout);
    EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(250));

    JS_CO_OK(co_await js.publish("orders.new", "11"));
    JS_CO_ASSIGN(eleven, co_await consumer.next(kWait));
    EXPECT_EQ(eleven.data(), "11");
    JS_CO_OK(co_await eleven.ack_sync());

    // Heartbeats keep a long fetch alive; a deleted consumer ends it.
    JS_CO_ASSIGN(hb, co_await consumer.fetch(
                         1, {.expires = milliseconds(600), .heartbeat = milliseconds(100)}));
    EXPECT_TRUE(hb.empty());
    JS_CO_OK(co_await js.delete_consumer("ORDERS", "worker"));
    // nats-server 2.9.10 drops a pull request for a missing consumer silently (the API import
    // always has a responder), so this ends empty at expiry; a 503 would be kConsumerNotFound.
    auto deleted = co_await consumer.fetch(1, {.expires = milliseconds(300)});
    if (deleted) {
      EXPECT_TRUE(deleted.value().empty());
    } else {
      EXPECT_EQ(deleted.error(), errc::kConsumerNotFound);
    }

    // Not a JetStream message.
    JsMsg plain(Message("a", "b", "c"), &nc);
    EXPECT_EQ(plain.ack(), errc::kNotJetStreamMessage);
    EXPECT_EQ(plain.metadata().error(), errc::kNotJetStreamMessage);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, ConsumeContinuously) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    Connection pub_nc(io_.get_executor());
    if (!co_await connect(nc) || !co_await connect(pub_nc)) co_return;
    JetStream js(nc);
    JetStream pub(pub_nc);
    const StreamConfig cfg = orders_stream();
    JS_CO_OK(co_await js.add_stream(cfg));
    for (int i = 0; i < 50; ++i) JS_CO_OK(co_await pub.publish("orders.x", std::to_string(i)));
    ConsumerConfig cc;
    cc.durable_name = "c";
    JS_CO_ASSIGN(consumer, co_await js.create_pull_consumer("ORDERS", cc));
    JS_CO_ASSIGN(stream,
                 co_await consumer.consume({.max_messages = 10, .expires = milliseconds(1000)}));
    for (int i = 0; i < 50; ++i) {
      JS_CO_ASSIGN(m, co_await stream.next(kWait));
      EXPECT_EQ(m.data(), std::to_string(i));
      EXPECT_FALSE(m.ack());
    }
    // New messages arrive while consuming, across pull requests that expire (1 s).
    for (int i = 50; i < 60; ++i) {
      JS_CO_OK(co_await pub.publish("orders.x", std::to_string(i)));
      JS_CO_ASSIGN(m, co_await stream.next(kWait));
      EXPECT_EQ(m.data(), std::to_string(i));
      EXPECT_FALSE(m.ack());
    }
    co_await testing::pause(milliseconds(1500));
    JS_CO_OK(co_await pub.publish("orders.x", "late"));
    JS_CO_ASSIGN(late, co_await stream.next(kWait));
    EXPECT_EQ(late.data(), "late");
    EXPECT_EQ(stream.heartbeat_misses(), 0u);
    EXPECT_EQ((co_await stream.next(milliseconds(200))).error(), client::errc::kTimeout);
    (void)co_await stream.stop();
    EXPECT_EQ((co_await stream.next(milliseconds(200))).error(), client::errc::kSubscriptionClosed);
    JS_CO_ASSIGN(info, co_await consumer.info());
    EXPECT_EQ(info.num_pending, 0u);
    EXPECT_EQ(info.delivered.stream_seq, 61u);

    // Deleting the consumer ends a consume (the server fails the waiting pull request).
    JS_CO_ASSIGN(again, co_await consumer.consume({.max_messages = 5}));
    EXPECT_EQ((co_await again.next(milliseconds(100))).error(), client::errc::kTimeout);
    JS_CO_OK(co_await js.delete_consumer("ORDERS", "c"));
    auto ended = co_await again.next(kWait);
    QV_CO_ASSERT_TRUE(!ended);
    EXPECT_TRUE(ended.error() == errc::kConsumerDeleted || ended.error() == errc::kConsumerNotFound)
        << ended.error();
    nc.close();
    pub_nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, PushSubscriptionHeartbeatsAndFlowControl) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    const StreamConfig cfg = orders_stream();
    JS_CO_OK(co_await js.add_stream(cfg));
    // Enough data that the server asks for flow control (it does every ~ max_ack_pending bytes).
    const std::string payload(64 * 1024, 'x');
    for (int i = 0; i < 64; ++i) JS_CO_OK(co_await js.publish("orders.big", payload));
    ConsumerConfig cc;
    cc.durable_name = "push";
    cc.flow_control = true;
    cc.idle_heartbeat = milliseconds(200);
    cc.ack_policy = AckPolicy::kNone;
    JS_CO_ASSIGN(sub, co_await js.subscribe_push("ORDERS", cc));
    EXPECT_EQ(sub.consumer(), "push");
    EXPECT_FALSE(sub.info().config.deliver_subject.empty());
    for (int i = 0; i < 64; ++i) {
      JS_CO_ASSIGN(m, co_await sub.next(kWait));
      EXPECT_EQ(m.data().size(), payload.size());
      JS_CO_ASSIGN(md, m.metadata());
      EXPECT_EQ(md.stream_seq, static_cast<std::uint64_t>(i + 1));
    }
    // Idle: heartbeats keep arriving, so this times out rather than reporting kNoHeartbeat.
    EXPECT_EQ((co_await sub.next(milliseconds(700))).error(), client::errc::kTimeout);
    JS_CO_ASSIGN(info, co_await js.consumer_info("ORDERS", "push"));
    EXPECT_EQ(info.delivered.stream_seq, 64u);
    EXPECT_TRUE(info.push_bound);
    // Without the consumer nothing comes any more: two silent intervals are kNoHeartbeat.
    JS_CO_OK(co_await js.delete_consumer("ORDERS", "push"));
    EXPECT_EQ((co_await sub.next(kWait)).error(), errc::kNoHeartbeat);
    sub.unsubscribe();

    // bind_push to a consumer that exists.
    ConsumerConfig named;
    named.durable_name = "bound";
    named.deliver_subject = "deliver.bound";
    named.ack_policy = AckPolicy::kExplicit;
    JS_CO_OK(co_await js.add_consumer("ORDERS", named));
    JS_CO_ASSIGN(bound, co_await js.bind_push("ORDERS", "bound"));
    JS_CO_ASSIGN(first, co_await bound.next(kWait));
    JS_CO_OK(co_await first.ack_sync());
    EXPECT_EQ(first.metadata().value().stream_seq, 1u);
    bound.unsubscribe();
    ConsumerConfig pull;
    pull.durable_name = "pull";
    JS_CO_OK(co_await js.add_consumer("ORDERS", pull));
    EXPECT_EQ((co_await js.bind_push("ORDERS", "pull")).error(), errc::kInvalidArgument);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, OrderedConsumerRecoversFromALostConsumer) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    const StreamConfig cfg = orders_stream();
    JS_CO_OK(co_await js.add_stream(cfg));
    for (int i = 1; i <= 20; ++i) JS_CO_OK(co_await js.publish("orders.x", std::to_string(i)));
    JS_CO_OK(co_await js.publish("orders.y", "other"));
    JS_CO_ASSIGN(oc, co_await js.ordered_consumer("ORDERS", {.filter_subject = "orders.x",
                                                             .idle_heartbeat = milliseconds(100)}));
    EXPECT_EQ(oc.initial_pending(), 20u);
    for (int i = 1; i <= 10; ++i) {
      JS_CO_ASSIGN(m, co_await oc.next(kWait));
      EXPECT_EQ(m.data(), std::to_string(i));
    }
    // The server-side consumer disappears (and the messages it had sent with it): the
    // ordered consumer notices the missing heartbeats and continues after stream seq 10.
    const std::string first = oc.consumer_name();
    JS_CO_OK(co_await js.delete_consumer("ORDERS", first));
    for (int i = 11; i <= 25; ++i) {
      if (i > 20) JS_CO_OK(co_await js.publish("orders.x", std::to_string(i)));
      JS_CO_ASSIGN(m, co_await oc.next(kWait));
      EXPECT_EQ(m.data(), std::to_string(i));
    }
    EXPECT_GE(oc.resets(), 1u);
    EXPECT_NE(oc.consumer_name(), first);
    EXPECT_EQ((co_await oc.next(milliseconds(200))).error(), client::errc::kTimeout);
    const std::string last = oc.consumer_name();
    JS_CO_OK(co_await oc.stop());
    EXPECT_EQ((co_await js.consumer_info("ORDERS", last)).error(), errc::kConsumerNotFound);
    EXPECT_EQ((co_await oc.next(milliseconds(10))).error(), client::errc::kSubscriptionClosed);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, KeyValueBasics) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    KeyValueConfig cfg;
    cfg.bucket = "cfg";
    cfg.history = 5;
    JS_CO_ASSIGN(kv, co_await js.create_key_value(cfg));
    EXPECT_EQ(kv.bucket(), "cfg");
    JS_CO_ASSIGN(si, co_await js.stream_info("KV_cfg"));
    EXPECT_EQ(si.config.subjects, std::vector<std::string>{"$KV.cfg.>"});
    EXPECT_EQ(si.config.max_msgs_per_subject, 5);
    EXPECT_EQ(si.config.discard, DiscardPolicy::kNew);
    EXPECT_TRUE(si.config.deny_delete);
    EXPECT_TRUE(si.config.allow_rollup_hdrs);
    EXPECT_TRUE(si.config.allow_direct);
    EXPECT_EQ(si.config.duplicate_window, std::chrono::minutes(2));
    // Creating it again with the same config is fine.
    JS_CO_OK(co_await js.create_key_value(cfg));

    JS_CO_ASSIGN(r1, co_await kv.put("db.url", "postgres://a"));
    EXPECT_EQ(r1, 1u);
    JS_CO_ASSIGN(e1, co_await kv.get("db.url"));
    EXPECT_EQ(e1.value, "postgres://a");
    EXPECT_EQ(e1.revision, 1u);
    EXPECT_EQ(e1.key, "db.url");
    EXPECT_EQ(e1.bucket, "cfg");
    EXPECT_EQ(e1.operation, KeyValueOp::kPut);
    EXPECT_GT(e1.created.time_since_epoch().count(), 0);

    auto exists = co_await kv.create("db.url", "x");
    EXPECT_EQ(exists.error(), errc::kKeyExists);
    auto stale = co_await kv.update("db.url", "x", 7);
    EXPECT_EQ(stale.error(), errc::kWrongLastSequence);
    JS_CO_ASSIGN(r2, co_await kv.update("db.url", "postgres://b", r1));
    EXPECT_EQ(r2, 2u);
    JS_CO_ASSIGN(r3, co_await kv.create("db.user", "admin"));
    EXPECT_EQ(r3, 3u);
    JS_CO_ASSIGN(old, co_await kv.get_revision("db.url", 1));
    EXPECT_EQ(old.value, "postgres://a");
    EXPECT_EQ((co_await kv.get_revision("db.url", 3)).error(), errc::kKeyNotFound);

    JS_CO_OK(co_await kv.erase("db.user"));
    EXPECT_EQ((co_await kv.get("db.user")).error(), errc::kKeyNotFound);
    JS_CO_ASSIGN(recreated, co_await kv.create("db.user", "root"));
    EXPECT_EQ(recreated, 5u);
    EXPECT_EQ((co_await kv.erase("db.user", 1)).error(), errc::kWrongLastSequence);

    JS_CO_ASSIGN(hist, co_await kv.history("db.user"));
    QV_CO_ASSERT_EQ(hist.size(), 3u);
    EXPECT_EQ(hist[0].value, "admin");
    EXPECT_EQ(hist[1].operation, KeyValueOp::kDelete);
    EXPECT_EQ(hist[2].value, "root");
    EXPECT_EQ(hist[2].delta, 0u);

    JS_CO_OK(co_await kv.purge("db.user"));
    JS_CO_ASSIGN(purged_hist, co_await kv.history("db.user"));
    QV_CO_ASSERT_EQ(purged_hist.size(), 1u);
    EXPECT_EQ(purged_hist[0].operation, KeyValueOp::kPurge);
    EXPECT_EQ((co_await kv.get("db.user")).error(), errc::kKeyNotFound);
    EXPECT_EQ((co_await kv.history("nothing")).error(), errc::kKeyNotFound);

    JS_CO_OK(co_await kv.put("a", "1"));
    JS_CO_ASSIGN(keys, co_await kv.keys());
    EXPECT_EQ(keys, (std::vector<std::string>{"db.url", "a"}));

    // Reads without direct get (MSG.GET) agree.
    KeyValue no_direct(js, "cfg", false);
    JS_CO_ASSIGN(via_json, co_await no_direct.get("db.url"));
    EXPECT_EQ(via_json, (co_await kv.get("db.url")).value());

    JS_CO_ASSIGN(bound, co_await js.key_value("cfg"));
    JS_CO_ASSIGN(e2, co_await bound.get("a"));
    EXPECT_EQ(e2.value, "1");
    JS_CO_ASSIGN(status, co_await kv.status());
    EXPECT_EQ(status.history, 5);
    EXPECT_EQ(status.bucket, "cfg");
    EXPECT_EQ((co_await js.key_value("missing")).error(), errc::kBucketNotFound);
    EXPECT_EQ((co_await js.key_value("bad.name")).error(), errc::kInvalidBucketName);
    EXPECT_EQ((co_await kv.put(".bad", "x")).error(), errc::kInvalidKey);
    KeyValueConfig too_much;
    too_much.bucket = "big";
    too_much.history = 65;
    EXPECT_EQ((co_await js.create_key_value(too_much)).error(), errc::kHistoryTooLarge);
    JS_CO_OK(co_await js.delete_key_value("cfg"));
    EXPECT_EQ((co_await js.key_value("cfg")).error(), errc::kBucketNotFound);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, KeyValueWatch) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    KeyValueConfig cfg;
    cfg.bucket = "w";
    cfg.history = 3;
    JS_CO_ASSIGN(kv, co_await js.create_key_value(cfg));

    // An empty bucket: the marker comes first.
    JS_CO_ASSIGN(empty_watch, co_await kv.watch_all());
    JS_CO_ASSIGN(marker, co_await empty_watch.next(kWait));
    EXPECT_FALSE(marker.has_value());

    JS_CO_OK(co_await kv.put("a.1", "x"));
    JS_CO_OK(co_await kv.put("a.1", "y"));
    JS_CO_OK(co_await kv.put("a.2", "z"));
    JS_CO_OK(co_await kv.put("b.1", "other"));
    JS_CO_ASSIGN(live, co_await empty_watch.next(kWait));
    QV_CO_ASSERT_TRUE(live.has_value());
    EXPECT_EQ(live->key, "a.1");
    EXPECT_EQ(live->value, "x");
    JS_CO_OK(co_await empty_watch.stop());

    JS_CO_ASSIGN(w, co_await kv.watch("a.>"));
    JS_CO_ASSIGN(u1, co_await w.next(kWait));
    QV_CO_ASSERT_TRUE(u1.has_value());
    EXPECT_EQ(u1->key, "a.1");
    EXPECT_EQ(u1->value, "y");
    EXPECT_EQ(u1->revision, 2u);
    EXPECT_EQ(u1->delta, 1u);
    JS_CO_ASSIGN(u2, co_await w.next(kWait));
    QV_CO_ASSERT_TRUE(u2.has_value());
    EXPECT_EQ(u2->key, "a.2");
    EXPECT_EQ(u2->delta, 0u);
    JS_CO_ASSIGN(done, co_await w.next(kWait));
    EXPECT_FALSE(done.has_value());
    JS_CO_OK(co_await kv.put("b.2", "not watched"));
    JS_CO_OK(co_await kv.erase("a.2"));
    JS_CO_ASSIGN(u3, co_await w.next(kWait));
    QV_CO_ASSERT_TRUE(u3.has_value());
    EXPECT_EQ(u3->key, "a.2");
    EXPECT_EQ(u3->operation, KeyValueOp::kDelete);
    EXPECT_EQ(u3->revision, 6u);
    EXPECT_EQ((co_await w.next(milliseconds(200))).error(), client::errc::kTimeout);
    JS_CO_OK(co_await w.stop());

    // Options: ignore deletes, meta only, updates only, history.
    JS_CO_ASSIGN(meta, co_await kv.watch("a.*", {.ignore_deletes = true, .meta_only = true}));
    JS_CO_ASSIGN(m1, co_await meta.next(kWait));
    QV_CO_ASSERT_TRUE(m1.has_value());
    EXPECT_EQ(m1->key, "a.1");
    EXPECT_EQ(m1->value, "");
    JS_CO_ASSIGN(m2, co_await meta.next(kWait));
    EXPECT_FALSE(m2.has_value());  // a.2's delete marker skipped, marker still delivered
    JS_CO_OK(co_await meta.stop());

    JS_CO_ASSIGN(updates, co_await kv.watch_all({.updates_only = true}));
    JS_CO_OK(co_await kv.put("c", "new"));
    JS_CO_ASSIGN(n1, co_await updates.next(kWait));
    QV_CO_ASSERT_TRUE(n1.has_value());
    EXPECT_EQ(n1->key, "c");
    JS_CO_OK(co_await updates.stop());

    JS_CO_ASSIGN(hist, co_await kv.watch("a.1", {.include_history = true}));
    JS_CO_ASSIGN(h1, co_await hist.next(kWait));
    JS_CO_ASSIGN(h2, co_await hist.next(kWait));
    JS_CO_ASSIGN(h3, co_await hist.next(kWait));
    QV_CO_ASSERT_TRUE(h1.has_value() && h2.has_value());
    EXPECT_EQ(h1->value, "x");
    EXPECT_EQ(h2->value, "y");
    EXPECT_FALSE(h3.has_value());
    JS_CO_OK(co_await hist.stop());
    EXPECT_EQ((co_await kv.watch("bad..x")).error(), errc::kInvalidKey);
    nc.close();
  });
}

TEST_F(JetStreamIntegrationTest, ObjectStorePutGetListDelete) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    ObjectStoreConfig cfg;
    cfg.bucket = "files";
    JS_CO_ASSIGN(os, co_await js.create_object_store(cfg));
    JS_CO_ASSIGN(si, co_await js.stream_info("OBJ_files"));
    EXPECT_EQ(si.config.subjects, (std::vector<std::string>{"$O.files.C.>", "$O.files.M.>"}));
    EXPECT_TRUE(si.config.allow_rollup_hdrs);
    EXPECT_TRUE(si.config.allow_direct);
    EXPECT_EQ(si.config.discard, DiscardPolicy::kNew);

    const std::string data = random_bytes(300 * 1024, 7);
    JS_CO_ASSIGN(put, co_await os.put_bytes("big.bin", data));
    EXPECT_EQ(put.size, data.size());
    EXPECT_EQ(put.chunks, 3u);
    EXPECT_EQ(put.digest, object_digest(data));
    EXPECT_EQ(put.bucket, "files");
    EXPECT_EQ(put.nuid.size(), 22u);

    JS_CO_ASSIGN(info, co_await os.info("big.bin"));
    EXPECT_EQ(info.size, data.size());
    EXPECT_EQ(info.digest, put.digest);
    EXPECT_EQ(info.nuid, put.nuid);
    EXPECT_EQ(info.options->max_chunk_size, kObjectDefaultChunkSize);
    JS_CO_ASSIGN(back, co_await os.get_bytes("big.bin"));
    EXPECT_TRUE(back == data);

    // The meta message on the wire, as other clients read it.
    JS_CO_ASSIGN(raw, co_await js.get_last_msg("OBJ_files", "$O.files.M.YmlnLmJpbg=="));
    EXPECT_EQ(raw.headers.get("Nats-Rollup"), "sub");
    auto meta = boost::json::parse(raw.data).as_object();
    EXPECT_EQ(meta.at("name").as_string(), "big.bin");
    EXPECT_EQ(meta.at("bucket").as_string(), "files");
    EXPECT_EQ(meta.at("size").to_number<std::uint64_t>(), data.size());
    EXPECT_EQ(meta.at("chunks").to_number<std::uint32_t>(), 3u);
    EXPECT_EQ(meta.at("options").at("max_chunk_size").to_number<std::uint32_t>(), 131072u);

    // Streamed: 128 KiB, 128 KiB, 44 KiB.
    JS_CO_ASSIGN(reader, co_await os.get("big.bin"));
    std::vector<std::size_t> sizes;
    for (;;) {
      JS_CO_ASSIGN(chunk, co_await reader.next_chunk(kWait));
      if (!chunk) break;
      sizes.push_back(chunk->size());
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{131072, 131072, 45056}));

    // Replacing purges the old chunks: 3 chunks + 1 meta, then 1 chunk + 1 meta.
    JS_CO_ASSIGN(before, co_await js.stream_info("OBJ_files"));
    EXPECT_EQ(before.state.messages, 4u);
    JS_CO_OK(co_await os.put_bytes("big.bin", "small now"));
    JS_CO_ASSIGN(after, co_await js.stream_info("OBJ_files"));
    EXPECT_EQ(after.state.messages, 2u);
    JS_CO_ASSIGN(small, co_await os.get_bytes("big.bin"));
    EXPECT_EQ(small, "small now");

    // Empty objects, custom chunk sizes, descriptions and headers.
    JS_CO_ASSIGN(empty, co_await os.put_bytes("empty", ""));
    EXPECT_EQ(empty.chunks, 0u);
    EXPECT_EQ(empty.digest, "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=");
    JS_CO_ASSIGN(empty_back, co_await os.get_bytes("empty"));
    EXPECT_EQ(empty_back, "");
    ObjectMeta m;
    m.name = "notes.txt";
    m.description = "some notes";
    m.headers["Content-Type"] = {"text/plain"};
    m.options = ObjectMetaOptions{std::nullopt, 4};
    JS_CO_ASSIGN(notes, co_await os.put(m, std::string_view("0123456789")));
    EXPECT_EQ(notes.chunks, 3u);
    JS_CO_ASSIGN(notes_info, co_await os.info("notes.txt"));
    EXPECT_EQ(notes_info.description, "some notes");
    EXPECT_EQ(notes_info.headers, m.headers);
    EXPECT_EQ((co_await os.get_bytes("notes.txt")).value(), "0123456789");

    JS_CO_ASSIGN(list, co_await os.list());
    std::vector<std::string> names;
    for (const auto& o : list) names.push_back(o.name);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"big.bin", "empty", "notes.txt"}));

    // Links.
    JS_CO_ASSIGN(link, co_await os.add_link("latest", notes_info));
    EXPECT_EQ(link.options->link->name, "notes.txt");
    EXPECT_EQ((co_await os.get_bytes("latest")).value(), "0123456789");

    JS_CO_OK(co_await os.erase("notes.txt"));
    EXPECT_EQ((co_await os.info("notes.txt")).error(), errc::kObjectNotFound);
    JS_CO_ASSIGN(deleted, co_await os.info("notes.txt", true));
    EXPECT_TRUE(deleted.deleted);
    EXPECT_EQ(deleted.size, 0u);
    EXPECT_EQ((co_await os.get_bytes("notes.txt")).error(), errc::kObjectNotFound);
    JS_CO_ASSIGN(list2, co_await os.list());
    EXPECT_EQ(list2.size(), 3u);  // big.bin, empty, latest
    EXPECT_EQ((co_await os.get_bytes("nothing")).error(), errc::kObjectNotFound);
    EXPECT_EQ((co_await js.object_store("nope")).error(), errc::kBucketNotFound);
    JS_CO_OK(co_await js.object_store("files"));
    JS_CO_OK(co_await js.delete_object_store("files"));
    nc.close();
  });
}

// Objects written the way nats.go / nats.js write them (hand-made chunks and meta) read back,
// and a corrupted object is caught by its digest.
TEST_F(JetStreamIntegrationTest, ObjectStoreReadsForeignObjectsAndChecksDigests) {
  run([&]() -> awaitable<void> {
    Connection nc(io_.get_executor());
    if (!co_await connect(nc)) co_return;
    JetStream js(nc);
    ObjectStoreConfig cfg;
    cfg.bucket = "ext";
    JS_CO_ASSIGN(os, co_await js.create_object_store(cfg));
    JS_CO_OK(co_await js.publish("$O.ext.C.NUIDNUIDNUIDNUIDNUID12", "hello "));
    JS_CO_OK(co_await js.publish("$O.ext.C.NUIDNUIDNUIDNUIDNUID12", "world"));
    const std::string go_meta =
        R"({"name":"greeting","options":{"max_chunk_size":6},"bucket":"ext",)"
        R"("nuid":"NUIDNUIDNUIDNUIDNUID12","size":11,"mtime":"0001-01-01T00:00:00Z",)"
        R"("chunks":2,"digest":")" +
        object_digest("hello world") + R"("})";
    codec::Headers rollup;
    rollup.add("Nats-Rollup", "sub");
    JS_CO_OK(
        co_await js.publish(object_meta_subject("ext", "greeting"), go_meta, {.headers = &rollup}));
    JS_CO_ASSIGN(text, co_await os.get_bytes("greeting"));
    EXPECT_EQ(text, "hello world");

    // nats.js (early releases): unpadded name in the subject, standard base64 digest.
    JS_CO_OK(co_await js.publish("$O.ext.C.JSNUIDJSNUIDJSNUIDJSNUI", "abc"));
    const std::string js_meta =
        R"({"name":"ab","bucket":"ext","nuid":"JSNUIDJSNUIDJSNUIDJSNUI","size":3,)"
        R"("mtime":"2024-01-02T03:04:05.678Z","chunks":1,)"
        R"("digest":"SHA-256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="})";
    JS_CO_OK(co_await js.publish("$O.ext.M.YWI", js_meta, {.headers = &rollup}));
    JS_CO_ASSIGN(abc, co_await os.get_bytes("ab"));
    EXPECT_EQ(abc, "abc");

    const std::string corrupt =
        R"({"name":"bad","bucket":"ext","nuid":"JSNUIDJSNUIDJSNUIDJSNUI","size":3,)"
        R"("mtime":"0001-01-01T00:00:00Z","chunks":1,"digest":")" +
        object_digest("abd") + R"("})";
    JS_CO_OK(co_await js.publish(object_meta_subject("ext", "bad"), corrupt, {.headers = &rollup}));
    EXPECT_EQ((co_await os.get_bytes("bad")).error(), errc::kDigestMismatch);
    nc.close();
  });
}

}  // namespace
}  // namespace quiver::client::jetstream
