#include "client/jetstream/types.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

namespace quiver::client::jetstream {
namespace {

namespace json = boost::json;
using std::chrono::days;
using std::chrono::duration_cast;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// ----- enums -----

template <class E, std::size_t N>
bool enum_from(std::string_view s, const std::array<std::pair<E, std::string_view>, N>& table,
               E& out) {
  for (const auto& [value, name] : table) {
    if (name == s) {
      out = value;
      return true;
    }
  }
  return false;
}

template <class E, std::size_t N>
std::string_view enum_name(E v, const std::array<std::pair<E, std::string_view>, N>& table) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "";
}

constexpr std::array<std::pair<RetentionPolicy, std::string_view>, 3> kRetention{{
    {RetentionPolicy::kLimits, "limits"},
    {RetentionPolicy::kInterest, "interest"},
    {RetentionPolicy::kWorkQueue, "workqueue"},
}};
constexpr std::array<std::pair<DiscardPolicy, std::string_view>, 2> kDiscard{{
    {DiscardPolicy::kOld, "old"},
    {DiscardPolicy::kNew, "new"},
}};
constexpr std::array<std::pair<StorageType, std::string_view>, 2> kStorage{{
    {StorageType::kFile, "file"},
    {StorageType::kMemory, "memory"},
}};
constexpr std::array<std::pair<DeliverPolicy, std::string_view>, 6> kDeliver{{
    {DeliverPolicy::kAll, "all"},
    {DeliverPolicy::kLast, "last"},
    {DeliverPolicy::kNew, "new"},
    {DeliverPolicy::kByStartSequence, "by_start_sequence"},
    {DeliverPolicy::kByStartTime, "by_start_time"},
    {DeliverPolicy::kLastPerSubject, "last_per_subject"},
}};
constexpr std::array<std::pair<AckPolicy, std::string_view>, 3> kAck{{
    {AckPolicy::kNone, "none"},
    {AckPolicy::kAll, "all"},
    {AckPolicy::kExplicit, "explicit"},
}};
constexpr std::array<std::pair<ReplayPolicy, std::string_view>, 2> kReplay{{
    {ReplayPolicy::kInstant, "instant"},
    {ReplayPolicy::kOriginal, "original"},
}};

// ----- reading -----

// Reads fields of one JSON object; the first type mismatch makes ok() false. Absent fields keep
// their defaults (the server omits empty ones).
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}

  bool ok() const { return ok_; }
  const json::value* find(std::string_view key) const {
    const auto* v = o_.if_contains(key);
    return v != nullptr && !v->is_null() ? v : nullptr;
  }

  template <class T>
  void num(std::string_view key, T& out) {
    const auto* v = find(key);
    if (v == nullptr) return;
    boost::system::error_code ec;
    const T n = v->to_number<T>(ec);
    if (ec) {
      ok_ = false;
      return;
    }
    out = n;
  }
  void str(std::string_view key, std::string& out) {
    const auto* v = find(key);
    if (v == nullptr) return;
    if (!v->is_string()) {
      ok_ = false;
      return;
    }
    out = std::string(v->get_string());
  }
  void boolean(std::string_view key, bool& out) {
    const auto* v = find(key);
    if (v == nullptr) return;
    if (!v->is_bool()) {
      ok_ = false;
      return;
    }
    out = v->get_bool();
  }
  void nanos(std::string_view key, Nanos& out) {
    std::int64_t n = out.count();
    num(key, n);
    out = Nanos(n);
  }
  void time(std::string_view key, Time& out) {
    std::string s;
    str(key, s);
    if (s.empty()) return;
    auto t = parse_time(s);
    if (!t) {
      ok_ = false;
      return;
    }
    out = t.value();
  }
  void opt_time(std::string_view key, std::optional<Time>& out) {
    if (find(key) == nullptr) return;
    Time t{};
    time(key, t);
    out = t;
  }
  void strings(std::string_view key, std::vector<std::string>& out) {
    const auto* v = find(key);
    if (v == nullptr) return;
    if (!v->is_array()) {
      ok_ = false;
      return;
    }
    out.clear();
    for (const auto& e : v->get_array()) {
      if (!e.is_string()) {
        ok_ = false;
        return;
      }
      out.emplace_back(e.get_string());
    }
  }
  template <class E, std::size_t N>
  void enumeration(std::string_view key, const std::array<std::pair<E, std::string_view>, N>& t,
                   E& out) {
    std::string s;
    str(key, s);
    if (s.empty()) return;
    if (!enum_from(s, t, out)) ok_ = false;
  }
  // A nested object parsed by `parse` (JsResult<T>(const json::value&)).
  template <class T, class F>
  void object(std::string_view key, std::optional<T>& out, F parse) {
    const auto* v = find(key);
    if (v == nullptr) return;
    auto r = parse(*v);
    if (!r) {
      ok_ = false;
      return;
    }
    out = std::move(r).value();
  }
  template <class T, class F>
  void object(std::string_view key, T& out, F parse) {
    std::optional<T> o;
    object(key, o, parse);
    if (o) out = std::move(*o);
  }
  template <class T, class F>
  void objects(std::string_view key, std::vector<T>& out, F parse) {
    const auto* v = find(key);
    if (v == nullptr) return;
    if (!v->is_array()) {
      ok_ = false;
      return;
    }
    out.clear();
    for (const auto& e : v->get_array()) {
      auto r = parse(e);
      if (!r) {
        ok_ = false;
        return;
      }
      out.push_back(std::move(r).value());
    }
  }

 private:
  const json::object& o_;
  bool ok_ = true;
};

Error bad(std::string_view what) {
  return Error(make_error_code(errc::kBadResponse), std::string(what));
}

template <class T>
JsResult<T> finish(const Reader& r, T value, std::string_view what) {
  if (!r.ok()) return bad(what);
  return value;
}

JsResult<Placement> parse_placement(const json::value& v) {
  if (!v.is_object()) return bad("placement");
  Reader r(v.get_object());
  Placement p;
  r.str("cluster", p.cluster);
  r.strings("tags", p.tags);
  return finish(r, std::move(p), "placement");
}

JsResult<ExternalStream> parse_external(const json::value& v) {
  if (!v.is_object()) return bad("external");
  Reader r(v.get_object());
  ExternalStream e;
  r.str("api", e.api);
  r.str("deliver", e.deliver);
  return finish(r, std::move(e), "external");
}

JsResult<StreamSource> parse_source(const json::value& v) {
  if (!v.is_object()) return bad("source");
  Reader r(v.get_object());
  StreamSource s;
  r.str("name", s.name);
  r.num("opt_start_seq", s.opt_start_seq);
  r.opt_time("opt_start_time", s.opt_start_time);
  r.str("filter_subject", s.filter_subject);
  r.object("external", s.external, parse_external);
  return finish(r, std::move(s), "source");
}

JsResult<RePublish> parse_republish(const json::value& v) {
  if (!v.is_object()) return bad("republish");
  Reader r(v.get_object());
  RePublish p;
  r.str("src", p.src);
  r.str("dest", p.dest);
  r.boolean("headers_only", p.headers_only);
  return finish(r, std::move(p), "republish");
}

JsResult<PeerInfo> parse_peer(const json::value& v) {
  if (!v.is_object()) return bad("peer");
  Reader r(v.get_object());
  PeerInfo p;
  r.str("name", p.name);
  r.boolean("current", p.current);
  r.boolean("offline", p.offline);
  r.nanos("active", p.active);
  r.num("lag", p.lag);
  return finish(r, std::move(p), "peer");
}

JsResult<ClusterInfo> parse_cluster(const json::value& v) {
  if (!v.is_object()) return bad("cluster");
  Reader r(v.get_object());
  ClusterInfo c;
  r.str("name", c.name);
  r.str("leader", c.leader);
  r.objects("replicas", c.replicas, parse_peer);
  return finish(r, std::move(c), "cluster");
}

JsResult<StreamSourceInfo> parse_source_info(const json::value& v) {
  if (!v.is_object()) return bad("source info");
  Reader r(v.get_object());
  StreamSourceInfo s;
  r.str("name", s.name);
  r.num("lag", s.lag);
  r.nanos("active", s.active);
  return finish(r, std::move(s), "source info");
}

JsResult<SequenceInfo> parse_sequence(const json::value& v) {
  if (!v.is_object()) return bad("sequence info");
  Reader r(v.get_object());
  SequenceInfo s;
  r.num("consumer_seq", s.consumer_seq);
  r.num("stream_seq", s.stream_seq);
  r.opt_time("last_active", s.last_active);
  return finish(r, std::move(s), "sequence info");
}

// ----- writing -----

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object to_json(const Placement& p) {
  json::object o;
  o["cluster"] = p.cluster;
  if (!p.tags.empty()) o["tags"] = to_array(p.tags);
  return o;
}

json::object to_json(const StreamSource& s) {
  json::object o;
  o["name"] = s.name;
  if (s.opt_start_seq != 0) o["opt_start_seq"] = s.opt_start_seq;
  if (s.opt_start_time) o["opt_start_time"] = format_time(*s.opt_start_time);
  if (!s.filter_subject.empty()) o["filter_subject"] = s.filter_subject;
  if (s.external) {
    json::object e;
    e["api"] = s.external->api;
    if (!s.external->deliver.empty()) e["deliver"] = s.external->deliver;
    o["external"] = std::move(e);
  }
  return o;
}

json::object to_json(const ClusterInfo& c) {
  json::object o;
  if (!c.name.empty()) o["name"] = c.name;
  if (!c.leader.empty()) o["leader"] = c.leader;
  if (!c.replicas.empty()) {
    json::array a;
    for (const auto& p : c.replicas) {
      json::object po;
      po["name"] = p.name;
      po["current"] = p.current;
      if (p.offline) po["offline"] = true;
      po["active"] = p.active.count();
      if (p.lag != 0) po["lag"] = p.lag;
      a.emplace_back(std::move(po));
    }
    o["replicas"] = std::move(a);
  }
  return o;
}

json::object to_json(const SequenceInfo& s) {
  json::object o;
  o["consumer_seq"] = s.consumer_seq;
  o["stream_seq"] = s.stream_seq;
  if (s.last_active) o["last_active"] = format_time(*s.last_active);
  return o;
}

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, as std::chrono does).
struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool parse_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string_view to_string(RetentionPolicy v) noexcept { return enum_name(v, kRetention); }
std::string_view to_string(DiscardPolicy v) noexcept { return enum_name(v, kDiscard); }
std::string_view to_string(StorageType v) noexcept { return enum_name(v, kStorage); }
std::string_view to_string(DeliverPolicy v) noexcept { return enum_name(v, kDeliver); }
std::string_view to_string(AckPolicy v) noexcept { return enum_name(v, kAck); }
std::string_view to_string(ReplayPolicy v) noexcept { return enum_name(v, kReplay); }

std::string format_time(Time t) {
  if (t == Time{}) return "0001-01-01T00:00:00Z";
  const std::int64_t ns = t.time_since_epoch().count();
  std::int64_t secs = ns / 1'000'000'000;
  std::int64_t frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::int64_t day = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --day;
  }
  const Civil c = civil_from_days(day);
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d", c.year, c.month, c.day,
                        static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                        static_cast<int>(sod % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (frac != 0) {
    n = std::snprintf(buf, sizeof(buf), ".%09lld", static_cast<long long>(frac));
    std::string f(buf, static_cast<std::size_t>(n));
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

JsResult<Time> parse_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+hh:mm|-hh:mm)
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' ||
      !parse_digits(s, 5, 2, month) || s[7] != '-' || !parse_digits(s, 8, 2, day) ||
      (s[10] != 'T' && s[10] != 't') || !parse_digits(s, 11, 2, hour) || s[13] != ':' ||
      !parse_digits(s, 14, 2, minute) || s[16] != ':' || !parse_digits(s, 17, 2, second)) {
    return bad("time");
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return bad("time");
  }
  std::size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) {
        frac = frac * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return bad("time");
    for (int i = digits; i < 9; ++i) frac *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!parse_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !parse_digits(s, pos + 4, 2, om)) {
      return bad("time");
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("time");
  }
  if (pos != s.size()) return bad("time");
  // Go's zero time, and anything else 64-bit nanoseconds cannot hold (before 1678).
  if (year < 1678) return Time{};
  const std::int64_t secs =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset;
  return Time(Nanos(secs * 1'000'000'000 + frac));
}

// ----- StreamConfig -----

json::object to_json(const StreamConfig& c) {
  json::object o;
  o["name"] = c.name;
  if (!c.description.empty()) o["description"] = c.description;
  if (!c.subjects.empty()) o["subjects"] = to_array(c.subjects);
  o["retention"] = to_string(c.retention);
  o["max_consumers"] = c.max_consumers;
  o["max_msgs"] = c.max_msgs;
  o["max_bytes"] = c.max_bytes;
  o["discard"] = to_string(c.discard);
  if (c.discard_new_per_subject) o["discard_new_per_subject"] = true;
  o["max_age"] = c.max_age.count();
  o["max_msgs_per_subject"] = c.max_msgs_per_subject;
  if (c.max_msg_size != 0) o["max_msg_size"] = c.max_msg_size;
  o["storage"] = to_string(c.storage);
  o["num_replicas"] = c.num_replicas;
  if (c.no_ack) o["no_ack"] = true;
  if (c.duplicate_window.count() != 0) o["duplicate_window"] = c.duplicate_window.count();
  if (c.placement) o["placement"] = to_json(*c.placement);
  if (c.mirror) o["mirror"] = to_json(*c.mirror);
  if (!c.sources.empty()) {
    json::array a;
    for (const auto& s : c.sources) a.emplace_back(to_json(s));
    o["sources"] = std::move(a);
  }
  if (c.sealed) o["sealed"] = true;
  if (c.deny_delete) o["deny_delete"] = true;
  if (c.deny_purge) o["deny_purge"] = true;
  if (c.allow_rollup_hdrs) o["allow_rollup_hdrs"] = true;
  if (c.republish) {
    json::object r;
    r["src"] = c.republish->src;
    r["dest"] = c.republish->dest;
    if (c.republish->headers_only) r["headers_only"] = true;
    o["republish"] = std::move(r);
  }
  o["allow_direct"] = c.allow_direct;
  o["mirror_direct"] = c.mirror_direct;
  return o;
}

JsResult<StreamConfig> parse_stream_config(const json::value& v) {
  if (!v.is_object()) return bad("stream config");
  Reader r(v.get_object());
  StreamConfig c;
  r.str("name", c.name);
  r.str("description", c.description);
  r.strings("subjects", c.subjects);
  r.enumeration("retention", kRetention, c.retention);
  r.num("max_consumers", c.max_consumers);
  r.num("max_msgs", c.max_msgs);
  r.num("max_bytes", c.max_bytes);
  r.nanos("max_age", c.max_age);
  r.num("max_msgs_per_subject", c.max_msgs_per_subject);
  r.num("max_msg_size", c.max_msg_size);
  r.enumeration("discard", kDiscard, c.discard);
  r.enumeration("storage", kStorage, c.storage);
  r.num("num_replicas", c.num_replicas);
  r.boolean("no_ack", c.no_ack);
  r.nanos("duplicate_window", c.duplicate_window);
  r.object("placement", c.placement, parse_placement);
  r.object("mirror", c.mirror, parse_source);
  r.objects("sources", c.sources, parse_source);
  r.boolean("sealed", c.sealed);
  r.boolean("deny_delete", c.deny_delete);
  r.boolean("deny_purge", c.deny_purge);
  r.boolean("allow_rollup_hdrs", c.allow_rollup_hdrs);
  r.object("republish", c.republish, parse_republish);
  r.boolean("allow_direct", c.allow_direct);
  r.boolean("mirror_direct", c.mirror_direct);
  r.boolean("discard_new_per_subject", c.discard_new_per_subject);
  return finish(r, std::move(c), "stream config");
}

// ----- StreamState / StreamInfo -----

json::object to_json(const StreamState& s) {
  json::object o;
  o["messages"] = s.messages;
  o["bytes"] = s.bytes;
  o["first_seq"] = s.first_seq;
  o["first_ts"] = format_time(s.first_ts);
  o["last_seq"] = s.last_seq;
  o["last_ts"] = format_time(s.last_ts);
  o["consumer_count"] = s.consumer_count;
  if (!s.deleted.empty()) {
    json::array a;
    for (auto d : s.deleted) a.emplace_back(d);
    o["deleted"] = std::move(a);
  }
  if (s.num_deleted != 0) o["num_deleted"] = s.num_deleted;
  if (s.num_subjects != 0) o["num_subjects"] = s.num_subjects;
  if (!s.subjects.empty()) {
    json::object m;
    for (const auto& [k, n] : s.subjects) m[k] = n;
    o["subjects"] = std::move(m);
  }
  return o;
}

JsResult<StreamState> parse_stream_state(const json::value& v) {
  if (!v.is_object()) return bad("stream state");
  Reader r(v.get_object());
  StreamState s;
  r.num("messages", s.messages);
  r.num("bytes", s.bytes);
  r.num("first_seq", s.first_seq);
  r.time("first_ts", s.first_ts);
  r.num("last_seq", s.last_seq);
  r.time("last_ts", s.last_ts);
  r.num("consumer_count", s.consumer_count);
  r.num("num_deleted", s.num_deleted);
  r.num("num_subjects", s.num_subjects);
  if (const auto* d = r.find("deleted")) {
    if (!d->is_array()) return bad("stream state deleted");
    for (const auto& e : d->get_array()) {
      boost::system::error_code ec;
      const auto n = e.to_number<std::uint64_t>(ec);
      if (ec) return bad("stream state deleted");
      s.deleted.push_back(n);
    }
  }
  if (const auto* m = r.find("subjects")) {
    if (!m->is_object()) return bad("stream state subjects");
    for (const auto& [k, n] : m->get_object()) {
      boost::system::error_code ec;
      const auto count = n.to_number<std::uint64_t>(ec);
      if (ec) return bad("stream state subjects");
      s.subjects[std::string(k)] = count;
    }
  }
  return finish(r, std::move(s), "stream state");
}

json::object to_json(const StreamInfo& i) {
  json::object o;
  o["config"] = to_json(i.config);
  o["created"] = format_time(i.created);
  o["state"] = to_json(i.state);
  if (i.cluster) o["cluster"] = to_json(*i.cluster);
  auto source_info = [](const StreamSourceInfo& s) {
    json::object so;
    so["name"] = s.name;
    so["lag"] = s.lag;
    so["active"] = s.active.count();
    return so;
  };
  if (i.mirror) o["mirror"] = source_info(*i.mirror);
  if (!i.sources.empty()) {
    json::array a;
    for (const auto& s : i.sources) a.emplace_back(source_info(s));
    o["sources"] = std::move(a);
  }
  return o;
}

JsResult<StreamInfo> parse_stream_info(const json::value& v) {
  if (!v.is_object()) return bad("stream info");
  Reader r(v.get_object());
  StreamInfo i;
  r.object("config", i.config, parse_stream_config);
  r.time("created", i.created);
  r.object("state", i.state, parse_stream_state);
  r.object("cluster", i.cluster, parse_cluster);
  r.object("mirror", i.mirror, parse_source_info);
  r.objects("sources", i.sources, parse_source_info);
  return finish(r, std::move(i), "stream info");
}

// ----- ConsumerConfig / ConsumerInfo -----

json::object to_json(const ConsumerConfig& c) {
  json::object o;
  if (!c.durable_name.empty()) o["durable_name"] = c.durable_name;
  if (!c.name.empty()) o["name"] = c.name;
  if (!c.description.empty()) o["description"] = c.description;
  o["deliver_policy"] = to_string(c.deliver_policy);
  if (c.opt_start_seq != 0) o["opt_start_seq"] = c.opt_start_seq;
  if (c.opt_start_time) o["opt_start_time"] = format_time(*c.opt_start_time);
  o["ack_policy"] = to_string(c.ack_policy);
  if (c.ack_wait.count() != 0) o["ack_wait"] = c.ack_wait.count();
  if (c.max_deliver != 0) o["max_deliver"] = c.max_deliver;
  if (!c.backoff.empty()) {
    json::array a;
    for (auto b : c.backoff) a.emplace_back(b.count());
    o["backoff"] = std::move(a);
  }
  if (!c.filter_subject.empty()) o["filter_subject"] = c.filter_subject;
  o["replay_policy"] = to_string(c.replay_policy);
  if (c.rate_limit_bps != 0) o["rate_limit_bps"] = c.rate_limit_bps;
  if (!c.sample_freq.empty()) o["sample_freq"] = c.sample_freq;
  if (c.max_waiting != 0) o["max_waiting"] = c.max_waiting;
  if (c.max_ack_pending != 0) o["max_ack_pending"] = c.max_ack_pending;
  if (c.flow_control) o["flow_control"] = true;
  if (c.idle_heartbeat.count() != 0) o["idle_heartbeat"] = c.idle_heartbeat.count();
  if (c.headers_only) o["headers_only"] = true;
  if (c.max_batch != 0) o["max_batch"] = c.max_batch;
  if (c.max_expires.count() != 0) o["max_expires"] = c.max_expires.count();
  if (c.max_bytes != 0) o["max_bytes"] = c.max_bytes;
  if (!c.deliver_subject.empty()) o["deliver_subject"] = c.deliver_subject;
  if (!c.deliver_group.empty()) o["deliver_group"] = c.deliver_group;
  if (c.inactive_threshold.count() != 0) o["inactive_threshold"] = c.inactive_threshold.count();
  o["num_replicas"] = c.num_replicas;
  if (c.mem_storage) o["mem_storage"] = true;
  return o;
}

JsResult<ConsumerConfig> parse_consumer_config(const json::value& v) {
  if (!v.is_object()) return bad("consumer config");
  Reader r(v.get_object());
  ConsumerConfig c;
  r.str("durable_name", c.durable_name);
  r.str("name", c.name);
  r.str("description", c.description);
  r.enumeration("deliver_policy", kDeliver, c.deliver_policy);
  r.num("opt_start_seq", c.opt_start_seq);
  r.opt_time("opt_start_time", c.opt_start_time);
  r.enumeration("ack_policy", kAck, c.ack_policy);
  r.nanos("ack_wait", c.ack_wait);
  r.num("max_deliver", c.max_deliver);
  if (const auto* b = r.find("backoff")) {
    if (!b->is_array()) return bad("consumer config backoff");
    for (const auto& e : b->get_array()) {
      boost::system::error_code ec;
      const auto n = e.to_number<std::int64_t>(ec);
      if (ec) return bad("consumer config backoff");
      c.backoff.emplace_back(n);
    }
  }
  r.str("filter_subject", c.filter_subject);
  r.enumeration("replay_policy", kReplay, c.replay_policy);
  r.num("rate_limit_bps", c.rate_limit_bps);
  r.str("sample_freq", c.sample_freq);
  r.num("max_waiting", c.max_waiting);
  r.num("max_ack_pending", c.max_ack_pending);
  r.boolean("flow_control", c.flow_control);
  r.nanos("idle_heartbeat", c.idle_heartbeat);
  r.boolean("headers_only", c.headers_only);
  r.num("max_batch", c.max_batch);
  r.nanos("max_expires", c.max_expires);
  r.num("max_bytes", c.max_bytes);
  r.str("deliver_subject", c.deliver_subject);
  r.str("deliver_group", c.deliver_group);
  r.nanos("inactive_threshold", c.inactive_threshold);
  r.num("num_replicas", c.num_replicas);
  r.boolean("mem_storage", c.mem_storage);
  return finish(r, std::move(c), "consumer config");
}

json::object to_json(const ConsumerInfo& i) {
  json::object o;
  o["stream_name"] = i.stream_name;
  o["name"] = i.name;
  o["created"] = format_time(i.created);
  o["config"] = to_json(i.config);
  o["delivered"] = to_json(i.delivered);
  o["ack_floor"] = to_json(i.ack_floor);
  o["num_ack_pending"] = i.num_ack_pending;
  o["num_redelivered"] = i.num_redelivered;
  o["num_waiting"] = i.num_waiting;
  o["num_pending"] = i.num_pending;
  if (i.cluster) o["cluster"] = to_json(*i.cluster);
  if (i.push_bound) o["push_bound"] = true;
  return o;
}

JsResult<ConsumerInfo> parse_consumer_info(const json::value& v) {
  if (!v.is_object()) return bad("consumer info");
  Reader r(v.get_object());
  ConsumerInfo i;
  r.str("stream_name", i.stream_name);
  r.str("name", i.name);
  r.time("created", i.created);
  r.object("config", i.config, parse_consumer_config);
  r.object("delivered", i.delivered, parse_sequence);
  r.object("ack_floor", i.ack_floor, parse_sequence);
  r.num("num_ack_pending", i.num_ack_pending);
  r.num("num_redelivered", i.num_redelivered);
  r.num("num_waiting", i.num_waiting);
  r.num("num_pending", i.num_pending);
  r.object("cluster", i.cluster, parse_cluster);
  r.boolean("push_bound", i.push_bound);
  return finish(r, std::move(i), "consumer info");
}

// ----- PubAck / AccountInfo -----

json::object to_json(const PubAck& a) {
  json::object o;
  o["stream"] = a.stream;
  o["seq"] = a.seq;
  if (a.duplicate) o["duplicate"] = true;
  if (!a.domain.empty()) o["domain"] = a.domain;
  return o;
}

JsResult<PubAck> parse_pub_ack(std::string_view text) {
  auto body = parse_api_response(text);
  if (!body) return std::move(body).error();
  Reader r(body.value());
  PubAck a;
  r.str("stream", a.stream);
  r.num("seq", a.seq);
  r.boolean("duplicate", a.duplicate);
  r.str("domain", a.domain);
  if (r.ok() && a.stream.empty()) return bad("publish acknowledgement without a stream");
  return finish(r, std::move(a), "publish acknowledgement");
}

json::object to_json(const AccountInfo& a) {
  json::object o;
  o["memory"] = a.memory;
  o["storage"] = a.storage;
  o["streams"] = a.streams;
  o["consumers"] = a.consumers;
  if (!a.domain.empty()) o["domain"] = a.domain;
  json::object l;
  l["max_memory"] = a.limits.max_memory;
  l["max_storage"] = a.limits.max_storage;
  l["max_streams"] = a.limits.max_streams;
  l["max_consumers"] = a.limits.max_consumers;
  l["max_ack_pending"] = a.limits.max_ack_pending;
  l["memory_max_stream_bytes"] = a.limits.memory_max_stream_bytes;
  l["storage_max_stream_bytes"] = a.limits.storage_max_stream_bytes;
  l["max_bytes_required"] = a.limits.max_bytes_required;
  o["limits"] = std::move(l);
  json::object api;
  api["total"] = a.api_total;
  api["errors"] = a.api_errors;
  o["api"] = std::move(api);
  return o;
}

JsResult<AccountInfo> parse_account_info(const json::value& v) {
  if (!v.is_object()) return bad("account info");
  Reader r(v.get_object());
  AccountInfo a;
  r.num("memory", a.memory);
  r.num("storage", a.storage);
  r.num("streams", a.streams);
  r.num("consumers", a.consumers);
  r.str("domain", a.domain);
  if (const auto* l = r.find("limits"); l != nullptr && l->is_object()) {
    Reader lr(l->get_object());
    lr.num("max_memory", a.limits.max_memory);
    lr.num("max_storage", a.limits.max_storage);
    lr.num("max_streams", a.limits.max_streams);
    lr.num("max_consumers", a.limits.max_consumers);
    lr.num("max_ack_pending", a.limits.max_ack_pending);
    lr.num("memory_max_stream_bytes", a.limits.memory_max_stream_bytes);
    lr.num("storage_max_stream_bytes", a.limits.storage_max_stream_bytes);
    lr.boolean("max_bytes_required", a.limits.max_bytes_required);
    if (!lr.ok()) return bad("account limits");
  }
  if (const auto* api = r.find("api"); api != nullptr && api->is_object()) {
    Reader ar(api->get_object());
    ar.num("total", a.api_total);
    ar.num("errors", a.api_errors);
    if (!ar.ok()) return bad("account api stats");
  }
  return finish(r, std::move(a), "account info");
}

JsResult<json::object> parse_api_response(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return bad("not a JSON object");
  json::object& o = v.get_object();
  if (const auto* e = o.if_contains("error"); e != nullptr && e->is_object()) {
    Reader r(e->get_object());
    int code = 0;
    int err_code = 0;
    std::string description;
    r.num("code", code);
    r.num("err_code", err_code);
    r.str("description", description);
    return Error::api(code, err_code, std::move(description));
  }
  return std::move(o);
}

}  // namespace quiver::client::jetstream
