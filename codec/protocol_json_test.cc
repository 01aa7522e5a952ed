#include "codec/protocol_json.h"

#include <climits>
#include <cstdint>
#include <functional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace quiver::codec {

// Failures print the JSON form, which is far easier to read than gtest's byte dump.
void PrintTo(const ServerInfo& info, std::ostream* os) { *os << encode_info_json(info); }
void PrintTo(const ConnectOptions& options, std::ostream* os) {
  *os << encode_connect_json(options);
}

namespace {

using ConnectEdit = std::function<void(ConnectOptions&)>;
using InfoEdit = std::function<void(ServerInfo&)>;

ConnectOptions connect_with(const ConnectEdit& edit) {
  ConnectOptions o;
  edit(o);
  return o;
}

// What parse_info_json starts from: Go's zero value, not ServerInfo's defaults.
ServerInfo zero_info() {
  ServerInfo i;
  i.proto = 0;
  i.port = 0;
  i.headers = false;
  i.max_payload = 0;
  return i;
}

ServerInfo info_with(const InfoEdit& edit) {
  ServerInfo i = zero_info();
  edit(i);
  return i;
}

void expect_invalid(const Result<ConnectOptions>& r, std::string_view input) {
  ASSERT_FALSE(r.has_value()) << "accepted: " << input;
  EXPECT_EQ(r.error(), make_error_code(errc::kInvalidJson)) << input;
}

// ---------------------------------------------------------------------------------------------
// CONNECT parsing

TEST(ProtocolJsonTest, ConnectDefaultsWhenKeysAbsent) {
  const auto r = parse_connect_json("{}");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r.value().verbose);
  EXPECT_TRUE(r.value().pedantic);
  EXPECT_TRUE(r.value().echo);
  EXPECT_FALSE(r.value().tls_required);
  EXPECT_FALSE(r.value().headers);
  EXPECT_FALSE(r.value().no_responders);
  EXPECT_EQ(r.value().protocol, 0);
  EXPECT_EQ(r.value(), ConnectOptions{});
}

TEST(ProtocolJsonTest, ConnectTopLevelNullKeepsDefaults) {
  // Go's Unmarshal of `null` into a struct is a no-op; observed (2.9.10): `CONNECT null` then
  // PING gives +OK PONG.
  for (std::string_view in : {"null", " null ", "\tnull\r\n"}) {
    const auto r = parse_connect_json(in);
    ASSERT_TRUE(r.has_value()) << in;
    EXPECT_EQ(r.value(), ConnectOptions{}) << in;
  }
}

TEST(ProtocolJsonTest, ConnectEachFieldParsed) {
  const struct {
    std::string_view json;
    ConnectEdit edit;
  } cases[] = {
      {R"({"verbose":false})", [](ConnectOptions& o) { o.verbose = false; }},
      {R"({"pedantic":false})", [](ConnectOptions& o) { o.pedantic = false; }},
      {R"({"echo":false})", [](ConnectOptions& o) { o.echo = false; }},
      {R"({"tls_required":true})", [](ConnectOptions& o) { o.tls_required = true; }},
      {R"({"nkey":"UABC"})", [](ConnectOptions& o) { o.nkey = "UABC"; }},
      {R"({"jwt":"eyJ0"})", [](ConnectOptions& o) { o.jwt = "eyJ0"; }},
      {R"({"sig":"c2ln"})", [](ConnectOptions& o) { o.sig = "c2ln"; }},
      {R"({"auth_token":"tok"})", [](ConnectOptions& o) { o.auth_token = "tok"; }},
      {R"({"user":"derek"})", [](ConnectOptions& o) { o.user = "derek"; }},
      {R"({"pass":"s3cr3t"})", [](ConnectOptions& o) { o.pass = "s3cr3t"; }},
      {R"({"name":"my app"})", [](ConnectOptions& o) { o.name = "my app"; }},
      {R"({"lang":"go"})", [](ConnectOptions& o) { o.lang = "go"; }},
      {R"({"version":"1.28.0"})", [](ConnectOptions& o) { o.version = "1.28.0"; }},
      {R"({"protocol":1})", [](ConnectOptions& o) { o.protocol = 1; }},
      {R"({"protocol":-0})", [](ConnectOptions& o) { o.protocol = 0; }},
      {R"({"protocol":-7})", [](ConnectOptions& o) { o.protocol = -7; }},
      {R"({"account":"ACC"})", [](ConnectOptions& o) { o.account = "ACC"; }},
      {R"({"new_account":true})", [](ConnectOptions& o) { o.new_account = true; }},
      {R"({"headers":true})", [](ConnectOptions& o) { o.headers = true; }},
      {R"({"no_responders":true})", [](ConnectOptions& o) { o.no_responders = true; }},
      {R"({"import":{"allow":["a.>","b"],"deny":["c"]}})",
       [](ConnectOptions& o) {
         o.import_permission = SubjectPermission{{"a.>", "b"}, {"c"}};
       }},
      {R"({"export":{}})", [](ConnectOptions& o) { o.export_permission = SubjectPermission{}; }},
      {R"({"name":"a\"b\\c\/d\n\u00e9\ud83d\ude00"})",
       [](ConnectOptions& o) { o.name = "a\"b\\c/d\n\xC3\xA9\xF0\x9F\x98\x80"; }},
      {R"({"name":"x\u0000y"})", [](ConnectOptions& o) { o.name = std::string("x\0y", 3); }},
  };
  for (const auto& c : cases) {
    const auto r = parse_connect_json(c.json);
    ASSERT_TRUE(r.has_value()) << c.json;
    EXPECT_EQ(r.value(), connect_with(c.edit)) << c.json;
  }
}

TEST(ProtocolJsonTest, ConnectTypicalClientLine) {
  const auto r = parse_connect_json(
      R"({"verbose":false,"pedantic":false,"user":"u","pass":"p","tls_required":false,)"
      R"("name":"svc","lang":"go","version":"1.28.0","protocol":1,"echo":true,)"
      R"("headers":true,"no_responders":true})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), connect_with([](ConnectOptions& o) {
              o.verbose = false;
              o.pedantic = false;
              o.user = "u";
              o.pass = "p";
              o.name = "svc";
              o.lang = "go";
              o.version = "1.28.0";
              o.protocol = 1;
              o.headers = true;
              o.no_responders = true;
            }));
}

TEST(ProtocolJsonTest, ConnectWrongTypesRejected) {
  // encoding/json refuses a value of the wrong type for a known field; nats-server then closes
  // the connection without -ERR (observed (2.9.10) for every field name with `[1]`).
  const std::string_view cases[] = {
      R"({"verbose":"true"})",
      R"({"verbose":1})",
      R"({"pedantic":0})",
      R"({"echo":"x"})",
      R"({"tls_required":[]})",
      R"({"nkey":1})",
      R"({"jwt":1})",
      R"({"sig":true})",
      R"({"auth_token":{}})",
      R"({"user":[]})",
      R"({"pass":false})",
      R"({"name":["a"]})",
      R"({"name":{}})",
      R"({"lang":1.5})",
      R"({"version":2})",
      R"({"protocol":"1"})",
      R"({"protocol":1.0})",
      R"({"protocol":1e0})",
      R"({"protocol":true})",
      R"({"protocol":99999999999999999999})",
      R"({"protocol":-9223372036854775809})",
      R"({"account":1})",
      R"({"new_account":"x"})",
      R"({"headers":"x"})",
      R"({"no_responders":1})",
      R"({"import":5})",
      R"({"import":[]})",
      R"({"import":"a"})",
      R"({"export":true})",
      R"({"import":{"allow":5}})",
      R"({"import":{"allow":"a"}})",
      R"({"import":{"allow":[1]}})",
      R"({"import":{"deny":[["a"]]}})",
      R"({"import":{"deny":[{}]}})",
      R"({"import":{"deny":[true]}})",
      R"({"verbose":false,"echo":"x"})",  // an error anywhere fails the whole body
  };
  for (std::string_view c : cases) expect_invalid(parse_connect_json(c), c);
}

TEST(ProtocolJsonTest, ConnectMalformedRejected) {
  const std::string_view cases[] = {
      "",
      " ",
      "{",
      "}",
      "{bad",
      R"({"verbose":false)",
      R"({"verbose":})",
      R"({"verbose" false})",
      R"({verbose:false})",
      R"({'verbose':false})",
      R"({"verbose":false,})",
      R"({"a":[1,]})",
      R"({"a":tru})",
      R"({"a":nul})",
      R"({"a":01})",
      R"({"a":+1})",
      R"({"a":.5})",
      R"({"a":1.})",
      R"({"a":NaN})",
      R"({"a":"\x"})",
      R"({"a":"\u12G4"})",
      "{\"a\":\"tab\there\"}",  // raw control character inside a string
      R"({"a":1 /* comment */})",
      R"({} x)",
      R"({}})",
      R"({}{})",
      "\xEF\xBB\xBF{}",  // BOM
      "[]",
      R"("x")",
      "1",
      "true",
      std::string_view("{\0}", 3),
  };
  for (std::string_view c : cases) expect_invalid(parse_connect_json(c), c);
}

TEST(ProtocolJsonTest, ConnectUnknownFieldsIgnored) {
  const auto r = parse_connect_json(
      R"({"x":1,"verbose":false,"remote_account":5,"proxy_sig":{"a":[1,{"b":null}]},)"
      R"("ssl_required":true,"deep":[[[[[[]]]]]],"big":1e9999999999,"num":-1.5e-300,)"
      R"("s":"\ud800","t":"\udc00\ud800\u0041","import":{"x":[1],"allow":["a"]}})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), connect_with([](ConnectOptions& o) {
              o.verbose = false;
              o.import_permission = SubjectPermission{{"a"}, {}};
            }));
}

TEST(ProtocolJsonTest, ConnectKeysMatchCaseInsensitivelyLikeGo) {
  // Observed (2.9.10): {"VERBOSE":false} and {"verbo\u017fe":false} both turn verbose off.
  const std::string_view off[] = {
      R"({"VERBOSE":false})",
      R"({"Verbose":false})",
      R"({"verbo\u017fe":false})",
      // Split literals (not a missing comma): "\xBF" must not swallow the next hex digit.
      "{\"verbo\xC5\xBF"  // NOLINT(bugprone-suspicious-missing-comma)
      "e\":false}",
      "{\"VERBO\xC5\xBF"
      "E\":false}",
  };
  for (std::string_view c : off) {
    const auto r = parse_connect_json(c);
    ASSERT_TRUE(r.has_value()) << c;
    EXPECT_FALSE(r.value().verbose) << c;
  }
  // The Kelvin sign folds to k: "n\u212Aey" is nkey.
  const auto kelvin = parse_connect_json(R"({"n\u212aey":"U1","AUTH_TOKEN":"t"})");
  ASSERT_TRUE(kelvin.has_value());
  EXPECT_EQ(kelvin.value().nkey, "U1");
  EXPECT_EQ(kelvin.value().auth_token, "t");
  // Folding is per character, not a prefix or substring match; these are unknown keys.
  for (std::string_view c :
       {R"({"verbos":false})", R"({"verbosee":false})", R"({"verb\u00f6se":false})",
        R"({"ver_bose":false})", R"({"ve\u017fbose":false})"}) {
    const auto r = parse_connect_json(c);
    ASSERT_TRUE(r.has_value()) << c;
    EXPECT_TRUE(r.value().verbose) << c;
  }
}

TEST(ProtocolJsonTest, ConnectLastDuplicateKeyWins) {
  const struct {
    std::string_view json;
    bool verbose;
  } cases[] = {
      {R"({"verbose":false,"verbose":true})", true},
      {R"({"verbose":true,"verbose":false})", false},
      // Document order decides even across spellings (a DOM would keep the first position).
      {R"({"verbose":false,"VERBOSE":true,"verbose":false})", false},
      {R"({"verbose":true,"VERBOSE":false})", false},
      // null leaves a scalar alone.
      {R"({"verbose":false,"verbose":null})", false},
      {R"({"verbose":null})", true},
  };
  for (const auto& c : cases) {
    const auto r = parse_connect_json(c.json);
    ASSERT_TRUE(r.has_value()) << c.json;
    EXPECT_EQ(r.value().verbose, c.verbose) << c.json;
  }
}

TEST(ProtocolJsonTest, ConnectNullLeavesScalarsAndClearsPermissions) {
  const auto r = parse_connect_json(
      R"({"echo":null,"protocol":null,"name":null,"import":{"allow":["a"]},"import":null})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), ConnectOptions{});
}

TEST(ProtocolJsonTest, ConnectDuplicatePermissionsMergeLikeGoPointers) {
  // Go decodes a second object into the struct the first one allocated.
  const auto r = parse_connect_json(R"({"import":{"allow":["a"]},"import":{"deny":["b"]}})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value().import_permission, (SubjectPermission{{"a"}, {"b"}}));
}

TEST(ProtocolJsonTest, ConnectSliceDecodesInPlaceLikeGo) {
  // Go reuses the elements of a slice that is already set: a null element keeps the old value,
  // and the slice is cut to the new length.
  const struct {
    std::string_view json;
    std::vector<std::string> allow;
  } cases[] = {
      {R"({"import":{"allow":["a","b","c"],"allow":[null,"x"]}})", {"a", "x"}},
      {R"({"import":{"allow":["a","b"],"allow":[]}})", {}},
      {R"({"import":{"allow":["a"],"allow":null}})", {}},
      {R"({"import":{"allow":[null,null]}})", {"", ""}},
      {R"({"import":{"ALLOW":["z"]}})", {"z"}},
  };
  for (const auto& c : cases) {
    const auto r = parse_connect_json(c.json);
    ASSERT_TRUE(r.has_value()) << c.json;
    ASSERT_TRUE(r.value().import_permission.has_value()) << c.json;
    EXPECT_EQ(r.value().import_permission->allow, c.allow) << c.json;
  }
}

TEST(ProtocolJsonTest, ConnectProtocolOutsideIntIsClamped) {
  // Go's int is 64 bits: nats-server reads 5000000000 and answers 'invalid client protocol'
  // (observed (2.9.10)). Clamping keeps that answer for our 0..1 check.
  const struct {
    std::string_view json;
    int protocol;
  } cases[] = {
      {R"({"protocol":5000000000})", INT_MAX},  {R"({"protocol":9223372036854775807})", INT_MAX},
      {R"({"protocol":-5000000000})", INT_MIN}, {R"({"protocol":-9223372036854775808})", INT_MIN},
      {R"({"protocol":2147483647})", INT_MAX},
  };
  for (const auto& c : cases) {
    const auto r = parse_connect_json(c.json);
    ASSERT_TRUE(r.has_value()) << c.json;
    EXPECT_EQ(r.value().protocol, c.protocol) << c.json;
  }
}

TEST(ProtocolJsonTest, ConnectStringsGetGoReplacementCharacters) {
  const struct {
    std::string_view json;
    std::string_view name;
  } cases[] = {
      {"{\"name\":\"a\xFF"
       "b\"}",
       "a\xEF\xBF\xBD"
       "b"},                                                    // invalid byte
      {"{\"name\":\"\xC3\"}", "\xEF\xBF\xBD"},                  // truncated sequence
      {"{\"name\":\"\xC0\x80\"}", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong
      {"{\"name\":\"\xED\xA0\x80\"}",                           // UTF-8 encoded surrogate
       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"{\"name\":\"\xEF\xBF\xBD\"}", "\xEF\xBF\xBD"},  // U+FFFD itself is valid
      {"{\"name\":\"\x7F\"}", "\x7F"},                  // DEL is fine
      {R"({"name":"\ud800"})", "\xEF\xBF\xBD"},         // lone high surrogate
      {R"({"name":"\uDC00x"})", "\xEF\xBF\xBDx"},       // lone low surrogate
      {R"({"name":"\ud800\u0041"})",
       "\xEF\xBF\xBD"
       "A"},  // high + non-surrogate
      {R"({"name":"\ud800\ud800\udc00"})", "\xEF\xBF\xBD\xF0\x90\x80\x80"},
      {R"({"name":"\udbff\udfff"})", "\xF4\x8F\xBF\xBF"},  // valid pair, U+10FFFF
      {R"({"name":"\\ud800"})", "\\ud800"},                // escaped backslash
  };
  for (const auto& c : cases) {
    const auto r = parse_connect_json(c.json);
    ASSERT_TRUE(r.has_value()) << c.json;
    EXPECT_EQ(r.value().name, c.name) << c.json;
  }
}

TEST(ProtocolJsonTest, ConnectLongStringsAndManyEscapes) {
  std::string in = R"({"name":")";
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    in += "\\n\\u00e9";
    expected += "\n\xC3\xA9";
  }
  in += "\"}";
  const auto r = parse_connect_json(in);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value().name, expected);
}

TEST(ProtocolJsonTest, NestingLimitIsGos) {
  // encoding/json allows 10000 nested levels, the top-level object included.
  auto nested = [](int arrays) {
    return R"({"x":)" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
  };
  EXPECT_TRUE(parse_connect_json(nested(9999)).has_value());
  expect_invalid(parse_connect_json(nested(10000)), "10001 levels");
}

// ---------------------------------------------------------------------------------------------
// CONNECT encoding

TEST(ProtocolJsonTest, ConnectEncodesLikeNatsGo) {
  const ConnectOptions o = connect_with([](ConnectOptions& c) {
    c.verbose = false;
    c.pedantic = false;
    c.user = "u";
    c.pass = "p";
    c.name = "svc";
    c.lang = "go";
    c.version = "1.28.0";
    c.protocol = 1;
    c.headers = true;
    c.no_responders = true;
  });
  EXPECT_EQ(encode_connect_json(o),
            R"({"verbose":false,"pedantic":false,"user":"u","pass":"p","tls_required":false,)"
            R"("name":"svc","lang":"go","version":"1.28.0","protocol":1,"echo":true,)"
            R"("headers":true,"no_responders":true})");
  EXPECT_EQ(encode_connect_json(ConnectOptions{}),
            R"({"verbose":true,"pedantic":true,"tls_required":false,"lang":"","version":"",)"
            R"("protocol":0,"echo":true,"headers":false,"no_responders":false})");
}

TEST(ProtocolJsonTest, ConnectEncodeAppends) {
  std::string out = "CONNECT ";
  encode_connect_json_to(ConnectOptions{}, out);
  EXPECT_EQ(out.rfind("CONNECT {\"verbose\":true,", 0), 0u) << out;
  EXPECT_EQ(out.back(), '}');
}

TEST(ProtocolJsonTest, ConnectRoundTrips) {
  const ConnectOptions cases[] = {
      ConnectOptions{},
      connect_with([](ConnectOptions& o) {
        o.verbose = false;
        o.pedantic = false;
        o.echo = false;
        o.tls_required = true;
        o.nkey = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";
        o.jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5In0.e30.c2ln";
        o.sig = "sig/+==";
        o.auth_token = "t<o>k&n";
        o.user = "us\"er";
        o.pass = "pa\\ss\n\t\x01";
        o.name = "name \xE2\x80\xA8 \xE2\x80\xA9 \xC3\xA9 \xF0\x9F\x98\x80";
        o.lang = "C++";
        o.version = "0.1.0";
        o.protocol = 1;
        o.account = "ACC";
        o.new_account = true;
        o.headers = true;
        o.no_responders = true;
        o.import_permission = SubjectPermission{{"a.*", "b.>"}, {}};
        o.export_permission = SubjectPermission{{}, {"$SYS.>"}};
      }),
      connect_with([](ConnectOptions& o) {
        o.protocol = INT_MIN;
        o.import_permission = SubjectPermission{};
        o.name = std::string("\0", 1);
      }),
  };
  for (const ConnectOptions& o : cases) {
    const std::string json = encode_connect_json(o);
    const auto r = parse_connect_json(json);
    ASSERT_TRUE(r.has_value()) << json;
    EXPECT_EQ(r.value(), o) << json;
  }
}

// ---------------------------------------------------------------------------------------------
// INFO encoding: goldens copied from nats-server 2.9.10 (Debian), raw socket, JSON part only.

struct InfoGolden {
  std::string_view what;
  std::string_view json;
  InfoEdit edit;  // on top of zero_info()
};

const InfoGolden kInfoGoldens[] = {
    {"default: nats-server -a 127.0.0.1 -p 25377",
     R"({"server_id":"NAXSBUGEF4VAHWVEX56PQ72NDEPT7HFSVB4SNC4XNGSFA4D3EY3DNNIO",)"
     R"("server_name":"NAXSBUGEF4VAHWVEX56PQ72NDEPT7HFSVB4SNC4XNGSFA4D3EY3DNNIO",)"
     R"("version":"2.9.10","proto":1,"go":"go1.19.8","host":"127.0.0.1","port":25377,)"
     R"("headers":true,"max_payload":1048576,"client_id":4,"client_ip":"127.0.0.1"})",
     [](ServerInfo& i) {
       i.server_id = "NAXSBUGEF4VAHWVEX56PQ72NDEPT7HFSVB4SNC4XNGSFA4D3EY3DNNIO";
       i.server_name = i.server_id;
       i.version = "2.9.10";
       i.proto = 1;
       i.go = "go1.19.8";
       i.host = "127.0.0.1";
       i.port = 25377;
       i.headers = true;
       i.max_payload = 1048576;
       i.client_id = 4;
       i.client_ip = "127.0.0.1";
     }},
    {"users + nkey user + jetstream domain + cluster; names with <, >, &",
     R"({"server_id":"NDDH247FZPZVUIGFWOZCVY7ZCDZZZNEQEH4TXBHZZI5VJICBECYAGWWR",)"
     R"("server_name":"q\u003ca\u003e\u0026b","version":"2.9.10","proto":1,"go":"go1.19.8",)"
     R"("host":"127.0.0.1","port":23010,"headers":true,"auth_required":true,)"
     R"("max_payload":1048576,"jetstream":true,"client_id":6,"client_ip":"127.0.0.1",)"
     R"("nonce":"rZEGYdk9IqSsTSo","cluster":"C\u00261","domain":"D\u003c1\u0026"})",
     [](ServerInfo& i) {
       i.server_id = "NDDH247FZPZVUIGFWOZCVY7ZCDZZZNEQEH4TXBHZZI5VJICBECYAGWWR";
       i.server_name = "q<a>&b";
       i.version = "2.9.10";
       i.proto = 1;
       i.go = "go1.19.8";
       i.host = "127.0.0.1";
       i.port = 23010;
       i.headers = true;
       i.auth_required = true;
       i.max_payload = 1048576;
       i.jetstream = true;
       i.client_id = 6;
       i.client_ip = "127.0.0.1";
       i.nonce = "rZEGYdk9IqSsTSo";
       i.cluster = "C&1";
       i.domain = "D<1&";
     }},
    {"same server, async INFO after `nats-server --signal ldm` (no nonce)",
     R"({"server_id":"NDDH247FZPZVUIGFWOZCVY7ZCDZZZNEQEH4TXBHZZI5VJICBECYAGWWR",)"
     R"("server_name":"q\u003ca\u003e\u0026b","version":"2.9.10","proto":1,"go":"go1.19.8",)"
     R"("host":"127.0.0.1","port":23010,"headers":true,"auth_required":true,)"
     R"("max_payload":1048576,"jetstream":true,"client_id":8,"client_ip":"127.0.0.1",)"
     R"("cluster":"C\u00261","domain":"D\u003c1\u0026","ldm":true})",
     [](ServerInfo& i) {
       i.server_id = "NDDH247FZPZVUIGFWOZCVY7ZCDZZZNEQEH4TXBHZZI5VJICBECYAGWWR";
       i.server_name = "q<a>&b";
       i.version = "2.9.10";
       i.proto = 1;
       i.go = "go1.19.8";
       i.host = "127.0.0.1";
       i.port = 23010;
       i.headers = true;
       i.auth_required = true;
       i.max_payload = 1048576;
       i.jetstream = true;
       i.client_id = 8;
       i.client_ip = "127.0.0.1";
       i.cluster = "C&1";
       i.domain = "D<1&";
       i.ldm = true;
     }},
    {"tls verify + allow_non_tls, node A of a two-node cluster",
     R"({"server_id":"NCF7V7TTJJKMEPGW6GT5FEC5QK2HY2TWEOOXWHG7WBT2DLFPBGVUAL5X",)"
     R"("server_name":"A","version":"2.9.10","proto":1,"go":"go1.19.8","host":"127.0.0.1",)"
     R"("port":27398,"headers":true,"tls_verify":true,"tls_available":true,)"
     R"("max_payload":1048576,"client_id":6,"client_ip":"127.0.0.1","cluster":"CL",)"
     R"("connect_urls":["127.0.0.1:27398","127.0.0.1:27408"]})",
     [](ServerInfo& i) {
       i.server_id = "NCF7V7TTJJKMEPGW6GT5FEC5QK2HY2TWEOOXWHG7WBT2DLFPBGVUAL5X";
       i.server_name = "A";
       i.version = "2.9.10";
       i.proto = 1;
       i.go = "go1.19.8";
       i.host = "127.0.0.1";
       i.port = 27398;
       i.headers = true;
       i.tls_verify = true;
       i.tls_available = true;
       i.max_payload = 1048576;
       i.client_id = 6;
       i.client_ip = "127.0.0.1";
       i.cluster = "CL";
       i.connect_urls = {"127.0.0.1:27398", "127.0.0.1:27408"};
     }},
};

TEST(ProtocolJsonTest, InfoEncodesByteExactlyLikeNatsServer) {
  for (const InfoGolden& g : kInfoGoldens) {
    EXPECT_EQ(encode_info_json(info_with(g.edit)), g.json) << g.what;
  }
}

TEST(ProtocolJsonTest, InfoParsesNatsServerGoldens) {
  for (const InfoGolden& g : kInfoGoldens) {
    const auto r = parse_info_json(g.json);
    ASSERT_TRUE(r.has_value()) << g.what;
    EXPECT_EQ(r.value(), info_with(g.edit)) << g.what;
  }
}

TEST(ProtocolJsonTest, InfoDefaultStructEncodesAFreshServersShape) {
  ServerInfo i;
  i.server_id = "NID";
  i.server_name = "NID";
  i.version = "2.9.10";
  i.go = "go1.19.8";
  i.host = "0.0.0.0";
  EXPECT_EQ(encode_info_json(i),
            R"({"server_id":"NID","server_name":"NID","version":"2.9.10","proto":1,)"
            R"("go":"go1.19.8","host":"0.0.0.0","port":4222,"headers":true,)"
            R"("max_payload":1048576})");
}

TEST(ProtocolJsonTest, InfoOmitsEmptyFieldsButNotRequiredOnes) {
  // Go's zero value: only the fields without omitempty remain.
  EXPECT_EQ(encode_info_json(zero_info()),
            R"({"server_id":"","server_name":"","version":"","proto":0,"go":"","host":"",)"
            R"("port":0,"headers":false,"max_payload":0})");
  // An empty git_commit is omitted, as Go's "" is.
  ServerInfo i = zero_info();
  i.git_commit = "";
  EXPECT_EQ(encode_info_json(i), encode_info_json(zero_info()));
  i.git_commit = "1a2b3c4";
  EXPECT_NE(encode_info_json(i).find(R"("proto":0,"git_commit":"1a2b3c4","go":"")"),
            std::string::npos);
}

TEST(ProtocolJsonTest, InfoEscapesStringsLikeGo) {
  const struct {
    std::string_view raw;
    std::string_view json;
  } cases[] = {
      {"<>&", R"("\u003c\u003e\u0026")"},
      {"\"\\/", R"("\"\\/")"},
      {"\n\r\t", R"("\n\r\t")"},
      {"\b\f", R"("\u0008\u000c")"},  // Go 1.19 has no \b or \f short forms
      {std::string_view("\0\x01\x1f", 3), R"("\u0000\u0001\u001f")"},
      {"\x7F", "\"\x7F\""},
      {"\xE2\x80\xA8\xE2\x80\xA9", R"("\u2028\u2029")"},
      {"\xE2\x80\xA7\xE2\x80\xAA", "\"\xE2\x80\xA7\xE2\x80\xAA\""},  // neighbours are literal
      {"\xC3\xA9\xF0\x9F\x98\x80", "\"\xC3\xA9\xF0\x9F\x98\x80\""},
      {"a\xFF"
       "b",
       R"("a\ufffdb")"},
      {"\xC3", R"("\ufffd")"},
      {"\xED\xA0\x80", R"("\ufffd\ufffd\ufffd")"},
      {"\xF4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // above U+10FFFF
  };
  for (const auto& c : cases) {
    ServerInfo i = zero_info();
    i.server_id = std::string(c.raw);
    const std::string json = encode_info_json(i);
    const std::string expected = R"({"server_id":)" + std::string(c.json) + ",";
    EXPECT_EQ(json.substr(0, expected.size()), expected) << c.json;
  }
}

ServerInfo every_info_field_set() {
  ServerInfo i;
  i.server_id = "NID";
  i.server_name = "srv <1>";
  i.version = "2.9.10";
  i.proto = 1;
  i.git_commit = "abc1234";
  i.go = "go1.19.8";
  i.host = "0.0.0.0";
  i.port = 4222;
  i.headers = true;
  i.auth_required = true;
  i.tls_required = true;
  i.tls_verify = true;
  i.tls_available = true;
  i.max_payload = 8 * 1024 * 1024;
  i.jetstream = true;
  i.ip = "10.0.0.1";
  i.client_id = UINT64_MAX;
  i.client_ip = "::1";
  i.nonce = "rZEGYdk9IqSsTSo";
  i.cluster = "C";
  i.cluster_dynamic = true;
  i.domain = "hub";
  i.connect_urls = {"10.0.0.1:4222", "10.0.0.2:4222"};
  i.ws_connect_urls = {"10.0.0.1:8080"};
  i.ldm = true;
  i.import_permission = SubjectPermission{{"a"}, {"b"}};
  i.export_permission = SubjectPermission{};
  i.lnoc = true;
  i.info_on_connect = true;
  i.connect_info = true;
  i.gateway = "G";
  i.gateway_urls = {"10.0.0.1:7222"};
  i.gateway_url = "10.0.0.1:7222";
  i.gateway_cmd = 255;
  i.gateway_cmd_payload = {0, 1, 2, 0xFB, 0xFF};
  i.gateway_nrp = true;
  i.gateway_iom = true;
  i.leafnode_urls = {"10.0.0.1:7422"};
  i.remote_account = "$G";
  i.xkey = "XKEY";
  return i;
}

TEST(ProtocolJsonTest, InfoEncodesEveryFieldInGoOrder) {
  EXPECT_EQ(
      encode_info_json(every_info_field_set()),
      R"({"server_id":"NID","server_name":"srv \u003c1\u003e","version":"2.9.10","proto":1,)"
      R"("git_commit":"abc1234","go":"go1.19.8","host":"0.0.0.0","port":4222,"headers":true,)"
      R"("auth_required":true,"tls_required":true,"tls_verify":true,"tls_available":true,)"
      R"("max_payload":8388608,"jetstream":true,"ip":"10.0.0.1",)"
      R"("client_id":18446744073709551615,"client_ip":"::1","nonce":"rZEGYdk9IqSsTSo",)"
      R"("cluster":"C","cluster_dynamic":true,"domain":"hub",)"
      R"("connect_urls":["10.0.0.1:4222","10.0.0.2:4222"],"ws_connect_urls":["10.0.0.1:8080"],)"
      R"("ldm":true,"import":{"allow":["a"],"deny":["b"]},"export":{},"lnoc":true,)"
      R"("info_on_connect":true,"connect_info":true,"gateway":"G",)"
      R"("gateway_urls":["10.0.0.1:7222"],"gateway_url":"10.0.0.1:7222","gateway_cmd":255,)"
      R"("gateway_cmd_payload":"AAEC+/8=","gateway_nrp":true,"gateway_iom":true,)"
      R"("leafnode_urls":["10.0.0.1:7422"],"remote_account":"$G","xkey":"XKEY"})");
}

TEST(ProtocolJsonTest, InfoEncodeAppends) {
  std::string out = "INFO ";
  encode_info_json_to(info_with(kInfoGoldens[0].edit), out);
  out += " \r\n";
  EXPECT_EQ(out, "INFO " + std::string(kInfoGoldens[0].json) + " \r\n");
}

// ---------------------------------------------------------------------------------------------
// INFO parsing

TEST(ProtocolJsonTest, InfoAbsentKeysAreGoZeroValues) {
  // A server that does not send "headers" does not support them, whatever our defaults say.
  const auto r = parse_info_json(R"({"server_id":"X"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r.value().headers);
  EXPECT_EQ(r.value().port, 0);
  EXPECT_EQ(r.value().proto, 0);
  EXPECT_EQ(r.value().max_payload, 0);
  EXPECT_EQ(r.value(), info_with([](ServerInfo& i) { i.server_id = "X"; }));
  const auto null_doc = parse_info_json("null");
  ASSERT_TRUE(null_doc.has_value());
  EXPECT_EQ(null_doc.value(), zero_info());
}

TEST(ProtocolJsonTest, InfoUnknownFieldsIgnored) {
  // 2.10+ fields this struct does not model, and anything else.
  const auto r =
      parse_info_json(R"({"server_id":"X","api_lvl":1,"compression":"s2_auto","acc_is_sys":true,)"
                      R"("tags":["a"],"weird":{"a":[{"b":[]}]},"port":4222,"f":1.5e400})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), info_with([](ServerInfo& i) {
              i.server_id = "X";
              i.port = 4222;
            }));
}

TEST(ProtocolJsonTest, InfoWrongTypesRejected) {
  const std::string_view cases[] = {
      R"({"server_id":1})",
      R"({"proto":"1"})",
      R"({"port":4222.0})",
      R"({"port":true})",
      R"({"headers":"true"})",
      R"({"max_payload":1e6})",
      R"({"max_payload":9223372036854775808})",
      R"({"client_id":-1})",
      R"({"client_id":-0})",  // strconv.ParseUint refuses any sign
      R"({"client_id":18446744073709551616})",
      R"({"git_commit":false})",
      R"({"connect_urls":"a"})",
      R"({"connect_urls":[1]})",
      R"({"connect_urls":{}})",
      R"({"ldm":0})",
      R"({"gateway_cmd":256})",
      R"({"gateway_cmd":-1})",
      R"({"gateway_cmd_payload":"AAE"})",  // padding is required
      R"({"gateway_cmd_payload":"A==="})",
      R"({"gateway_cmd_payload":"AA=E"})",
      R"({"gateway_cmd_payload":"AA==AA=="})",
      R"({"gateway_cmd_payload":"AA!="})",
      R"({"gateway_cmd_payload":[256]})",
      R"({"gateway_cmd_payload":["a"]})",
      R"({"gateway_cmd_payload":true})",
      R"({"import":{"allow":"a"}})",
      "[]",
  };
  for (std::string_view c : cases) {
    const auto r = parse_info_json(c);
    ASSERT_FALSE(r.has_value()) << "accepted: " << c;
    EXPECT_EQ(r.error(), make_error_code(errc::kInvalidJson)) << c;
  }
}

TEST(ProtocolJsonTest, InfoIntegerEdges) {
  const auto r = parse_info_json(R"({"port":-0,"proto":-3,"client_id":18446744073709551615,)"
                                 R"("max_payload":-9223372036854775808,"gateway_cmd":0})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value().port, 0);
  EXPECT_EQ(r.value().proto, -3);
  EXPECT_EQ(r.value().client_id, UINT64_MAX);
  EXPECT_EQ(r.value().max_payload, INT64_MIN);
}

TEST(ProtocolJsonTest, InfoGitCommitEmptyReadsAsAbsent) {
  const auto empty = parse_info_json(R"({"git_commit":""})");
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty.value().git_commit.has_value());
  const auto set = parse_info_json(R"({"git_commit":"abc","git_commit":null})");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set.value().git_commit, "abc");
}

TEST(ProtocolJsonTest, InfoGatewayPayloadDecodesLikeGoBytes) {
  const struct {
    std::string_view json;
    std::vector<std::uint8_t> bytes;
  } cases[] = {
      {R"({"gateway_cmd_payload":"AAEC+/8="})", {0, 1, 2, 0xFB, 0xFF}},
      {R"({"gateway_cmd_payload":"AA=="})", {0}},
      {R"({"gateway_cmd_payload":"AAE="})", {0, 1}},
      {R"({"gateway_cmd_payload":"AB=="})", {0}},        // non-zero trailing bits: Go is not strict
      {R"({"gateway_cmd_payload":"A\r\nA=\n="})", {0}},  // CR and LF are skipped
      {R"({"gateway_cmd_payload":""})", {}},
      {R"({"gateway_cmd_payload":"AA==","gateway_cmd_payload":null})", {}},
      {R"({"gateway_cmd_payload":[1,255,null]})", {1, 255, 0}},  // a JSON array works too
  };
  for (const auto& c : cases) {
    const auto r = parse_info_json(c.json);
    ASSERT_TRUE(r.has_value()) << c.json;
    EXPECT_EQ(r.value().gateway_cmd_payload, c.bytes) << c.json;
  }
}

TEST(ProtocolJsonTest, InfoRoundTrips) {
  ServerInfo odd_bytes = zero_info();
  for (int b = 0; b < 256; ++b) odd_bytes.gateway_cmd_payload.push_back(static_cast<uint8_t>(b));
  odd_bytes.server_name = "\xC3\xA9\xE2\x80\xA8<&>";
  const ServerInfo cases[] = {
      every_info_field_set(),
      ServerInfo{},
      zero_info(),
      odd_bytes,
      info_with(kInfoGoldens[1].edit),
      info_with(kInfoGoldens[3].edit),
  };
  for (const ServerInfo& i : cases) {
    const std::string json = encode_info_json(i);
    const auto r = parse_info_json(json);
    ASSERT_TRUE(r.has_value()) << json;
    EXPECT_EQ(r.value(), i) << json;
  }
}

// ---------------------------------------------------------------------------------------------
// Robustness: arbitrary bytes and mutations of valid bodies never crash, and whatever parses
// re-encodes to something that parses to the same value.

TEST(ProtocolJsonTest, ArbitraryInputNeverBreaksTheParsers) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::string seeds[] = {
      encode_connect_json(ConnectOptions{}),
      R"({"import":{"allow":["a","b"],"deny":null},"name":"\ud800x\u00e9","protocol":-0})",
      std::string(kInfoGoldens[1].json),
      encode_info_json(every_info_field_set()),
  };
  const std::string_view alphabet = "{}[]\":,\\u0123456789abcdefABCDEFeE+-.tnrfl sk\xC5\xBF\xFF";
  int parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in = seeds[rng() % std::size(seeds)];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !in.empty(); ++e) {
      const std::size_t pos = rng() % in.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          in[pos] = c;
          break;
        case 1:
          in.insert(in.begin() + static_cast<std::ptrdiff_t>(pos), c);
          break;
        default:
          in.erase(pos, 1 + rng() % 3);
      }
    }
    if (const auto c = parse_connect_json(in)) {
      ++parsed;
      const auto again = parse_connect_json(encode_connect_json(c.value()));
      ASSERT_TRUE(again.has_value()) << in;
      EXPECT_EQ(again.value(), c.value()) << in;
    }
    if (const auto i = parse_info_json(in)) {
      const auto again = parse_info_json(encode_info_json(i.value()));
      ASSERT_TRUE(again.has_value()) << in;
      EXPECT_EQ(again.value(), i.value()) << in;
    }
  }
  EXPECT_GT(parsed, 0);  // the mutations must not all be rejected, or this tests nothing
  for (int iter = 0; iter < 5000; ++iter) {
    std::string in(rng() % 64, '\0');
    for (char& c : in) c = static_cast<char>(rng());
    (void)parse_connect_json(in);
    (void)parse_info_json(in);
  }
}

}  // namespace
}  // namespace quiver::codec
