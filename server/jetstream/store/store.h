// The storage interface of a JetStream stream: an ordered log of messages numbered by sequence,
// with the limits of nats-server's stores (max msgs/bytes/age/per subject, discard old/new).
//
// The engine (server/jetstream) drives every store through this interface only, from one thread
// at a time, so a future replicated log can drive the same calls (store_at() applies an entry
// the leader already numbered). Implementations: MemoryStore and FileStore (file_store.h).
//
// Durability is the caller's choice, not the store's: store() makes a message visible to load()
// at once; flush() hands buffered writes to the OS; sync() also makes them survive power loss.
// The engine group-commits by storing a batch, calling sync() once, then acknowledging.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "common/result.h"

namespace quiver::server::jetstream {

enum class StoreErrc {
  kMaxMsgs = 1,        // discard new: "maximum messages exceeded"
  kMaxBytes,           // discard new: "maximum bytes exceeded"
  kMaxMsgsPerSubject,  // discard new per subject: "maximum messages per subject exceeded"
  kMsgTooBig,          // larger than max_msg_size: "message size exceeds maximum allowed"
  kNotFound,           // no message with that sequence / matching that filter: "no message found"
  kDeleted,            // the sequence existed and was deleted: "no message found"
  kSequenceMismatch,   // store_at() with a sequence other than last_seq + 1
  kCorrupt,            // a record failed its checksum: never served
  kIo,                 // an I/O call failed (details in the log)
  kNoSpace,            // ENOSPC / EDQUOT: "insufficient storage resources available"
  kClosed,             // the store was closed or destroyed
};
const std::error_category& store_category() noexcept;
std::error_code make_error_code(StoreErrc e) noexcept;

struct StoreLimits {
  int64_t max_msgs = -1;              // -1: unlimited
  int64_t max_bytes = -1;             // -1: unlimited; counts stored message sizes (see msg_size)
  int64_t max_age_ns = 0;             // 0: unlimited
  int64_t max_msgs_per_subject = -1;  // -1 or 0: unlimited
  int32_t max_msg_size = -1;          // -1: unlimited; subject + headers + payload
  bool discard_new = false;           // refuse new messages instead of removing old ones
  bool discard_new_per_subject = false;
};

// A message as stored. `headers` is the raw NATS/1.0 header block (may be empty).
struct StoredMsg {
  uint64_t seq = 0;
  int64_t ts_ns = 0;  // Unix nanoseconds, set by the caller of store()
  std::string subject;
  std::string headers;
  std::string payload;
};

// nats-server's accounting size of a stored message (fileStoreMsgSize): what max_bytes and
// StreamState.bytes count. subject + headers + payload + 16 (seq + ts) + fixed overhead.
uint64_t msg_size(std::string_view subject, std::string_view headers, std::string_view payload);

struct StoreState {
  uint64_t msgs = 0;
  uint64_t bytes = 0;
  uint64_t first_seq = 0;  // 0 with no message ever; last_seq + 1 once all are removed
  int64_t first_ts_ns = 0;
  uint64_t last_seq = 0;
  int64_t last_ts_ns = 0;
  uint64_t num_deleted = 0;  // interior gaps between first_seq and last_seq
  uint64_t num_subjects = 0;
};

// Messages matching a filter from a start sequence.
struct FilteredState {
  uint64_t msgs = 0;
  uint64_t first_seq = 0;  // 0 when msgs == 0
  uint64_t last_seq = 0;
};

// What a store repaired or noticed while opening; empty when the files were clean.
struct RecoveryReport {
  uint64_t truncated_bytes = 0;    // torn/corrupt tail cut off
  uint64_t corrupt_records = 0;    // records that failed their checksum (never served)
  uint64_t segments_scanned = 0;   // segments verified by a full scan (index missing or stale)
  std::vector<std::string> notes;  // one human sentence each, logged by the engine
};

class StreamStore {
 public:
  virtual ~StreamStore() = default;

  // Appends with the next sequence. Applies limits: with discard old, removes the oldest
  // messages (per subject first, then msgs/bytes) as needed; with discard new, refuses with
  // kMaxMsgs / kMaxBytes / kMaxMsgsPerSubject and changes nothing. Returns the new sequence.
  virtual Result<uint64_t> store(std::string_view subject, std::string_view headers,
                                 std::string_view payload, int64_t ts_ns) = 0;

  // Appends with a sequence chosen elsewhere (a replicated log's leader); it must be
  // last_seq + 1, or any value > last_seq when the store is empty (skipped sequences are not
  // counted as deleted then: first_seq becomes seq).
  virtual Result<void> store_at(uint64_t seq, std::string_view subject, std::string_view headers,
                                std::string_view payload, int64_t ts_ns) = 0;

  // Consumes sequence numbers without messages (e.g. interest streams with no interest):
  // last_seq becomes seq; nothing is stored. seq must be > last_seq.
  virtual Result<void> skip_to(uint64_t seq) = 0;

  virtual Result<StoredMsg> load(uint64_t seq) const = 0;
  // The first message with sequence >= start whose subject matches `filter` (wildcards allowed;
  // empty or ">" matches all).
  virtual Result<StoredMsg> load_next(std::string_view filter, uint64_t start) const = 0;
  // The last message whose subject matches `filter` (wildcards allowed).
  virtual Result<StoredMsg> load_last(std::string_view filter) const = 0;

  // Removes one message; kNotFound / kDeleted when it is not there. `erase` overwrites the
  // record's bytes on disk as well (nats-server's secure erase, no_erase=false).
  virtual Result<void> remove(uint64_t seq, bool erase = false) = 0;

  // Purge: removes messages matching `filter` (empty = all) with sequence < up_to_seq
  // (0 = no bound), keeping the newest `keep` matching ones (0 = keep none). Returns how many
  // were removed. With no filter and no bounds first_seq becomes last_seq + 1.
  virtual Result<uint64_t> purge(std::string_view filter, uint64_t up_to_seq, uint64_t keep) = 0;

  // Removes every message older than now - max_age; returns how many. Cheap when none are due.
  virtual Result<uint64_t> expire(int64_t now_ns) = 0;

  virtual StoreState state() const = 0;
  virtual FilteredState filtered_state(std::string_view filter, uint64_t start) const = 0;
  // Number of messages per subject for the subjects matching `filter` (wildcards allowed).
  virtual std::vector<std::pair<std::string, uint64_t>> subjects_state(
      std::string_view filter) const = 0;
  // Sequences of interior deletes (deleted_details in STREAM.INFO), ascending.
  virtual std::vector<uint64_t> deleted_sequences() const = 0;

  // Applies new limits (stream update); may remove messages when they shrink.
  virtual Result<void> update_limits(const StoreLimits& limits) = 0;

  // Hands buffered writes to the OS (write(2)); no fsync.
  virtual Result<void> flush() = 0;
  // flush() + fdatasync of every touched file: what is stored survives power loss.
  virtual Result<void> sync() = 0;

  // Pipelined group commit: hands buffered writes to the OS (like flush()) and returns what
  // still has to be fdatasync'ed for them to survive power loss, as duplicated descriptors
  // (directory first when files were created or removed). The caller syncs and closes them on
  // any thread — typically a sync thread, while this store keeps taking writes. The default
  // syncs inline and returns none; memory stores have nothing to sync.
  virtual Result<std::vector<int>> flush_for_sync() {
    QV_TRY(sync());
    return std::vector<int>{};
  }

  // Reclaims the space of removed messages (rewrites segments mostly deleted). Returns bytes
  // reclaimed. The engine calls it when idle.
  virtual Result<uint64_t> compact() = 0;

  // Bytes the store occupies (disk for files, memory for memory stores), for account limits.
  virtual uint64_t storage_bytes() const = 0;

  // Flushes, syncs and releases files. Further calls fail with kClosed.
  virtual Result<void> close() = 0;
  // Closes and deletes everything on disk.
  virtual Result<void> destroy() = 0;

  // Called for every message the store removes on its own (limits, max_age, rollover of
  // per-subject limits, discard old), so the engine can keep consumers' pending counts right.
  using RemovedCallback = std::function<void(uint64_t seq, std::string_view subject)>;
  virtual void set_removed_callback(RemovedCallback callback) = 0;
};

}  // namespace quiver::server::jetstream

namespace std {
template <>
struct is_error_code_enum<quiver::server::jetstream::StoreErrc> : true_type {};
}  // namespace std
