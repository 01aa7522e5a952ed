// js_ops against the reference nats-server with JetStream, the test thread playing the asyncio
// loop (as in bridge_integration_test): results and API errors arrive as OpDone, fetch follows
// nats-py, cancellation and shutdown end waiting operations at once.
#include "bindings/python/js_ops.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <unistd.h>
#include <variant>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "bindings/python/bridge.h"
#include "client/errors.h"

#include <sys/wait.h>

extern char** environ;

namespace quiver::bindings {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

// /usr/sbin/nats-server -js on a free 127.0.0.1 port and a fresh store, stopped by PID.
class JsServer {
 public:
  JsServer() {
    asio::io_context io;
    {
      tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
      port_ = probe.local_endpoint().port();
    }
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/js_ops_test.XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) return;
    const std::string port = std::to_string(port_);
    const char* argv[] = {"/usr/sbin/nats-server",
                          "-a",
                          "127.0.0.1",
                          "-p",
                          port.c_str(),
                          "-js",
                          "-sd",
                          dir.c_str(),
                          nullptr};
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      pid_ = 0;
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
      if (!ec) {
        ready_ = true;
        return;
      }
    }
  }
  ~JsServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  JsServer(const JsServer&) = delete;
  JsServer& operator=(const JsServer&) = delete;

  bool ready() const { return ready_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = 0;
  std::uint16_t port_ = 0;
  bool ready_ = false;
};

// Wake-ups arrive here; wait_for() takes the Outbox on the test thread.
class Loop {
 public:
  std::function<void()> waker() {
    return [this] {
      {
        std::lock_guard lock(mu_);
        ++wakes_;
      }
      cv_.notify_all();
    };
  }

  // The OpDone of `op`; nullopt after `timeout`.
  std::optional<OpDone> wait_for(Bridge& bridge, std::uint64_t op,
                                 std::chrono::steady_clock::duration timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (Item& item : bridge.outbox().take()) {
        if (auto* d = std::get_if<OpDone>(&item)) done_.push_back(std::move(*d));
      }
      for (auto it = done_.begin(); it != done_.end(); ++it) {
        if (it->op == op) {
          OpDone d = std::move(*it);
          done_.erase(it);
          return d;
        }
      }
      std::unique_lock lock(mu_);
      if (!cv_.wait_until(lock, deadline, [&] { return wakes_ != seen_; })) return std::nullopt;
      seen_ = wakes_;
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int wakes_ = 0;
  int seen_ = 0;
  std::vector<OpDone> done_;
};

class JsOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ready()) << "nats-server did not start";
    client::Options options;
    options.servers = {server_.url()};
    const std::uint64_t op = bridge_.connect(std::move(options));
    auto done = loop_.wait_for(bridge_, op);
    ASSERT_TRUE(done && !done->error);
    js_ = js::JetStream(bridge_.connection());
  }

  // Runs `factory` (awaitable<JsResult<T>>) and returns its OpDone.
  template <class Factory>
  OpDone run(Factory factory) {
    const std::uint64_t op = spawn_result(bridge_, std::move(factory));
    auto done = loop_.wait_for(bridge_, op);
    EXPECT_TRUE(done.has_value()) << "operation did not complete";
    return done ? std::move(*done) : OpDone{};
  }

  void add_stream(const std::string& name, const std::string& subject) {
    js::StreamConfig config;
    config.name = name;
    config.subjects = {subject};
    OpDone done = run([js = js_, config]() mutable { return js.add_stream(config); });
    ASSERT_FALSE(done.error) << done.description;
  }

  std::uint64_t publish(const std::string& subject, const std::string& data) {
    OpDone done = run([js = js_, subject, data]() mutable { return js.publish(subject, data); });
    EXPECT_FALSE(done.error) << done.description;
    const auto* ack = std::any_cast<js::PubAck>(&done.value);
    return ack != nullptr ? ack->seq : 0;
  }

  js::PullConsumer durable(const std::string& stream, const std::string& name) {
    js::ConsumerConfig config;
    config.durable_name = name;
    OpDone done =
        run([js = js_, stream, config]() mutable { return js.add_consumer(stream, config); });
    EXPECT_FALSE(done.error) << done.description;
    return js_.pull_consumer(stream, name);
  }

  JsServer server_;
  Loop loop_;
  Bridge bridge_{loop_.waker()};
  js::JetStream js_;
};

TEST_F(JsOpsTest, ResultsComeBackAsValuesAndManagementTypesAsJson) {
  add_stream("S", "s.>");
  EXPECT_EQ(publish("s.a", "one"), 1u);
  EXPECT_EQ(publish("s.b", "two"), 2u);
  OpDone info = run([js = js_]() mutable { return js.stream_info("S"); });
  ASSERT_FALSE(info.error);
  const auto* text = std::any_cast<JsonText>(&info.value);
  ASSERT_NE(text, nullptr);
  EXPECT_NE(text->text.find("\"name\":\"S\""), std::string::npos) << text->text;
  EXPECT_NE(text->text.find("\"messages\":2"), std::string::npos) << text->text;
  OpDone deleted = run([js = js_]() mutable { return js.delete_stream("S"); });
  ASSERT_FALSE(deleted.error);
  EXPECT_NE(std::any_cast<Unit>(&deleted.value), nullptr);
}

TEST_F(JsOpsTest, ApiErrorsCarryWhatTheServerSaid) {
  OpDone done = run([js = js_]() mutable { return js.stream_info("NOPE"); });
  EXPECT_EQ(done.error, js::errc::kStreamNotFound);
  EXPECT_EQ(done.api_status, 404);
  EXPECT_EQ(done.api_err_code, 10059);
  EXPECT_EQ(done.description, "stream not found");
  EXPECT_FALSE(done.value.has_value());
}

TEST_F(JsOpsTest, FetchTakesWhatIsThereThenTimesOut) {
  add_stream("W", "w");
  for (int i = 0; i < 3; ++i) publish("w", std::to_string(i));
  js::PullConsumer consumer = durable("W", "d");
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t op = spawn_js(bridge_, [consumer]() mutable {
    return fetch(consumer, 10, milliseconds(5000), milliseconds(0));
  });
  auto done = loop_.wait_for(bridge_, op);
  ASSERT_TRUE(done.has_value());
  ASSERT_FALSE(done->error) << done->description;
  // Not the 5 s the request could wait for 10: what is available comes back at once.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  const auto* batch = std::any_cast<MsgBatch>(&done->value);
  ASSERT_NE(batch, nullptr);
  ASSERT_EQ(batch->messages.size(), 3u);
  EXPECT_EQ(batch->messages[2].data(), "2");
  for (auto m : batch->messages) EXPECT_FALSE(m.ack());

  const std::uint64_t empty = spawn_js(bridge_, [consumer]() mutable {
    return fetch(consumer, 1, milliseconds(200), milliseconds(0));
  });
  done = loop_.wait_for(bridge_, empty);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, client::errc::kTimeout);
}

TEST_F(JsOpsTest, CancelEndsAWaitingFetch) {
  add_stream("C", "c");
  js::PullConsumer consumer = durable("C", "d");
  const std::uint64_t op = spawn_js(bridge_, [consumer]() mutable {
    return fetch(consumer, 1, milliseconds(30000), milliseconds(0));
  });
  EXPECT_FALSE(loop_.wait_for(bridge_, op, 200ms).has_value());  // waiting for a message
  bridge_.cancel(op);
  auto done = loop_.wait_for(bridge_, op, 5s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, boost::system::error_code(asio::error::operation_aborted));
}

TEST_F(JsOpsTest, ShutdownEndsWaitingOperationsAsClosed) {
  add_stream("X", "x");
  js::PullConsumer consumer = durable("X", "d");
  const std::uint64_t op = spawn_js(bridge_, [consumer]() mutable {
    return fetch(consumer, 1, milliseconds(30000), milliseconds(0));
  });
  EXPECT_FALSE(loop_.wait_for(bridge_, op, 200ms).has_value());
  const auto start = std::chrono::steady_clock::now();
  bridge_.shutdown();
  // Under the Bridge's 2 s grace: the wait was cancelled, not timed out.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  auto done = loop_.wait_for(bridge_, op, 1s);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, client::errc::kConnectionClosed);
}

TEST_F(JsOpsTest, PublishAsyncIsAcceptedThenAcknowledged) {
  add_stream("A", "a");
  std::vector<AsyncPublish> ids;
  for (int i = 0; i < 50; ++i) {
    ids.push_back(
        publish_async(bridge_, js_, "a", std::to_string(i), std::nullopt, "", milliseconds(5000)));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto accepted = loop_.wait_for(bridge_, ids[i].accepted);
    ASSERT_TRUE(accepted && !accepted->error);
    auto acked = loop_.wait_for(bridge_, ids[i].acked);
    ASSERT_TRUE(acked && !acked->error) << acked->description;
    EXPECT_EQ(std::any_cast<js::PubAck>(acked->value).seq, i + 1);  // in call order
  }
  const AsyncPublish nobody =
      publish_async(bridge_, js_, "nobody", "x", std::nullopt, "", milliseconds(5000));
  auto acked = loop_.wait_for(bridge_, nobody.acked);
  ASSERT_TRUE(acked.has_value());
  EXPECT_EQ(acked->error, js::errc::kNoStreamResponse);
}

TEST_F(JsOpsTest, KvGetReturnsTheDeleteMarkerWithKeyNotFound) {
  js::KeyValueConfig config;
  config.bucket = "b";
  config.history = 3;
  OpDone created = run([js = js_, config]() mutable { return js.create_key_value(config); });
  ASSERT_FALSE(created.error) << created.description;
  js::KeyValue kv = std::any_cast<js::KeyValue>(created.value);
  ASSERT_FALSE(run([kv]() mutable { return kv.put("k", "v"); }).error);
  ASSERT_FALSE(run([kv]() mutable { return kv.erase("k"); }).error);

  const std::uint64_t op =
      spawn_js(bridge_, [js = js_, kv]() mutable { return kv_get(js, kv, "k", 0); });
  auto done = loop_.wait_for(bridge_, op);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, js::errc::kKeyNotFound);
  const auto* marker = std::any_cast<js::Entry>(&done->value);
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->operation, js::KeyValueOp::kDelete);
  EXPECT_EQ(marker->revision, 2u);

  const std::uint64_t never =
      spawn_js(bridge_, [js = js_, kv]() mutable { return kv_get(js, kv, "never", 0); });
  done = loop_.wait_for(bridge_, never);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, js::errc::kKeyNotFound);
  EXPECT_FALSE(done->value.has_value());
}

}  // namespace
}  // namespace quiver::bindings
