// Runs every workload against a real broker: /usr/sbin/nats-server, or $QV_LOADGEN_BROKER (any
// binary taking nats-server's -a/-p flags, and -js -sd DIR for the JetStream modes). Against the
// reference the generator must see every message exactly once, so a non-zero loss here is a
// generator bug.
#include "testing/loadgen/modes.h"

#include <chrono>
#include <cstdlib>
#include <signal.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "testing/loadgen/js_modes.h"

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

namespace quiver::loadgen {
namespace {

uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

class ModesTest : public ::testing::Test {
 protected:
  // Flags after -a/-p.
  virtual std::vector<std::string> extra_args() { return {}; }

  void SetUp() override {
    const char* env = std::getenv("QV_LOADGEN_BROKER");
    broker_ = env != nullptr && *env != '\0' ? env : "/usr/sbin/nats-server";
    if (::access(broker_.c_str(), X_OK) != 0) GTEST_SKIP() << broker_ << " not installed";
    target_.port = free_port();
    ASSERT_NE(target_.port, 0);
    std::vector<std::string> args = {broker_, "-a", "127.0.0.1", "-p",
                                     std::to_string(target_.port)};
    for (std::string& a : extra_args()) args.push_back(std::move(a));
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::execv(broker_.c_str(), argv.data());
      ::_exit(127);
    }
    // Poll (with a deadline) until the broker accepts.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      auto c = Connection::dial(target_.host, target_.port);
      if (c && !c.value().handshake("")) break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << broker_ << " did not start";
      // Polls with a deadline (above) rather than waiting a fixed time.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // qv-lint: allow(sleep-in-test)
    }
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  DeliveryOptions delivery(Mode mode, uint64_t msgs, std::size_t size, int subs) {
    DeliveryOptions o;
    o.mode = mode;
    o.msgs = msgs;
    o.size = size;
    o.subscribers = subs;
    return o;
  }

  void expect_exact(const DeliveryResult& r, uint64_t expected) {
    EXPECT_TRUE(r.errors.empty()) << to_json(r);
    EXPECT_EQ(r.published, r.options.msgs);
    EXPECT_EQ(r.expected, expected);
    EXPECT_EQ(r.delivered, expected) << to_json(r);
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.duplicates, 0u);
    EXPECT_EQ(r.out_of_order, 0u);
    EXPECT_GT(r.pub_seconds, 0);
  }

  std::string broker_;
  Target target_;
  pid_t pid_ = -1;
};

TEST_F(ModesTest, PubFromTwoPublishers) {
  DeliveryOptions o = delivery(Mode::kPub, 100'001, 16, 0);
  o.publishers = 2;
  const DeliveryResult r = run_delivery(target_, o);
  expect_exact(r, 0);
  EXPECT_TRUE(r.per_subscriber.empty());
}

TEST_F(ModesTest, PubSubDeliversEveryMessageInOrder) {
  const DeliveryResult r = run_delivery(target_, delivery(Mode::kPubSub, 200'000, 16, 1));
  expect_exact(r, 200'000);
  EXPECT_GT(r.deliver_seconds, 0);
}

TEST_F(ModesTest, PubSubWithTinyWindowStillExact) {
  DeliveryOptions o = delivery(Mode::kPubSub, 50'000, 1024, 1);
  o.window_bytes = 64 * 1024;
  const DeliveryResult r = run_delivery(target_, o);
  expect_exact(r, 50'000);
  EXPECT_GT(r.window_waits, 0u);
}

TEST_F(ModesTest, UnsequencedPayloadsAreCounted) {
  const DeliveryResult r = run_delivery(target_, delivery(Mode::kPubSub, 10'000, 4, 1));
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.delivered, 10'000u);
  EXPECT_EQ(r.lost, 0u);
}

TEST_F(ModesTest, FanoutToFour) {
  const DeliveryResult r = run_delivery(target_, delivery(Mode::kFanout, 50'000, 16, 4));
  expect_exact(r, 200'000);
  EXPECT_EQ(r.per_subscriber, (std::vector<uint64_t>{50'000, 50'000, 50'000, 50'000}));
}

TEST_F(ModesTest, QueueGroupGetsEachMessageOnce) {
  const DeliveryResult r = run_delivery(target_, delivery(Mode::kQueue, 100'000, 16, 4));
  expect_exact(r, 100'000);
  ASSERT_EQ(r.per_subscriber.size(), 4u);
  for (uint64_t n : r.per_subscriber) EXPECT_GT(n, 0u);
}

TEST_F(ModesTest, DistinctSubjectsToWildcards) {
  DeliveryOptions o = delivery(Mode::kSubjects, 20'000, 16, 2);
  o.distinct_subjects = 20'000;
  const DeliveryResult r = run_delivery(target_, o);
  expect_exact(r, 40'000);
}

TEST_F(ModesTest, ReqRepMeasuresEveryRequest) {
  ReqRepOptions o;
  o.requests = 500;
  o.warmup = 20;
  const ReqRepResult r = run_reqrep(target_, o);
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.completed, 500u);
  EXPECT_EQ(r.latency_ns.count, 500u);
  EXPECT_EQ(r.stray_replies, 0u);
  EXPECT_GT(r.latency_ns.p50, 0);
  EXPECT_LE(r.latency_ns.p50, r.latency_ns.p99);
}

TEST_F(ModesTest, IdleConnectionsStayOpen) {
  std::vector<Connection> keep;
  IdleOptions o;
  o.conns = 200;
  const IdleResult r = open_idle(target_, o, keep);
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.opened, 200);
  EXPECT_EQ(keep.size(), 200u);
  EXPECT_GE(r.nofile_limit, 256u);
}

TEST_F(ModesTest, ConnectFailureIsReportedAsLoss) {
  Target nowhere;
  nowhere.port = free_port();
  const DeliveryResult r = run_delivery(nowhere, delivery(Mode::kPubSub, 10, 16, 1));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("subscriber connect:", 0), 0u) << r.errors[0];
  EXPECT_EQ(r.lost, 10u);
}

// The JetStream modes, against a broker started with -js and a fresh store directory.
class JsModesTest : public ModesTest {
 protected:
  std::vector<std::string> extra_args() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/js-XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) return {"-js"};
    return {"-js", "-sd", dir};
  }

  JsOptions js(Mode mode, uint64_t msgs, std::size_t size) {
    JsOptions o;
    o.mode = mode;
    o.msgs = msgs;
    o.size = size;
    return o;
  }
};

TEST_F(JsModesTest, PubAcksEveryMessageAndDeletesTheStream) {
  JsOptions o = js(Mode::kJsPub, 20'000, 16);
  o.window = 64;
  JsResult r = run_js(target_, o);
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.published, 20'000u);
  EXPECT_EQ(r.acked, 20'000u);
  EXPECT_EQ(r.ack_errors, 0u);
  EXPECT_EQ(r.ack_duplicates, 0u);
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.first_seq, 1u);
  EXPECT_EQ(r.ack_latency_ns.count, 20'000u);
  EXPECT_GT(r.ack_latency_ns.p50, 0);
  EXPECT_LE(r.ack_latency_ns.p50, r.ack_latency_ns.p99);
  EXPECT_GT(r.pub_seconds, 0);
  // The stream was deleted, so the next run starts a new one at sequence 1.
  r = run_js(target_, js(Mode::kJsPub, 1000, 1024));
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.first_seq, 1u);
  EXPECT_EQ(r.acked, 1000u);
}

TEST_F(JsModesTest, KeptStreamIsReused) {
  JsOptions o = js(Mode::kJsPub, 1000, 16);
  o.keep = true;
  JsResult r = run_js(target_, o);
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.first_seq, 1u);
  r = run_js(target_, js(Mode::kJsPub, 500, 16));
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.first_seq, 1001u);
  EXPECT_EQ(r.acked, 500u);
}

TEST_F(JsModesTest, PublishWithoutAStreamCountsAckErrors) {
  // The kept stream "LOADGEN" listens on a.x; the second run reuses it but publishes to b.x,
  // which no stream stores: every publish gets a 503 status instead of an ack.
  JsOptions o = js(Mode::kJsPub, 10, 16);
  o.subject = "a.x";
  o.keep = true;
  ASSERT_TRUE(run_js(target_, o).errors.empty());
  o.subject = "b.x";
  o.keep = false;
  const JsResult r = run_js(target_, o);
  EXPECT_EQ(r.acked, 0u);
  EXPECT_EQ(r.ack_errors, 10u);
  EXPECT_EQ(r.lost, 10u);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0], "publish ack for message 0: status NATS/1.0 503 (no stream for b.x?)");
}

TEST_F(JsModesTest, PullConsumesEveryMessage) {
  JsOptions o = js(Mode::kJsConsumePull, 20'000, 16);
  o.batch = 100;
  const JsResult r = run_js(target_, o);
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.acked, 20'000u);
  EXPECT_EQ(r.consumed, 20'000u);
  EXPECT_EQ(r.consume_duplicates, 0u);
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.ack_pending_end, 0);
  EXPECT_GT(r.consume_seconds, 0);
}

TEST_F(JsModesTest, PushConsumesEveryMessage) {
  const JsResult r = run_js(target_, js(Mode::kJsConsumePush, 10'000, 1024));
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.consumed, 10'000u);
  EXPECT_EQ(r.consume_duplicates, 0u);
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.ack_pending_end, 0);
}

TEST_F(JsModesTest, ConsumeAfterFillIntoAReusedStreamSkipsOlderMessages) {
  JsOptions o = js(Mode::kJsPub, 500, 16);
  o.keep = true;
  ASSERT_TRUE(run_js(target_, o).errors.empty());
  // Without a start sequence, the consumer would also deliver the 500 older messages, whose
  // payload sequence numbers 0..499 would count as duplicates.
  const JsResult r = run_js(target_, js(Mode::kJsConsumePull, 1000, 16));
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.first_seq, 501u);
  EXPECT_EQ(r.consumed, 1000u);
  EXPECT_EQ(r.consume_duplicates, 0u);
}

TEST_F(JsModesTest, ConsumeWithoutFillDrainsAKeptStream) {
  JsOptions o = js(Mode::kJsPub, 3000, 16);
  o.keep = true;
  ASSERT_TRUE(run_js(target_, o).errors.empty());
  o = js(Mode::kJsConsumePush, 3000, 16);
  o.fill = false;
  const JsResult r = run_js(target_, o);
  EXPECT_TRUE(r.errors.empty()) << to_json(r);
  EXPECT_EQ(r.published, 0u);
  EXPECT_EQ(r.consumed, 3000u);
  EXPECT_EQ(r.lost, 0u);
}

TEST_F(ModesTest, JetStreamModesReportABrokerWithoutJetStream) {
  JsOptions o;
  o.msgs = 10;
  o.timeout_ms = 300;
  const JsResult r = run_js(target_, o);
  ASSERT_EQ(r.errors.size(), 1u) << to_json(r);
  EXPECT_EQ(r.errors[0],
            "stream create: no responders on $JS.API.STREAM.CREATE.LOADGEN (JetStream not "
            "enabled?)");
  EXPECT_EQ(r.lost, 10u);
}

}  // namespace
}  // namespace quiver::loadgen
