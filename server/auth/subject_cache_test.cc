#include "server/auth/subject_cache.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace quiver::server::internal {
namespace {

bool even_length(std::string_view s) { return s.size() % 2 == 0; }

TEST(SubjectCacheTest, ComputesOnceThenAnswersFromTheCache) {
  SubjectCache cache;
  int calls = 0;
  const auto compute = [&](std::string_view s) {
    ++calls;
    return even_length(s);
  };
  EXPECT_TRUE(cache.get("ab", compute));
  EXPECT_FALSE(cache.get("abc", compute));
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(cache.get("ab", compute));
  EXPECT_FALSE(cache.get("abc", compute));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(SubjectCacheTest, StaysBoundedUnderManyDistinctSubjects) {
  SubjectCache cache;
  for (int i = 0; i < 10000; ++i) {
    const std::string subject = "s." + std::to_string(i);
    EXPECT_EQ(cache.get(subject, even_length), even_length(subject));
  }
  EXPECT_LE(cache.size(), SubjectCache::kShards * SubjectCache::kMaxPerShard);
  EXPECT_GT(cache.size(), 0u);
}

TEST(SubjectCacheTest, LongSubjectsAreComputedButNotStored) {
  SubjectCache cache;
  int calls = 0;
  const std::string subject(SubjectCache::kMaxSubjectSize + 1, 'x');
  const auto compute = [&](std::string_view s) {
    ++calls;
    return even_length(s);
  };
  EXPECT_EQ(cache.get(subject, compute), even_length(subject));
  EXPECT_EQ(cache.get(subject, compute), even_length(subject));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SubjectCacheTest, ConcurrentReadersAndEvictionsStayCoherent) {
  SubjectCache cache;
  std::vector<std::string> subjects;
  // More subjects than the cache holds, so that shards are emptied while others read them.
  for (int i = 0; i < 3000; ++i) subjects.push_back("t." + std::to_string(i * 7));
  std::atomic<int> wrong{0};
  const auto hammer = [&](int offset) {
    for (int round = 0; round < 40; ++round) {
      for (std::size_t i = 0; i < subjects.size(); ++i) {
        const std::string& s = subjects[(i + offset) % subjects.size()];
        if (cache.get(s, even_length) != even_length(s)) ++wrong;
      }
    }
  };
  std::thread a(hammer, 0);
  std::thread b(hammer, 1500);
  a.join();
  b.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.size(), SubjectCache::kShards * SubjectCache::kMaxPerShard);
}

}  // namespace
}  // namespace quiver::server::internal
