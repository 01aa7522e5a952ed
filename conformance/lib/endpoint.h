// A TCP endpoint of the broker under test, and the URL forms the runner accepts for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quiver::conformance {

struct Endpoint {
  std::string host;
  uint16_t port = 0;

  std::string to_string() const;  // "host:port"
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// "nats://host:port", "host:port" or "nats://host" (port 4222). nullopt when malformed.
std::optional<Endpoint> parse_nats_url(std::string_view url);

// "http://host:port" or "host:port" (a trailing "/" is allowed). nullopt when malformed.
std::optional<Endpoint> parse_http_url(std::string_view url);

}  // namespace quiver::conformance
