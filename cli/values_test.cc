#include "cli/values.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

using std::chrono::nanoseconds;
using Words = std::vector<std::string>;

TEST(ValuesTest, ParseUint) {
  EXPECT_EQ(parse_uint("0"), 0u);
  EXPECT_EQ(parse_uint("1000000"), 1000000u);
  EXPECT_EQ(parse_uint("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_uint("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_uint(""), std::nullopt);
  EXPECT_EQ(parse_uint("-1"), std::nullopt);
  EXPECT_EQ(parse_uint("1e3"), std::nullopt);
  EXPECT_EQ(parse_uint(" 1"), std::nullopt);
}

TEST(ValuesTest, ParseSizeUsesPowersOf1024) {
  EXPECT_EQ(parse_size("16"), 16u);
  EXPECT_EQ(parse_size("16B"), 16u);
  EXPECT_EQ(parse_size("1K"), 1024u);
  EXPECT_EQ(parse_size("1kb"), 1024u);
  EXPECT_EQ(parse_size("2KiB"), 2048u);
  EXPECT_EQ(parse_size("1MB"), 1048576u);
  EXPECT_EQ(parse_size("1 MiB"), 1048576u);
  EXPECT_EQ(parse_size("1.5M"), 1572864u);
  EXPECT_EQ(parse_size("1G"), 1073741824u);
}

TEST(ValuesTest, ParseSizeRejectsGarbage) {
  EXPECT_EQ(parse_size(""), std::nullopt);
  EXPECT_EQ(parse_size("K"), std::nullopt);
  EXPECT_EQ(parse_size("12Q"), std::nullopt);
  EXPECT_EQ(parse_size("1.2.3K"), std::nullopt);
  EXPECT_EQ(parse_size("-1"), std::nullopt);
  EXPECT_EQ(parse_size("99999999999999999999G"), std::nullopt);
}

TEST(ValuesTest, ParseDurationGoSyntax) {
  EXPECT_EQ(parse_duration("0"), nanoseconds(0));
  EXPECT_EQ(parse_duration("10ns"), nanoseconds(10));
  EXPECT_EQ(parse_duration("250us"), std::chrono::microseconds(250));
  EXPECT_EQ(parse_duration("250\xc2\xb5s"), std::chrono::microseconds(250));
  EXPECT_EQ(parse_duration("300ms"), std::chrono::milliseconds(300));
  EXPECT_EQ(parse_duration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_duration(".5s"), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_duration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(parse_duration("1h"), std::chrono::hours(1));
  EXPECT_EQ(parse_duration("1m30s"), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("1h2m3s4ms"), std::chrono::milliseconds(3723004));
}

TEST(ValuesTest, ParseDurationNeedsUnits) {
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("5"), std::nullopt);
  EXPECT_EQ(parse_duration("5x"), std::nullopt);
  EXPECT_EQ(parse_duration("s"), std::nullopt);
  EXPECT_EQ(parse_duration("-1s"), std::nullopt);
  EXPECT_EQ(parse_duration("1s2"), std::nullopt);
}

TEST(ValuesTest, ParseHeaderArgSplitsAtFirstColonAndTrims) {
  auto h = parse_header_arg("Content-Type: text/plain");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->key, "Content-Type");
  EXPECT_EQ(h->value, "text/plain");
  h = parse_header_arg(" url :http://x:80 ");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->key, "url");
  EXPECT_EQ(h->value, "http://x:80");
  h = parse_header_arg("empty:");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->value, "");
  EXPECT_FALSE(parse_header_arg("novalue"));
  EXPECT_FALSE(parse_header_arg(":v"));
}

TEST(ValuesTest, SplitShellWords) {
  EXPECT_EQ(split_shell_words("echo hello  world"), (Words{"echo", "hello", "world"}));
  EXPECT_EQ(split_shell_words("  "), Words{});
  EXPECT_EQ(split_shell_words("sh -c 'echo $HOME; ls'"), (Words{"sh", "-c", "echo $HOME; ls"}));
  EXPECT_EQ(split_shell_words(R"(printf "a \"b\" \\ c")"), (Words{"printf", R"(a "b" \ c)"}));
  EXPECT_EQ(split_shell_words(R"(a\ b c)"), (Words{"a b", "c"}));
  EXPECT_EQ(split_shell_words(R"(x'y'"z")"), (Words{"xyz"}));
  EXPECT_EQ(split_shell_words("''"), (Words{""}));
  EXPECT_EQ(split_shell_words(R"("keep \n")"), (Words{R"(keep \n)"}));
}

TEST(ValuesTest, SplitShellWordsRejectsUnterminatedInput) {
  EXPECT_EQ(split_shell_words("echo 'oops"), std::nullopt);
  EXPECT_EQ(split_shell_words("echo \"oops"), std::nullopt);
  EXPECT_EQ(split_shell_words("echo oops\\"), std::nullopt);
}

}  // namespace
}  // namespace quiver::cli
