// Result formatting for the load generator: latency percentiles and the one-line JSON report
// every mode prints (tools/bench/compare_servers.py reads it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::loadgen {

struct Percentiles {
  uint64_t count = 0;
  double mean = 0;  // all values in the samples' unit
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
};

// Nearest-rank percentiles (the smallest sample with at least p% of samples at or below it).
// Sorts `samples` in place.
Percentiles percentiles(std::vector<uint64_t>& samples);

// Builds one JSON object in key order of the add() calls.
class JsonLine {
 public:
  JsonLine& add(std::string_view key, double value);
  JsonLine& add(std::string_view key, uint64_t value);
  JsonLine& add(std::string_view key, int64_t value);
  JsonLine& add(std::string_view key, int value) { return add(key, int64_t{value}); }
  JsonLine& add(std::string_view key, bool value);
  JsonLine& add(std::string_view key, std::string_view value);
  JsonLine& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonLine& add(std::string_view key, const std::vector<uint64_t>& values);
  JsonLine& add(std::string_view key, const std::vector<std::string>& values);

  // The object, without a newline.
  std::string str() const { return body_ + "}"; }

 private:
  void key(std::string_view k);
  std::string body_ = "{";
};

// `s` as a JSON string literal (with quotes).
std::string json_quote(std::string_view s);

}  // namespace quiver::loadgen
