#include "testing/loadgen/js_modes.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include "codec/encoder.h"
#include "testing/loadgen/batch.h"
#include "testing/loadgen/connection.h"
#include "testing/loadgen/js_api.h"
#include "testing/loadgen/seq_tracker.h"

namespace quiver::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// A 503 "no responders" status: nothing serves the subject (JetStream off, or no stream).
bool is_no_responders(const codec::Op& op) {
  return op.kind == codec::OpKind::kHmsg && op.payload.empty() &&
         starts_with(op.headers, "NATS/1.0 503");
}

std::string status_line(std::string_view headers) {
  const std::size_t eol = headers.find('\r');
  return std::string(headers.substr(0, eol));
}

// Unique per run, so two generators on one broker never read each other's replies.
std::string random_token() {
  std::random_device rd;
  const uint64_t v = (uint64_t{rd()} << 32) ^ rd();
  char buf[17];
  const auto [end, ec] = std::to_chars(buf, buf + 16, v, 16);
  return std::string(buf, end);
}

// One connection subscribed to "_INBOX.<id>.*": publish acks ("_INBOX.<id>.<n>"), API replies
// ("_INBOX.<id>.a<k>") and pull deliveries ("_INBOX.<id>.pull") all arrive there. Push deliveries
// need a subscription of their own, see consume().
class JsSession {
 public:
  static std::optional<JsSession> open(const Target& target, std::vector<std::string>& errors) {
    auto conn = Connection::dial(target.host, target.port);
    if (!conn) {
      errors.push_back("connect: " + conn.error().message());
      return std::nullopt;
    }
    const std::string prefix = "_INBOX." + random_token() + ".";
    std::string ops;
    codec::append_sub(ops, prefix + "*", "", "1");
    if (conn.value().handshake(ops, /*headers=*/true)) {
      errors.push_back("handshake: " + conn.value().error());
      return std::nullopt;
    }
    return JsSession(std::move(conn).value(), prefix);
  }

  Connection& conn() noexcept { return conn_; }
  const std::string& prefix() const noexcept { return prefix_; }

  // Sends `body` to `subject` and returns the reply's payload. A 503 (JetStream not up yet)
  // is retried for a while; any other message that arrives meanwhile is dropped.
  std::optional<std::string> request(std::string_view subject, std::string_view body,
                                     int timeout_ms, std::string& error) {
    const auto retry_until = Clock::now() + std::chrono::milliseconds(std::min(timeout_ms, 2000));
    while (true) {
      const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
      const std::string reply = prefix_ + "a" + std::to_string(++requests_);
      std::string out;
      codec::append_pub(out, subject, reply, body);
      if (conn_.write_all(out)) {
        error = conn_.error();
        return std::nullopt;
      }
      std::optional<std::string> payload;
      bool no_responders = false;
      while (!payload && !no_responders) {
        const ReadStatus st = conn_.read_ops(timeout_ms, [&](const codec::Op& op) {
          if ((op.kind != codec::OpKind::kMsg && op.kind != codec::OpKind::kHmsg) ||
              op.subject != reply) {
            return true;
          }
          if (is_no_responders(op)) {
            no_responders = true;
          } else {
            payload.emplace(op.payload);
          }
          return false;
        });
        if (st == ReadStatus::kClosed) {
          error = conn_.error();
          return std::nullopt;
        }
        if (st == ReadStatus::kTimeout || (!payload && !no_responders && Clock::now() > deadline)) {
          error = "no reply from " + std::string(subject) + " within " +
                  std::to_string(timeout_ms) + " ms";
          return std::nullopt;
        }
      }
      if (payload) return payload;
      if (Clock::now() > retry_until) {
        error = "no responders on " + std::string(subject) + " (JetStream not enabled?)";
        return std::nullopt;
      }
      // JetStream may still be starting; ask again shortly.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // An API call whose reply only matters for its error; false (and an entry in `errors`) on
  // failure.
  bool call(std::string_view what, std::string_view subject, std::string_view body, int timeout_ms,
            std::vector<std::string>& errors, std::string* reply_out = nullptr,
            std::optional<int64_t> tolerated_err_code = std::nullopt) {
    std::string error;
    const auto reply = request(subject, body, timeout_ms, error);
    if (!reply) {
      errors.push_back(std::string(what) + ": " + error);
      return false;
    }
    if (const auto e = js::api_error(*reply);
        e && !(tolerated_err_code && e->err_code == *tolerated_err_code)) {
      errors.push_back(std::string(what) + ": " + js::to_string(*e));
      return false;
    }
    if (reply_out != nullptr) *reply_out = *reply;
    return true;
  }

 private:
  JsSession(Connection conn, std::string prefix)
      : conn_(std::move(conn)), prefix_(std::move(prefix)) {}

  Connection conn_;
  std::string prefix_;  // "_INBOX.<id>."
  uint64_t requests_ = 0;
};

// Publishes options.msgs messages, message n with reply "_INBOX.<id>.<n>", keeping at most
// options.window without an ack. Fills r's publishing fields.
void publish(JsSession& s, const JsOptions& o, JsResult& r) {
  const uint64_t n = o.msgs;
  const uint64_t window = std::max<uint64_t>(o.window, 1);
  Connection& conn = s.conn();
  std::vector<Clock::time_point> sent_at(n);
  std::vector<uint64_t> latency_ns;
  latency_ns.reserve(n);
  SeqTracker acks(n);
  std::string payload(o.size, 'x');
  std::string reply = s.prefix();
  const std::size_t reply_base = reply.size();
  std::string buf;
  buf.reserve(o.batch_bytes + o.size + 128);
  uint64_t sent = 0;
  uint64_t done = 0;  // messages with an ack, good or bad
  bool first_error_kept = false;
  const auto on_op = [&](const codec::Op& op) {
    if (op.kind != codec::OpKind::kMsg && op.kind != codec::OpKind::kHmsg) return true;
    if (!starts_with(op.subject, s.prefix())) return true;
    const std::string_view token = op.subject.substr(reply_base);
    uint64_t i = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
    if (ec != std::errc() || end != token.data() + token.size() || i >= n) return true;
    if (acks.seen(i)) {
      acks.record(i);
      return true;
    }
    acks.record(i);
    ++done;
    latency_ns.push_back(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent_at[i]).count()));
    std::string error;
    if (op.kind == codec::OpKind::kHmsg) {
      error = "status " + status_line(op.headers) + " (no stream for " + o.subject + "?)";
    } else {
      js::PubAck ack = js::parse_pub_ack(op.payload);
      if (ack.ok) {
        ++r.acked;
        if (i == 0) r.first_seq = ack.seq;
        return true;
      }
      error = std::move(ack.error);
    }
    ++r.ack_errors;
    if (!first_error_kept) {
      r.errors.push_back("publish ack for message " + std::to_string(i) + ": " + error);
      first_error_kept = true;
    }
    return true;
  };

  const auto start = Clock::now();
  while (done < n) {
    if (sent < n && sent - done < window) {
      buf.clear();
      const auto now = Clock::now();
      while (sent < n && sent - done < window && buf.size() < o.batch_bytes) {
        reply.resize(reply_base);
        reply.append(std::to_string(sent));
        write_payload(payload.data(), payload.size(), sent);
        codec::append_pub(buf, o.subject, reply, payload);
        sent_at[sent] = now;
        ++sent;
      }
      if (conn.write_all(buf)) {
        r.errors.push_back("publish: " + conn.error());
        break;
      }
    }
    // Only wait when the window is full (or everything is sent); otherwise take what has
    // arrived and keep writing.
    const bool can_send = sent < n && sent - done < window;
    const ReadStatus st = conn.read_ops(can_send ? 0 : o.timeout_ms, on_op);
    if (st == ReadStatus::kClosed) {
      r.errors.push_back("publish: " + conn.error());
      break;
    }
    if (st == ReadStatus::kTimeout && !can_send) {
      r.errors.push_back("publish: no ack within " + std::to_string(o.timeout_ms) + " ms; " +
                         std::to_string(done) + " of " + std::to_string(n) + " acked");
      break;
    }
  }
  r.pub_seconds = seconds_between(start, Clock::now());
  r.published = sent;
  r.ack_duplicates = acks.duplicates();
  r.ack_latency_ns = percentiles(latency_ns);
}

// Drains options.msgs messages through a durable consumer, acking each one.
void consume(JsSession& s, const JsOptions& o, JsResult& r) {
  const bool push = o.mode == Mode::kJsConsumePush;
  const uint64_t n = o.msgs;
  const uint64_t batch = std::max<uint64_t>(o.batch, 1);
  const std::string consumer = push ? "lg-push" : "lg-pull";
  // nats-server 2.9 starts a push consumer only once a subscription's subject equals the
  // deliver subject (a matching wildcard does not count), so push gets "_INBOX.<id>-push", which
  // the inbox wildcard "_INBOX.<id>.*" does not match: nothing arrives twice.
  std::string deliver = s.prefix() + "pull";
  if (push) {
    deliver = s.prefix();
    deliver.back() = '-';
    deliver += "push";
  }
  js::ConsumerSpec spec;
  spec.durable = consumer;
  spec.max_ack_pending = o.max_ack_pending;
  // A reused stream may hold older messages: start at the first one this run published.
  if (o.fill && r.first_seq > 1) spec.start_seq = r.first_seq;
  if (push) spec.deliver_subject = deliver;
  const std::string create_subject = js::consumer_create_subject(o.stream, consumer);
  const std::string create_body = js::consumer_create_body(o.stream, spec);
  const std::string next_subject = js::msg_next_subject(o.stream, consumer);
  Connection& conn = s.conn();

  SeqTracker got(n);
  const bool sequenced = o.size >= kSeqBytes;
  const auto distinct = [&] { return sequenced ? got.distinct() : got.received(); };
  std::string out;
  uint64_t requested = 0;  // messages asked for by MSG.NEXT requests so far
  // Two requests outstanding: ask for another batch whenever at most one batch is still owed,
  // and never for more than the messages still missing.
  const auto request_more = [&] {
    while (true) {
      const uint64_t owed = requested > r.consumed ? requested - r.consumed : 0;
      const uint64_t missing = n - std::min(n, distinct());
      if (owed > batch || owed >= missing) return;
      const uint64_t b = std::min(batch, missing - owed);
      codec::append_pub(out, next_subject, deliver, js::msg_next_body(b));
      requested += b;
    }
  };

  const std::string create_reply = s.prefix() + "create";
  if (!push) {
    if (!s.call("consumer create", create_subject, create_body, o.timeout_ms, r.errors)) return;
  }
  out.clear();
  // Push delivery begins with the create request; pull delivery with the first MSG.NEXT.
  if (push) {
    codec::append_sub(out, deliver, "", "2");
    codec::append_pub(out, create_subject, create_reply, create_body);
  } else {
    request_more();
  }
  const auto start = Clock::now();
  auto last = start;
  if (conn.write_all(out)) {
    r.errors.push_back("consume: " + conn.error());
    return;
  }
  bool failed = false;
  while (distinct() < n && !failed) {
    out.clear();
    bool got_data = false;
    const ReadStatus st = conn.read_ops(o.timeout_ms, [&](const codec::Op& op) {
      if (op.kind != codec::OpKind::kMsg && op.kind != codec::OpKind::kHmsg) return true;
      if (starts_with(op.reply, "$JS.ACK.")) {
        ++r.consumed;
        if (const auto seq = payload_seq(op.payload)) {
          got.record(*seq);
        } else {
          got.record_unsequenced();
        }
        codec::append_pub(out, op.reply, "", "+ACK");
        got_data = true;
        return true;
      }
      if (push && op.subject == create_reply) {
        if (const auto e = js::api_error(op.payload)) {
          r.errors.push_back("consumer create: " + js::to_string(*e));
          failed = true;
          return false;
        }
        return true;
      }
      if (op.kind == codec::OpKind::kHmsg) {
        // Informational: a terminal status (e.g. 409) also stalls the run, which reports it.
        if (r.status_msgs++ == 0) r.first_status = status_line(op.headers);
      }
      return true;
    });
    if (got_data) last = Clock::now();
    if (!push) request_more();
    if (!out.empty() && conn.write_all(out)) {
      r.errors.push_back("consume: " + conn.error());
      break;
    }
    if (st == ReadStatus::kClosed) {
      r.errors.push_back("consume: " + conn.error());
      break;
    }
    if (st == ReadStatus::kTimeout) {
      r.errors.push_back("consume: stalled at " + std::to_string(distinct()) + " of " +
                         std::to_string(n) + " messages (nothing for " +
                         std::to_string(o.timeout_ms) + " ms)" +
                         (r.status_msgs > 0 ? "; first status: " + r.first_status : ""));
      break;
    }
  }
  r.consume_seconds = seconds_between(start, last);
  r.consume_duplicates = got.duplicates() + got.out_of_range();
  r.lost = n - std::min(n, distinct());

  // Every ack written has been read by the server once the PONG is back; the consumer then
  // owes nothing. Its ack bookkeeping may lag a little behind, so poll with a deadline.
  if (r.errors.empty() && conn.flush(o.timeout_ms, [](const codec::Op&) {})) {
    r.errors.push_back("consume: flush after the last ack: " + conn.error());
  } else if (r.errors.empty()) {
    const std::string info_subject = js::consumer_info_subject(o.stream, consumer);
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::min(o.timeout_ms, 5000));
    while (true) {
      std::string reply;
      if (!s.call("consumer info", info_subject, "", o.timeout_ms, r.errors, &reply)) break;
      const auto state = js::parse_consumer_info(reply);
      if (!state) {
        r.errors.push_back("consumer info: unreadable reply: " + reply);
        break;
      }
      r.ack_pending_end = static_cast<int64_t>(state->num_ack_pending);
      if (state->num_ack_pending == 0) break;
      if (Clock::now() > deadline) {
        r.errors.push_back("consumer info: " + std::to_string(state->num_ack_pending) +
                           " deliveries still unacknowledged after every ack was sent");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  s.call("consumer delete", js::consumer_delete_subject(o.stream, consumer), "", o.timeout_ms,
         r.errors);
}

}  // namespace

JsResult run_js(const Target& target, const JsOptions& options) {
  JsResult r;
  r.options = options;
  const uint64_t n = options.msgs;
  r.lost = n;
  auto session = JsSession::open(target, r.errors);
  if (!session) return r;
  JsSession& s = *session;
  // An existing stream of this name is reused, whatever its configuration.
  if (!s.call("stream create", js::stream_create_subject(options.stream),
              js::stream_create_body(options.stream, options.subject), options.timeout_ms, r.errors,
              nullptr, js::kStreamNameInUse)) {
    return r;
  }
  const bool consume_mode = options.mode != Mode::kJsPub;
  if (!consume_mode || options.fill) {
    publish(s, options, r);
    r.lost = n - std::min(n, r.acked);
  }
  if (consume_mode && r.errors.empty()) consume(s, options, r);
  if (!options.keep) {
    s.call("stream delete", js::stream_delete_subject(options.stream), "", options.timeout_ms,
           r.errors);
  }
  return r;
}

std::string to_json(const JsResult& r) {
  const auto rate = [](double count, double secs) { return secs > 0 ? count / secs : 0.0; };
  const auto us = [](double ns) { return ns / 1000.0; };
  const JsOptions& o = r.options;
  const double bytes = static_cast<double>(o.size);
  const bool consume_mode = o.mode != Mode::kJsPub;
  JsonLine j;
  j.add("mode", mode_name(o.mode))
      .add("msgs", o.msgs)
      .add("size", static_cast<uint64_t>(o.size))
      .add("stream", o.stream)
      .add("window", o.window);
  if (consume_mode) {
    j.add("fill", o.fill).add("max_ack_pending", o.max_ack_pending);
    if (o.mode == Mode::kJsConsumePull) j.add("batch", o.batch);
  }
  j.add("published", r.published)
      .add("acked", r.acked)
      .add("ack_errors", r.ack_errors)
      .add("pub_seconds", r.pub_seconds)
      .add("pub_msgs_per_s", rate(static_cast<double>(r.acked), r.pub_seconds))
      .add("pub_mb_per_s", rate(static_cast<double>(r.acked) * bytes / 1e6, r.pub_seconds))
      .add("ack_lat_p50_us", us(r.ack_latency_ns.p50))
      .add("ack_lat_p90_us", us(r.ack_latency_ns.p90))
      .add("ack_lat_p99_us", us(r.ack_latency_ns.p99))
      .add("ack_lat_max_us", us(r.ack_latency_ns.max))
      .add("first_seq", r.first_seq);
  if (consume_mode) {
    j.add("consumed", r.consumed)
        .add("consume_seconds", r.consume_seconds)
        .add("consume_msgs_per_s", rate(static_cast<double>(r.consumed), r.consume_seconds))
        .add("consume_mb_per_s",
             rate(static_cast<double>(r.consumed) * bytes / 1e6, r.consume_seconds))
        .add("status_msgs", r.status_msgs)
        .add("first_status", r.first_status)
        .add("ack_pending_end", r.ack_pending_end);
  }
  const uint64_t duplicates = r.ack_duplicates + r.consume_duplicates;
  j.add("lost", r.lost)
      .add("duplicates", duplicates)
      .add("ok", r.errors.empty() && r.lost == 0 && duplicates == 0)
      .add("errors", r.errors);
  return j.str();
}

}  // namespace quiver::loadgen
