#include "server/monitor/endpoints.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "codec/subject.h"
#include "server/config/options.h"
#include "server/monitor/go_format.h"

namespace quiver::server::monitor {

namespace {

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kTextType = "text/plain; charset=utf-8";

double seconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e9; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// url.QueryUnescape; false on a malformed escape (Go then drops the whole pair).
bool query_unescape(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

HttpResponse json_response(std::string body) {
  return HttpResponse{200, std::string(kJsonType), std::move(body), false};
}

HttpResponse bad_request(std::string message) {
  return HttpResponse{400, std::string(kTextType), std::move(message), false};
}

HttpResponse not_found() {
  return HttpResponse{404, std::string(kTextType), "404 page not found\n", true};
}

Query Query::parse(std::string_view raw) {
  Query q;
  while (!raw.empty()) {
    const std::size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    // Go 1.17+ rejects ';' separators: such a pair is dropped.
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    const std::size_t eq = pair.find('=');
    std::string key, value;
    if (!query_unescape(pair.substr(0, eq), key)) continue;
    if (eq != std::string_view::npos && !query_unescape(pair.substr(eq + 1), value)) continue;
    q.params_.emplace_back(std::move(key), std::move(value));
  }
  return q;
}

std::string Query::get(std::string_view key) const {
  for (const auto& [k, v] : params_) {
    if (k == key) return v;
  }
  return {};
}

Endpoint route(std::string_view path, std::string_view base_path) {
  while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  if (base_path.empty() ? path == "/" : path == base_path) return Endpoint::kRoot;
  if (path.substr(0, base_path.size()) != base_path) return Endpoint::kNotFound;
  path.remove_prefix(base_path.size());
  if (path == "/varz") return Endpoint::kVarz;
  if (path == "/connz") return Endpoint::kConnz;
  if (path == "/routez") return Endpoint::kRoutez;
  if (path == "/subsz" || path == "/subscriptionsz") return Endpoint::kSubsz;
  if (path == "/healthz") return Endpoint::kHealthz;
  if (path == "/metrics") return Endpoint::kMetrics;
  return Endpoint::kNotFound;
}

std::string_view stats_key(Endpoint e) {
  switch (e) {
    case Endpoint::kRoot:
      return "/";
    case Endpoint::kVarz:
      return "/varz";
    case Endpoint::kConnz:
      return "/connz";
    case Endpoint::kRoutez:
      return "/routez";
    case Endpoint::kSubsz:
      return "/subsz";
    case Endpoint::kHealthz:
      return "/healthz";
    case Endpoint::kMetrics:
      return "/metrics";
    case Endpoint::kNotFound:
      break;
  }
  return {};
}

// --- /varz ---

std::string render_varz(const VarzData& v) {
  JsonWriter w;
  w.begin_object();
  w.field("server_id", v.server_id);
  w.field("server_name", v.server_name);
  w.field("version", v.version);
  w.field("proto", 1);
  w.field("go", v.go);
  w.field("host", v.host);
  w.field("port", v.port);
  if (v.auth_required) w.field("auth_required", true);
  w.field("max_connections", v.max_connections);
  if (v.max_subscriptions != 0) w.field("max_subscriptions", v.max_subscriptions);
  w.field("ping_interval", static_cast<int64_t>(v.ping_interval.count()));
  w.field("ping_max", v.ping_max);
  w.field("http_host", v.http_host);
  w.field("http_port", v.http_port);
  w.field("http_base_path", v.http_base_path);
  w.field("https_port", 0);
  w.field("auth_timeout", seconds(v.auth_timeout));
  w.field("max_control_line", v.max_control_line);
  w.field("max_payload", v.max_payload);
  w.field("max_pending", v.max_pending);
  for (std::string_view empty : {"cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream"}) {
    w.key(empty).begin_object().end_object();
  }
  w.field("tls_timeout", 2.0);  // nats-server's default TLS handshake timeout, always reported
  w.field("write_deadline", static_cast<int64_t>(v.write_deadline.count()));
  w.field("start", format_rfc3339_nano(v.start));
  w.field("now", format_rfc3339_nano(v.now));
  w.field("uptime", format_uptime(v.now - v.start));
  w.field("mem", v.mem);
  w.field("cores", v.cores);
  w.field("gomaxprocs", v.cores);
  w.field("cpu", v.cpu);
  w.field("connections", v.connections);
  w.field("total_connections", v.total_connections);
  w.field("routes", 0);
  w.field("remotes", 0);
  w.field("leafnodes", 0);
  w.field("in_msgs", v.in_msgs);
  w.field("out_msgs", v.out_msgs);
  w.field("in_bytes", v.in_bytes);
  w.field("out_bytes", v.out_bytes);
  w.field("slow_consumers", v.slow_consumers);
  w.field("subscriptions", v.subscriptions);
  w.key("http_req_stats").begin_object();
  for (const auto& [path, count] : v.http_req_stats) w.field(path, count);  // std::map: sorted
  w.end_object();
  w.field("config_load_time", format_rfc3339_nano(v.config_load_time));
  if (!v.tags.empty()) {
    w.key("tags").begin_array();
    for (const auto& tag : v.tags) w.value(tag);
    w.end_array();
  }
  if (!v.system_account.empty()) w.field("system_account", v.system_account);
  w.end_object();
  return w.take();
}

// --- /connz ---

namespace {

std::variant<ConnSort, std::string> parse_sort(std::string_view s) {
  static constexpr std::pair<std::string_view, ConnSort> kSorts[] = {
      {"", ConnSort::kCid},
      {"cid", ConnSort::kCid},
      {"start", ConnSort::kStart},
      {"subs", ConnSort::kSubs},
      {"pending", ConnSort::kPending},
      {"msgs_to", ConnSort::kMsgsTo},
      {"msgs_from", ConnSort::kMsgsFrom},
      {"bytes_to", ConnSort::kBytesTo},
      {"bytes_from", ConnSort::kBytesFrom},
      {"last", ConnSort::kLast},
      {"idle", ConnSort::kIdle},
      {"uptime", ConnSort::kUptime},
      {"stop", ConnSort::kStop},
      {"reason", ConnSort::kReason},
  };
  for (const auto& [name, sort] : kSorts) {
    if (name == s) return sort;
  }
  return "invalid sorting option: " + std::string(s);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// nats-server's decodeBool/decodeInt/decodeUint64: an empty parameter is the zero value.
template <class T, class Parse>
bool decode(const Query& q, std::string_view param, std::string_view type, Parse parse, T& out,
            std::string& error) {
  const std::string text = q.get(param);
  if (text.empty()) return true;
  auto parsed = parse(text);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    error = "Error decoding " + std::string(type) + " for '" + std::string(param) + "': " + *err;
    return false;
  }
  out = std::get<0>(parsed);
  return true;
}

}  // namespace

std::variant<ConnzOptions, std::string> parse_connz_options(const Query& q) {
  ConnzOptions o;
  std::string error;
  if (!decode(q, "auth", "boolean", go_parse_bool, o.auth, error)) return error;
  o.subs_detail = lower(q.get("subs")) == "detail";
  if (!o.subs_detail && !decode(q, "subs", "boolean", go_parse_bool, o.subs, error)) return error;
  if (!decode(q, "offset", "int", go_atoi, o.offset, error)) return error;
  int64_t limit = 0;
  if (!decode(q, "limit", "int", go_atoi, limit, error)) return error;
  if (!decode(q, "cid", "uint64", go_parse_uint, o.cid, error)) return error;
  if (const std::string state = lower(q.get("state")); !state.empty()) {
    if (state == "open") {
      o.state = ConnState::kOpen;
    } else if (state == "closed") {
      o.state = ConnState::kClosed;
    } else if (state == "any" || state == "all") {
      o.state = ConnState::kAll;
    } else {
      return "Error decoding state for " + q.get("state");
    }
  }
  o.user = q.get("user");

  auto sort = parse_sort(q.get("sort"));
  if (auto* err = std::get_if<std::string>(&sort)) return *err;
  o.sort = std::get<ConnSort>(sort);
  if (o.offset < 0) o.offset = 0;
  o.limit = limit <= 0 ? kDefaultConnListSize : limit;
  if (o.sort == ConnSort::kStop && o.state != ConnState::kClosed) {
    return std::string("sort by stop only valid on closed connections");
  }
  if (o.sort == ConnSort::kReason && o.state != ConnState::kClosed) {
    return std::string("sort by reason only valid on closed connections");
  }
  if (o.cid > 0) o.limit = 1;
  return o;
}

namespace {

void sort_connections(std::vector<ConnzEntry>& conns, ConnSort sort, Clock::time_point now) {
  // Ties keep cid order, so pages are stable between requests (Go's sort is not stable).
  std::sort(conns.begin(), conns.end(),
            [](const ConnzEntry& a, const ConnzEntry& b) { return a.cid < b.cid; });
  auto descending = [&conns](auto key) {
    std::stable_sort(conns.begin(), conns.end(),
                     [&](const ConnzEntry& a, const ConnzEntry& b) { return key(a) > key(b); });
  };
  switch (sort) {
    case ConnSort::kCid:
    case ConnSort::kStart:
    case ConnSort::kStop:    // closed connections only, and none are kept
    case ConnSort::kReason:  // idem
      break;
    case ConnSort::kSubs:
      descending([](const ConnzEntry& c) { return c.subscriptions; });
      break;
    case ConnSort::kPending:
      descending([](const ConnzEntry& c) { return c.pending_bytes; });
      break;
    case ConnSort::kMsgsTo:
      descending([](const ConnzEntry& c) { return c.out_msgs; });
      break;
    case ConnSort::kMsgsFrom:
      descending([](const ConnzEntry& c) { return c.in_msgs; });
      break;
    case ConnSort::kBytesTo:
      descending([](const ConnzEntry& c) { return c.out_bytes; });
      break;
    case ConnSort::kBytesFrom:
      descending([](const ConnzEntry& c) { return c.in_bytes; });
      break;
    case ConnSort::kLast:
      descending([](const ConnzEntry& c) { return c.last_activity; });
      break;
    case ConnSort::kIdle:
      descending([now](const ConnzEntry& c) { return now - c.last_activity; });
      break;
    case ConnSort::kUptime:
      // The one ascending sort besides cid: shortest-lived connections first.
      std::stable_sort(conns.begin(), conns.end(), [now](const ConnzEntry& a, const ConnzEntry& b) {
        return now - a.start < now - b.start;
      });
      break;
  }
}

void write_connection(JsonWriter& w, const ConnzEntry& c, Clock::time_point now,
                      const ConnzOptions& o) {
  w.begin_object();
  w.field("cid", c.cid);
  w.field("kind", "Client");
  w.field("type", "nats");
  w.field("ip", c.ip);
  w.field("port", c.port);
  w.field("start", format_rfc3339_nano(c.start));
  w.field("last_activity", format_rfc3339_nano(c.last_activity));
  w.field("rtt", config::format_duration(c.rtt));
  w.field("uptime", format_uptime(now - c.start));
  w.field("idle", format_uptime(now - c.last_activity));
  w.field("pending_bytes", c.pending_bytes);
  w.field("in_msgs", c.in_msgs);
  w.field("out_msgs", c.out_msgs);
  w.field("in_bytes", c.in_bytes);
  w.field("out_bytes", c.out_bytes);
  w.field("subscriptions", c.subscriptions);
  if (!c.name.empty()) w.field("name", c.name);
  if (!c.lang.empty()) w.field("lang", c.lang);
  if (!c.version.empty()) w.field("version", c.version);
  if (o.auth && !c.user.empty()) w.field("authorized_user", c.user);
  if (o.subs && !c.subjects.empty()) {
    w.key("subscriptions_list").begin_array();
    for (const auto& s : c.subjects) w.value(s);
    w.end_array();
  }
  w.end_object();
}

}  // namespace

std::string render_connz(std::string_view server_id, Clock::time_point now,
                         std::vector<ConnzEntry> open, const ConnzOptions& o) {
  const bool want_open = o.state != ConnState::kClosed;
  const uint64_t total = want_open ? open.size() : 0;
  std::vector<ConnzEntry> conns;
  if (want_open) {
    for (auto& c : open) {
      if (o.cid > 0 && c.cid != o.cid) continue;
      if (!o.user.empty() && c.user != o.user) continue;
      conns.push_back(std::move(c));
    }
  }
  sort_connections(conns, o.sort, now);
  const auto size = static_cast<int64_t>(conns.size());
  const int64_t first = std::min(o.offset, size);
  const int64_t last = o.limit > std::numeric_limits<int64_t>::max() - o.offset
                           ? size
                           : std::min(o.offset + o.limit, size);

  JsonWriter w;
  w.begin_object();
  w.field("server_id", server_id);
  w.field("now", format_rfc3339_nano(now));
  w.field("num_connections", std::max<int64_t>(last - first, 0));
  w.field("total", total);
  w.field("offset", o.offset);
  w.field("limit", o.limit);
  w.key("connections").begin_array();
  for (int64_t i = first; i < last; ++i)
    write_connection(w, conns[static_cast<std::size_t>(i)], now, o);
  w.end_array();
  w.end_object();
  return w.take();
}

// --- /subsz ---

std::string check_subsz_options(const Query& q) {
  std::string error;
  bool subs = false;
  int64_t n = 0;
  if (!decode(q, "subs", "boolean", go_parse_bool, subs, error)) return error;
  if (!decode(q, "offset", "int", go_atoi, n, error)) return error;
  if (!decode(q, "limit", "int", go_atoi, n, error)) return error;
  if (const std::string test = q.get("test");
      !test.empty() && !codec::is_valid_literal_subject(test)) {
    return "invalid test subject, must be valid publish subject: " + test;
  }
  return {};
}

std::string render_subsz(const SublistStats& s) {
  JsonWriter w;
  w.begin_object();
  w.field("num_subscriptions", s.num_subscriptions);
  w.field("num_cache", s.num_cache);
  w.field("num_inserts", s.num_inserts);
  w.field("num_removes", s.num_removes);
  w.field("num_matches", s.num_matches);
  w.field("cache_hit_rate", s.cache_hit_rate);
  w.field("max_fanout", s.max_fanout);
  w.field("avg_fanout", s.avg_fanout);
  w.end_object();
  return w.take();
}

// --- the rest ---

std::string render_routez(std::string_view server_id, Clock::time_point now) {
  JsonWriter w;
  w.begin_object();
  w.field("server_id", server_id);
  w.field("now", format_rfc3339_nano(now));
  w.field("num_routes", 0);
  w.key("routes").begin_array().end_array();
  w.end_object();
  return w.take();
}

std::string render_healthz() {
  JsonWriter w(JsonWriter::Style::kCompact);
  w.begin_object().field("status", "ok").end_object();
  return w.take();
}

std::string render_root(std::string_view version) {
  // Relative links, as nats-server's index uses, so the page works behind a proxy prefix.
  std::string html =
      "<html lang=\"en\">\n"
      "  <head>\n"
      "    <title>quiver-server</title>\n"
      "    <style type=\"text/css\">\n"
      "      body { font-family: ui-sans-serif,system-ui,sans-serif; margin-left: 32px }\n"
      "      a { display:block; margin-left: 7px; padding-bottom: 6px; color: rgb(72 72 92);"
      " text-decoration: none }\n"
      "      a:hover { font-weight: 600; color: rgb(59 50 202) }\n"
      "    </style>\n"
      "  </head>\n"
      "  <body>\n"
      "    <h1>quiver-server</h1>\n"
      "    <p>NATS-compatible, protocol version v";
  html += version;
  html +=
      "</p>\n"
      "    <a href=./varz>General</a>\n"
      "    <a href=./connz>Connections</a>\n"
      "    <a href=./subsz>Subscriptions</a>\n"
      "    <a href=./routez>Routes</a>\n"
      "    <a href=./healthz>Health Probe</a>\n"
      "    <a href=./metrics>Prometheus Metrics</a>\n"
      "  </body>\n"
      "</html>\n";
  return html;
}

namespace {

std::string prom_label_value(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class PromWriter {
 public:
  template <class T>
  void metric(std::string_view name, std::string_view type, std::string_view help, T value,
              std::string_view labels = {}) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    if constexpr (std::is_floating_point_v<T>) {
      out_ += format_go_float(value);
    } else {
      out_ += std::to_string(value);
    }
    out_ += '\n';
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string render_metrics(const VarzData& v) {
  PromWriter p;
  const double uptime = seconds(v.now - v.start);
  const double start_time = seconds(v.start.time_since_epoch());

  // Native names: Prometheus conventions (units in the name, _total for counters), no labels;
  // the scrape target identifies the server.
  const std::string info_labels = "server_id=\"" + prom_label_value(v.server_id) +
                                  "\",server_name=\"" + prom_label_value(v.server_name) +
                                  "\",version=\"" + prom_label_value(v.version) + "\"";
  p.metric("quiver_info", "gauge", "Server identity; the value is always 1.", 1, info_labels);
  p.metric("quiver_start_time_seconds", "gauge", "Server start time, seconds since the epoch.",
           start_time);
  p.metric("quiver_uptime_seconds", "gauge", "Seconds since the server started.", uptime);
  p.metric("quiver_connections", "gauge", "Client connections currently open.", v.connections);
  p.metric("quiver_connections_total", "counter", "Client connections accepted since start.",
           v.total_connections);
  p.metric("quiver_in_msgs_total", "counter", "Messages received from clients.", v.in_msgs);
  p.metric("quiver_out_msgs_total", "counter", "Messages delivered to clients.", v.out_msgs);
  p.metric("quiver_in_bytes_total", "counter", "Payload bytes received from clients.", v.in_bytes);
  p.metric("quiver_out_bytes_total", "counter", "Payload bytes delivered to clients.", v.out_bytes);
  p.metric("quiver_slow_consumers_total", "counter",
           "Clients disconnected as slow consumers since start.", v.slow_consumers);
  p.metric("quiver_subscriptions", "gauge", "Subscriptions in all accounts.", v.subscriptions);
  p.metric("quiver_mem_bytes", "gauge", "Resident set size of the process, bytes.", v.mem);
  p.metric("quiver_cpu_percent", "gauge",
           "CPU use over the last sampling period, percent of one core.", v.cpu);

  // prometheus-nats-exporter -varz compatibility: exactly the series that exporter derives from
  // /varz (every numeric field as a gauge named gnatsd_varz_<field>, labelled server_id), so
  // existing dashboards work when Prometheus scrapes quiver-server directly.
  const std::string sid = "server_id=\"" + prom_label_value(v.server_id) + "\"";
  auto g = [&](std::string_view field, auto value) {
    const std::string name = "gnatsd_varz_" + std::string(field);
    p.metric(name, "gauge", field, value, sid);
  };
  auto label_gauge = [&](std::string_view field, std::string_view value) {
    const std::string name = "gnatsd_varz_" + std::string(field);
    p.metric(name, "gauge", field, 1, sid + ",value=\"" + prom_label_value(value) + "\"");
  };
  label_gauge("server_id", v.server_id);
  label_gauge("server_name", v.server_name);
  label_gauge("version", v.version);
  g("proto", 1);
  g("port", v.port);
  g("max_connections", v.max_connections);
  if (v.max_subscriptions != 0) g("max_subscriptions", v.max_subscriptions);
  g("ping_interval", static_cast<int64_t>(v.ping_interval.count()));
  g("ping_max", v.ping_max);
  g("http_port", v.http_port);
  g("https_port", 0);
  g("auth_timeout", seconds(v.auth_timeout));
  g("max_control_line", v.max_control_line);
  g("max_payload", v.max_payload);
  g("max_pending", v.max_pending);
  g("tls_timeout", 2.0);
  g("write_deadline", static_cast<int64_t>(v.write_deadline.count()));
  g("mem", v.mem);
  g("cores", v.cores);
  g("gomaxprocs", v.cores);
  g("cpu", v.cpu);
  g("connections", v.connections);
  g("total_connections", v.total_connections);
  g("routes", 0);
  g("remotes", 0);
  g("leafnodes", 0);
  g("in_msgs", v.in_msgs);
  g("out_msgs", v.out_msgs);
  g("in_bytes", v.in_bytes);
  g("out_bytes", v.out_bytes);
  g("slow_consumers", v.slow_consumers);
  g("subscriptions", v.subscriptions);
  return p.take();
}

}  // namespace quiver::server::monitor
