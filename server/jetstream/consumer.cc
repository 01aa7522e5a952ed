#include "server/jetstream/consumer.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include <boost/json/parse.hpp>

#include "codec/subject.h"
#include "common/log.h"
#include "server/jetstream/api/json.h"
#include "server/jetstream/meta.h"
#include "server/jetstream/store/consumer_state_store.h"
#include "server/jetstream/store/store.h"
#include "server/jetstream/stream.h"
#include "server/jetstream/text.h"
#include "server/net/internal_client.h"

namespace quiver::server::jetstream {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// Push flow control: ask the subscriber to confirm after this many bytes, and stop delivering
// while two such windows are unconfirmed.
constexpr uint64_t kFlowControlWindow = 256 * 1024;

// The last `n` tokens of a '.'-separated subject, or false when it has fewer.
bool last_tokens(std::string_view subject, std::size_t n, std::string_view* out) {
  std::size_t end = subject.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t dot = subject.rfind('.', end == 0 ? 0 : end - 1);
    if (dot == std::string_view::npos) return false;
    out[n - 1 - i] = subject.substr(dot + 1, end - dot - 1);
    end = dot;
  }
  return true;
}

}  // namespace

Consumer::Consumer(Stream& stream, std::string name, api::ConsumerConfig config,
                   api::UnixNanos created, bool durable)
    : stream_(stream),
      js_(stream.js()),
      name_(std::move(name)),
      config_(std::move(config)),
      created_(created),
      durable_(durable),
      timer_(stream.js().io()) {}

Consumer::~Consumer() {
  if (!closed_) close(false);
}

std::string Consumer::dir() const { return (fs::path(stream_.dir()) / "obs" / name_).string(); }

bool Consumer::filter_matches(std::string_view subject) const {
  return config_.filter_subject.empty() || config_.filter_subject == ">" ||
         codec::subject_matches(config_.filter_subject, subject);
}

Result<void> Consumer::activate(bool recovered) {
  AccountState& acc = stream_.account();
  ack_target_ = js_.register_target(JetStream::TargetKind::kAck, this);
  QV_TRY(ack_sub_,
         js_.subscribe(acc, log::cat("$JS.ACK.", stream_.name(), ".", name_, ".>"), ack_target_));
  if (!is_pull() && config_.flow_control) {
    fc_target_ = js_.register_target(JetStream::TargetKind::kFlowControl, this);
    QV_TRY(fc_sub_,
           js_.subscribe(acc, log::cat("$JS.FC.", stream_.name(), ".", name_, ".>"), fc_target_));
  }
  const StoreState st = stream_.store().state();
  const uint64_t first = std::max<uint64_t>(st.first_seq, 1);
  const std::string_view filter = config_.filter_subject;
  if (!recovered) {
    switch (config_.deliver_policy) {
      case api::DeliverPolicy::kAll:
        next_sseq_ = first;
        break;
      case api::DeliverPolicy::kLast: {
        auto last = stream_.store().load_last(filter.empty() ? ">" : filter);
        next_sseq_ = last ? last.value().seq : st.last_seq + 1;
        break;
      }
      case api::DeliverPolicy::kNew:
        next_sseq_ = st.last_seq + 1;
        break;
      case api::DeliverPolicy::kByStartSequence:
        next_sseq_ = std::max<uint64_t>(config_.opt_start_seq, 1);
        break;
      case api::DeliverPolicy::kByStartTime: {
        next_sseq_ = st.last_seq + 1;
        const int64_t start = config_.opt_start_time ? config_.opt_start_time->unix_ns : 0;
        for (uint64_t seq = first; seq <= st.last_seq;) {
          auto m = stream_.store().load_next(filter, seq);
          if (!m) break;
          if (m.value().ts_ns >= start) {
            next_sseq_ = m.value().seq;
            break;
          }
          seq = m.value().seq + 1;
        }
        break;
      }
      case api::DeliverPolicy::kLastPerSubject: {
        auto seqs = stream_.last_per_subject(filter);
        lps_queue_.assign(seqs.begin(), seqs.end());
        next_sseq_ = st.last_seq + 1;
        break;
      }
    }
    delivered_sseq_ = next_sseq_ - 1;
    ack_floor_sseq_ = next_sseq_ - 1;
    if (!lps_queue_.empty()) {
      delivered_sseq_ = lps_queue_.front() - 1;
      ack_floor_sseq_ = delivered_sseq_;
    }
    if (durable_) {
      QV_TRY(save_meta());
      mark_dirty();
    }
  } else if (next_sseq_ < first) {
    next_sseq_ = first;
  }
  last_active_ns_ = js_.now_ns();
  last_delivery_ns_ = last_active_ns_;
  js_.kick(this);
  schedule_timer();
  return success();
}

Result<void> Consumer::save_meta() const {
  if (stream_.is_memory() || !durable_) return success();
  std::error_code ec;
  fs::create_directories(dir(), ec);
  if (ec) return ec;
  return write_checksummed((fs::path(dir()) / "meta.inf").string(),
                           encode_consumer_meta(name_, config_, created_, durable_));
}

void Consumer::mark_dirty() { dirty_ = true; }

Result<void> Consumer::save_state(bool sync) {
  if (!dirty_ || stream_.is_memory() || !durable_ || closed_) return success();
  ConsumerState state;
  state.delivered_consumer_seq = delivered_dseq_;
  state.delivered_stream_seq = next_sseq_ - 1;
  state.ack_floor_consumer_seq = ack_floor_dseq_;
  state.ack_floor_stream_seq = ack_floor_sseq_;
  for (const auto& [sseq, p] : pending_) {
    state.pending.push_back({sseq, p.consumer_seq, 0});
  }
  for (const auto& [sseq, count] : redelivered_) state.redelivered.push_back({sseq, count});
  std::error_code ec;
  fs::create_directories(dir(), ec);
  if (ec) return ec;
  const std::string path = (fs::path(dir()) / "o.dat").string();
  const std::string bytes = encode_consumer_state(state);
  // Always an atomic, fsynced replacement: small, and fsync is cheap next to losing acks.
  (void)sync;
  QV_TRY(write_checksummed(path, bytes));
  dirty_ = false;
  return success();
}

Result<void> Consumer::load_state() {
  QV_TRY(std::string bytes, read_checksummed((fs::path(dir()) / "o.dat").string()));
  QV_TRY(ConsumerState state, decode_consumer_state(bytes));
  delivered_dseq_ = state.delivered_consumer_seq;
  next_sseq_ = state.delivered_stream_seq + 1;
  delivered_sseq_ = state.delivered_stream_seq;
  ack_floor_dseq_ = state.ack_floor_consumer_seq;
  ack_floor_sseq_ = state.ack_floor_stream_seq;
  // Unacknowledged deliveries are redelivered once ack_wait has passed since the restart.
  const int64_t deadline = js_.now_ns() + redelivery_delay(1);
  for (const auto& p : state.pending) pending_[p.stream_seq] = Pending{p.consumer_seq, deadline};
  for (const auto& r : state.redelivered) redelivered_[r.stream_seq] = r.count;
  return success();
}

void Consumer::close(bool remove_files) {
  if (closed_) return;
  if (remove_files) {
    for (const PullRequest& r : waiting_) send_status(r.reply, "409 Consumer Deleted");
  }
  closed_ = true;
  waiting_.clear();
  timer_.cancel();
  AccountState& acc = stream_.account();
  js_.unsubscribe(acc, ack_sub_);
  js_.unsubscribe(acc, fc_sub_);
  ack_sub_ = fc_sub_ = nullptr;
  js_.unregister_target(ack_target_);
  if (fc_target_) js_.unregister_target(fc_target_);
  if (remove_files) {
    std::error_code ec;
    fs::remove_all(dir(), ec);
  }
}

void Consumer::update(const api::ConsumerConfig& config) {
  config_ = config;
  (void)save_meta();
  js_.kick(this);
}

bool Consumer::needs(uint64_t seq, std::string_view subject) const {
  if (!filter_matches(subject)) return false;
  if (seq >= next_sseq_) return true;
  if (std::find(lps_queue_.begin(), lps_queue_.end(), seq) != lps_queue_.end()) return true;
  return config_.ack_policy != api::AckPolicy::kNone && pending_.count(seq) > 0;
}

uint64_t Consumer::num_pending() const {
  if (!npending_valid_) {
    npending_ = stream_.store().filtered_state(config_.filter_subject, next_sseq_).msgs;
    npending_valid_ = true;
  }
  return npending_ + lps_queue_.size();
}

api::ConsumerInfo Consumer::info() const {
  api::ConsumerInfo info;
  info.stream_name = stream_.name();
  info.name = name_;
  info.created = created_;
  info.config = config_;
  info.delivered.consumer_seq = delivered_dseq_;
  info.delivered.stream_seq = delivered_sseq_;
  if (config_.ack_policy == api::AckPolicy::kNone) {
    info.ack_floor.consumer_seq = delivered_dseq_;
    info.ack_floor.stream_seq = delivered_sseq_;
  } else {
    info.ack_floor.consumer_seq = ack_floor_dseq_;
    info.ack_floor.stream_seq = ack_floor_sseq_;
  }
  info.num_ack_pending = static_cast<int64_t>(pending_.size());
  info.num_redelivered = static_cast<int64_t>(redelivered_.size());
  info.num_waiting = static_cast<int64_t>(waiting_.size());
  info.num_pending = num_pending();
  info.push_bound = !is_pull() && push_active();
  return info;
}

bool Consumer::push_active() const {
  return stream_.account().client->has_interest(config_.deliver_subject);
}

void Consumer::on_stored(uint64_t seq, std::string_view subject) {
  if (!filter_matches(subject)) return;
  if (npending_valid_ && seq >= next_sseq_) ++npending_;
  js_.kick(this);
}

void Consumer::on_removed(uint64_t seq, std::string_view subject) {
  if (seq >= next_sseq_ && npending_valid_) {
    if (subject.empty()) {
      npending_valid_ = false;
    } else if (filter_matches(subject) && npending_ > 0) {
      --npending_;
    }
  }
  if (pending_.erase(seq) > 0) {
    redelivered_.erase(seq);
    redeliver_queue_.erase(seq);
    update_ack_floor();
    mark_dirty();
  }
}

void Consumer::on_purged() {
  npending_valid_ = false;
  const StoreState st = stream_.store().state();
  if (next_sseq_ < st.first_seq) {
    next_sseq_ = st.first_seq;
    if (delivered_sseq_ < next_sseq_ - 1) delivered_sseq_ = next_sseq_ - 1;
  }
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!stream_.store().load(it->first)) {
      redelivered_.erase(it->first);
      redeliver_queue_.erase(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  while (!lps_queue_.empty() && !stream_.store().load(lps_queue_.front())) lps_queue_.pop_front();
  update_ack_floor();
  mark_dirty();
  js_.kick(this);
}

// ---- delivery ----

bool Consumer::next_message(StoredMsg& out, uint64_t& delivery_count, bool& is_redelivery) {
  StreamStore& store = stream_.store();
  while (!redeliver_queue_.empty()) {
    const uint64_t seq = *redeliver_queue_.begin();
    redeliver_queue_.erase(redeliver_queue_.begin());
    if (pending_.count(seq) == 0) continue;
    auto m = store.load(seq);
    if (!m) {
      on_removed(seq);
      continue;
    }
    out = std::move(m).value();
    auto it = redelivered_.find(seq);
    delivery_count = (it == redelivered_.end() ? 1 : it->second) + 1;
    is_redelivery = true;
    return true;
  }
  const bool acks = config_.ack_policy != api::AckPolicy::kNone;
  if (acks && config_.max_ack_pending > 0 &&
      pending_.size() >= static_cast<std::size_t>(config_.max_ack_pending)) {
    return false;
  }
  while (!lps_queue_.empty()) {
    const uint64_t seq = lps_queue_.front();
    lps_queue_.pop_front();
    auto m = store.load(seq);
    if (!m) continue;
    out = std::move(m).value();
    delivery_count = 1;
    is_redelivery = false;
    return true;
  }
  if (next_sseq_ > stream_.synced_seq()) return false;
  auto m = store.load_next(config_.filter_subject, next_sseq_);
  if (!m) return false;
  if (m.value().seq > stream_.synced_seq()) return false;  // not durable yet
  out = std::move(m).value();
  next_sseq_ = out.seq + 1;
  if (npending_valid_ && npending_ > 0) --npending_;
  delivery_count = 1;
  is_redelivery = false;
  return true;
}

std::string Consumer::ack_subject(uint64_t dc, uint64_t sseq, uint64_t dseq, int64_t ts,
                                  uint64_t pending) const {
  return log::cat("$JS.ACK.", stream_.name(), ".", name_, ".", dc, ".", sseq, ".", dseq, ".", ts,
                  ".", pending);
}

void Consumer::deliver(const StoredMsg& msg, uint64_t delivery_count, std::string_view to,
                       bool is_redelivery) {
  const int64_t now = js_.now_ns();
  const uint64_t dseq = ++delivered_dseq_;
  if (!is_redelivery && msg.seq > delivered_sseq_) delivered_sseq_ = msg.seq;
  const std::string reply = ack_subject(delivery_count, msg.seq, dseq, msg.ts_ns, num_pending());
  net::InternalClient& client = *stream_.account().client;
  if (config_.headers_only) {
    std::string headers = msg.headers.empty() ? std::string("NATS/1.0\r\n\r\n") : msg.headers;
    headers.insert(headers.size() - 2, log::cat("Nats-Msg-Size: ", msg.payload.size(), "\r\n"));
    client.deliver(to, msg.subject, reply, headers, "");
  } else {
    client.deliver(to, msg.subject, reply, msg.headers, msg.payload);
  }
  if (config_.ack_policy != api::AckPolicy::kNone) {
    const int64_t deadline = now + redelivery_delay(delivery_count);
    pending_[msg.seq] = Pending{dseq, deadline};
    if (delivery_count > 1) redelivered_[msg.seq] = delivery_count;
    arm_timer(deadline);
  } else {
    ack_floor_dseq_ = dseq;
    ack_floor_sseq_ = delivered_sseq_;
    stream_.on_ack(msg.seq);
  }
  if (!is_pull() && config_.flow_control) {
    fc_bytes_since_ += msg.subject.size() + msg.headers.size() + msg.payload.size();
  }
  last_delivery_ns_ = now;
  last_active_ns_ = now;
  mark_dirty();
}

void Consumer::send_status(std::string_view to, std::string_view status_line,
                           std::string_view extra_headers, std::string_view reply) {
  std::string headers = log::cat("NATS/1.0 ", status_line, "\r\n", extra_headers, "\r\n");
  stream_.account().client->publish(to, reply, headers, "");
}

void Consumer::run() {
  if (closed_) return;
  const int64_t now = js_.now_ns();
  StoredMsg msg;
  uint64_t dc = 0;
  bool redelivery = false;
  if (!is_pull()) {
    had_interest_ = push_active();
    if (!had_interest_) return;
    while (true) {
      if (config_.flow_control && !fc_outstanding_.empty() &&
          fc_bytes_since_ >= 2 * kFlowControlWindow) {
        break;  // stalled until the subscriber answers the flow control request
      }
      if (config_.replay_policy == api::ReplayPolicy::kOriginal && replay_next_ns_ > now) {
        arm_timer(replay_next_ns_);
        break;
      }
      if (!next_message(msg, dc, redelivery)) break;
      deliver(msg, dc, config_.deliver_subject, redelivery);
      if (config_.replay_policy == api::ReplayPolicy::kOriginal && !redelivery) {
        // Original replay: the next message waits as long after this one as it did on arrival.
        auto next = stream_.store().load_next(config_.filter_subject, next_sseq_);
        if (next) {
          replay_next_ns_ = now + std::max<int64_t>(0, next.value().ts_ns - msg.ts_ns);
        }
      }
      if (config_.flow_control && fc_outstanding_.empty() &&
          fc_bytes_since_ >= kFlowControlWindow) {
        fc_outstanding_ = log::cat("$JS.FC.", stream_.name(), ".", name_, ".", delivered_dseq_);
        send_status(config_.deliver_subject, "100 FlowControl Request", {}, fc_outstanding_);
        fc_bytes_since_ = 0;
      }
    }
    return;
  }
  // Pull: fill waiting requests in arrival order.
  while (!waiting_.empty()) {
    PullRequest& r = waiting_.front();
    if (!next_message(msg, dc, redelivery)) break;
    const int64_t size =
        static_cast<int64_t>(msg.subject.size() + msg.headers.size() + msg.payload.size());
    if (r.max_bytes > 0 && size > r.max_bytes) {
      // Put the message back for the next request.
      if (redelivery) {
        redeliver_queue_.insert(msg.seq);
      } else if (msg.seq + 1 == next_sseq_) {
        next_sseq_ = msg.seq;
        if (npending_valid_) ++npending_;
      }
      send_status(r.reply, "409 Message Size Exceeds MaxBytes");
      waiting_.pop_front();
      continue;
    }
    deliver(msg, dc, r.reply, redelivery);
    ++r.delivered;
    if (r.max_bytes > 0) r.max_bytes = std::max<int64_t>(r.max_bytes - size, 0);
    // A byte budget that is used up ends the request like a full batch does.
    const bool bytes_used_up = r.bytes_limited && r.max_bytes == 0;
    if (--r.batch <= 0 || bytes_used_up) waiting_.pop_front();
  }
  // no_wait requests end as soon as nothing more is available.
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (!it->no_wait) {
      ++it;
      continue;
    }
    if (it->delivered == 0) {
      send_status(it->reply, "404 No Messages");
    } else {
      send_status(it->reply, "408 Request Timeout",
                  log::cat("Nats-Pending-Messages: ", it->batch, "\r\nNats-Pending-Bytes: ",
                           std::max<int64_t>(it->max_bytes, 0), "\r\n"));
    }
    it = waiting_.erase(it);
  }
}

void Consumer::on_pull_request(std::string_view reply, std::string_view payload) {
  if (closed_ || reply.empty()) return;
  if (!is_pull()) {
    send_status(reply, "409 Consumer is push based");
    return;
  }
  auto parsed = api::parse_next_request(payload);
  if (!parsed) {
    send_status(reply, log::cat("400 ", parsed.error().description));
    return;
  }
  const api::NextRequest& req = parsed.value();
  const int64_t batch = std::max<int64_t>(req.batch, 1);
  if (config_.max_batch > 0 && batch > config_.max_batch) {
    send_status(reply, log::cat("409 Exceeded MaxRequestBatch of ", config_.max_batch));
    return;
  }
  if (config_.max_bytes > 0 && req.max_bytes > config_.max_bytes) {
    send_status(reply, log::cat("409 Exceeded MaxRequestMaxBytes of ", config_.max_bytes));
    return;
  }
  const int64_t max_waiting = config_.max_waiting > 0 ? config_.max_waiting : 512;
  if (static_cast<int64_t>(waiting_.size()) >= max_waiting) {
    send_status(reply, "409 Exceeded MaxWaiting");
    return;
  }
  const int64_t now = js_.now_ns();
  last_active_ns_ = now;
  PullRequest r;
  r.reply = std::string(reply);
  r.batch = batch;
  r.max_bytes = req.max_bytes;
  r.bytes_limited = req.max_bytes > 0;
  r.expires_ns = req.expires > 0 ? now + req.expires : 0;
  r.no_wait = req.no_wait;
  r.heartbeat_ns = req.idle_heartbeat;
  r.next_heartbeat_ns = req.idle_heartbeat > 0 ? now + req.idle_heartbeat : 0;
  // Only this request's own deadlines can be new: no need to rescan everything pending.
  const int64_t wake = std::min(r.expires_ns > 0 ? r.expires_ns : kNever,
                                r.heartbeat_ns > 0 ? r.next_heartbeat_ns : kNever);
  waiting_.push_back(std::move(r));
  run();
  arm_timer(wake);
}

// ---- acknowledgements ----

void Consumer::on_ack(std::string_view subject, std::string_view reply, std::string_view payload) {
  if (closed_) return;
  // $JS.ACK.<stream>.<consumer>.<dc>.<sseq>.<dseq>.<ts>.<pending>
  std::string_view t[5];
  if (!last_tokens(subject, 5, t)) return;
  // Delivery count and consumer sequence identify a delivery for the client only: the stream
  // sequence names the pending message.
  auto sseq = parse_u64(t[1]);
  if (!sseq || !parse_u64(t[0]) || !parse_u64(t[2])) return;
  process_ack_payload(*sseq, payload, reply);
}

void Consumer::process_ack_payload(uint64_t sseq, std::string_view payload,
                                   std::string_view reply) {
  last_active_ns_ = js_.now_ns();
  auto starts_with = [&](std::string_view p) { return payload.substr(0, p.size()) == p; };
  bool confirm = !reply.empty();
  if (payload.empty() || starts_with("+ACK") || starts_with("+OK")) {
    if (config_.ack_policy == api::AckPolicy::kAll) {
      ack_upto(sseq);
    } else {
      ack_one(sseq);
    }
  } else if (starts_with("-NAK")) {
    int64_t delay = 0;
    std::string_view rest = payload.substr(4);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty()) {
      boost::system::error_code ec;
      auto v = boost::json::parse(rest, ec);
      if (!ec && v.is_object()) {
        if (const auto* d = v.as_object().if_contains("delay"); d && d->is_int64()) {
          delay = d->as_int64();
        }
      }
    }
    nak(sseq, delay);
  } else if (starts_with("+WPI")) {
    auto it = pending_.find(sseq);
    if (it != pending_.end()) {
      it->second.deadline_ns = js_.now_ns() + config_.ack_wait;
      redeliver_queue_.erase(sseq);
    }
  } else if (starts_with("+NXT")) {
    ack_one(sseq);
    std::string_view body = payload.substr(4);
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    on_pull_request(reply, body);
    confirm = false;
  } else if (starts_with("+TERM")) {
    term(sseq);
  }
  // The confirmation of an acknowledgement (ack sync) promises the ack is kept: it goes out
  // after the consumer state is on disk (see JetStream::commit_batch).
  if (confirm) js_.confirm_after_save(this, std::string(reply));
}

void Consumer::ack_one(uint64_t sseq) {
  if (config_.ack_policy == api::AckPolicy::kNone) return;
  settle(sseq);
}

// The message is done with for this consumer (acknowledged or terminated): no redelivery, the
// ack floor may move, and retention may drop it from the stream.
void Consumer::settle(uint64_t sseq) {
  if (pending_.erase(sseq) == 0) return;
  redelivered_.erase(sseq);
  redeliver_queue_.erase(sseq);
  update_ack_floor();
  mark_dirty();
  stream_.on_ack(sseq);
  js_.kick(this);
}

void Consumer::ack_upto(uint64_t sseq) {
  std::vector<uint64_t> acked;
  for (auto it = pending_.begin(); it != pending_.end() && it->first <= sseq;) {
    acked.push_back(it->first);
    redelivered_.erase(it->first);
    redeliver_queue_.erase(it->first);
    it = pending_.erase(it);
  }
  if (acked.empty()) return;
  update_ack_floor();
  mark_dirty();
  for (uint64_t seq : acked) stream_.on_ack(seq);
  js_.kick(this);
}

void Consumer::nak(uint64_t sseq, int64_t delay_ns) {
  auto it = pending_.find(sseq);
  if (it == pending_.end()) return;
  if (delay_ns > 0) {
    it->second.deadline_ns = js_.now_ns() + delay_ns;
    arm_timer(it->second.deadline_ns);
  } else {
    redeliver_queue_.insert(sseq);
    js_.kick(this);
  }
}

void Consumer::term(uint64_t sseq) { settle(sseq); }

void Consumer::update_ack_floor() {
  if (pending_.empty()) {
    ack_floor_dseq_ = delivered_dseq_;
    ack_floor_sseq_ = delivered_sseq_;
    return;
  }
  const auto& [first_sseq, first] = *pending_.begin();
  ack_floor_sseq_ = first_sseq - 1;
  ack_floor_dseq_ = first.consumer_seq > 0 ? first.consumer_seq - 1 : 0;
}

int64_t Consumer::redelivery_delay(uint64_t delivery_count) const {
  if (!config_.backoff.empty()) {
    const std::size_t i = std::min<std::size_t>(delivery_count > 0 ? delivery_count - 1 : 0,
                                                config_.backoff.size() - 1);
    return config_.backoff[i];
  }
  return config_.ack_wait > 0 ? config_.ack_wait : 30 * api::kSecond;
}

void Consumer::on_flow_control_reply(std::string_view subject) {
  if (subject == fc_outstanding_) {
    fc_outstanding_.clear();
    js_.kick(this);
  }
}

// ---- timers ----

void Consumer::schedule_timer() {
  if (closed_) return;
  int64_t next = kNever;
  for (const auto& [seq, p] : pending_) {
    if (!redeliver_queue_.count(seq)) next = std::min(next, p.deadline_ns);
  }
  for (const PullRequest& r : waiting_) {
    if (r.expires_ns > 0) next = std::min(next, r.expires_ns);
    if (r.heartbeat_ns > 0) next = std::min(next, r.next_heartbeat_ns);
  }
  if (!is_pull() && config_.idle_heartbeat > 0) {
    next = std::min(next, last_delivery_ns_ + config_.idle_heartbeat);
  }
  if (config_.replay_policy == api::ReplayPolicy::kOriginal && replay_next_ns_ > 0) {
    next = std::min(next, replay_next_ns_);
  }
  arm_timer(next);
}

void Consumer::arm_timer(int64_t at) {
  if (closed_ || at == kNever) return;
  if (timer_at_ != 0 && timer_at_ <= at) return;
  timer_at_ = at;
  const int64_t delay = std::max<int64_t>(0, at - js_.now_ns());
  timer_.expires_after(std::chrono::nanoseconds(delay));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || closed_) return;
    timer_at_ = 0;
    on_timer();
    js_.flush_after_timer();
  });
}

void Consumer::on_timer() {
  const int64_t now = js_.now_ns();
  std::vector<uint64_t> exhausted;
  for (auto& [seq, p] : pending_) {
    if (p.deadline_ns > now || redeliver_queue_.count(seq)) continue;
    auto it = redelivered_.find(seq);
    const uint64_t dc = it == redelivered_.end() ? 1 : it->second;
    if (config_.max_deliver > 0 && dc >= static_cast<uint64_t>(config_.max_deliver)) {
      exhausted.push_back(seq);
      continue;
    }
    p.deadline_ns = kNever;
    redeliver_queue_.insert(seq);
  }
  for (uint64_t seq : exhausted) {
    // Past max_deliver: no more redeliveries; the message stays unacknowledged (as in
    // nats-server) and an advisory tells operators.
    pending_[seq].deadline_ns = kNever;
    stream_.account().client->publish(
        log::cat("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.", stream_.name(), ".", name_), "", "",
        log::cat("{\"type\":\"io.nats.jetstream.advisory.v1.max_deliver\",\"stream\":\"",
                 stream_.name(), "\",\"consumer\":\"", name_, "\",\"stream_seq\":", seq,
                 ",\"deliveries\":", config_.max_deliver, "}"));
  }
  expire_pull_requests(now);
  send_heartbeats(now);
  run();
  schedule_timer();
}

void Consumer::expire_pull_requests(int64_t now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->expires_ns > 0 && now >= it->expires_ns) {
      send_status(it->reply, "408 Request Timeout",
                  log::cat("Nats-Pending-Messages: ", it->batch, "\r\nNats-Pending-Bytes: ",
                           std::max<int64_t>(it->max_bytes, 0), "\r\n"));
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

void Consumer::send_heartbeats(int64_t now) {
  for (PullRequest& r : waiting_) {
    if (r.heartbeat_ns > 0 && now >= r.next_heartbeat_ns) {
      send_status(r.reply, "100 Idle Heartbeat");
      r.next_heartbeat_ns = now + r.heartbeat_ns;
    }
  }
  if (!is_pull() && config_.idle_heartbeat > 0 &&
      now - last_delivery_ns_ >= config_.idle_heartbeat) {
    if (push_active()) {
      std::string extra = log::cat("Nats-Last-Consumer: ", delivered_dseq_,
                                   "\r\nNats-Last-Stream: ", delivered_sseq_, "\r\n");
      if (!fc_outstanding_.empty()) {
        extra += log::cat("Nats-Consumer-Stalled: ", fc_outstanding_, "\r\n");
      }
      send_status(config_.deliver_subject, "100 Idle Heartbeat", extra);
    }
    last_delivery_ns_ = now;
  }
}

void Consumer::poll_interest() {
  if (closed_ || is_pull() || had_interest_) return;
  if (push_active()) js_.kick(this);
}

bool Consumer::inactive_expired(int64_t now_ns) {
  if (durable_ || closed_) return false;
  const bool active = is_pull() ? !waiting_.empty() : push_active();
  if (active) {
    last_active_ns_ = now_ns;
    return false;
  }
  const int64_t threshold =
      config_.inactive_threshold > 0 ? config_.inactive_threshold : 5 * api::kSecond;
  return now_ns - last_active_ns_ > threshold;
}

}  // namespace quiver::server::jetstream
