#include "server/monitor/go_format.h"

#include <chrono>

#include <gtest/gtest.h>

namespace quiver::server::monitor {
namespace {

using namespace std::chrono_literals;

template <class T>
T value_of(const GoParsed<T>& p) {
  EXPECT_TRUE(std::holds_alternative<T>(p)) << std::get<std::string>(p);
  return std::holds_alternative<T>(p) ? std::get<T>(p) : T{};
}

template <class T>
std::string error_of(const GoParsed<T>& p) {
  EXPECT_TRUE(std::holds_alternative<std::string>(p));
  return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : std::string();
}

TEST(GoFormatTest, FloatsEncodeLikeEncodingJson) {
  EXPECT_EQ(format_go_float(0), "0");
  EXPECT_EQ(format_go_float(2), "2");
  EXPECT_EQ(format_go_float(1.5), "1.5");
  EXPECT_EQ(format_go_float(0.875), "0.875");
  EXPECT_EQ(format_go_float(0.1), "0.1");
  EXPECT_EQ(format_go_float(-3.25), "-3.25");
  EXPECT_EQ(format_go_float(123456789), "123456789");
  EXPECT_EQ(format_go_float(1e20), "100000000000000000000");
  EXPECT_EQ(format_go_float(1e21), "1e+21");
  EXPECT_EQ(format_go_float(0.000001), "0.000001");
  EXPECT_EQ(format_go_float(1e-7), "1e-7");
  EXPECT_EQ(format_go_float(1.5e-10), "1.5e-10");
}

TEST(GoFormatTest, TimesAreRfc3339NanoInUtcWithTrailingZerosTrimmed) {
  // 2026-11-26T05:51:37Z
  const std::chrono::system_clock::time_point base{std::chrono::seconds(1795672297)};
  EXPECT_EQ(format_rfc3339_nano(base), "2026-11-26T05:51:37Z");
  EXPECT_EQ(format_rfc3339_nano(base + 768224200ns), "2026-11-26T05:51:37.7682242Z");
  EXPECT_EQ(format_rfc3339_nano(base + 1ns), "2026-11-26T05:51:37.000000001Z");
  EXPECT_EQ(format_rfc3339_nano(base + 500ms), "2026-11-26T05:51:37.5Z");
}

TEST(GoFormatTest, UptimeMatchesNatsServer) {
  EXPECT_EQ(format_uptime(0ns), "0s");
  EXPECT_EQ(format_uptime(999ms), "0s");
  EXPECT_EQ(format_uptime(59s), "59s");
  EXPECT_EQ(format_uptime(60s), "1m0s");
  EXPECT_EQ(format_uptime(1h + 2min + 3s), "1h2m3s");
  EXPECT_EQ(format_uptime(24h), "1d0h0m0s");
  EXPECT_EQ(format_uptime(366 * 24h + 5s), "1y1d0h0m5s");
}

TEST(GoFormatTest, AtoiAcceptsSignsAndReportsStrconvErrors) {
  EXPECT_EQ(value_of(go_atoi("42")), 42);
  EXPECT_EQ(value_of(go_atoi("+7")), 7);
  EXPECT_EQ(value_of(go_atoi("-3")), -3);
  EXPECT_EQ(value_of(go_atoi("9223372036854775807")), INT64_MAX);
  EXPECT_EQ(value_of(go_atoi("-9223372036854775808")), INT64_MIN);
  EXPECT_EQ(error_of(go_atoi("abc")), "strconv.Atoi: parsing \"abc\": invalid syntax");
  EXPECT_EQ(error_of(go_atoi("-")), "strconv.Atoi: parsing \"-\": invalid syntax");
  EXPECT_EQ(error_of(go_atoi("1 ")), "strconv.Atoi: parsing \"1 \": invalid syntax");
  EXPECT_EQ(error_of(go_atoi("99999999999999999999")),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
  EXPECT_EQ(error_of(go_atoi("9223372036854775808")),
            "strconv.Atoi: parsing \"9223372036854775808\": value out of range");
  EXPECT_EQ(error_of(go_atoi("a\"b\n")), "strconv.Atoi: parsing \"a\\\"b\\n\": invalid syntax");
}

TEST(GoFormatTest, ParseBoolAcceptsGoSpellingsOnly) {
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"})
    EXPECT_TRUE(value_of(go_parse_bool(t)));
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    EXPECT_FALSE(value_of(go_parse_bool(f)));
  }
  EXPECT_EQ(error_of(go_parse_bool("yes")), "strconv.ParseBool: parsing \"yes\": invalid syntax");
  EXPECT_EQ(error_of(go_parse_bool("tRUE")), "strconv.ParseBool: parsing \"tRUE\": invalid syntax");
}

TEST(GoFormatTest, ParseUintRejectsSigns) {
  EXPECT_EQ(value_of(go_parse_uint("18446744073709551615")), UINT64_MAX);
  EXPECT_EQ(error_of(go_parse_uint("-1")), "strconv.ParseUint: parsing \"-1\": invalid syntax");
  EXPECT_EQ(error_of(go_parse_uint("+1")), "strconv.ParseUint: parsing \"+1\": invalid syntax");
  EXPECT_EQ(error_of(go_parse_uint("18446744073709551616")),
            "strconv.ParseUint: parsing \"18446744073709551616\": value out of range");
}

TEST(JsonWriterTest, IndentedLayoutMatchesMarshalIndent) {
  JsonWriter w;
  w.begin_object();
  w.field("a", 1);
  w.key("empty_obj").begin_object().end_object();
  w.key("empty_arr").begin_array().end_array();
  w.key("list").begin_array().value("x").value("y").end_array();
  w.key("nested").begin_object().field("b", true).field("c", 0.5).end_object();
  w.key("objs").begin_array();
  w.begin_object().field("d", uint64_t{18446744073709551615u}).end_object();
  w.end_array();
  w.end_object();
  EXPECT_EQ(w.take(),
            "{\n"
            "  \"a\": 1,\n"
            "  \"empty_obj\": {},\n"
            "  \"empty_arr\": [],\n"
            "  \"list\": [\n"
            "    \"x\",\n"
            "    \"y\"\n"
            "  ],\n"
            "  \"nested\": {\n"
            "    \"b\": true,\n"
            "    \"c\": 0.5\n"
            "  },\n"
            "  \"objs\": [\n"
            "    {\n"
            "      \"d\": 18446744073709551615\n"
            "    }\n"
            "  ]\n"
            "}");
}

TEST(JsonWriterTest, CompactLayoutMatchesMarshal) {
  JsonWriter w(JsonWriter::Style::kCompact);
  w.begin_object().field("status", "ok").key("l").begin_array().value(1).value(-2).end_array();
  w.end_object();
  EXPECT_EQ(w.take(), "{\"status\":\"ok\",\"l\":[1,-2]}");
}

TEST(JsonWriterTest, StringsAreEscapedLikeGo) {
  JsonWriter w(JsonWriter::Style::kCompact);
  w.value(std::string_view(
      "q\"b\\ n\n r\r t\t \x01 \x1f <a>&b \xe2\x80\xa8 \xe2\x80\xa9 \xc3\xa9 \xff \xc3 "
      "\xed\xa0\x80 \xf0\x9f\x98\x80"));
  EXPECT_EQ(w.take(),
            "\"q\\\"b\\\\ n\\n r\\r t\\t \\u0001 \\u001f \\u003ca\\u003e\\u0026b \\u2028 \\u2029 "
            "\xc3\xa9 \\ufffd \\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
}

}  // namespace
}  // namespace quiver::server::monitor
