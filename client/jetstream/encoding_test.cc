#include "client/jetstream/internal/encoding.h"

#include <gtest/gtest.h>

namespace quiver::client::jetstream::internal {
namespace {

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain, Base64Alphabet::kStandard), encoded);
    EXPECT_EQ(base64_encode(plain, Base64Alphabet::kUrl), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
}

TEST(EncodingTest, UrlAlphabetUsesDashAndUnderscore) {
  const std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(base64_encode(bytes, Base64Alphabet::kStandard), "+//+");
  EXPECT_EQ(base64_encode(bytes, Base64Alphabet::kUrl), "-__-");
  EXPECT_EQ(base64_decode("+//+"), bytes);
  EXPECT_EQ(base64_decode("-__-"), bytes);
}

TEST(EncodingTest, DecodeAcceptsMissingPaddingAndRejectsGarbage) {
  EXPECT_EQ(base64_decode("Zg"), "f");
  EXPECT_EQ(base64_decode("Zm8"), "fo");
  EXPECT_EQ(base64_decode("Z"), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(base64_decode("Zm 9v"), std::nullopt);
}

TEST(EncodingTest, Sha256KnownDigests) {
  auto hex = [](const std::array<std::uint8_t, 32>& d) {
    std::string out;
    char buf[3];
    for (auto b : d) {
      std::snprintf(buf, sizeof(buf), "%02x", b);
      out += buf;
    }
    return out;
  };
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 incremental;
  incremental.update("a");
  incremental.update("");
  incremental.update("bc");
  EXPECT_EQ(incremental.finish(), sha256("abc"));
}

}  // namespace
}  // namespace quiver::client::jetstream::internal
