// Bridge against the reference nats-server, with the test thread playing the asyncio loop: it
// waits for a wake-up, takes the Outbox, and drains SubQueues. Runs under TSan too, which is
// the point: the I/O thread, the notifier and the consumer all meet here.
#include <chrono>
#include <condition_variable>
#include <cstdint>
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

#include <boost/asio/connect.hpp>
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

// /usr/sbin/nats-server on a free 127.0.0.1 port, stopped by PID.
class NatsServer {
 public:
  NatsServer() {
    asio::io_context io;
    {
      tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
      port_ = probe.local_endpoint().port();
    }
    const std::string port = std::to_string(port_);
    const char* argv[] = {"/usr/sbin/nats-server", "-a", "127.0.0.1", "-p", port.c_str(), nullptr};
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
      pid_ = 0;
      return;
    }
    // Poll until it accepts, with a deadline.
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
  ~NatsServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  bool ready() const { return ready_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = 0;
  std::uint16_t port_ = 0;
  bool ready_ = false;
};

// The "event loop": wake-ups arrive here; drive() takes and handles them on the test thread.
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

  // Takes the outbox until `done` holds; false after 10 s.
  bool drive(Bridge& bridge, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      for (Item& item : bridge.outbox().take()) handle(std::move(item));
      if (done()) return true;
      std::unique_lock lock(mu_);
      if (!cv_.wait_until(lock, deadline, [&] { return wakes_ != seen_; })) return false;
      seen_ = wakes_;
    }
  }

  std::optional<OpDone> result(std::uint64_t op) {
    for (auto& d : done_) {
      if (d.op == op) return std::move(d);
    }
    return std::nullopt;
  }
  bool has(std::uint64_t op) const {
    for (const auto& d : done_) {
      if (d.op == op) return true;
    }
    return false;
  }
  int ready_signals() const { return ready_; }

 private:
  void handle(Item item) {
    if (auto* d = std::get_if<OpDone>(&item)) {
      done_.push_back(std::move(*d));
    } else if (std::holds_alternative<SubReady>(item)) {
      ++ready_;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int wakes_ = 0;
  int seen_ = 0;
  std::vector<OpDone> done_;
  int ready_ = 0;
};

class BridgeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ready()) << "nats-server did not start"; }

  // Connects and returns true once connected.
  bool connect(Bridge& bridge) {
    client::Options options;
    options.servers = {server_.url()};
    const std::uint64_t op = bridge.connect(std::move(options));
    if (!loop_.drive(bridge, [&] { return loop_.has(op); })) return false;
    return !loop_.result(op)->error;
  }

  NatsServer server_;
  Loop loop_;
};

TEST_F(BridgeTest, MessagesFlowInBatchesAndRequestsCancel) {
  Bridge bridge(loop_.waker());
  ASSERT_TRUE(connect(bridge));
  // Not a structured binding: clang 14 cannot capture those in lambdas.
  const auto started = bridge.subscribe("t", "", 0, SubLimits{});
  const std::uint64_t sub_op = started.first;
  const std::shared_ptr<SubQueue> queue = started.second;
  ASSERT_TRUE(loop_.drive(bridge, [&] { return loop_.has(sub_op); }));
  const OpDone subscribed = *loop_.result(sub_op);
  ASSERT_FALSE(subscribed.error);
  EXPECT_NE(subscribed.sid, 0u);

  constexpr int kCount = 20000;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_FALSE(bridge.publish("t", std::to_string(i), "", nullptr));
  }
  int received = 0;
  bool in_order = true;
  ASSERT_TRUE(loop_.drive(bridge, [&] {
    for (;;) {
      SubQueue::Batch batch = queue->take(512);
      if (batch.messages.empty()) return received == kCount;  // parked: wait for SubReady
      for (const auto& m : batch.messages) {
        in_order = in_order && m.data() == std::to_string(received);
        ++received;
      }
    }
  }));
  EXPECT_TRUE(in_order);
  // Signals only come when the consumer parked, so far fewer than one per message.
  EXPECT_LT(loop_.ready_signals(), kCount / 10);

  // Nobody answers on "t": the request waits until cancelled.
  const std::uint64_t request = bridge.request("t", "q", std::nullopt, 30s);
  ASSERT_TRUE(loop_.drive(bridge, [&] { return queue->stats().pending_msgs == 1; }));
  bridge.cancel(request);
  ASSERT_TRUE(loop_.drive(bridge, [&] { return loop_.has(request); }));
  EXPECT_EQ(loop_.result(request)->error,
            boost::system::error_code(asio::error::operation_aborted));

  const std::uint64_t nobody = bridge.request("nobody", "", std::nullopt, 5s);
  ASSERT_TRUE(loop_.drive(bridge, [&] { return loop_.has(nobody); }));
  EXPECT_EQ(loop_.result(nobody)->error, client::errc::kNoResponders);

  const std::uint64_t close = bridge.close();
  ASSERT_TRUE(loop_.drive(bridge, [&] { return loop_.has(close); }));
  SubQueue::Batch end = queue->take(10);
  EXPECT_TRUE(end.finished);
  EXPECT_EQ(end.reason, client::errc::kConnectionClosed);
  bridge.shutdown();
  bridge.shutdown();
}

TEST_F(BridgeTest, DrainedSubscriptionKeepsWhatTheServerSent) {
  Bridge bridge(loop_.waker());
  ASSERT_TRUE(connect(bridge));
  // Not a structured binding: clang 14 cannot capture those in lambdas.
  const auto started = bridge.subscribe("d", "", 0, SubLimits{});
  const std::uint64_t sub_op = started.first;
  const std::shared_ptr<SubQueue> queue = started.second;
  ASSERT_TRUE(loop_.drive(bridge, [&] { return loop_.has(sub_op); }));
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(bridge.publish("d", "x", "", nullptr));
  const std::uint64_t drain = bridge.drain_subscription(queue);
  ASSERT_TRUE(loop_.drive(bridge, [&] { return loop_.has(drain); }));
  EXPECT_FALSE(loop_.result(drain)->error);
  SubQueue::Batch batch = queue->take(1000);
  EXPECT_EQ(batch.messages.size(), 100u);
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(batch.reason, client::errc::kSubscriptionClosed);
}

TEST_F(BridgeTest, ShutdownWithOperationsInFlight) {
  auto bridge = std::make_unique<Bridge>(loop_.waker());
  ASSERT_TRUE(connect(*bridge));
  const std::shared_ptr<SubQueue> queue = bridge->subscribe("s", "", 0, SubLimits{}).second;
  for (int i = 0; i < 1000; ++i) bridge->publish("s", "x", "", nullptr);
  const std::uint64_t request = bridge->request("s", "q", std::nullopt, 30s);
  bridge->shutdown();  // must not hang, and settles what was pending
  ASSERT_TRUE(loop_.drive(*bridge, [&] { return loop_.has(request); }));
  EXPECT_EQ(loop_.result(request)->error, client::errc::kConnectionClosed);
  SubQueue::Batch batch = queue->take(2000);
  EXPECT_TRUE(batch.finished);
  EXPECT_TRUE(batch.messages.empty());  // closing drops what was queued
  EXPECT_EQ(batch.reason, client::errc::kConnectionClosed);
  bridge.reset();
}

TEST(BridgeLifetimeTest, NeverConnected) {
  Bridge bridge([] {});
  bridge.shutdown();
}

}  // namespace
}  // namespace quiver::bindings
