// Permission tables. Every expectation marked "observed" was checked against nats-server 2.9.10
// over a raw socket (PUB/SUB by a user with these permissions).
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "server/auth/authenticator.h"
#include "server/config/options.h"

namespace quiver::server {
namespace {

using List = std::vector<std::string>;

config::SubjectPermission allow(List allow, List deny = {}) {
  return config::SubjectPermission{std::move(allow), std::move(deny)};
}

config::SubjectPermission deny_only(List deny) {
  return config::SubjectPermission{std::nullopt, std::move(deny)};
}

std::shared_ptr<const Permissions> make(std::optional<config::SubjectPermission> publish,
                                        std::optional<config::SubjectPermission> subscribe) {
  config::Permissions p;
  p.publish = std::move(publish);
  p.subscribe = std::move(subscribe);
  auto result = make_permissions(p);
  EXPECT_TRUE(result.has_value());
  return result ? result.value() : nullptr;
}

std::shared_ptr<const Permissions> pub(config::SubjectPermission p) {
  return make(std::move(p), std::nullopt);
}

std::shared_ptr<const Permissions> sub(config::SubjectPermission p) {
  return make(std::nullopt, std::move(p));
}

struct SubCase {
  const char* subject;
  const char* queue;
  bool allowed;
};

void expect_subscribe(const Permissions& p, const std::vector<SubCase>& cases) {
  for (const SubCase& c : cases) {
    EXPECT_EQ(p.can_subscribe(c.subject, c.queue), c.allowed)
        << "SUB " << c.subject << " queue '" << c.queue << "'";
  }
}

TEST(PermissionsTest, NothingRestrictedGivesNoChecker) {
  EXPECT_EQ(make(std::nullopt, std::nullopt), nullptr);
  EXPECT_EQ(make(deny_only({}), deny_only({})), nullptr);
  // An empty subscribe allow list restricts nothing (nats-server builds none: len == 0).
  EXPECT_EQ(sub(allow({})), nullptr);
}

TEST(PermissionsTest, PublishAllowList) {  // observed
  auto p = pub(allow({"foo.*", "bar"}));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->can_publish("foo.x"));
  EXPECT_FALSE(p->can_publish("foo.x.y"));
  EXPECT_TRUE(p->can_publish("bar"));
  EXPECT_FALSE(p->can_publish("baz"));
  EXPECT_FALSE(p->can_publish("foo"));
  // A wildcard token in a PUB subject is a literal token, matched by the pattern's '*'.
  EXPECT_TRUE(p->can_publish("foo.*"));
  EXPECT_TRUE(p->can_publish("foo.>"));
  // Subscribing is unrestricted.
  EXPECT_TRUE(p->can_subscribe("anything.>", ""));
}

TEST(PermissionsTest, PublishEngagedEmptyAllowListAllowsNothing) {
  // What nats-server builds for allow_responses without a publish allow list.
  auto p = pub(allow({}));
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->can_publish("foo"));
  EXPECT_FALSE(p->can_publish("_INBOX.x"));
}

TEST(PermissionsTest, PublishDenyOnlyAllowsEverythingElse) {  // observed
  auto p = pub(deny_only({"foo.*"}));
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->can_publish("foo.x"));
  EXPECT_TRUE(p->can_publish("foo.x.y"));
  EXPECT_FALSE(p->can_publish("foo.*"));
  EXPECT_FALSE(p->can_publish("foo.>"));
  EXPECT_TRUE(p->can_publish("bar"));
  EXPECT_TRUE(p->can_publish("foo"));
}

TEST(PermissionsTest, PublishDenyWinsOverAllow) {  // observed
  auto p = pub(allow({"foo.>"}, {"foo.bar"}));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->can_publish("foo.x"));
  EXPECT_FALSE(p->can_publish("foo.bar"));
  EXPECT_TRUE(p->can_publish("foo.bar.baz"));
  EXPECT_FALSE(p->can_publish("bar"));
}

TEST(PermissionsTest,
     PublishEntryWithSpaceIsALiteralSubject) {  // observed: "foo q" allows no "foo"
  auto p = pub(allow({"foo q"}));
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->can_publish("foo"));
  EXPECT_FALSE(p->can_publish("q"));
}

TEST(PermissionsTest, SubjectsWithEmptyTokensMatchNoPattern) {
  // Sublist.Match finds nothing for them: not allowed by an allow list, not refused by a deny.
  auto allowed = pub(allow({"foo.*", ">"}));
  EXPECT_FALSE(allowed->can_publish("foo."));
  EXPECT_FALSE(allowed->can_publish("foo..bar"));
  EXPECT_FALSE(allowed->can_publish(".foo"));
  auto denied = pub(deny_only({">"}));
  EXPECT_FALSE(denied->can_publish("foo"));
  EXPECT_TRUE(denied->can_publish("foo..bar"));
}

TEST(PermissionsTest, SubscribeAllowPartialWildcard) {  // observed
  auto p = sub(allow({"foo.*"}));
  ASSERT_NE(p, nullptr);
  expect_subscribe(*p, {{"foo.bar", "", true},
                        {"foo.*", "", true},
                        {"foo.>", "", true},  // '>' is a literal token for Match: '*' covers it
                        {"foo.bar.baz", "", false},
                        {"*.bar", "", false},
                        {">", "", false},
                        {"foo", "", false}});
  EXPECT_TRUE(p->can_publish("anything"));
}

TEST(PermissionsTest, SubscribeAllowFullWildcard) {  // observed
  auto p = sub(allow({"foo.>"}));
  expect_subscribe(*p, {{"foo.>", "", true},
                        {"foo.*", "", true},
                        {"foo.bar", "", true},
                        {"foo.bar.baz", "", true},
                        {"foo", "", false},
                        {"*.bar", "", false},
                        {">", "", false}});
}

TEST(PermissionsTest, SubscribeDenyPartialWildcard) {  // observed
  auto p = sub(deny_only({"foo.*"}));
  expect_subscribe(*p, {{"foo.>", "", false},
                        {"foo.*", "", false},
                        {"foo.bar", "", false},
                        {"foo.bar.baz", "", true},
                        {"bar", "", true},
                        {">", "", true}});
}

TEST(PermissionsTest, SubscribeAllowAndDeny) {  // observed
  auto p = sub(allow({"foo.>"}, {"foo.bar"}));
  expect_subscribe(*p, {{"foo.bar", "", false},
                        {"foo.baz", "", true},
                        {"foo.*", "", true},
                        {"foo.bar", "q", false},
                        {"bar", "", false}});
}

TEST(PermissionsTest, QueueOnlyAllowEntry) {  // observed
  auto p = sub(allow({"foo.> q"}));
  expect_subscribe(*p, {{"foo.bar", "", false},
                        {"foo.bar", "q", true},
                        {"foo.bar", "r", false},
                        {"foo.bar", "q.x", false},
                        {"bar", "q", false}});
}

TEST(PermissionsTest, PlainAndQueueAllowEntries) {  // observed
  // A queue entry restricts queue SUBs even where a plain entry also matches.
  auto p = sub(allow({"foo.>", "foo.> q"}));
  expect_subscribe(*p, {{"foo.bar", "", true}, {"foo.bar", "q", true}, {"foo.bar", "r", false}});
}

TEST(PermissionsTest, WildcardQueueNameInAllowEntry) {  // observed
  auto p = sub(allow({"foo.> q.*"}));
  expect_subscribe(*p, {{"foo.bar", "q", false},
                        {"foo.bar", "q.x", true},
                        {"foo.bar", "q.*", true},
                        {"foo.bar", "q.x.y", false},
                        {"foo.bar", "r", false}});
}

TEST(PermissionsTest, QueueDenyEntry) {  // observed
  auto p = sub(deny_only({"foo.> q"}));
  expect_subscribe(*p, {{"foo.bar", "", true}, {"foo.bar", "q", false}, {"foo.bar", "r", true}});
}

TEST(PermissionsTest, QueueDenyEntryOverridesPlainDenyForQueueSubs) {  // observed quirk
  auto p = sub(deny_only({"foo.>", "foo.> q"}));
  expect_subscribe(*p, {{"foo.bar", "", false}, {"foo.bar", "q", false}, {"foo.bar", "r", true}});
}

TEST(PermissionsTest, WildcardSubCoveringADenyClauseTurnsOnDeliveryFilter) {  // observed
  auto p = sub(deny_only({"foo.bar"}));
  EXPECT_TRUE(p->can_subscribe("foo.*", ""));
  EXPECT_TRUE(p->can_subscribe("foo.*", "q"));
  EXPECT_TRUE(p->needs_delivery_filter("foo.*"));
  EXPECT_TRUE(p->needs_delivery_filter("foo.>"));
  EXPECT_TRUE(p->needs_delivery_filter(">"));
  EXPECT_FALSE(p->needs_delivery_filter("foo.bar.*"));
  EXPECT_FALSE(p->needs_delivery_filter("bar.*"));
  EXPECT_FALSE(p->needs_delivery_filter("foo.baz"));  // literal subjects never need it
  EXPECT_FALSE(p->can_receive("foo.bar"));
  EXPECT_TRUE(p->can_receive("foo.baz"));
}

TEST(PermissionsTest, PartiallyOverlappingDenyDoesNotTurnOnTheFilter) {  // observed
  // SUB foo.* with deny *.bar: nats-server delivers foo.bar.
  auto p = sub(deny_only({"*.bar"}));
  EXPECT_TRUE(p->can_subscribe("foo.*", ""));
  EXPECT_FALSE(p->needs_delivery_filter("foo.*"));
  // Once some other clause turns the filter on, every deny clause filters.
  auto q = sub(deny_only({"foo.bar", "*.bar"}));
  EXPECT_TRUE(q->needs_delivery_filter("foo.*"));
  EXPECT_FALSE(q->can_receive("foo.bar"));
  EXPECT_FALSE(q->can_receive("x.bar"));
  EXPECT_TRUE(q->can_receive("foo.baz"));
}

TEST(PermissionsTest, QueueDenyEntryTurnsOnTheFilterButFiltersNothing) {  // observed
  auto p = sub(deny_only({"foo.bar q"}));
  EXPECT_TRUE(p->needs_delivery_filter("foo.*"));
  EXPECT_TRUE(p->can_receive("foo.bar"));
}

TEST(PermissionsTest, NoSubscribeDenyMeansNoFilter) {
  auto p = pub(deny_only({"foo"}));
  EXPECT_FALSE(p->needs_delivery_filter("foo.*"));
  EXPECT_TRUE(p->can_receive("foo"));
}

TEST(PermissionsTest, InvalidEntriesAreRejected) {
  struct Case {
    const char* entry;
    const char* named;  // what nats-server's message quotes
  };
  for (const Case& c : {Case{"foo..bar", "foo..bar"}, Case{">.foo", ">.foo"}, Case{"", ""},
                        Case{"foo bar baz", "foo bar baz"}, Case{"foo. q", "foo."}}) {
    config::Permissions p;
    p.subscribe = allow({c.entry});
    std::string message;
    auto result = make_permissions(p, &message);
    ASSERT_FALSE(result.has_value()) << c.entry;
    EXPECT_EQ(result.error(), make_error_code(AuthErrc::kInvalidPermission));
    EXPECT_EQ(message, std::string("subject \"") + c.named + "\" is not a valid subject");
  }
  config::Permissions p;
  p.publish = deny_only({"a..b"});
  EXPECT_FALSE(make_permissions(p).has_value());
  p.publish = deny_only({"a.b q"});
  EXPECT_TRUE(make_permissions(p).has_value());
}

// The rule behind pub(allow({"a.*"}, {"a.7"})), for checking cached answers.
bool expected_publish(const std::string& subject) {
  return subject.rfind("a.", 0) == 0 && subject.find('.', 2) == std::string::npos &&
         subject != "a.7";
}

std::vector<std::string> many_subjects() {
  std::vector<std::string> subjects;
  // Enough to overflow the cache several times over, so that evictions happen.
  for (int i = 0; i < 1500; ++i) {
    subjects.push_back("a." + std::to_string(i));
    subjects.push_back("b." + std::to_string(i));
  }
  subjects.push_back("a.1.2");
  return subjects;
}

TEST(PermissionsTest, CachedPublishAnswersMatchFreshOnes) {
  auto p = pub(allow({"a.*"}, {"a.7"}));
  const std::vector<std::string> subjects = many_subjects();
  for (int pass = 0; pass < 3; ++pass) {
    for (const std::string& s : subjects) {
      ASSERT_EQ(p->can_publish(s), expected_publish(s)) << s << " pass " << pass;
    }
  }
  // The same subject asked back to back (the cached path) keeps its answer.
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(p->can_publish("a.7"));
    ASSERT_TRUE(p->can_publish("a.8"));
  }
}

TEST(PermissionsTest, ConcurrentPublishChecksAgree) {
  auto p = pub(allow({"a.*"}, {"a.7"}));
  const std::vector<std::string> subjects = many_subjects();
  std::atomic<int> wrong{0};
  const auto hammer = [&](std::size_t offset) {
    for (int round = 0; round < 30; ++round) {
      for (std::size_t i = 0; i < subjects.size(); ++i) {
        const std::string& s = subjects[(i + offset) % subjects.size()];
        if (p->can_publish(s) != expected_publish(s)) ++wrong;
      }
    }
  };
  std::thread a(hammer, 0);
  std::thread b(hammer, subjects.size() / 2);
  a.join();
  b.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace quiver::server
