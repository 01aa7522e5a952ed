#include "server/jetstream/store/consumer_state_store.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "server/jetstream/store/store_test_util.h"

namespace quiver::server::jetstream {
namespace {

using testing::fresh_dir;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_raw(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

TEST(ConsumerStateStoreTest, WriteFileAtomicallyReplacesContent) {
  const std::string dir = fresh_dir("atomic");
  const std::string path = dir + "/meta.inf";
  ASSERT_TRUE(write_file_atomically(path, "first"));
  EXPECT_EQ(read_file(path), "first");
  ASSERT_TRUE(write_file_atomically(path, std::string("sec\0ond", 7)));
  EXPECT_EQ(read_file(path), std::string("sec\0ond", 7));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const auto r = write_file_atomically(dir + "/missing/dir/file", "x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::kIo);
}

TEST(ConsumerStateStoreTest, ChecksummedRoundTrip) {
  const std::string dir = fresh_dir("cksum");
  for (const std::string& content :
       {std::string(), std::string("{\"name\":\"ORDERS\"}"), std::string(1 << 20, '\x01')}) {
    const std::string path = dir + "/o.dat";
    ASSERT_TRUE(write_checksummed(path, content));
    EXPECT_EQ(std::filesystem::file_size(path), content.size() + 12);
    auto r = read_checksummed(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value(), content);
  }
}

TEST(ConsumerStateStoreTest, MissingFileIsNotCorruption) {
  const std::string dir = fresh_dir("missing");
  auto r = read_checksummed(dir + "/nothing");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), std::errc::no_such_file_or_directory);
}

TEST(ConsumerStateStoreTest, EveryDamageIsDetected) {
  const std::string dir = fresh_dir("damage");
  const std::string path = dir + "/o.dat";
  ASSERT_TRUE(write_checksummed(path, encode_consumer_state(ConsumerState{7, 8, 5, 6, {}, {}})));
  const std::string good = read_file(path);
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    write_raw(path, bad);
    auto r = read_checksummed(path);
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error(), StoreErrc::kCorrupt);
  }
  for (std::size_t len = 0; len < good.size(); ++len) {
    write_raw(path, good.substr(0, len));
    EXPECT_EQ(read_checksummed(path).error(), StoreErrc::kCorrupt) << "length " << len;
  }
  write_raw(path, good + "x");
  EXPECT_EQ(read_checksummed(path).error(), StoreErrc::kCorrupt);
}

TEST(ConsumerStateStoreTest, ConsumerStateThroughAFile) {
  const std::string dir = fresh_dir("cstate");
  ConsumerState s;
  s.delivered_consumer_seq = 10;
  s.delivered_stream_seq = 20;
  s.ack_floor_consumer_seq = 8;
  s.ack_floor_stream_seq = 18;
  s.pending = {{19, 9, 123}, {20, 10, 456}};
  s.redelivered = {{19, 2}};
  ASSERT_TRUE(write_checksummed(dir + "/o.dat", encode_consumer_state(s)));
  auto bytes = read_checksummed(dir + "/o.dat");
  ASSERT_TRUE(bytes);
  auto back = decode_consumer_state(bytes.value());
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value(), s);
}

}  // namespace
}  // namespace quiver::server::jetstream
