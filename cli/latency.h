// A latency histogram for `quiver bench`: log-linear buckets (HdrHistogram's layout with 128
// sub-buckets per power of two), so any number of samples fits in ~60 KiB and percentiles are
// within 0.4% of the exact value (exact below 256 ns). min, max and mean are exact.
// Not thread-safe: one per recording thread, merged afterwards.
#pragma once

#include <cstdint>
#include <vector>

namespace quiver::cli {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(std::uint64_t ns);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept;

  // The smallest recorded value v (to bucket precision) such that at least p% of the samples
  // are <= v; p in [0, 100]. 0 when empty.
  std::uint64_t percentile(double p) const;

 private:
  static std::size_t index_of(std::uint64_t value) noexcept;
  static std::uint64_t lowest_of(std::size_t index) noexcept;
  static std::uint64_t width_of(std::size_t index) noexcept;

  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace quiver::cli
