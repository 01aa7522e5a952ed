#include "testing/loadgen/seq_tracker.h"

#include <bit>

namespace quiver::loadgen {

GroupCheck check_exactly_once(std::span<const SeqTracker* const> members) {
  GroupCheck out;
  if (members.empty()) return out;
  const uint64_t n = members[0]->n();
  const std::size_t words = members[0]->bits().size();
  for (const SeqTracker* m : members) {
    out.delivered += m->received();
    out.duplicates += m->duplicates() + m->out_of_range();
  }
  // Across members: a bit set in two members is a second delivery of that message.
  for (std::size_t w = 0; w < words; ++w) {
    uint64_t any = 0;
    for (const SeqTracker* m : members) {
      const uint64_t word = m->bits()[w];
      out.duplicates += std::popcount(any & word);
      any |= word;
    }
    const uint64_t valid = (w + 1) * 64 <= n ? ~uint64_t{0} : (uint64_t{1} << (n % 64)) - 1;
    out.missing += std::popcount(~any & valid);
  }
  return out;
}

}  // namespace quiver::loadgen
