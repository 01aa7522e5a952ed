// Runs the example programs against nats-server 2.9.10 and quiver-server: a subscriber gets
// every message of a publisher, a requester gets the service's answer, and a request nobody
// serves fails with "no responders".
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/testing/server_process.h"

namespace quiver::client {
namespace {

using std::chrono::milliseconds;
using testing::ChildProcess;
using testing::ServerProcess;

constexpr milliseconds kWait{10000};

std::string path(const char* env, const char* fallback) {
  const char* value = std::getenv(env);
  return value != nullptr ? value : fallback;
}

class ExamplesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string binary = GetParam() == "nats_server"
                                   ? std::string("/usr/sbin/nats-server")
                                   : path("QUIVER_SERVER", "server/quiver-server");
    auto started = ServerProcess::start(binary);
    ASSERT_TRUE(started) << binary << ": " << started.error().message();
    server.emplace(std::move(started).value());
  }

  ChildProcess spawn(const char* env, const char* fallback, std::vector<std::string> args) {
    args.insert(args.begin(), {path(env, fallback), "--server", server->url()});
    auto child = ChildProcess::spawn(args, true);
    EXPECT_TRUE(child) << args[0];
    return std::move(child).value();
  }

  std::optional<ServerProcess> server;
};

TEST_P(ExamplesTest, SubscriberReceivesEveryPublishedMessage) {
  auto subscriber =
      spawn("SUBSCRIBER", "client/examples/subscriber", {"--subject", "greet.*", "--count", "25"});
  ASSERT_EQ(subscriber.read_line(kWait), "ready");
  auto publisher = spawn("PUBLISHER", "client/examples/publisher",
                         {"--subject", "greet.joe", "--count", "25", "--data", "hi"});
  EXPECT_EQ(publisher.read_all(kWait), "published 25\n");
  EXPECT_EQ(publisher.wait(kWait), 0);
  std::string expected;
  for (int i = 0; i < 25; ++i) expected += "greet.joe: hi " + std::to_string(i) + "\n";
  EXPECT_EQ(subscriber.read_all(kWait), expected);
  EXPECT_EQ(subscriber.wait(kWait), 0);
}

TEST_P(ExamplesTest, RequesterGetsTheServiceAnswer) {
  auto service =
      spawn("SERVICE", "client/examples/service", {"--subject", "svc.echo", "--count", "2"});
  ASSERT_EQ(service.read_line(kWait), "ready");
  for (const char* data : {"hello", "again"}) {
    auto requester =
        spawn("REQUESTER", "client/examples/requester", {"--subject", "svc.echo", "--data", data});
    EXPECT_EQ(requester.read_all(kWait), std::string("echo: ") + data + "\n");
    EXPECT_EQ(requester.wait(kWait), 0);
  }
  EXPECT_EQ(service.read_all(kWait), "served 2\n");
  EXPECT_EQ(service.wait(kWait), 0);
}

TEST_P(ExamplesTest, RequestWithoutServiceFailsWithNoResponders) {
  auto requester = spawn("REQUESTER", "client/examples/requester",
                         {"--subject", "svc.nobody", "--timeout-ms", "5000"});
  EXPECT_EQ(requester.read_all(kWait), "error: no responders available for request\n");
  EXPECT_EQ(requester.wait(kWait), 1);
}

TEST_P(ExamplesTest, ServiceStopsCleanlyOnSigterm) {
  auto service = spawn("SERVICE", "client/examples/service", {"--subject", "svc.term"});
  ASSERT_EQ(service.read_line(kWait), "ready");
  service.signal(SIGTERM);
  EXPECT_EQ(service.read_all(kWait), "served 0\n");
  EXPECT_EQ(service.wait(kWait), 0);
}

INSTANTIATE_TEST_SUITE_P(Servers, ExamplesTest, ::testing::Values("nats_server", "quiver_server"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace quiver::client
