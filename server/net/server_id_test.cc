#include "server/net/server_id.h"

#include <gtest/gtest.h>

namespace quiver::server::net {
namespace {

TEST(ServerIdTest, LooksLikeAServerNkey) {
  const std::string id = generate_server_id();
  ASSERT_EQ(id.size(), 56u);
  EXPECT_EQ(id[0], 'N');
  for (char c : id) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) << id;
  EXPECT_NE(generate_server_id(), id);
}

}  // namespace
}  // namespace quiver::server::net
