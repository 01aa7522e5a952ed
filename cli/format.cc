#include "cli/format.h"

#include <cmath>
#include <cstdio>
#include <time.h>

namespace quiver::cli {

std::string with_commas(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string with_commas(double value) {
  if (!(value > 0)) return "0";
  return with_commas(static_cast<std::uint64_t>(std::llround(value)));
}

std::string human_bytes(double bytes) {
  char buf[64];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%.2f B", bytes);
    return buf;
  }
  static constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  int exp = static_cast<int>(std::log(bytes) / std::log(1024.0));
  if (exp > 6) exp = 6;
  std::snprintf(buf, sizeof buf, "%.2f %s", bytes / std::pow(1024.0, exp), kUnits[exp - 1]);
  return buf;
}

std::string go_duration(std::chrono::nanoseconds d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  // "<whole>.<fraction>" of ns / 10^digits, with the fraction's trailing zeros trimmed.
  auto decimal = [](std::int64_t value, int digits) {
    std::int64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    std::string out = std::to_string(value / scale);
    std::int64_t frac = value % scale;
    if (frac != 0) {
      std::string f = std::to_string(frac);
      f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
      while (!f.empty() && f.back() == '0') f.pop_back();
      out += "." + f;
    }
    return out;
  };
  if (ns < 1000) return sign + std::to_string(ns) + "ns";
  if (ns < 1000000) return sign + decimal(ns, 3) + "\xc2\xb5s";
  if (ns < 1000000000) return sign + decimal(ns, 6) + "ms";
  const std::int64_t hours = ns / 3600000000000;
  ns -= hours * 3600000000000;
  const std::int64_t minutes = ns / 60000000000;
  ns -= minutes * 60000000000;
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + decimal(ns, 9) + "s";
}

std::string clock_hms(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  struct tm tm {};
  localtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace quiver::cli
