// The in-memory index and stream semantics shared by MemoryStore and FileStore (internal).
//
// IndexedStore<Loc> implements every limit, purge, filter and state rule of StreamStore once,
// over a sequence-indexed deque of slots and a subject table. The concrete stores only say
// where a message body lives (Loc) through a handful of hooks: append, read, erase, removed,
// and what to persist when a mutating call ends.
//
// Costs: store/load/remove O(1) amortised; load_last(literal) and per-subject limits O(1);
// load_next(literal) and filtered_state(literal) O(log n); wildcard filters scan a short
// window of slots and then walk the subject table.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "codec/subject.h"
#include "common/assert.h"
#include "common/result.h"
#include "server/jetstream/store/store.h"

namespace quiver::server::jetstream::internal {

inline constexpr uint32_t kNoSubject = UINT32_MAX;

// Subjects of live messages. Each keeps its live count and its sequences in ascending order;
// removed sequences stay in the vector until they are cheap to drop (see IndexedStore).
class SubjectTable {
 public:
  struct Entry {
    std::string_view name;       // points into the map's key (stable: node-based map)
    uint64_t count = 0;          // live messages
    std::vector<uint64_t> seqs;  // ascending; may hold removed sequences
    std::size_t head = 0;        // seqs[0, head) are known removed
  };

  uint32_t find(std::string_view name) const;
  // The id of `name`, created with count 0 if new.
  uint32_t intern(std::string_view name);
  Entry& at(uint32_t id) noexcept { return entries_[id]; }
  const Entry& at(uint32_t id) const noexcept { return entries_[id]; }
  // Forgets a subject whose count reached 0; its id may be reused.
  void forget(uint32_t id);
  std::size_t size() const noexcept { return map_.size(); }
  void clear();

  template <class F>
  void for_each(F&& f) const {
    for (const auto& [name, id] : map_) f(id, entries_[id]);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> map_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> free_;
};

template <class Loc>
struct Slot {
  int64_t ts_ns = 0;
  uint32_t subject = kNoSubject;  // kNoSubject: no live message at this sequence
  uint32_t size = 0;              // msg_size() of the message
  Loc loc{};
  bool live() const noexcept { return subject != kNoSubject; }
};

inline bool matches_all(std::string_view filter) noexcept {
  return filter.empty() || filter == ">";
}

template <class Loc>
class IndexedStore : public StreamStore {
 public:
  using SlotT = Slot<Loc>;

  explicit IndexedStore(const StoreLimits& limits) : limits_(limits) {}

  Result<uint64_t> store(std::string_view subject, std::string_view headers,
                         std::string_view payload, int64_t ts_ns) override {
    QV_TRY(check_writable());
    const uint64_t seq = last_seq_ + 1;
    QV_TRY(store_impl(seq, subject, headers, payload, ts_ns));
    return seq;
  }

  Result<void> store_at(uint64_t seq, std::string_view subject, std::string_view headers,
                        std::string_view payload, int64_t ts_ns) override {
    QV_TRY(check_writable());
    if (seq <= last_seq_ || (seq != last_seq_ + 1 && msgs_ != 0)) {
      return make_error_code(StoreErrc::kSequenceMismatch);
    }
    return store_impl(seq, subject, headers, payload, ts_ns);
  }

  Result<void> skip_to(uint64_t seq) override {
    QV_TRY(check_writable());
    if (seq <= last_seq_) return make_error_code(StoreErrc::kSequenceMismatch);
    last_seq_ = seq;
    seq_skipped();
    return success();
  }

  Result<StoredMsg> load(uint64_t seq) const override {
    QV_TRY(check_open());
    const SlotT* s = live_slot(seq);
    if (s == nullptr) return not_found(seq);
    return read_msg(seq, *s);
  }

  Result<StoredMsg> load_next(std::string_view filter, uint64_t start) const override {
    QV_TRY(check_open());
    const uint64_t seq = find_next(filter, start);
    if (seq == 0) return make_error_code(StoreErrc::kNotFound);
    return read_msg(seq, *live_slot(seq));
  }

  Result<StoredMsg> load_last(std::string_view filter) const override {
    QV_TRY(check_open());
    const uint64_t seq = find_last(filter);
    if (seq == 0) return make_error_code(StoreErrc::kNotFound);
    return read_msg(seq, *live_slot(seq));
  }

  Result<void> remove(uint64_t seq, bool erase = false) override {
    QV_TRY(check_writable());
    SlotT* s = live_slot(seq);
    if (s == nullptr) return not_found(seq);
    std::error_code erase_error;
    if (erase) {
      auto erased = erase_msg(seq, *s);
      if (!erased) erase_error = erased.error();
    }
    // Removed even when the overwrite failed: a half-overwritten record must never be served.
    remove_seq(seq, /*notify=*/false);
    changes_done();
    if (erase_error) return erase_error;
    return success();
  }

  Result<uint64_t> purge(std::string_view filter, uint64_t up_to_seq, uint64_t keep) override {
    QV_TRY(check_writable());
    const bool all = matches_all(filter);
    if (all && up_to_seq == 0 && keep == 0) {
      const uint64_t n = msgs_;
      if (n == 0) return uint64_t{0};
      QV_TRY(remove_all());
      clear_index();
      return n;
    }
    const uint64_t bound = up_to_seq == 0 ? UINT64_MAX : up_to_seq;
    uint64_t removed = 0;
    if (all) {
      const uint64_t budget = keep >= msgs_ ? 0 : msgs_ - keep;
      while (removed < budget && msgs_ > 0 && base_ < bound) {
        remove_seq(base_, false);
        ++removed;
      }
    } else {
      std::vector<uint32_t> ids = matching_subjects(filter);
      uint64_t total = 0;
      for (uint32_t id : ids) total += subjects_.at(id).count;
      const uint64_t budget = keep >= total ? 0 : total - keep;
      if (ids.size() == 1) {
        const uint32_t id = ids[0];
        while (removed < budget) {
          const uint64_t seq = subject_first(id);
          if (seq >= bound) break;
          remove_seq(seq, false);  // forgets the subject only with its last message
          ++removed;
        }
      } else if (budget > 0) {
        std::vector<uint64_t> candidates;
        for (uint32_t id : ids) {
          const auto& e = subjects_.at(id);
          for (std::size_t i = e.head; i < e.seqs.size() && e.seqs[i] < bound; ++i) {
            if (live_as(e.seqs[i], id)) candidates.push_back(e.seqs[i]);
          }
        }
        std::sort(candidates.begin(), candidates.end());
        for (std::size_t i = 0; i < candidates.size() && removed < budget; ++i) {
          remove_seq(candidates[i], false);
          ++removed;
        }
      }
    }
    if (removed > 0) changes_done();
    return removed;
  }

  Result<uint64_t> expire(int64_t now_ns) override {
    QV_TRY(check_writable());
    if (limits_.max_age_ns <= 0) return uint64_t{0};
    const int64_t cutoff = now_ns - limits_.max_age_ns;
    uint64_t removed = 0;
    // Messages expire in sequence order, as in nats-server: a message stored with an older
    // timestamp behind a younger one waits for it.
    while (msgs_ > 0 && slots_.front().ts_ns <= cutoff) {
      remove_seq(base_, /*notify=*/true);
      ++removed;
    }
    if (removed > 0) changes_done();
    return removed;
  }

  StoreState state() const override {
    StoreState st;
    st.msgs = msgs_;
    st.bytes = bytes_;
    st.first_seq = first_seq();
    st.first_ts_ns = msgs_ > 0 ? slots_.front().ts_ns : 0;
    st.last_seq = last_seq_;
    st.last_ts_ns = last_ts_;
    st.num_deleted = msgs_ > 0 ? last_seq_ - base_ + 1 - msgs_ : 0;
    st.num_subjects = subjects_.size();
    return st;
  }

  FilteredState filtered_state(std::string_view filter, uint64_t start) const override {
    FilteredState fs;
    if (msgs_ == 0) return fs;
    const uint64_t from = std::max(start, base_);
    const uint64_t end = base_ + slots_.size();
    if (from >= end) return fs;
    if (matches_all(filter)) {
      if (from == base_) return {msgs_, base_, end - 1};
      fs.last_seq = end - 1;
      uint64_t first = from;
      while (!slots_[first - base_].live()) ++first;
      fs.first_seq = first;
      // Count on whichever side of `from` is shorter.
      uint64_t n = 0;
      if (end - from <= from - base_) {
        for (uint64_t s = first; s < end; ++s) n += slots_[s - base_].live() ? 1 : 0;
        fs.msgs = n;
      } else {
        for (uint64_t s = base_; s < from; ++s) n += slots_[s - base_].live() ? 1 : 0;
        fs.msgs = msgs_ - n;
      }
      return fs;
    }
    for (uint32_t id : matching_subjects(filter)) {
      compact_seqs_if_stale(id);
      const auto& e = subjects_.at(id);
      const auto it = std::lower_bound(e.seqs.begin() + static_cast<std::ptrdiff_t>(e.head),
                                       e.seqs.end(), from);
      if (it == e.seqs.end()) continue;
      fs.msgs += static_cast<uint64_t>(e.seqs.end() - it);
      if (fs.first_seq == 0 || *it < fs.first_seq) fs.first_seq = *it;
      fs.last_seq = std::max(fs.last_seq, e.seqs.back());
    }
    return fs;
  }

  std::vector<std::pair<std::string, uint64_t>> subjects_state(
      std::string_view filter) const override {
    std::vector<std::pair<std::string, uint64_t>> out;
    for (uint32_t id : matching_subjects(filter)) {
      const auto& e = subjects_.at(id);
      out.emplace_back(std::string(e.name), e.count);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<uint64_t> deleted_sequences() const override {
    std::vector<uint64_t> out;
    if (msgs_ == 0) return out;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].live()) out.push_back(base_ + i);
    }
    for (uint64_t s = base_ + slots_.size(); s <= last_seq_; ++s) out.push_back(s);
    return out;
  }

  Result<void> update_limits(const StoreLimits& limits) override {
    QV_TRY(check_writable());
    limits_ = limits;
    const uint64_t before = msgs_;
    enforce_limits(/*notify=*/true);
    if (msgs_ != before) changes_done();
    return success();
  }

  void set_removed_callback(RemovedCallback callback) override {
    on_removed_ = std::move(callback);
  }

 protected:
  // ---- Hooks for the concrete store --------------------------------------------------------

  // Stores the body of a new message; nothing is indexed yet. An error leaves no trace.
  virtual Result<Loc> append_msg(uint64_t seq, int64_t ts_ns, std::string_view subject,
                                 std::string_view headers, std::string_view payload) = 0;
  virtual Result<StoredMsg> read_msg(uint64_t seq, const SlotT& slot) const = 0;
  // Overwrites the body before a secure remove. The message is removed even if this fails;
  // the error is then returned by remove().
  virtual Result<void> erase_msg(uint64_t seq, SlotT& slot) = 0;
  // The message left the index (slot.loc is still set; it is reset afterwards).
  virtual void msg_removed(uint64_t seq, SlotT& slot) = 0;
  // A mutating call that removed messages is complete: persist what it did.
  virtual void changes_done() = 0;
  // skip_to() advanced last_seq without a message.
  virtual void seq_skipped() = 0;
  // Purge of everything, before the index is cleared; an error cancels the purge.
  virtual Result<void> remove_all() = 0;

  virtual Result<void> check_open() const {
    if (closed_) return make_error_code(StoreErrc::kClosed);
    return success();
  }
  // Mutations also fail after an unrecoverable I/O error (see FileStore).
  virtual Result<void> check_writable() const { return check_open(); }

  // ---- Index access for the concrete store -------------------------------------------------

  uint64_t first_seq() const noexcept {
    if (msgs_ > 0) return base_;
    return last_seq_ == 0 ? 0 : last_seq_ + 1;
  }
  uint64_t last_seq() const noexcept { return last_seq_; }
  int64_t last_ts() const noexcept { return last_ts_; }
  uint64_t msg_count() const noexcept { return msgs_; }
  uint64_t byte_count() const noexcept { return bytes_; }
  std::string_view subject_name(uint32_t id) const noexcept { return subjects_.at(id).name; }

  const SlotT* live_slot(uint64_t seq) const noexcept {
    if (seq < base_ || seq - base_ >= slots_.size()) return nullptr;
    const SlotT& s = slots_[seq - base_];
    return s.live() ? &s : nullptr;
  }
  SlotT* live_slot(uint64_t seq) noexcept {
    return const_cast<SlotT*>(std::as_const(*this).live_slot(seq));
  }

  // Recovery: appends a message read back from storage. False (nothing done) when `seq` is
  // not above every sequence seen so far.
  bool recover_msg(uint64_t seq, int64_t ts_ns, std::string_view subject, uint64_t size, Loc loc) {
    if (seq <= last_seq_ || size > UINT32_MAX) return false;
    index_append(seq, ts_ns, subjects_.intern(subject), static_cast<uint32_t>(size),
                 std::move(loc));
    return true;
  }
  // Recovery: a tombstone. True when it removed a live message.
  bool recover_remove(uint64_t seq) {
    if (live_slot(seq) == nullptr) return false;
    remove_seq(seq, false);
    return true;
  }
  // Recovery: a sequence-state record (see records.proto SeqState). Its last_seq only counts
  // once every record is read (recover_finish): a compacted segment starts with the state at
  // compaction time, ahead of the messages that follow it.
  void recover_seq_state(uint64_t last_seq, uint64_t floor, int64_t last_ts) {
    if (last_seq >= recovered_last_seq_) {
      recovered_last_seq_ = last_seq;
      recovered_last_ts_ = last_ts;
    }
    while (msgs_ > 0 && base_ < floor) remove_seq(base_, false);
  }
  // Recovery: a sequence that existed (an erased record), whatever else was lost.
  void recover_last_seq(uint64_t seq) {
    if (seq > recovered_last_seq_) {
      recovered_last_seq_ = seq;
      recovered_last_ts_ = 0;
    }
  }
  void recover_finish() {
    if (recovered_last_seq_ > last_seq_) {
      last_seq_ = recovered_last_seq_;
      last_ts_ = recovered_last_ts_;
    }
  }

  // Applies the per-subject, max_msgs and max_bytes limits (not max_age, which needs a clock).
  void enforce_limits(bool notify) {
    if (limits_.max_msgs_per_subject > 0) {
      const auto maxp = static_cast<uint64_t>(limits_.max_msgs_per_subject);
      std::vector<uint32_t> over;
      subjects_.for_each([&](uint32_t id, const SubjectTable::Entry& e) {
        if (e.count > maxp) over.push_back(id);
      });
      for (uint32_t id : over) enforce_subject_limit(id, notify);
    }
    enforce_msgs_and_bytes(notify);
  }

  void clear_index() {
    slots_.clear();
    subjects_.clear();
    msgs_ = 0;
    bytes_ = 0;
  }

  bool closed_ = false;

 private:
  static constexpr uint64_t kShortScan = 64;

  Result<void> store_impl(uint64_t seq, std::string_view subject, std::string_view headers,
                          std::string_view payload, int64_t ts_ns) {
    const uint64_t data_len = subject.size() + headers.size() + payload.size();
    if (limits_.max_msg_size > 0 && data_len > static_cast<uint64_t>(limits_.max_msg_size)) {
      return make_error_code(StoreErrc::kMsgTooBig);
    }
    const uint64_t size = msg_size(subject, headers, payload);
    if (size > UINT32_MAX) return make_error_code(StoreErrc::kMsgTooBig);
    uint32_t id = subjects_.find(subject);
    if (limits_.discard_new) {
      QV_TRY(check_discard_new(id, size));
    }
    QV_TRY(auto loc, append_msg(seq, ts_ns, subject, headers, payload));
    if (id == kNoSubject) id = subjects_.intern(subject);
    index_append(seq, ts_ns, id, static_cast<uint32_t>(size), std::move(loc));
    const uint64_t before = msgs_;
    enforce_subject_limit(id, /*notify=*/true);
    enforce_msgs_and_bytes(/*notify=*/true);
    if (msgs_ != before) changes_done();
    return success();
  }

  // Discard new refuses what would exceed a limit, except that a message replacing the oldest
  // of its subject (per-subject limit reached, discard_new_per_subject off) only has to fit
  // after that one is gone. discard_new_per_subject applies only together with discard_new,
  // as nats-server's config validation requires.
  Result<void> check_discard_new(uint32_t id, uint64_t size) const {
    const bool at_subject_limit =
        limits_.max_msgs_per_subject > 0 && id != kNoSubject &&
        subjects_.at(id).count >= static_cast<uint64_t>(limits_.max_msgs_per_subject);
    if (at_subject_limit && limits_.discard_new_per_subject) {
      return make_error_code(StoreErrc::kMaxMsgsPerSubject);
    }
    if (limits_.max_msgs > 0 && msgs_ >= static_cast<uint64_t>(limits_.max_msgs) &&
        !at_subject_limit) {
      return make_error_code(StoreErrc::kMaxMsgs);
    }
    if (limits_.max_bytes > 0) {
      uint64_t after = bytes_ + size;
      if (at_subject_limit) after -= live_slot(subject_first(id))->size;
      if (after > static_cast<uint64_t>(limits_.max_bytes)) {
        return make_error_code(StoreErrc::kMaxBytes);
      }
    }
    return success();
  }

  void enforce_subject_limit(uint32_t id, bool notify) {
    if (limits_.max_msgs_per_subject <= 0) return;
    const auto maxp = static_cast<uint64_t>(limits_.max_msgs_per_subject);
    // count stays >= maxp >= 1, so the subject is never forgotten inside this loop.
    while (subjects_.at(id).count > maxp) remove_seq(subject_first(id), notify);
  }

  void enforce_msgs_and_bytes(bool notify) {
    if (limits_.max_msgs > 0) {
      while (msgs_ > static_cast<uint64_t>(limits_.max_msgs)) remove_seq(base_, notify);
    }
    if (limits_.max_bytes > 0) {
      while (msgs_ > 0 && bytes_ > static_cast<uint64_t>(limits_.max_bytes)) {
        remove_seq(base_, notify);
      }
    }
  }

  std::error_code not_found(uint64_t seq) const {
    return make_error_code(seq == 0 || seq > last_seq_ ? StoreErrc::kNotFound
                                                       : StoreErrc::kDeleted);
  }

  void index_append(uint64_t seq, int64_t ts_ns, uint32_t id, uint32_t size, Loc loc) {
    QV_ASSERT(seq > last_seq_);
    if (slots_.empty()) {
      base_ = seq;
    } else {
      // A gap (skip_to on a non-empty store) becomes removed slots.
      while (base_ + slots_.size() < seq) slots_.emplace_back();
    }
    slots_.push_back(SlotT{ts_ns, id, size, std::move(loc)});
    auto& e = subjects_.at(id);
    e.seqs.push_back(seq);
    ++e.count;
    ++msgs_;
    bytes_ += size;
    last_seq_ = seq;
    last_ts_ = ts_ns;
  }

  void remove_seq(uint64_t seq, bool notify) {
    SlotT& s = slots_[seq - base_];
    QV_ASSERT(s.live());
    const uint32_t id = s.subject;
    s.subject = kNoSubject;
    --msgs_;
    bytes_ -= s.size;
    msg_removed(seq, s);
    s.loc = Loc{};
    if (notify && on_removed_) on_removed_(seq, subjects_.at(id).name);
    auto& e = subjects_.at(id);
    if (--e.count == 0) {
      subjects_.forget(id);
    } else if (e.seqs.size() - e.head > 2 * e.count + 16) {
      compact_seqs(id);  // amortised: runs once per count+16 removals
    }
    while (!slots_.empty() && !slots_.front().live()) {
      slots_.pop_front();
      ++base_;
    }
    while (!slots_.empty() && !slots_.back().live()) slots_.pop_back();
  }

  bool live_as(uint64_t seq, uint32_t id) const noexcept {
    const SlotT* s = live_slot(seq);
    return s != nullptr && s->subject == id;
  }

  uint64_t subject_first(uint32_t id) const {
    auto& e = subjects_.at(id);
    while (!live_as(e.seqs[e.head], id)) ++e.head;
    if (e.head > 32 && e.head * 2 > e.seqs.size()) {
      e.seqs.erase(e.seqs.begin(), e.seqs.begin() + static_cast<std::ptrdiff_t>(e.head));
      e.head = 0;
    }
    return e.seqs[e.head];
  }

  uint64_t subject_last(uint32_t id) const {
    auto& e = subjects_.at(id);
    while (!live_as(e.seqs.back(), id)) e.seqs.pop_back();
    return e.seqs.back();
  }

  // The first live sequence >= from of subject `id`, or 0.
  uint64_t subject_next(uint32_t id, uint64_t from) const {
    const auto& e = subjects_.at(id);
    auto it =
        std::lower_bound(e.seqs.begin() + static_cast<std::ptrdiff_t>(e.head), e.seqs.end(), from);
    while (it != e.seqs.end() && !live_as(*it, id)) ++it;
    return it == e.seqs.end() ? 0 : *it;
  }

  void compact_seqs(uint32_t id) const {
    auto& e = subjects_.at(id);
    std::size_t w = 0;
    for (std::size_t r = e.head; r < e.seqs.size(); ++r) {
      if (live_as(e.seqs[r], id)) e.seqs[w++] = e.seqs[r];
    }
    e.seqs.resize(w);
    e.head = 0;
    if (e.seqs.capacity() > 64 && e.seqs.capacity() > 4 * w) e.seqs.shrink_to_fit();
  }

  void compact_seqs_if_stale(uint32_t id) const {
    const auto& e = subjects_.at(id);
    if (e.seqs.size() - e.head != e.count) compact_seqs(id);
  }

  std::vector<uint32_t> matching_subjects(std::string_view filter) const {
    std::vector<uint32_t> ids;
    if (matches_all(filter)) {
      subjects_.for_each([&](uint32_t id, const SubjectTable::Entry&) { ids.push_back(id); });
    } else if (!codec::subject_has_wildcard(filter)) {
      const uint32_t id = subjects_.find(filter);
      if (id != kNoSubject) ids.push_back(id);
    } else {
      subjects_.for_each([&](uint32_t id, const SubjectTable::Entry& e) {
        if (codec::subject_matches(filter, e.name)) ids.push_back(id);
      });
    }
    return ids;
  }

  uint64_t find_next(std::string_view filter, uint64_t start) const {
    if (msgs_ == 0) return 0;
    const uint64_t from = std::max(start, base_);
    const uint64_t end = base_ + slots_.size();
    if (from >= end) return 0;
    if (matches_all(filter)) {
      for (uint64_t s = from; s < end; ++s) {
        if (slots_[s - base_].live()) return s;
      }
      return 0;
    }
    if (!codec::subject_has_wildcard(filter)) {
      const uint32_t id = subjects_.find(filter);
      return id == kNoSubject ? 0 : subject_next(id, from);
    }
    // A consumer usually wants the very next message: look at a few slots before paying for a
    // walk over every subject.
    const uint64_t scan_end = std::min(end, from + kShortScan);
    for (uint64_t s = from; s < scan_end; ++s) {
      const SlotT& slot = slots_[s - base_];
      if (slot.live() && codec::subject_matches(filter, subject_name(slot.subject))) return s;
    }
    if (scan_end == end) return 0;
    uint64_t best = 0;
    for (uint32_t id : matching_subjects(filter)) {
      const uint64_t n = subject_next(id, scan_end);
      if (n != 0 && (best == 0 || n < best)) best = n;
    }
    return best;
  }

  uint64_t find_last(std::string_view filter) const {
    if (msgs_ == 0) return 0;
    const uint64_t end = base_ + slots_.size();  // slots_.back() is live
    if (matches_all(filter)) return end - 1;
    if (!codec::subject_has_wildcard(filter)) {
      const uint32_t id = subjects_.find(filter);
      return id == kNoSubject ? 0 : subject_last(id);
    }
    const uint64_t scan_begin = end - std::min<uint64_t>(slots_.size(), kShortScan);
    for (uint64_t s = end; s-- > scan_begin;) {
      const SlotT& slot = slots_[s - base_];
      if (slot.live() && codec::subject_matches(filter, subject_name(slot.subject))) return s;
    }
    uint64_t best = 0;
    for (uint32_t id : matching_subjects(filter)) best = std::max(best, subject_last(id));
    return best;
  }

  StoreLimits limits_;
  RemovedCallback on_removed_;
  std::deque<SlotT> slots_;  // slots_[i] holds sequence base_ + i; front and back are live
  uint64_t base_ = 1;
  uint64_t last_seq_ = 0;
  int64_t last_ts_ = 0;
  uint64_t msgs_ = 0;
  uint64_t bytes_ = 0;
  uint64_t recovered_last_seq_ = 0;
  int64_t recovered_last_ts_ = 0;
  mutable SubjectTable subjects_;  // const lookups drop removed sequences lazily
};

}  // namespace quiver::server::jetstream::internal
