// Counters of a connection and of a subscription, as snapshots (Connection::stats(),
// Subscription::stats()).
#pragma once

#include <cstdint>

namespace quiver::client {

struct Statistics {
  std::uint64_t in_msgs = 0;    // MSG/HMSG received (including request replies)
  std::uint64_t in_bytes = 0;   // their payload + header bytes
  std::uint64_t out_msgs = 0;   // messages published (accepted into the outbound buffer)
  std::uint64_t out_bytes = 0;  // their payload + header bytes
  std::uint64_t reconnects = 0;
};

struct SubscriptionStats {
  std::uint64_t pending_msgs = 0;  // queued, not yet handed to the application
  std::uint64_t pending_bytes = 0;
  std::uint64_t delivered = 0;  // handed to a callback or returned by async_next
  std::uint64_t dropped = 0;    // dropped because a pending limit was hit
};

}  // namespace quiver::client
