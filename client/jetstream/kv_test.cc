#include "client/jetstream/kv.h"

#include <gtest/gtest.h>

namespace quiver::client::jetstream {
namespace {

TEST(KeyValueTest, BucketNames) {
  EXPECT_TRUE(is_valid_bucket_name("config"));
  EXPECT_TRUE(is_valid_bucket_name("A_b-9"));
  EXPECT_FALSE(is_valid_bucket_name(""));
  EXPECT_FALSE(is_valid_bucket_name("a.b"));
  EXPECT_FALSE(is_valid_bucket_name("a b"));
  EXPECT_FALSE(is_valid_bucket_name("a*"));
}

TEST(KeyValueTest, Keys) {
  EXPECT_TRUE(is_valid_key("db.url"));
  EXPECT_TRUE(is_valid_key("a/b_c=d-e.F9"));
  EXPECT_FALSE(is_valid_key(""));
  EXPECT_FALSE(is_valid_key(".a"));
  EXPECT_FALSE(is_valid_key("a."));
  EXPECT_FALSE(is_valid_key("a*"));
  EXPECT_FALSE(is_valid_key("a>"));
  EXPECT_FALSE(is_valid_key("a b"));
  EXPECT_FALSE(is_valid_key("a..b"));
}

TEST(KeyValueTest, WatchPatterns) {
  EXPECT_TRUE(is_valid_watch_keys(">"));
  EXPECT_TRUE(is_valid_watch_keys("a.*"));
  EXPECT_TRUE(is_valid_watch_keys("a.*.c"));
  EXPECT_TRUE(is_valid_watch_keys("a.>"));
  EXPECT_FALSE(is_valid_watch_keys(""));
  EXPECT_FALSE(is_valid_watch_keys("a.>.b"));
  EXPECT_FALSE(is_valid_watch_keys(".a"));
  EXPECT_FALSE(is_valid_watch_keys("a b"));
  EXPECT_FALSE(is_valid_watch_keys("a..>"));
}

TEST(KeyValueTest, StreamConfigFollowsNatsGo) {
  KeyValueConfig cfg;
  cfg.bucket = "cfg";
  cfg.history = 5;
  auto s = key_value_stream_config(cfg);
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().name, "KV_cfg");
  EXPECT_EQ(s.value().subjects, std::vector<std::string>{"$KV.cfg.>"});
  EXPECT_EQ(s.value().max_msgs_per_subject, 5);
  EXPECT_EQ(s.value().max_bytes, -1);
  EXPECT_EQ(s.value().max_msg_size, -1);
  EXPECT_EQ(s.value().max_msgs, -1);
  EXPECT_EQ(s.value().max_consumers, -1);
  EXPECT_EQ(s.value().num_replicas, 1);
  EXPECT_EQ(s.value().discard, DiscardPolicy::kNew);
  EXPECT_TRUE(s.value().allow_rollup_hdrs);
  EXPECT_TRUE(s.value().deny_delete);
  EXPECT_TRUE(s.value().allow_direct);
  EXPECT_EQ(s.value().duplicate_window, std::chrono::minutes(2));

  cfg.ttl = std::chrono::seconds(30);
  cfg.max_value_size = 1024;
  cfg.history = 0;
  auto t = key_value_stream_config(cfg);
  ASSERT_TRUE(t);
  EXPECT_EQ(t.value().duplicate_window, std::chrono::seconds(30));
  EXPECT_EQ(t.value().max_age, std::chrono::seconds(30));
  EXPECT_EQ(t.value().max_msg_size, 1024);
  EXPECT_EQ(t.value().max_msgs_per_subject, 1);

  cfg.history = 65;
  EXPECT_EQ(key_value_stream_config(cfg).error(), errc::kHistoryTooLarge);
  cfg.history = 64;
  EXPECT_TRUE(key_value_stream_config(cfg));
  cfg.bucket = "a.b";
  EXPECT_EQ(key_value_stream_config(cfg).error(), errc::kInvalidBucketName);
}

TEST(KeyValueTest, OperationsFromHeaders) {
  codec::Headers h;
  EXPECT_EQ(key_value_operation(h), KeyValueOp::kPut);
  h.set("KV-Operation", "DEL");
  EXPECT_EQ(key_value_operation(h), KeyValueOp::kDelete);
  h.set("KV-Operation", "PURGE");
  EXPECT_EQ(key_value_operation(h), KeyValueOp::kPurge);
  h.set("KV-Operation", "other");
  EXPECT_EQ(key_value_operation(h), KeyValueOp::kPut);
  EXPECT_EQ(to_string(KeyValueOp::kDelete), "DEL");
  EXPECT_EQ(to_string(KeyValueOp::kPurge), "PURGE");
}

}  // namespace
}  // namespace quiver::client::jetstream
