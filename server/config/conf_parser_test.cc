#include "server/config/conf_parser.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace quiver::server::config {
namespace {

using Kind = ConfValue::Kind;

ParseOptions env(std::map<std::string, std::string> vars) {
  ParseOptions options;
  options.lookup_env = [vars = std::move(vars)](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return options;
}

// Parses with an empty environment so the test machine's variables cannot leak in.
ConfResult<ConfValue> parse(std::string_view text, std::string_view name = "t.conf") {
  return parse_conf(text, name, env({}));
}

ConfValue parse_ok(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r) << text << "\n-> " << (r ? "" : r.error().message);
  return r ? r.value() : ConfValue{};
}

std::string parse_error(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r) << text;
  return r ? "" : r.error().message;
}

const ConfValue& at(const ConfValue& v, std::string_view key) {
  const ConfValue* found = v.find(key);
  static const ConfValue kMissing;
  EXPECT_NE(found, nullptr) << "no key " << key;
  return found ? *found : kMissing;
}

TEST(ConfParserTest, KeyValueSeparatorsAndQuotedKeys) {
  for (std::string_view text :
       {"port = 4222", "port: 4222", "port 4222", "port=4222", "port:4222", "'port': 4222",
        "\"port\" = 4222", "port\t4222", "  port :  4222  ", "port\n4222"}) {
    ConfValue v = parse_ok(text);
    ASSERT_EQ(at(v, "port").kind(), Kind::kInt) << text;
    EXPECT_EQ(at(v, "port").as_int(), 4222) << text;
  }
}

TEST(ConfParserTest, TopLevelValueTerminators) {
  for (std::string_view text :
       {"a: 1; b: 2", "a: 1, b: 2", "a: 1\nb: 2", "a: 1\r\nb: 2\r\n", "a: 1 # note\nb: 2",
        "a: 1 // note\nb: 2", "# head\na: 1\n\n\n// x\nb: 2\n", "a: 1;\nb: 2;"}) {
    ConfValue v = parse_ok(text);
    EXPECT_EQ(at(v, "a").as_int(), 1) << text;
    EXPECT_EQ(at(v, "b").as_int(), 2) << text;
    EXPECT_EQ(v.as_map().size(), 2u) << text;
  }
}

TEST(ConfParserTest, Booleans) {
  struct Case {
    std::string_view text;
    bool value;
  };
  for (const Case& c :
       {Case{"x: true", true}, Case{"x: TRUE", true}, Case{"x: yes", true}, Case{"x: On", true},
        Case{"x: false", false}, Case{"x: no", false}, Case{"x: OFF", false}}) {
    ConfValue v = parse_ok(c.text);
    ASSERT_EQ(at(v, "x").kind(), Kind::kBool) << c.text;
    EXPECT_EQ(at(v, "x").as_bool(), c.value) << c.text;
  }
  // Quoted, a boolean word is a string.
  EXPECT_EQ(at(parse_ok("x: \"true\""), "x").as_string(), "true");
}

TEST(ConfParserTest, Strings) {
  struct Case {
    std::string_view text;
    std::string_view value;
  };
  for (const Case& c : {
           Case{R"(x: "plain")", "plain"},
           Case{R"(x: "a\tb\nc\rd\"e\\f\x41")", "a\tb\nc\rd\"e\\fA"},
           Case{R"(x: 'a\tb "q"')", R"(a\tb "q")"}, Case{R"(x: foo\tbar)", "foo\tbar"},
           Case{"x: localhost:4222", "localhost:4222"},
           Case{"x: nats://u:p@host:4222", "nats://u:p@host:4222"}, Case{"x: foo#bar", "foo#bar"},
           Case{"x: \"two\nlines\"", "two\nlines"}, Case{"x: \"\"", ""}, Case{"x: a.b.>", "a.b.>"},
           Case{"x: 127.0.0.1", "127.0.0.1"}, Case{"x: 127.0.0.1:4222", "127.0.0.1:4222"},
           Case{"x: 12abc", "12abc"}, Case{"x: 1Gx", "1Gx"},
           Case{"x: it'", "it"},  // nats-server ends an unquoted string at a quote, drops it
       }) {
    ConfValue v = parse_ok(c.text);
    ASSERT_EQ(at(v, "x").kind(), Kind::kString) << c.text;
    EXPECT_EQ(at(v, "x").as_string(), c.value) << c.text;
  }
}

TEST(ConfParserTest, Numbers) {
  EXPECT_EQ(at(parse_ok("x: 0"), "x").as_int(), 0);
  EXPECT_EQ(at(parse_ok("x: 007"), "x").as_int(), 7);
  EXPECT_EQ(at(parse_ok("x: -5"), "x").as_int(), -5);
  EXPECT_EQ(at(parse_ok("x: 9223372036854775807"), "x").as_int(), INT64_MAX);
  EXPECT_EQ(at(parse_ok("x: -9223372036854775808"), "x").as_int(), INT64_MIN);
  EXPECT_DOUBLE_EQ(at(parse_ok("x: 1.5"), "x").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(at(parse_ok("x: -2.25"), "x").as_double(), -2.25);
  EXPECT_DOUBLE_EQ(at(parse_ok("x: 0.001"), "x").as_double(), 0.001);
}

TEST(ConfParserTest, SizeSuffixesAreDecimalAloneAndBinaryWithBOrI) {
  struct Case {
    std::string_view text;
    std::int64_t value;
  };
  constexpr std::int64_t kKi = 1024;
  for (const Case& c : {
           Case{"1k", 1000},
           Case{"1K", 1000},
           Case{"1kb", kKi},
           Case{"1KB", kKi},
           Case{"1Kb", kKi},
           Case{"1ki", kKi},
           Case{"1kib", kKi},
           Case{"1KIB", kKi},
           Case{"64KB", 64 * kKi},
           Case{"1m", 1000 * 1000},
           Case{"1mb", kKi * kKi},
           Case{"1MiB", kKi * kKi},
           Case{"1g", 1000 * 1000 * 1000},
           Case{"1GB", kKi * kKi * kKi},
           Case{"1Gi", kKi * kKi * kKi},
           Case{"2t", 2'000'000'000'000},
           Case{"1TB", kKi * kKi * kKi * kKi},
           Case{"1p", 1'000'000'000'000'000},
           Case{"1pb", kKi * kKi * kKi * kKi * kKi},
           Case{"1e", 1'000'000'000'000'000'000},
           Case{"1EB", kKi * kKi * kKi * kKi * kKi * kKi},
           Case{"-1K", -1000},
       }) {
    ConfValue v = parse_ok("x: " + std::string(c.text));
    ASSERT_EQ(at(v, "x").kind(), Kind::kInt) << c.text;
    EXPECT_EQ(at(v, "x").as_int(), c.value) << c.text;
  }
}

TEST(ConfParserTest, BadNumbersAreErrors) {
  EXPECT_EQ(parse_error("x: 1kbb"), "t.conf:1:4: invalid size suffix in '1kbb'");
  EXPECT_EQ(parse_error("x: 8EB"), "t.conf:1:4: integer '8EB' is out of range");
  EXPECT_EQ(parse_error("x: 9223372036854775808"),
            "t.conf:1:4: integer '9223372036854775808' is out of range");
  EXPECT_EQ(parse_error("x: 1k5"),
            "t.conf:1:6: expected a new line, ';', ',' or a comment after a top-level value, got "
            "'5' instead");
  EXPECT_EQ(parse_error("x: .5"), "t.conf:1:4: floats must start with a digit");
  EXPECT_EQ(parse_error("x: 1.x"),
            "t.conf:1:6: floats must have a digit after the '.', got 'x' instead");
  EXPECT_EQ(parse_error("x: -a"), "t.conf:1:5: expected a digit after '-', got 'a' instead");
  EXPECT_EQ(parse_error("x: 1.5x"),
            "t.conf:1:7: expected a new line, ';', ',' or a comment after a top-level value, got "
            "'x' instead");
}

TEST(ConfParserTest, DatetimesAreKeptAsStrings) {
  EXPECT_EQ(at(parse_ok("x: 2020-01-31T23:59:58Z"), "x").as_string(), "2020-01-31T23:59:58Z");
  EXPECT_EQ(parse_error("x: 2020-13-01T00:00:00Z"),
            "t.conf:1:4: invalid datetime '2020-13-01T00:00:00Z'");
  EXPECT_EQ(parse_error("x: 2020-01-01"),
            "t.conf:1:14: expected an ISO8601 Zulu datetime (YYYY-MM-DDTHH:MM:SSZ), got end of "
            "file");
  EXPECT_EQ(parse_error("x: 123-4"), "t.conf:1:4: dates must be in full ISO8601 Zulu form");
}

TEST(ConfParserTest, Arrays) {
  for (std::string_view text :
       {"x: [1, 2, 3]", "x: [1,2,3]", "x [1 ,2 , 3]", "x: [\n  1\n  2\n  3\n]", "x: [1, 2, 3,]",
        "x: [ # numbers\n 1, // one\n 2\n # gap\n 3 ]", "x = [1,\n2,\n3]"}) {
    ConfValue v = parse_ok(text);
    ASSERT_TRUE(at(v, "x").is_array()) << text;
    const auto& a = at(v, "x").as_array();
    ASSERT_EQ(a.size(), 3u) << text;
    EXPECT_EQ(a[0].as_int(), 1) << text;
    EXPECT_EQ(a[2].as_int(), 3) << text;
  }
  ConfValue v = parse_ok("x: [a, \"b c\", 'd', true, 1.5, [1], {k: v}, []]");
  const auto& a = at(v, "x").as_array();
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[0].as_string(), "a");
  EXPECT_EQ(a[1].as_string(), "b c");
  EXPECT_EQ(a[2].as_string(), "d");
  EXPECT_TRUE(a[3].as_bool());
  EXPECT_DOUBLE_EQ(a[4].as_double(), 1.5);
  EXPECT_EQ(a[5].as_array().at(0).as_int(), 1);  // nats-server 2.9.10 fails on "1]"
  EXPECT_EQ(at(a[6], "k").as_string(), "v");
  EXPECT_TRUE(a[7].as_array().empty());
  EXPECT_TRUE(at(parse_ok("x: []"), "x").as_array().empty());
}

TEST(ConfParserTest, ArrayErrors) {
  EXPECT_EQ(parse_error("x: [,1]"), "t.conf:1:5: expected an array element, got ',' instead");
  EXPECT_EQ(parse_error("x: [1 2]"),
            "t.conf:1:7: expected ',' or ']' after an array element, got '2' instead");
  EXPECT_EQ(parse_error("x: [1, 2"), "t.conf:1:4: unterminated array, expected ']'");
  // A new line already separated the elements, so a comma after it is a second separator.
  EXPECT_EQ(parse_error("x: [1\n,2]"), "t.conf:2:1: expected an array element, got ',' instead");
}

TEST(ConfParserTest, Maps) {
  for (std::string_view text : {
           "m { a: 1, b: 2 }",
           "m: { a: 1, b: 2 }",
           "m = {a=1;b=2}",
           "m {\n  a: 1\n  b: 2\n}",
           "m {\n  a: 1 # one\n  // comment line\n  b: 2 // two\n}",
           "m { a: 1, b: 2, }",
           "m {a:1\n\n\nb:2}",
           "m {\n  a:\n    1\n  b 2\n}",  // inside a map a value may start on the next line
           "m { 'a': 1, \"b\" = 2 }",
       }) {
    ConfValue v = parse_ok(text);
    ASSERT_TRUE(at(v, "m").is_map()) << text;
    EXPECT_EQ(at(at(v, "m"), "a").as_int(), 1) << text;
    EXPECT_EQ(at(at(v, "m"), "b").as_int(), 2) << text;
  }
  ConfValue nested = parse_ok("a { b { c { d: deep } } }");
  EXPECT_EQ(at(at(at(at(nested, "a"), "b"), "c"), "d").as_string(), "deep");
  EXPECT_TRUE(at(parse_ok("m {}"), "m").as_map().empty());
}

TEST(ConfParserTest, MapErrors) {
  EXPECT_EQ(parse_error("m { a: 1 b: 2 }"),
            "t.conf:1:10: expected ',', ';', a new line or '}' after a map value, got 'b' instead");
  EXPECT_EQ(parse_error("m {\n  a: 1\n"), "t.conf:1:3: unterminated map, expected '}'");
  EXPECT_EQ(parse_error("m { a }"), "t.conf:1:7: expected a value for key \"a\", got '}' instead");
  EXPECT_EQ(parse_error("m { , a: 1 }"), "t.conf:1:5: expected a key, got ',' instead");
  EXPECT_EQ(parse_error("m { : 1 }"), "t.conf:1:5: unexpected key separator ':'");
}

TEST(ConfParserTest, DocumentMayBeWrappedInBraces) {
  for (std::string_view text : {"{ port: 1, debug: true }", "{\n  port: 1\n  debug: true\n}\n",
                                "{ port: 1 } { debug: true }"}) {
    ConfValue v = parse_ok(text);
    EXPECT_EQ(at(v, "port").as_int(), 1) << text;
    EXPECT_TRUE(at(v, "debug").as_bool()) << text;
  }
  EXPECT_EQ(parse_error("port: 1\n}\ndebug: true"), "t.conf:2:1: unexpected '}'");
}

TEST(ConfParserTest, BlockStringRunsToACloseParenAloneOnALine) {
  ConfValue v = parse_ok("x: (\nline one\n  (nested) )\n)\ny: 2\n");
  EXPECT_EQ(at(v, "x").as_string(), "\nline one\n  (nested) )\n");
  EXPECT_EQ(at(v, "y").as_int(), 2);
  EXPECT_EQ(parse_error("x: (\nnever closed)\n"),
            "t.conf:1:4: unterminated block, expected ')' alone on a line");
}

TEST(ConfParserTest, SyntaxErrorsCarryLineAndColumn) {
  EXPECT_EQ(parse_error("port: 4222 junk"),
            "t.conf:1:12: expected a new line, ';', ',' or a comment after a top-level value, got "
            "'j' instead");
  EXPECT_EQ(parse_error("a: 1\nport:\n4222"), "t.conf:2:6: expected a value but found a new line");
  EXPECT_EQ(parse_error("a: 1\n\n  x: \"abc"), "t.conf:3:6: unterminated string");
  EXPECT_EQ(parse_error("x: 'abc"), "t.conf:1:4: unterminated string");
  EXPECT_EQ(parse_error("x: \"a\\qb\""),
            "t.conf:1:7: invalid escape character 'q'; only \\xXX, \\t, \\n, \\r, \\\" and \\\\ "
            "are allowed");
  EXPECT_EQ(parse_error("x: \"\\xZZ\""),
            "t.conf:1:6: expected two hexadecimal digits after '\\x', got 'ZZ'");
  EXPECT_EQ(parse_error("= 1"), "t.conf:1:1: unexpected key separator '='");
  EXPECT_EQ(parse_error("lonely"),
            "t.conf:1:7: expected a value for key \"lonely\", got end of file");
  EXPECT_EQ(parse_error("x: 1 / 2"),
            "t.conf:1:8: expected a new line, ';', ',' or a comment after a top-level value, got "
            "'2' instead");
  EXPECT_EQ(parse_error("/x: 1"), "t.conf:1:1: unexpected '/'");
  EXPECT_EQ(parse_error("x: it's"),
            "t.conf:1:7: expected a new line, ';', ',' or a comment after a top-level value, got "
            "'s' instead");
  EXPECT_EQ(parse_error("x: [1]]"),
            "t.conf:1:7: expected a new line, ';', ',' or a comment after a top-level value, got "
            "']' instead");
  // Without a file name the position still points at the problem.
  auto r = parse_conf("x: \"open", {}, env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "<config>:1:4: unterminated string");
  EXPECT_EQ(r.error().code, errc::kSyntax);
}

TEST(ConfParserTest, RepeatedKeyKeepsTheLastValue) {
  ConfValue v = parse_ok("a: 1\nb: 2\na: 3\n");
  ASSERT_EQ(v.as_map().size(), 2u);
  EXPECT_EQ(v.as_map()[0].key, "a");
  EXPECT_EQ(v.as_map()[0].value.as_int(), 3);
  EXPECT_EQ(v.as_map()[0].key_pos.line, 3);
  EXPECT_EQ(v.as_map()[1].key, "b");
}

TEST(ConfParserTest, PositionsOfKeysAndValues) {
  ConfValue v = parse_ok("# header\nauthorization {\n  users = [\n    {user: a}\n  ]\n}\n");
  const ConfEntry& auth = v.as_map().at(0);
  EXPECT_EQ(auth.key_pos.line, 2);
  EXPECT_EQ(auth.key_pos.column, 1);
  EXPECT_EQ(auth.value.pos.line, 2);
  EXPECT_EQ(auth.value.pos.column, 15);
  const ConfEntry& users = auth.value.as_map().at(0);
  EXPECT_EQ(users.key_pos.to_string(), "t.conf:3:3");
  const ConfValue& first = users.value.as_array().at(0);
  EXPECT_EQ(first.pos.to_string(), "t.conf:4:5");
  EXPECT_EQ(first.as_map().at(0).value.pos.to_string(), "t.conf:4:12");
}

TEST(ConfParserTest, VariablesResolveFromEnclosingScopes) {
  ConfValue v = parse_ok(
      "PORT = 4223\n"
      "LIST = [a, b]\n"
      "port: $PORT\n"
      "auth {\n"
      "  USER = bob\n"
      "  user: $USER\n"
      "  port: $PORT\n"
      "  list: $LIST\n"
      "  inner { user: $USER }\n"
      "}\n");
  EXPECT_EQ(at(v, "port").as_int(), 4223);
  EXPECT_EQ(at(v, "port").pos.to_string(), "t.conf:3:7");  // the reference, not the definition
  EXPECT_EQ(at(at(v, "auth"), "user").as_string(), "bob");
  EXPECT_EQ(at(at(v, "auth"), "port").as_int(), 4223);
  EXPECT_EQ(at(at(v, "auth"), "list").as_array().size(), 2u);
  EXPECT_EQ(at(at(at(v, "auth"), "inner"), "user").as_string(), "bob");
  // Definitions that were referenced are marked so the options layer does not call them unknown.
  EXPECT_TRUE(at(v, "PORT").used_as_variable);
  EXPECT_TRUE(at(v, "LIST").used_as_variable);
  EXPECT_TRUE(at(at(v, "auth"), "USER").used_as_variable);
  EXPECT_FALSE(at(v, "port").used_as_variable);
}

TEST(ConfParserTest, InnerScopeShadowsOuter) {
  ConfValue v = parse_ok("X = outer\nm { X = inner, y: $X }\nz: $X\n");
  EXPECT_EQ(at(at(v, "m"), "y").as_string(), "inner");
  EXPECT_EQ(at(v, "z").as_string(), "outer");
}

TEST(ConfParserTest, VariableMustBeDefinedEarlier) {
  EXPECT_EQ(parse_error("a: $LATER\nLATER = 1\n"),
            "t.conf:1:4: variable reference for 'LATER' can not be found");
  // A sibling map's keys are not in scope.
  EXPECT_EQ(parse_error("m { X = 1 }\nn { y: $X }\n"),
            "t.conf:2:8: variable reference for 'X' can not be found");
  EXPECT_EQ(parse("a: $NOPE").error().code, errc::kUndefinedVariable);
}

TEST(ConfParserTest, EnvironmentVariablesAreParsedAsValues) {
  auto r = parse_conf(
      "port: $QV_PORT\nsize: $QV_SIZE\nlist: $QV_LIST\nquoted: $QV_QUOTED\nchain: $QV_CHAIN\n",
      "t.conf",
      env({{"QV_PORT", "4224"},
           {"QV_SIZE", "1K"},
           {"QV_LIST", "[1, 2]"},
           {"QV_QUOTED", "\"4222\""},
           {"QV_CHAIN", "$QV_PORT"}}));
  ASSERT_TRUE(r) << r.error().message;
  const ConfValue& v = r.value();
  EXPECT_EQ(at(v, "port").as_int(), 4224);
  EXPECT_EQ(at(v, "size").as_int(), 1000);
  EXPECT_EQ(at(v, "list").as_array().size(), 2u);
  EXPECT_EQ(at(v, "quoted").as_string(), "4222");
  EXPECT_EQ(at(v, "chain").as_int(), 4224);
  EXPECT_EQ(at(v, "chain").pos.to_string(), "t.conf:5:8");
}

TEST(ConfParserTest, EnvironmentValueThatIsNotOneValueIsAnError) {
  auto r = parse_conf("name: $QV_NAME\n", "t.conf", env({{"QV_NAME", "hello world"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "t.conf:1:7: in environment variable 'QV_NAME': $QV_NAME:1:10: expected a new line, "
            "';', ',' or a comment after a top-level value, got 'w' instead");
}

TEST(ConfParserTest, EnvironmentCycleIsAnError) {
  auto r = parse_conf("x: $QV_A\n", "t.conf", env({{"QV_A", "$QV_B"}, {"QV_B", "$QV_A"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kCycle);
  EXPECT_EQ(r.error().message,
            "t.conf:1:4: in environment variable 'QV_A': $QV_A:1:4: in environment variable "
            "'QV_B': $QV_B:1:4: environment variable cycle: $QV_A -> $QV_B -> $QV_A");
}

TEST(ConfParserTest, ProcessEnvironmentIsTheDefault) {
  ASSERT_EQ(::setenv("QV_CONF_PARSER_TEST_PORT", "4555", 1), 0);
  auto r = parse_conf("port: $QV_CONF_PARSER_TEST_PORT");
  ::unsetenv("QV_CONF_PARSER_TEST_PORT");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(at(r.value(), "port").as_int(), 4555);
}

TEST(ConfParserTest, BcryptHashIsNotAVariable) {
  const std::string hash = "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG";
  ConfValue v = parse_ok("password: " + hash);
  EXPECT_EQ(at(v, "password").as_string(), hash);
}

class IncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_NE(tmp, nullptr);
    dir_ = std::filesystem::path(tmp) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  std::string write(const std::string& rel, const std::string& text) {
    const std::filesystem::path p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

  std::filesystem::path dir_;
};

TEST_F(IncludeTest, MergesKeysRelativeToTheIncludingFile) {
  const std::string main = write("main.conf", "port: 1\ninclude sub/a.conf\nafter: $FROM_C\n");
  write("sub/a.conf", "debug: true\ninclude 'b.conf' # relative to sub/\n");
  write("sub/b.conf", "port: 2\ninclude \"deeper/c.conf\"\n");
  write("sub/deeper/c.conf", "FROM_C = 42\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_TRUE(r) << r.error().message;
  const ConfValue& v = r.value();
  EXPECT_EQ(at(v, "port").as_int(), 2);  // the later (included) definition wins
  EXPECT_TRUE(at(v, "debug").as_bool());
  EXPECT_EQ(at(v, "after").as_int(), 42);
  EXPECT_TRUE(at(v, "FROM_C").used_as_variable);
  // Positions point into the file that held the value.
  EXPECT_EQ(at(v, "debug").pos.to_string(), (dir_ / "sub/a.conf").string() + ":1:8");
}

TEST_F(IncludeTest, IncludeInsideAMap) {
  const std::string main = write("main.conf", "authorization {\n  include users.conf\n}\n");
  write("users.conf", "users = [ {user: a, password: b} ]\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(at(at(r.value(), "authorization"), "users").as_array().size(), 1u);
}

TEST_F(IncludeTest, IncludedFileCannotSeeTheIncludersVariables) {
  const std::string main = write("main.conf", "X = 1\ninclude b.conf\n");
  write("b.conf", "port: $X\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            (dir_ / "b.conf").string() + ":1:7: variable reference for 'X' can not be found");
}

TEST_F(IncludeTest, AbsolutePathIsJoinedToTheIncludersDirectoryLikeGo) {
  const std::string main = write("main.conf", "include /etc/x.conf\n");
  write("etc/x.conf", "port: 7\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(at(r.value(), "port").as_int(), 7);
}

TEST_F(IncludeTest, SelfIncludeIsACycle) {
  const std::string main = write("main.conf", "port: 1\ninclude main.conf\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kCycle);
  EXPECT_EQ(r.error().message, main + ":2:1: include cycle: " + main + " -> " + main);
}

TEST_F(IncludeTest, IndirectCycleIsReportedWithTheChain) {
  const std::string a = write("a.conf", "include sub/b.conf\n");
  const std::string b = write("sub/b.conf", "x: 1\ninclude ../a.conf\n");
  auto r = parse_conf_file(a, env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kCycle);
  EXPECT_EQ(r.error().message, b + ":2:1: include cycle: " + a + " -> " + b + " -> " + a);
}

TEST_F(IncludeTest, SameFileTwiceIsNotACycle) {
  const std::string main = write("main.conf", "a { include v.conf }\nb { include v.conf }\n");
  write("v.conf", "x: 1\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(at(at(r.value(), "b"), "x").as_int(), 1);
}

TEST_F(IncludeTest, MissingIncludeNamesTheIncludeSite) {
  const std::string main = write("main.conf", "port: 1\n  include nope.conf\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kIo);
  EXPECT_EQ(r.error().message, main + ":2:3: cannot include 'nope.conf': cannot open '" +
                                   (dir_ / "nope.conf").string() + "': No such file or directory");
}

TEST_F(IncludeTest, IncludeNeedsAPath) {
  const std::string main = write("main.conf", "include\nport: 1\n");
  auto r = parse_conf_file(main, env({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, main + ":1:8: expected an include path, got '\\n' instead");
}

TEST(ConfParserFileTest, MissingFileIsAnIoError) {
  auto r = parse_conf_file("/nonexistent/quiver.conf");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kIo);
  EXPECT_EQ(r.error().message, "cannot open '/nonexistent/quiver.conf': No such file or directory");
}

TEST(ConfParserTest, DeepNestingIsRefused) {
  const std::string text = "x: " + std::string(1000, '[') + std::string(1000, ']');
  const std::string message = parse_error(text);
  EXPECT_EQ(message, "t.conf:1:204: values nested too deeply");
}

}  // namespace
}  // namespace quiver::server::config
