// Inbox: the hand-off of messages from publishers' worker threads to JetStream's thread.
//
// JetStream's internal subscriptions deliver on whatever worker published. Each message is
// copied into the current batch (one contiguous byte buffer plus an index of offsets, so a
// message costs no allocation of its own) and the batch is handed over whole: the engine swaps
// it out and processes everything that arrived meanwhile in one go. That is what makes group
// commit work: the more publishers wait on fsync, the larger the next batch.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::server::jetstream {

struct InboxBatch {
  struct Entry {
    uint64_t target;  // which stream/consumer/API the subscription belongs to
    uint32_t subject_off, subject_len;
    uint32_t reply_off, reply_len;
    uint32_t headers_off, headers_len;
    uint32_t payload_off, payload_len;
  };
  std::string bytes;
  std::vector<Entry> entries;

  std::string_view subject(const Entry& e) const { return view(e.subject_off, e.subject_len); }
  std::string_view reply(const Entry& e) const { return view(e.reply_off, e.reply_len); }
  std::string_view headers(const Entry& e) const { return view(e.headers_off, e.headers_len); }
  std::string_view payload(const Entry& e) const { return view(e.payload_off, e.payload_len); }

  void clear() {
    bytes.clear();
    entries.clear();
  }

 private:
  std::string_view view(uint32_t off, uint32_t len) const {
    return std::string_view(bytes.data() + off, len);
  }
};

class Inbox {
 public:
  enum class Pushed {
    kFirst,   // the batch was empty: the caller must schedule a drain on the engine's thread
    kQueued,  // a drain is already scheduled
    kFull,    // `max_entries` or `max_bytes` are waiting: refused, nothing queued
  };

  // Any thread. Exactly one drain is outstanding while the batch is not empty.
  Pushed push(uint64_t target, std::string_view subject, std::string_view reply,
              std::string_view headers, std::string_view payload, std::size_t max_entries,
              std::size_t max_bytes) {
    const std::size_t size = subject.size() + reply.size() + headers.size() + payload.size();
    std::lock_guard lock(mu_);
    if (current_.entries.size() >= max_entries || current_.bytes.size() + size > max_bytes) {
      return Pushed::kFull;
    }
    const bool was_empty = current_.entries.empty();
    InboxBatch::Entry e{};
    e.target = target;
    e.subject_off = append(subject, e.subject_len);
    e.reply_off = append(reply, e.reply_len);
    e.headers_off = append(headers, e.headers_len);
    e.payload_off = append(payload, e.payload_len);
    current_.entries.push_back(e);
    return was_empty ? Pushed::kFirst : Pushed::kQueued;
  }

  // Engine thread: takes everything queued so far; `spare` (processed and cleared) is reused
  // as the next batch so buffers keep their capacity.
  void take(InboxBatch& out) {
    out.clear();
    std::lock_guard lock(mu_);
    std::swap(out, current_);
  }

 private:
  uint32_t append(std::string_view s, uint32_t& len) {
    const auto off = static_cast<uint32_t>(current_.bytes.size());
    current_.bytes.append(s);
    len = static_cast<uint32_t>(s.size());
    return off;
  }

  mutable std::mutex mu_;
  InboxBatch current_;
};

}  // namespace quiver::server::jetstream
