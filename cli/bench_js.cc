// quiver bench --js. Every publisher and subscriber has its own connection and JetStream
// context; their loops are coroutines on the client's io_context (--threads threads run it).
// Publish-to-ack latency is measured for every message (async: when the publisher sees the
// acknowledgement, which it checks after every publish and whenever the window frees up);
// publish-to-delivery latency, with subscribers in the same process and --size >= 8, for every
// 16th message, which carries its send time.
#include "cli/bench_js.h"

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/asio/co_spawn.hpp>

#include "cli/bench_report.h"
#include "cli/format.h"
#include "cli/js_args.h"
#include "cli/js_session.h"
#include "cli/progress.h"
#include "cli/runtime.h"
#include "client/jetstream/consumer.h"
#include "client/jetstream/jetstream.h"
#include "codec/subject.h"

namespace quiver::cli {
namespace {

namespace asio = boost::asio;
namespace jetstream = client::jetstream;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kTimestampBytes = sizeof(std::uint64_t);
constexpr std::uint64_t kStampStride = 16;
// How often idle subscriber loops look at the stop flag.
constexpr milliseconds kPollInterval{100};
constexpr const char* kPushGroup = "quiver-bench";

std::uint64_t mono_ns(Clock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

std::vector<std::uint64_t> msgs_per_client(std::uint64_t msgs, std::uint64_t clients) {
  std::vector<std::uint64_t> out(clients, clients == 0 ? 0 : msgs / clients);
  for (std::uint64_t i = 0; i < (clients == 0 ? 0 : msgs % clients); ++i) ++out[i];
  return out;
}

struct Shared {
  std::uint64_t expected = 0;
  bool timestamps = false;
  bool acks = true;
  std::atomic<std::uint64_t> total{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;

  void notify() {
    std::lock_guard lock(mu);
    cv.notify_all();
  }
};

struct JsClient {
  explicit JsClient(client::Connection c, milliseconds timeout, std::uint64_t window)
      : nc(std::move(c)) {
    jetstream::JetStreamOptions options;
    options.timeout = timeout;
    options.max_pending = std::max<std::uint64_t>(window, 1);
    // A full window waits for acknowledgements as long as one may take.
    options.stall_wait = timeout;
    js = jetstream::JetStream(nc, options);
  }

  client::Connection nc;
  jetstream::JetStream js;
  ClientSample sample;
  LatencyHistogram latency;  // subscribers: publish to delivery; publishers: publish to ack
  std::uint64_t quota = 0;
  std::uint64_t acked = 0;
  std::uint64_t failed = 0;
  std::optional<jetstream::Error> error;
  std::atomic<std::uint64_t> done{0};       // published, or received
  std::atomic<bool> consume_failed{false};  // set after `error`, for the main thread
  // Subscribers: one of these.
  jetstream::MessageStream pull;
  jetstream::PushSubscription push;
};

void stamp(std::string& payload, bool timestamps, std::uint64_t i) {
  if (!timestamps) return;
  const std::uint64_t t = i % kStampStride == 0 ? mono_ns(Clock::now()) : 0;
  std::memcpy(payload.data(), &t, kTimestampBytes);
}

void settle(JsClient* p, const jetstream::JsResult<jetstream::PubAck>& r, Clock::time_point sent) {
  if (r) {
    ++p->acked;
    p->latency.record(mono_ns(Clock::now()) - mono_ns(sent));
  } else {
    ++p->failed;
    if (!p->error) p->error = r.error();
  }
}

asio::awaitable<void> publish_async_loop(JsClient* p, std::string subject, std::uint64_t size,
                                         bool timestamps, milliseconds timeout) {
  std::string payload(size, '\0');
  std::deque<std::pair<jetstream::PubAckFuture, Clock::time_point>> inflight;
  p->sample.start = Clock::now();
  for (std::uint64_t i = 0; i < p->quota; ++i) {
    stamp(payload, timestamps, i);
    const auto sent = Clock::now();
    auto future = co_await p->js.publish_async(subject, payload);
    if (!future) {
      // The window stayed full, or the connection failed: the rest is not published.
      if (!p->error) p->error = future.error();
      p->failed += p->quota - i;
      break;
    }
    inflight.emplace_back(std::move(future).value(), sent);
    while (!inflight.empty()) {
      auto ready = inflight.front().first.try_get();
      if (!ready) break;
      settle(p, *ready, inflight.front().second);
      inflight.pop_front();
    }
    p->done.store(i + 1, std::memory_order_relaxed);
  }
  while (!inflight.empty()) {
    auto r = co_await inflight.front().first.get(timeout);
    settle(p, r, inflight.front().second);
    inflight.pop_front();
  }
  p->sample.end = Clock::now();
  p->sample.msgs = p->acked;
  p->sample.bytes = p->acked * size;
}

asio::awaitable<void> publish_sync_loop(JsClient* p, std::string subject, std::uint64_t size,
                                        bool timestamps) {
  std::string payload(size, '\0');
  p->sample.start = Clock::now();
  for (std::uint64_t i = 0; i < p->quota; ++i) {
    stamp(payload, timestamps, i);
    const auto sent = Clock::now();
    auto r = co_await p->js.publish(subject, payload);
    settle(p, r, sent);
    p->done.store(i + 1, std::memory_order_relaxed);
    // No stream listens: every other publish would fail the same way.
    if (!r && r.error() == jetstream::errc::kNoStreamResponse && p->acked == 0) {
      p->failed += p->quota - i - 1;
      break;
    }
  }
  p->sample.end = Clock::now();
  p->sample.msgs = p->acked;
  p->sample.bytes = p->acked * size;
}

void on_message(JsClient* s, Shared* sh, jetstream::JsMsg& m) {
  const auto now = Clock::now();
  const std::uint64_t n = s->sample.msgs + 1;
  s->sample.msgs = n;
  s->sample.bytes += m.data().size();
  if (n == 1) s->sample.start = now;
  s->sample.end = now;
  if (sh->timestamps && m.data().size() >= kTimestampBytes) {
    std::uint64_t sent = 0;
    std::memcpy(&sent, m.data().data(), kTimestampBytes);
    const std::uint64_t t = mono_ns(now);
    if (sent != 0 && t >= sent) s->latency.record(t - sent);
  }
  if (sh->acks) m.ack();
  s->done.store(n, std::memory_order_relaxed);
  if (sh->total.fetch_add(1, std::memory_order_acq_rel) + 1 >= sh->expected) sh->notify();
}

asio::awaitable<void> consume_loop(JsClient* s, Shared* sh, bool pull) {
  while (!sh->stop.load() && sh->total.load(std::memory_order_acquire) < sh->expected) {
    jetstream::JsResult<jetstream::JsMsg> m = jetstream::Error(client::errc::kTimeout);
    if (pull) {
      m = co_await s->pull.next(kPollInterval);
    } else {
      m = co_await s->push.next(kPollInterval);
    }
    if (!m) {
      if (m.error() == client::errc::kTimeout) continue;
      if (!s->error) s->error = m.error();
      s->consume_failed = true;
      sh->notify();
      break;
    }
    on_message(s, sh, m.value());
  }
  if (pull) {
    co_await s->pull.stop();
  } else {
    s->push.unsubscribe();
  }
}

std::string banner(const JsBenchConfig& c) {
  std::string out = "Starting JetStream benchmark [subject=" + c.subject +
                    ", msgs=" + with_commas(c.msgs) + ", msgsize=" + with_commas(c.size) +
                    " B, pubs=" + std::to_string(c.pubs) + ", subs=" + std::to_string(c.subs) +
                    ", stream=" + c.stream +
                    ", storage=" + std::string(jetstream::to_string(c.storage));
  if (c.pubs > 0)
    out += c.sync ? ", publish=sync" : ", publish=async, window=" + std::to_string(c.window);
  if (c.subs > 0) {
    out += ", consumer=" + c.consumer +
           (c.pull ? ", pull, batch=" + std::to_string(c.pull_batch) : std::string(", push"));
    out += c.acks ? ", acks" : ", no acks";
  }
  return out + "]";
}

// Deletes what the run created when it ends (also on errors), unless --keep.
struct Cleanup {
  Runtime* runtime = nullptr;
  jetstream::JetStream* js = nullptr;
  std::string stream;
  std::string consumer;
  bool stream_created = false;
  bool consumer_created = false;
  bool keep = false;

  ~Cleanup() {
    if (keep) return;
    try {
      if (consumer_created && !stream_created) {
        auto r = block_on(runtime->io(), js->delete_consumer(stream, consumer));
        if (!r) log_line(describe_error(r.error(), "could not delete the consumer " + consumer));
      }
      if (stream_created) {
        auto r = block_on(runtime->io(), js->delete_stream(stream));
        if (!r) log_line(describe_error(r.error(), "could not delete the stream " + stream));
      }
    } catch (const std::exception& e) {
      log_line(std::string("could not clean up: ") + e.what());
    }
  }
};

}  // namespace

std::string JsBenchConfig::kind() const {
  if (pubs > 0 && subs > 0) return "pubsub";
  return pubs > 0 ? "pub" : "sub";
}

std::vector<FlagSpec> js_bench_flags() {
  return {
      {.name = "js",
       .kind = FlagKind::kSwitch,
       .help = "Benchmark JetStream: publish with acknowledgements, consume from a stream"},
      {.name = "stream",
       .placeholder = "NAME",
       .help = "JetStream: the stream (created and deleted unless it exists)",
       .default_text = "benchstream"},
      {.name = "storage",
       .placeholder = "TYPE",
       .help = "JetStream: storage of a created stream, file or memory",
       .default_text = "file"},
      {.name = "window",
       .placeholder = "N",
       .help = "JetStream: acknowledgements outstanding per async publisher",
       .default_text = "256"},
      {.name = "syncpub",
       .kind = FlagKind::kSwitch,
       .help = "JetStream: publish synchronously, waiting for each acknowledgement"},
      {.name = "pull",
       .kind = FlagKind::kSwitch,
       .help = "JetStream: subscribers pull from the consumer (the default)"},
      {.name = "push", .kind = FlagKind::kSwitch, .help = "JetStream: a push consumer"},
      {.name = "pullbatch",
       .placeholder = "N",
       .help = "JetStream: messages each pull subscriber requests ahead",
       .default_text = "100"},
      {.name = "consumer",
       .placeholder = "NAME",
       .help = "JetStream: the durable consumer's name",
       .default_text = "quiver-bench"},
      {.name = "ack",
       .kind = FlagKind::kSwitch,
       .help = "JetStream: subscribers acknowledge each message (--no-ack: ack policy none)",
       .default_text = "true"},
      {.name = "keep",
       .kind = FlagKind::kSwitch,
       .help = "JetStream: keep the stream and consumer after the run"},
      {.name = "purge",
       .kind = FlagKind::kSwitch,
       .help = "JetStream: purge an existing stream before the run"},
  };
}

JsBenchConfig parse_js_bench_config(const ParsedArgs& args) {
  JsBenchConfig c;
  c.subject = *args.arg("subject");
  for (const char* core_only : {"request", "reply", "queue"}) {
    if (args.has(core_only)) {
      throw UsageError("--" + std::string(core_only) + " is not available with --js");
    }
  }
  // Unlike core bench, --sub alone reads what an earlier run kept (natscli: --pub defaults to 0).
  c.pubs = args.count("pub", args.has("sub") ? 0 : 1);
  c.subs = args.count("sub", 0);
  c.msgs = args.count("msgs", 100000);
  c.size = args.size("size", 128);
  c.json = args.enabled("json", false);
  c.progress = args.enabled("progress", stderr_is_terminal());
  c.stall = args.duration("stall", std::chrono::seconds(5));
  c.threads = static_cast<int>(std::min<std::uint64_t>(args.count("threads", 1), 1000));
  c.stream = args.string("stream", c.stream);
  c.consumer = args.string("consumer", c.consumer);
  if (auto v = args.value("storage")) c.storage = parse_storage("storage", *v);
  c.sync = args.enabled("syncpub", false);
  c.window = args.count("window", c.window);
  const bool pull = args.enabled("pull", false);
  const bool push = args.enabled("push", false);
  if (pull && push) throw UsageError("give --pull or --push, not both");
  c.pull = !push;
  c.pull_batch = args.count("pullbatch", c.pull_batch);
  c.acks = args.enabled("ack", true);
  c.keep = args.enabled("keep", false);
  c.purge = args.enabled("purge", false);

  if (!codec::is_valid_literal_subject(c.subject)) {
    throw UsageError("invalid subject '" + c.subject +
                     "': bench needs a subject without wildcards");
  }
  if (c.msgs == 0) throw UsageError("--msgs must be at least 1");
  if (c.threads < 1 || c.threads > 64) throw UsageError("--threads must be between 1 and 64");
  if (c.size > 8 * 1024 * 1024) throw UsageError("--size must be at most 8MiB with --js");
  if (c.pubs > 1024 || c.subs > 1024) throw UsageError("at most 1024 publishers and subscribers");
  if (c.pubs == 0 && c.subs == 0) throw UsageError("nothing to do: give --pub N and/or --sub N");
  if (c.window == 0 || c.window > 1000000) throw UsageError("--window must be 1 to 1000000");
  if (c.sync && args.has("window")) throw UsageError("--window is for async publishing");
  if (c.pull_batch == 0 || c.pull_batch > 1000000) {
    throw UsageError("--pullbatch must be 1 to 1000000");
  }
  if (!c.pull && args.has("pullbatch")) throw UsageError("--pullbatch is for --pull");
  if (c.stream.empty() || c.stream.find_first_of(" .*>\t") != std::string::npos) {
    throw UsageError("invalid stream name '" + c.stream + "'");
  }
  if (c.consumer.empty() || c.consumer.find_first_of(" .*>\t") != std::string::npos) {
    throw UsageError("invalid consumer name '" + c.consumer + "'");
  }
  return c;
}

int run_js_bench(const ParsedArgs& args) {
  const ConnectionSettings settings = connection_settings(args);
  const JsBenchConfig c = parse_js_bench_config(args);
  const auto timeout = std::chrono::duration_cast<milliseconds>(settings.timeout);

  Runtime runtime(c.threads);
  JsClient admin(runtime.connect(client_options(settings, "quiver bench admin")), timeout, 1);
  auto fail = [](const jetstream::Error& e, std::string_view what) {
    throw CliError(describe_error(e, what));
  };

  Cleanup cleanup{.runtime = &runtime,
                  .js = &admin.js,
                  .stream = c.stream,
                  .consumer = c.consumer,
                  .keep = c.keep};
  auto existing = block_on(runtime.io(), admin.js.stream_info(c.stream));
  if (existing) {
    if (!c.json) log_line("Using the existing stream " + c.stream);
    if (c.purge) {
      auto purged = block_on(runtime.io(), admin.js.purge_stream(c.stream));
      if (!purged) fail(purged.error(), "could not purge the stream");
    }
  } else if (existing.error() != jetstream::errc::kStreamNotFound) {
    fail(existing.error(), "could not look up the stream");
  } else if (c.pubs == 0) {
    throw CliError("stream " + c.stream +
                   " not found: a subscribe-only run reads an existing stream (publish with "
                   "--keep first)");
  } else {
    jetstream::StreamConfig config;
    config.name = c.stream;
    config.subjects = {c.subject};
    config.storage = c.storage;
    auto created = block_on(runtime.io(), admin.js.add_stream(config));
    if (!created) fail(created.error(), "could not create the stream");
    cleanup.stream_created = true;
  }

  Shared shared;
  shared.expected = c.subs > 0 ? c.msgs : 0;
  shared.timestamps = c.pubs > 0 && c.subs > 0 && c.size >= kTimestampBytes;
  shared.acks = c.acks;

  std::vector<std::unique_ptr<JsClient>> subs;
  if (c.subs > 0) {
    auto info = block_on(runtime.io(), admin.js.consumer_info(c.stream, c.consumer));
    if (info) {
      if (info.value().config.deliver_subject.empty() != c.pull) {
        throw CliError("consumer " + c.consumer + " exists and is a " + (c.pull ? "push" : "pull") +
                       " consumer");
      }
      if (!c.json) log_line("Using the existing consumer " + c.consumer);
    } else if (info.error() != jetstream::errc::kConsumerNotFound) {
      fail(info.error(), "could not look up the consumer");
    } else {
      jetstream::ConsumerConfig config;
      config.durable_name = c.consumer;
      config.ack_policy = c.acks ? jetstream::AckPolicy::kExplicit : jetstream::AckPolicy::kNone;
      // A stream made for this run is empty; in one that was there, count only this run's.
      config.deliver_policy =
          existing && c.pubs > 0 ? jetstream::DeliverPolicy::kNew : jetstream::DeliverPolicy::kAll;
      if (!c.pull) {
        config.deliver_subject = admin.nc.new_inbox();
        config.deliver_group = kPushGroup;
      }
      if (c.acks && c.pull) {
        // Each subscriber keeps up to --pullbatch messages unacknowledged.
        config.max_ack_pending =
            static_cast<int>(std::min<std::uint64_t>(c.pull_batch * c.subs * 2 + 1000, 1000000));
      }
      auto added = block_on(runtime.io(), admin.js.add_consumer(c.stream, config));
      if (!added) fail(added.error(), "could not create the consumer");
      cleanup.consumer_created = true;
    }
    for (std::uint64_t i = 0; i < c.subs; ++i) {
      auto s = std::make_unique<JsClient>(
          runtime.connect(client_options(settings, "quiver bench sub " + std::to_string(i + 1))),
          timeout, 1);
      if (c.pull) {
        jetstream::PullConsumer consumer = s->js.pull_consumer(c.stream, c.consumer);
        jetstream::ConsumeOptions options;
        options.max_messages = static_cast<int>(c.pull_batch);
        auto stream = block_on(runtime.io(), consumer.consume(options));
        if (!stream) fail(stream.error(), "could not pull from the consumer");
        s->pull = std::move(stream).value();
      } else {
        auto push = block_on(runtime.io(), s->js.bind_push(c.stream, c.consumer));
        if (!push) fail(push.error(), "could not subscribe to the consumer");
        s->push = std::move(push).value();
      }
      subs.push_back(std::move(s));
    }
  }

  std::vector<std::unique_ptr<JsClient>> pubs;
  const auto quotas = msgs_per_client(c.msgs, c.pubs);
  for (std::uint64_t i = 0; i < c.pubs; ++i) {
    auto p = std::make_unique<JsClient>(
        runtime.connect(client_options(settings, "quiver bench pub " + std::to_string(i + 1))),
        timeout, c.window);
    p->quota = quotas[i];
    pubs.push_back(std::move(p));
  }

  log_line(banner(c));
  ProgressBar progress(
      c.msgs,
      [&] {
        std::uint64_t n = 0;
        if (c.pubs == 0) return shared.total.load(std::memory_order_relaxed);
        for (const auto& p : pubs) n += p->done.load(std::memory_order_relaxed);
        return n;
      },
      "msgs", c.progress && !c.json);

  auto spawn = [&](asio::awaitable<void> loop) {
    auto promise = std::make_shared<std::promise<void>>();
    auto future = promise->get_future();
    asio::co_spawn(runtime.io(), std::move(loop), [promise](std::exception_ptr e) {
      if (e) {
        promise->set_exception(e);
      } else {
        promise->set_value();
      }
    });
    return future;
  };
  // Every loop must have finished before the clients go away, even when one failed.
  std::exception_ptr failure;
  auto join = [&failure](std::vector<std::future<void>>& loops) {
    for (auto& f : loops) {
      try {
        f.get();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::future<void>> consuming;
  for (auto& s : subs) consuming.push_back(spawn(consume_loop(s.get(), &shared, c.pull)));
  std::vector<std::future<void>> publishing;
  for (auto& p : pubs) {
    publishing.push_back(
        spawn(c.sync ? publish_sync_loop(p.get(), c.subject, c.size, shared.timestamps)
                     : publish_async_loop(p.get(), c.subject, c.size, shared.timestamps,
                                          std::max(timeout, milliseconds(10000)))));
  }
  join(publishing);

  // Subscribers: until everything arrived, or nothing moved for --stall.
  if (!subs.empty() && !failure) {
    std::uint64_t last = shared.total.load();
    auto last_change = Clock::now();
    std::unique_lock lock(shared.mu);
    while (shared.total.load(std::memory_order_acquire) < shared.expected) {
      shared.cv.wait_for(lock, milliseconds(50));
      const std::uint64_t now_total = shared.total.load();
      const auto now = Clock::now();
      if (now_total != last) {
        last = now_total;
        last_change = now;
      }
      if (now - last_change >= c.stall) break;
      bool all_failed = true;
      for (const auto& s : subs) {
        all_failed = all_failed && s->consume_failed.load();
      }
      if (all_failed) break;
    }
  }
  shared.stop = true;
  join(consuming);
  progress.stop();
  if (failure) std::rethrow_exception(failure);
  for (auto& s : subs) close_and_wait(s->nc);
  for (auto& p : pubs) close_and_wait(p->nc);

  BenchReport report;
  report.kind = c.kind();
  report.subject = c.subject;
  report.msgs = c.msgs;
  report.size = c.size;
  report.js = JsBenchSettings{
      .stream = c.stream,
      .storage = std::string(jetstream::to_string(c.storage)),
      .publish = c.pubs == 0 ? ""
                 : c.sync    ? "sync"
                             : "async",
      .window = c.pubs == 0 || c.sync ? 0 : c.window,
      .consumer = c.subs == 0 ? ""
                  : c.pull    ? "pull"
                              : "push",
      .pull_batch = c.subs > 0 && c.pull ? c.pull_batch : 0,
      .acks = c.acks,
  };
  std::optional<jetstream::Error> first_error;
  for (auto& p : pubs) {
    report.pubs.clients.push_back(p->sample);
    report.failed += p->failed;
    report.ack_latency.merge(p->latency);
    if (p->error && !first_error) first_error = p->error;
  }
  std::optional<jetstream::Error> sub_error;
  for (auto& s : subs) {
    report.subs.clients.push_back(s->sample);
    report.received += s->sample.msgs;
    report.latency.merge(s->latency);
    if (s->error && !sub_error) sub_error = s->error;
  }
  report.expected = shared.expected;
  report.latency_label = "publish to delivery";

  if (c.keep && !c.json) {
    log_line("Kept the stream " + c.stream + (c.subs > 0 ? " and the consumer " + c.consumer : ""));
  }
  if (!pubs.empty() && report.pubs.msgs() == 0 && first_error) {
    fail(*first_error, "publish failed");
  }
  print_out(c.json ? format_json(report) : "\n" + format_text(report));
  if (first_error) {
    throw CliError(with_commas(report.failed) + " publishes were not acknowledged: " +
                   describe_error(*first_error, "publish failed"));
  }
  if (sub_error && report.received < report.expected) {
    fail(*sub_error, "consuming failed");
  }
  return 0;
}

}  // namespace quiver::cli
