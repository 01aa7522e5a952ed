#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/cases/all_cases.h"
#include "conformance/lib/check.h"
#include "conformance/lib/context.h"
#include "conformance/lib/endpoint.h"
#include "conformance/lib/http.h"
#include "conformance/lib/registry.h"
#include "conformance/runner/junit.h"
#include "conformance/runner/options.h"
#include "conformance/runner/process.h"
#include "conformance/runner/report.h"
#include "conformance/runner/suite.h"

namespace quiver::conformance {
namespace {

using std::chrono::milliseconds;

OptionsResult parse(std::vector<std::string> args) { return parse_options(args); }

TEST(OptionsTest, UrlTargetWithSelectionAndReport) {
  const OptionsResult r = parse({"--url", "nats://127.0.0.1:4222", "--url=nats://h:5", "--only",
                                 "pubsub,queue", "--only=auth", "--case", "^pubsub/", "--junit",
                                 "out.xml", "--timeout", "7", "--quiet-ms=50"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.urls, (std::vector<std::string>{"nats://127.0.0.1:4222", "nats://h:5"}));
  EXPECT_EQ(r.options.only, (std::vector<std::string>{"pubsub", "queue", "auth"}));
  EXPECT_EQ(r.options.case_regex, "^pubsub/");
  EXPECT_EQ(r.options.junit_path, "out.xml");
  EXPECT_EQ(r.options.case_timeout, std::chrono::seconds(7));
  EXPECT_EQ(r.options.quiet, milliseconds(50));
  EXPECT_EQ(r.options.wait, milliseconds(2000));
}

TEST(OptionsTest, ServerCommandKeptVerbatim) {
  const OptionsResult r =
      parse({"--server-cmd", "/usr/sbin/nats-server -p {port} -c {config}", "--cluster-size", "5"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.server_cmd, "/usr/sbin/nats-server -p {port} -c {config}");
  EXPECT_EQ(r.options.cluster_size, 5);
}

TEST(OptionsTest, RejectsBadArguments) {
  EXPECT_EQ(parse({}).error, "give exactly one target: --url or --server-cmd");
  EXPECT_EQ(parse({"--url", "nats://a:1", "--server-cmd", "x {port}"}).error,
            "give exactly one target: --url or --server-cmd");
  EXPECT_EQ(parse({"--server-cmd", "nats-server"}).error, "--server-cmd must contain {port}");
  EXPECT_EQ(parse({"--url"}).error, "--url needs a value");
  EXPECT_EQ(parse({"--url", "nats://a:1", "--timeout", "0"}).error,
            "--timeout needs a positive integer, got \"0\"");
  EXPECT_EQ(parse({"--url", "nats://a:1", "--bogus"}).error, "unknown argument \"--bogus\"");
  EXPECT_EQ(parse({"--url", "http://a:1"}).error,
            "--url: cannot parse \"http://a:1\" (expected nats://HOST:PORT)");
  EXPECT_EQ(parse({"--list=yes"}).error, "--list takes no value");
  EXPECT_EQ(parse({"--server-cmd", "x {port}", "--cluster-cmd", "y {port}"}).error,
            "--cluster-cmd must contain {cluster_port}");
  EXPECT_NE(parse({"--list", "--case", "(unclosed"}).error.find("invalid regular expression"),
            std::string::npos);
}

TEST(OptionsTest, HelpAndListNeedNoTarget) {
  EXPECT_TRUE(parse({"--help"}).options.help);
  EXPECT_EQ(parse({"--list"}).error, "");
  EXPECT_NE(usage_text().find("--server-cmd"), std::string::npos);
}

TEST(EndpointTest, ParsesNatsAndHttpUrls) {
  EXPECT_EQ(parse_nats_url("nats://127.0.0.1:4333"), (Endpoint{"127.0.0.1", 4333}));
  EXPECT_EQ(parse_nats_url("localhost:7"), (Endpoint{"localhost", 7}));
  EXPECT_EQ(parse_nats_url("nats://host"), (Endpoint{"host", 4222}));
  EXPECT_FALSE(parse_nats_url("nats://host:0"));
  EXPECT_FALSE(parse_nats_url("nats://host:99999"));
  EXPECT_FALSE(parse_nats_url("tls://host:1"));
  EXPECT_FALSE(parse_nats_url(""));
  EXPECT_EQ(parse_http_url("http://h:8222/"), (Endpoint{"h", 8222}));
}

TEST(ReportTest, FormatsOneLinePerCase) {
  CaseResult pass{"pubsub", "basic", Outcome::kPass, "", milliseconds(12)};
  CaseResult failed{"errors", "x", Outcome::kFail, "expected PONG\ngot -ERR", milliseconds(3)};
  CaseResult skipped{"auth", "y", Outcome::kSkip, "needs {config}", milliseconds(0)};
  EXPECT_EQ(format_result_line(pass), "PASS pubsub/basic (12 ms)");
  EXPECT_EQ(format_result_line(failed), "FAIL errors/x (3 ms): expected PONG | got -ERR");
  EXPECT_EQ(format_result_line(skipped), "SKIP auth/y: needs {config}");
  const Totals t = count({pass, failed, skipped, pass});
  EXPECT_EQ(format_summary(t), "2 passed, 1 failed, 1 skipped");
}

TEST(JunitTest, EscapesMarkupQuotesAndControlBytes) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\x1f\tz\r\n", 8)), "x\\x01y\\x1f\tz\r\n");
  EXPECT_EQ(xml_escape("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(JunitTest, ReportsCountsFailuresAndSkips) {
  const std::vector<CaseResult> results = {
      {"pubsub", "basic", Outcome::kPass, "", milliseconds(1500)},
      {"errors", "x", Outcome::kFail, "got \"-ERR 'a<b'\"", milliseconds(2)},
      {"auth", "y", Outcome::kSkip, "no config", milliseconds(0)},
  };
  const std::string xml = junit_xml(results, "conformance", 2.5);
  EXPECT_NE(xml.find("<testsuite name=\"conformance\" tests=\"3\" failures=\"1\" errors=\"0\" "
                     "skipped=\"1\" time=\"2.500\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"conformance.pubsub\" name=\"basic\" time=\"1.500\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"got &quot;-ERR &apos;a&lt;b&apos;&quot;\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"no config\"/>"), std::string::npos);
  EXPECT_EQ(xml.rfind("</testsuites>\n"), xml.size() - 14);
}

TEST(ProcessTest, SubstitutesKnownPlaceholdersOnly) {
  const std::map<std::string, std::string> values = {{"port", "4222"}, {"config", "/t/a.conf"}};
  EXPECT_EQ(substitute("srv -p {port} -c {config} -x {other} ${HOME} {port}", values),
            "srv -p 4222 -c /t/a.conf -x {other} ${HOME} 4222");
  EXPECT_EQ(substitute("awk '{print}' {", values), "awk '{print}' {");
  EXPECT_TRUE(has_placeholder("a {http_port}", "http_port"));
  EXPECT_FALSE(has_placeholder("a {http_port}", "port"));
}

TEST(ProcessTest, FreePortIsBindable) {
  const auto port = pick_free_port("127.0.0.1");
  ASSERT_TRUE(port.has_value());
  EXPECT_GT(*port, 0);
}

TEST(CheckTest, PrintableEscapesAndTruncates) {
  EXPECT_EQ(printable("MSG a 1 2\r\nhi\r\n"), "MSG a 1 2\\r\\nhi\\r\\n");
  EXPECT_EQ(printable(std::string("\x00\xff\\", 3)), "\\x00\\xff\\\\");
  EXPECT_EQ(printable("abcdef", 3), "abc...(6 bytes)");
}

TEST(CheckTest, CheckEqFailsWithBothValues) {
  try {
    check_eq(std::string("PING"), "PONG", "reply");
    FAIL() << "check_eq did not throw";
  } catch (const CaseFailure& e) {
    EXPECT_STREQ(e.what(), "reply: expected \"PONG\", got \"PING\"");
  }
  EXPECT_NO_THROW(check_eq(3, 3, "n"));
  EXPECT_THROW(check_eq(3, 4, "n"), CaseFailure);
}

TEST(HttpTest, ParsesStatusHeadersAndBody) {
  const HttpResponse r = parse_http_response(
      "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n{}\r\nextra");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body, "{}\r\n");
  EXPECT_THROW(parse_http_response("garbage"), CaseFailure);
}

TEST(RegistryTest, AllCasesHaveUniqueNamesAndEnoughCore) {
  Registry registry;
  register_all_cases(registry);
  std::size_t core = 0;
  for (const Case& c : registry.cases()) {
    EXPECT_FALSE(c.description.empty()) << c.full_name();
    if (c.area != "cluster" && c.area != "jetstream" && c.area != "monitoring") ++core;
  }
  EXPECT_GE(core, 120u);
}

TEST(RegistryTest, SelectionByAreaAndRegex) {
  Registry registry;
  const auto body = [](CaseContext&) {};
  Area a(registry, "alpha");
  a.add("one", "d", body);
  a.add("two", "d", body);
  Area b(registry, "beta");
  b.add("one", "d", body);
  Options options;
  std::string error;
  options.only = {"beta"};
  auto selected = select_cases(registry, options, error);
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0]->full_name(), "beta/one");
  options.only = {};
  options.case_regex = "/one$";
  selected = select_cases(registry, options, error);
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[1]->full_name(), "beta/one");
  options.only = {"gamma"};
  select_cases(registry, options, error);
  EXPECT_EQ(error, "--only: unknown area \"gamma\" (areas: alpha, beta)");
}

TEST(RegistryTest, UnmetRequirementsExplainWhy) {
  Target target;
  target.nodes = {Endpoint{"h", 1}};
  target.info.headers = false;
  EXPECT_EQ(unmet_requirement(Requirements{}, target), std::nullopt);
  EXPECT_EQ(unmet_requirement(Requirements{.headers = true}, target),
            "needs headers; the broker's INFO does not advertise \"headers\":true");
  EXPECT_EQ(unmet_requirement(Requirements{.nodes = 3}, target),
            "needs a cluster of 3 nodes, the target has 1");
  target.info.auth_required = true;
  EXPECT_EQ(unmet_requirement(Requirements{}, target),
            "needs a broker without authentication; INFO advertises \"auth_required\":true");
  EXPECT_EQ(unmet_requirement(Requirements{.open_access = false}, target), std::nullopt);
}

}  // namespace
}  // namespace quiver::conformance
