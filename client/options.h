// Configuration of a Connection and of its operations, and the lifecycle events it reports.
// Defaults follow nats.go / nats.c (client-apis.md §1.1) so NATS users get what they expect.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "client/message.h"
#include "client/transport.h"
#include "codec/headers.h"

namespace quiver::client {

enum class EventType {
  kDisconnected,       // the connection was lost; `error` says why, `server` which one
  kReconnected,        // connected again (`server`); subscriptions restored, buffer replayed
  kClosed,             // closed for good; `error` is set when it was not asked for
  kError,              // asynchronous error: -ERR from the server, a callback that threw, ...
  kLameDuck,           // the server announced lame duck mode (it will shut down soon)
  kServersDiscovered,  // INFO connect_urls added servers to the pool (`servers`)
  kSlowConsumer,       // a subscription dropped messages (`sid`, `subject`)
};

struct Event {
  EventType type = EventType::kError;
  std::error_code error;
  std::string server;                // "nats://host:port" of the server concerned
  std::vector<std::string> servers;  // kServersDiscovered: the URLs added
  std::string text;                  // -ERR text, exception message
  std::uint64_t sid = 0;             // kSlowConsumer, kError for a callback
  std::string subject;
};

enum class Status { kNotConnected, kConnecting, kConnected, kReconnecting, kDraining, kClosed };

struct Options {
  // "nats://[user:pass@]host[:port]", "nats://token@host", or "host[:port]". Port 4222 by default.
  std::vector<std::string> servers{"nats://127.0.0.1:4222"};
  bool no_randomize = false;               // try servers in the given order
  bool ignore_discovered_servers = false;  // do not add INFO connect_urls to the pool

  std::string name;
  std::string user;
  std::string password;
  std::string token;
  bool no_echo = false;  // do not receive our own publishes

  std::chrono::milliseconds connect_timeout{2000};  // TCP connect + INFO/CONNECT/PONG handshake

  bool allow_reconnect = true;
  // Reconnect attempts per server before it leaves the pool; negative: forever.
  int max_reconnect_attempts = 60;
  // Delay before retrying a server after its n-th failed attempt: reconnect_wait * 2^(n-1),
  // capped at reconnect_wait_max, plus a uniform random jitter in [0, reconnect_jitter]. With
  // the defaults (max == wait) that is nats.go's constant 2 s; raise the max for real backoff.
  std::chrono::milliseconds reconnect_wait{2000};
  std::chrono::milliseconds reconnect_wait_max{2000};
  std::chrono::milliseconds reconnect_jitter{100};
  // When set, replaces the computation above: delay for a server after `attempts` failures.
  std::function<std::chrono::milliseconds(int attempts)> reconnect_delay;
  // Publishes made while disconnected are kept (up to this many protocol bytes) and sent after
  // the reconnect. 0 disables buffering: publish then fails with errc::kDisconnected. Bytes not
  // yet written when the connection broke are dropped, as every NATS client does.
  std::size_t reconnect_buffer_bytes = 8 * 1024 * 1024;
  // While connected, publish fails with errc::kWriteBufferFull above this many unwritten bytes
  // (async_publish waits for room instead).
  std::size_t write_buffer_limit = 64 * 1024 * 1024;

  // Client PINGs; the connection counts as stale (and reconnects) when max_pings_out of them
  // are unanswered at the next tick. 0 disables them.
  std::chrono::milliseconds ping_interval{120000};
  int max_pings_out = 2;

  std::chrono::milliseconds drain_timeout{30000};
  std::string inbox_prefix = "_INBOX";

  // Lifecycle events, called one at a time and in order on the connection's executor.
  std::function<void(const Event&)> on_event;

  // Empty: TCP. Tests plug in an in-memory server here; TLS will come in as a transport.
  TransportFactory transport_factory;
  // Seeds server shuffling and reconnect jitter; 0 picks a random seed.
  std::uint64_t random_seed = 0;
};

// The per-call option structs below are trivially destructible on purpose: GCC 12 destroys a
// braced temporary of a type with a non-trivial destructor twice when it appears inside a
// co_await expression (`co_await nc.subscribe("s", {.queue = "q"})` would crash). Their views
// and pointers are copied when the operation starts. For Options, which cannot be trivial,
// pass a named variable (or the URL-string overload of async_connect) when building with GCC 12.

struct PublishOptions {
  std::string_view reply;
  const codec::Headers* headers = nullptr;  // sent as HPUB when set (even if empty)
};

struct SubscribeOptions {
  std::string_view queue;  // queue group; empty for a plain subscription
  // Auto-unsubscribe after this many messages (0: never).
  std::uint64_t max_msgs = 0;
  // Messages queued for the application beyond these limits are dropped and reported as a
  // slow consumer. 0 or negative: unlimited. Defaults are nats.go 1.53's.
  std::int64_t pending_msgs_limit = 500000;
  std::int64_t pending_bytes_limit = 64 * 1024 * 1024;
};

struct RequestOptions {
  std::chrono::milliseconds timeout{2000};
  const codec::Headers* headers = nullptr;  // sent as HPUB when set
};

static_assert(std::is_trivially_destructible_v<PublishOptions>);
static_assert(std::is_trivially_destructible_v<SubscribeOptions>);
static_assert(std::is_trivially_destructible_v<RequestOptions>);

// Callback delivery: called in order, one message at a time per subscription, on the
// connection's executor (never on the connection's internal strand).
using MessageHandler = std::function<void(Message)>;

}  // namespace quiver::client
