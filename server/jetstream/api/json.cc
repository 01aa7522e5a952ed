#include "server/jetstream/api/json.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "codec/errc.h"
#include "codec/protocol_json.h"
#include "server/jetstream/api/internal/go_text.h"

namespace quiver::server::jetstream::api {
namespace json = boost::json;
namespace {

// =============================================================================================
// Encoding

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_str(std::string& out, std::string_view s) { codec::append_json_string(out, s); }

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// base64.StdEncoding, which encoding/json uses for []byte.
void append_base64(std::string& out, std::string_view in) {
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(in[k]));
  };
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back(kBase64[v & 63]);
  }
  if (i + 1 == in.size()) {
    const unsigned v = byte(i) << 16;
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back('=');
  }
}

// Writes one JSON object: keys in call order, a comma before every key but the first.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  ~ObjectWriter() { out_.push_back('}'); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  // Starts a member and returns the buffer for its value.
  std::string& key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(k);  // field names are plain ASCII
    out_.append("\":");
    return out_;
  }
  // A member whose name needs escaping (a map key).
  std::string& key_escaped(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    append_str(out_, k);
    out_.push_back(':');
    return out_;
  }
  void str(std::string_view k, std::string_view v) { append_str(key(k), v); }
  void str_omitempty(std::string_view k, std::string_view v) {
    if (!v.empty()) str(k, v);
  }
  void i64(std::string_view k, std::int64_t v) { append_int(key(k), v); }
  void i64_omitempty(std::string_view k, std::int64_t v) {
    if (v != 0) i64(k, v);
  }
  void u64(std::string_view k, std::uint64_t v) { append_uint(key(k), v); }
  void u64_omitempty(std::string_view k, std::uint64_t v) {
    if (v != 0) u64(k, v);
  }
  void boolean(std::string_view k, bool v) { key(k).append(v ? "true" : "false"); }
  void bool_omitempty(std::string_view k, bool v) {
    if (v) boolean(k, v);
  }
  void time(std::string_view k, UnixNanos t) {
    std::string& o = key(k);
    o.push_back('"');
    o.append(format_time(t));
    o.push_back('"');
  }
  // A JSON array member: `write_item(out, item)` appends each element.
  template <class T, class WriteItem>
  void array(std::string_view k, const std::vector<T>& v, WriteItem&& write_item) {
    std::string& o = key(k);
    o.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) o.push_back(',');
      write_item(o, v[i]);
    }
    o.push_back(']');
  }
  void strings(std::string_view k, const std::vector<std::string>& v, bool nil_when_empty) {
    if (v.empty() && nil_when_empty) {
      key(k).append("null");
      return;
    }
    array(k, v, [](std::string& o, const std::string& item) { append_str(o, item); });
  }
  template <class I>
  void ints(std::string_view k, const std::vector<I>& v, bool nil_when_empty) {
    if (v.empty() && nil_when_empty) {
      key(k).append("null");
      return;
    }
    array(k, v, [](std::string& o, I item) {
      if constexpr (std::is_signed_v<I>) {
        append_int(o, item);
      } else {
        append_uint(o, item);
      }
    });
  }

 private:
  std::string& out_;
  bool first_ = true;
};

std::string_view retention_name(RetentionPolicy r) {
  switch (r) {
    case RetentionPolicy::kLimits:
      return "limits";
    case RetentionPolicy::kInterest:
      return "interest";
    case RetentionPolicy::kWorkQueue:
      return "workqueue";
  }
  return "limits";
}

std::string_view discard_name(DiscardPolicy d) { return d == DiscardPolicy::kNew ? "new" : "old"; }

std::string_view storage_name(StorageType s) {
  return s == StorageType::kMemory ? "memory" : "file";
}

std::string_view deliver_name(DeliverPolicy d) {
  switch (d) {
    case DeliverPolicy::kAll:
      return "all";
    case DeliverPolicy::kLast:
      return "last";
    case DeliverPolicy::kNew:
      return "new";
    case DeliverPolicy::kByStartSequence:
      return "by_start_sequence";
    case DeliverPolicy::kByStartTime:
      return "by_start_time";
    case DeliverPolicy::kLastPerSubject:
      return "last_per_subject";
  }
  return "all";
}

std::string_view ack_name(AckPolicy a) {
  switch (a) {
    case AckPolicy::kNone:
      return "none";
    case AckPolicy::kAll:
      return "all";
    case AckPolicy::kExplicit:
      return "explicit";
  }
  return "none";
}

std::string_view replay_name(ReplayPolicy r) {
  return r == ReplayPolicy::kOriginal ? "original" : "instant";
}

void write_api_error(std::string& out, const ApiError& e) {
  ObjectWriter w(out);
  w.i64("code", e.code);
  w.u64_omitempty("err_code", e.err_code);
  w.str_omitempty("description", e.description);
}

void write_external(std::string& out, const ExternalStream& e) {
  ObjectWriter w(out);
  w.str("api", e.api);
  w.str("deliver", e.deliver);
}

void write_source(std::string& out, const StreamSource& s) {
  ObjectWriter w(out);
  w.str("name", s.name);
  w.u64_omitempty("opt_start_seq", s.opt_start_seq);
  if (s.opt_start_time) w.str("opt_start_time", format_time(*s.opt_start_time));
  w.str_omitempty("filter_subject", s.filter_subject);
  if (s.external) write_external(w.key("external"), *s.external);
}

void write_stream_config(std::string& out, const StreamConfig& c) {
  ObjectWriter w(out);
  w.str("name", c.name);
  w.str_omitempty("description", c.description);
  if (!c.subjects.empty()) w.strings("subjects", c.subjects, false);
  w.str("retention", retention_name(c.retention));
  w.i64("max_consumers", c.max_consumers);
  w.i64("max_msgs", c.max_msgs);
  w.i64("max_bytes", c.max_bytes);
  w.i64("max_age", c.max_age);
  w.i64("max_msgs_per_subject", c.max_msgs_per_subject);
  w.i64_omitempty("max_msg_size", c.max_msg_size);
  w.str("discard", discard_name(c.discard));
  w.str("storage", storage_name(c.storage));
  w.i64("num_replicas", c.num_replicas);
  w.bool_omitempty("no_ack", c.no_ack);
  w.str_omitempty("template_owner", c.template_owner);
  w.i64_omitempty("duplicate_window", c.duplicate_window);
  if (c.placement) {
    ObjectWriter p(w.key("placement"));
    p.str_omitempty("cluster", c.placement->cluster);
    if (!c.placement->tags.empty()) p.strings("tags", c.placement->tags, false);
  }
  if (c.mirror) write_source(w.key("mirror"), *c.mirror);
  if (!c.sources.empty()) w.array("sources", c.sources, write_source);
  if (c.republish) {
    ObjectWriter r(w.key("republish"));
    r.str_omitempty("src", c.republish->src);
    r.str("dest", c.republish->dest);
    r.bool_omitempty("headers_only", c.republish->headers_only);
  }
  w.boolean("allow_direct", c.allow_direct);
  w.boolean("mirror_direct", c.mirror_direct);
  w.bool_omitempty("discard_new_per_subject", c.discard_new_per_subject);
  w.boolean("sealed", c.sealed);
  w.boolean("deny_delete", c.deny_delete);
  w.boolean("deny_purge", c.deny_purge);
  w.boolean("allow_rollup_hdrs", c.allow_rollup_hdrs);
}

void write_stream_state(std::string& out, const StreamState& s) {
  ObjectWriter w(out);
  w.u64("messages", s.messages);
  w.u64("bytes", s.bytes);
  w.u64("first_seq", s.first_seq);
  w.time("first_ts", s.first_ts);
  w.u64("last_seq", s.last_seq);
  w.time("last_ts", s.last_ts);
  w.i64_omitempty("num_subjects", s.num_subjects);
  if (!s.subjects.empty()) {
    ObjectWriter m(w.key("subjects"));
    for (const auto& [subject, count] : s.subjects) append_uint(m.key_escaped(subject), count);
  }
  w.i64_omitempty("num_deleted", s.num_deleted);
  if (!s.deleted.empty()) w.ints("deleted", s.deleted, false);
  if (s.lost) {
    ObjectWriter l(w.key("lost"));
    l.ints("msgs", s.lost->msgs, true);
    l.u64("bytes", s.lost->bytes);
  }
  w.i64("consumer_count", s.consumer_count);
}

void write_cluster(std::string& out, const ClusterInfo& c) {
  ObjectWriter w(out);
  w.str_omitempty("name", c.name);
  w.str_omitempty("leader", c.leader);
  if (!c.replicas.empty()) {
    w.array("replicas", c.replicas, [](std::string& o, const PeerInfo& p) {
      ObjectWriter pw(o);
      pw.str("name", p.name);
      pw.boolean("current", p.current);
      pw.bool_omitempty("offline", p.offline);
      pw.i64("active", p.active);
      pw.u64_omitempty("lag", p.lag);
      pw.str("peer", p.peer);
    });
  }
}

void write_source_info(std::string& out, const StreamSourceInfo& s) {
  ObjectWriter w(out);
  w.str("name", s.name);
  if (s.external) write_external(w.key("external"), *s.external);
  w.u64("lag", s.lag);
  w.i64("active", s.active);
  if (s.error) write_api_error(w.key("error"), *s.error);
}

// The members of a StreamInfo, for embedding into a response object (Go embeds *StreamInfo).
void write_stream_info_members(ObjectWriter& w, const StreamInfo& i) {
  write_stream_config(w.key("config"), i.config);
  w.time("created", i.created);
  write_stream_state(w.key("state"), i.state);
  w.str_omitempty("domain", i.domain);
  if (i.cluster) write_cluster(w.key("cluster"), *i.cluster);
  if (i.mirror) write_source_info(w.key("mirror"), *i.mirror);
  if (!i.sources.empty()) w.array("sources", i.sources, write_source_info);
  if (!i.alternates.empty()) {
    w.array("alternates", i.alternates, [](std::string& o, const StreamAlternate& alt) {
      ObjectWriter a(o);
      a.str("name", alt.name);
      a.str_omitempty("domain", alt.domain);
      a.str("cluster", alt.cluster);
    });
  }
}

void write_consumer_config(std::string& out, const ConsumerConfig& c) {
  ObjectWriter w(out);
  w.str_omitempty("durable_name", c.durable_name);
  w.str_omitempty("name", c.name);
  w.str_omitempty("description", c.description);
  w.str("deliver_policy", deliver_name(c.deliver_policy));
  w.u64_omitempty("opt_start_seq", c.opt_start_seq);
  if (c.opt_start_time) w.str("opt_start_time", format_time(*c.opt_start_time));
  w.str("ack_policy", ack_name(c.ack_policy));
  w.i64_omitempty("ack_wait", c.ack_wait);
  w.i64_omitempty("max_deliver", c.max_deliver);
  if (!c.backoff.empty()) w.ints("backoff", c.backoff, false);
  w.str_omitempty("filter_subject", c.filter_subject);
  w.str("replay_policy", replay_name(c.replay_policy));
  w.u64_omitempty("rate_limit_bps", c.rate_limit_bps);
  w.str_omitempty("sample_freq", c.sample_freq);
  w.i64_omitempty("max_waiting", c.max_waiting);
  w.i64_omitempty("max_ack_pending", c.max_ack_pending);
  w.i64_omitempty("idle_heartbeat", c.idle_heartbeat);
  w.bool_omitempty("flow_control", c.flow_control);
  w.bool_omitempty("headers_only", c.headers_only);
  w.i64_omitempty("max_batch", c.max_batch);
  w.i64_omitempty("max_expires", c.max_expires);
  w.i64_omitempty("max_bytes", c.max_bytes);
  w.str_omitempty("deliver_subject", c.deliver_subject);
  w.str_omitempty("deliver_group", c.deliver_group);
  w.i64_omitempty("inactive_threshold", c.inactive_threshold);
  w.i64("num_replicas", c.num_replicas);
  w.bool_omitempty("mem_storage", c.mem_storage);
  w.bool_omitempty("direct", c.direct);
}

void write_sequence_info(std::string& out, const SequenceInfo& s) {
  ObjectWriter w(out);
  w.u64("consumer_seq", s.consumer_seq);
  w.u64("stream_seq", s.stream_seq);
  if (s.last_active) w.time("last_active", *s.last_active);
}

void write_consumer_info_members(ObjectWriter& w, const ConsumerInfo& i) {
  w.str("stream_name", i.stream_name);
  w.str("name", i.name);
  w.time("created", i.created);
  if (i.config) write_consumer_config(w.key("config"), *i.config);
  write_sequence_info(w.key("delivered"), i.delivered);
  write_sequence_info(w.key("ack_floor"), i.ack_floor);
  w.i64("num_ack_pending", i.num_ack_pending);
  w.i64("num_redelivered", i.num_redelivered);
  w.i64("num_waiting", i.num_waiting);
  w.u64("num_pending", i.num_pending);
  if (i.cluster) write_cluster(w.key("cluster"), *i.cluster);
  w.bool_omitempty("push_bound", i.push_bound);
}

void write_account_info_members(ObjectWriter& w, const AccountInfo& a) {
  w.u64("memory", a.memory);
  w.u64("storage", a.storage);
  w.i64("streams", a.streams);
  w.i64("consumers", a.consumers);
  {
    ObjectWriter l(w.key("limits"));
    l.i64("max_memory", a.limits.max_memory);
    l.i64("max_storage", a.limits.max_storage);
    l.i64("max_streams", a.limits.max_streams);
    l.i64("max_consumers", a.limits.max_consumers);
    l.i64("max_ack_pending", a.limits.max_ack_pending);
    l.i64("memory_max_stream_bytes", a.limits.memory_max_stream_bytes);
    l.i64("storage_max_stream_bytes", a.limits.storage_max_stream_bytes);
    l.boolean("max_bytes_required", a.limits.max_bytes_required);
  }
  w.str_omitempty("domain", a.domain);
  ObjectWriter api(w.key("api"));
  api.u64("total", a.api.total);
  api.u64("errors", a.api.errors);
  api.u64_omitempty("inflight", a.api.inflight);
}

// Go's ApiResponse: "type" then "error" when set.
void write_response_head(ObjectWriter& w, std::string_view type,
                         const std::optional<ApiError>& error) {
  w.str("type", type);
  if (error) write_api_error(w.key("error"), *error);
}

void write_paged(ObjectWriter& w, const ApiPaged& p) {
  w.i64("total", p.total);
  w.i64("offset", p.offset);
  w.i64("limit", p.limit);
}

// =============================================================================================
// Time

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
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
  return {y + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

void append_digits(std::string& out, std::int64_t v, int width) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(r.ptr - buf); pad > 0; --pad) out.push_back('0');
  out.append(buf, r.ptr);
}

// =============================================================================================
// Decoding: json.Unmarshal semantics over a Boost.JSON DOM.

bool key_is(std::string_view key, std::string_view name) {
  return codec::go_json_key_matches(name, key);
}

// Length of the valid UTF-8 sequence at s[i], 0 where Go would see utf8.RuneError.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Go's decoder turns each byte that does not start valid UTF-8 into U+FFFD.
std::string go_string(json::string_view in) {
  const std::string_view s(in.data(), in.size());
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::optional<json::value> parse_dom(std::string_view body, bool* incomplete = nullptr) {
  json::parse_options opts;
  opts.max_depth = 10000;  // encoding/json's limit; Boost's default of 32 is far lower
  opts.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(body.data(), body.size()), ec, {}, opts);
  if (ec) {
    if (incomplete) *incomplete = ec == json::error::incomplete;
    return std::nullopt;
  }
  return v;
}

// The struct decoders, declared ahead of the templates that call them.
bool get(const json::value& v, ExternalStream& e);
bool get(const json::value& v, StreamSource& s);
bool get(const json::value& v, Placement& p);
bool get(const json::value& v, RePublish& r);

// Each get() stores a JSON value into a Go-typed field, or returns false where json.Unmarshal
// fails. `null` leaves scalars alone and clears slices and pointers, as in Go.
bool get(const json::value& v, std::string& out) {
  if (v.is_null()) return true;
  if (!v.is_string()) return false;
  out = go_string(v.get_string());
  return true;
}

bool get(const json::value& v, bool& out) {
  if (v.is_null()) return true;
  if (!v.is_bool()) return false;
  out = v.get_bool();
  return true;
}

template <class I>
bool get_integer(const json::value& v, I& out) {
  if (v.is_null()) return true;
  if (v.is_int64()) {
    const std::int64_t x = v.get_int64();
    if (x < static_cast<std::int64_t>(std::numeric_limits<I>::min())) return false;
    if constexpr (sizeof(I) < 8 || std::is_signed_v<I>) {
      if (x > static_cast<std::int64_t>(std::numeric_limits<I>::max())) return false;
    }
    out = static_cast<I>(x);
    return true;
  }
  if (v.is_uint64()) {
    const std::uint64_t x = v.get_uint64();
    if (x > static_cast<std::uint64_t>(std::numeric_limits<I>::max())) return false;
    out = static_cast<I>(x);
    return true;
  }
  return false;  // a double: "1.5" and "1e3" do not fit a Go integer
}

bool get(const json::value& v, std::int64_t& out) { return get_integer(v, out); }
bool get(const json::value& v, std::int32_t& out) { return get_integer(v, out); }
bool get(const json::value& v, std::uint64_t& out) { return get_integer(v, out); }

template <class T>
bool get(const json::value& v, std::vector<T>& out) {
  if (v.is_null()) {
    out.clear();
    return true;
  }
  if (!v.is_array()) return false;
  std::vector<T> items;
  items.reserve(v.get_array().size());
  for (const json::value& e : v.get_array()) {
    items.emplace_back();
    if (!get(e, items.back())) return false;
  }
  out = std::move(items);
  return true;
}

// Go's *time.Time: null clears, otherwise an RFC 3339 string.
bool get(const json::value& v, std::optional<ClientTime>& out) {
  if (v.is_null()) {
    out.reset();
    return true;
  }
  if (!v.is_string()) return false;
  auto t = parse_time(std::string_view(v.get_string().data(), v.get_string().size()));
  if (!t) return false;
  out = t.value();
  return true;
}

// The enums implement json.Unmarshaler, which Go also calls for `null` (and they fail on it).
// Their switch compares the raw token, so only the exact lower-case spelling matches; discard
// lower-cases it first.
template <class E, std::size_t N>
bool get_enum(const json::value& v, E& out,
              const std::array<std::pair<std::string_view, E>, N>& names,
              bool lower_first = false) {
  if (!v.is_string()) return false;
  std::string s(v.get_string().data(), v.get_string().size());
  if (lower_first) {
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  for (const auto& [name, value] : names) {
    if (s == name) {
      out = value;
      return true;
    }
  }
  return false;
}

bool get(const json::value& v, RetentionPolicy& out) {
  static constexpr std::array<std::pair<std::string_view, RetentionPolicy>, 3> kNames{{
      {"limits", RetentionPolicy::kLimits},
      {"interest", RetentionPolicy::kInterest},
      {"workqueue", RetentionPolicy::kWorkQueue},
  }};
  return get_enum(v, out, kNames);
}

bool get(const json::value& v, DiscardPolicy& out) {
  static constexpr std::array<std::pair<std::string_view, DiscardPolicy>, 2> kNames{{
      {"old", DiscardPolicy::kOld},
      {"new", DiscardPolicy::kNew},
  }};
  return get_enum(v, out, kNames, /*lower_first=*/true);
}

bool get(const json::value& v, StorageType& out) {
  static constexpr std::array<std::pair<std::string_view, StorageType>, 2> kNames{{
      {"file", StorageType::kFile},
      {"memory", StorageType::kMemory},
  }};
  return get_enum(v, out, kNames);
}

bool get(const json::value& v, DeliverPolicy& out) {
  static constexpr std::array<std::pair<std::string_view, DeliverPolicy>, 7> kNames{{
      {"all", DeliverPolicy::kAll},
      {"undefined", DeliverPolicy::kAll},
      {"last", DeliverPolicy::kLast},
      {"new", DeliverPolicy::kNew},
      {"by_start_sequence", DeliverPolicy::kByStartSequence},
      {"by_start_time", DeliverPolicy::kByStartTime},
      {"last_per_subject", DeliverPolicy::kLastPerSubject},
  }};
  return get_enum(v, out, kNames);
}

bool get(const json::value& v, AckPolicy& out) {
  static constexpr std::array<std::pair<std::string_view, AckPolicy>, 3> kNames{{
      {"none", AckPolicy::kNone},
      {"all", AckPolicy::kAll},
      {"explicit", AckPolicy::kExplicit},
  }};
  return get_enum(v, out, kNames);
}

bool get(const json::value& v, ReplayPolicy& out) {
  static constexpr std::array<std::pair<std::string_view, ReplayPolicy>, 2> kNames{{
      {"instant", ReplayPolicy::kInstant},
      {"original", ReplayPolicy::kOriginal},
  }};
  return get_enum(v, out, kNames);
}

// Calls on_member(key, value) for each member in document order; false stops with a failure.
// A JSON null where the struct itself is expected leaves it alone (Go).
template <class F>
bool decode_object(const json::value& v, F&& on_member) {
  if (v.is_null()) return true;
  if (!v.is_object()) return false;
  for (const auto& kv : v.get_object()) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (!on_member(key, kv.value())) return false;
  }
  return true;
}

bool get(const json::value& v, ExternalStream& e) {
  return decode_object(v, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "api")) return get(x, e.api);
    if (key_is(k, "deliver")) return get(x, e.deliver);
    return true;
  });
}

// A Go pointer to a struct: null clears it; an object decodes into the existing value.
template <class T>
bool get(const json::value& v, std::optional<T>& out) {
  if (v.is_null()) {
    out.reset();
    return true;
  }
  if (!v.is_object()) return false;
  if (!out) out.emplace();
  return get(v, *out);
}

bool get(const json::value& v, StreamSource& s) {
  return decode_object(v, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "name")) return get(x, s.name);
    if (key_is(k, "opt_start_seq")) return get(x, s.opt_start_seq);
    if (key_is(k, "opt_start_time")) return get(x, s.opt_start_time);
    if (key_is(k, "filter_subject")) return get(x, s.filter_subject);
    if (key_is(k, "external")) return get(x, s.external);
    return true;
  });
}

bool get(const json::value& v, Placement& p) {
  return decode_object(v, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "cluster")) return get(x, p.cluster);
    if (key_is(k, "tags")) return get(x, p.tags);
    return true;
  });
}

bool get(const json::value& v, RePublish& r) {
  return decode_object(v, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "src")) return get(x, r.src);
    if (key_is(k, "dest")) return get(x, r.dest);
    if (key_is(k, "headers_only")) return get(x, r.headers_only);
    return true;
  });
}

bool get(const json::value& v, StreamConfig& c) {
  return decode_object(v, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "name")) return get(x, c.name);
    if (key_is(k, "description")) return get(x, c.description);
    if (key_is(k, "subjects")) return get(x, c.subjects);
    if (key_is(k, "retention")) return get(x, c.retention);
    if (key_is(k, "max_consumers")) return get(x, c.max_consumers);
    if (key_is(k, "max_msgs")) return get(x, c.max_msgs);
    if (key_is(k, "max_bytes")) return get(x, c.max_bytes);
    if (key_is(k, "max_age")) return get(x, c.max_age);
    if (key_is(k, "max_msgs_per_subject")) return get(x, c.max_msgs_per_subject);
    if (key_is(k, "max_msg_size")) return get(x, c.max_msg_size);
    if (key_is(k, "discard")) return get(x, c.discard);
    if (key_is(k, "storage")) return get(x, c.storage);
    if (key_is(k, "num_replicas")) return get(x, c.num_replicas);
    if (key_is(k, "no_ack")) return get(x, c.no_ack);
    if (key_is(k, "template_owner")) return get(x, c.template_owner);
    if (key_is(k, "duplicate_window")) return get(x, c.duplicate_window);
    if (key_is(k, "placement")) return get(x, c.placement);
    if (key_is(k, "mirror")) return get(x, c.mirror);
    if (key_is(k, "sources")) return get(x, c.sources);
    if (key_is(k, "republish")) return get(x, c.republish);
    if (key_is(k, "allow_direct")) return get(x, c.allow_direct);
    if (key_is(k, "mirror_direct")) return get(x, c.mirror_direct);
    if (key_is(k, "discard_new_per_subject")) return get(x, c.discard_new_per_subject);
    if (key_is(k, "sealed")) return get(x, c.sealed);
    if (key_is(k, "deny_delete")) return get(x, c.deny_delete);
    if (key_is(k, "deny_purge")) return get(x, c.deny_purge);
    if (key_is(k, "allow_rollup_hdrs")) return get(x, c.allow_rollup_hdrs);
    return true;
  });
}

bool get(const json::value& v, ConsumerConfig& c) {
  return decode_object(v, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "durable_name")) return get(x, c.durable_name);
    if (key_is(k, "name")) return get(x, c.name);
    if (key_is(k, "description")) return get(x, c.description);
    if (key_is(k, "deliver_policy")) return get(x, c.deliver_policy);
    if (key_is(k, "opt_start_seq")) return get(x, c.opt_start_seq);
    if (key_is(k, "opt_start_time")) return get(x, c.opt_start_time);
    if (key_is(k, "ack_policy")) return get(x, c.ack_policy);
    if (key_is(k, "ack_wait")) return get(x, c.ack_wait);
    if (key_is(k, "max_deliver")) return get(x, c.max_deliver);
    if (key_is(k, "backoff")) return get(x, c.backoff);
    if (key_is(k, "filter_subject")) return get(x, c.filter_subject);
    if (key_is(k, "replay_policy")) return get(x, c.replay_policy);
    if (key_is(k, "rate_limit_bps")) return get(x, c.rate_limit_bps);
    if (key_is(k, "sample_freq")) return get(x, c.sample_freq);
    if (key_is(k, "max_waiting")) return get(x, c.max_waiting);
    if (key_is(k, "max_ack_pending")) return get(x, c.max_ack_pending);
    if (key_is(k, "idle_heartbeat")) return get(x, c.idle_heartbeat);
    if (key_is(k, "flow_control")) return get(x, c.flow_control);
    if (key_is(k, "headers_only")) return get(x, c.headers_only);
    if (key_is(k, "max_batch")) return get(x, c.max_batch);
    if (key_is(k, "max_expires")) return get(x, c.max_expires);
    if (key_is(k, "max_bytes")) return get(x, c.max_bytes);
    if (key_is(k, "deliver_subject")) return get(x, c.deliver_subject);
    if (key_is(k, "deliver_group")) return get(x, c.deliver_group);
    if (key_is(k, "inactive_threshold")) return get(x, c.inactive_threshold);
    if (key_is(k, "num_replicas")) return get(x, c.num_replicas);
    if (key_is(k, "mem_storage")) return get(x, c.mem_storage);
    if (key_is(k, "direct")) return get(x, c.direct);
    return true;
  });
}

ApiError invalid_json() { return kJSInvalidJSONErr.error(); }

// json.Unmarshal(body, &T{}) with T decoded by get().
template <class T>
ApiResult<T> unmarshal(std::string_view body) {
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  T out{};
  if (!get(*dom, out)) return invalid_json();
  return out;
}

// Go's Atoi: optional sign, decimal digits, int64 range.
std::optional<std::int64_t> go_atoi(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (v > kMax + 1) return std::nullopt;
    return v == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
  }
  if (v > kMax) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

// bytes.TrimSpace: ASCII white space plus U+0085 and U+00A0.
std::string_view trim_space(std::string_view s) {
  auto space_at_front = [](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    const auto c = static_cast<unsigned char>(t[0]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (t.size() >= 2 && c == 0xC2 &&
        (static_cast<unsigned char>(t[1]) == 0x85 || static_cast<unsigned char>(t[1]) == 0xA0)) {
      return 2;
    }
    return 0;
  };
  auto space_at_back = [](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    const auto c = static_cast<unsigned char>(t.back());
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (t.size() >= 2 && static_cast<unsigned char>(t[t.size() - 2]) == 0xC2 &&
        (c == 0x85 || c == 0xA0)) {
      return 2;
    }
    return 0;
  };
  for (std::size_t n; (n = space_at_front(s)) > 0;) s.remove_prefix(n);
  for (std::size_t n; (n = space_at_back(s)) > 0;) s.remove_suffix(n);
  return s;
}

std::string_view json_kind(const json::value& v) {
  if (v.is_string()) return "string";
  if (v.is_bool()) return "bool";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "number";
}

}  // namespace

// =============================================================================================
// Public: decoding

bool is_empty_request(std::string_view body) {
  if (body.empty() || body == "{}") return true;
  auto dom = parse_dom(body);
  return dom && dom->is_object() && dom->get_object().empty();
}

ApiResult<StreamConfig> parse_stream_config(std::string_view body) {
  return unmarshal<StreamConfig>(body);
}

ApiResult<StreamInfoRequest> parse_stream_info_request(std::string_view body) {
  StreamInfoRequest req;
  if (is_empty_request(body)) return req;
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "offset")) return get(x, req.offset);
    if (key_is(k, "deleted_details")) return get(x, req.deleted_details);
    if (key_is(k, "subjects_filter")) return get(x, req.subjects_filter);
    return true;
  });
  if (!ok) return invalid_json();
  return req;
}

ApiResult<StreamNamesRequest> parse_stream_names_request(std::string_view body) {
  StreamNamesRequest req;
  if (is_empty_request(body)) return req;
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "offset")) return get(x, req.offset);
    if (key_is(k, "subject")) return get(x, req.subject);
    return true;
  });
  if (!ok) return invalid_json();
  return req;
}

ApiResult<StreamPurgeRequest> parse_stream_purge_request(std::string_view body) {
  StreamPurgeRequest req;
  if (is_empty_request(body)) return req;
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "seq")) return get(x, req.seq);
    if (key_is(k, "filter")) return get(x, req.filter);
    if (key_is(k, "keep")) return get(x, req.keep);
    return true;
  });
  if (!ok) return invalid_json();
  // Sequence and keep are exclusive.
  if (req.seq > 0 && req.keep > 0) return kJSBadRequestErr.error();
  return req;
}

ApiResult<ConsumersRequest> parse_consumers_request(std::string_view body) {
  ConsumersRequest req;
  if (is_empty_request(body)) return req;
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "offset")) return get(x, req.offset);
    return true;
  });
  if (!ok) return invalid_json();
  return req;
}

ApiResult<MsgGetRequest> parse_msg_get_request(std::string_view body) {
  if (is_empty_request(body)) return kJSBadRequestErr.error();
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  MsgGetRequest req;
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "seq")) return get(x, req.seq);
    if (key_is(k, "last_by_subj")) return get(x, req.last_by_subj);
    if (key_is(k, "next_by_subj")) return get(x, req.next_by_subj);
    return true;
  });
  if (!ok) return invalid_json();
  if ((req.seq > 0 && !req.last_by_subj.empty()) ||
      (req.seq == 0 && req.last_by_subj.empty() && req.next_by_subj.empty())) {
    return kJSBadRequestErr.error();
  }
  if (!req.last_by_subj.empty() && !req.next_by_subj.empty()) return kJSBadRequestErr.error();
  return req;
}

ApiResult<MsgDeleteRequest> parse_msg_delete_request(std::string_view body) {
  if (is_empty_request(body)) return kJSBadRequestErr.error();
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  MsgDeleteRequest req;
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "seq")) return get(x, req.seq);
    if (key_is(k, "no_erase")) return get(x, req.no_erase);
    return true;
  });
  if (!ok) return invalid_json();
  return req;
}

ApiResult<CreateConsumerRequest> parse_create_consumer_request(std::string_view body) {
  auto dom = parse_dom(body);
  if (!dom) return invalid_json();
  CreateConsumerRequest req;
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    if (key_is(k, "stream_name")) return get(x, req.stream_name);
    if (key_is(k, "config")) return get(x, req.config);
    if (key_is(k, "action")) return get(x, req.action);
    return true;
  });
  if (!ok) return invalid_json();
  return req;
}

ApiResult<ConsumerConfig> parse_consumer_config(std::string_view body) {
  return unmarshal<ConsumerConfig>(body);
}

ApiResult<NextRequest> parse_next_request(std::string_view body) {
  const std::string_view req = trim_space(body);
  NextRequest out;
  auto bad = [](std::string_view reason) {
    return ApiError{400, 0, "Bad Request - " + std::string(reason)};
  };
  if (req.empty()) {
    out.batch = 1;
    return out;
  }
  if (req[0] != '{') {
    // A bare batch size; anything unparsable is a batch of one.
    out.batch = go_atoi(req).value_or(1);
    return out;
  }
  bool incomplete = false;
  auto dom = parse_dom(req, &incomplete);
  if (!dom) {
    return bad(incomplete ? "unexpected end of JSON input" : "invalid character in JSON input");
  }
  std::string type_error;
  const bool ok = decode_object(*dom, [&](std::string_view k, const json::value& x) {
    // Go's UnmarshalTypeError text names the struct field and its Go type.
    auto field = [&](auto& slot, std::string_view name, std::string_view go_type) {
      if (get(x, slot)) return true;
      type_error = "json: cannot unmarshal ";
      type_error += json_kind(x);
      if (x.is_double() || x.is_int64() || x.is_uint64()) {
        // Go quotes the literal; the DOM kept only the value, so print it shortest-form.
        type_error += " ";
        char buf[32];
        std::to_chars_result r{};
        if (x.is_double()) {
          r = std::to_chars(buf, buf + sizeof buf, x.get_double());
        } else if (x.is_int64()) {
          r = std::to_chars(buf, buf + sizeof buf, x.get_int64());
        } else {
          r = std::to_chars(buf, buf + sizeof buf, x.get_uint64());
        }
        type_error.append(buf, r.ptr);
      }
      type_error += " into Go struct field JSApiConsumerGetNextRequest.";
      type_error += name;
      type_error += " of type ";
      type_error += go_type;
      return false;
    };
    if (key_is(k, "expires")) return field(out.expires, "expires", "time.Duration");
    if (key_is(k, "batch")) return field(out.batch, "batch", "int");
    if (key_is(k, "max_bytes")) return field(out.max_bytes, "max_bytes", "int");
    if (key_is(k, "no_wait")) return field(out.no_wait, "no_wait", "bool");
    if (key_is(k, "idle_heartbeat"))
      return field(out.idle_heartbeat, "idle_heartbeat", "time.Duration");
    return true;
  });
  if (!ok) return bad(type_error.empty() ? "invalid JSON" : type_error);
  if (out.idle_heartbeat > 0 && out.idle_heartbeat * 2 > out.expires) {
    return bad("heartbeat value too large");
  }
  return out;
}

// =============================================================================================
// Public: encoding

std::string to_json(const StreamConfig& config) {
  std::string out;
  write_stream_config(out, config);
  return out;
}

std::string to_json(const StreamInfo& info) {
  std::string out;
  {
    ObjectWriter w(out);
    write_stream_info_members(w, info);
  }
  return out;
}

std::string to_json(const ConsumerConfig& config) {
  std::string out;
  write_consumer_config(out, config);
  return out;
}

std::string to_json(const ConsumerInfo& info) {
  std::string out;
  {
    ObjectWriter w(out);
    write_consumer_info_members(w, info);
  }
  return out;
}

std::string to_json(const ApiError& error) {
  std::string out;
  write_api_error(out, error);
  return out;
}

std::string to_json(const AccountInfoResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kAccountInfoResponseType, r.error);
    if (r.info) write_account_info_members(w, *r.info);
  }
  return out;
}

std::string to_json(const StreamCreateResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamCreateResponseType, r.error);
    if (r.info) write_stream_info_members(w, *r.info);
    w.bool_omitempty("did_create", r.did_create);
  }
  return out;
}

std::string to_json(const StreamUpdateResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamUpdateResponseType, r.error);
    if (r.info) write_stream_info_members(w, *r.info);
  }
  return out;
}

std::string to_json(const StreamInfoResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamInfoResponseType, r.error);
    write_paged(w, r.paged);
    if (r.info) write_stream_info_members(w, *r.info);
  }
  return out;
}

std::string to_json(const StreamNamesResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamNamesResponseType, r.error);
    write_paged(w, r.paged);
    w.strings("streams", r.streams, /*nil_when_empty=*/true);
  }
  return out;
}

std::string to_json(const StreamListResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamListResponseType, r.error);
    write_paged(w, r.paged);
    w.array("streams", r.streams, [](std::string& o, const StreamInfo& info) {
      ObjectWriter s(o);
      write_stream_info_members(s, info);
    });
    if (!r.missing.empty()) w.strings("missing", r.missing, false);
  }
  return out;
}

std::string to_json(const StreamDeleteResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamDeleteResponseType, r.error);
    w.bool_omitempty("success", r.success);
  }
  return out;
}

std::string to_json(const StreamPurgeResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kStreamPurgeResponseType, r.error);
    w.bool_omitempty("success", r.success);
    w.u64("purged", r.purged);
  }
  return out;
}

std::string to_json(const MsgGetResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kMsgGetResponseType, r.error);
    if (r.message) {
      const StoredMessage& m = *r.message;
      ObjectWriter mw(w.key("message"));
      mw.str("subject", m.subject);
      mw.u64("seq", m.seq);
      if (!m.hdrs.empty()) {
        std::string& o = mw.key("hdrs");
        o.push_back('"');
        append_base64(o, m.hdrs);
        o.push_back('"');
      }
      if (!m.data.empty()) {
        std::string& o = mw.key("data");
        o.push_back('"');
        append_base64(o, m.data);
        o.push_back('"');
      }
      mw.time("time", m.time);
    }
  }
  return out;
}

std::string to_json(const MsgDeleteResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kMsgDeleteResponseType, r.error);
    w.bool_omitempty("success", r.success);
  }
  return out;
}

std::string to_json(const ConsumerCreateResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kConsumerCreateResponseType, r.error);
    if (r.info) write_consumer_info_members(w, *r.info);
  }
  return out;
}

std::string to_json(const ConsumerInfoResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kConsumerInfoResponseType, r.error);
    if (r.info) write_consumer_info_members(w, *r.info);
  }
  return out;
}

std::string to_json(const ConsumerNamesResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kConsumerNamesResponseType, r.error);
    write_paged(w, r.paged);
    w.strings("consumers", r.consumers, /*nil_when_empty=*/false);
  }
  return out;
}

std::string to_json(const ConsumerListResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kConsumerListResponseType, r.error);
    write_paged(w, r.paged);
    w.array("consumers", r.consumers, [](std::string& o, const ConsumerInfo& info) {
      ObjectWriter c(o);
      write_consumer_info_members(c, info);
    });
    if (!r.missing.empty()) w.strings("missing", r.missing, false);
  }
  return out;
}

std::string to_json(const ConsumerDeleteResponse& r) {
  std::string out;
  {
    ObjectWriter w(out);
    write_response_head(w, kConsumerDeleteResponseType, r.error);
    w.bool_omitempty("success", r.success);
  }
  return out;
}

std::string error_response_json(std::string_view type, const ApiError& error) {
  std::string out;
  {
    ObjectWriter w(out);
    w.str("type", type);
    write_api_error(w.key("error"), error);
  }
  return out;
}

std::string pub_ack_json(const PubAck& ack) {
  std::string out = "{\"stream\":";
  internal::append_go_quoted(out, ack.stream);
  if (!ack.domain.empty()) {
    out += ", \"domain\":";
    internal::append_go_quoted(out, ack.domain);
  }
  out += ", \"seq\":";
  append_uint(out, ack.seq);
  out += ack.duplicate ? ",\"duplicate\": true}" : "}";
  return out;
}

std::string pub_ack_error_json(const ApiError& error, std::string_view stream,
                               std::string_view domain) {
  std::string out;
  {
    ObjectWriter w(out);
    write_api_error(w.key("error"), error);
    w.str("stream", stream);
    w.u64("seq", 0);
    w.str_omitempty("domain", domain);
  }
  return out;
}

// =============================================================================================
// Public: time

std::string format_time(UnixNanos t, std::int32_t utc_offset_s) {
  if (t == 0 && utc_offset_s == 0) return "0001-01-01T00:00:00Z";
  // Split into whole seconds (floor) and nanoseconds in [0, 1e9), then shift to local time.
  std::int64_t secs = t / 1'000'000'000;
  std::int64_t nanos = t % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --secs;
  }
  secs += utc_offset_s;
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  std::string out;
  out.reserve(36);
  append_digits(out, c.year, 4);
  out.push_back('-');
  append_digits(out, c.month, 2);
  out.push_back('-');
  append_digits(out, c.day, 2);
  out.push_back('T');
  append_digits(out, sod / 3600, 2);
  out.push_back(':');
  append_digits(out, sod / 60 % 60, 2);
  out.push_back(':');
  append_digits(out, sod % 60, 2);
  if (nanos != 0) {
    // Go's .999999999: nine digits with trailing zeros removed.
    std::string frac;
    append_digits(frac, nanos, 9);
    while (frac.back() == '0') frac.pop_back();
    out.push_back('.');
    out += frac;
  }
  if (utc_offset_s == 0) {
    out.push_back('Z');
  } else {
    std::int32_t off = utc_offset_s;
    out.push_back(off < 0 ? '-' : '+');
    if (off < 0) off = -off;
    append_digits(out, off / 3600, 2);
    out.push_back(':');
    append_digits(out, off / 60 % 60, 2);
  }
  return out;
}

std::string format_time(const ClientTime& t) { return format_time(t.unix_ns, t.utc_offset_s); }

Result<ClientTime> parse_time(std::string_view s) {
  const auto fail = make_error_code(codec::errc::kInvalidJson);
  std::size_t pos = 0;
  auto digits = [&](std::size_t n, std::int64_t& v) {
    if (pos + n > s.size()) return false;
    v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos += n;
    return true;
  };
  auto literal = [&](char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
  };
  std::int64_t year, month, day, hour, minute, second;
  if (!digits(4, year) || !literal('-') || !digits(2, month) || !literal('-') || !digits(2, day) ||
      !literal('T') || !digits(2, hour) || !literal(':') || !digits(2, minute) || !literal(':') ||
      !digits(2, second)) {
    return fail;
  }
  if (month < 1 || month > 12 || day < 1 ||
      day > static_cast<std::int64_t>(days_in_month(year, static_cast<unsigned>(month))) ||
      hour > 23 || minute > 59 || second > 59) {
    return fail;
  }
  std::int64_t nanos = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',') && pos + 1 < s.size() &&
      s[pos + 1] >= '0' && s[pos + 1] <= '9') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) {
        nanos = nanos * 10 + (s[pos] - '0');
        ++n;
      }
      ++pos;
    }
    for (; n < 9; ++n) nanos *= 10;
  }
  std::int32_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const bool negative = s[pos] == '-';
    ++pos;
    std::int64_t oh, om;
    if (!digits(2, oh) || !literal(':') || !digits(2, om) || oh > 23 || om > 59) return fail;
    offset = static_cast<std::int32_t>(oh * 3600 + om * 60);
    if (negative) offset = -offset;
  } else {
    return fail;
  }
  if (pos != s.size()) return fail;

  if (year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
      nanos == 0 && offset == 0) {
    return ClientTime{0, 0};  // Go's zero time
  }
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  // Keep secs * 1e9 + nanos inside int64.
  constexpr std::int64_t kMaxSecs = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
  if (secs >= kMaxSecs || secs <= -kMaxSecs) return fail;
  return ClientTime{secs * 1'000'000'000 + nanos, offset};
}

}  // namespace quiver::server::jetstream::api
