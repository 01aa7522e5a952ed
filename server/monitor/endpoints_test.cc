#include "server/monitor/endpoints.h"

#include <chrono>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace quiver::server::monitor {
namespace {

using namespace std::chrono_literals;

// 2026-11-26T05:51:37Z, the time of the reference captures from nats-server 2.9.10 below.
const Clock::time_point kEpoch{std::chrono::seconds(1795672297)};

ConnzOptions connz_options(std::string_view query) {
  auto parsed = parse_connz_options(Query::parse(query));
  EXPECT_TRUE(std::holds_alternative<ConnzOptions>(parsed)) << std::get<std::string>(parsed);
  return std::holds_alternative<ConnzOptions>(parsed) ? std::get<ConnzOptions>(parsed)
                                                      : ConnzOptions{};
}

std::string connz_error(std::string_view query) {
  auto parsed = parse_connz_options(Query::parse(query));
  EXPECT_TRUE(std::holds_alternative<std::string>(parsed));
  return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : "";
}

ConnzEntry entry(uint64_t cid) {
  ConnzEntry e;
  e.cid = cid;
  e.ip = "127.0.0.1";
  e.port = 40000 + static_cast<int>(cid);
  e.start = kEpoch;
  e.last_activity = kEpoch;
  return e;
}

std::vector<uint64_t> cids(const std::string& connz) {
  std::vector<uint64_t> out;
  const boost::json::value doc = boost::json::parse(connz);
  for (const auto& c : doc.at("connections").as_array()) {
    out.push_back(c.at("cid").to_number<uint64_t>());
  }
  return out;
}

TEST(RouteTest, MapsPathsLikeNatsServer) {
  EXPECT_EQ(route("/", ""), Endpoint::kRoot);
  EXPECT_EQ(route("/varz", ""), Endpoint::kVarz);
  EXPECT_EQ(route("/connz", ""), Endpoint::kConnz);
  EXPECT_EQ(route("/routez", ""), Endpoint::kRoutez);
  EXPECT_EQ(route("/subsz", ""), Endpoint::kSubsz);
  EXPECT_EQ(route("/subscriptionsz", ""), Endpoint::kSubsz);
  EXPECT_EQ(route("/healthz", ""), Endpoint::kHealthz);
  EXPECT_EQ(route("/metrics", "/"), Endpoint::kMetrics);
  EXPECT_EQ(route("/nope", ""), Endpoint::kNotFound);
  EXPECT_EQ(route("/varz/x", ""), Endpoint::kNotFound);
  EXPECT_EQ(route("/connz/", ""), Endpoint::kNotFound);
  EXPECT_EQ(route("/nats", "/nats/"), Endpoint::kRoot);
  EXPECT_EQ(route("/nats/varz", "/nats"), Endpoint::kVarz);
  EXPECT_EQ(route("/varz", "/nats"), Endpoint::kNotFound);
  EXPECT_EQ(route("/", "/nats"), Endpoint::kNotFound);
  EXPECT_EQ(stats_key(Endpoint::kSubsz), "/subsz");
  EXPECT_EQ(stats_key(Endpoint::kRoot), "/");
}

TEST(QueryTest, ParsesLikeGoUrlParseQuery) {
  const Query q = Query::parse("a=1&b=x+y&c=%41%2f&d=%zz&e&a=2&f=1;g=2&&h=");
  EXPECT_EQ(q.get("a"), "1");  // the first value wins
  EXPECT_EQ(q.get("b"), "x y");
  EXPECT_EQ(q.get("c"), "A/");
  EXPECT_EQ(q.get("d"), "");  // malformed escape: pair dropped
  EXPECT_EQ(q.get("f"), "");  // ';' is rejected since Go 1.17
  EXPECT_EQ(q.get("h"), "");
  EXPECT_EQ(q.get("missing"), "");
}

TEST(ConnzOptionsTest, Defaults) {
  const ConnzOptions o = connz_options("");
  EXPECT_EQ(o.sort, ConnSort::kCid);
  EXPECT_EQ(o.offset, 0);
  EXPECT_EQ(o.limit, 1024);
  EXPECT_EQ(o.state, ConnState::kOpen);
  EXPECT_FALSE(o.subs);
  EXPECT_FALSE(o.auth);
}

TEST(ConnzOptionsTest, NormalisesLikeNatsServer) {
  EXPECT_EQ(connz_options("limit=0&offset=-3").limit, 1024);
  EXPECT_EQ(connz_options("limit=0&offset=-3").offset, 0);
  EXPECT_EQ(connz_options("cid=5&limit=10").limit, 1);
  EXPECT_EQ(connz_options("limit=%31").limit, 1);
  EXPECT_TRUE(connz_options("subs=DETAIL").subs_detail);
  EXPECT_TRUE(connz_options("subs=true&subs=false").subs);
  EXPECT_EQ(connz_options("state=CLOSED").state, ConnState::kClosed);
  EXPECT_EQ(connz_options("state=all").state, ConnState::kAll);
  EXPECT_EQ(connz_options("sort=stop&state=closed").sort, ConnSort::kStop);
  EXPECT_EQ(connz_options("sort=msgs_from").sort, ConnSort::kMsgsFrom);
}

// Texts captured from nats-server 2.9.10's HTTP 400 responses.
TEST(ConnzOptionsTest, ErrorsMatchNatsServerTexts) {
  EXPECT_EQ(connz_error("sort=bogus"), "invalid sorting option: bogus");
  EXPECT_EQ(connz_error("sort=rtt"), "invalid sorting option: rtt");
  EXPECT_EQ(connz_error("sort=stop"), "sort by stop only valid on closed connections");
  EXPECT_EQ(connz_error("sort=reason"), "sort by reason only valid on closed connections");
  EXPECT_EQ(connz_error("limit=abc"),
            "Error decoding int for 'limit': strconv.Atoi: parsing \"abc\": invalid syntax");
  EXPECT_EQ(connz_error("sort=bogus&limit=abc"),
            "Error decoding int for 'limit': strconv.Atoi: parsing \"abc\": invalid syntax");
  EXPECT_EQ(connz_error("limit=99999999999999999999"),
            "Error decoding int for 'limit': strconv.Atoi: parsing \"99999999999999999999\": "
            "value out of range");
  EXPECT_EQ(
      connz_error("subs=foo"),
      "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"foo\": invalid syntax");
  EXPECT_EQ(
      connz_error("auth=yes"),
      "Error decoding boolean for 'auth': strconv.ParseBool: parsing \"yes\": invalid syntax");
  EXPECT_EQ(connz_error("cid=-1"),
            "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"-1\": invalid syntax");
  EXPECT_EQ(connz_error("state=bad"), "Error decoding state for bad");
}

// Layout captured from nats-server 2.9.10 (/connz?subs=1 with two clients); rtt is 0s because
// quiver-server does not measure it.
TEST(ConnzRenderTest, DocumentMatchesNatsServerLayout) {
  ConnzEntry a = entry(4);
  a.port = 46130;
  a.start = kEpoch + 273588821ns;
  a.last_activity = kEpoch + 274024633ns;
  a.in_msgs = 1;
  a.out_msgs = 1;
  a.in_bytes = 5;
  a.out_bytes = 5;
  a.subscriptions = 2;
  a.name = "x";
  a.lang = "py";
  a.version = "1.0";
  a.subjects = {"foo", "bar.*"};
  ConnzEntry b = entry(5);
  b.port = 46134;
  b.start = kEpoch + 574466211ns;
  b.last_activity = kEpoch + 574693569ns;
  const auto now = kEpoch + 1s + 705408940ns;
  EXPECT_EQ(render_connz("NCEYQ5MF", now, {b, a}, connz_options("subs=1")),
            R"({
  "server_id": "NCEYQ5MF",
  "now": "2026-11-26T05:51:38.70540894Z",
  "num_connections": 2,
  "total": 2,
  "offset": 0,
  "limit": 1024,
  "connections": [
    {
      "cid": 4,
      "kind": "Client",
      "type": "nats",
      "ip": "127.0.0.1",
      "port": 46130,
      "start": "2026-11-26T05:51:37.273588821Z",
      "last_activity": "2026-11-26T05:51:37.274024633Z",
      "rtt": "0s",
      "uptime": "1s",
      "idle": "1s",
      "pending_bytes": 0,
      "in_msgs": 1,
      "out_msgs": 1,
      "in_bytes": 5,
      "out_bytes": 5,
      "subscriptions": 2,
      "name": "x",
      "lang": "py",
      "version": "1.0",
      "subscriptions_list": [
        "foo",
        "bar.*"
      ]
    },
    {
      "cid": 5,
      "kind": "Client",
      "type": "nats",
      "ip": "127.0.0.1",
      "port": 46134,
      "start": "2026-11-26T05:51:37.574466211Z",
      "last_activity": "2026-11-26T05:51:37.574693569Z",
      "rtt": "0s",
      "uptime": "1s",
      "idle": "1s",
      "pending_bytes": 0,
      "in_msgs": 0,
      "out_msgs": 0,
      "in_bytes": 0,
      "out_bytes": 0,
      "subscriptions": 0
    }
  ]
})");
}

TEST(ConnzRenderTest, SubjectsAndUserOnlyWhenAsked) {
  ConnzEntry a = entry(1);
  a.subjects = {"foo"};
  a.user = "alice";
  const std::string plain = render_connz("S", kEpoch, {a}, connz_options(""));
  EXPECT_EQ(plain.find("subscriptions_list"), std::string::npos);
  EXPECT_EQ(plain.find("authorized_user"), std::string::npos);
  const std::string with = render_connz("S", kEpoch, {a}, connz_options("auth=1&subs=1"));
  const auto conn = boost::json::parse(with).at("connections").at(0);
  EXPECT_EQ(conn.at("authorized_user").as_string(), "alice");
  EXPECT_EQ(conn.at("subscriptions_list").at(0).as_string(), "foo");
}

TEST(ConnzRenderTest, EmptyListIsAnArray) {
  EXPECT_EQ(render_connz("S", kEpoch, {}, connz_options("state=closed")),
            "{\n  \"server_id\": \"S\",\n  \"now\": \"2026-11-26T05:51:37Z\",\n"
            "  \"num_connections\": 0,\n  \"total\": 0,\n  \"offset\": 0,\n  \"limit\": 1024,\n"
            "  \"connections\": []\n}");
}

TEST(ConnzRenderTest, SortsDescendingExceptCidAndUptime) {
  std::vector<ConnzEntry> conns;
  for (uint64_t cid = 1; cid <= 4; ++cid) conns.push_back(entry(cid));
  // Distinct values so that each sort has one answer.
  conns[0].subscriptions = 5;
  conns[1].subscriptions = 9;
  conns[2].pending_bytes = 7;
  conns[3].out_msgs = 3;
  conns[1].in_msgs = 8;
  conns[0].out_bytes = 1;
  conns[2].in_bytes = 4;
  conns[0].start = kEpoch - 10s;  // oldest
  conns[1].start = kEpoch - 1s;   // newest
  conns[2].start = kEpoch - 5s;
  conns[3].start = kEpoch - 3s;
  conns[0].last_activity = kEpoch - 2s;
  conns[1].last_activity = kEpoch - 9s;  // idle the longest
  conns[2].last_activity = kEpoch;       // most recent activity
  conns[3].last_activity = kEpoch - 4s;
  auto order = [&](std::string_view q) {
    return cids(render_connz("S", kEpoch, conns, connz_options(q)));
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(order(""), (V{1, 2, 3, 4}));
  EXPECT_EQ(order("sort=start"), (V{1, 2, 3, 4}));
  EXPECT_EQ(order("sort=subs"), (V{2, 1, 3, 4}));
  EXPECT_EQ(order("sort=pending"), (V{3, 1, 2, 4}));
  EXPECT_EQ(order("sort=msgs_to"), (V{4, 1, 2, 3}));
  EXPECT_EQ(order("sort=msgs_from"), (V{2, 1, 3, 4}));
  EXPECT_EQ(order("sort=bytes_to"), (V{1, 2, 3, 4}));
  EXPECT_EQ(order("sort=bytes_from"), (V{3, 1, 2, 4}));
  EXPECT_EQ(order("sort=last"), (V{3, 1, 4, 2}));
  EXPECT_EQ(order("sort=idle"), (V{2, 4, 1, 3}));
  EXPECT_EQ(order("sort=uptime"), (V{2, 4, 3, 1}));
}

TEST(ConnzRenderTest, PaginatesAndFilters) {
  std::vector<ConnzEntry> conns;
  for (uint64_t cid = 1; cid <= 5; ++cid) conns.push_back(entry(cid));
  conns[3].user = "bob";
  using V = std::vector<uint64_t>;
  const std::string page = render_connz("S", kEpoch, conns, connz_options("offset=1&limit=2"));
  EXPECT_EQ(cids(page), (V{2, 3}));
  const auto doc = boost::json::parse(page);
  EXPECT_EQ(doc.at("num_connections").to_number<int>(), 2);
  EXPECT_EQ(doc.at("total").to_number<int>(), 5);
  EXPECT_EQ(doc.at("offset").to_number<int>(), 1);
  EXPECT_EQ(doc.at("limit").to_number<int>(), 2);
  EXPECT_EQ(cids(render_connz("S", kEpoch, conns, connz_options("offset=4&limit=9"))), (V{5}));
  EXPECT_EQ(cids(render_connz("S", kEpoch, conns, connz_options("offset=9"))), (V{}));
  EXPECT_EQ(
      cids(render_connz("S", kEpoch, conns, connz_options("offset=1&limit=9223372036854775807"))),
      (V{2, 3, 4, 5}));
  // cid selects one connection; total still counts every open connection (as nats-server).
  const std::string one = render_connz("S", kEpoch, conns, connz_options("cid=3"));
  EXPECT_EQ(cids(one), (V{3}));
  EXPECT_EQ(boost::json::parse(one).at("total").to_number<int>(), 5);
  EXPECT_EQ(cids(render_connz("S", kEpoch, conns, connz_options("cid=99"))), (V{}));
  EXPECT_EQ(cids(render_connz("S", kEpoch, conns, connz_options("user=bob"))), (V{4}));
  EXPECT_EQ(cids(render_connz("S", kEpoch, conns, connz_options("state=closed"))), (V{}));
  EXPECT_EQ(cids(render_connz("S", kEpoch, conns, connz_options("state=any"))), (V{1, 2, 3, 4, 5}));
}

VarzData reference_varz() {
  VarzData v;
  v.server_id = "NCEYQ5MF";
  v.server_name = "NCEYQ5MF";
  v.version = "2.9.10";
  v.go = "go1.19.8";
  v.host = "127.0.0.1";
  v.port = 29176;
  v.max_connections = 65536;
  v.ping_interval = 2min;
  v.ping_max = 2;
  v.http_host = "127.0.0.1";
  v.http_port = 29177;
  v.auth_timeout = 2s;
  v.max_control_line = 4096;
  v.max_payload = 1048576;
  v.max_pending = 67108864;
  v.write_deadline = 10s;
  v.start = kEpoch - 6s + 664321004ns;
  v.now = kEpoch + 681132773ns - 5s;
  v.config_load_time = v.start;
  v.mem = 11689984;
  v.cores = 2;
  v.cpu = 0;
  v.subscriptions = 43;
  v.http_req_stats = {{"/varz", 1}};
  v.system_account = "$SYS";
  return v;
}

// Captured from nats-server 2.9.10 started with `-a 127.0.0.1 -p 29176 -m 29177`.
TEST(VarzRenderTest, DocumentMatchesNatsServer) {
  EXPECT_EQ(render_varz(reference_varz()), R"({
  "server_id": "NCEYQ5MF",
  "server_name": "NCEYQ5MF",
  "version": "2.9.10",
  "proto": 1,
  "go": "go1.19.8",
  "host": "127.0.0.1",
  "port": 29176,
  "max_connections": 65536,
  "ping_interval": 120000000000,
  "ping_max": 2,
  "http_host": "127.0.0.1",
  "http_port": 29177,
  "http_base_path": "",
  "https_port": 0,
  "auth_timeout": 2,
  "max_control_line": 4096,
  "max_payload": 1048576,
  "max_pending": 67108864,
  "cluster": {},
  "gateway": {},
  "leaf": {},
  "mqtt": {},
  "websocket": {},
  "jetstream": {},
  "tls_timeout": 2,
  "write_deadline": 10000000000,
  "start": "2026-11-26T05:51:31.664321004Z",
  "now": "2026-11-26T05:51:32.681132773Z",
  "uptime": "1s",
  "mem": 11689984,
  "cores": 2,
  "gomaxprocs": 2,
  "cpu": 0,
  "connections": 0,
  "total_connections": 0,
  "routes": 0,
  "remotes": 0,
  "leafnodes": 0,
  "in_msgs": 0,
  "out_msgs": 0,
  "in_bytes": 0,
  "out_bytes": 0,
  "slow_consumers": 0,
  "subscriptions": 43,
  "http_req_stats": {
    "/varz": 1
  },
  "config_load_time": "2026-11-26T05:51:31.664321004Z",
  "system_account": "$SYS"
})");
}

// nats-server 2.9.10 with auth, max_subscriptions and server_tags configured.
TEST(VarzRenderTest, OptionalFieldsAppearWhereNatsServerPutsThem) {
  VarzData v = reference_varz();
  v.auth_required = true;
  v.max_subscriptions = 10;
  v.auth_timeout = 1500ms;
  v.tags = {"a:b"};
  v.http_req_stats = {{"/varz", 3}, {"/connz", 2}, {"/", 1}};
  const std::string out = render_varz(v);
  EXPECT_NE(
      out.find("  \"port\": 29176,\n  \"auth_required\": true,\n  \"max_connections\": 65536,\n"
               "  \"max_subscriptions\": 10,\n  \"ping_interval\""),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("\"auth_timeout\": 1.5,"), std::string::npos);
  EXPECT_NE(out.find("  \"http_req_stats\": {\n    \"/\": 1,\n    \"/connz\": 2,\n"
                     "    \"/varz\": 3\n  },"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  \"tags\": [\n    \"a:b\"\n  ],\n  \"system_account\": \"$SYS\"\n}"),
            std::string::npos)
      << out;
}

TEST(SubszTest, StatsDocumentMatchesNatsServerLayout) {
  SublistStats s;
  s.num_subscriptions = 45;
  s.num_cache = 8;
  s.num_inserts = 45;
  s.num_matches = 8;
  s.max_fanout = 1;
  s.avg_fanout = 0.75;
  EXPECT_EQ(render_subsz(s), R"({
  "num_subscriptions": 45,
  "num_cache": 8,
  "num_inserts": 45,
  "num_removes": 0,
  "num_matches": 8,
  "cache_hit_rate": 0,
  "max_fanout": 1,
  "avg_fanout": 0.75
})");
}

TEST(SubszTest, ParameterErrorsMatchNatsServerTexts) {
  EXPECT_EQ(check_subsz_options(Query::parse("subs=1&test=foo")), "");
  EXPECT_EQ(check_subsz_options(Query::parse("test=")), "");
  EXPECT_EQ(check_subsz_options(Query::parse("test=foo.*")),
            "invalid test subject, must be valid publish subject: foo.*");
  EXPECT_EQ(check_subsz_options(Query::parse("test=a..b")),
            "invalid test subject, must be valid publish subject: a..b");
  EXPECT_EQ(check_subsz_options(Query::parse("limit=x&subs=y")),
            "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"y\": invalid syntax");
  EXPECT_EQ(check_subsz_options(Query::parse("offset=1.5")),
            "Error decoding int for 'offset': strconv.Atoi: parsing \"1.5\": invalid syntax");
}

TEST(OtherEndpointsTest, RoutezHealthzAndErrorsMatchNatsServer) {
  EXPECT_EQ(render_routez("S", kEpoch + 738992221ns),
            "{\n  \"server_id\": \"S\",\n  \"now\": \"2026-11-26T05:51:37.738992221Z\",\n"
            "  \"num_routes\": 0,\n  \"routes\": []\n}");
  EXPECT_EQ(render_healthz(), "{\"status\":\"ok\"}");
  const HttpResponse nf = not_found();
  EXPECT_EQ(nf.status, 404u);
  EXPECT_EQ(nf.body, "404 page not found\n");
  EXPECT_EQ(nf.content_type, "text/plain; charset=utf-8");
  EXPECT_TRUE(nf.nosniff);
  const HttpResponse bad = bad_request("invalid sorting option: x");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(json_response("{}").content_type, "application/json");
  const std::string root = render_root("2.9.10");
  for (const char* link : {"./varz", "./connz", "./subsz", "./routez", "./healthz", "./metrics"}) {
    EXPECT_NE(root.find(std::string("href=") + link + ">"), std::string::npos) << link;
  }
}

TEST(MetricsTest, ExposesNativeAndExporterCompatibleSeries) {
  VarzData v = reference_varz();
  v.server_name = "a\"b";
  v.connections = 3;
  v.total_connections = 7;
  v.in_msgs = 11;
  v.out_msgs = 12;
  v.in_bytes = 13;
  v.out_bytes = 14;
  v.slow_consumers = 1;
  v.cpu = 2.5;
  const std::string m = render_metrics(v);
  auto has_line = [&m](const std::string& line) {
    return m.find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has_line("# TYPE quiver_connections gauge"));
  EXPECT_TRUE(has_line("quiver_connections 3"));
  EXPECT_TRUE(has_line("# TYPE quiver_connections_total counter"));
  EXPECT_TRUE(has_line("quiver_connections_total 7"));
  EXPECT_TRUE(has_line("quiver_in_msgs_total 11"));
  EXPECT_TRUE(has_line("quiver_out_msgs_total 12"));
  EXPECT_TRUE(has_line("quiver_in_bytes_total 13"));
  EXPECT_TRUE(has_line("quiver_out_bytes_total 14"));
  EXPECT_TRUE(has_line("quiver_slow_consumers_total 1"));
  EXPECT_TRUE(has_line("quiver_subscriptions 43"));
  EXPECT_TRUE(has_line("quiver_mem_bytes 11689984"));
  EXPECT_TRUE(has_line("quiver_cpu_percent 2.5"));
  EXPECT_TRUE(has_line("quiver_uptime_seconds 1.016811769"));
  EXPECT_TRUE(has_line("quiver_start_time_seconds 1795672291.664321"));
  EXPECT_TRUE(
      has_line("quiver_info{server_id=\"NCEYQ5MF\",server_name=\"a\\\"b\",version=\"2.9.10\"} 1"));
  EXPECT_TRUE(has_line("# TYPE gnatsd_varz_in_msgs gauge"));
  EXPECT_TRUE(has_line("gnatsd_varz_connections{server_id=\"NCEYQ5MF\"} 3"));
  EXPECT_TRUE(has_line("gnatsd_varz_total_connections{server_id=\"NCEYQ5MF\"} 7"));
  EXPECT_TRUE(has_line("gnatsd_varz_in_msgs{server_id=\"NCEYQ5MF\"} 11"));
  EXPECT_TRUE(has_line("gnatsd_varz_out_bytes{server_id=\"NCEYQ5MF\"} 14"));
  EXPECT_TRUE(has_line("gnatsd_varz_slow_consumers{server_id=\"NCEYQ5MF\"} 1"));
  EXPECT_TRUE(has_line("gnatsd_varz_subscriptions{server_id=\"NCEYQ5MF\"} 43"));
  EXPECT_TRUE(has_line("gnatsd_varz_mem{server_id=\"NCEYQ5MF\"} 11689984"));
  EXPECT_TRUE(has_line("gnatsd_varz_cpu{server_id=\"NCEYQ5MF\"} 2.5"));
  EXPECT_TRUE(has_line("gnatsd_varz_auth_timeout{server_id=\"NCEYQ5MF\"} 2"));
  EXPECT_TRUE(has_line("gnatsd_varz_version{server_id=\"NCEYQ5MF\",value=\"2.9.10\"} 1"));
  EXPECT_EQ(m.find("gnatsd_varz_max_subscriptions"), std::string::npos);  // absent from varz too
  EXPECT_EQ(m.back(), '\n');
  // Every sample has its HELP and TYPE, and no name is declared twice.
  std::size_t types = 0, samples = 0;
  for (std::size_t pos = 0; pos < m.size();) {
    const std::size_t end = m.find('\n', pos);
    const std::string_view line(m.data() + pos, end - pos);
    if (line.starts_with("# TYPE "))
      ++types;
    else if (!line.starts_with("#"))
      ++samples;
    pos = end + 1;
  }
  EXPECT_EQ(types, samples);
}

}  // namespace
}  // namespace quiver::server::monitor
