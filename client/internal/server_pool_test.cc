#include "client/internal/server_pool.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "client/errors.h"

namespace quiver::client::internal {
namespace {

using std::chrono::milliseconds;

TEST(ServerPoolTest, ParsesUrlForms) {
  struct Case {
    const char* url;
    const char* host;
    std::uint16_t port;
    const char* user;
    const char* password;
    const char* token;
  };
  const Case cases[] = {
      {"nats://127.0.0.1:4222", "127.0.0.1", 4222, "", "", ""},
      {"nats://example.com", "example.com", 4222, "", "", ""},
      {"localhost:5000", "localhost", 5000, "", "", ""},
      {"tcp://h:1", "h", 1, "", "", ""},
      {"nats://bob:s3cr:et@h:7", "h", 7, "bob", "s3cr:et", ""},
      {"nats://tok@h", "h", 4222, "", "", "tok"},
      {"nats://[::1]:4223", "::1", 4223, "", "", ""},
      {"[fe80::1]", "fe80::1", 4222, "", "", ""},
      {"nats://h:4222/", "h", 4222, "", "", ""},
  };
  for (const auto& c : cases) {
    auto url = parse_server_url(c.url);
    ASSERT_TRUE(url) << c.url;
    EXPECT_EQ(url.value().host, c.host) << c.url;
    EXPECT_EQ(url.value().port, c.port) << c.url;
    EXPECT_EQ(url.value().user, c.user) << c.url;
    EXPECT_EQ(url.value().password, c.password) << c.url;
    EXPECT_EQ(url.value().token, c.token) << c.url;
  }
}

TEST(ServerPoolTest, RejectsBadUrls) {
  for (const char* bad : {"", "nats://", "nats://h:0", "nats://h:65536", "nats://h:x", "h:",
                          "[::1]:", "http://h:1", "nats://[::1", "::1:4222", "nats://h:12a"}) {
    auto url = parse_server_url(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error(), errc::kBadUrl) << bad;
  }
  EXPECT_EQ(parse_server_url("tls://h:4222").error(), errc::kTlsNotSupported);
}

TEST(ServerPoolTest, DisplayHidesCredentialsAndBracketsIpv6) {
  EXPECT_EQ(parse_server_url("nats://u:p@h:1").value().display(), "nats://h:1");
  EXPECT_EQ(parse_server_url("[::1]:2").value().display(), "nats://[::1]:2");
}

TEST(ServerPoolTest, KeepsOrderWithoutRandomize) {
  std::mt19937_64 rng(1);
  ServerPool pool;
  ASSERT_TRUE(pool.init({"a:1", "b:2", "c:3"}, false, rng));
  EXPECT_EQ(pool.display_urls(),
            (std::vector<std::string>{"nats://a:1", "nats://b:2", "nats://c:3"}));
  EXPECT_EQ(pool.rotate().url.host, "a");
  EXPECT_EQ(pool.rotate().url.host, "b");
  EXPECT_EQ(pool.display_urls(),
            (std::vector<std::string>{"nats://c:3", "nats://a:1", "nats://b:2"}));
  pool.move_to_back("c", 3);
  EXPECT_EQ(pool.at(0).url.host, "a");
  pool.remove_back();
  EXPECT_EQ(pool.size(), 2u);
}

TEST(ServerPoolTest, RandomizeShufflesEveryOrderEventually) {
  std::set<std::string> firsts;
  for (std::uint64_t seed = 1; seed <= 64; ++seed) {
    std::mt19937_64 rng(seed);
    ServerPool pool;
    ASSERT_TRUE(pool.init({"a:1", "b:2", "c:3"}, true, rng));
    EXPECT_EQ(pool.size(), 3u);
    firsts.insert(pool.at(0).url.host);
  }
  EXPECT_EQ(firsts, (std::set<std::string>{"a", "b", "c"}));
}

TEST(ServerPoolTest, EmptyOrInvalidListFails) {
  std::mt19937_64 rng(1);
  ServerPool pool;
  EXPECT_EQ(pool.init({}, false, rng).error(), errc::kNoServers);
  EXPECT_EQ(pool.init({"a:1", "bad:port"}, false, rng).error(), errc::kBadUrl);
}

TEST(ServerPoolTest, AddsOnlyNewDiscoveredServers) {
  std::mt19937_64 rng(1);
  ServerPool pool;
  ASSERT_TRUE(pool.init({"nats://127.0.0.1:4222"}, false, rng));
  const auto added = pool.add_discovered(
      {"127.0.0.1:4222", "10.0.0.2:4222", "10.0.0.3:4222", "10.0.0.2:4222", "garbage:"}, false,
      rng);
  EXPECT_EQ(added, (std::vector<std::string>{"nats://10.0.0.2:4222", "nats://10.0.0.3:4222"}));
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_TRUE(pool.at(1).url.implicit);
  EXPECT_TRUE(pool.add_discovered({"10.0.0.3:4222"}, false, rng).empty());
}

TEST(ServerPoolTest, DelayBacksOffUpToTheMaxPlusJitter) {
  Options o;
  o.reconnect_wait = milliseconds(100);
  o.reconnect_wait_max = milliseconds(1000);
  o.reconnect_jitter = milliseconds(0);
  std::mt19937_64 rng(7);
  EXPECT_EQ(reconnect_delay(o, 0, rng), milliseconds(100));
  EXPECT_EQ(reconnect_delay(o, 1, rng), milliseconds(100));
  EXPECT_EQ(reconnect_delay(o, 2, rng), milliseconds(200));
  EXPECT_EQ(reconnect_delay(o, 3, rng), milliseconds(400));
  EXPECT_EQ(reconnect_delay(o, 4, rng), milliseconds(800));
  EXPECT_EQ(reconnect_delay(o, 5, rng), milliseconds(1000));
  EXPECT_EQ(reconnect_delay(o, 1000, rng), milliseconds(1000));

  o.reconnect_jitter = milliseconds(50);
  std::set<long long> seen;
  for (int i = 0; i < 500; ++i) {
    const auto d = reconnect_delay(o, 2, rng);
    EXPECT_GE(d, milliseconds(200));
    EXPECT_LE(d, milliseconds(250));
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 20u);  // the jitter really varies
}

TEST(ServerPoolTest, DefaultsAreConstantLikeNatsGo) {
  Options o;
  o.reconnect_jitter = milliseconds(0);
  std::mt19937_64 rng(7);
  for (int attempts : {0, 1, 2, 10})
    EXPECT_EQ(reconnect_delay(o, attempts, rng), milliseconds(2000));
}

TEST(ServerPoolTest, CustomDelayWins) {
  Options o;
  o.reconnect_delay = [](int attempts) { return milliseconds(attempts * 7 - 10); };
  std::mt19937_64 rng(7);
  EXPECT_EQ(reconnect_delay(o, 3, rng), milliseconds(11));
  EXPECT_EQ(reconnect_delay(o, 0, rng), milliseconds(0));  // never negative
}

}  // namespace
}  // namespace quiver::client::internal
