#include "server/jetstream/stream.h"

#include <algorithm>
#include <filesystem>

#include "codec/headers.h"
#include "codec/subject.h"
#include "common/log.h"
#include "server/jetstream/api/errors.h"
#include "server/jetstream/api/json.h"
#include "server/jetstream/consumer.h"
#include "server/jetstream/meta.h"
#include "server/jetstream/store/consumer_state_store.h"
#include "server/jetstream/text.h"
#include "server/net/internal_client.h"

namespace quiver::server::jetstream {

namespace fs = std::filesystem;

namespace {

api::ApiError store_error(std::error_code ec) {
  if (ec == StoreErrc::kMsgTooBig) return api::kJSStreamMessageExceedsMaximumErr.error();
  if (ec == StoreErrc::kNoSpace) return api::kJSStorageResourcesExceededErr.error();
  return api::stream_store_failed(ec.message());
}

}  // namespace

StoreLimits store_limits(const api::StreamConfig& config) {
  StoreLimits limits;
  limits.max_msgs = config.max_msgs;
  limits.max_bytes = config.max_bytes;
  limits.max_age_ns = config.max_age;
  limits.max_msgs_per_subject = config.max_msgs_per_subject;
  // The engine enforces max_msg_size itself, on headers + payload as nats-server counts it.
  limits.max_msg_size = -1;
  limits.discard_new = config.discard == api::DiscardPolicy::kNew;
  limits.discard_new_per_subject = limits.discard_new && config.discard_new_per_subject;
  return limits;
}

Stream::Stream(JetStream& js, AccountState& acc, api::StreamConfig config, api::UnixNanos created,
               std::unique_ptr<StreamStore> store, std::string dir)
    : js_(js),
      acc_(acc),
      config_(std::move(config)),
      created_(created),
      store_(std::move(store)),
      dir_(std::move(dir)) {
  target_ = js_.register_target(JetStream::TargetKind::kStream, this);
}

Stream::~Stream() { js_.unregister_target(target_); }

Result<void> Stream::activate() {
  store_->set_removed_callback([this](uint64_t seq, std::string_view subject) {
    for (auto& [name, consumer] : consumers_) consumer->on_removed(seq, subject);
  });
  for (const std::string& subject : config_.subjects) {
    QV_TRY(auto sub, js_.subscribe(acc_, subject, target_));
    subs_.push_back(sub);
  }
  rebuild_dedup();
  synced_seq_ = store_->state().last_seq;  // what was recovered is on disk
  return success();
}

void Stream::set_synced_seq(uint64_t seq) {
  if (seq <= synced_seq_) return;
  synced_seq_ = seq;
  for (auto& [name, consumer] : consumers_) js_.kick(consumer.get());
}

Result<void> Stream::save_meta() const {
  if (is_memory()) return success();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return ec;
  return write_checksummed((fs::path(dir_) / "meta.inf").string(),
                           encode_stream_meta(config_, created_));
}

Result<void> Stream::update(const api::StreamConfig& config) {
  const bool subjects_changed = config.subjects != config_.subjects;
  config_ = config;
  QV_TRY(store_->update_limits(store_limits(config_)));
  if (subjects_changed) {
    for (Subscription* sub : subs_) js_.unsubscribe(acc_, sub);
    subs_.clear();
    for (const std::string& subject : config_.subjects) {
      QV_TRY(auto sub, js_.subscribe(acc_, subject, target_));
      subs_.push_back(sub);
    }
  }
  return save_meta();
}

api::StreamState Stream::state(bool deleted_details, std::string_view subjects_filter) const {
  const StoreState st = store_->state();
  api::StreamState out;
  out.messages = st.msgs;
  out.bytes = st.bytes;
  out.first_seq = st.first_seq;
  out.first_ts = st.msgs > 0 ? st.first_ts_ns : 0;
  out.last_seq = st.last_seq;
  out.last_ts = st.last_seq > 0 ? st.last_ts_ns : 0;
  out.num_subjects = static_cast<int64_t>(st.num_subjects);
  out.num_deleted = static_cast<int64_t>(st.num_deleted);
  if (deleted_details) out.deleted = store_->deleted_sequences();
  if (!subjects_filter.empty()) {
    for (auto& [subject, count] : store_->subjects_state(subjects_filter)) {
      out.subjects.emplace(subject, count);
    }
  }
  out.consumer_count = static_cast<int64_t>(consumers_.size());
  return out;
}

api::StreamInfo Stream::info(bool deleted_details, std::string_view subjects_filter) const {
  api::StreamInfo info;
  info.config = config_;
  info.created = created_;
  info.state = state(deleted_details, subjects_filter);
  info.domain = js_.config().domain;
  return info;
}

void Stream::reply(std::string_view reply_subject, std::string payload) {
  if (reply_subject.empty() || config_.no_ack) return;
  js_.reply_after_sync(acc_, std::string(reply_subject), std::move(payload), config_.name);
}

void Stream::reply_error(std::string_view reply_subject, const api::ApiError& error) {
  if (reply_subject.empty()) return;
  js_.reply_after_sync(acc_, std::string(reply_subject),
                       api::pub_ack_error_json(error, config_.name, js_.config().domain));
}

void Stream::process_publish(std::string_view subject, std::string_view reply_to,
                             std::string_view headers, std::string_view payload) {
  if (config_.sealed) {
    reply_error(reply_to, api::kJSStreamSealedErr.error());
    return;
  }
  const int64_t now = js_.now_ns();
  std::string_view msg_id;
  std::string_view rollup;
  const StoreState st = store_->state();
  if (!headers.empty()) {
    if (auto id = codec::find_header_value(headers, "Nats-Msg-Id"); id && !id->empty()) {
      msg_id = *id;
      prune_dedup(now);
      if (auto it = dedup_ids_.find(msg_id); it != dedup_ids_.end()) {
        api::PubAck ack{config_.name, it->second, js_.config().domain, true};
        reply(reply_to, api::pub_ack_json(ack));
        return;
      }
    }
    if (auto v = codec::find_header_value(headers, "Nats-Expected-Stream");
        v && !v->empty() && *v != config_.name) {
      reply_error(reply_to, api::kJSStreamNotMatchErr.error());
      return;
    }
    if (auto v = codec::find_header_value(headers, "Nats-Expected-Last-Sequence"); v) {
      auto expected = parse_u64(*v);
      if (expected && *expected != st.last_seq) {
        reply_error(reply_to, api::wrong_last_sequence(st.last_seq));
        return;
      }
    }
    if (auto v = codec::find_header_value(headers, "Nats-Expected-Last-Msg-Id");
        v && !v->empty() && *v != last_msg_id_) {
      reply_error(reply_to, api::wrong_last_msg_id(last_msg_id_));
      return;
    }
    if (auto v = codec::find_header_value(headers, "Nats-Expected-Last-Subject-Sequence"); v) {
      auto expected = parse_u64(*v);
      if (expected) {
        uint64_t last = 0;
        if (auto m = store_->load_last(subject); m) last = m.value().seq;
        if (*expected != last) {
          reply_error(reply_to, api::wrong_last_sequence(last));
          return;
        }
      }
    }
    if (auto v = codec::find_header_value(headers, "Nats-Rollup"); v) {
      rollup = *v;
      if (!config_.allow_rollup_hdrs || config_.deny_purge) {
        reply_error(reply_to, api::stream_rollup_failed("rollup not permitted"));
        return;
      }
      if (rollup != "sub" && rollup != "all") {
        return;  // nats-server 2.9.10 drops it without a reply (probed)
      }
    }
  }
  if (config_.max_msg_size > 0 &&
      headers.size() + payload.size() > static_cast<std::size_t>(config_.max_msg_size)) {
    reply_error(reply_to, api::kJSStreamMessageExceedsMaximumErr.error());
    return;
  }
  if (config_.retention == api::RetentionPolicy::kInterest && !has_consumer_interest(subject)) {
    // No consumer would ever take it: the sequence is used and acknowledged, nothing is kept.
    const uint64_t seq = st.last_seq + 1;
    if (auto r = store_->skip_to(seq); !r) {
      reply_error(reply_to, store_error(r.error()));
      return;
    }
    js_.mark_dirty(this);
    reply(reply_to, api::pub_ack_json(api::PubAck{config_.name, seq, js_.config().domain, false}));
    return;
  }
  const int64_t limit = is_memory() ? js_.config().max_memory : js_.config().max_storage;
  if (limit > 0) {
    const uint64_t used = is_memory() ? js_.used_memory() : js_.used_storage();
    if (used + msg_size(subject, headers, payload) > static_cast<uint64_t>(limit)) {
      reply_error(reply_to, is_memory() ? api::kJSMemoryResourcesExceededErr.error()
                                        : api::kJSStorageResourcesExceededErr.error());
      return;
    }
  }
  auto stored = store_->store(subject, headers, payload, now);
  if (!stored) {
    if (stored.error() == StoreErrc::kNoSpace || stored.error() == StoreErrc::kIo) {
      QV_LOG_ERROR("JetStream: stream '", config_.name,
                   "' could not store a message: ", stored.error().message());
    }
    reply_error(reply_to, store_error(stored.error()));
    return;
  }
  const uint64_t seq = stored.value();
  js_.mark_dirty(this);
  if (!msg_id.empty()) {
    remember_msg_id(msg_id, seq, now);
    last_msg_id_ = std::string(msg_id);
  }
  if (!rollup.empty()) {
    // Everything before this message on its subject (sub) or in the stream (all) goes.
    (void)store_->purge(rollup == "sub" ? subject : std::string_view(), seq, 0);
    for (auto& [name, consumer] : consumers_) consumer->on_purged();
  }
  notify_consumers(seq, subject);
  reply(reply_to, api::pub_ack_json(api::PubAck{config_.name, seq, js_.config().domain, false}));
}

void Stream::notify_consumers(uint64_t seq, std::string_view subject) {
  for (auto& [name, consumer] : consumers_) consumer->on_stored(seq, subject);
}

void Stream::remember_msg_id(std::string_view id, uint64_t seq, int64_t ts) {
  auto [it, inserted] = dedup_ids_.emplace(std::string(id), seq);
  if (!inserted) it->second = seq;
  dedup_order_.push_back({std::string(id), seq, ts});
}

void Stream::prune_dedup(int64_t now_ns) {
  const int64_t window = config_.duplicate_window;
  while (!dedup_order_.empty() && (window <= 0 || dedup_order_.front().ts < now_ns - window)) {
    const DedupEntry& e = dedup_order_.front();
    auto it = dedup_ids_.find(e.id);
    if (it != dedup_ids_.end() && it->second == e.seq) dedup_ids_.erase(it);
    dedup_order_.pop_front();
  }
}

void Stream::rebuild_dedup() {
  // Message ids inside the window survive a restart: scan back from the end of the stream.
  const StoreState st = store_->state();
  if (st.msgs == 0 || config_.duplicate_window <= 0) return;
  const int64_t cutoff = js_.now_ns() - config_.duplicate_window;
  std::vector<DedupEntry> found;
  for (uint64_t seq = st.last_seq; seq >= st.first_seq && seq > 0; --seq) {
    auto msg = store_->load(seq);
    if (!msg) continue;
    if (msg.value().ts_ns < cutoff) break;
    if (msg.value().headers.empty()) continue;
    if (auto id = codec::find_header_value(msg.value().headers, "Nats-Msg-Id"); id) {
      found.push_back({std::string(*id), seq, msg.value().ts_ns});
    }
  }
  for (auto it = found.rbegin(); it != found.rend(); ++it) {
    remember_msg_id(it->id, it->seq, it->ts);
    last_msg_id_ = it->id;
  }
}

Result<uint64_t> Stream::purge(std::string_view filter, uint64_t up_to_seq, uint64_t keep) {
  QV_TRY(uint64_t purged, store_->purge(filter, up_to_seq, keep));
  js_.mark_dirty(this);
  for (auto& [name, consumer] : consumers_) consumer->on_purged();
  return purged;
}

Result<void> Stream::remove_msg(uint64_t seq, bool erase) {
  QV_TRY(store_->remove(seq, erase));
  js_.mark_dirty(this);
  for (auto& [name, consumer] : consumers_) consumer->on_removed(seq);
  return success();
}

Consumer* Stream::find_consumer(std::string_view name) {
  auto it = consumers_.find(std::string(name));
  return it == consumers_.end() ? nullptr : it->second.get();
}

void Stream::add_consumer(std::unique_ptr<Consumer> consumer) {
  std::string name = consumer->name();
  consumers_[name] = std::move(consumer);
}

void Stream::delete_consumer(std::string_view name, bool remove_files) {
  auto it = consumers_.find(std::string(name));
  if (it == consumers_.end()) return;
  std::unique_ptr<Consumer> consumer = std::move(it->second);
  consumers_.erase(it);
  js_.on_consumer_deleted(consumer.get());
  consumer->close(remove_files);
  // Interest retention: messages only this consumer held may go now.
  if (config_.retention != api::RetentionPolicy::kLimits) {
    const StoreState st = store_->state();
    std::vector<uint64_t> unneeded;
    for (uint64_t seq = st.first_seq; seq <= st.last_seq && seq != 0; ++seq) {
      auto msg = store_->load(seq);
      if (!msg) continue;
      bool needed = false;
      for (auto& [cname, c] : consumers_) {
        if (c->needs(seq, msg.value().subject)) {
          needed = true;
          break;
        }
      }
      if (!needed && config_.retention == api::RetentionPolicy::kInterest) {
        unneeded.push_back(seq);
      }
    }
    for (uint64_t seq : unneeded) (void)store_->remove(seq, false);
    if (!unneeded.empty()) js_.mark_dirty(this);
  }
}

bool Stream::has_consumer_interest(std::string_view subject) const {
  for (const auto& [name, consumer] : consumers_) {
    if (consumer->filter_matches(subject)) return true;
  }
  return false;
}

void Stream::on_ack(uint64_t seq) {
  if (config_.retention == api::RetentionPolicy::kLimits) return;
  auto msg = store_->load(seq);
  if (!msg) return;
  if (config_.retention == api::RetentionPolicy::kInterest) {
    for (const auto& [name, consumer] : consumers_) {
      if (consumer->needs(seq, msg.value().subject)) return;
    }
  }
  if (store_->remove(seq, false)) {
    js_.mark_dirty(this);
    for (auto& [name, consumer] : consumers_) consumer->on_removed(seq, msg.value().subject);
  }
}

void Stream::expire(int64_t now_ns) {
  if (config_.max_age > 0) {
    auto n = store_->expire(now_ns);
    if (n && n.value() > 0) js_.mark_dirty(this);
  }
  prune_dedup(now_ns);
}

void Stream::compact_if_sparse() {
  if (is_memory()) return;
  const uint64_t on_disk = store_->storage_bytes();
  const uint64_t live = store_->state().bytes;
  if (on_disk < (1u << 20) || on_disk < 2 * live) return;
  auto reclaimed = store_->compact();
  if (!reclaimed) {
    QV_LOG_ERROR("JetStream: compacting stream '", config_.name,
                 "' failed: ", reclaimed.error().message());
  } else if (reclaimed.value() > 0) {
    QV_LOG_INFO("JetStream: compacted stream '", config_.name, "', reclaimed ", reclaimed.value(),
                " bytes");
  }
}

std::vector<uint64_t> Stream::last_per_subject(std::string_view filter) const {
  std::vector<uint64_t> seqs;
  for (const auto& [subject, count] : store_->subjects_state(filter.empty() ? ">" : filter)) {
    if (auto m = store_->load_last(subject); m) seqs.push_back(m.value().seq);
  }
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

void Stream::close() {
  for (Subscription* sub : subs_) js_.unsubscribe(acc_, sub);
  subs_.clear();
  for (auto& [name, consumer] : consumers_) {
    if (consumer->durable()) (void)consumer->save_state(true);
    consumer->close(false);
  }
  if (auto r = store_->close(); !r) {
    QV_LOG_ERROR("JetStream: closing stream '", config_.name, "' failed: ", r.error().message());
  }
}

void Stream::destroy() {
  for (Subscription* sub : subs_) js_.unsubscribe(acc_, sub);
  subs_.clear();
  for (auto& [name, consumer] : consumers_) {
    js_.on_consumer_deleted(consumer.get());
    consumer->close(true);
  }
  consumers_.clear();
  (void)store_->destroy();
  std::error_code ec;
  if (!is_memory()) fs::remove_all(dir_, ec);
}

}  // namespace quiver::server::jetstream
