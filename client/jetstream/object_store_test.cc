#include "client/jetstream/object_store.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace quiver::client::jetstream {
namespace {

TEST(ObjectStoreTest, MetaSubjectsUsePaddedBase64Url) {
  EXPECT_EQ(object_meta_subject("files", "big.bin"), "$O.files.M.YmlnLmJpbg==");
  EXPECT_EQ(object_meta_subject("b", "a"), "$O.b.M.YQ==");
  EXPECT_EQ(object_meta_subject("b", "abc"), "$O.b.M.YWJj");
  // '/' and '+' of the standard alphabet would be subject-unsafe.
  EXPECT_EQ(object_meta_subject("b", "\xfb\xff"), "$O.b.M.-_8=");
}

TEST(ObjectStoreTest, DigestIsSha256InPaddedBase64Url) {
  EXPECT_EQ(object_digest(""), "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(object_digest("abc"), "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=");
}

TEST(ObjectStoreTest, ChunkSizes) {
  EXPECT_TRUE(chunk_sizes(0, 128).empty());
  EXPECT_EQ(chunk_sizes(1, 128), std::vector<std::size_t>{1});
  EXPECT_EQ(chunk_sizes(128, 128), std::vector<std::size_t>{128});
  EXPECT_EQ(chunk_sizes(300, 128), (std::vector<std::size_t>{128, 128, 44}));
  EXPECT_EQ(chunk_sizes(300 * 1024, 0),
            (std::vector<std::size_t>{131072, 131072, 45056}));  // default 128 KiB
}

TEST(ObjectStoreTest, StreamConfigFollowsNatsGo) {
  ObjectStoreConfig cfg;
  cfg.bucket = "files";
  auto s = object_store_stream_config(cfg);
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().name, "OBJ_files");
  EXPECT_EQ(s.value().subjects, (std::vector<std::string>{"$O.files.C.>", "$O.files.M.>"}));
  EXPECT_EQ(s.value().discard, DiscardPolicy::kNew);
  EXPECT_TRUE(s.value().allow_rollup_hdrs);
  EXPECT_TRUE(s.value().allow_direct);
  EXPECT_EQ(s.value().max_bytes, -1);
  cfg.bucket = "no.dots";
  EXPECT_EQ(object_store_stream_config(cfg).error(), errc::kInvalidBucketName);
}

TEST(ObjectStoreTest, MetaJsonHasNatsGoFieldOrder) {
  ObjectInfo info;
  info.name = "greeting";
  info.options = ObjectMetaOptions{std::nullopt, 131072};
  info.bucket = "b";
  info.nuid = "N";
  info.size = 11;
  info.chunks = 1;
  info.digest = object_digest("hello world");
  EXPECT_EQ(boost::json::serialize(to_json(info)),
            R"({"name":"greeting","options":{"max_chunk_size":131072},"bucket":"b",)"
            R"("nuid":"N","size":11,"mtime":"0001-01-01T00:00:00Z","chunks":1,)"
            R"("digest":"SHA-256=uU0nuZNNPgilLlLX2n2r-sSE7-N6U4DukIj3rOLvzek="})");
  info.deleted = true;
  info.digest.clear();
  info.description = "d";
  info.headers["H"] = {"1", "2"};
  info.options = ObjectMetaOptions{ObjectLink{"other", "obj"}, 0};
  EXPECT_EQ(boost::json::serialize(to_json(info)),
            R"({"name":"greeting","description":"d","headers":{"H":["1","2"]},)"
            R"("options":{"link":{"bucket":"other","name":"obj"}},"bucket":"b","nuid":"N",)"
            R"("size":11,"mtime":"0001-01-01T00:00:00Z","chunks":1,"deleted":true})");
  auto back = parse_object_info(boost::json::serialize(to_json(info)));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back.value(), info);
}

TEST(ObjectStoreTest, ParsesForeignMeta) {
  // As nats.js writes it: no options, a real mtime.
  auto info = parse_object_info(
      R"({"name":"ab","bucket":"ext","nuid":"X","size":3,"mtime":"2024-01-02T03:04:05.678Z",)"
      R"("chunks":1,"digest":"SHA-256=abc","extra":{"ignored":true}})");
  ASSERT_TRUE(info);
  EXPECT_EQ(info.value().name, "ab");
  EXPECT_EQ(info.value().size, 3u);
  EXPECT_FALSE(info.value().options.has_value());
  EXPECT_EQ(format_time(info.value().mtime), "2024-01-02T03:04:05.678Z");
  EXPECT_EQ(parse_object_info("{").error(), errc::kBadObjectMeta);
  EXPECT_EQ(parse_object_info(R"({"size":"big"})").error(), errc::kBadObjectMeta);
}

}  // namespace
}  // namespace quiver::client::jetstream
