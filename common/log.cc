#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

#include <sys/time.h>

namespace quiver::log {
namespace {

std::atomic<int> g_max_level{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_timestamps{true};
std::atomic<int> g_fd{2};
std::mutex g_config_mu;
std::string g_file;

constexpr std::string_view kLabels[] = {"[FTL] ", "[ERR] ", "[WRN] ", "[INF] ", "[DBG] ", "[TRC] "};

}  // namespace

bool configure(const Settings& settings) {
  std::lock_guard lock(g_config_mu);
  int level = static_cast<int>(Level::kInfo);
  if (settings.debug) level = static_cast<int>(Level::kDebug);
  if (settings.trace) level = static_cast<int>(Level::kTrace);
  g_max_level.store(level);
  g_timestamps.store(settings.timestamps);
  if (settings.file != g_file) {
    int fd = 2;
    if (!settings.file.empty()) {
      fd = ::open(settings.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) return false;
    }
    const int old = g_fd.exchange(fd);
    if (old != 2) ::close(old);
    g_file = settings.file;
  }
  return true;
}

bool enabled(Level level) noexcept {
  return static_cast<int>(level) <= g_max_level.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view message) {
  std::string line;
  line.reserve(message.size() + 48);
  line.push_back('[');
  line.append(std::to_string(::getpid()));
  line.append("] ");
  if (g_timestamps.load(std::memory_order_relaxed)) {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    tm local{};
    ::localtime_r(&tv.tv_sec, &local);
    char stamp[40];
    const int n =
        std::snprintf(stamp, sizeof(stamp), "%04d/%02d/%02d %02d:%02d:%02d.%06ld ",
                      local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                      local.tm_min, local.tm_sec, static_cast<long>(tv.tv_usec));
    line.append(stamp, static_cast<std::size_t>(n));
  }
  line.append(kLabels[static_cast<int>(level)]);
  line.append(message);
  line.push_back('\n');
  const int fd = g_fd.load(std::memory_order_relaxed);
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(fd, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace quiver::log
