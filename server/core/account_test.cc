#include "server/core/account.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace quiver::server {
namespace {

TEST(AccountRegistryTest, FindReturnsNullForUnknownAccount) {
  AccountRegistry registry;
  EXPECT_EQ(registry.find(kGlobalAccountName), nullptr);
  EXPECT_EQ(registry.size(), 0u);
}

TEST(AccountRegistryTest, FindOrCreateReturnsTheSameAccount) {
  AccountRegistry registry;
  const AccountPtr g = registry.find_or_create(kGlobalAccountName);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->name, "$G");
  EXPECT_EQ(registry.find_or_create("$G"), g);
  EXPECT_EQ(registry.find("$G"), g);
  const AccountPtr sys = registry.find_or_create(kSystemAccountName);
  EXPECT_NE(sys, g);
  EXPECT_EQ(registry.size(), 2u);
  std::vector<std::string> names;
  for (const AccountPtr& a : registry.list()) names.push_back(a->name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"$G", "$SYS"}));
}

TEST(AccountRegistryTest, AccountsHaveSeparateSubscriptionIndexes) {
  AccountRegistry registry;
  const AccountPtr a = registry.find_or_create("A");
  const AccountPtr b = registry.find_or_create("B");
  Subscription sub;
  sub.subject = "orders.>";
  sub.sid = "1";
  ASSERT_TRUE(a->sublist.insert(&sub));
  EXPECT_EQ(a->sublist.match("orders.new")->plain.size(), 1u);
  EXPECT_TRUE(b->sublist.match("orders.new")->empty());
  EXPECT_TRUE(a->sublist.remove(&sub));
}

TEST(AccountRegistryTest, ConcurrentCreatorsGetOneAccount) {
  AccountRegistry registry;
  std::vector<AccountPtr> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry, &seen, t] { seen[t] = registry.find_or_create("shared"); });
  }
  for (auto& t : threads) t.join();
  for (const AccountPtr& a : seen) EXPECT_EQ(a, seen[0]);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(AccountRegistryTest, OptionsApplyToEveryAccount) {
  AccountRegistry registry(Sublist::Options{.cache = false});
  const AccountPtr a = registry.find_or_create("A");
  Subscription sub;
  sub.subject = "x";
  ASSERT_TRUE(a->sublist.insert(&sub));
  // Uncached: each match builds a fresh result.
  EXPECT_NE(a->sublist.match("x").get(), a->sublist.match("x").get());
  EXPECT_TRUE(a->sublist.remove(&sub));
}

}  // namespace
}  // namespace quiver::server
