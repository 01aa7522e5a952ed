// Unique 22-character base62 identifiers for inboxes (the NUID scheme of the NATS clients: a
// random 12-character prefix, then a 10-character sequence that advances by a random step).
// Not for secrets: unique, not unpredictable.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace quiver::client::internal {

class Nuid {
 public:
  static constexpr int kLength = 22;

  explicit Nuid(std::uint64_t seed);
  std::string next();

 private:
  void reset_prefix();

  std::mt19937_64 rng_;
  std::string prefix_;
  std::uint64_t seq_ = 0;
  std::uint64_t inc_ = 0;
};

// Thread-safe, process-wide: "<prefix>.<nuid>".
std::string new_inbox(const std::string& prefix);

}  // namespace quiver::client::internal
