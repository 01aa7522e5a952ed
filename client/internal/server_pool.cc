#include "client/internal/server_pool.h"

#include <algorithm>
#include <charconv>

#include "client/errors.h"

namespace quiver::client::internal {

std::string ServerUrl::display() const {
  std::string out = "nats://";
  if (host.find(':') != std::string::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  out.append(":").append(std::to_string(port));
  return out;
}

Result<ServerUrl> parse_server_url(std::string_view url) {
  ServerUrl out;
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const auto scheme = url.substr(0, scheme_end);
    if (scheme == "tls") return errc::kTlsNotSupported;
    if (scheme != "nats" && scheme != "tcp") return errc::kBadUrl;
    url.remove_prefix(scheme_end + 3);
  }
  // Anything after the authority (a path, query) has no meaning for NATS; a trailing '/' is
  // common in configs.
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    url = url.substr(0, slash);
  }
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = url.substr(0, at);
    url.remove_prefix(at + 1);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      out.user = userinfo.substr(0, colon);
      out.password = userinfo.substr(colon + 1);
    } else {
      out.token = userinfo;
    }
  }
  std::string_view host = url;
  std::string_view port;
  if (!url.empty() && url.front() == '[') {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return errc::kBadUrl;
    host = url.substr(1, close - 1);
    const auto rest = url.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || rest.size() == 1) return errc::kBadUrl;
      port = rest.substr(1);
    }
  } else if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return errc::kBadUrl;  // IPv6 needs brackets
    if (port.empty()) return errc::kBadUrl;
  }
  if (host.empty()) return errc::kBadUrl;
  if (!port.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return errc::kBadUrl;
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  out.host = host;
  return out;
}

Result<bool> ServerPool::init(const std::vector<std::string>& urls, bool randomize,
                              std::mt19937_64& rng) {
  entries_.clear();
  for (const auto& url : urls) {
    QV_TRY(auto parsed, parse_server_url(url));
    entries_.push_back(Entry{std::move(parsed)});
  }
  if (entries_.empty()) return errc::kNoServers;
  if (randomize) std::shuffle(entries_.begin(), entries_.end(), rng);
  return true;
}

ServerPool::Entry& ServerPool::rotate() {
  entries_.push_back(std::move(entries_.front()));
  entries_.pop_front();
  return entries_.back();
}

void ServerPool::move_to_back(const std::string& host, std::uint16_t port) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return e.url.host == host && e.url.port == port;
  });
  if (it == entries_.end()) return;
  Entry entry = std::move(*it);
  entries_.erase(it);
  entries_.push_back(std::move(entry));
}

void ServerPool::remove_back() { entries_.pop_back(); }

std::vector<std::string> ServerPool::add_discovered(const std::vector<std::string>& urls,
                                                    bool randomize, std::mt19937_64& rng) {
  std::vector<Entry> added;
  std::vector<std::string> display;
  for (const auto& url : urls) {
    auto parsed = parse_server_url(url);
    if (!parsed) continue;
    const bool known =
        std::any_of(entries_.begin(), entries_.end(),
                    [&](const Entry& e) {
                      return e.url.host == parsed.value().host && e.url.port == parsed.value().port;
                    }) ||
        std::any_of(added.begin(), added.end(), [&](const Entry& e) {
          return e.url.host == parsed.value().host && e.url.port == parsed.value().port;
        });
    if (known) continue;
    parsed.value().implicit = true;
    added.push_back(Entry{std::move(parsed).value()});
  }
  if (randomize) std::shuffle(added.begin(), added.end(), rng);
  for (auto& entry : added) {
    display.push_back(entry.url.display());
    entries_.push_back(std::move(entry));
  }
  return display;
}

std::vector<std::string> ServerPool::display_urls() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.url.display());
  return out;
}

std::chrono::milliseconds reconnect_delay(const Options& options, int attempts,
                                          std::mt19937_64& rng) {
  using std::chrono::milliseconds;
  if (options.reconnect_delay) return std::max(milliseconds(0), options.reconnect_delay(attempts));
  milliseconds delay = options.reconnect_wait;
  for (int i = 1; i < attempts && delay < options.reconnect_wait_max; ++i) delay *= 2;
  delay = std::min(delay, std::max(options.reconnect_wait, options.reconnect_wait_max));
  if (options.reconnect_jitter.count() > 0) {
    std::uniform_int_distribution<long long> jitter(0, options.reconnect_jitter.count());
    delay += milliseconds(jitter(rng));
  }
  return std::max(milliseconds(0), delay);
}

}  // namespace quiver::client::internal
