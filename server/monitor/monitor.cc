#include "server/monitor/monitor.h"

#include <exception>
#include <sched.h>
#include <thread>
#include <time.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/assert.h"
#include "common/log.h"
#include "server/net/client_connection.h"
#include "server/net/server.h"

namespace quiver::server::monitor {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;

namespace {

// An HTTP connection with no complete request for this long is closed (nats-server's monitor
// uses Go's defaults plus a 2 s header timeout; browsers and scrapers keep connections alive).
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr std::size_t kMaxRequestBody = 64 * 1024;
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

std::string http_date(Clock::time_point t) {
  const time_t tt = Clock::to_time_t(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// What built the binary, in the slot where nats-server reports its Go toolchain ("go1.19.8").
std::string toolchain() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "c++";
#endif
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

auto log_failure(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      QV_LOG_ERROR("monitor: ", what, " failed: ", ex.what());
    }
  };
}

}  // namespace

MonitorServer::MonitorServer(net::Server& server, std::string host, int port)
    : server_(server), host_(std::move(host)), requested_port_(port < 0 ? 0 : port) {}

MonitorServer::~MonitorServer() { stop(); }

Result<void> MonitorServer::start() {
  QV_CHECK(!started_, "MonitorServer::start called twice");
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(host_.empty() ? "0.0.0.0" : host_, ec);
  if (ec) return std::error_code(ec.value(), std::system_category());
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(requested_port_));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return std::error_code(ec.value(), std::system_category());
  }
  port_ = acceptor_.local_endpoint().port();
  started_ = true;
  QV_LOG_INFO("Starting http monitor on ", address());
  asio::co_spawn(
      io_, [this]() { return accept_loop(); }, log_failure("accept loop"));
  thread_ = std::thread([this]() { io_.run(); });
  return success();
}

std::string MonitorServer::address() const {
  return (host_.empty() ? std::string("0.0.0.0") : host_) + ":" + std::to_string(port_);
}

void MonitorServer::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  // Closing the sockets completes every pending operation with operation_aborted; the
  // coroutines then finish, io_.run() runs out of work and the thread ends.
  asio::post(io_, [this]() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (tcp::socket* socket : sessions_) socket->close(ignored);
  });
  thread_.join();
}

awaitable<void> MonitorServer::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Usually EMFILE: back off instead of spinning until a descriptor is free.
      QV_LOG_ERROR("monitor: accept failed: ", ec.message());
      asio::steady_timer backoff(io_, kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    asio::co_spawn(io_, serve(std::move(socket)), log_failure("HTTP session"));
  }
}

awaitable<void> MonitorServer::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  tcp::socket* registered = &stream.socket();
  sessions_.insert(registered);
  struct Unregister {
    std::unordered_set<tcp::socket*>& set;
    tcp::socket* socket;
    ~Unregister() { set.erase(socket); }
  } unregister{sessions_, registered};

  beast::flat_buffer buffer;
  for (;;) {
    boost::system::error_code ec;
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxRequestBody);
    stream.expires_after(kIdleTimeout);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const auto& req = parser.get();
    HttpResponse r = handle(std::string_view(req.target().data(), req.target().size()));

    const bool keep_alive = req.keep_alive();
    const auto status = static_cast<http::status>(r.status);
    auto fill = [&](auto& res) {
      res.set(http::field::content_type, r.content_type);
      res.set(http::field::date, http_date(Clock::now()));
      if (r.nosniff) res.set("X-Content-Type-Options", "nosniff");
      res.keep_alive(keep_alive);
    };
    stream.expires_after(kIdleTimeout);
    if (req.method() == http::verb::head) {
      http::response<http::empty_body> res{status, req.version()};
      fill(res);
      res.content_length(r.body.size());
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      http::response<http::string_body> res{status, req.version()};
      fill(res);
      res.body() = std::move(r.body);
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

HttpResponse MonitorServer::handle(std::string_view target) {
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const Query query = Query::parse(
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
  const Endpoint endpoint = route(path, server_.options().http_base_path);
  if (endpoint == Endpoint::kNotFound) return not_found();
  // Counted before the response is built, so /varz includes itself (as in nats-server).
  ++req_stats_[std::string(stats_key(endpoint))];

  const auto now = Clock::now();
  switch (endpoint) {
    case Endpoint::kRoot: {
      HttpResponse r{200, "text/html; charset=utf-8", render_root(net::kServerVersion), false};
      return r;
    }
    case Endpoint::kVarz:
      return json_response(render_varz(collect_varz(now)));
    case Endpoint::kConnz: {
      auto options = parse_connz_options(query);
      if (auto* error = std::get_if<std::string>(&options)) return bad_request(*error);
      const auto& o = std::get<ConnzOptions>(options);
      return json_response(
          render_connz(server_.server_id(), now, collect_connections(o.subs || o.subs_detail), o));
    }
    case Endpoint::kRoutez:
      return json_response(render_routez(server_.server_id(), now));
    case Endpoint::kSubsz: {
      if (std::string error = check_subsz_options(query); !error.empty()) {
        return bad_request(std::move(error));
      }
      return json_response(render_subsz(collect_sublist_stats()));
    }
    case Endpoint::kHealthz:
      return json_response(render_healthz());
    case Endpoint::kMetrics: {
      HttpResponse r{200, "text/plain; version=0.0.4; charset=utf-8",
                     render_metrics(collect_varz(now)), false};
      return r;
    }
    case Endpoint::kNotFound:
      break;
  }
  return not_found();
}

VarzData MonitorServer::collect_varz(Clock::time_point now) {
  const config::ServerOptions opts = server_.options();
  const net::ServerStats stats = server_.stats();
  VarzData v;
  v.server_id = server_.server_id();
  v.server_name = server_.server_name();
  v.version = std::string(net::kServerVersion);
  v.go = toolchain();
  v.host = opts.host;
  v.port = server_.port();
  v.auth_required = server_.auth_required();
  v.max_connections = opts.max_connections;
  v.max_subscriptions = opts.max_subscriptions;
  v.ping_interval = opts.ping_interval;
  v.ping_max = opts.ping_max;
  v.http_host = host_;
  v.http_port = port_;
  v.http_base_path = opts.http_base_path;
  v.auth_timeout = opts.auth_timeout;
  v.max_control_line = opts.max_control_line;
  v.max_payload = opts.max_payload;
  v.max_pending = opts.max_pending;
  v.write_deadline = opts.write_deadline;
  v.start = server_.start_time();
  v.now = now;
  // Reloads are not timestamped by net::Server; nats-server reports the start time until the
  // first reload too.
  v.config_load_time = v.start;
  v.mem = sampler_.resident_bytes();
  v.cores = usable_cores();
  v.cpu = sampler_.cpu();
  v.connections = server_.connection_count();
  v.total_connections = stats.total_connections;
  v.in_msgs = stats.in_msgs;
  v.out_msgs = stats.out_msgs;
  v.in_bytes = stats.in_bytes;
  v.out_bytes = stats.out_bytes;
  v.slow_consumers = stats.slow_consumers;
  v.subscriptions = collect_sublist_stats().num_subscriptions;
  v.http_req_stats = req_stats_;
  v.tags = opts.server_tags;
  if (server_.accounts().find(kSystemAccountName)) v.system_account = kSystemAccountName;
  return v;
}

std::vector<ConnzEntry> MonitorServer::collect_connections(bool with_subjects) {
  const auto sys_now = Clock::now();
  const auto steady_now = std::chrono::steady_clock::now();
  std::vector<ConnzEntry> out;
  for (const auto& conn : server_.connections()) {
    net::ConnectionInfo info = conn->info(with_subjects);
    ConnzEntry e;
    e.cid = info.cid;
    e.ip = std::move(info.ip);
    e.port = info.port;
    e.start = info.start;
    // The connection tracks activity on the steady clock; /connz reports wall-clock times.
    e.last_activity = info.last_activity.time_since_epoch().count() == 0
                          ? info.start
                          : sys_now - std::chrono::duration_cast<Clock::duration>(
                                          steady_now - info.last_activity);
    e.pending_bytes = info.pending_bytes;
    e.in_msgs = info.in_msgs;
    e.out_msgs = info.out_msgs;
    e.in_bytes = info.in_bytes;
    e.out_bytes = info.out_bytes;
    e.subscriptions = info.subscriptions;
    e.name = std::move(info.name);
    e.lang = std::move(info.lang);
    e.version = std::move(info.version);
    e.user = std::move(info.user);
    e.subjects = std::move(info.subjects);
    out.push_back(std::move(e));
  }
  return out;
}

SublistStats MonitorServer::collect_sublist_stats() const {
  // Fan-out and the number of cached results are not tracked (the caches are per thread); they
  // stay 0. Matches and hits are process-wide, over every account's index.
  SublistStats s;
  for (const auto& account : server_.accounts().list()) {
    s.num_subscriptions += account->sublist.count();
    s.num_inserts += account->sublist.inserts();
    s.num_removes += account->sublist.removes();
  }
  const MatchStats matches = process_match_stats();
  s.num_matches = matches.matches;
  s.cache_hit_rate =
      matches.matches == 0 ? 0.0 : static_cast<double>(matches.cache_hits) / matches.matches;
  return s;
}

}  // namespace quiver::server::monitor
