// MonitorServer: quiver-server's HTTP monitoring port (nats-server's `-m` / `http:`), serving
// /varz /connz /subsz (/subscriptionsz) /routez /healthz, the index page at /, and /metrics in
// the Prometheus text format. One thread runs its own io_context with Boost.Beast; request
// handling only reads the broker's thread-safe accessors, so monitoring never runs on (or
// blocks) a worker thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>

#include "common/result.h"
#include "server/monitor/endpoints.h"
#include "server/monitor/proc_stats.h"

namespace quiver::server::net {
class Server;
}

namespace quiver::server::monitor {

class MonitorServer {
 public:
  // `port` 0 or -1 (nats-server's "random") binds an ephemeral port; see port().
  MonitorServer(net::Server& server, std::string host, int port);
  ~MonitorServer();

  MonitorServer(const MonitorServer&) = delete;
  MonitorServer& operator=(const MonitorServer&) = delete;

  // Binds and starts serving on a new thread. The error names why the bind failed.
  Result<void> start();

  // Closes the listener and every open HTTP connection, then joins the thread. Idempotent.
  void stop();

  // The port actually bound (after start()).
  uint16_t port() const noexcept { return port_; }

  // The address the monitor listens on, "host:port", for logs (after start()).
  std::string address() const;

 private:
  // Builds the response for one request target (path + query). nats-server's handlers ignore
  // the method, and so does this.
  HttpResponse handle(std::string_view target);

  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  VarzData collect_varz(Clock::time_point now);
  std::vector<ConnzEntry> collect_connections(bool with_subjects);
  SublistStats collect_sublist_stats() const;

  net::Server& server_;
  const std::string host_;
  const int requested_port_;
  uint16_t port_ = 0;

  // Monitor thread only. Declared before io_ so that they outlive coroutine frames that the
  // io_context destroys.
  std::unordered_set<boost::asio::ip::tcp::socket*> sessions_;
  std::map<std::string, uint64_t> req_stats_;
  ProcessSampler sampler_;

  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace quiver::server::monitor
