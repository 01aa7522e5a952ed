// The servers a connection may use: parsed URLs in try order, reconnect bookkeeping per server,
// and the reconnect delay (backoff + jitter). Pure logic, no I/O: unit-tested on its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "client/options.h"
#include "common/result.h"

namespace quiver::client::internal {

struct ServerUrl {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 4222;
  std::string user;  // from "user:pass@"
  std::string password;
  std::string token;      // from "token@"
  bool implicit = false;  // discovered from INFO connect_urls

  // "nats://host:port" (IPv6 hosts in brackets); never shows credentials.
  std::string display() const;
};

// Accepts "nats://", "tcp://" or no scheme; "tls://" is refused (kTlsNotSupported) until TLS.
Result<ServerUrl> parse_server_url(std::string_view url);

class ServerPool {
 public:
  struct Entry {
    ServerUrl url;
    int attempts = 0;  // failed attempts since the last successful connect
    std::chrono::steady_clock::time_point last_attempt{};
  };

  // Fails on the first unparsable URL. Shuffles unless `randomize` is false.
  Result<bool> init(const std::vector<std::string>& urls, bool randomize, std::mt19937_64& rng);

  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }
  Entry& at(std::size_t i) { return entries_[i]; }

  // Moves the front entry to the back and returns it (the back entry): round-robin order.
  Entry& rotate();
  // Moves the entry for host:port to the back, so that others are tried first.
  void move_to_back(const std::string& host, std::uint16_t port);
  // Removes the back entry (the one rotate() just returned).
  void remove_back();

  // Adds the INFO connect_urls ("host:port") not yet in the pool, shuffled among themselves
  // unless `randomize` is false. Returns the display URLs added.
  std::vector<std::string> add_discovered(const std::vector<std::string>& urls, bool randomize,
                                          std::mt19937_64& rng);

  std::vector<std::string> display_urls() const;

 private:
  std::deque<Entry> entries_;
};

// How long to wait before retrying a server whose last `attempts` attempts failed (0 right after
// it was lost): Options::reconnect_delay when set, else
// min(reconnect_wait * 2^(attempts-1), reconnect_wait_max) + uniform[0, reconnect_jitter].
std::chrono::milliseconds reconnect_delay(const Options& options, int attempts,
                                          std::mt19937_64& rng);

}  // namespace quiver::client::internal
