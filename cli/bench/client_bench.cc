// The loads of libnats_bench on Quiver's client.
//
//   client_bench pub          --url nats://127.0.0.1:4222 --msgs 2000000 --size 16
//   client_bench pub-blocking --url ... --msgs 2000000 --size 16
//   client_bench req          --url ... --msgs 20000 --size 16
//
// pub: a coroutine on the client's io_context calls Connection::publish() in a loop, awaiting
// async_publish() whenever --write-buffer bytes are waiting for the socket, then flushes; the
// time includes the flush. This is the client's own style (and what `quiver bench` does).
// pub-blocking: the same loop on the main thread, the way an application ports libnats code:
// publish() from one thread while the client's I/O thread writes.
// req: a responder connection (callback subscription) answers with the request's payload; the
// main thread sends --msgs requests one after the other, blocking on each reply as
// natsConnection_Request does.
//
// Prints one JSON object with libnats_bench's keys.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli/latency.h"
#include "cli/runtime.h"
#include "client/connection.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace cli = quiver::cli;
namespace client = quiver::client;

struct Args {
  std::string mode;
  std::string url = "nats://127.0.0.1:4222";
  std::string subject = "client.bench";
  long long msgs = 1000000;
  long long size = 16;
  long long timeout_ms = 5000;
  // Options::write_buffer_limit: how far publish() may run ahead of the socket. 0: 256 KiB for
  // pub (as `quiver bench`), the client's default (64 MiB) otherwise; both measured best.
  long long write_buffer = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "client_bench: %s\n", what.c_str());
  std::exit(1);
}

Args parse(int argc, char** argv) {
  if (argc < 2) {
    die("usage: client_bench pub|pub-blocking|req [--url U] [--msgs N] [--size S] "
        "[--write-buffer BYTES]");
  }
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) die("missing value for " + std::string(flag));
    const char* value = argv[++i];
    if (flag == "--url") {
      a.url = value;
    } else if (flag == "--subject") {
      a.subject = value;
    } else if (flag == "--msgs") {
      a.msgs = std::atoll(value);
    } else if (flag == "--size") {
      a.size = std::atoll(value);
    } else if (flag == "--timeout-ms") {
      a.timeout_ms = std::atoll(value);
    } else if (flag == "--write-buffer") {
      a.write_buffer = std::atoll(value);
    } else {
      die("unknown flag " + std::string(flag));
    }
  }
  if (a.mode != "pub" && a.mode != "pub-blocking" && a.mode != "req") die("unknown mode " + a.mode);
  if (a.msgs <= 0 || a.size < 0) die("--msgs must be > 0 and --size >= 0");
  return a;
}

boost::asio::awaitable<std::error_code> publish_coro(client::Connection& nc, const Args& a,
                                                     const std::string& payload) {
  for (long long i = 0; i < a.msgs; ++i) {
    std::error_code ec = nc.publish(a.subject, payload);
    if (ec == client::errc::kWriteBufferFull) {
      auto [waited] = co_await nc.async_publish(a.subject, payload, {},
                                                boost::asio::as_tuple(boost::asio::use_awaitable));
      ec = waited;
    }
    if (ec) co_return ec;
  }
  co_return co_await nc.flush(std::chrono::seconds(60));
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const std::string payload(static_cast<std::size_t>(a.size), '\0');
  std::string json = "{\"mode\":\"" + a.mode + "\",\"msgs\":" + std::to_string(a.msgs) +
                     ",\"size\":" + std::to_string(a.size);
  char buf[256];
  try {
    cli::Runtime runtime;
    client::Options options;
    options.servers = {a.url};
    if (a.write_buffer > 0) {
      options.write_buffer_limit = static_cast<std::size_t>(a.write_buffer);
    } else if (a.mode == "pub") {
      options.write_buffer_limit = 256 * 1024;
    }
    if (a.mode == "pub") {
      client::Connection nc = runtime.connect(options);
      const auto start = Clock::now();
      auto [ec] = cli::wait_for<>([&](auto done) {
        boost::asio::co_spawn(
            runtime.io(), publish_coro(nc, a, payload),
            [done = std::move(done)](std::exception_ptr e, std::error_code ec) mutable {
              done(e ? boost::system::error_code(boost::asio::error::fault)
                     : boost::system::error_code(ec));
            });
      });
      if (ec) die(ec.message());
      const auto end = Clock::now();
      std::snprintf(buf, sizeof buf, ",\"seconds\":%.6f,\"msgs_per_s\":%.1f",
                    seconds_between(start, end), a.msgs / seconds_between(start, end));
      json += buf;
      cli::close_and_wait(nc);
    } else if (a.mode == "pub-blocking") {
      client::Connection nc = runtime.connect(options);
      const auto start = Clock::now();
      for (long long i = 0; i < a.msgs; ++i) {
        if (auto ec = cli::publish_waiting(nc, a.subject, payload)) die(ec.message());
      }
      cli::flush_or_throw(nc, std::chrono::seconds(60));
      const auto end = Clock::now();
      std::snprintf(buf, sizeof buf, ",\"seconds\":%.6f,\"msgs_per_s\":%.1f",
                    seconds_between(start, end), a.msgs / seconds_between(start, end));
      json += buf;
      cli::close_and_wait(nc);
    } else {
      client::Connection responder = runtime.connect(options);
      client::Connection* r = &responder;
      auto [sub_ec, sub] = cli::wait_for<client::Subscription>([&](auto done) {
        responder.async_subscribe(
            a.subject, client::SubscribeOptions{},
            [r](client::Message m) {
              if (!m.reply().empty()) r->publish(m.reply(), m.data());
            },
            std::move(done));
      });
      if (sub_ec) die(sub_ec.message());
      cli::flush_or_throw(responder, std::chrono::seconds(5));
      client::Connection nc = runtime.connect(options);
      quiver::cli::LatencyHistogram latency;
      long long failed = 0;
      const std::chrono::milliseconds timeout(a.timeout_ms);
      const auto start = Clock::now();
      for (long long i = 0; i < a.msgs; ++i) {
        const auto t0 = Clock::now();
        auto [ec, reply] = cli::wait_for<client::Message>(
            [&](auto done) { nc.async_request(a.subject, payload, timeout, std::move(done)); });
        const auto t1 = Clock::now();
        if (ec) {
          ++failed;
        } else {
          latency.record(static_cast<std::uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
        }
      }
      const auto end = Clock::now();
      auto us = [&](double p) { return static_cast<double>(latency.percentile(p)) / 1e3; };
      std::snprintf(buf, sizeof buf,
                    ",\"seconds\":%.6f,\"msgs_per_s\":%.1f,\"failed\":%lld,\"lat_p50_us\":%.2f,"
                    "\"lat_p90_us\":%.2f,\"lat_p99_us\":%.2f,\"lat_p999_us\":%.2f,"
                    "\"lat_max_us\":%.2f",
                    seconds_between(start, end), (a.msgs - failed) / seconds_between(start, end),
                    failed, us(50), us(90), us(99), us(99.9),
                    static_cast<double>(latency.max()) / 1e3);
      json += buf;
      cli::close_and_wait(nc);
      cli::close_and_wait(responder);
    }
  } catch (const std::exception& e) {
    die(e.what());
  }
  json += "}\n";
  std::fputs(json.c_str(), stdout);
  return 0;
}
