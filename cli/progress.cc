#include "cli/progress.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

#include "cli/format.h"

namespace quiver::cli {

std::string render_progress(std::uint64_t done, std::uint64_t total,
                            std::chrono::nanoseconds elapsed, int width, std::string_view unit) {
  done = std::min(done, total);
  const double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(width), ' ');
  for (int i = 0; i < filled; ++i) bar[static_cast<std::size_t>(i)] = '=';
  if (filled < width && filled > 0) bar[static_cast<std::size_t>(filled)] = '>';
  const double secs = std::chrono::duration<double>(elapsed).count();
  char head[32];
  std::snprintf(head, sizeof head, "%7.1fs [", secs);
  char pct[16];
  std::snprintf(pct, sizeof pct, "] %3d%% ", static_cast<int>(fraction * 100));
  std::string out = head + bar + pct + with_commas(done) + "/" + with_commas(total);
  if (!unit.empty()) {
    out += ' ';
    out += unit;
  }
  return out;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::uint64_t total, std::function<std::uint64_t()> done, std::string unit,
                         bool enabled, std::chrono::milliseconds delay)
    : total_(total),
      done_(std::move(done)),
      unit_(std::move(unit)),
      delay_(delay),
      start_(std::chrono::steady_clock::now()) {
  if (enabled) thread_ = std::thread([this] { run(); });
}

ProgressBar::~ProgressBar() { stop(); }

void ProgressBar::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drawn_) {
    const std::string frame =
        "\r" +
        render_progress(done_(), total_, std::chrono::steady_clock::now() - start_, 40, unit_) +
        "\n";
    std::fwrite(frame.data(), 1, frame.size(), stderr);
    std::fflush(stderr);
  }
}

void ProgressBar::run() {
  std::unique_lock lock(mu_);
  // A progress bar is for runs a user waits on; short runs end before the first frame.
  if (cv_.wait_for(lock, delay_, [this] { return stopping_; })) return;
  while (!stopping_) {
    const std::string frame =
        "\r" +
        render_progress(done_(), total_, std::chrono::steady_clock::now() - start_, 40, unit_);
    std::fwrite(frame.data(), 1, frame.size(), stderr);
    std::fflush(stderr);
    drawn_ = true;
    cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
  }
}

}  // namespace quiver::cli
