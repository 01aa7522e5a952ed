// SubjectCache: a bounded, thread-safe memo of subject -> bool, for permission checks that run
// on every PUB or delivery. Internal to server/auth.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace quiver::server::internal {

class SubjectCache {
 public:
  // Past this many entries a shard is emptied: the working set of a publisher is usually small,
  // and a flood of distinct subjects must not grow memory (nats-server prunes at 128).
  static constexpr std::size_t kShards = 8;
  static constexpr std::size_t kMaxPerShard = 64;
  // Longer subjects are computed every time rather than stored (a subject may be ~4 KiB).
  static constexpr std::size_t kMaxSubjectSize = 256;

  // The cached answer for `subject`, or compute(subject) stored for next time. `compute` must be
  // a pure function of the subject, which keeps every cached value equal to a fresh one.
  template <class Compute>
  bool get(std::string_view subject, Compute&& compute) const {
    if (subject.size() > kMaxSubjectSize) return compute(subject);
    const std::size_t hash = Hash{}(subject);
    Shard& shard = shards_[(hash >> 8) % kShards];
    {
      std::lock_guard lock(shard.mu);
      if (auto it = shard.map.find(subject); it != shard.map.end()) return it->second;
    }
    // Computed outside the lock so that a slow match never blocks other publishers.
    const bool value = compute(subject);
    std::lock_guard lock(shard.mu);
    if (shard.map.size() >= kMaxPerShard) shard.map.clear();
    shard.map.emplace(subject, value);
    return value;
  }

  // Entries currently stored (for tests).
  std::size_t size() const {
    std::size_t n = 0;
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.mu);
      n += shard.map.size();
    }
    return n;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // One cache line each, so that publishers on different shards do not contend on a line.
  struct alignas(64) Shard {
    std::mutex mu;
    std::unordered_map<std::string, bool, Hash, std::equal_to<>> map;
  };
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace quiver::server::internal
