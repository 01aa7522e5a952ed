// Exact delivery accounting for one subscriber: which sequence numbers arrived, how many twice,
// how many out of order. A bitset over [0, n) keeps it exact at 1/8 byte per message.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace quiver::loadgen {

class SeqTracker {
 public:
  explicit SeqTracker(uint64_t n) : bits_((n + 63) / 64, 0), n_(n) {}

  // A message carrying `seq`. Out of order: seq not above the previous one from this stream.
  void record(uint64_t seq) noexcept {
    ++received_;
    if (seq >= n_) {
      ++out_of_range_;
      return;
    }
    uint64_t& word = bits_[seq / 64];
    const uint64_t bit = uint64_t{1} << (seq % 64);
    if (word & bit) {
      ++duplicates_;
    } else {
      word |= bit;
      ++distinct_;
    }
    if (has_last_ && seq <= last_) ++out_of_order_;
    has_last_ = true;
    last_ = seq;
  }
  // A message whose payload is too short to carry a sequence number: counted, not tracked.
  void record_unsequenced() noexcept { ++received_; }

  bool seen(uint64_t seq) const noexcept { return seq < n_ && (bits_[seq / 64] >> (seq % 64)) & 1; }
  uint64_t n() const noexcept { return n_; }
  uint64_t received() const noexcept { return received_; }
  uint64_t distinct() const noexcept { return distinct_; }
  uint64_t duplicates() const noexcept { return duplicates_; }
  uint64_t out_of_order() const noexcept { return out_of_order_; }
  uint64_t out_of_range() const noexcept { return out_of_range_; }

  const std::vector<uint64_t>& bits() const noexcept { return bits_; }

 private:
  std::vector<uint64_t> bits_;
  uint64_t n_;
  uint64_t received_ = 0;
  uint64_t distinct_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t out_of_order_ = 0;
  uint64_t out_of_range_ = 0;
  uint64_t last_ = 0;
  bool has_last_ = false;
};

// A queue group's verdict: every message exactly once across the members.
struct GroupCheck {
  uint64_t delivered = 0;   // messages received by all members together
  uint64_t missing = 0;     // sequence numbers no member received
  uint64_t duplicates = 0;  // extra deliveries: within a member or across members
};

// All trackers must have the same n().
GroupCheck check_exactly_once(std::span<const SeqTracker* const> members);

}  // namespace quiver::loadgen
