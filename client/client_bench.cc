// Client throughput and latency next to the official C client (libnats 3.4), both against a
// nats-server 2.9.10 this binary starts on a free port:
//   - publish throughput of 16-byte messages (flushed at the end of the run);
//   - request/reply round trip with a responder on a second connection of the same library.
//
//   bazel run --config=opt //client:client_bench
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nats/nats.h>

#include "client/connection.h"
#include "client/testing/server_process.h"

namespace quiver::client {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

const std::string kPayload(16, 'x');

testing::ServerProcess& server() {
  static auto started = testing::ServerProcess::start("/usr/sbin/nats-server");
  if (!started) std::abort();
  return started.value();
}

// An io_context on its own thread, as an application would run the client.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

void BM_QuiverPublish16(benchmark::State& state) {
  IoThread io;
  {
    Connection nc(io.io().get_executor());
    nc.async_connect(server().url(), asio::use_future).get();
    for (auto _ : state) {
      // Spins only when the network cannot keep up (errc::kWriteBufferFull).
      while (auto ec = nc.publish("bench.pub", kPayload)) {
        if (ec != errc::kWriteBufferFull) std::abort();
      }
    }
    nc.async_flush(milliseconds(60000), asio::use_future).get();
    state.SetItemsProcessed(state.iterations());
    nc.async_close(asio::use_future).get();
  }
}
BENCHMARK(BM_QuiverPublish16)->UseRealTime()->MinTime(2.0);

void BM_LibnatsPublish16(benchmark::State& state) {
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, server().url().c_str()) != NATS_OK) std::abort();
  for (auto _ : state) {
    natsConnection_Publish(nc, "bench.pub", kPayload.data(), static_cast<int>(kPayload.size()));
  }
  natsConnection_Flush(nc);
  state.SetItemsProcessed(state.iterations());
  natsConnection_Destroy(nc);
}
BENCHMARK(BM_LibnatsPublish16)->UseRealTime()->MinTime(2.0);

void BM_QuiverRequestReply(benchmark::State& state) {
  IoThread io;
  {
    Connection service(io.io().get_executor());
    Connection nc(io.io().get_executor());
    service.async_connect(server().url(), asio::use_future).get();
    nc.async_connect(server().url(), asio::use_future).get();
    service
        .async_subscribe(
            "bench.rr", {}, [&](Message m) { service.publish(m.reply(), kPayload); },
            asio::use_future)
        .get();
    service.async_flush(milliseconds(10000), asio::use_future).get();
    for (auto _ : state) {
      nc.async_request("bench.rr", kPayload, milliseconds(10000), asio::use_future).get();
    }
    state.SetItemsProcessed(state.iterations());
    nc.async_close(asio::use_future).get();
    service.async_close(asio::use_future).get();
  }
}
BENCHMARK(BM_QuiverRequestReply)->UseRealTime()->MinTime(2.0);

void on_request(natsConnection* nc, natsSubscription*, natsMsg* msg, void*) {
  natsConnection_Publish(nc, natsMsg_GetReply(msg), kPayload.data(),
                         static_cast<int>(kPayload.size()));
  natsMsg_Destroy(msg);
}

void BM_LibnatsRequestReply(benchmark::State& state) {
  natsConnection* service = nullptr;
  natsConnection* nc = nullptr;
  natsSubscription* sub = nullptr;
  if (natsConnection_ConnectTo(&service, server().url().c_str()) != NATS_OK ||
      natsConnection_ConnectTo(&nc, server().url().c_str()) != NATS_OK ||
      natsConnection_Subscribe(&sub, service, "bench.rr", on_request, nullptr) != NATS_OK ||
      natsConnection_Flush(service) != NATS_OK) {
    std::abort();
  }
  for (auto _ : state) {
    natsMsg* reply = nullptr;
    natsConnection_Request(&reply, nc, "bench.rr", kPayload.data(),
                           static_cast<int>(kPayload.size()), 10000);
    natsMsg_Destroy(reply);
  }
  state.SetItemsProcessed(state.iterations());
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(nc);
  natsConnection_Destroy(service);
}
BENCHMARK(BM_LibnatsRequestReply)->UseRealTime()->MinTime(2.0);

}  // namespace
}  // namespace quiver::client
