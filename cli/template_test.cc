#include "cli/template.h"

#include <cstdlib>
#include <set>
#include <time.h>

#include <gtest/gtest.h>

#include "cli/args.h"

namespace quiver::cli {
namespace {

using std::chrono::system_clock;

// Letters and digits only (std::regex trips a GCC 12 warning under ASan).
bool alphanumeric(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      return false;
    }
  }
  return true;
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lowercase hex.
bool uuid_v4(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

class TemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }

  std::string expand(std::string_view text, std::uint64_t count = 7,
                     std::string_view request = "") {
    TemplateValues values{.count = count, .now = now_, .request = request};
    return Template::parse(text, true).expand(values, rng_);
  }

  std::string parse_error(std::string_view text, bool allow_request = false) {
    try {
      Template::parse(text, allow_request);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  }

  // 2026-11-26T15:04:05.123456789Z
  system_clock::time_point now_ = system_clock::time_point(std::chrono::seconds(1795705445)) +
                                  std::chrono::nanoseconds(123456789);
  std::mt19937_64 rng_{42};
};

TEST_F(TemplateTest, TextWithoutActionsIsLiteral) {
  const Template t = Template::parse("hello world");
  EXPECT_TRUE(t.is_literal());
  EXPECT_EQ(expand("hello world"), "hello world");
  EXPECT_EQ(expand(""), "");
  EXPECT_EQ(expand("a } b }"), "a } b }");
}

TEST_F(TemplateTest, CountInEverySpelling) {
  EXPECT_FALSE(Template::parse("{{Count}}").is_literal());
  EXPECT_EQ(expand("msg {{Count}}", 3), "msg 3");
  EXPECT_EQ(expand("msg {{.Count}}", 4), "msg 4");
  EXPECT_EQ(expand("msg {{ Count }}", 5), "msg 5");
  EXPECT_EQ(expand("msg {{ .Cnt }}/{{Cnt}}", 6), "msg 6/6");
  EXPECT_EQ(expand("{{Count}}{{Count}}", 12), "1212");
}

TEST_F(TemplateTest, TimeFunctions) {
  EXPECT_EQ(expand("{{Unix}}"), "1795705445");
  EXPECT_EQ(expand("{{.UnixNano}}"), "1795705445123456789");
  EXPECT_EQ(expand("{{TimeStamp}}"), "2026-11-26T15:04:05Z");
  EXPECT_EQ(expand("{{Time}}"), "3:04PM");
}

TEST_F(TemplateTest, RfcAndKitchenFormatsInOtherZones) {
  ::setenv("TZ", "XST-05:30", 1);  // UTC+05:30, no DST
  ::tzset();
  EXPECT_EQ(format_rfc3339(now_), "2026-11-26T20:34:05+05:30");
  EXPECT_EQ(format_kitchen(now_), "8:34PM");
  ::setenv("TZ", "YST+03", 1);  // UTC-03:00
  ::tzset();
  EXPECT_EQ(format_rfc3339(now_), "2026-11-26T12:04:05-03:00");
  EXPECT_EQ(format_kitchen(now_), "12:04PM");
  EXPECT_EQ(format_kitchen(now_ - std::chrono::hours(12)), "12:04AM");
}

TEST_F(TemplateTest, IdIsTwentyTwoAlphanumericsAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = expand("{{ID}}");
    EXPECT_EQ(id.size(), 22u);
    EXPECT_TRUE(alphanumeric(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(expand("{{.ID}}").size(), 22u);
}

TEST_F(TemplateTest, UuidIsVersion4) {
  for (int i = 0; i < 100; ++i) {
    const std::string uuid = expand("{{UUID}}");
    EXPECT_TRUE(uuid_v4(uuid)) << uuid;
  }
}

TEST_F(TemplateTest, RandomLengthWithinBounds) {
  std::set<std::size_t> lengths;
  for (int i = 0; i < 500; ++i) {
    const std::string r = expand("{{ Random 3 6 }}");
    EXPECT_GE(r.size(), 3u);
    EXPECT_LE(r.size(), 6u);
    EXPECT_TRUE(alphanumeric(r)) << r;
    lengths.insert(r.size());
  }
  EXPECT_EQ(lengths, (std::set<std::size_t>{3, 4, 5, 6}));
  EXPECT_EQ(expand("{{Random 4 4}}").size(), 4u);
  EXPECT_EQ(expand("{{Random 0 0}}"), "");
}

TEST_F(TemplateTest, SameSeedSameOutput) {
  std::mt19937_64 a(7), b(7);
  const Template t = Template::parse("{{ID}} {{UUID}} {{Random 5 9}}");
  EXPECT_EQ(t.expand({.count = 1, .now = now_}, a), t.expand({.count = 1, .now = now_}, b));
}

TEST_F(TemplateTest, RequestOnlyWhereAllowed) {
  EXPECT_EQ(expand("got: {{.Request}} / {{ Request }}", 1, "ping"), "got: ping / ping");
  EXPECT_EQ(parse_error("{{Request}}", false),
            "template: {{Request}}: unknown function \"Request\"");
}

TEST_F(TemplateTest, ParseErrors) {
  EXPECT_EQ(parse_error("a {{Count"), "template: unclosed action in \"a {{Count\"");
  EXPECT_EQ(parse_error("{{Nope}}"), "template: {{Nope}}: unknown function \"Nope\"");
  EXPECT_EQ(parse_error("{{ }}"), "template: missing value for command in {{ }}");
  EXPECT_EQ(parse_error("{{Count 2}}"), "template: {{Count 2}}: \"Count\" takes no arguments");
  EXPECT_EQ(parse_error("{{Random 5}}"),
            "template: {{Random 5}}: Random takes two numbers, MIN <= MAX <= 1048576");
  EXPECT_EQ(parse_error("{{Random 9 5}}"),
            "template: {{Random 9 5}}: Random takes two numbers, MIN <= MAX <= 1048576");
  EXPECT_EQ(parse_error("{{.Random 1 2}}"),
            "template: {{.Random 1 2}}: unknown function \"Random\"");
}

TEST_F(TemplateTest, LiteralIgnoresBraces) {
  const Template t = Template::literal("{{Count}}");
  EXPECT_TRUE(t.is_literal());
  EXPECT_EQ(t.expand({.count = 5, .now = now_}, rng_), "{{Count}}");
}

TEST_F(TemplateTest, ExpandReusesTheOutputString) {
  const Template t = Template::parse("n={{Count}}");
  std::string out = "previous contents";
  t.expand({.count = 1, .now = now_}, rng_, out);
  EXPECT_EQ(out, "n=1");
  t.expand({.count = 22, .now = now_}, rng_, out);
  EXPECT_EQ(out, "n=22");
}

TEST_F(TemplateTest, SubjectTokensForReplyCommands) {
  EXPECT_EQ(substitute_subject_tokens("curl wttr.in/{{1}}?format=3", "weather.london"),
            "curl wttr.in/london?format=3");
  EXPECT_EQ(substitute_subject_tokens("{{0}}-{{2}}-{{1}}", "a.b.c"), "a-c-b");
  // Out of range and non-numeric actions are left for the template pass.
  EXPECT_EQ(substitute_subject_tokens("{{3}} {{Count}}", "a.b"), "{{3}} {{Count}}");
  EXPECT_EQ(substitute_subject_tokens("echo {{0}}", "single"), "echo single");
  EXPECT_EQ(substitute_subject_tokens("open {{1", "a.b"), "open {{1");
}

}  // namespace
}  // namespace quiver::cli
