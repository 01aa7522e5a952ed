#include "server/jetstream/jetstream.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include "common/log.h"
#include "server/jetstream/consumer.h"
#include "server/jetstream/meta.h"
#include "server/jetstream/stream.h"
#include "server/net/internal_client.h"
#include "server/net/server.h"

#include <sys/stat.h>

namespace quiver::server::jetstream {

namespace fs = std::filesystem;

namespace {

// Beyond this many queued messages or bytes the inbox refuses messages: the publisher sees no
// responder (a 503 for requests) instead of the server growing without bound behind a slow
// disk. The byte limit also keeps the inbox's 32-bit offsets valid.
constexpr std::size_t kMaxInboxEntries = 1u << 20;
constexpr std::size_t kMaxInboxBytes = 256u << 20;

// How often expiry, dedup pruning, ephemeral inactivity and consumer state saving run.
constexpr auto kHousekeepingInterval = std::chrono::milliseconds(100);
// Every this many housekeeping rounds (10 s), streams with mostly dead space are compacted.
constexpr uint64_t kCompactionEvery = 100;

}  // namespace

// The sync thread: fdatasyncs the descriptors handed to it and reports the newest commit
// generation they cover back on the JetStream thread. Descriptors submitted while a round runs
// wait for the next round, which syncs them all at once (group commit).
class JetStream::Syncer {
 public:
  explicit Syncer(JetStream& js) : js_(js), thread_([this] { loop(); }) {}
  ~Syncer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
    for (int fd : fds_) ::close(fd);
  }

  void submit(uint64_t gen, std::vector<int> fds) {
    {
      std::lock_guard lock(mu_);
      fds_.insert(fds_.end(), fds.begin(), fds.end());
      gen_ = gen;
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || gen_ > done_; });
      if (stop_) return;
      std::vector<int> fds;
      fds.swap(fds_);
      const uint64_t gen = gen_;
      lock.unlock();
      // Several descriptors may name one file (one per batch): sync each file once.
      std::vector<std::pair<dev_t, ino_t>> seen;
      bool ok = true;
      for (int fd : fds) {
        struct stat st {};
        const bool known = ::fstat(fd, &st) == 0;
        const auto id = std::make_pair(st.st_dev, st.st_ino);
        if (!known || std::find(seen.begin(), seen.end(), id) == seen.end()) {
          if (::fdatasync(fd) != 0) {
            QV_LOG_ERROR("JetStream: fdatasync failed: ", std::strerror(errno));
            ok = false;
          }
          if (known) seen.push_back(id);
        }
        ::close(fd);
      }
      boost::asio::post(js_.io_, [js = &js_, gen, ok]() { js->on_synced(gen, ok); });
      lock.lock();
      done_ = gen;
    }
  }

  JetStream& js_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> fds_;
  uint64_t gen_ = 0;
  uint64_t done_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

JetStream::JetStream(net::Server& server, JetStreamConfig config)
    : server_(server),
      config_(std::move(config)),
      io_(server.system_io()),
      sync_timer_(io_),
      housekeeping_timer_(io_),
      syncer_(std::make_unique<Syncer>(*this)) {}

JetStream::~JetStream() {
  syncer_.reset();
  // Streams and consumers unregister their targets as they go: destroy them while targets_
  // still exists.
  for (auto& [name, acc] : accounts_) acc->streams.clear();
  accounts_.clear();
}

int64_t JetStream::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<JetStream>> JetStream::start(net::Server& server, JetStreamConfig config) {
  if (config.store_dir.empty()) {
    config.store_dir = (fs::temp_directory_path() / "nats" / "jetstream").string();
  }
  std::error_code ec;
  fs::create_directories(fs::path(config.store_dir) / "jetstream", ec);
  if (ec) {
    QV_LOG_ERROR("Could not create JetStream storage directory ", config.store_dir, ": ",
                 ec.message());
    return ec;
  }
  std::unique_ptr<JetStream> js(new JetStream(server, std::move(config)));
  QV_LOG_INFO("Starting JetStream");
  QV_LOG_INFO("  Storage directory: ", js->config_.store_dir);
  QV_LOG_INFO("  Sync:              ",
              js->config_.sync_interval.count() == 0
                  ? std::string("always (fsync before ack, group commit)")
                  : log::cat("every ", js->config_.sync_interval.count() / 1000000, "ms"));
  // JetStream serves every account known at start; $SYS has none (as in nats-server).
  for (const AccountPtr& account : server.accounts().list()) {
    if (account->name == kSystemAccountName) continue;
    auto acc = std::make_unique<AccountState>();
    acc->account = account;
    acc->client = std::make_unique<net::InternalClient>(server, account);
    acc->dir = (fs::path(js->config_.store_dir) / "jetstream" / account->name).string();
    const uint64_t api_target = js->register_target(TargetKind::kApi, acc.get());
    QV_TRY(js->subscribe(*acc, "$JS.API.>", api_target));
    if (!js->config_.domain.empty()) {
      // Clients addressing the domain explicitly use $JS.<domain>.API.
      QV_TRY(js->subscribe(*acc, log::cat("$JS.", js->config_.domain, ".API.>"), api_target));
    }
    QV_TRY(js->recover(*acc));
    js->accounts_.emplace(account->name, std::move(acc));
  }
  server.set_jetstream_available(true);
  js->schedule_housekeeping();
  if (js->config_.sync_interval.count() > 0) js->schedule_interval_sync();
  JetStream* raw = js.get();
  server.add_shutdown_hook([raw]() { raw->stop(); });
  return js;
}

void JetStream::stop() {
  std::promise<void> done;
  auto finished = done.get_future();
  boost::asio::post(io_, [this, &done]() {
    if (!stopped_) {
      stopped_ = true;
      drain();
      sync_timer_.cancel();
      housekeeping_timer_.cancel();
      // Whatever the sync thread has not confirmed yet is synced here, then released.
      for (auto& [name, acc] : accounts_) {
        for (auto& [sname, stream] : acc->streams) (void)stream->store().sync();
      }
      on_synced(commit_gen_, true);
      for (auto& [name, acc] : accounts_) {
        for (auto& [sname, stream] : acc->streams) stream->close();
        acc->client->flush();
      }
      QV_LOG_INFO("JetStream stopped: stores synced and closed");
    }
    done.set_value();
  });
  finished.wait();
}

uint64_t JetStream::register_target(TargetKind kind, void* object) {
  const uint64_t id = next_target_++;
  targets_.emplace(id, Target{kind, object});
  return id;
}

void JetStream::unregister_target(uint64_t id) { targets_.erase(id); }

Result<Subscription*> JetStream::subscribe(AccountState& acc, std::string subject,
                                           uint64_t target) {
  return acc.client->subscribe(std::move(subject), "", this, target);
}

void JetStream::unsubscribe(AccountState& acc, Subscription* sub) {
  if (sub) acc.client->unsubscribe(sub);
}

bool JetStream::on_message(const Subscription& sub, std::string_view subject,
                           std::string_view reply, std::string_view headers,
                           std::string_view payload) {
  switch (inbox_.push(sub.owner_id, subject, reply, headers, payload, kMaxInboxEntries,
                      kMaxInboxBytes)) {
    case Inbox::Pushed::kFull:
      return false;
    case Inbox::Pushed::kFirst:
      boost::asio::post(io_, [this]() { drain(); });
      return true;
    case Inbox::Pushed::kQueued:
      return true;
  }
  return true;
}

void JetStream::drain() {
  inbox_.take(batch_);
  for (const InboxBatch::Entry& e : batch_.entries) dispatch(batch_, e);
  commit_batch();
}

void JetStream::dispatch(const InboxBatch& batch, const InboxBatch::Entry& e) {
  auto it = targets_.find(e.target);
  if (it == targets_.end()) return;  // a stream or consumer deleted meanwhile
  const Target target = it->second;
  switch (target.kind) {
    case TargetKind::kApi: {
      auto* acc = static_cast<AccountState*>(target.object);
      handle_api(*acc, batch.subject(e), batch.reply(e), batch.headers(e), batch.payload(e));
      break;
    }
    case TargetKind::kStream:
      static_cast<Stream*>(target.object)
          ->process_publish(batch.subject(e), batch.reply(e), batch.headers(e), batch.payload(e));
      break;
    case TargetKind::kAck:
      static_cast<Consumer*>(target.object)
          ->on_ack(batch.subject(e), batch.reply(e), batch.payload(e));
      break;
    case TargetKind::kFlowControl:
      static_cast<Consumer*>(target.object)->on_flow_control_reply(batch.subject(e));
      break;
  }
}

void JetStream::mark_dirty(Stream* stream) {
  if (std::find(dirty_.begin(), dirty_.end(), stream) == dirty_.end()) dirty_.push_back(stream);
}

void JetStream::kick(Consumer* consumer) {
  // Every stored message kicks every consumer of its stream: a flag, not a search.
  if (!consumer->kicked) {
    consumer->kicked = true;
    kicked_.push_back(consumer);
  }
}

void JetStream::reply_after_sync(AccountState& acc, std::string subject, std::string payload,
                                 std::string stream) {
  deferred_replies_.push_back({&acc, std::move(subject), std::move(payload), std::move(stream)});
}

void JetStream::confirm_after_save(Consumer* consumer, std::string reply) {
  ack_confirms_.emplace_back(consumer, std::move(reply));
}

void JetStream::commit_batch() {
  // Group commit. Every store written by this batch hands its writes to the OS; what the batch
  // promised (publish acks, ack confirmations) is released once that data is durable: at once
  // in interval mode, after the sync thread's fdatasync otherwise. While one fdatasync runs,
  // later batches keep storing, and the next fdatasync covers all of them.
  const bool sync_always = config_.sync_interval.count() == 0;
  PendingCommit commit;
  std::vector<int> fds;
  for (Stream* stream : dirty_) {
    const uint64_t last = stream->store().state().last_seq;
    if (sync_always) {
      auto r = stream->store().flush_for_sync();
      if (!r) {
        QV_LOG_ERROR("JetStream: writing stream '", stream->name(),
                     "' failed: ", r.error().message());
        commit.failed_streams.push_back(stream->name());
        continue;
      }
      fds.insert(fds.end(), r.value().begin(), r.value().end());
    } else if (auto r = stream->store().flush(); !r) {
      QV_LOG_ERROR("JetStream: writing stream '", stream->name(),
                   "' failed: ", r.error().message());
      commit.failed_streams.push_back(stream->name());
      continue;
    }
    commit.synced.emplace_back(stream, last);
  }
  dirty_.clear();
  commit.replies = std::move(deferred_replies_);
  deferred_replies_.clear();
  commit.confirms = std::move(ack_confirms_);
  ack_confirms_.clear();
  if (fds.empty() && pending_commits_.empty()) {
    release(commit, true);
  } else if (!commit.synced.empty() || !commit.replies.empty() || !commit.confirms.empty() ||
             !fds.empty()) {
    commit.gen = ++commit_gen_;
    pending_commits_.push_back(std::move(commit));
    syncer_->submit(commit_gen_, std::move(fds));
  }
  run_kicked();
}

void JetStream::release(PendingCommit& commit, bool synced) {
  for (auto& [stream, seq] : commit.synced) stream->set_synced_seq(seq);
  for (DeferredReply& r : commit.replies) {
    const bool written = std::find(commit.failed_streams.begin(), commit.failed_streams.end(),
                                   r.stream) == commit.failed_streams.end();
    if ((!synced || !written) && !r.stream.empty()) {
      // The data may not be on disk: never acknowledge it. The publisher sees an error and may
      // retry (with Nats-Msg-Id the retry is deduplicated).
      r.payload = api::pub_ack_error_json(api::stream_store_failed("storage sync failed"), r.stream,
                                          config_.domain);
    }
    r.acc->client->publish(r.subject, "", "", r.payload);
  }
  std::vector<Consumer*> saved;
  for (auto& [consumer, reply] : commit.confirms) {
    if (std::find(saved.begin(), saved.end(), consumer) == saved.end()) {
      if (auto r = consumer->save_state(true); !r) {
        QV_LOG_ERROR("JetStream: saving consumer '", consumer->name(),
                     "' failed: ", r.error().message());
      }
      saved.push_back(consumer);
    }
    consumer->stream().account().client->publish(reply, "", "", "");
  }
}

void JetStream::on_synced(uint64_t gen, bool ok) {
  while (!pending_commits_.empty() && pending_commits_.front().gen <= gen) {
    release(pending_commits_.front(), ok);
    pending_commits_.pop_front();
  }
  run_kicked();
}

void JetStream::run_kicked() {
  // Consumers may kick others (interest removal); run until quiet.
  std::vector<Consumer*> kicked;
  for (int round = 0; round < 4 && !kicked_.empty(); ++round) {
    kicked.swap(kicked_);
    kicked_.clear();
    for (Consumer* c : kicked) {
      c->kicked = false;
      c->run();
    }
    kicked.clear();
  }
  for (auto& [name, acc] : accounts_) acc->client->flush();
}

void JetStream::on_stream_deleted(Stream* stream) {
  dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), stream), dirty_.end());
  for (PendingCommit& c : pending_commits_) {
    std::erase_if(c.synced, [stream](const auto& s) { return s.first == stream; });
  }
  for (auto& [name, consumer] : stream->consumers()) on_consumer_deleted(consumer.get());
}

void JetStream::on_consumer_deleted(Consumer* consumer) {
  kicked_.erase(std::remove(kicked_.begin(), kicked_.end(), consumer), kicked_.end());
  auto same = [consumer](const auto& c) { return c.first == consumer; };
  std::erase_if(ack_confirms_, same);
  for (PendingCommit& c : pending_commits_) std::erase_if(c.confirms, same);
}

void JetStream::schedule_interval_sync() {
  sync_timer_.expires_after(config_.sync_interval);
  sync_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    for (auto& [name, acc] : accounts_) {
      for (auto& [sname, stream] : acc->streams) {
        if (auto r = stream->store().sync(); !r) {
          QV_LOG_ERROR("JetStream: syncing stream '", sname, "' failed: ", r.error().message());
        }
      }
    }
    schedule_interval_sync();
  });
}

void JetStream::schedule_housekeeping() {
  housekeeping_timer_.expires_after(kHousekeepingInterval);
  housekeeping_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    const int64_t now = now_ns();
    for (auto& [name, acc] : accounts_) {
      std::vector<Stream*> streams;
      for (auto& [sname, stream] : acc->streams) streams.push_back(stream.get());
      const bool compaction_round = ++housekeeping_rounds_ % kCompactionEvery == 0;
      for (Stream* stream : streams) {
        stream->expire(now);
        if (compaction_round) stream->compact_if_sparse();
        std::vector<std::string> expired;
        for (auto& [cname, consumer] : stream->consumers()) {
          consumer->poll_interest();
          if (consumer->inactive_expired(now)) {
            expired.push_back(cname);
          } else if (consumer->durable()) {
            (void)consumer->save_state(false);
          }
        }
        for (const std::string& cname : expired) stream->delete_consumer(cname, true);
      }
    }
    commit_batch();
    schedule_housekeeping();
  });
}

uint64_t JetStream::used_memory() const {
  uint64_t total = 0;
  for (const auto& [name, acc] : accounts_) {
    for (const auto& [sname, stream] : acc->streams) {
      if (stream->is_memory()) total += stream->store().storage_bytes();
    }
  }
  return total;
}

uint64_t JetStream::used_storage() const {
  uint64_t total = 0;
  for (const auto& [name, acc] : accounts_) {
    for (const auto& [sname, stream] : acc->streams) {
      if (!stream->is_memory()) total += stream->store().storage_bytes();
    }
  }
  return total;
}

Result<void> JetStream::recover(AccountState& acc) {
  const fs::path streams_dir = fs::path(acc.dir) / "streams";
  std::error_code ec;
  if (!fs::exists(streams_dir, ec)) return success();
  for (const auto& entry : fs::directory_iterator(streams_dir, ec)) {
    if (!entry.is_directory()) continue;
    auto stream = open_stream_from_disk(*this, acc, entry.path().string());
    if (!stream) {
      QV_LOG_ERROR("JetStream: could not recover stream at ", entry.path().string(), ": ",
                   stream.error().message());
      continue;
    }
    Stream* s = stream.value().get();
    acc.streams.emplace(s->name(), std::move(stream.value()));
    if (auto r = s->activate(); !r) {
      QV_LOG_ERROR("JetStream: could not activate stream '", s->name(), "': ", r.error().message());
      continue;
    }
    recover_consumers(*s);
    const StoreState st = s->store().state();
    QV_LOG_INFO("  Restored ", st.msgs, " messages for stream '", acc.account->name, " > ",
                s->name(), "'");
  }
  return success();
}

}  // namespace quiver::server::jetstream
