// The monitoring endpoints as pure functions: request parameters in, response body out. No I/O
// and no server access; MonitorServer (monitor.h) gathers the data and serves the HTTP. Output
// matches nats-server 2.9.10 field for field (names, order, omitted-when-empty fields, number
// formats, error texts), verified against the real binary; README.md lists the deliberate gaps.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace quiver::server::monitor {

using Clock = std::chrono::system_clock;

struct HttpResponse {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  bool nosniff = false;  // X-Content-Type-Options: nosniff (Go's http.NotFound sets it)
};

HttpResponse json_response(std::string body);
// 400 with nats-server's plain-text error body.
HttpResponse bad_request(std::string message);
// Go's http.NotFound.
HttpResponse not_found();

// A URL query string as Go's url.ParseQuery reads it ('+' is a space, %XX escapes).
class Query {
 public:
  static Query parse(std::string_view raw);
  // The first value for `key`, "" when absent (Go's Values.Get).
  std::string get(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

enum class Endpoint { kRoot, kVarz, kConnz, kRoutez, kSubsz, kHealthz, kMetrics, kNotFound };

// Maps a request path (no query) to its endpoint. `base_path` is http_base_path ("" or "/"
// for none); as in nats-server, the index is served at the base path itself.
Endpoint route(std::string_view path, std::string_view base_path);

// The http_req_stats key counting requests to `e` ("/subsz" for /subsz and /subscriptionsz).
std::string_view stats_key(Endpoint e);

// --- /varz ---

struct VarzData {
  std::string server_id, server_name, version, go, host;
  int port = 0;
  bool auth_required = false;
  int max_connections = 0;
  int max_subscriptions = 0;  // omitted when 0
  std::chrono::nanoseconds ping_interval{0};
  int ping_max = 0;
  std::string http_host;
  int http_port = 0;
  std::string http_base_path;
  std::chrono::nanoseconds auth_timeout{0};
  int64_t max_control_line = 0;
  int64_t max_payload = 0;
  int64_t max_pending = 0;
  std::chrono::nanoseconds write_deadline{0};
  Clock::time_point start, now, config_load_time;
  int64_t mem = 0;  // resident set size, bytes
  int cores = 0;
  double cpu = 0;  // percent of one core
  uint64_t connections = 0, total_connections = 0;
  uint64_t in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0;
  uint64_t slow_consumers = 0, subscriptions = 0;
  std::map<std::string, uint64_t> http_req_stats;
  std::vector<std::string> tags;
  std::string system_account;  // omitted when empty
};

std::string render_varz(const VarzData& v);

// --- /connz ---

struct ConnzEntry {
  uint64_t cid = 0;
  std::string ip;
  int port = 0;
  Clock::time_point start, last_activity;
  std::chrono::nanoseconds rtt{0};
  uint64_t pending_bytes = 0;
  uint64_t in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0;
  uint64_t subscriptions = 0;
  std::string name, lang, version;
  std::string user;                   // shown as authorized_user with auth=1
  std::vector<std::string> subjects;  // shown as subscriptions_list with subs=1
};

enum class ConnSort {
  kCid,
  kStart,
  kSubs,
  kPending,
  kMsgsTo,
  kMsgsFrom,
  kBytesTo,
  kBytesFrom,
  kLast,
  kIdle,
  kUptime,
  kStop,
  kReason,
};

enum class ConnState { kOpen, kClosed, kAll };

struct ConnzOptions {
  ConnSort sort = ConnSort::kCid;
  bool auth = false;
  bool subs = false;
  bool subs_detail = false;
  int64_t offset = 0;
  int64_t limit = 1024;
  uint64_t cid = 0;  // 0: all connections
  ConnState state = ConnState::kOpen;
  std::string user;  // filter on the authorized user
};

inline constexpr int64_t kDefaultConnListSize = 1024;

// The options, or the text of nats-server's 400 response (checked in nats-server's order).
std::variant<ConnzOptions, std::string> parse_connz_options(const Query& q);

// `open` are the open connections in any order. Closed connections are not retained, so
// state=closed lists none.
std::string render_connz(std::string_view server_id, Clock::time_point now,
                         std::vector<ConnzEntry> open, const ConnzOptions& options);

// --- /subsz ---

struct SublistStats {
  uint64_t num_subscriptions = 0;
  uint64_t num_cache = 0;
  uint64_t num_inserts = 0;
  uint64_t num_removes = 0;
  uint64_t num_matches = 0;
  double cache_hit_rate = 0;
  uint64_t max_fanout = 0;
  double avg_fanout = 0;
};

// Validates /subsz's parameters as nats-server does; "" when they are acceptable.
std::string check_subsz_options(const Query& q);

std::string render_subsz(const SublistStats& stats);

// --- the rest ---

std::string render_routez(std::string_view server_id, Clock::time_point now);
std::string render_healthz();
std::string render_root(std::string_view version);

// Prometheus text exposition format 0.0.4; see README.md for the metric names.
std::string render_metrics(const VarzData& v);

}  // namespace quiver::server::monitor
