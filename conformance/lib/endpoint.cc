#include "conformance/lib/endpoint.h"

#include <charconv>

namespace quiver::conformance {
namespace {

std::optional<Endpoint> parse_host_port(std::string_view rest, uint16_t default_port) {
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  Endpoint ep;
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    ep.host = std::string(rest);
    ep.port = default_port;
  } else {
    ep.host = std::string(rest.substr(0, colon));
    const std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    ep.port = static_cast<uint16_t>(value);
  }
  if (ep.host.empty() || ep.host.find('/') != std::string::npos) return std::nullopt;
  return ep;
}

}  // namespace

std::string Endpoint::to_string() const { return host + ":" + std::to_string(port); }

std::optional<Endpoint> parse_nats_url(std::string_view url) {
  constexpr std::string_view kScheme = "nats://";
  if (url.substr(0, kScheme.size()) == kScheme) url.remove_prefix(kScheme.size());
  if (url.find("://") != std::string_view::npos) return std::nullopt;
  return parse_host_port(url, 4222);
}

std::optional<Endpoint> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) == kScheme) url.remove_prefix(kScheme.size());
  if (url.find("://") != std::string_view::npos) return std::nullopt;
  return parse_host_port(url, 80);
}

}  // namespace quiver::conformance
