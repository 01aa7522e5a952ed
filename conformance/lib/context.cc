#include "conformance/lib/context.h"

#include <atomic>
#include <unistd.h>

namespace quiver::conformance {

Connection CaseContext::open(std::size_t node, SocketOptions options) const {
  check(node < target_.nodes.size(), "case uses a node the target does not have");
  return Connection::open(target_.nodes[node], timing_, options);
}

Connection CaseContext::open_with_info(std::size_t node, SocketOptions options) const {
  Connection c = open(node, options);
  c.read_info();
  return c;
}

codec::ConnectOptions CaseContext::connect_options() const {
  codec::ConnectOptions o;
  o.verbose = false;
  o.pedantic = false;
  o.echo = true;
  o.protocol = 1;
  o.headers = target_.info.headers;
  o.lang = "conformance";
  o.version = "1";
  o.name = "conformance";
  return o;
}

Connection CaseContext::client(std::size_t node) const { return client(connect_options(), node); }

Connection CaseContext::client(const codec::ConnectOptions& options, std::size_t node,
                               SocketOptions socket) const {
  Connection c = open_with_info(node, socket);
  c.connect(options);
  if (options.verbose) c.expect_ok();
  c.flush();
  return c;
}

std::string CaseContext::unique(std::string_view prefix) const {
  static std::atomic<unsigned> counter{0};
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

HttpResponse CaseContext::monitor_get(std::string_view path) const {
  if (!target_.monitor) skip("no monitoring endpoint");
  return http_get(*target_.monitor, path, timing_);
}

boost::json::value CaseContext::monitor_json(std::string_view path) const {
  HttpResponse r = monitor_get(path);
  if (r.status != 200) {
    fail("GET " + std::string(path) + ": expected status 200, got " + std::to_string(r.status));
  }
  return parse_json_body(r, "GET " + std::string(path));
}

void CaseContext::expect_no_delivery(Connection& publisher, Connection& subscriber) const {
  publisher.flush();
  subscriber.flush();
  subscriber.expect_nothing();
}

void CaseContext::wait_for_interest(Connection& publisher, Connection& subscriber) const {
  const std::string marker = unique("_cf.marker");
  const std::string sid = "marker";
  subscriber.sub(marker, sid);
  subscriber.flush();
  const Clock::time_point until = Clock::now() + timing_.wait * 4;
  while (true) {
    publisher.pub(marker, "");
    publisher.flush();
    if (subscriber.poll_op(milliseconds(25))) break;
    if (Clock::now() >= until) {
      fail("interest on node " + subscriber.endpoint().to_string() + " never reached node " +
           publisher.endpoint().to_string());
    }
  }
  subscriber.unsub(sid);
  // Drop the marker messages still in flight; after the PONG none can follow, the broker has
  // processed the UNSUB.
  subscriber.ping();
  while (true) {
    ServerOp op = subscriber.next("PONG after the interest marker");
    if (op.raw == "PONG\r\n") break;
    if (!(op.is_msg() && op.sid == sid)) {
      fail("while waiting for cluster interest, got " + op.describe());
    }
  }
}

}  // namespace quiver::conformance
