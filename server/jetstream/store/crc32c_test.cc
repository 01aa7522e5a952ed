#include "server/jetstream/store/crc32c.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace quiver::server::jetstream {
namespace {

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  // RFC 3720 appendix B.4.
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string up, down;
  for (int i = 0; i < 32; ++i) {
    up.push_back(static_cast<char>(i));
    down.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(crc32c(up), 0x46DD794Eu);
  EXPECT_EQ(crc32c(down), 0x113FDB5Cu);
}

TEST(Crc32cTest, SoftwareMatchesKnownVectors) {
  EXPECT_EQ(internal::crc32c_software(0, "123456789", 9), 0xE3069283u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(internal::crc32c_software(0, zeros.data(), zeros.size()), 0x8A9136AAu);
}

TEST(Crc32cTest, HardwareAndSoftwareAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string data(1100, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t len = 0; len + offset <= 1030; ++len) {
      ASSERT_EQ(crc32c_extend(0, data.data() + offset, len),
                internal::crc32c_software(0, data.data() + offset, len))
          << "offset " << offset << " len " << len;
    }
  }
  // Not an assertion about this machine, just a record of which path ran.
  std::printf("crc32c hardware: %s\n", internal::crc32c_hardware_available() ? "yes" : "no");
}

TEST(Crc32cTest, ExtendComposes) {
  const std::string a = "hello, ", b = "segmented world";
  EXPECT_EQ(crc32c_extend(crc32c(a), b.data(), b.size()), crc32c(a + b));
  EXPECT_EQ(internal::crc32c_software(internal::crc32c_software(0, a.data(), a.size()), b.data(),
                                      b.size()),
            crc32c(a + b));
}

}  // namespace
}  // namespace quiver::server::jetstream
