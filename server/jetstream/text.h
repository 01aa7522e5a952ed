// Small text helpers shared by the JetStream engine's files.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace quiver::server::jetstream {

// A whole decimal uint64 (header values, ack subject tokens); nullopt for anything else.
inline std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace quiver::server::jetstream
