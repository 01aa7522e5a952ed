// quiver-server's network core: the listener, one io_context per core (workers) with
// connections pinned round-robin, the accounts, the registry of connections, and the lifecycle
// (start, lame duck, graceful shutdown, reload).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>

#include "common/result.h"
#include "server/auth/authenticator.h"
#include "server/config/options.h"
#include "server/core/account.h"
#include "server/net/epoch.h"

namespace quiver::server::net {

class ClientConnection;
enum class CloseReason : uint8_t;

inline constexpr std::string_view kServerVersion = "2.9.10";
inline constexpr std::string_view kServerBuild = "quiver 0.1";

// Message counters of one worker thread. Only that thread writes them (plain load + store, no
// read-modify-write), so publishers on different cores never share a cache line; readers sum
// the workers.
struct alignas(64) TrafficCounters {
  std::atomic<uint64_t> in_msgs{0};
  std::atomic<uint64_t> in_bytes{0};
  std::atomic<uint64_t> out_msgs{0};
  std::atomic<uint64_t> out_bytes{0};

  static void bump(std::atomic<uint64_t>& counter, uint64_t n) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

struct Worker {
  explicit Worker(std::size_t idx) : index(idx), io(1), reclaim_timer(io) {}
  const std::size_t index;
  boost::asio::io_context io;
  boost::asio::steady_timer reclaim_timer;
  RetireList retired;
  TrafficCounters traffic;
  std::size_t active_writers = 0;  // write loops still running (this worker's thread only)
  std::thread thread;
};

// A snapshot of the server's counters (varz).
struct ServerStats {
  uint64_t in_msgs = 0;
  uint64_t in_bytes = 0;
  uint64_t out_msgs = 0;
  uint64_t out_bytes = 0;
  uint64_t slow_consumers = 0;
  uint64_t total_connections = 0;
};

// Limits every connection reads; replaced as a whole on reload.
struct ConnectionLimits {
  int64_t max_payload = 1024 * 1024;
  std::size_t max_control_line = 4096;
  std::size_t max_pending = 64 * 1024 * 1024;
  std::size_t max_subscriptions = 0;  // 0: unlimited
  std::chrono::milliseconds ping_interval{120000};
  int ping_max = 2;
  std::chrono::milliseconds write_deadline{10000};
  std::chrono::milliseconds auth_timeout{2000};
};

class Server {
 public:
  explicit Server(config::ServerOptions options);
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the client port and starts the workers. The error names the address on failure.
  Result<void> start();

  // Blocks until shutdown() has finished.
  void wait();

  // Graceful stop: no new connections, clients closed after their queued data is written.
  void shutdown();

  // Lame duck mode: stop accepting, tell clients (INFO ldm), close them over
  // lame_duck_duration after lame_duck_grace_period, then shut down.
  void enter_lame_duck();

  // Applies reloadable settings (limits, auth) to the running server. Existing clients stay.
  Result<void> reload(config::ServerOptions options);

  // The port actually bound (useful with port 0 / -1).
  uint16_t port() const noexcept { return port_.load(); }
  const std::string& server_id() const noexcept { return server_id_; }
  std::string server_name() const;
  std::chrono::system_clock::time_point start_time() const noexcept { return start_time_; }
  bool lame_duck() const noexcept { return lame_duck_.load(); }

  // --- used by connections ---
  ServerStats stats() const noexcept;
  void count_slow_consumer() noexcept { slow_consumers_.fetch_add(1, std::memory_order_relaxed); }
  EpochDomain& epochs() noexcept { return epochs_; }
  AccountRegistry& accounts() noexcept { return accounts_; }
  AccountPtr global_account() const { return global_account_; }
  std::shared_ptr<const Authenticator> authenticator() const;
  std::shared_ptr<const ConnectionLimits> limits() const;
  uint64_t limits_generation() const noexcept { return limits_generation_.load(); }
  bool auth_required() const;
  // The INFO line (with CRLF) for a new connection.
  std::string info_line(uint64_t cid, const std::string& client_ip) const;
  void on_closed(uint64_t cid, CloseReason reason);

  // --- services inside the broker (JetStream) ---
  // The system worker: one more io_context and thread, not serving client connections, on
  // which in-process services run and publish (InternalClient). It has its own epoch slot.
  Worker& system_worker() noexcept { return *system_worker_; }
  boost::asio::io_context& system_io() noexcept { return system_worker_->io; }
  // Runs `hook` during shutdown(), after clients are closed and before the workers stop (a
  // service syncs its storage there). Hooks run in reverse order of registration.
  void add_shutdown_hook(std::function<void()> hook);
  // Whether INFO advertises JetStream ("jetstream": true).
  void set_jetstream_available(bool available) noexcept { jetstream_available_.store(available); }

  // --- monitoring ---
  std::vector<std::shared_ptr<ClientConnection>> connections() const;
  std::size_t connection_count() const;
  config::ServerOptions options() const;

 private:
  boost::asio::awaitable<void> accept_loop();
  void schedule_reclaim(Worker& worker);
  void stop_when_flushed(Worker& worker, std::chrono::steady_clock::time_point deadline);
  void apply_options(const config::ServerOptions& options);

  const std::string server_id_;
  const std::chrono::system_clock::time_point start_time_;
  mutable std::mutex mu_;  // options_, authenticator_, limits_, conns_
  config::ServerOptions options_;
  std::shared_ptr<const Authenticator> authenticator_;
  std::shared_ptr<const ConnectionLimits> limits_;
  std::atomic<uint64_t> limits_generation_{1};
  std::map<uint64_t, std::shared_ptr<ClientConnection>> conns_;

  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<Worker> system_worker_;
  std::vector<std::function<void()>> shutdown_hooks_;  // guarded by mu_
  std::atomic<bool> jetstream_available_{false};
  std::size_t next_worker_ = 0;
  EpochDomain epochs_;
  AccountRegistry accounts_;
  AccountPtr global_account_;
  std::atomic<uint64_t> slow_consumers_{0};
  std::atomic<uint64_t> total_connections_{0};
  std::atomic<uint64_t> next_cid_{1};
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> lame_duck_{false};
  std::atomic<bool> stopping_{false};
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::condition_variable conns_cv_;  // with mu_: conns_ became empty
  std::mutex done_mu_;
  std::condition_variable done_cv_;  // with done_mu_: done_ or stopping_
  bool done_ = false;
  std::thread lame_duck_thread_;
};

}  // namespace quiver::server::net
