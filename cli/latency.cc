#include "cli/latency.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace quiver::cli {
namespace {

constexpr int kSubBits = 7;                        // 128 sub-buckets per power of two
constexpr std::uint64_t kExact = 2u << kSubBits;   // values below 256 get a bucket each
constexpr std::size_t kSubCount = 1u << kSubBits;  // 128
constexpr std::size_t kBucketCount = kExact + (63 - kSubBits) * kSubCount;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

std::size_t LatencyHistogram::index_of(std::uint64_t value) noexcept {
  if (value < kExact) return static_cast<std::size_t>(value);
  const int msb = 63 - std::countl_zero(value);  // >= kSubBits + 1
  const int shift = msb - kSubBits;              // value >> shift is in [128, 255]
  return kExact + static_cast<std::size_t>(msb - kSubBits - 1) * kSubCount +
         static_cast<std::size_t>((value >> shift) - kSubCount);
}

std::uint64_t LatencyHistogram::lowest_of(std::size_t index) noexcept {
  if (index < kExact) return index;
  const std::size_t rel = index - kExact;
  const int shift = static_cast<int>(rel / kSubCount) + 1;
  return (kSubCount + rel % kSubCount) << shift;
}

std::uint64_t LatencyHistogram::width_of(std::size_t index) noexcept {
  if (index < kExact) return 1;
  return std::uint64_t{1} << (static_cast<int>((index - kExact) / kSubCount) + 1);
}

void LatencyHistogram::record(std::uint64_t ns) {
  ++buckets_[index_of(ns)];
  ++count_;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
  sum_ += ns;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / count_);
}

std::uint64_t LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      // The bucket's midpoint halves the worst-case error; exact extremes stay exact.
      const std::uint64_t mid = lowest_of(i) + width_of(i) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

}  // namespace quiver::cli
