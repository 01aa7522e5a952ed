// Byte-for-byte reproductions of the Go library formats that nats-server's monitoring output is
// made of, so that tools written against nats-server (nats-top, the Prometheus exporter, NATS
// Surveyor, scripts diffing /varz) read quiver-server's endpoints unchanged:
//   JsonWriter            encoding/json: json.MarshalIndent(v, "", "  ") or json.Marshal(v)
//   format_go_float       encoding/json's float64 encoding (shortest round trip, 'f' or 'e')
//   format_rfc3339_nano   time.Time in JSON (RFC 3339, nanoseconds, trailing zeros trimmed)
//   format_uptime         nats-server's myUptime ("1d2h3m4s")
//   go_atoi, go_parse_bool, go_parse_uint
//                         strconv.Atoi/ParseBool/ParseUint, with their error texts, which
//                         nats-server copies into its HTTP 400 bodies.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace quiver::server::monitor {

std::string format_go_float(double value);

// Always UTC, as nats-server's Now; e.g. "2026-11-26T05:51:37.7682242Z".
std::string format_rfc3339_nano(std::chrono::system_clock::time_point t);

std::string format_uptime(std::chrono::nanoseconds d);

// The value, or the strconv error text (e.g. `strconv.Atoi: parsing "x": invalid syntax`).
template <class T>
using GoParsed = std::variant<T, std::string>;

GoParsed<int64_t> go_atoi(std::string_view text);
GoParsed<bool> go_parse_bool(std::string_view text);
GoParsed<uint64_t> go_parse_uint(std::string_view text);

// Streaming JSON writer with Go's layout. Objects keep insertion order, as Go's struct encoding
// does; callers sort map keys themselves (Go sorts them).
class JsonWriter {
 public:
  enum class Style { kIndented, kCompact };

  explicit JsonWriter(Style style = Style::kIndented) : style_(style) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter& value(long long n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(unsigned long long n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter& value(double d);

  // key(name).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // The document; the writer must be back at depth 0.
  std::string take();

 private:
  void before_value();
  void newline_indent(std::size_t depth);
  void append_string(std::string_view s);

  Style style_;
  std::string out_;
  std::vector<std::size_t> counts_;  // elements written so far, per open container
  bool after_key_ = false;
};

}  // namespace quiver::server::monitor
