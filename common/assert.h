// Invariant checks, in three strengths (see CONTRIBUTING.md, "Errors"):
//   QV_ASSERT(cond)      debug builds only; free in release. For cheap internal invariants.
//   QV_CHECK(cond, msg)  always on; aborts. For states from which continuing would corrupt data.
//   QV_BUG(cond, msg)    aborts in debug; in release logs once per site and continues. For
//                        "should never happen" paths where the process can safely carry on.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace quiver::internal {

[[noreturn]] inline void check_failed(const char* expr, const char* msg, const char* file,
                                      int line) {
  std::fprintf(stderr, "[FTL] check failed: %s (%s) at %s:%d\n", expr, msg, file, line);
  std::abort();
}

inline void bug_seen(const char* expr, const char* msg, const char* file, int line) {
  std::fprintf(stderr, "[ERR] bug: %s (%s) at %s:%d\n", expr, msg, file, line);
}

}  // namespace quiver::internal

#define QV_CHECK(cond, msg)                                               \
  do {                                                                    \
    if (!(cond)) [[unlikely]] {                                           \
      ::quiver::internal::check_failed(#cond, (msg), __FILE__, __LINE__); \
    }                                                                     \
  } while (0)

#ifdef NDEBUG
#define QV_ASSERT(cond) \
  do {                  \
  } while (0)
#define QV_BUG(cond, msg)                                               \
  do {                                                                  \
    if (!(cond)) [[unlikely]] {                                         \
      static std::atomic<bool> qv_bug_logged{false};                    \
      if (!qv_bug_logged.exchange(true)) {                              \
        ::quiver::internal::bug_seen(#cond, (msg), __FILE__, __LINE__); \
      }                                                                 \
    }                                                                   \
  } while (0)
#else
#define QV_ASSERT(cond) QV_CHECK(cond, "assertion")
#define QV_BUG(cond, msg) QV_CHECK(cond, msg)
#endif
