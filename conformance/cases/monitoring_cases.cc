// monitoring: the HTTP endpoints (/varz, /connz, /subsz, /healthz, /routez) answer JSON that
// agrees with what the protocol shows. Counters are compared as deltas, polled, since a broker
// may update them asynchronously.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

const Requirements kMonitoring{.monitoring = true};

int64_t number(const boost::json::value& v, std::string_view key) {
  const boost::json::object* obj = v.if_object();
  check(obj != nullptr, "monitoring response is not a JSON object");
  const boost::json::value* field = obj->if_contains(key);
  check(field != nullptr, "monitoring response has no \"" + std::string(key) + "\"");
  check(field->is_number(), "\"" + std::string(key) + "\" is not a number");
  return field->to_number<int64_t>();
}

std::string text(const boost::json::value& v, std::string_view key) {
  const boost::json::object* obj = v.if_object();
  check(obj != nullptr, "monitoring response is not a JSON object");
  const boost::json::value* field = obj->if_contains(key);
  check(field != nullptr && field->is_string(),
        "monitoring response has no string \"" + std::string(key) + "\"");
  return std::string(field->as_string());
}

// The /connz entry whose "name" is `name`, or nullptr.
const boost::json::object* find_connection(const boost::json::value& connz, std::string_view name) {
  const boost::json::value* list = connz.as_object().if_contains("connections");
  if (list == nullptr || !list->is_array()) return nullptr;
  for (const boost::json::value& c : list->as_array()) {
    const boost::json::value* n = c.as_object().if_contains("name");
    if (n != nullptr && n->is_string() && n->as_string() == name) return &c.as_object();
  }
  return nullptr;
}

// Reads `key` of `path` until two reads 50 ms apart agree, so that connections earlier cases
// closed a moment ago are no longer counted, and returns that value.
int64_t settled(CaseContext& ctx, std::string_view path, std::string_view key) {
  int64_t last = number(ctx.monitor_json(path), key);
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    const int64_t now = number(ctx.monitor_json(path), key);
    if (now == last) return now;
    last = now;
  }
  fail(std::string(path) + " " + std::string(key) + " never settled");
}

}  // namespace

void register_monitoring_cases(Registry& registry) {
  Area area(registry, "monitoring");

  area.add("varz_is_json", "GET /varz: 200, Content-Type application/json, a JSON object",
           kMonitoring, [](CaseContext& ctx) {
             HttpResponse r = ctx.monitor_get("/varz");
             check_eq(r.status, 200, "status");
             check(r.header("Content-Type").rfind("application/json", 0) == 0,
                   "Content-Type is \"" + r.header("Content-Type") + "\"");
             check(parse_json_body(r, "/varz").is_object(), "/varz body is not a JSON object");
           });

  area.add("varz_matches_info",
           "/varz server_id, version and max_payload equal what INFO advertises", kMonitoring,
           [](CaseContext& ctx) {
             const boost::json::value varz = ctx.monitor_json("/varz");
             check_eq(text(varz, "server_id"), ctx.info().server_id, "/varz server_id");
             check_eq(text(varz, "version"), ctx.info().version, "/varz version");
             check_eq(number(varz, "max_payload"), ctx.info().max_payload, "/varz max_payload");
           });

  area.add("varz_counts_inbound_messages", "/varz in_msgs grows by at least 5 after 5 PUBs",
           kMonitoring, [](CaseContext& ctx) {
             const int64_t before = number(ctx.monitor_json("/varz"), "in_msgs");
             Connection c = ctx.client();
             for (int i = 0; i < 5; ++i) c.pub("mon.count", "x");
             c.flush();
             ctx.eventually("/varz in_msgs to grow by 5", [&] {
               return number(ctx.monitor_json("/varz"), "in_msgs") >= before + 5;
             });
           });

  area.add("varz_counts_connections", "/varz connections grows while two clients are connected",
           kMonitoring, [](CaseContext& ctx) {
             const int64_t before = settled(ctx, "/varz", "connections");
             Connection a = ctx.client();
             Connection b = ctx.client();
             ctx.eventually("/varz connections to grow by 2", [&] {
               return number(ctx.monitor_json("/varz"), "connections") >= before + 2;
             });
           });

  area.add("connz_lists_named_connection",
           "/connz lists a connection by the name it sent in CONNECT", kMonitoring,
           [](CaseContext& ctx) {
             const std::string name = ctx.unique("mon-conn");
             Connection c =
                 ctx.client(options_with(ctx, [&](codec::ConnectOptions& o) { o.name = name; }));
             ctx.eventually("/connz to list " + name, [&] {
               return find_connection(ctx.monitor_json("/connz"), name) != nullptr;
             });
           });

  area.add("connz_subscriptions_list", "/connz?subs=1 lists the connection's subscribed subjects",
           kMonitoring, [](CaseContext& ctx) {
             const std::string name = ctx.unique("mon-subs");
             Connection c =
                 ctx.client(options_with(ctx, [&](codec::ConnectOptions& o) { o.name = name; }));
             c.sub("mon.subs.one", "1");
             c.sub("mon.subs.two", "2");
             c.flush();
             ctx.eventually("/connz?subs=1 to list both subjects", [&] {
               const boost::json::value connz = ctx.monitor_json("/connz?subs=1");
               const boost::json::object* conn = find_connection(connz, name);
               if (conn == nullptr) return false;
               const boost::json::value* subs = conn->if_contains("subscriptions_list");
               if (subs == nullptr || !subs->is_array()) return false;
               bool one = false;
               bool two = false;
               for (const boost::json::value& s : subs->as_array()) {
                 if (s.is_string() && s.as_string() == "mon.subs.one") one = true;
                 if (s.is_string() && s.as_string() == "mon.subs.two") two = true;
               }
               return one && two;
             });
           });

  area.add("subsz_counts_subscriptions", "/subsz num_subscriptions grows by 3 after 3 SUBs",
           kMonitoring, [](CaseContext& ctx) {
             Connection c = ctx.client();
             const int64_t before = settled(ctx, "/subsz", "num_subscriptions");
             c.sub("mon.s.1", "1");
             c.sub("mon.s.2", "2");
             c.sub("mon.s.3", "3");
             c.flush();
             ctx.eventually("/subsz num_subscriptions to grow by 3", [&] {
               return number(ctx.monitor_json("/subsz"), "num_subscriptions") >= before + 3;
             });
           });

  area.add("healthz_ok", "GET /healthz: 200 and {\"status\":\"ok\"}", kMonitoring,
           [](CaseContext& ctx) {
             const boost::json::value health = ctx.monitor_json("/healthz");
             check_eq(text(health, "status"), "ok", "/healthz status");
           });

  area.add("routez_is_json", "GET /routez: 200 with num_routes and a routes array", kMonitoring,
           [](CaseContext& ctx) {
             const boost::json::value routez = ctx.monitor_json("/routez");
             number(routez, "num_routes");
             const boost::json::value* routes = routez.as_object().if_contains("routes");
             check(routes != nullptr && (routes->is_array() || routes->is_null()),
                   "/routez has no routes array");
           });

  area.add("unknown_path_404", "GET of an unknown path: 404", kMonitoring, [](CaseContext& ctx) {
    HttpResponse r = ctx.monitor_get("/no-such-endpoint");
    check_eq(r.status, 404, "status");
  });
}

}  // namespace quiver::conformance
