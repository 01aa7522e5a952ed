// Runs jetstream_example against nats-server 2.9.10 with JetStream enabled and checks what it
// prints: publishes, a pull consumer that sees every message in order, and a KV watch.
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "client/testing/server_process.h"

namespace quiver::client {
namespace {

using testing::ChildProcess;
using testing::ServerProcess;

TEST(JetStreamExampleTest, PublishesConsumesAndWatches) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string store = std::string(tmp != nullptr ? tmp : "/tmp") + "/js_example";
  auto server = ServerProcess::start("/usr/sbin/nats-server", {"-js", "-sd", store});
  ASSERT_TRUE(server) << server.error().message();
  const char* binary = std::getenv("JETSTREAM_EXAMPLE");
  auto child =
      ChildProcess::spawn({binary != nullptr ? binary : "client/examples/jetstream_example",
                           "--server", server.value().url(), "--count", "6"},
                          true);
  ASSERT_TRUE(child) << child.error().message();
  std::string expected =
      "published order 0 as seq 1\n"
      "published 6\n";
  for (int i = 0; i < 6; ++i) {
    expected += "got order " + std::to_string(i) + " (stream seq " + std::to_string(i + 1) + ")\n";
  }
  expected +=
      "kv db.url = postgres://localhost/app (revision 1)\n"
      "watch: db.url = postgres://localhost/app\n"
      "watch: initial values done\n"
      "watch: db.url = postgres://db/app\n"
      "done: 6 messages consumed\n";
  EXPECT_EQ(child.value().read_all(std::chrono::seconds(20)), expected);
  EXPECT_EQ(child.value().wait(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace quiver::client
