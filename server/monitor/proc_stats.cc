#include "server/monitor/proc_stats.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace quiver::server::monitor {

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The index-th (0-based) space-separated field of `s`.
std::optional<uint64_t> field(std::string_view s, std::size_t index) {
  std::size_t pos = 0;
  for (std::size_t i = 0;; ++i) {
    pos = s.find_first_not_of(' ', pos);
    if (pos == std::string_view::npos) return std::nullopt;
    const std::size_t end = std::min(s.find_first_of(" \n", pos), s.size());
    if (i == index) {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(s.data() + pos, s.data() + end, v);
      if (ec != std::errc() || p != s.data() + end) return std::nullopt;
      return v;
    }
    pos = end;
  }
}

}  // namespace

std::optional<ProcStatTimes> parse_proc_stat(std::string_view contents) {
  // Fields after "pid (comm)" start at field 3 (state); the name itself can hold ") ".
  const std::size_t close = contents.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view rest = contents.substr(close + 1);
  // 1-based proc(5) fields 14, 15 and 22 are 0-based 11, 12 and 19 counted from field 3.
  auto utime = field(rest, 11);
  auto stime = field(rest, 12);
  auto start = field(rest, 19);
  if (!utime || !stime || !start) return std::nullopt;
  return ProcStatTimes{*utime, *stime, *start};
}

std::optional<uint64_t> parse_statm_resident_pages(std::string_view contents) {
  return field(contents, 1);
}

double cpu_percent(uint64_t ticks, double elapsed_seconds, long ticks_per_second) {
  if (elapsed_seconds <= 0 || ticks_per_second <= 0) return 0;
  const double per_mille =
      static_cast<double>(ticks) * 1000.0 / static_cast<double>(ticks_per_second) / elapsed_seconds;
  return std::floor(per_mille) / 10.0;
}

int64_t ProcessSampler::resident_bytes() const {
  auto pages = parse_statm_resident_pages(read_file("/proc/self/statm"));
  if (!pages) return 0;
  return static_cast<int64_t>(*pages) * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

double ProcessSampler::cpu() {
  const auto now = std::chrono::steady_clock::now();
  if (sampled_ && now - last_time_ < std::chrono::seconds(1)) return last_cpu_;
  auto times = parse_proc_stat(read_file("/proc/self/stat"));
  if (!times) return last_cpu_;
  const long hz = ::sysconf(_SC_CLK_TCK);
  const uint64_t ticks = times->utime + times->stime;
  double elapsed = 0;
  uint64_t used = 0;
  if (sampled_) {
    elapsed = std::chrono::duration<double>(now - last_time_).count();
    used = ticks - last_ticks_;
  } else {
    // The process's whole life: system uptime minus the start time since boot.
    const std::string uptime = read_file("/proc/uptime");
    double system_uptime = 0;
    std::from_chars(uptime.data(), uptime.data() + uptime.size(), system_uptime);
    elapsed = system_uptime - static_cast<double>(times->starttime) / static_cast<double>(hz);
    used = ticks;
  }
  last_cpu_ = cpu_percent(used, elapsed, hz);
  last_ticks_ = ticks;
  last_time_ = now;
  sampled_ = true;
  return last_cpu_;
}

}  // namespace quiver::server::monitor
