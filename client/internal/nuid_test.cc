#include "client/internal/nuid.h"

#include <set>

#include <gtest/gtest.h>

namespace quiver::client::internal {
namespace {

bool is_base62(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

TEST(NuidTest, UniqueBase62OfFixedLength) {
  Nuid nuid(42);
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) {
    const std::string id = nuid.next();
    ASSERT_EQ(id.size(), static_cast<std::size_t>(Nuid::kLength));
    ASSERT_TRUE(is_base62(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(NuidTest, SeedsGiveDifferentPrefixes) {
  Nuid a(1);
  Nuid b(2);
  EXPECT_NE(a.next().substr(0, 12), b.next().substr(0, 12));
}

TEST(NuidTest, InboxHasPrefixAndIsUnique) {
  const std::string a = new_inbox("_INBOX");
  const std::string b = new_inbox("_INBOX");
  EXPECT_EQ(a.rfind("_INBOX.", 0), 0u);
  EXPECT_EQ(a.size(), 7u + Nuid::kLength);
  EXPECT_NE(a, b);
  EXPECT_EQ(new_inbox("my.inbox").rfind("my.inbox.", 0), 0u);
}

}  // namespace
}  // namespace quiver::client::internal
