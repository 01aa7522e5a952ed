// Process-wide logger in nats-server's format, so existing log tooling keeps working:
//   [12345] 2026/11/26 05:33:52.123456 [INF] Server is ready
// Levels: FTL ERR WRN INF DBG TRC. Debug and trace are off unless enabled (-D, -V, -DV).
// Thread-safe; one write(2) per line. Not for the per-message hot path.
//
//   QV_LOG_INFO("Listening for client connections on ", host, ":", port);
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace quiver::log {

enum class Level : int { kFatal, kError, kWarn, kInfo, kDebug, kTrace };

struct Settings {
  bool debug = false;
  bool trace = false;
  bool timestamps = true;
  std::string file;  // empty: stderr
};

// Applies settings; reopens the file if it changed. False if the file cannot be opened.
bool configure(const Settings& settings);

bool enabled(Level level) noexcept;

void write(Level level, std::string_view message);

namespace internal {
inline void append(std::string& out, std::string_view s) { out.append(s); }
inline void append(std::string& out, const char* s) { out.append(s); }
inline void append(std::string& out, const std::string& s) { out.append(s); }
inline void append(std::string& out, char c) { out.push_back(c); }
inline void append(std::string& out, bool b) { out.append(b ? "true" : "false"); }
template <class T>
requires std::is_arithmetic_v<T>
void append(std::string& out, T v) { out.append(std::to_string(v)); }
}  // namespace internal

// Concatenates its arguments (strings, chars, numbers) into one string.
template <class... Args>
std::string cat(const Args&... args) {
  std::string out;
  (internal::append(out, args), ...);
  return out;
}

}  // namespace quiver::log

#define QV_LOG_AT(level, ...)                                       \
  do {                                                              \
    if (::quiver::log::enabled(level)) {                            \
      ::quiver::log::write(level, ::quiver::log::cat(__VA_ARGS__)); \
    }                                                               \
  } while (0)

#define QV_LOG_FATAL(...) QV_LOG_AT(::quiver::log::Level::kFatal, __VA_ARGS__)
#define QV_LOG_ERROR(...) QV_LOG_AT(::quiver::log::Level::kError, __VA_ARGS__)
#define QV_LOG_WARN(...) QV_LOG_AT(::quiver::log::Level::kWarn, __VA_ARGS__)
#define QV_LOG_INFO(...) QV_LOG_AT(::quiver::log::Level::kInfo, __VA_ARGS__)
#define QV_LOG_DEBUG(...) QV_LOG_AT(::quiver::log::Level::kDebug, __VA_ARGS__)
#define QV_LOG_TRACE(...) QV_LOG_AT(::quiver::log::Level::kTrace, __VA_ARGS__)
