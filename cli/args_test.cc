#include "cli/args.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

CommandSpec pub_like() {
  return CommandSpec{
      .name = "pub",
      .summary = "Publish messages",
      .description = "Long help.",
      .args = {{"subject", "Subject"}, {"body", "Body", false}},
      .flags =
          {
              {.name = "count", .placeholder = "N", .help = "How many", .default_text = "1"},
              {.name = "header", .short_name = 'H', .kind = FlagKind::kList, .placeholder = "K:V"},
              {.name = "raw", .short_name = 'r', .kind = FlagKind::kSwitch, .help = "Raw"},
              {.name = "server", .short_name = 's', .placeholder = "URL"},
              {.name = "timeout", .placeholder = "DURATION"},
              {.name = "size", .placeholder = "SIZE"},
          },
  };
}

ParsedArgs parse(std::vector<std::string> argv) { return parse_args(pub_like(), argv); }

std::string usage_error(std::vector<std::string> argv) {
  try {
    parse(std::move(argv));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ArgsTest, PositionalArgumentsInOrder) {
  auto a = parse({"foo", "hello world"});
  EXPECT_EQ(a.arg("subject"), "foo");
  EXPECT_EQ(a.arg("body"), "hello world");
  EXPECT_FALSE(a.help());
}

TEST(ArgsTest, OptionalArgumentMayBeMissing) {
  auto a = parse({"foo"});
  EXPECT_EQ(a.arg("subject"), "foo");
  EXPECT_EQ(a.arg("body"), std::nullopt);
}

TEST(ArgsTest, LongFlagTakesNextWordOrInlineValue) {
  EXPECT_EQ(parse({"foo", "--count", "3"}).count("count", 1), 3u);
  EXPECT_EQ(parse({"foo", "--count=4"}).count("count", 1), 4u);
  EXPECT_EQ(parse({"foo", "--server=nats://a:1,nats://b:2"}).value("server"),
            "nats://a:1,nats://b:2");
}

TEST(ArgsTest, InlineValueMayContainEqualsSign) {
  EXPECT_EQ(parse({"foo", "-H", "k:a=b"}).values("header"), std::vector<std::string>{"k:a=b"});
  EXPECT_EQ(parse({"foo", "--header=k:a=b"}).values("header"), std::vector<std::string>{"k:a=b"});
}

TEST(ArgsTest, ShortFlagWithSeparateOrAttachedValue) {
  EXPECT_EQ(parse({"foo", "-s", "nats://x:1"}).value("server"), "nats://x:1");
  EXPECT_EQ(parse({"foo", "-snats://x:2"}).value("server"), "nats://x:2");
}

TEST(ArgsTest, ListFlagKeepsEveryValueInOrder) {
  auto a = parse({"foo", "-H", "a:1", "--header", "b:2", "-Hc:3"});
  EXPECT_EQ(a.values("header"), (std::vector<std::string>{"a:1", "b:2", "c:3"}));
}

TEST(ArgsTest, ValueFlagLastOccurrenceWins) {
  EXPECT_EQ(parse({"foo", "--count", "2", "--count", "7"}).count("count", 1), 7u);
}

TEST(ArgsTest, AbsentFlagsUseTheFallback) {
  auto a = parse({"foo"});
  EXPECT_FALSE(a.has("count"));
  EXPECT_EQ(a.count("count", 9), 9u);
  EXPECT_EQ(a.string("server", "dflt"), "dflt");
  EXPECT_TRUE(a.values("header").empty());
  EXPECT_EQ(a.enabled("raw", true), true);
}

TEST(ArgsTest, SwitchSpellings) {
  EXPECT_TRUE(parse({"foo", "--raw"}).enabled("raw", false));
  EXPECT_TRUE(parse({"foo", "-r"}).enabled("raw", false));
  EXPECT_FALSE(parse({"foo", "--no-raw"}).enabled("raw", true));
  EXPECT_FALSE(parse({"foo", "--raw=false"}).enabled("raw", true));
  EXPECT_TRUE(parse({"foo", "--raw=1"}).enabled("raw", false));
  EXPECT_FALSE(parse({"foo", "--raw", "--no-raw"}).enabled("raw", true));
}

TEST(ArgsTest, SwitchDoesNotConsumeTheNextWord) {
  auto a = parse({"--raw", "foo", "body"});
  EXPECT_TRUE(a.enabled("raw", false));
  EXPECT_EQ(a.arg("subject"), "foo");
  EXPECT_EQ(a.arg("body"), "body");
}

TEST(ArgsTest, FlagsAnywhereAmongArguments) {
  auto a = parse({"--count", "2", "foo", "-H", "a:b", "body", "--raw"});
  EXPECT_EQ(a.arg("subject"), "foo");
  EXPECT_EQ(a.arg("body"), "body");
  EXPECT_EQ(a.count("count", 1), 2u);
  EXPECT_TRUE(a.enabled("raw", false));
}

TEST(ArgsTest, DoubleDashEndsFlags) {
  auto a = parse({"foo", "--", "--count"});
  EXPECT_EQ(a.arg("body"), "--count");
  EXPECT_FALSE(a.has("count"));
}

TEST(ArgsTest, SingleDashIsAnArgument) { EXPECT_EQ(parse({"foo", "-"}).arg("body"), "-"); }

TEST(ArgsTest, HelpAnywhereSkipsRequiredArgumentCheck) {
  EXPECT_TRUE(parse({"--help"}).help());
  EXPECT_TRUE(parse({"-h"}).help());
  EXPECT_TRUE(parse({"foo", "--count", "2", "--help"}).help());
}

TEST(ArgsTest, UsageErrorsSayWhatIsWrong) {
  EXPECT_EQ(usage_error({}), "required argument 'subject' not provided");
  EXPECT_EQ(usage_error({"foo", "body", "extra"}), "unexpected argument 'extra'");
  EXPECT_EQ(usage_error({"foo", "--bogus"}), "unknown flag --bogus");
  EXPECT_EQ(usage_error({"foo", "-x"}), "unknown short flag -x");
  EXPECT_EQ(usage_error({"foo", "--count"}), "expected a value for --count");
  EXPECT_EQ(usage_error({"foo", "--raw=maybe"}),
            "invalid value 'maybe' for --raw: want true or false");
  EXPECT_EQ(usage_error({"foo", "-rx"}), "unexpected 'x' after -r");
  // --no- only negates switches.
  EXPECT_EQ(usage_error({"foo", "--no-count"}), "unknown flag --no-count");
}

TEST(ArgsTest, TypedAccessorsRejectMalformedValues) {
  auto a = parse({"foo", "--count", "3x", "--timeout", "5", "--size", "1QB"});
  EXPECT_THROW(a.count("count", 1), UsageError);
  EXPECT_THROW(a.duration("timeout", std::chrono::seconds(1)), UsageError);
  EXPECT_THROW(a.size("size", 1), UsageError);
  try {
    a.count("count", 1);
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "invalid value '3x' for --count: want a whole number");
  }
}

TEST(ArgsTest, TypedAccessorsParseValues) {
  auto a = parse({"foo", "--timeout", "1.5s", "--size", "1KiB"});
  EXPECT_EQ(a.duration("timeout", std::chrono::seconds(1)), std::chrono::milliseconds(1500));
  EXPECT_EQ(a.size("size", 1), 1024u);
}

TEST(ArgsTest, HelpTextShowsUsageArgumentsAndFlags) {
  const std::string help = help_text(pub_like());
  EXPECT_EQ(help.substr(0, help.find('\n')), "usage: quiver pub [<flags>] <subject> [<body>]");
  EXPECT_NE(help.find("\nPublish messages\n\nLong help.\n"), std::string::npos);
  EXPECT_NE(help.find("  <subject>  Subject\n"), std::string::npos);
  EXPECT_NE(help.find("  [<body>]   Body\n"), std::string::npos);
  EXPECT_NE(help.find("-h, --help"), std::string::npos);
  EXPECT_NE(help.find("--count=N"), std::string::npos);
  EXPECT_NE(help.find("How many (default: 1)"), std::string::npos);
  EXPECT_NE(help.find("-H, --header=K:V ..."), std::string::npos);
  EXPECT_NE(help.find("-r, --raw "), std::string::npos);
}

}  // namespace
}  // namespace quiver::cli
