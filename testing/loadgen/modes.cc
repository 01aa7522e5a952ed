#include "testing/loadgen/modes.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>

#include "codec/encoder.h"
#include "testing/loadgen/batch.h"
#include "testing/loadgen/seq_tracker.h"

#include <sys/resource.h>

namespace quiver::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

constexpr std::string_view kDeliverySubject = "lg.bench";
constexpr std::string_view kQueueGroup = "lg.q";
constexpr std::string_view kServiceSubject = "lg.svc";
constexpr std::string_view kInboxPrefix = "_INBOX.lg.";

// One subscriber connection and what it has seen. The thread that owns it is the only writer
// of everything but the atomics, which the publisher reads for flow control.
struct Subscriber {
  Subscriber(Connection c, uint64_t n) : conn(std::move(c)), tracker(n) {}

  Connection conn;
  SeqTracker tracker;
  std::atomic<uint64_t> progress{0};  // MSGs received so far
  std::atomic<bool> dead{false};
  bool got_any = false;
  Clock::time_point last_msg;
  std::string error;
};

void run_subscriber(Subscriber& sub, const std::atomic<bool>& pub_done, int quiet_ms) {
  bool ping_sent = false;
  bool done = false;
  auto last_activity = Clock::now();
  while (!done) {
    if (!ping_sent && pub_done.load(std::memory_order_acquire)) {
      // The publishers' flush PONG means the broker has routed every message; a PONG on this
      // connection after that means every MSG routed here was written before it.
      if (sub.conn.write_all("PING\r\n")) {
        sub.error = sub.conn.error();
        break;
      }
      ping_sent = true;
      last_activity = Clock::now();
    }
    bool got_msgs = false;
    const ReadStatus st = sub.conn.read_ops(20, [&](const codec::Op& op) {
      if (op.kind == codec::OpKind::kMsg || op.kind == codec::OpKind::kHmsg) {
        if (auto seq = payload_seq(op.payload)) {
          sub.tracker.record(*seq);
        } else {
          sub.tracker.record_unsequenced();
        }
        got_msgs = true;
      } else if (op.kind == codec::OpKind::kPong && ping_sent) {
        done = true;
        return false;
      }
      return true;
    });
    const auto now = Clock::now();
    if (st == ReadStatus::kOk) {
      last_activity = now;
      if (got_msgs) {
        sub.got_any = true;
        sub.last_msg = now;
        sub.progress.store(sub.tracker.received(), std::memory_order_release);
      }
    } else if (st == ReadStatus::kTimeout) {
      if (ping_sent && now - last_activity > std::chrono::milliseconds(quiet_ms)) {
        sub.error = "no flush PONG within the quiet timeout";
        break;
      }
    } else {
      sub.error = sub.conn.error();
      break;
    }
  }
  sub.progress.store(sub.tracker.received(), std::memory_order_release);
  if (!done) sub.dead.store(true, std::memory_order_release);
}

struct PublisherRun {
  uint64_t first = 0;
  uint64_t count = 0;
  Clock::time_point end;
  uint64_t window_waits = 0;
  std::string error;
};

}  // namespace

std::string_view mode_name(Mode mode) noexcept {
  switch (mode) {
    case Mode::kPub:
      return "pub";
    case Mode::kPubSub:
      return "pubsub";
    case Mode::kFanout:
      return "fanout";
    case Mode::kQueue:
      return "queue";
    case Mode::kReqRep:
      return "reqrep";
    case Mode::kIdle:
      return "idle";
    case Mode::kSubjects:
      return "subjects";
    case Mode::kJsPub:
      return "js-pub";
    case Mode::kJsConsumePull:
      return "js-consume-pull";
    case Mode::kJsConsumePush:
      return "js-consume-push";
  }
  return "?";
}

std::optional<Mode> parse_mode(std::string_view name) noexcept {
  for (Mode m : {Mode::kPub, Mode::kPubSub, Mode::kFanout, Mode::kQueue, Mode::kReqRep, Mode::kIdle,
                 Mode::kSubjects, Mode::kJsPub, Mode::kJsConsumePull, Mode::kJsConsumePush}) {
    if (mode_name(m) == name) return m;
  }
  return std::nullopt;
}

DeliveryResult run_delivery(const Target& target, const DeliveryOptions& options) {
  DeliveryResult r;
  r.options = options;
  const uint64_t n = options.msgs;
  const int n_subs = options.mode == Mode::kPub ? 0 : std::max(options.subscribers, 0);
  const int n_pubs = options.mode == Mode::kPub ? std::max(options.publishers, 1) : 1;
  const bool queue = options.mode == Mode::kQueue;
  const bool subjects = options.mode == Mode::kSubjects;
  r.expected = queue ? (n_subs > 0 ? n : 0) : n * static_cast<uint64_t>(n_subs);

  // Subscribers first, each confirmed by its handshake PONG, so none misses the first message.
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < n_subs; ++i) {
    auto conn = Connection::dial(target.host, target.port);
    if (!conn) {
      r.errors.push_back("subscriber connect: " + conn.error().message());
      break;
    }
    std::string sub_ops;
    std::string_view subject = kDeliverySubject;
    if (subjects) subject = (i % 2 == 0) ? "s.*.x" : "s.>";
    codec::append_sub(sub_ops, subject, queue ? kQueueGroup : "", std::to_string(i + 1));
    if (auto ec = conn.value().handshake(sub_ops)) {
      r.errors.push_back("subscriber handshake: " + conn.value().error());
      break;
    }
    subs.push_back(std::make_unique<Subscriber>(std::move(conn).value(), n));
  }
  std::vector<Connection> pubs;
  for (int i = 0; i < n_pubs && r.errors.empty(); ++i) {
    auto conn = Connection::dial(target.host, target.port);
    if (!conn) {
      r.errors.push_back("publisher connect: " + conn.error().message());
      break;
    }
    if (auto ec = conn.value().handshake("")) {
      r.errors.push_back("publisher handshake: " + conn.value().error());
      break;
    }
    pubs.push_back(std::move(conn).value());
  }
  if (!r.errors.empty()) {
    r.lost = r.expected;
    return r;
  }

  const PubBatcher prototype =
      subjects ? PubBatcher::cycling("s.", ".x", options.distinct_subjects, options.size)
               : PubBatcher::fixed(std::string(kDeliverySubject), options.size);
  const uint64_t window_msgs =
      options.window_bytes == 0 || n_subs == 0
          ? std::numeric_limits<uint64_t>::max()
          : std::max<uint64_t>(1, options.window_bytes / prototype.msg_wire_bytes());

  // The slowest live subscriber's progress, in messages of this publisher's stream; a queue
  // group shares the stream, so its members' progress adds up.
  const auto progress = [&]() -> uint64_t {
    uint64_t total = 0;
    uint64_t slowest = std::numeric_limits<uint64_t>::max();
    bool any_alive = false;
    for (const auto& s : subs) {
      const uint64_t p = s->progress.load(std::memory_order_acquire);
      total += p;
      if (s->dead.load(std::memory_order_acquire)) continue;
      any_alive = true;
      slowest = std::min(slowest, p);
    }
    if (!any_alive) return std::numeric_limits<uint64_t>::max();
    return queue ? total : slowest;
  };

  std::atomic<bool> pub_done{false};
  std::vector<std::thread> sub_threads;
  sub_threads.reserve(subs.size());
  for (auto& s : subs) {
    sub_threads.emplace_back(
        [&sub = *s, &pub_done, quiet = options.quiet_ms] { run_subscriber(sub, pub_done, quiet); });
  }

  std::vector<PublisherRun> runs(n_pubs);
  for (int i = 0; i < n_pubs; ++i) {
    runs[i].count = n / n_pubs + (static_cast<uint64_t>(i) < n % n_pubs ? 1 : 0);
    runs[i].first = i == 0 ? 0 : runs[i - 1].first + runs[i - 1].count;
  }
  const auto start = Clock::now();
  const auto publish = [&](int i) {
    PublisherRun& run = runs[i];
    Connection& conn = pubs[i];
    PubBatcher batcher = prototype;
    std::string buf;
    buf.reserve(options.batch_bytes + prototype.msg_wire_bytes() + 64);
    uint64_t sent = 0;
    while (sent < run.count) {
      if (sent > window_msgs) {
        auto waited_since = Clock::now();
        uint64_t last_seen = progress();
        bool counted = false;
        while (sent > window_msgs && progress() < sent - window_msgs) {
          if (!counted) {
            ++run.window_waits;
            counted = true;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(50));
          const uint64_t p = progress();
          const auto now = Clock::now();
          if (p != last_seen) {
            last_seen = p;
            waited_since = now;
          } else if (now - waited_since > std::chrono::milliseconds(options.quiet_ms)) {
            run.error = "publisher: subscribers made no progress within the quiet timeout";
            break;
          }
        }
        if (!run.error.empty()) break;
      }
      buf.clear();
      sent += batcher.fill(buf, run.first + sent, run.count - sent, options.batch_bytes);
      if (conn.write_all(buf)) {
        run.error = "publisher: " + conn.error();
        break;
      }
    }
    run.count = sent;
    if (run.error.empty()) {
      if (conn.flush(60'000, [](const codec::Op&) {}))
        run.error = "publisher flush: " + conn.error();
    }
    run.end = Clock::now();
  };
  if (n_pubs == 1) {
    publish(0);
  } else {
    std::vector<std::thread> pub_threads;
    for (int i = 0; i < n_pubs; ++i) pub_threads.emplace_back(publish, i);
    for (auto& t : pub_threads) t.join();
  }
  pub_done.store(true, std::memory_order_release);
  for (auto& t : sub_threads) t.join();

  auto pub_end = start;
  for (const PublisherRun& run : runs) {
    r.published += run.count;
    r.window_waits += run.window_waits;
    pub_end = std::max(pub_end, run.end);
    if (!run.error.empty()) r.errors.push_back(run.error);
  }
  r.pub_seconds = seconds_between(start, pub_end);

  auto last = start;
  std::vector<const SeqTracker*> trackers;
  for (const auto& s : subs) {
    const SeqTracker& t = s->tracker;
    trackers.push_back(&t);
    r.per_subscriber.push_back(t.received());
    r.delivered += t.received();
    r.out_of_order += t.out_of_order();
    if (s->got_any) last = std::max(last, s->last_msg);
    if (!s->error.empty()) r.errors.push_back("subscriber: " + s->error);
  }
  r.deliver_seconds = seconds_between(start, last);

  // Messages too short to carry a sequence number can only be counted.
  const bool sequenced = options.size >= kSeqBytes;
  if (queue && !subs.empty()) {
    if (sequenced) {
      const GroupCheck g = check_exactly_once(trackers);
      r.lost = g.missing;
      r.duplicates = g.duplicates;
    } else {
      r.lost = r.delivered < r.expected ? r.expected - r.delivered : 0;
      r.duplicates = r.delivered > r.expected ? r.delivered - r.expected : 0;
    }
  } else {
    for (const SeqTracker* t : trackers) {
      if (sequenced) {
        r.lost += n - t->distinct();
        r.duplicates += t->duplicates() + t->out_of_range();
      } else {
        r.lost += t->received() < n ? n - t->received() : 0;
        r.duplicates += t->received() > n ? t->received() - n : 0;
      }
    }
  }
  return r;
}

std::string to_json(const DeliveryResult& r) {
  const auto rate = [](double count, double secs) { return secs > 0 ? count / secs : 0.0; };
  const double bytes = static_cast<double>(r.options.size);
  JsonLine j;
  j.add("mode", mode_name(r.options.mode))
      .add("msgs", r.options.msgs)
      .add("size", static_cast<uint64_t>(r.options.size))
      .add("publishers", r.options.mode == Mode::kPub ? r.options.publishers : 1)
      .add("subscribers", static_cast<uint64_t>(r.per_subscriber.size()));
  if (r.options.mode == Mode::kSubjects) j.add("distinct_subjects", r.options.distinct_subjects);
  j.add("window_bytes", static_cast<uint64_t>(r.options.window_bytes))
      .add("published", r.published)
      .add("pub_seconds", r.pub_seconds)
      .add("pub_msgs_per_s", rate(static_cast<double>(r.published), r.pub_seconds))
      .add("pub_mb_per_s", rate(static_cast<double>(r.published) * bytes / 1e6, r.pub_seconds))
      .add("expected", r.expected)
      .add("delivered", r.delivered)
      .add("deliver_seconds", r.deliver_seconds)
      .add("delivered_msgs_per_s", rate(static_cast<double>(r.delivered), r.deliver_seconds))
      .add("delivered_mb_per_s",
           rate(static_cast<double>(r.delivered) * bytes / 1e6, r.deliver_seconds))
      .add("lost", r.lost)
      .add("duplicates", r.duplicates)
      .add("out_of_order", r.out_of_order)
      .add("window_waits", r.window_waits)
      .add("per_subscriber", r.per_subscriber)
      .add("ok", r.errors.empty() && r.lost == 0 && r.duplicates == 0)
      .add("errors", r.errors);
  return j.str();
}

ReqRepResult run_reqrep(const Target& target, const ReqRepOptions& options) {
  ReqRepResult r;
  r.options = options;
  auto responder = Connection::dial(target.host, target.port);
  if (!responder) {
    r.errors.push_back("responder connect: " + responder.error().message());
    return r;
  }
  std::string ops;
  codec::append_sub(ops, kServiceSubject, "", "1");
  if (responder.value().handshake(ops)) {
    r.errors.push_back("responder handshake: " + responder.value().error());
    return r;
  }
  auto requester = Connection::dial(target.host, target.port);
  if (!requester) {
    r.errors.push_back("requester connect: " + requester.error().message());
    return r;
  }
  ops.clear();
  codec::append_sub(ops, std::string(kInboxPrefix) + "*", "", "1");
  if (requester.value().handshake(ops)) {
    r.errors.push_back("requester handshake: " + requester.value().error());
    return r;
  }

  std::atomic<bool> stop{false};
  std::string responder_error;
  std::thread responder_thread([&conn = responder.value(), &stop, &responder_error] {
    std::string out;
    while (!stop.load(std::memory_order_acquire)) {
      out.clear();
      const ReadStatus st = conn.read_ops(20, [&](const codec::Op& op) {
        if (op.kind == codec::OpKind::kMsg && !op.reply.empty()) {
          codec::append_pub(out, op.reply, "", op.payload);
        }
        return true;
      });
      if (st == ReadStatus::kClosed) {
        responder_error = "responder: " + conn.error();
        return;
      }
      if (!out.empty() && conn.write_all(out)) {
        responder_error = "responder: " + conn.error();
        return;
      }
    }
  });

  Connection& req = requester.value();
  std::string payload(options.size, 'r');
  std::string reply;
  std::string buf;
  std::vector<uint64_t> samples;
  samples.reserve(options.requests ? options.requests : 1 << 20);
  const auto timeout = std::chrono::milliseconds(options.timeout_ms);
  auto measure_start = Clock::now();
  const auto run_deadline = [&] {
    return measure_start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options.seconds));
  };
  auto deadline = run_deadline();
  for (uint64_t i = 0;; ++i) {
    const bool warm = i < options.warmup;
    if (i == options.warmup) {
      measure_start = Clock::now();
      deadline = run_deadline();
    }
    if (!warm) {
      if (options.requests > 0 && samples.size() >= options.requests) break;
      if (options.requests == 0 && Clock::now() >= deadline) break;
    }
    reply.assign(kInboxPrefix);
    reply.append(std::to_string(i));
    buf.clear();
    codec::append_pub(buf, kServiceSubject, reply, payload);
    const auto t0 = Clock::now();
    if (req.write_all(buf)) {
      r.errors.push_back("requester: " + req.error());
      break;
    }
    bool got = false;
    while (!got) {
      const ReadStatus st = req.read_ops(options.timeout_ms, [&](const codec::Op& op) {
        if (op.kind != codec::OpKind::kMsg) return true;
        if (op.subject == reply) {
          got = true;
          return false;
        }
        ++r.stray_replies;
        return true;
      });
      if (st != ReadStatus::kOk || (!got && Clock::now() - t0 > timeout)) break;
    }
    const auto t1 = Clock::now();
    if (!got) {
      r.errors.push_back("requester: no reply to request " + std::to_string(i) + ": " +
                         (req.error().empty() ? "timeout" : req.error()));
      break;
    }
    if (!warm) {
      samples.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    }
  }
  r.seconds = seconds_between(measure_start, Clock::now());
  stop.store(true, std::memory_order_release);
  responder_thread.join();
  if (!responder_error.empty()) r.errors.push_back(responder_error);
  r.completed = samples.size();
  r.latency_ns = percentiles(samples);
  return r;
}

std::string to_json(const ReqRepResult& r) {
  const auto us = [](double ns) { return ns / 1000.0; };
  JsonLine j;
  j.add("mode", "reqrep")
      .add("size", static_cast<uint64_t>(r.options.size))
      .add("completed", r.completed)
      .add("seconds", r.seconds)
      .add("req_per_s", r.seconds > 0 ? static_cast<double>(r.completed) / r.seconds : 0.0)
      .add("lat_mean_us", us(r.latency_ns.mean))
      .add("lat_p50_us", us(r.latency_ns.p50))
      .add("lat_p90_us", us(r.latency_ns.p90))
      .add("lat_p99_us", us(r.latency_ns.p99))
      .add("lat_p999_us", us(r.latency_ns.p999))
      .add("lat_max_us", us(r.latency_ns.max))
      .add("stray_replies", r.stray_replies)
      .add("ok", r.errors.empty())
      .add("errors", r.errors);
  return j.str();
}

IdleResult open_idle(const Target& target, const IdleOptions& options,
                     std::vector<Connection>& keep) {
  IdleResult r;
  r.options = options;
  r.nofile_limit = raise_nofile_limit();
  const auto start = Clock::now();
  std::string ops;
  keep.reserve(keep.size() + static_cast<std::size_t>(std::max(options.conns, 0)));
  for (int i = 0; i < options.conns; ++i) {
    // A small read buffer: thousands of these stay open in this process.
    auto conn = Connection::dial(target.host, target.port, 4096);
    if (!conn) {
      r.errors.push_back("connect #" + std::to_string(i) + ": " + conn.error().message());
      break;
    }
    ops.clear();
    codec::append_sub(ops, "idle." + std::to_string(i), "", "1");
    if (conn.value().handshake(ops)) {
      r.errors.push_back("handshake #" + std::to_string(i) + ": " + conn.value().error());
      break;
    }
    keep.push_back(std::move(conn).value());
    ++r.opened;
  }
  r.seconds = seconds_between(start, Clock::now());
  return r;
}

std::string to_json(const IdleResult& r) {
  JsonLine j;
  j.add("mode", "idle")
      .add("conns", r.options.conns)
      .add("opened", r.opened)
      .add("nofile_limit", r.nofile_limit)
      .add("seconds", r.seconds)
      .add("ok", r.errors.empty() && r.opened == r.options.conns)
      .add("errors", r.errors);
  return j.str();
}

uint64_t raise_nofile_limit() noexcept {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit want = lim;
    want.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) lim = want;
  }
  return lim.rlim_cur == RLIM_INFINITY ? std::numeric_limits<uint64_t>::max() : lim.rlim_cur;
}

}  // namespace quiver::loadgen
