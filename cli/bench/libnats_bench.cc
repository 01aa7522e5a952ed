// A load generator on libnats (Debian's nats.c 3.4): the reference that
// client_vs_libnats.py compares Quiver's client and `quiver bench` with.
//
//   libnats_bench pub    --url nats://127.0.0.1:4222 --msgs 2000000 --size 16
//   libnats_bench pubsub --url ... --msgs 1000000 --size 16
//   libnats_bench req    --url ... --msgs 20000 --size 16
//
// pub: one connection publishes --msgs messages as fast as natsConnection_Publish takes them,
// then flushes; the time includes the flush (as `quiver bench` and natscli measure).
// pubsub: the same, with a second connection subscribed (async callback, no pending limits);
// the subscriber's rate runs from its first message to its last.
// req: a responder connection answers with the request's payload; the requester sends
// --msgs requests one after the other with natsConnection_Request.
//
// --send-asap sets natsOptions_SetSendAsap on every connection: each publish is written at once
// instead of being left to the flusher thread (lower latency, fewer messages per write).
//
// Prints one JSON object: {"mode","msgs","size","seconds","msgs_per_s","received",
// "sub_msgs_per_s","lat_p50_us","lat_p90_us","lat_p99_us","lat_p999_us","lat_max_us"}.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>

#include <nats/nats.h>

#include "cli/latency.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string mode;
  std::string url = "nats://127.0.0.1:4222";
  std::string subject = "libnats.bench";
  long long msgs = 1000000;
  long long size = 16;
  long long timeout_ms = 5000;
  bool send_asap = false;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "libnats_bench: %s\n", what.c_str());
  std::exit(1);
}

void check(natsStatus s, const char* what) {
  if (s != NATS_OK) die(std::string(what) + ": " + natsStatus_GetText(s));
}

Args parse(int argc, char** argv) {
  if (argc < 2) die("usage: libnats_bench pub|pubsub|req [--url U] [--msgs N] [--size S]");
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--send-asap") {
      a.send_asap = true;
      continue;
    }
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
    } else {
      die("unknown flag " + std::string(flag));
    }
  }
  if (a.mode != "pub" && a.mode != "pubsub" && a.mode != "req") die("unknown mode " + a.mode);
  if (a.msgs <= 0 || a.size < 0) die("--msgs must be > 0 and --size >= 0");
  return a;
}

natsConnection* connect(const Args& a) {
  natsOptions* opts = nullptr;
  check(natsOptions_Create(&opts), "natsOptions_Create");
  check(natsOptions_SetURL(opts, a.url.c_str()), "natsOptions_SetURL");
  // Off by default: publishes wait for nats.c's flusher thread, which batches them.
  check(natsOptions_SetSendAsap(opts, a.send_asap), "natsOptions_SetSendAsap");
  natsConnection* nc = nullptr;
  check(natsConnection_Connect(&nc, opts), "natsConnection_Connect");
  natsOptions_Destroy(opts);
  return nc;
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct SubState {
  std::atomic<long long> received{0};
  long long expected = 0;
  Clock::time_point first, last;
  std::mutex mu;
  std::condition_variable cv;
};

void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* s = static_cast<SubState*>(closure);
  const auto now = Clock::now();
  const long long n = s->received.load(std::memory_order_relaxed) + 1;
  if (n == 1) s->first = now;
  s->last = now;
  s->received.store(n, std::memory_order_release);
  natsMsg_Destroy(msg);
  if (n == s->expected) {
    std::lock_guard lock(s->mu);
    s->cv.notify_all();
  }
}

void on_request(natsConnection* nc, natsSubscription*, natsMsg* msg, void*) {
  if (natsMsg_GetReply(msg) != nullptr) {
    natsConnection_Publish(nc, natsMsg_GetReply(msg), natsMsg_GetData(msg),
                           natsMsg_GetDataLength(msg));
  }
  natsMsg_Destroy(msg);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  check(nats_Open(-1), "nats_Open");
  const std::string payload(static_cast<std::size_t>(a.size), '\0');
  std::string json = "{\"mode\":\"" + a.mode +
                     "\",\"send_asap\":" + (a.send_asap ? "true" : "false") +
                     ",\"msgs\":" + std::to_string(a.msgs) + ",\"size\":" + std::to_string(a.size);
  char buf[256];

  if (a.mode == "pub" || a.mode == "pubsub") {
    SubState sub_state;
    sub_state.expected = a.msgs;
    natsConnection* sub_nc = nullptr;
    natsSubscription* sub = nullptr;
    if (a.mode == "pubsub") {
      sub_nc = connect(a);
      check(natsConnection_Subscribe(&sub, sub_nc, a.subject.c_str(), on_msg, &sub_state),
            "natsConnection_Subscribe");
      check(natsSubscription_SetPendingLimits(sub, -1, -1), "natsSubscription_SetPendingLimits");
      check(natsConnection_Flush(sub_nc), "natsConnection_Flush");
    }
    natsConnection* nc = connect(a);
    const auto start = Clock::now();
    for (long long i = 0; i < a.msgs; ++i) {
      check(natsConnection_Publish(nc, a.subject.c_str(), payload.data(),
                                   static_cast<int>(payload.size())),
            "natsConnection_Publish");
    }
    check(natsConnection_FlushTimeout(nc, 60000), "natsConnection_Flush");
    const auto end = Clock::now();
    std::snprintf(buf, sizeof buf, ",\"seconds\":%.6f,\"msgs_per_s\":%.1f",
                  seconds_between(start, end), a.msgs / seconds_between(start, end));
    json += buf;
    if (sub != nullptr) {
      {
        // Until every message arrived, or 5 s without progress.
        std::unique_lock lock(sub_state.mu);
        long long last = -1;
        while (sub_state.received.load() < a.msgs) {
          const long long now = sub_state.received.load();
          if (now == last) break;
          last = now;
          sub_state.cv.wait_for(lock, std::chrono::seconds(5));
        }
      }
      natsSubscription_Unsubscribe(sub);
      natsConnection_Flush(sub_nc);
      const long long received = sub_state.received.load(std::memory_order_acquire);
      const double secs = seconds_between(sub_state.first, sub_state.last);
      std::snprintf(buf, sizeof buf, ",\"received\":%lld,\"sub_msgs_per_s\":%.1f", received,
                    secs > 0 ? received / secs : 0.0);
      json += buf;
      natsSubscription_Destroy(sub);
      natsConnection_Destroy(sub_nc);
    }
    natsConnection_Destroy(nc);
  } else {
    natsConnection* responder = connect(a);
    natsSubscription* sub = nullptr;
    check(natsConnection_Subscribe(&sub, responder, a.subject.c_str(), on_request, nullptr),
          "natsConnection_Subscribe");
    check(natsConnection_Flush(responder), "natsConnection_Flush");
    natsConnection* nc = connect(a);
    quiver::cli::LatencyHistogram latency;
    long long failed = 0;
    const auto start = Clock::now();
    for (long long i = 0; i < a.msgs; ++i) {
      natsMsg* reply = nullptr;
      const auto t0 = Clock::now();
      const natsStatus s = natsConnection_Request(&reply, nc, a.subject.c_str(), payload.data(),
                                                  static_cast<int>(payload.size()), a.timeout_ms);
      const auto t1 = Clock::now();
      if (s == NATS_OK) {
        latency.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
        natsMsg_Destroy(reply);
      } else {
        ++failed;
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
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
    natsConnection_Destroy(responder);
  }
  json += "}\n";
  std::fputs(json.c_str(), stdout);
  nats_Close();
  return 0;
}
