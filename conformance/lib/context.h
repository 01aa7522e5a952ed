// What a running case sees: the broker under test (one node or a cluster, its INFO, its
// monitoring endpoint) and helpers that open connections and wait for asynchronous state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/value.hpp>

#include "codec/protocol_json.h"
#include "conformance/lib/check.h"
#include "conformance/lib/connection.h"
#include "conformance/lib/endpoint.h"
#include "conformance/lib/http.h"

namespace quiver::conformance {

// The broker a case runs against.
struct Target {
  std::vector<Endpoint> nodes;      // nodes[0] is the one most cases use
  std::optional<Endpoint> monitor;  // HTTP monitoring of nodes[0]
  codec::ServerInfo info;           // INFO that nodes[0] sent when the runner probed it
};

class CaseContext {
 public:
  CaseContext(const Target& target, Timing timing) : target_(target), timing_(timing) {}

  const Target& target() const { return target_; }
  const codec::ServerInfo& info() const { return target_.info; }
  const Timing& timing() const { return timing_; }
  std::size_t node_count() const { return target_.nodes.size(); }

  // A TCP connection and nothing else (INFO not read yet).
  Connection open(std::size_t node = 0, SocketOptions options = {}) const;
  // A TCP connection whose INFO has been read.
  Connection open_with_info(std::size_t node = 0, SocketOptions options = {}) const;

  // The CONNECT most cases send: verbose and pedantic off, protocol 1, headers on when the
  // broker advertises them, echo on.
  codec::ConnectOptions connect_options() const;
  // INFO, CONNECT (default options), PING, and PONG received: a ready client.
  Connection client(std::size_t node = 0) const;
  // The same with explicit CONNECT options (+OK is consumed when they ask for verbose).
  Connection client(const codec::ConnectOptions& options, std::size_t node = 0,
                    SocketOptions socket = {}) const;

  // A string no other case run of this process uses ("prefix-<pid>-<n>").
  std::string unique(std::string_view prefix) const;

  // ---- monitoring (fails the case when the target has no monitoring endpoint)
  HttpResponse monitor_get(std::string_view path) const;
  boost::json::value monitor_json(std::string_view path) const;

  // Calls `probe` every 20 ms until it returns true; fails with `what` after timing.wait.
  // For state a broker updates asynchronously (monitoring counters, cluster interest).
  template <class Probe>
  void eventually(std::string_view what, Probe&& probe) const {
    const Clock::time_point until = Clock::now() + timing_.wait;
    while (!probe()) {
      if (Clock::now() >= until || Clock::now() >= timing_.deadline) {
        fail("timed out after " + std::to_string(timing_.wait.count()) + " ms waiting for " +
             std::string(what));
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  // Checks that a message `publisher` just sent was not delivered to `subscriber`: the
  // publisher's flush makes the broker route it; the subscriber's flush must then come back
  // with nothing before its PONG, and nothing may arrive for timing.quiet after.
  void expect_no_delivery(Connection& publisher, Connection& subscriber) const;

  // Cluster: returns once interest `subscriber` registered (on another node) is visible to
  // the node of `publisher`. It subscribes a marker subject on `subscriber` AFTER the case's
  // own subscriptions, publishes to it from `publisher` until one arrives, then removes it;
  // interest travels in order over a route, so the earlier subscriptions are known too.
  void wait_for_interest(Connection& publisher, Connection& subscriber) const;

 private:
  const Target& target_;
  Timing timing_;
};

}  // namespace quiver::conformance
