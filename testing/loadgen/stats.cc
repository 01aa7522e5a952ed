#include "testing/loadgen/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "codec/protocol_json.h"

namespace quiver::loadgen {

Percentiles percentiles(std::vector<uint64_t>& samples) {
  Percentiles p;
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  const auto rank = [&](double q) {
    // ceil(q * n) as a 1-based rank, computed in integers of per-mille-of-a-percent so that
    // q = 0.99 with n = 100 gives exactly rank 99.
    const uint64_t scaled = static_cast<uint64_t>(std::llround(q * 100000.0));
    uint64_t r = (scaled * n + 99999) / 100000;
    if (r < 1) r = 1;
    if (r > n) r = n;
    return static_cast<double>(samples[r - 1]);
  };
  double sum = 0;
  for (uint64_t v : samples) sum += static_cast<double>(v);
  p.count = n;
  p.mean = sum / static_cast<double>(n);
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.p999 = rank(0.999);
  p.max = static_cast<double>(samples.back());
  return p;
}

std::string json_quote(std::string_view s) {
  std::string out;
  codec::append_json_string(out, s);
  return out;
}

void JsonLine::key(std::string_view k) {
  if (body_.size() > 1) body_ += ',';
  body_ += json_quote(k);
  body_ += ':';
}

JsonLine& JsonLine::add(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    body_ += "null";
    return *this;
  }
  char buf[64];
  // %g alone would print a rate of 12345678 as 1.23457e+07; large values keep every digit.
  if (std::fabs(value) >= 1000 && std::fabs(value) < 1e18) {
    std::snprintf(buf, sizeof buf, "%.1f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", value);
  }
  body_ += buf;
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, uint64_t value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, int64_t value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, bool value) {
  key(k);
  body_ += value ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, std::string_view value) {
  key(k);
  body_ += json_quote(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, const std::vector<uint64_t>& values) {
  key(k);
  body_ += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) body_ += ',';
    body_ += std::to_string(values[i]);
  }
  body_ += ']';
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, const std::vector<std::string>& values) {
  key(k);
  body_ += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) body_ += ',';
    body_ += json_quote(values[i]);
  }
  body_ += ']';
  return *this;
}

}  // namespace quiver::loadgen
