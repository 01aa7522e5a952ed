// Process resource use for /varz and /metrics: resident memory and CPU, read from /proc the way
// nats-server's pse package does on Linux (RSS from /proc/self/statm; CPU from utime + stime in
// /proc/self/stat, as a percentage of one core, truncated to 0.1).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace quiver::server::monitor {

struct ProcStatTimes {
  uint64_t utime = 0;      // clock ticks in user mode
  uint64_t stime = 0;      // clock ticks in kernel mode
  uint64_t starttime = 0;  // clock ticks after boot at which the process started
};

// Parses /proc/<pid>/stat; the command name may contain spaces and parentheses.
std::optional<ProcStatTimes> parse_proc_stat(std::string_view contents);

// The resident page count: the second field of /proc/<pid>/statm.
std::optional<uint64_t> parse_statm_resident_pages(std::string_view contents);

// CPU percent for `ticks` of CPU time over `elapsed_seconds` of wall time, truncated to 0.1 as
// nats-server reports it.
double cpu_percent(uint64_t ticks, double elapsed_seconds, long ticks_per_second);

// Samples this process. Not thread-safe: MonitorServer calls it from its own thread.
class ProcessSampler {
 public:
  // Resident set size in bytes; 0 when /proc is unreadable.
  int64_t resident_bytes() const;

  // CPU use since the previous sample, taking a new sample only when the previous one is at
  // least a second old (so scrapes in quick succession see the same value, like nats-server's
  // one-second sampler). The first call covers the process's whole life.
  double cpu();

 private:
  bool sampled_ = false;
  uint64_t last_ticks_ = 0;
  std::chrono::steady_clock::time_point last_time_;
  double last_cpu_ = 0;
};

}  // namespace quiver::server::monitor
