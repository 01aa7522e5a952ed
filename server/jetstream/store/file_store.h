// FileStore: a StreamStore persisted as append-only segment files (storage: file streams).
//
// Layout, record format, recovery and durability rules are in docs/storage.md. In short:
// <dir>/msgs/<20-digit number>.seg files of checksummed protobuf records (messages, tombstones,
// sequence state); an in-memory index rebuilt by scanning them on open; writes buffered in user
// space until flush(); sync() = flush + fdatasync (+ directory fsync after file changes).
//
// Not thread-safe: one caller at a time, like every StreamStore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/jetstream/store/indexed_store.h"
#include "server/jetstream/store/store.h"

#include <sys/types.h>

namespace quiver::server::jetstream {

struct FileStoreOptions {
  std::string dir;  // the stream's directory; created if missing. Segments live in dir/msgs.
  // A segment is closed and a new one started when a message would take it past this size
  // (a single larger message gets a segment of its own). At most 1 GiB.
  uint64_t segment_bytes = 8 << 20;
  // store() hands the buffer to the OS first once it holds this much, so the buffer is bounded
  // even when the caller never flushes.
  std::size_t write_buffer_bytes = 1 << 20;
  // Replaces pwrite(2) for every data write (segments and compaction output), so tests can
  // inject ENOSPC or short writes. Same contract as pwrite. Empty: ::pwrite.
  std::function<ssize_t(int fd, const void* data, std::size_t len, off_t offset)> write_fn;
};

namespace internal {

struct Segment {
  uint64_t number = 0;  // the file name
  int fd = -1;
  uint64_t size = 0;          // bytes, including the unflushed buffer of the active segment
  uint64_t header_bytes = 0;  // size of the leading SeqState record (0 if none)
  uint64_t live_msgs = 0;
  uint64_t live_bytes = 0;  // frame bytes of live messages
  uint64_t msg_bytes = 0;   // frame bytes of every message record in the file, live or not
  uint64_t min_seq = 0;     // range of the message records in the file (0: none)
  uint64_t max_seq = 0;
  bool dirty = false;  // written since the last fdatasync
};

struct FileLoc {
  Segment* seg = nullptr;
  uint32_t offset = 0;  // of the frame in the segment
  uint32_t len = 0;     // frame bytes
};

}  // namespace internal

class FileStore final : public internal::IndexedStore<internal::FileLoc> {
 public:
  // Opens (or creates) the store in options.dir, verifying every record. Repairs what it must
  // (torn tails, corrupt records) and describes it in *report when given.
  static Result<std::unique_ptr<FileStore>> open(FileStoreOptions options,
                                                 const StoreLimits& limits,
                                                 RecoveryReport* report = nullptr);
  ~FileStore() override;

  Result<void> flush() override;
  Result<void> sync() override;
  // Flushes and returns dup()ed descriptors of every file written since the last call; the
  // caller fdatasyncs and closes them (see StreamStore). A failed fdatasync there is logged by
  // the caller; this store does not learn of it (unlike a failed sync()).
  Result<std::vector<int>> flush_for_sync() override;
  Result<uint64_t> compact() override;
  uint64_t storage_bytes() const override;
  Result<void> close() override;
  Result<void> destroy() override;

  // Segment files in use (diagnostics and tests).
  std::size_t segment_count() const noexcept { return segments_.size(); }

 protected:
  Result<internal::FileLoc> append_msg(uint64_t seq, int64_t ts_ns, std::string_view subject,
                                       std::string_view headers, std::string_view payload) override;
  Result<StoredMsg> read_msg(uint64_t seq, const SlotT& slot) const override;
  Result<void> erase_msg(uint64_t seq, SlotT& slot) override;
  void msg_removed(uint64_t seq, SlotT& slot) override;
  void changes_done() override;
  void seq_skipped() override;
  Result<void> remove_all() override;
  Result<void> check_writable() const override;

 private:
  FileStore(FileStoreOptions options, const StoreLimits& limits);

  Result<void> recover(RecoveryReport& report);
  Result<void> recover_segment(uint64_t number, RecoveryReport& report);

  internal::Segment* active() const noexcept { return segments_.back().get(); }
  std::string segment_path(uint64_t number) const;
  Result<void> write_all(int fd, const char* data, std::size_t len, uint64_t offset,
                         const std::string& path);
  Result<void> read_range(const internal::Segment& seg, uint64_t offset, std::size_t len,
                          std::string& out) const;
  Result<void> flush_buffer();
  Result<int> create_file(const std::string& path);
  // Starts a new segment (after flushing the current one) with a SeqState header.
  Result<void> roll();
  void doom_front_segments();
  void doom(std::unique_ptr<internal::Segment> seg);
  void unlink_doomed();
  Result<void> sync_dir();
  // Rewrites segments_[index] without its removed records. Sets `dropped` when the segment
  // was removed instead. Returns the bytes reclaimed.
  Result<uint64_t> rewrite_segment(std::size_t index, bool& dropped);
  bool tombstone_needed(uint64_t seq, std::size_t before_index) const;
  void close_files() noexcept;

  FileStoreOptions opts_;
  std::string msgs_dir_;
  int dir_fd_ = -1;
  std::deque<std::unique_ptr<internal::Segment>> segments_;  // by number; back() is active
  std::vector<uint64_t> doomed_;  // segment files to unlink at the next sync
  std::string buf_;               // unflushed tail of the active segment
  uint64_t buf_base_ = 0;         // offset of buf_[0] in the active segment
  bool dir_dirty_ = false;        // segment files created/removed since the last dir fsync
  bool recovering_ = false;
  bool floor_pending_ = false;     // front removals not yet covered by a SeqState in buf_
  std::vector<uint64_t> removed_;  // removed by the current call, persisted by changes_done()
  mutable std::string read_buf_;
  // Copy of the active segment's most recently flushed bytes [read_cache_base_, +size): reads of
  // recent messages skip pread. Dropped whenever offsets in the active segment change.
  static constexpr std::size_t kReadCacheBytes = 8u << 20;
  mutable std::string read_cache_;
  mutable uint64_t read_cache_base_ = 0;
  // The last read-ahead block of a segment read from disk: [read_ahead_base_, +size) of segment
  // number read_ahead_segment_ (0: none). Dropped with the cache above.
  static constexpr std::size_t kReadAheadBytes = 256u << 10;
  mutable std::string read_ahead_;
  mutable uint64_t read_ahead_segment_ = 0;
  mutable uint64_t read_ahead_base_ = 0;
  void drop_read_cache() const;
  std::error_code failed_;  // sticky: an fsync failed, so what is on disk is unknown
};

}  // namespace quiver::server::jetstream
