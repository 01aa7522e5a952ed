#include "server/core/sublist.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "codec/subject.h"

namespace quiver::server {
namespace {

std::unique_ptr<Subscription> make_sub(std::string subject, std::string sid,
                                       std::string queue = "") {
  auto sub = std::make_unique<Subscription>();
  sub->subject = std::move(subject);
  sub->sid = std::move(sid);
  sub->queue = std::move(queue);
  return sub;
}

// Sorted sids of the plain subscriptions.
std::vector<std::string> plain_sids(const MatchResult& r) {
  std::vector<std::string> out;
  for (const Subscription* s : r.plain) out.push_back(s->sid);
  std::sort(out.begin(), out.end());
  return out;
}

// Queue name -> sorted member sids. Fails the test if a group name appears twice.
std::map<std::string, std::vector<std::string>> queue_sids(const MatchResult& r) {
  std::map<std::string, std::vector<std::string>> out;
  for (const QueueGroup& g : r.queues) {
    EXPECT_EQ(out.count(g.name), 0u) << "queue group " << g.name << " listed twice";
    auto& v = out[g.name];
    for (const Subscription* s : g.members) v.push_back(s->sid);
    std::sort(v.begin(), v.end());
  }
  return out;
}

using Sids = std::vector<std::string>;

class SublistTest : public ::testing::Test {
 protected:
  Subscription* add(std::string subject, std::string sid, std::string queue = "") {
    subs_.push_back(make_sub(std::move(subject), std::move(sid), std::move(queue)));
    EXPECT_TRUE(sl_.insert(subs_.back().get())) << subs_.back()->subject;
    return subs_.back().get();
  }

  Sids match(std::string_view subject) { return plain_sids(*sl_.match(subject)); }

  Sublist sl_;
  std::vector<std::unique_ptr<Subscription>> subs_;
};

TEST_F(SublistTest, LiteralMatchesOnlyItsOwnSubject) {
  add("foo.bar", "1");
  EXPECT_EQ(sl_.count(), 1u);
  EXPECT_EQ(match("foo.bar"), Sids({"1"}));
  EXPECT_TRUE(match("foo").empty());
  EXPECT_TRUE(match("foo.bar.baz").empty());
  EXPECT_TRUE(match("foo.baz").empty());
  EXPECT_TRUE(match("Foo.bar").empty());
}

TEST_F(SublistTest, StarMatchesExactlyOneToken) {
  add("foo.*", "1");
  EXPECT_EQ(match("foo.bar"), Sids({"1"}));
  EXPECT_EQ(match("foo.baz"), Sids({"1"}));
  EXPECT_TRUE(match("foo").empty());
  EXPECT_TRUE(match("foo.bar.baz").empty());
  EXPECT_TRUE(match("bar.foo").empty());
}

TEST_F(SublistTest, FullWildcardMatchesOneOrMoreTrailingTokens) {
  add("foo.>", "1");
  EXPECT_EQ(match("foo.bar"), Sids({"1"}));
  EXPECT_EQ(match("foo.bar.baz.qux"), Sids({"1"}));
  EXPECT_TRUE(match("foo").empty());
  EXPECT_TRUE(match("bar.baz").empty());
}

TEST_F(SublistTest, MixedWildcards) {
  add("*.bar.>", "1");
  add("foo.*.baz", "2");
  add("*.*", "3");
  add(">", "4");
  EXPECT_EQ(match("foo.bar.baz"), Sids({"1", "2", "4"}));
  EXPECT_EQ(match("x.bar.y.z"), Sids({"1", "4"}));
  EXPECT_EQ(match("x.bar"), Sids({"3", "4"}));
  EXPECT_EQ(match("x"), Sids({"4"}));
  EXPECT_EQ(match("foo.qux.baz"), Sids({"2", "4"}));
}

TEST_F(SublistTest, OverlappingSubscriptionsAreEachReturnedOnce) {
  add("foo.bar", "1");
  add("foo.*", "2");
  add("foo.>", "3");
  add("*.bar", "4");
  add(">", "5");
  add("*.*", "6");
  add("foo.bar", "7");  // a second subscription on the same subject
  add("foo.baz", "8");
  add("foo.bar.baz", "9");
  const MatchResultPtr r = sl_.match("foo.bar");
  EXPECT_EQ(r->plain.size(), 7u);
  EXPECT_EQ(plain_sids(*r), Sids({"1", "2", "3", "4", "5", "6", "7"}));
}

// nats-server 2.9.10 observed: SUB foo.* 1, foo.> 2, foo.* g 3, foo.> g 4; PUB foo.bar reaches
// 1, 2 and one of {3, 4}: groups merge by name across trie nodes.
TEST_F(SublistTest, QueueGroupsAreMergedByName) {
  add("foo.*", "1");
  add("foo.>", "2");
  add("foo.*", "3", "g");
  add("foo.>", "4", "g");
  add("foo.bar", "5", "h");
  add("foo.bar", "6", "g");
  const MatchResultPtr r = sl_.match("foo.bar");
  EXPECT_EQ(plain_sids(*r), Sids({"1", "2"}));
  const auto queues = queue_sids(*r);
  ASSERT_EQ(queues.size(), 2u);
  EXPECT_EQ(queues.at("g"), Sids({"3", "4", "6"}));
  EXPECT_EQ(queues.at("h"), Sids({"5"}));

  const auto other = queue_sids(*sl_.match("foo.baz"));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other.at("g"), Sids({"3", "4"}));
}

// Non-pedantic PUB to "foo.*" reaches "foo.*" and "foo.>" subscribers (once each), not
// "foo.bar": a wildcard in a published subject is a literal token.
TEST_F(SublistTest, WildcardTokensInPublishedSubjectAreLiteral) {
  add("foo.*", "1");
  add("foo.>", "2");
  add("foo.bar", "3");
  add("*.*", "4");
  EXPECT_EQ(match("foo.*"), Sids({"1", "2", "4"}));
  EXPECT_EQ(match("foo.>"), Sids({"1", "2", "4"}));
  EXPECT_EQ(match("*.bar"), Sids({"4"}));
  EXPECT_EQ(match("*"), Sids({}));
}

TEST_F(SublistTest, WildcardCharactersInsideTokensAreLiteral) {
  add("foo.b*r", "1");
  add("foo*", "2");
  add("foo.b>", "3");
  EXPECT_TRUE(match("foo.bar").empty());
  EXPECT_EQ(match("foo.b*r"), Sids({"1"}));
  EXPECT_TRUE(match("foox").empty());
  EXPECT_EQ(match("foo*"), Sids({"2"}));
  EXPECT_EQ(match("foo.b>"), Sids({"3"}));
  EXPECT_TRUE(match("foo.bx").empty());
}

TEST_F(SublistTest, SubjectWithEmptyTokenMatchesNothing) {
  add(">", "1");
  add("*.*", "2");
  for (std::string_view s : {"", ".", "foo..bar", ".foo", "foo.", ".."}) {
    EXPECT_TRUE(sl_.match(s)->empty()) << "'" << s << "'";
  }
}

TEST_F(SublistTest, InvalidSubscriptionsAreRejected) {
  for (std::string subject : {"", "foo..bar", "foo.>.bar", ".foo", "foo.", "foo bar", "a.\tb"}) {
    auto sub = make_sub(subject, "1");
    EXPECT_FALSE(sl_.insert(sub.get())) << "'" << subject << "'";
  }
  auto bad_queue = make_sub("foo", "1", "bad queue");
  EXPECT_FALSE(sl_.insert(bad_queue.get()));
  EXPECT_EQ(sl_.count(), 0u);
  EXPECT_EQ(sl_.node_count(), 0u);
  // A rejected subscription is not in the index, so it can be fixed and inserted.
  bad_queue->queue = "good";
  EXPECT_TRUE(sl_.insert(bad_queue.get()));
  EXPECT_TRUE(sl_.remove(bad_queue.get()));
}

TEST_F(SublistTest, RemoveReturnsFalseWhenNotIndexed) {
  Subscription* a = add("foo", "1");
  auto never = make_sub("foo", "2");
  EXPECT_FALSE(sl_.remove(never.get()));
  EXPECT_TRUE(sl_.remove(a));
  EXPECT_FALSE(sl_.remove(a));
  EXPECT_EQ(sl_.count(), 0u);
  EXPECT_TRUE(match("foo").empty());
}

TEST_F(SublistTest, RemoveKeepsOtherSubscriptionsOfTheSameNode) {
  Subscription* a = add("foo", "1");
  add("foo", "2");
  Subscription* c = add("foo", "3");
  Subscription* q1 = add("foo", "4", "q");
  add("foo", "5", "q");
  EXPECT_TRUE(sl_.remove(a));
  EXPECT_EQ(match("foo"), Sids({"2", "3"}));
  EXPECT_TRUE(sl_.remove(c));
  EXPECT_EQ(match("foo"), Sids({"2"}));
  EXPECT_TRUE(sl_.remove(q1));
  const auto queues = queue_sids(*sl_.match("foo"));
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_EQ(queues.at("q"), Sids({"5"}));
  EXPECT_EQ(sl_.count(), 2u);
}

TEST_F(SublistTest, RemovePrunesEmptyNodes) {
  Subscription* abc = add("a.b.c", "1");
  Subscription* abd = add("a.b.d", "2");
  Subscription* asc = add("a.*.c", "3");
  Subscription* ag = add("a.>", "4");
  Subscription* ag2 = add("a.>", "5", "q");
  // a, a.b, a.b.c, a.b.d, a.*, a.*.c, a.>
  EXPECT_EQ(sl_.node_count(), 7u);
  EXPECT_TRUE(sl_.remove(abc));
  EXPECT_EQ(sl_.node_count(), 6u);
  EXPECT_TRUE(sl_.remove(abd));
  EXPECT_EQ(sl_.node_count(), 4u);  // a.b went with its last child
  EXPECT_TRUE(sl_.remove(ag));
  EXPECT_EQ(sl_.node_count(), 4u);  // a.> still holds a queue subscription
  EXPECT_TRUE(sl_.remove(ag2));
  EXPECT_EQ(sl_.node_count(), 3u);
  EXPECT_TRUE(sl_.remove(asc));
  EXPECT_EQ(sl_.node_count(), 0u);
  EXPECT_EQ(sl_.count(), 0u);
  EXPECT_TRUE(match("a.b.c").empty());
}

TEST_F(SublistTest, RemoveBatchRemovesOnlyIndexedSubscriptions) {
  std::vector<Subscription*> conn;
  conn.push_back(add("a", "1"));
  conn.push_back(add("a.*", "2"));
  conn.push_back(add("a.>", "3", "q"));
  conn.push_back(add(">", "4"));
  add("a", "keep");
  auto never = make_sub("a", "x");
  conn.push_back(never.get());
  conn.push_back(nullptr);
  EXPECT_EQ(sl_.remove_batch(conn), 4u);
  EXPECT_EQ(sl_.count(), 1u);
  EXPECT_EQ(match("a"), Sids({"keep"}));
  EXPECT_TRUE(match("a.b").empty());
  EXPECT_EQ(sl_.remove_batch(conn), 0u);
}

TEST_F(SublistTest, AllListsEverySubscription) {
  add("a", "1");
  add("a.*", "2");
  add("a.>", "3", "q");
  add("b.c.d", "4");
  std::vector<std::string> sids;
  for (const Subscription* s : sl_.all()) sids.push_back(s->sid);
  std::sort(sids.begin(), sids.end());
  EXPECT_EQ(sids, Sids({"1", "2", "3", "4"}));
}

TEST_F(SublistTest, DoubleInsertAborts) {
  Subscription* a = add("foo", "1");
  EXPECT_DEATH((void)sl_.insert(a), "second index");
  Sublist other;
  EXPECT_DEATH((void)other.insert(a), "second index");
}

TEST_F(SublistTest, CachedResultsFollowInsertAndRemove) {
  EXPECT_TRUE(match("foo.bar").empty());
  Subscription* wc = add("foo.*", "1");
  EXPECT_EQ(match("foo.bar"), Sids({"1"}));
  Subscription* lit = add("foo.bar", "2");
  EXPECT_EQ(match("foo.bar"), Sids({"1", "2"}));
  Subscription* all = add(">", "3");
  EXPECT_EQ(match("foo.bar"), Sids({"1", "2", "3"}));
  Subscription* star = add("*.bar", "4", "q");
  EXPECT_EQ(queue_sids(*sl_.match("foo.bar")).at("q"), Sids({"4"}));
  EXPECT_TRUE(sl_.remove(wc));
  EXPECT_EQ(match("foo.bar"), Sids({"2", "3"}));
  EXPECT_TRUE(sl_.remove(lit));
  EXPECT_EQ(match("foo.bar"), Sids({"3"}));
  EXPECT_TRUE(sl_.remove(all));
  EXPECT_TRUE(match("foo.bar").empty());
  EXPECT_FALSE(sl_.match("foo.bar")->queues.empty());
  EXPECT_TRUE(sl_.remove(star));
  EXPECT_TRUE(sl_.match("foo.bar")->empty());
}

// Runs `body` on a fresh thread, so it starts with an empty per-thread cache whatever other tests
// did to this thread's.
template <class F>
void on_fresh_thread(F body) {
  std::thread(body).join();
}

TEST_F(SublistTest, RepeatedMatchIsServedFromTheCache) {
  add("metrics.*", "1");
  add("orders.new", "2");
  on_fresh_thread([this] {
    const MatchResultPtr first = sl_.match("metrics.cpu");
    EXPECT_EQ(sl_.match("metrics.cpu").get(), first.get());
    // Changes that cannot affect "metrics.cpu" keep its entry: another literal subject and a
    // wildcard under another first token.
    add("orders.old", "3");
    add("orders.*", "4");
    EXPECT_EQ(sl_.match("metrics.cpu").get(), first.get());
    // One that can affect it does not.
    add("metrics.>", "5");
    const MatchResultPtr second = sl_.match("metrics.cpu");
    EXPECT_NE(second.get(), first.get());
    EXPECT_EQ(plain_sids(*second), Sids({"1", "5"}));
    EXPECT_EQ(plain_sids(*first), Sids({"1"}));  // results are immutable snapshots
  });
}

// A stream of distinct subjects switches the thread's cache to sampled admission; a subject that
// is published repeatedly still gets cached.
TEST_F(SublistTest, HotSubjectIsCachedWhileThrashing) {
  add("metrics.>", "1");
  on_fresh_thread([this] {
    for (int i = 0; i < 3 * 4096; ++i) sl_.match("metrics.host" + std::to_string(i));
    int consecutive_hits = 0;
    const Subscription* previous = nullptr;
    const MatchResult* last = nullptr;
    for (int i = 0; i < 64 && consecutive_hits < 3; ++i) {
      const MatchResultPtr r = sl_.match("metrics.hot");
      ASSERT_EQ(r->plain.size(), 1u);
      previous = r->plain[0];
      consecutive_hits = r.get() == last ? consecutive_hits + 1 : 0;
      last = r.get();
    }
    EXPECT_EQ(consecutive_hits, 3);
    EXPECT_EQ(previous->sid, "1");
  });
}

TEST(SublistCacheTest, EntriesAreKeyedByIndex) {
  Sublist a;
  Sublist b;
  auto sa = make_sub("foo", "a");
  auto sb = make_sub("foo", "b");
  ASSERT_TRUE(a.insert(sa.get()));
  ASSERT_TRUE(b.insert(sb.get()));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(plain_sids(*a.match("foo")), Sids({"a"}));
    EXPECT_EQ(plain_sids(*b.match("foo")), Sids({"b"}));
  }
}

// More distinct subjects than the per-thread cache holds: every answer stays right, and an insert
// after the cache has wrapped around is seen by all of them.
TEST(SublistCacheTest, ManyDistinctSubjectsStayCorrect) {
  Sublist sl;
  auto cpu = make_sub("metrics.*.cpu", "1");
  auto all = make_sub("metrics.>", "2");
  ASSERT_TRUE(sl.insert(cpu.get()));
  constexpr int kSubjects = 20000;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kSubjects; ++i) {
      const std::string subject = "metrics.host" + std::to_string(i) + ".cpu";
      const Sids expected = round == 0 ? Sids{"1"} : Sids{"1", "2"};
      ASSERT_EQ(plain_sids(*sl.match(subject)), expected) << subject;
    }
    if (round == 0) {
      ASSERT_TRUE(sl.insert(all.get()));
    }
  }
}

// The brute-force oracle: codec::subject_matches over every live subscription.
void expect_matches_brute_force(const Sublist& sl,
                                const std::vector<std::unique_ptr<Subscription>>& live,
                                const std::string& subject) {
  Sids plain;
  std::map<std::string, Sids> queues;
  for (const auto& s : live) {
    if (!codec::subject_matches(s->subject, subject)) continue;
    if (s->is_queue()) {
      queues[s->queue].push_back(s->sid);
    } else {
      plain.push_back(s->sid);
    }
  }
  std::sort(plain.begin(), plain.end());
  for (auto& [name, members] : queues) std::sort(members.begin(), members.end());
  const MatchResultPtr r = sl.match(subject);
  EXPECT_EQ(plain_sids(*r), plain) << subject;
  EXPECT_EQ(queue_sids(*r), queues) << subject;
}

class SublistRandomTest : public ::testing::TestWithParam<bool> {};

TEST_P(SublistRandomTest, AgreesWithBruteForce) {
  const std::uint32_t seed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* const kTokens[] = {"a", "b", "c"};

  const auto random_sub_subject = [&] {
    const int len = 1 + pick(4);
    std::string s;
    for (int i = 0; i < len; ++i) {
      if (i > 0) s += '.';
      const int r = pick(10);
      if (r < 6) {
        s += kTokens[pick(3)];
      } else if (r < 8 || i + 1 < len) {
        s += '*';
      } else {
        s += '>';
      }
    }
    return s;
  };
  const auto random_pub_subject = [&] {
    const int len = 1 + pick(4);
    std::string s;
    for (int i = 0; i < len; ++i) {
      if (i > 0) s += '.';
      const int r = pick(20);
      s += r == 0 ? "*" : r == 1 ? ">" : kTokens[pick(3)];
    }
    return s;
  };

  Sublist sl(Sublist::Options{.cache = GetParam()});
  std::vector<std::unique_ptr<Subscription>> live;
  int next_sid = 0;
  int matches = 0;
  for (int op = 0; op < 6000; ++op) {
    const int kind = pick(100);
    if (kind < 35 || live.empty()) {
      const int q = pick(4);
      auto sub = make_sub(random_sub_subject(), std::to_string(next_sid++),
                          q == 0   ? "q1"
                          : q == 1 ? "q2"
                                   : "");
      ASSERT_TRUE(sl.insert(sub.get())) << sub->subject;
      live.push_back(std::move(sub));
    } else if (kind < 60) {
      const int i = pick(static_cast<int>(live.size()));
      ASSERT_TRUE(sl.remove(live[i].get()));
      live.erase(live.begin() + i);
    } else {
      // Twice, so the second answer comes from the cache when it is on.
      const std::string subject = random_pub_subject();
      expect_matches_brute_force(sl, live, subject);
      expect_matches_brute_force(sl, live, subject);
      ++matches;
    }
    ASSERT_EQ(sl.count(), live.size());
  }
  EXPECT_GT(matches, 1000);
  std::vector<Subscription*> rest;
  for (const auto& s : live) rest.push_back(s.get());
  EXPECT_EQ(sl.remove_batch(rest), live.size());
  EXPECT_EQ(sl.node_count(), 0u);
  EXPECT_EQ(sl.count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, SublistRandomTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Cached" : "Uncached"; });

// 4 threads match while 1 thread toggles subscriptions. Each answer must equal the index's
// answer in some state between the match's start and end: the states are numbered by the
// writer's completed operations.
TEST(SublistConcurrencyTest, MatchesSeeConsistentStates) {
  struct Pattern {
    const char* subject;
    const char* queue;
  };
  const Pattern kPatterns[] = {
      {"a.b", ""},   {"a.*", ""}, {"a.>", ""},  {"*.b", ""},  {">", ""},    {"*.*", ""},
      {"a.b.c", ""}, {"x.y", ""}, {"a.b", "q"}, {"a.*", "q"}, {"*.b", "r"}, {"b.b", ""},
  };
  constexpr int kSubs = sizeof(kPatterns) / sizeof(kPatterns[0]);
  const std::array<std::string, 3> kSubjects = {"a.b", "x.y", "a.b.c"};

  std::vector<std::unique_ptr<Subscription>> subs;
  for (int i = 0; i < kSubs; ++i) {
    subs.push_back(make_sub(kPatterns[i].subject, std::to_string(i), kPatterns[i].queue));
    subs.back()->owner_id = static_cast<std::uint64_t>(i);
  }

  // expected[k][j]: mask of subscriptions matching kSubjects[j] after k writer operations.
  constexpr int kOps = 3000;
  std::mt19937 rng(7);
  std::vector<int> ops(kOps);
  std::vector<std::array<std::uint32_t, 3>> expected(kOps + 1);
  std::uint32_t present = 0;
  for (int k = 0; k <= kOps; ++k) {
    for (std::size_t j = 0; j < kSubjects.size(); ++j) {
      std::uint32_t mask = 0;
      for (int i = 0; i < kSubs; ++i) {
        if ((present >> i & 1) && codec::subject_matches(kPatterns[i].subject, kSubjects[j])) {
          mask |= 1u << i;
        }
      }
      expected[k][j] = mask;
    }
    if (k == kOps) break;
    ops[k] = static_cast<int>(rng() % kSubs);
    present ^= 1u << ops[k];
  }

  Sublist sl;
  std::atomic<int> started{0};
  std::atomic<int> completed{0};
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<long> total_matches{0};

  const auto matcher = [&] {
    ready.fetch_add(1);
    long n = 0;
    do {
      for (std::size_t j = 0; j < kSubjects.size(); ++j) {
        const int lo = completed.load(std::memory_order_acquire);
        const MatchResultPtr r = sl.match(kSubjects[j]);
        const int hi = started.load(std::memory_order_acquire);
        std::uint32_t mask = 0;
        bool duplicate = false;
        const auto note = [&](const Subscription* s) {
          const std::uint32_t bit = 1u << s->owner_id;
          duplicate = duplicate || (mask & bit) != 0;
          mask |= bit;
        };
        for (const Subscription* s : r->plain) note(s);
        for (const QueueGroup& g : r->queues) {
          for (const Subscription* s : g.members) note(s);
        }
        bool consistent = false;
        for (int k = lo; k <= hi && !consistent; ++k) consistent = expected[k][j] == mask;
        if (duplicate || !consistent) failures.fetch_add(1);
        ++n;
      }
    } while (!done.load(std::memory_order_acquire));
    total_matches.fetch_add(n);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(matcher);
  while (ready.load() < 4) std::this_thread::yield();
  for (int k = 0; k < kOps; ++k) {
    Subscription* sub = subs[ops[k]].get();
    started.store(k + 1, std::memory_order_release);
    if (!sl.remove(sub)) {
      EXPECT_TRUE(sl.insert(sub));
    }
    completed.store(k + 1, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(total_matches.load(), 4 * 3);
  EXPECT_EQ(sl.count(), static_cast<std::size_t>(__builtin_popcount(present)));
}

TEST(SubscriptionTest, ClaimDeliveryHonoursMaxMsgs) {
  Subscription unlimited;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(unlimited.claim_delivery(), DeliveryVerdict::kDeliver);
  EXPECT_EQ(unlimited.delivered.load(), 5u);

  Subscription limited;
  limited.max_msgs = 3;
  EXPECT_EQ(limited.claim_delivery(), DeliveryVerdict::kDeliver);
  EXPECT_EQ(limited.claim_delivery(), DeliveryVerdict::kDeliver);
  EXPECT_EQ(limited.claim_delivery(), DeliveryVerdict::kDeliverLast);
  EXPECT_EQ(limited.claim_delivery(), DeliveryVerdict::kExhausted);
}

TEST(QueuePickTest, EmptyGroupPicksNothing) {
  FastRng rng(1);
  EXPECT_EQ(pick_queue_member({}, rng), nullptr);
  Subscription only;
  Subscription* one[] = {&only};
  EXPECT_EQ(pick_queue_member(one), &only);
}

TEST(QueuePickTest, PicksAreUniform) {
  Subscription s[4];
  Subscription* members[] = {&s[0], &s[1], &s[2], &s[3]};
  FastRng rng(42);
  std::map<Subscription*, int> hits;
  constexpr int kPicks = 40000;
  for (int i = 0; i < kPicks; ++i) ++hits[pick_queue_member(members, rng)];
  ASSERT_EQ(hits.size(), 4u);
  for (const auto& [sub, n] : hits) {
    EXPECT_GT(n, kPicks / 4 - 600);
    EXPECT_LT(n, kPicks / 4 + 600);
  }
}

TEST(QueuePickTest, ThreadRngDiffersBetweenThreads) {
  const std::uint64_t here = thread_rng().next();
  std::uint64_t there = 0;
  std::thread([&there] { there = thread_rng().next(); }).join();
  EXPECT_NE(here, there);
}

}  // namespace
}  // namespace quiver::server

namespace quiver::server {
namespace {

TEST(SublistStatsTest, CountsInsertsRemovesMatchesAndHits) {
  Sublist index;
  Subscription a;
  a.subject = "stats.a";
  Subscription b;
  b.subject = "stats.*";
  ASSERT_TRUE(index.insert(&a));
  ASSERT_TRUE(index.insert(&b));
  EXPECT_EQ(index.inserts(), 2u);
  EXPECT_TRUE(index.remove(&a));
  EXPECT_FALSE(index.remove(&a));
  EXPECT_EQ(index.removes(), 1u);

  // A fresh thread has a fresh cache (earlier tests may have left this thread's cache in its
  // sampled-admission mode), so the first match is a miss that is cached and the second a hit.
  const MatchStats before = process_match_stats();
  std::thread([&index] {
    EXPECT_EQ(index.match("stats.x")->plain.size(), 1u);  // miss: walks the trie
    EXPECT_EQ(index.match("stats.x")->plain.size(), 1u);  // hit
  }).join();
  const MatchStats after = process_match_stats();
  EXPECT_EQ(after.matches - before.matches, 2u);
  EXPECT_EQ(after.cache_hits - before.cache_hits, 1u);
}

TEST(SublistStatsTest, CountsOfExitedThreadsAreKept) {
  Sublist index;
  const MatchStats before = process_match_stats();
  std::thread([&index] {
    for (int i = 0; i < 5; ++i) index.match("gone.thread");
  }).join();
  EXPECT_EQ(process_match_stats().matches - before.matches, 5u);
}

}  // namespace
}  // namespace quiver::server
