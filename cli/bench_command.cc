// quiver bench: natscli's `nats bench` (the classic one-command form).
//
// Every publisher, subscriber, requester and responder has its own connection. Publishers and
// requesters are coroutines on the client's io_context (--threads threads run it): publishers
// call Connection::publish() in a loop, yielding to the writer every 256 KiB, then flush (the
// timing includes the flush); requesters await each reply before the next request.
// Subscribers and responders are callback subscriptions. With subscribers in the
// same process and messages of at least 8 bytes, every 16th payload starts with its send time,
// which gives publish-to-delivery latency.
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli/bench_js.h"
#include "cli/bench_report.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/progress.h"
#include "cli/runtime.h"
#include "codec/subject.h"

namespace quiver::cli {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr const char* kResponderQueue = "quiver-bench";
constexpr std::size_t kTimestampBytes = sizeof(std::uint64_t);
// Publish-to-delivery latency is sampled on every 16th message: reading the clock for every
// message cost ~10% of the subscriber's and publisher's CPU on 16 B messages.
constexpr std::uint64_t kStampStride = 16;
constexpr std::uint64_t kClockStride = 256;
// The final flush of a publisher may wait for megabytes the server has not read yet.
constexpr std::chrono::seconds kMinFlushTimeout{60};
// How far a publisher may run ahead of its socket before it yields to the writer. Publisher
// and writer share a thread: small batches keep both in cache (256 KiB measured best on 16 B
// messages; 32 KiB to 1 MiB are within a few percent).
constexpr std::size_t kPublisherWriteBuffer = 256 * 1024;

constexpr const char* kBenchHelp =
    "Kinds of runs:\n"
    "\n"
    "  quiver bench foo --pub 1 --msgs 1000000 --size 16     publish only\n"
    "  quiver bench foo --sub 2 --msgs 1000000               subscribe only (publish elsewhere)\n"
    "  quiver bench foo --pub 1 --sub 1                      publish and subscribe\n"
    "  quiver bench foo --pub 1 --sub 4 --queue q            subscribers share a queue group\n"
    "  quiver bench foo --pub 1 --sub 1 --request            request/reply, responders here\n"
    "  quiver bench foo --pub 4 --request                    requests to responders elsewhere\n"
    "  quiver bench foo --sub 2 --reply                      responders only\n"
    "\n"
    "--msgs is the total to publish (split across publishers); each subscriber expects all of\n"
    "them, a queue group all of them together. Messages that do not arrive within --stall of\n"
    "the last progress count as lost (runs without publishers here wait for the first message\n"
    "without a limit). Requests time out after --timeout.\n"
    "\n"
    "Output: natscli's summary (msgs/sec, MB/sec, per-client lines) plus loss and latency\n"
    "percentiles (round trip of every request; publish to delivery of every 16th message for\n"
    "pub/sub with --size >= 8), or one JSON object with --json.\n"
    "\n"
    "JetStream (--js):\n"
    "\n"
    "  quiver bench foo --js --pub 1 --msgs 100000              async publish, window 256\n"
    "  quiver bench foo --js --pub 1 --syncpub                  one acknowledgement at a time\n"
    "  quiver bench foo --js --pub 1 --sub 2 --pull             publish and consume (pull)\n"
    "  quiver bench foo --js --pub 1 --sub 1 --push --no-ack    push consumer, ack policy none\n"
    "  quiver bench foo --js --pub 1 --keep; quiver bench foo --js --sub 1   consume later\n"
    "\n"
    "The stream (--stream, default benchstream) captures SUBJECT; it is created with --storage\n"
    "(file) and deleted after the run unless --keep; an existing stream is used and kept.\n"
    "Subscribers share one durable consumer (--consumer); --sub without --pub only consumes.\n"
    "Latency: publish to acknowledgement of every message, and publish to delivery of every\n"
    "16th (pub/sub, --size >= 8). --keep keeps the consumer too; an existing one is reused.\n";

struct Config {
  std::string subject;
  std::string kind;  // pub, sub, pubsub, request, reply
  std::uint64_t pubs = 1;
  std::uint64_t subs = 0;
  std::uint64_t msgs = 100000;
  std::uint64_t size = 128;
  std::string queue;
  bool json = false;
  bool progress = false;
  std::chrono::nanoseconds stall{};
  int threads = 1;
};

std::vector<std::uint64_t> msgs_per_client(std::uint64_t msgs, std::uint64_t clients) {
  std::vector<std::uint64_t> out(clients, clients == 0 ? 0 : msgs / clients);
  for (std::uint64_t i = 0; i < (clients == 0 ? 0 : msgs % clients); ++i) ++out[i];
  return out;
}

std::uint64_t mono_ns(Clock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

// State the subscription callbacks share with the main thread.
struct Shared {
  bool timestamps = false;
  bool respond = false;
  bool group_counted = false;  // queue group or responders: the total is what matters
  std::uint64_t total_expected = 0;
  std::atomic<std::uint64_t> total{0};
  std::mutex mu;
  std::condition_variable cv;

  void notify() {
    std::lock_guard lock(mu);
    cv.notify_all();
  }
};

struct Subscriber {
  explicit Subscriber(client::Connection c) : nc(std::move(c)) {}

  client::Connection nc;
  client::Subscription sub;
  std::uint64_t expected = 0;
  // Written by the subscription's callback (one call at a time); read after the drain.
  ClientSample sample;
  LatencyHistogram latency;
  std::atomic<std::uint64_t> received{0};
};

struct Publisher {
  explicit Publisher(client::Connection c) : nc(std::move(c)) {}

  client::Connection nc;
  std::uint64_t quota = 0;
  ClientSample sample;
  LatencyHistogram latency;  // requesters: round trips
  std::uint64_t failed = 0;
  std::error_code error;
  std::atomic<std::uint64_t> done{0};
};

Config parse_config(const ParsedArgs& args) {
  Config c;
  c.subject = *args.arg("subject");
  const bool request = args.enabled("request", false);
  const bool reply = args.enabled("reply", false);
  c.pubs = args.count("pub", reply ? 0 : 1);
  c.subs = args.count("sub", 0);
  c.msgs = args.count("msgs", 100000);
  c.size = args.size("size", 128);
  c.queue = args.string("queue", "");
  c.json = args.enabled("json", false);
  c.progress = args.enabled("progress", stderr_is_terminal());
  c.stall = args.duration("stall", std::chrono::seconds(5));
  c.threads = static_cast<int>(std::min<std::uint64_t>(args.count("threads", 1), 1000));

  if (!codec::is_valid_literal_subject(c.subject)) {
    throw UsageError("invalid subject '" + c.subject +
                     "': bench needs a subject without wildcards");
  }
  if (c.msgs == 0) throw UsageError("--msgs must be at least 1");
  if (c.threads < 1 || c.threads > 64) throw UsageError("--threads must be between 1 and 64");
  if (c.size > 64 * 1024 * 1024) throw UsageError("--size must be at most 64MiB");
  if (c.pubs > 1024 || c.subs > 1024) throw UsageError("at most 1024 publishers and subscribers");
  if (args.has("queue") && !codec::is_valid_queue_name(c.queue)) {
    throw UsageError("invalid queue group name '" + c.queue + "'");
  }
  if (request && reply) throw UsageError("give --request or --reply, not both");
  if (request) {
    if (c.pubs == 0) throw UsageError("--request needs requesters: --pub N");
    c.kind = "request";
  } else if (reply) {
    if (c.pubs != 0) throw UsageError("--reply runs responders only: leave out --pub");
    if (c.subs == 0) throw UsageError("--reply needs responders: --sub N");
    c.kind = "reply";
  } else if (c.pubs > 0 && c.subs > 0) {
    c.kind = "pubsub";
  } else if (c.pubs > 0) {
    c.kind = "pub";
  } else if (c.subs > 0) {
    c.kind = "sub";
  } else {
    throw UsageError("nothing to do: give --pub N and/or --sub N");
  }
  if ((c.kind == "request" || c.kind == "reply") && c.queue.empty()) c.queue = kResponderQueue;
  return c;
}

std::string banner(const Config& c) {
  const bool rr = c.kind == "request" || c.kind == "reply";
  std::string out = std::string("Starting Core NATS ") + (rr ? "request/reply" : "pub/sub") +
                    " benchmark [subject=" + c.subject + ", msgs=" + with_commas(c.msgs) +
                    ", msgsize=" + with_commas(c.size) + " B";
  out += rr ? ", requesters=" + std::to_string(c.pubs) + ", responders=" + std::to_string(c.subs)
            : ", pubs=" + std::to_string(c.pubs) + ", subs=" + std::to_string(c.subs);
  if (!c.queue.empty() && c.subs > 0) out += ", queue=" + c.queue;
  return out + "]";
}

asio::awaitable<void> publish_loop(Publisher* p, std::string subject, std::uint64_t size,
                                   bool timestamps, std::chrono::milliseconds flush_timeout) {
  std::string payload(size, '\0');
  p->sample.start = Clock::now();
  std::uint64_t sent = 0;
  for (; sent < p->quota; ++sent) {
    if (timestamps) {
      // Every kStampStride-th message carries its send time; the others carry zeros.
      const std::uint64_t t = sent % kStampStride == 0 ? mono_ns(Clock::now()) : 0;
      std::memcpy(payload.data(), &t, kTimestampBytes);
    }
    std::error_code ec = p->nc.publish(subject, payload);
    if (ec == client::errc::kWriteBufferFull) {
      // The socket is kPublisherWriteBuffer behind: let the writer (same thread) catch up.
      auto [waited] =
          co_await p->nc.async_publish(subject, payload, {}, asio::as_tuple(asio::use_awaitable));
      ec = waited;
    }
    if (ec) {
      p->error = ec;
      break;
    }
    p->done.store(sent + 1, std::memory_order_relaxed);
  }
  const std::error_code flushed = co_await p->nc.flush(flush_timeout);
  if (flushed && !p->error) p->error = flushed;
  p->sample.end = Clock::now();
  p->sample.msgs = sent;
  p->sample.bytes = sent * size;
}

asio::awaitable<void> request_loop(Publisher* p, std::string subject, std::string payload,
                                   std::chrono::milliseconds timeout) {
  p->sample.start = Clock::now();
  std::uint64_t answered = 0;
  for (std::uint64_t i = 0; i < p->quota; ++i) {
    const auto t0 = Clock::now();
    auto reply = co_await p->nc.request(subject, payload, timeout);
    const auto t1 = Clock::now();
    if (reply) {
      p->latency.record(mono_ns(t1) - mono_ns(t0));
      ++answered;
    } else {
      ++p->failed;
      if (!p->error) p->error = reply.error();
      // Nobody listens: stop instead of failing every remaining request the same way.
      if (reply.error() == client::errc::kNoResponders && answered == 0) {
        p->done.store(i + 1, std::memory_order_relaxed);
        break;
      }
    }
    p->done.store(i + 1, std::memory_order_relaxed);
  }
  p->sample.end = Clock::now();
  p->sample.msgs = answered;
  p->sample.bytes = answered * payload.size();
}

int run_bench(const ParsedArgs& args) {
  if (args.enabled("js", false)) return run_js_bench(args);
  for (const FlagSpec& f : js_bench_flags()) {
    if (f.name != "js" && args.has(f.name)) throw UsageError("--" + f.name + " needs --js");
  }
  const ConnectionSettings settings = connection_settings(args);
  const Config c = parse_config(args);
  const bool rr = c.kind == "request" || c.kind == "reply";

  Runtime runtime(c.threads);
  Shared shared;
  shared.respond = rr;
  shared.group_counted = rr || !c.queue.empty();
  shared.timestamps = c.kind == "pubsub" && c.size >= kTimestampBytes;
  shared.total_expected = c.kind == "request" ? 0 : shared.group_counted ? c.msgs : c.msgs * c.subs;

  std::vector<std::unique_ptr<Subscriber>> subs;
  for (std::uint64_t i = 0; i < c.subs; ++i) {
    auto s = std::make_unique<Subscriber>(runtime.connect(client_options(
        settings,
        "quiver bench " + std::string(rr ? "responder " : "sub ") + std::to_string(i + 1))));
    s->expected = shared.group_counted ? 0 : c.msgs;
    Subscriber* self = s.get();
    Shared* sh = &shared;
    client::SubscribeOptions options;
    options.queue = c.queue;
    // Loss is what the benchmark measures; the client must not drop on its own.
    options.pending_msgs_limit = -1;
    options.pending_bytes_limit = -1;
    client::MessageHandler handler = [self, sh](client::Message m) {
      const std::uint64_t n = self->sample.msgs + 1;
      self->sample.msgs = n;
      self->sample.bytes += m.data().size();
      const std::uint64_t total = sh->total.fetch_add(1, std::memory_order_acq_rel) + 1;
      const bool last = (self->expected != 0 && n == self->expected) ||
                        (sh->total_expected != 0 && total == sh->total_expected);
      std::uint64_t sent = 0;
      if (sh->timestamps && m.data().size() >= kTimestampBytes) {
        std::memcpy(&sent, m.data().data(), kTimestampBytes);
      }
      // The clock is read only when needed (it costs as much as the rest of this handler):
      // first and last message, stamped messages, and every kClockStride-th for the end time
      // of a run that stalls.
      if (n == 1 || last || sent != 0 || n % kClockStride == 0) {
        const auto now = Clock::now();
        if (n == 1) self->sample.start = now;
        self->sample.end = now;
        const std::uint64_t t = mono_ns(now);
        if (sent != 0 && t >= sent) self->latency.record(t - sent);
      }
      if (sh->respond && !m.reply().empty()) self->nc.publish(m.reply(), m.data());
      self->received.store(n, std::memory_order_release);
      if (last) sh->notify();
    };
    auto [ec, sub] = wait_for<client::Subscription>(
        [&](auto done) { self->nc.async_subscribe(c.subject, options, handler, std::move(done)); });
    if (ec) throw CliError("could not subscribe to \"" + c.subject + "\": " + ec.message());
    s->sub = sub;
    flush_or_throw(s->nc, settings.timeout);
    subs.push_back(std::move(s));
  }

  std::vector<std::unique_ptr<Publisher>> pubs;
  const auto quotas = msgs_per_client(c.msgs, c.pubs);
  for (std::uint64_t i = 0; i < c.pubs; ++i) {
    client::Options options =
        client_options(settings, "quiver bench " + std::string(rr ? "requester " : "pub ") +
                                     std::to_string(i + 1));
    options.write_buffer_limit = kPublisherWriteBuffer;
    auto p = std::make_unique<Publisher>(runtime.connect(std::move(options)));
    p->quota = quotas[i];
    pubs.push_back(std::move(p));
  }

  log_line(banner(c));
  const bool count_received = c.kind == "sub" || c.kind == "reply";
  ProgressBar progress(
      count_received ? shared.total_expected : c.msgs,
      [&] {
        if (count_received) return shared.total.load(std::memory_order_relaxed);
        std::uint64_t n = 0;
        for (const auto& p : pubs) n += p->done.load(std::memory_order_relaxed);
        return n;
      },
      c.kind == "request" ? "requests" : "msgs", c.progress && !c.json);

  // Publishers / requesters: coroutines on the client's io_context.
  {
    std::vector<std::future<void>> done;
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout);
    for (auto& p : pubs) {
      auto promise = std::make_shared<std::promise<void>>();
      done.push_back(promise->get_future());
      auto on_done = [promise](std::exception_ptr e) {
        if (e) {
          promise->set_exception(e);
        } else {
          promise->set_value();
        }
      };
      if (c.kind == "request") {
        asio::co_spawn(runtime.io(),
                       request_loop(p.get(), c.subject, std::string(c.size, '\0'), timeout),
                       on_done);
      } else {
        asio::co_spawn(runtime.io(),
                       publish_loop(p.get(), c.subject, c.size, shared.timestamps,
                                    std::max<std::chrono::milliseconds>(timeout, kMinFlushTimeout)),
                       on_done);
      }
    }
    for (auto& f : done) f.get();
  }

  // Subscribers / responders: until everything arrived, or nothing moved for --stall.
  if (c.kind != "request" && !subs.empty()) {
    auto complete = [&] {
      if (shared.total_expected != 0 &&
          shared.total.load(std::memory_order_acquire) >= shared.total_expected) {
        return true;
      }
      if (shared.group_counted) return false;
      for (const auto& s : subs) {
        if (s->received.load(std::memory_order_acquire) < s->expected) return false;
      }
      return true;
    };
    std::uint64_t last = shared.total.load();
    auto last_change = Clock::now();
    std::unique_lock lock(shared.mu);
    while (!complete()) {
      shared.cv.wait_for(lock, std::chrono::milliseconds(50));
      const std::uint64_t now_total = shared.total.load();
      const auto now = Clock::now();
      if (now_total != last) {
        last = now_total;
        last_change = now;
      }
      // Without publishers here, the clock starts with the first message.
      const bool started = !pubs.empty() || now_total > 0;
      if (!started) last_change = now;
      if (started && now - last_change >= c.stall) break;
    }
  }
  progress.stop();

  // Quiesce: after a drain no callback runs any more, so the samples can be read.
  for (auto& s : subs) {
    wait_for<>([&](auto handler) { s->sub.async_drain(std::move(handler)); });
  }
  for (auto& s : subs) close_and_wait(s->nc);
  for (auto& p : pubs) close_and_wait(p->nc);

  BenchReport report;
  report.kind = c.kind;
  report.subject = c.subject;
  report.msgs = c.msgs;
  report.size = c.size;
  report.queue = c.subs > 0 ? c.queue : "";
  std::error_code first_error;
  for (auto& p : pubs) {
    report.pubs.clients.push_back(p->sample);
    report.failed += p->failed;
    report.latency.merge(p->latency);
    if (p->error && !first_error) first_error = p->error;
  }
  for (auto& s : subs) {
    report.subs.clients.push_back(s->sample);
    report.received += s->sample.msgs;
    report.latency.merge(s->latency);
  }
  report.expected = shared.total_expected;
  report.latency_label = c.kind == "request" ? "round trip" : "publish to delivery";

  if (c.kind == "request" && report.pubs.msgs() == 0) {
    throw CliError(first_error == client::errc::kNoResponders
                       ? std::string("no responders available for request")
                       : "no request was answered: " + first_error.message());
  }
  if (first_error && c.kind != "request")
    throw CliError("publish failed: " + first_error.message());
  print_out(c.json ? format_json(report) : "\n" + format_text(report));
  return 0;
}

}  // namespace

Command bench_command() {
  Command command{
      .spec =
          {
              .name = "bench",
              .summary = "Measure publish, subscribe and request/reply performance",
              .description = kBenchHelp,
              .args = {{"subject", "Subject to use for the benchmark"}},
              .flags =
                  {
                      {.name = "pub",
                       .placeholder = "N",
                       .help = "Number of publishers (requesters with --request)",
                       .default_text = "1, or 0 with --reply or --js --sub N"},
                      {.name = "sub",
                       .placeholder = "N",
                       .help = "Number of subscribers (responders with --request/--reply)",
                       .default_text = "0"},
                      {.name = "msgs",
                       .placeholder = "N",
                       .help = "Number of messages to publish (or requests to send)",
                       .default_text = "100000"},
                      {.name = "size",
                       .placeholder = "SIZE",
                       .help = "Size of the messages (16, 1KiB, ...)",
                       .default_text = "128"},
                      {.name = "request",
                       .kind = FlagKind::kSwitch,
                       .help = "Publishers send requests and wait for each reply"},
                      {.name = "reply",
                       .kind = FlagKind::kSwitch,
                       .help = "Subscribers answer requests (responders only)"},
                      {.name = "queue",
                       .placeholder = "GROUP",
                       .help = "Subscribers join this queue group",
                       .default_text = std::string(kResponderQueue) + " for responders"},
                      {.name = "json",
                       .kind = FlagKind::kSwitch,
                       .help = "Print the results as one JSON object"},
                      {.name = "progress",
                       .kind = FlagKind::kSwitch,
                       .help = "Draw a progress bar on stderr",
                       .default_text = "true on a terminal"},
                      {.name = "stall",
                       .placeholder = "DURATION",
                       .help = "Give up waiting for messages after this long without progress",
                       .default_text = "5s"},
                      {.name = "threads",
                       .placeholder = "N",
                       .help = "Threads running the client's I/O",
                       .default_text = "1"},
                  },
          },
      .aliases = {},
      .run = run_bench,
  };
  for (FlagSpec& f : js_bench_flags()) command.spec.flags.push_back(std::move(f));
  return command;
}

}  // namespace quiver::cli
