#include "codec/headers.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace quiver::codec {
namespace {

using namespace std::string_view_literals;

Headers parse_ok(std::string_view block) {
  auto r = parse_headers(block);
  EXPECT_TRUE(r.has_value()) << "block: " << testing::PrintToString(std::string(block));
  return r.has_value() ? std::move(r).value() : Headers{};
}

// Blocks whose encoding is already canonical: parse, then encode, gives the same bytes.
const std::string_view kCanonicalBlocks[] = {
    "NATS/1.0\r\n\r\n",
    "NATS/1.0 503\r\n\r\n",
    "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\n\r\n",
    "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 3\r\nNats-Last-Stream: 7\r\n\r\n",
    "NATS/1.0\r\nA: 1\r\na: 2\r\nA: 3\r\n\r\n",
    "NATS/1.0 100 FlowControl Request\r\n\r\n",
    "NATS/1.0 409 Exceeded MaxRequestBatch of 10\r\n\r\n",
    "NATS/1.0\r\nNats-Msg-Id: 1c4b2a\r\nNats-Expected-Stream: ORDERS\r\n\r\n",
    "NATS/1.0\r\nEmpty: \r\n\r\n",
    "NATS/1.0\r\nUtf8: \xc3\xa9t\xc3\xa9\r\n\r\n",
    "NATS/1.0\r\nX: a: b: c\r\n\r\n",
    "NATS/1.0\r\nTrailing: spaces  \r\n\r\n",
};

TEST(HeadersTest, CanonicalBlocksRoundTripExactly) {
  for (std::string_view block : kCanonicalBlocks) {
    SCOPED_TRACE(testing::PrintToString(std::string(block)));
    const Headers h = parse_ok(block);
    EXPECT_EQ(encode_headers(h), block);
    EXPECT_EQ(encoded_size(h), block.size());
  }
}

TEST(HeadersTest, ParsesStatusAndDescription) {
  Headers h = parse_ok("NATS/1.0\r\n\r\n");
  EXPECT_EQ(h.status(), 0);
  EXPECT_EQ(h.description(), "");
  EXPECT_TRUE(h.empty());

  h = parse_ok("NATS/1.0 503\r\n\r\n");
  EXPECT_EQ(h.status(), 503);
  EXPECT_EQ(h.description(), "");
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.size(), 0u);

  h = parse_ok("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\n\r\n");
  EXPECT_EQ(h.status(), 408);
  EXPECT_EQ(h.description(), "Request Timeout");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h.fields()[0], (HeaderField{"Nats-Pending-Messages", "5"}));
}

TEST(HeadersTest, RepeatedKeysKeepCaseAndOrder) {
  const Headers h = parse_ok("NATS/1.0\r\nA: 1\r\na: 2\r\nA: 3\r\n\r\n");
  const std::vector<HeaderField> expected = {{"A", "1"}, {"a", "2"}, {"A", "3"}};
  EXPECT_EQ(h.fields(), expected);
  EXPECT_EQ(h.get("A"), "1");
  EXPECT_EQ(h.get("a"), "2");
  EXPECT_EQ(h.get_all("A"), (std::vector<std::string_view>{"1", "3"}));
  EXPECT_EQ(h.get_all("a"), (std::vector<std::string_view>{"2"}));
  EXPECT_EQ(h.get_ci("a"), "1");
}

struct LenientCase {
  std::string_view block;
  int status;
  std::string_view description;
  std::vector<HeaderField> fields;
  std::string_view canonical;  // what encode_headers() writes back
};

TEST(HeadersTest, NormalizesWhitespaceLikeNatsGo) {
  const LenientCase cases[] = {
      {"NATS/1.0 \r\n\r\n", 0, "", {}, "NATS/1.0\r\n\r\n"},
      {"NATS/1.0  503\r\n\r\n", 503, "", {}, "NATS/1.0 503\r\n\r\n"},
      {"NATS/1.0\t503\r\n\r\n", 503, "", {}, "NATS/1.0 503\r\n\r\n"},
      {"NATS/1.0 503 \r\n\r\n", 503, "", {}, "NATS/1.0 503\r\n\r\n"},
      {"NATS/1.0 404  No Messages \r\n\r\n",
       404,
       "No Messages",
       {},
       "NATS/1.0 404 No Messages\r\n\r\n"},
      {"NATS/1.0\r\nK:v\r\n\r\n", 0, "", {{"K", "v"}}, "NATS/1.0\r\nK: v\r\n\r\n"},
      {"NATS/1.0\r\nK: \t v\r\n\r\n", 0, "", {{"K", "v"}}, "NATS/1.0\r\nK: v\r\n\r\n"},
      {"NATS/1.0\r\nK:\r\n\r\n", 0, "", {{"K", ""}}, "NATS/1.0\r\nK: \r\n\r\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::PrintToString(std::string(c.block)));
    const Headers h = parse_ok(c.block);
    EXPECT_EQ(h.status(), c.status);
    EXPECT_EQ(h.description(), c.description);
    EXPECT_EQ(h.fields(), c.fields);
    EXPECT_EQ(encode_headers(h), c.canonical);
  }
}

TEST(HeadersTest, MustFail) {
  const std::string_view cases[] = {
      ""sv,
      "\r\n\r\n"sv,
      "NATS/1.0"sv,                     // no CRLF at all
      "NATS/1.0\r\n"sv,                 // missing final blank line
      "NATS/1.0\r\nA: 1\r\n"sv,         // missing final blank line after a field
      "NATS/1.0\r\nA: 1"sv,             // field line without CRLF
      "NATS/1.0\n\n"sv,                 // LF only
      "NATS/1.0\r\nA: 1\n\r\n"sv,       // bare LF in a value
      "NATS/1.0\r\nA: 1\r2\r\n\r\n"sv,  // bare CR in a value
      "NATS/1.0\r\r\n\r\n"sv,           // bare CR on the status line
      "NATS/2.0\r\n\r\n"sv,             // wrong version
      "NATS/1.1\r\n\r\n"sv,
      "nats/1.0\r\n\r\n"sv,  // preamble is case-sensitive
      "HTTP/1.1 200 OK\r\n\r\n"sv,
      " NATS/1.0\r\n\r\n"sv,
      "NATS/1.01\r\n\r\n"sv,  // no blank between preamble and status
      "NATS/1.0503\r\n\r\n"sv,
      "NATS/1.0 50\r\n\r\n"sv,  // status not 3 digits
      "NATS/1.0 5030\r\n\r\n"sv,
      "NATS/1.0 50x\r\n\r\n"sv,
      "NATS/1.0 503x\r\n\r\n"sv,
      "NATS/1.0 099\r\n\r\n"sv,  // status below 100
      "NATS/1.0 -12\r\n\r\n"sv,
      "NATS/1.0 Idle\r\n\r\n"sv,
      "NATS/1.0\r\nNoColon\r\n\r\n"sv,  // line without ':'
      "NATS/1.0\r\n: empty key\r\n\r\n"sv,
      "NATS/1.0\r\nSpaced Key: v\r\n\r\n"sv,
      "NATS/1.0\r\nKey : v\r\n\r\n"sv,
      "NATS/1.0\r\n folded: v\r\n\r\n"sv,  // obsolete line folding
      "NATS/1.0\r\n\r\ntrailing"sv,        // bytes after the blank line
      "NATS/1.0\r\n\r\n\r\n"sv,
  };
  for (std::string_view block : cases) {
    auto r = parse_headers(block);
    ASSERT_FALSE(r.has_value()) << testing::PrintToString(std::string(block));
    EXPECT_EQ(r.error(), make_error_code(errc::kInvalidHeaderBlock));
  }
}

TEST(HeadersTest, BuildAndEncode) {
  Headers h;
  EXPECT_EQ(encode_headers(h), "NATS/1.0\r\n\r\n");
  h.set_status(408, "Request Timeout");
  h.add("Nats-Pending-Messages", "5");
  h.add("Nats-Pending-Bytes", "1024");
  const std::string expected =
      "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\nNats-Pending-Bytes: "
      "1024\r\n\r\n";
  EXPECT_EQ(encode_headers(h), expected);
  EXPECT_EQ(encoded_size(h), expected.size());

  std::string out = "HPUB x 1 2\r\n";
  encode_headers_to(h, out);
  EXPECT_EQ(out, "HPUB x 1 2\r\n" + expected);

  h.set_status(0, "ignored");
  EXPECT_EQ(h.status(), 0);
  EXPECT_EQ(h.description(), "");
  EXPECT_EQ(encode_headers(h),
            "NATS/1.0\r\nNats-Pending-Messages: 5\r\nNats-Pending-Bytes: 1024\r\n\r\n");
}

TEST(HeadersTest, StatusWithoutDescription) {
  Headers h;
  h.set_status(503);
  EXPECT_EQ(encode_headers(h), "NATS/1.0 503\r\n\r\n");
  EXPECT_EQ(encoded_size(h), 16u);  // the 16 of nats-server's no-responders HMSG
}

TEST(HeadersTest, SetReplacesAllValuesAtFirstPosition) {
  Headers h;
  h.add("A", "1");
  h.add("B", "2");
  h.add("A", "3");
  h.add("a", "4");
  h.set("A", "9");
  EXPECT_EQ(h.fields(), (std::vector<HeaderField>{{"A", "9"}, {"B", "2"}, {"a", "4"}}));
  h.set("C", "new");
  EXPECT_EQ(h.fields().back(), (HeaderField{"C", "new"}));
  EXPECT_EQ(h.size(), 4u);
}

TEST(HeadersTest, RemoveIsExact) {
  Headers h;
  h.add("A", "1");
  h.add("a", "2");
  h.add("A", "3");
  h.remove("A");
  EXPECT_EQ(h.fields(), (std::vector<HeaderField>{{"a", "2"}}));
  h.remove("missing");
  EXPECT_EQ(h.size(), 1u);
  h.remove("a");
  EXPECT_TRUE(h.empty());
}

TEST(HeadersTest, GetVariants) {
  Headers h;
  h.add("Nats-Msg-Id", "abc");
  h.add("nats-msg-id", "def");
  EXPECT_EQ(h.get("Nats-Msg-Id"), "abc");
  EXPECT_EQ(h.get("nats-msg-id"), "def");
  EXPECT_EQ(h.get("NATS-MSG-ID"), std::nullopt);
  EXPECT_EQ(h.get_ci("NATS-MSG-ID"), "abc");
  EXPECT_EQ(h.get_ci("Nats-Msg"), std::nullopt);
  EXPECT_TRUE(h.get_all("NATS-MSG-ID").empty());
  EXPECT_EQ(h.get("Missing"), std::nullopt);
}

TEST(HeadersTest, ParsedEqualsBuilt) {
  Headers built;
  built.set_status(100, "Idle Heartbeat");
  built.add("Nats-Last-Consumer", "3");
  built.add("Nats-Last-Stream", "7");
  EXPECT_EQ(parse_ok(encode_headers(built)), built);
  Headers other = built;
  other.add("X", "1");
  EXPECT_FALSE(other == built);
}

TEST(HeadersTest, KeyAndValueValidity) {
  EXPECT_TRUE(is_valid_header_key("Nats-Msg-Id"));
  EXPECT_TRUE(is_valid_header_key("x"));
  EXPECT_FALSE(is_valid_header_key(""));
  EXPECT_FALSE(is_valid_header_key("a:b"));
  EXPECT_FALSE(is_valid_header_key("a b"));
  EXPECT_FALSE(is_valid_header_key("a\r\nb"));
  EXPECT_TRUE(is_valid_header_value(""));
  EXPECT_TRUE(is_valid_header_value("a: b"));
  EXPECT_FALSE(is_valid_header_value(" lead"));
  EXPECT_FALSE(is_valid_header_value("a\nb"));
  EXPECT_TRUE(is_valid_status_description("No Messages"));
  EXPECT_FALSE(is_valid_status_description("No Messages "));
  EXPECT_FALSE(is_valid_status_description("a\rb"));
}

TEST(HeadersDeathTest, InjectionIsRejected) {
  Headers h;
  EXPECT_DEATH(h.add("K", "v\r\nEvil: 1"), "header value");
  EXPECT_DEATH(h.add("K: x", "v"), "is_valid_header_key");
  EXPECT_DEATH(h.set("", "v"), "is_valid_header_key");
  EXPECT_DEATH(h.set_status(42), "status code");
  EXPECT_DEATH(h.set_status(1000), "status code");
  EXPECT_DEATH(h.set_status(503, "x\r\n"), "description");
}

TEST(HeadersTest, ParseStatusLineOnly) {
  auto v = parse_status_line("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\n\r\n");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v.value().status, 408);
  EXPECT_EQ(v.value().description, "Request Timeout");

  // Only the first line is looked at: a malformed remainder does not matter.
  const std::string_view block = "NATS/1.0 503\r\ngarbage";
  v = parse_status_line(block);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v.value().status, 503);
  EXPECT_TRUE(v.value().description.empty());

  v = parse_status_line("NATS/1.0\r\n\r\n");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v.value().status, 0);

  for (std::string_view bad : {"NATS/1.0"sv, "NATS/2.0\r\n"sv, "NATS/1.0 5\r\n"sv, ""sv}) {
    auto r = parse_status_line(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error(), make_error_code(errc::kInvalidHeaderBlock));
  }
}

TEST(HeadersTest, StatusLineDescriptionPointsIntoBlock) {
  const std::string block = "NATS/1.0 404 No Messages\r\n\r\n";
  auto v = parse_status_line(block);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v.value().description.data(), block.data() + 13);
}

TEST(HeadersTest, FindHeaderValue) {
  const std::string block =
      "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 3\r\nNats-Last-Stream:  7\r\n"
      "nats-last-stream: 8\r\n\r\n";
  EXPECT_EQ(find_header_value(block, "Nats-Last-Consumer"), "3");
  EXPECT_EQ(find_header_value(block, "nats-last-consumer"), "3");
  EXPECT_EQ(find_header_value(block, "NATS-LAST-STREAM"), "7");  // first match, trimmed
  EXPECT_EQ(find_header_value(block, "Nats-Last"), std::nullopt);
  EXPECT_EQ(find_header_value(block, "Nats-Consumer-Stalled"), std::nullopt);
  const auto v = find_header_value(block, "Nats-Last-Consumer");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->data(), block.data() + block.find("3\r\n"));

  EXPECT_EQ(find_header_value("NATS/1.0\r\n\r\n", "A"), std::nullopt);
  EXPECT_EQ(find_header_value("", "A"), std::nullopt);
  EXPECT_EQ(find_header_value("NATS/2.0\r\nA: 1\r\n\r\n", "A"), std::nullopt);
  EXPECT_EQ(find_header_value("NATS/1.0\r\nbroken\r\nA: 1\r\n\r\n", "A"), std::nullopt);
  EXPECT_EQ(find_header_value("NATS/1.0\r\n\r\nA: 1\r\n", "A"), std::nullopt);  // after the end
  EXPECT_EQ(find_header_value("NATS/1.0\r\nA: 1\r\n", "A"), "1");  // found before the defect
}

}  // namespace
}  // namespace quiver::codec
