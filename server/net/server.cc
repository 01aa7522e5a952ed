#include "server/net/server.h"

#include <algorithm>

#include "codec/encoder.h"
#include "codec/protocol_json.h"
#include "common/log.h"
#include "server/net/client_connection.h"
#include "server/net/server_id.h"

namespace quiver::server::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {

constexpr auto kReclaimInterval = 50ms;
// How long shutdown waits for queued data to reach clients before it stops the workers.
constexpr auto kShutdownFlushTimeout = 2s;

std::shared_ptr<const ConnectionLimits> limits_from(const config::ServerOptions& o) {
  auto limits = std::make_shared<ConnectionLimits>();
  limits->max_payload = o.max_payload;
  limits->max_control_line = static_cast<std::size_t>(std::max(o.max_control_line, 1));
  limits->max_pending = static_cast<std::size_t>(std::max<int64_t>(o.max_pending, 0));
  limits->max_subscriptions = static_cast<std::size_t>(std::max(o.max_subscriptions, 0));
  limits->ping_interval = std::chrono::duration_cast<std::chrono::milliseconds>(o.ping_interval);
  if (limits->ping_interval.count() <= 0) limits->ping_interval = 1ms;
  limits->ping_max = o.ping_max;
  limits->write_deadline = std::chrono::duration_cast<std::chrono::milliseconds>(o.write_deadline);
  limits->auth_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.auth_timeout);
  return limits;
}

}  // namespace

Server::Server(config::ServerOptions options)
    : server_id_(generate_server_id()),
      start_time_(std::chrono::system_clock::now()),
      options_(std::move(options)),
      // One epoch slot per client worker, plus the system worker's.
      epochs_(std::max(1u, std::thread::hardware_concurrency()) + 1),
      accounts_(Sublist::Options{!options_.disable_sublist_cache}),
      global_account_(accounts_.find_or_create(kGlobalAccountName)) {
  const std::size_t n = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(i));
  system_worker_ = std::make_unique<Worker>(n);
  limits_ = limits_from(options_);
}

Server::~Server() {
  shutdown();
  wait();
  if (lame_duck_thread_.joinable()) lame_duck_thread_.join();
}

std::string Server::server_name() const {
  std::lock_guard lock(mu_);
  return options_.server_name.empty() ? server_id_ : options_.server_name;
}

std::shared_ptr<const Authenticator> Server::authenticator() const {
  std::lock_guard lock(mu_);
  return authenticator_;
}

std::shared_ptr<const ConnectionLimits> Server::limits() const {
  std::lock_guard lock(mu_);
  return limits_;
}

bool Server::auth_required() const {
  std::lock_guard lock(mu_);
  return authenticator_ && authenticator_->required();
}

config::ServerOptions Server::options() const {
  std::lock_guard lock(mu_);
  return options_;
}

Result<void> Server::start() {
  auto auth = make_authenticator(options_);
  if (!auth) return auth.error();
  authenticator_ = std::move(auth.value());

  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return std::error_code(ec.value(), std::system_category());
  Worker& acceptor_worker = *workers_[0];
  acceptor_.emplace(acceptor_worker.io);
  asio::ip::tcp::endpoint endpoint(address, static_cast<uint16_t>(options_.port));
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::error_code(ec.value(), std::system_category());
  port_.store(acceptor_->local_endpoint().port());

  QV_LOG_INFO("Starting quiver-server");
  QV_LOG_INFO("  Version:  ", kServerVersion, " (", kServerBuild, ")");
  QV_LOG_INFO("  Name:     ", server_name());
  QV_LOG_INFO("  ID:       ", server_id_);
  QV_LOG_INFO("  Workers:  ", workers_.size());
  if (!options_.config_file.empty())
    QV_LOG_INFO("Using configuration file: ", options_.config_file);
  QV_LOG_INFO("Listening for client connections on ", options_.host, ":", port_.load());

  asio::co_spawn(
      acceptor_worker.io, [this]() { return accept_loop(); },
      [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          QV_LOG_ERROR("accept loop failed: ", ex.what());
        }
      });
  for (auto& worker : workers_) {
    schedule_reclaim(*worker);
    worker->thread = std::thread([w = worker.get()]() { w->io.run(); });
  }
  schedule_reclaim(*system_worker_);
  system_worker_->thread = std::thread([w = system_worker_.get()]() { w->io.run(); });
  QV_LOG_INFO("Server is ready");
  return success();
}

void Server::schedule_reclaim(Worker& worker) {
  worker.reclaim_timer.expires_after(kReclaimInterval);
  worker.reclaim_timer.async_wait([this, &worker](boost::system::error_code ec) {
    if (ec) return;
    worker.retired.reclaim(epochs_);
    if (!stopping_.load()) schedule_reclaim(worker);
  });
}

awaitable<void> Server::accept_loop() {
  while (!stopping_.load() && !lame_duck_.load()) {
    Worker& worker = *workers_[next_worker_++ % workers_.size()];
    auto [ec, socket] = co_await acceptor_->async_accept(worker.io, asio::as_tuple(use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping_.load() || lame_duck_.load()) break;
      QV_LOG_ERROR("Error accepting client connection: ", ec.message());
      // Out of file descriptors and the like: back off instead of spinning.
      asio::steady_timer backoff(acceptor_->get_executor(), 10ms);
      co_await backoff.async_wait(asio::as_tuple(use_awaitable));
      continue;
    }
    const uint64_t cid = next_cid_.fetch_add(1);
    auto conn = std::make_shared<ClientConnection>(*this, worker, std::move(socket), cid);
    std::string reject;
    {
      std::lock_guard lock(mu_);
      if (options_.max_connections > 0 &&
          conns_.size() >= static_cast<std::size_t>(options_.max_connections)) {
        reject = "maximum connections exceeded";
      }
      conns_.emplace(cid, conn);
    }
    total_connections_.fetch_add(1, std::memory_order_relaxed);
    if (!reject.empty()) QV_LOG_ERROR("Maximum connections exceeded (cid:", cid, ")");
    QV_LOG_DEBUG("cid:", cid, " - Client connection created");
    asio::post(worker.io, [conn, reject = std::move(reject)]() { conn->start(reject); });
  }
}

void Server::on_closed(uint64_t cid, CloseReason reason) {
  QV_LOG_DEBUG("cid:", cid, " - Client connection closed: ", close_reason_text(reason));
  std::lock_guard lock(mu_);
  conns_.erase(cid);
  if (conns_.empty()) conns_cv_.notify_all();
}

std::string Server::info_line(uint64_t cid, const std::string& client_ip) const {
  codec::ServerInfo info;
  {
    std::lock_guard lock(mu_);
    info.server_id = server_id_;
    info.server_name = options_.server_name.empty() ? server_id_ : options_.server_name;
    info.host = options_.host;
    info.headers = !options_.no_header_support;
    info.max_payload = options_.max_payload;
    info.auth_required = authenticator_ && authenticator_->required();
  }
  info.jetstream = jetstream_available_.load();
  info.version = std::string(kServerVersion);
  info.go = std::string(kServerBuild);
  info.port = port_.load();
  info.proto = 1;
  info.client_id = cid;
  info.client_ip = client_ip;
  info.ldm = lame_duck_.load();
  std::string line;
  codec::append_info(line, codec::encode_info_json(info));
  return line;
}

void Server::add_shutdown_hook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  shutdown_hooks_.push_back(std::move(hook));
}

ServerStats Server::stats() const noexcept {
  ServerStats stats;
  for (const Worker* worker : {system_worker_.get()}) {
    stats.out_msgs += worker->traffic.out_msgs.load(std::memory_order_relaxed);
    stats.out_bytes += worker->traffic.out_bytes.load(std::memory_order_relaxed);
  }
  for (const auto& worker : workers_) {
    stats.in_msgs += worker->traffic.in_msgs.load(std::memory_order_relaxed);
    stats.in_bytes += worker->traffic.in_bytes.load(std::memory_order_relaxed);
    stats.out_msgs += worker->traffic.out_msgs.load(std::memory_order_relaxed);
    stats.out_bytes += worker->traffic.out_bytes.load(std::memory_order_relaxed);
  }
  stats.slow_consumers = slow_consumers_.load(std::memory_order_relaxed);
  stats.total_connections = total_connections_.load(std::memory_order_relaxed);
  return stats;
}

std::vector<std::shared_ptr<ClientConnection>> Server::connections() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<ClientConnection>> out;
  out.reserve(conns_.size());
  for (const auto& [cid, conn] : conns_) out.push_back(conn);
  return out;
}

std::size_t Server::connection_count() const {
  std::lock_guard lock(mu_);
  return conns_.size();
}

void Server::apply_options(const config::ServerOptions& options) {
  auto limits = limits_from(options);
  std::lock_guard lock(mu_);
  options_ = options;
  limits_ = std::move(limits);
  limits_generation_.fetch_add(1);
}

Result<void> Server::reload(config::ServerOptions options) {
  auto auth = make_authenticator(options);
  if (!auth) return auth.error();
  {
    std::lock_guard lock(mu_);
    // Listen address and port are not reloadable (nats-server refuses those changes too).
    options.host = options_.host;
    options.port = options_.port;
    authenticator_ = std::move(auth.value());
  }
  apply_options(options);
  QV_LOG_INFO("Reloaded server configuration");
  return success();
}

void Server::enter_lame_duck() {
  if (lame_duck_.exchange(true) || stopping_.load()) return;
  QV_LOG_INFO("Entering lame duck mode, stop accepting new clients");
  asio::post(workers_[0]->io, [this]() {
    boost::system::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
  });
  const config::ServerOptions opts = options();
  for (auto& conn : connections()) conn->send_async_info_async(info_line(conn->cid(), ""));
  // The schedule runs on its own thread: it only sleeps and posts closes.
  lame_duck_thread_ = std::thread([this, opts]() {
    auto grace = std::chrono::duration_cast<std::chrono::milliseconds>(opts.lame_duck_grace_period);
    auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(opts.lame_duck_duration);
    std::unique_lock lock(done_mu_);
    done_cv_.wait_for(lock, grace, [this] { return done_ || stopping_.load(); });
    lock.unlock();
    auto conns = connections();
    if (!conns.empty() && !stopping_.load()) {
      const auto spread = std::max(duration - grace, 0ms);
      const auto step = spread / static_cast<int64_t>(conns.size());
      QV_LOG_INFO("Closing existing clients");
      for (std::size_t i = 0; i < conns.size() && !stopping_.load(); ++i) {
        // Spread the closes over the duration, so the clients do not all reconnect elsewhere at
        // once; no wait after the last one.
        if (i > 0 && step.count() > 0) {
          std::unique_lock l(done_mu_);
          done_cv_.wait_for(l, step, [this] { return stopping_.load(); });
        }
        conns[i]->close_async(CloseReason::kLameDuck);
      }
    }
    shutdown();
  });
}

void Server::shutdown() {
  if (stopping_.exchange(true)) return;
  QV_LOG_INFO("Initiating Shutdown...");
  if (!acceptor_) {
    std::lock_guard lock(done_mu_);
    done_ = true;
    done_cv_.notify_all();
    return;
  }
  asio::post(workers_[0]->io, [this]() {
    boost::system::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
  });
  for (auto& conn : connections()) conn->close_async(CloseReason::kServerShutdown);
  {
    std::unique_lock lock(mu_);
    conns_cv_.wait_for(lock, kShutdownFlushTimeout, [this] { return conns_.empty(); });
  }
  {
    std::lock_guard lock(done_mu_);
    done_cv_.notify_all();  // wakes the lame duck schedule
  }
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks.swap(shutdown_hooks_);
  }
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)();
  const auto deadline = std::chrono::steady_clock::now() + kShutdownFlushTimeout;
  for (auto& worker : workers_) {
    asio::post(worker->io, [this, w = worker.get(), deadline]() {
      w->reclaim_timer.cancel();
      stop_when_flushed(*w, deadline);
    });
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  asio::post(system_worker_->io, [w = system_worker_.get()]() {
    w->reclaim_timer.cancel();
    w->io.stop();
  });
  if (system_worker_->thread.joinable()) system_worker_->thread.join();
  // Everything retired is unreachable now that no worker runs.
  for (auto& worker : workers_) {
    epochs_.exit(worker->index);
    worker->retired.reclaim(epochs_);
  }
  epochs_.exit(system_worker_->index);
  system_worker_->retired.reclaim(epochs_);
  QV_LOG_INFO("Server Exiting..");
  std::lock_guard lock(done_mu_);
  done_ = true;
  done_cv_.notify_all();
}

// Writers finish flushing on their own; a client that does not read is not waited for past the
// deadline.
void Server::stop_when_flushed(Worker& worker, std::chrono::steady_clock::time_point deadline) {
  if (worker.active_writers == 0 || std::chrono::steady_clock::now() >= deadline) {
    worker.io.stop();
    return;
  }
  auto poll = std::make_shared<asio::steady_timer>(worker.io, 5ms);
  poll->async_wait([this, &worker, deadline, poll](boost::system::error_code) {
    stop_when_flushed(worker, deadline);
  });
}

void Server::wait() {
  std::unique_lock lock(done_mu_);
  done_cv_.wait(lock, [this] { return done_; });
}

}  // namespace quiver::server::net
