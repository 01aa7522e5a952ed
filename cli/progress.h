// The progress bar quiver draws on stderr during long runs (pub --count, bench): redrawn in
// place from its own thread, only when stderr is a terminal (or when forced), and only once a
// run has lasted long enough to need one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace quiver::cli {

// One frame: "   1.2s [=========>          ]  45% 450,000/1,000,000 <unit>". `width` is the
// number of cells between the brackets.
std::string render_progress(std::uint64_t done, std::uint64_t total,
                            std::chrono::nanoseconds elapsed, int width, std::string_view unit);

bool stderr_is_terminal();

class ProgressBar {
 public:
  // Draws `done()` out of `total` every 200 ms, starting after `delay`, while `enabled`.
  ProgressBar(std::uint64_t total, std::function<std::uint64_t()> done, std::string unit,
              bool enabled, std::chrono::milliseconds delay = std::chrono::milliseconds(500));
  // Stops (see stop()).
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Draws the last frame (if a frame was drawn) and ends the line. Idempotent.
  void stop();

 private:
  void run();

  const std::uint64_t total_;
  const std::function<std::uint64_t()> done_;
  const std::string unit_;
  const std::chrono::milliseconds delay_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace quiver::cli
