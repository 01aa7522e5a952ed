#include "codec/subject.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace quiver::codec {
namespace {

using namespace std::string_view_literals;

struct ValidityCase {
  std::string_view subject;
  bool valid;
  bool literal;
  bool wildcard;
};

// Expected values follow nats-server's isValidSubject / IsValidLiteralSubject.
const ValidityCase kValidityCases[] = {
    {"foo", true, true, false},
    {"foo.bar", true, true, false},
    {"foo.bar.baz.qux.quux", true, true, false},
    {"a", true, true, false},
    {"FOO.Bar", true, true, false},
    {"$JS.API.INFO", true, true, false},
    {"_INBOX.abc123.1", true, true, false},
    {"foo-bar_baz/qux=1", true, true, false},
    {"\xc3\xa9t\xc3\xa9.\xe2\x82\xac", true, true, false},  // UTF-8 bytes are plain bytes
    {"\xff\xfe", true, true, false},                        // not UTF-8 either: still accepted
    {"foo\x01"
     "bar",
     true, true, false},  // other control bytes pass too
    {"*", true, false, true},
    {">", true, false, true},
    {"foo.*", true, false, true},
    {"foo.>", true, false, true},
    {"*.bar", true, false, true},
    {"foo.*.bar", true, false, true},
    {"*.*.>", true, false, true},
    {"foo*", true, true, false},  // wildcard only as a whole token
    {"foo.b>", true, true, false},
    {"foo.>b", true, true, false},
    {"foo.**", true, true, false},
    {"foo.>>", true, true, false},
    {"*foo.bar", true, true, false},
    {"", false, false, false},
    {".", false, false, false},
    {"..", false, false, false},
    {".foo", false, false, false},
    {"foo.", false, false, false},
    {"foo..bar", false, false, false},
    {"foo.>.bar", false, false, false},
    {">.foo", false, false, false},
    {">.>", false, false, false},
    {"foo.>.", false, false, false},
    {"foo bar", false, false, false},
    {"foo\tbar", false, false, false},
    {"foo\rbar", false, false, false},
    {"foo\nbar", false, false, false},
    {"foo\fbar", false, false, false},
    {" ", false, false, false},
    {"foo. ", false, false, false},
    {"foo.* ", false, false, false},
    {"foo.\t.bar", false, false, false},
};

TEST(SubjectTest, ValidityTable) {
  for (const auto& c : kValidityCases) {
    SCOPED_TRACE(testing::Message() << "subject \"" << c.subject << "\"");
    EXPECT_EQ(is_valid_subject(c.subject), c.valid);
    EXPECT_EQ(is_valid_literal_subject(c.subject), c.literal);
    EXPECT_EQ(subject_has_wildcard(c.subject), c.wildcard);
  }
}

TEST(SubjectTest, EmbeddedNulIsAnOrdinaryByte) {
  const std::string_view s("foo\0bar.baz", 11);
  EXPECT_TRUE(is_valid_literal_subject(s));
  EXPECT_EQ(count_tokens(s), 2u);
}

TEST(SubjectTest, QueueNames) {
  EXPECT_TRUE(is_valid_queue_name("workers"));
  EXPECT_TRUE(is_valid_queue_name("q.with.dots"));
  EXPECT_TRUE(is_valid_queue_name("*"));
  EXPECT_TRUE(is_valid_queue_name("\xc3\xa9"));
  EXPECT_FALSE(is_valid_queue_name(""));
  EXPECT_FALSE(is_valid_queue_name("a b"));
  EXPECT_FALSE(is_valid_queue_name("a\tb"));
  EXPECT_FALSE(is_valid_queue_name("a\r"));
  EXPECT_FALSE(is_valid_queue_name("\na"));
  EXPECT_FALSE(is_valid_queue_name("a\fb"));
}

struct MatchCase {
  std::string_view pattern;
  std::string_view subject;
  bool matches;
};

const MatchCase kMatchCases[] = {
    // Literal patterns.
    {"foo", "foo", true},
    {"foo", "bar", false},
    {"foo", "Foo", false},  // case-sensitive
    {"foo.bar", "foo.bar", true},
    {"foo.bar", "foo", false},
    {"foo", "foo.bar", false},
    {"foo.bar", "foo.baz", false},
    {"foo.ba", "foo.bar", false},
    {"foo.bar", "foo.ba", false},
    {"foo*", "foo*", true},  // literal token, not a wildcard
    {"foo*", "foobar", false},
    {"foo.b>", "foo.b>", true},
    {"foo.b>", "foo.bar", false},
    // '*' matches exactly one token.
    {"*", "foo", true},
    {"*", "foo.bar", false},
    {"foo.*", "foo.bar", true},
    {"foo.*", "foo", false},
    {"foo.*", "foo.bar.baz", false},
    {"*.bar", "foo.bar", true},
    {"*.bar", "foo.baz", false},
    {"foo.*.baz", "foo.bar.baz", true},
    {"foo.*.baz", "foo.bar.qux", false},
    {"*.*", "a.b", true},
    {"*.*", "a", false},
    // '>' matches one or more trailing tokens.
    {">", "foo", true},
    {">", "foo.bar.baz", true},
    {"foo.>", "foo.bar", true},
    {"foo.>", "foo.bar.baz", true},
    {"foo.>", "foo", false},
    {"foo.>", "bar.baz", false},
    {"foo.>", "foobar.baz", false},
    {"*.>", "foo", false},
    {"*.>", "foo.bar", true},
    {"foo.*.>", "foo.bar.baz.qux", true},
    {"foo.*.>", "foo.bar", false},
    // A wildcard inside the published subject is a literal token.
    {"foo.*", "foo.*", true},
    {"foo.>", "foo.*", true},
    {"foo.>", "foo.>", true},
    {"foo.bar", "foo.*", false},
    {"foo.*", "foo.>", true},  // '*' matches any one token, including a literal ">"
    // Empty strings have no tokens.
    {"", "", false},
    {">", "", false},
    {"*", "", false},
    {"", "foo", false},
};

TEST(SubjectTest, MatchTable) {
  for (const auto& c : kMatchCases) {
    SCOPED_TRACE(testing::Message()
                 << "pattern \"" << c.pattern << "\" subject \"" << c.subject << "\"");
    EXPECT_EQ(subject_matches(c.pattern, c.subject), c.matches);
  }
}

std::vector<std::string> collect(std::string_view subject) {
  std::vector<std::string> out;
  for (TokenIterator it(subject); !it.done(); it.next()) out.emplace_back(it.token());
  return out;
}

TEST(SubjectTest, TokenIteratorSplitsOnDots) {
  EXPECT_EQ(collect("foo.bar.baz"), (std::vector<std::string>{"foo", "bar", "baz"}));
  EXPECT_EQ(collect("foo"), (std::vector<std::string>{"foo"}));
  EXPECT_EQ(collect("foo.*.>"), (std::vector<std::string>{"foo", "*", ">"}));
  EXPECT_TRUE(collect("").empty());
}

TEST(SubjectTest, TokenIteratorKeepsEmptyTokensOfInvalidSubjects) {
  // Rejoining the tokens must give the input back, even for subjects that fail validation.
  EXPECT_EQ(collect("."), (std::vector<std::string>{"", ""}));
  EXPECT_EQ(collect("a."), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(collect(".a"), (std::vector<std::string>{"", "a"}));
  EXPECT_EQ(collect("a..b"), (std::vector<std::string>{"a", "", "b"}));
}

TEST(SubjectTest, TokenIteratorTokensPointIntoInput) {
  const std::string subject = "ab.cd";
  TokenIterator it(subject);
  ASSERT_FALSE(it.done());
  EXPECT_EQ(it.token().data(), subject.data());
  it.next();
  ASSERT_FALSE(it.done());
  EXPECT_EQ(it.token().data(), subject.data() + 3);
  it.next();
  EXPECT_TRUE(it.done());
  EXPECT_TRUE(it.token().empty());
  it.next();  // stays done
  EXPECT_TRUE(it.done());
}

TEST(SubjectTest, CountTokens) {
  EXPECT_EQ(count_tokens(""), 0u);
  EXPECT_EQ(count_tokens("a"), 1u);
  EXPECT_EQ(count_tokens("a.b.c"), 3u);
  EXPECT_EQ(count_tokens("foo.*.>"), 3u);
  EXPECT_EQ(count_tokens("$JS.API.CONSUMER.MSG.NEXT.stream.consumer"), 7u);
  EXPECT_EQ(count_tokens("a."), 2u);
  EXPECT_EQ(count_tokens("..."), 4u);
}

TEST(SubjectTest, CountTokensAgreesWithIterator) {
  for (std::string_view s : {""sv, "a"sv, "a.b"sv, "a..b"sv, "."sv, "x.y.z.w"sv}) {
    EXPECT_EQ(count_tokens(s), collect(s).size()) << s;
  }
}

}  // namespace
}  // namespace quiver::codec
