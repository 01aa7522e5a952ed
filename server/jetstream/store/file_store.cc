#include "server/jetstream/store/file_store.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include "common/log.h"
#include "server/jetstream/store/wire.h"

#include <sys/stat.h>

namespace quiver::server::jetstream {

using internal::FileLoc;
using internal::Frame;
using internal::FrameStatus;
using internal::Record;
using internal::RecordKind;
using internal::Segment;

namespace {

constexpr uint64_t kMaxSegmentBytes = 1ull << 30;  // keeps message offsets in 32 bits
constexpr std::size_t kSegmentNameDigits = 20;
constexpr std::string_view kSegmentSuffix = ".seg";
constexpr std::string_view kTmpSuffix = ".tmp";

std::error_code io_error(int err, std::string_view what, std::string_view path) {
  QV_LOG_ERROR("JetStream store: ", what, " ", path, ": ", std::system_category().message(err));
  return make_error_code(err == ENOSPC || err == EDQUOT ? StoreErrc::kNoSpace : StoreErrc::kIo);
}

std::error_code corrupt(std::string_view path, uint64_t seq) {
  QV_LOG_ERROR("JetStream store: record of sequence ", seq, " in ", path,
               " failed its checksum; not served");
  return make_error_code(StoreErrc::kCorrupt);
}

int open_dir(const std::string& path) {
  return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

bool parse_segment_name(std::string_view name, uint64_t& number) {
  if (name.size() != kSegmentNameDigits + kSegmentSuffix.size() ||
      name.substr(kSegmentNameDigits) != kSegmentSuffix) {
    return false;
  }
  number = 0;
  for (std::size_t i = 0; i < kSegmentNameDigits; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (number > (UINT64_MAX - digit) / 10) return false;
    number = number * 10 + digit;
  }
  return number != 0;
}

// Reads [offset, offset + len) of a file with pread.
bool pread_all(int fd, char* out, std::size_t len, uint64_t offset, int& err) {
  std::size_t done = 0;
  while (done < len) {
    const ssize_t n = ::pread(fd, out + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    if (n == 0) {
      err = EIO;  // the file is shorter than the index says
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The outcome of scanning a segment's bytes (docs/storage.md, "Recovery").
struct ScanOutcome {
  uint64_t valid_end = 0;        // bytes up to here are kept; the rest is cut off
  uint64_t corrupt_records = 0;  // records skipped or cut off because they failed a check
  bool torn_tail = false;        // cut off an incomplete final record
};

bool valid_record_at(std::string_view data, std::size_t pos) {
  const Frame f = internal::check_frame(data, pos);
  Record r;
  return f.status == FrameStatus::kOk && internal::decode_record(f.body, r);
}

// Calls on_record(pos, frame_size, record) for every valid record. A record that fails its
// checksum (or does not decode) is skipped when its length is trustworthy, i.e. a valid record
// follows it; otherwise everything from it on is cut off. An incomplete final record is a torn
// write and is cut off too.
template <class F>
ScanOutcome scan_segment(std::string_view data, F&& on_record) {
  ScanOutcome out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const Frame f = internal::check_frame(data, pos);
    Record r;
    if (f.status == FrameStatus::kOk && internal::decode_record(f.body, r)) {
      on_record(pos, f.size, r);
      pos += f.size;
      continue;
    }
    if (f.status == FrameStatus::kTruncated) {
      out.torn_tail = true;
      break;
    }
    if (f.status != FrameStatus::kBadLength) {
      const std::size_t end = pos + f.size;
      if (end == data.size()) {  // the last write of the file was torn
        out.torn_tail = true;
        break;
      }
      if (valid_record_at(data, end)) {
        ++out.corrupt_records;
        pos = end;
        continue;
      }
    }
    ++out.corrupt_records;  // the length cannot be trusted: nothing after it can be framed
    break;
  }
  out.valid_end = pos;
  return out;
}

}  // namespace

FileStore::FileStore(FileStoreOptions options, const StoreLimits& limits)
    : IndexedStore(limits), opts_(std::move(options)) {
  opts_.segment_bytes = std::clamp<uint64_t>(opts_.segment_bytes, 1, kMaxSegmentBytes);
  if (!opts_.write_fn) opts_.write_fn = ::pwrite;
  msgs_dir_ = opts_.dir + "/msgs";
}

FileStore::~FileStore() {
  if (!closed_) {
    if (!segments_.empty()) (void)flush_buffer();  // best effort: stored data reaches the OS
    close_files();
  }
}

Result<std::unique_ptr<FileStore>> FileStore::open(FileStoreOptions options,
                                                   const StoreLimits& limits,
                                                   RecoveryReport* report) {
  RecoveryReport local;
  RecoveryReport& rep = report != nullptr ? *report : local;
  rep = RecoveryReport{};
  std::unique_ptr<FileStore> store(new FileStore(std::move(options), limits));
  std::error_code ec;
  if (std::filesystem::create_directories(store->msgs_dir_, ec)) {
    // A new msgs/ directory must survive a crash along with the segments created in it.
    const int parent = open_dir(store->opts_.dir);
    const bool synced = parent >= 0 && ::fsync(parent) == 0;
    const int err = errno;
    if (parent >= 0) ::close(parent);
    if (!synced) return io_error(err, "cannot fsync", store->opts_.dir);
  }
  if (ec) return io_error(ec.value(), "cannot create", store->msgs_dir_);
  store->dir_fd_ = open_dir(store->msgs_dir_);
  if (store->dir_fd_ < 0) return io_error(errno, "cannot open", store->msgs_dir_);
  QV_TRY(store->recover(rep));
  return store;
}

std::string FileStore::segment_path(uint64_t number) const {
  char name[kSegmentNameDigits + 1];
  std::snprintf(name, sizeof name, "%020" PRIu64, number);
  return msgs_dir_ + "/" + name + std::string(kSegmentSuffix);
}

Result<void> FileStore::recover(RecoveryReport& report) {
  std::vector<uint64_t> numbers;
  DIR* d = ::opendir(msgs_dir_.c_str());
  if (d == nullptr) return io_error(errno, "cannot list", msgs_dir_);
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    uint64_t number;
    if (parse_segment_name(name, number)) {
      numbers.push_back(number);
    } else if (name.ends_with(kTmpSuffix)) {
      // An interrupted compaction: the original segment is intact.
      const std::string path = msgs_dir_ + "/" + std::string(name);
      ::unlink(path.c_str());
      report.notes.push_back("removed " + path + " left by an interrupted compaction");
    }
  }
  ::closedir(d);
  std::sort(numbers.begin(), numbers.end());

  recovering_ = true;
  for (uint64_t number : numbers) {
    QV_TRY(recover_segment(number, report));
  }
  recovering_ = false;
  recover_finish();

  if (segments_.empty()) {
    const uint64_t number = std::max<uint64_t>(1, last_seq() + 1);
    QV_TRY(int fd, create_file(segment_path(number)));
    auto seg = std::make_unique<Segment>();
    seg->number = number;
    seg->fd = fd;
    segments_.push_back(std::move(seg));
    buf_base_ = 0;
    drop_read_cache();
    const std::size_t n =
        internal::append_seq_state_frame(buf_, last_seq(), first_seq(), last_ts());
    active()->size = active()->header_bytes = n;
    active()->dirty = true;
  } else {
    buf_base_ = active()->size;
  }
  drop_read_cache();
  buf_.reserve(opts_.write_buffer_bytes + 4096);
  doom_front_segments();
  // Limits may have shrunk while the store was closed (not max_age: the engine's clock does).
  enforce_limits(/*notify=*/false);
  changes_done();
  return success();
}

Result<void> FileStore::recover_segment(uint64_t number, RecoveryReport& report) {
  const std::string path = segment_path(number);
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "cannot open", path);
  auto owned = std::make_unique<Segment>();
  Segment* seg = owned.get();
  seg->number = number;
  seg->fd = fd;
  segments_.push_back(std::move(owned));  // before indexing: FileLocs point at it

  struct stat st;
  if (::fstat(fd, &st) != 0) return io_error(errno, "cannot stat", path);
  const auto file_size = static_cast<uint64_t>(st.st_size);
  std::string data(file_size, '\0');
  int err = 0;
  if (!pread_all(fd, data.data(), data.size(), 0, err)) return io_error(err, "cannot read", path);

  uint64_t floor = 0;
  uint64_t skipped = 0;
  const ScanOutcome scan =
      scan_segment(data, [&](std::size_t pos, std::size_t size, const Record& r) {
        switch (r.kind) {
          case RecordKind::kMsg: {
            seg->msg_bytes += size;
            if (seg->min_seq == 0) seg->min_seq = r.seq;
            seg->max_seq = std::max(seg->max_seq, r.seq);
            if (r.seq < floor || pos > UINT32_MAX) {
              ++skipped;
              break;
            }
            const FileLoc loc{seg, static_cast<uint32_t>(pos), static_cast<uint32_t>(size)};
            if (recover_msg(r.seq, r.ts_ns, r.subject, msg_size(r.subject, r.headers, r.payload),
                            loc)) {
              ++seg->live_msgs;
              seg->live_bytes += size;
            } else {
              ++skipped;
            }
            break;
          }
          case RecordKind::kTombstone:
            recover_remove(r.seq);
            break;
          case RecordKind::kErased:
            seg->msg_bytes += size;  // what was a message record: dead bytes for compaction
            recover_remove(r.seq);
            recover_last_seq(r.seq);
            break;
          case RecordKind::kSeqState:
            if (pos == 0) seg->header_bytes = size;
            floor = std::max(floor, r.first_seq);
            recover_seq_state(r.last_seq, r.first_seq, r.last_ts_ns);
            break;
        }
      });
  ++report.segments_scanned;
  report.corrupt_records += scan.corrupt_records;
  if (skipped > 0) {
    report.notes.push_back(path + ": ignored " + std::to_string(skipped) +
                           " message record(s) out of sequence order");
  }
  if (scan.valid_end < file_size) {
    const uint64_t cut = file_size - scan.valid_end;
    if (::ftruncate(fd, static_cast<off_t>(scan.valid_end)) != 0 || ::fdatasync(fd) != 0) {
      return io_error(errno, "cannot truncate", path);
    }
    report.truncated_bytes += cut;
    report.notes.push_back(path + ": cut off " + std::to_string(cut) + " byte(s) at offset " +
                           std::to_string(scan.valid_end) +
                           (scan.torn_tail ? " (incomplete last record)"
                                           : " (corrupt record with untrustworthy length)"));
  }
  if (scan.corrupt_records > 0) {
    report.notes.push_back(path + ": " + std::to_string(scan.corrupt_records) +
                           " record(s) failed their checksum and are not served");
  }
  seg->size = scan.valid_end;
  return success();
}

Result<int> FileStore::create_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(errno, "cannot create", path);
  dir_dirty_ = true;
  return fd;
}

Result<void> FileStore::write_all(int fd, const char* data, std::size_t len, uint64_t offset,
                                  const std::string& path) {
  std::size_t done = 0;
  while (done < len) {
    const ssize_t n =
        opts_.write_fn(fd, data + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(errno, "cannot write", path);
    }
    if (n == 0) return io_error(EIO, "cannot write", path);
    done += static_cast<std::size_t>(n);
  }
  return success();
}

Result<void> FileStore::flush_buffer() {
  Segment* seg = active();
  if (floor_pending_) {
    seg->size += internal::append_seq_state_frame(buf_, last_seq(), first_seq(), last_ts());
    seg->dirty = true;
    floor_pending_ = false;
  }
  if (buf_.empty()) return success();
  std::size_t done = 0;
  std::error_code ec;
  while (done < buf_.size()) {
    const ssize_t n = opts_.write_fn(seg->fd, buf_.data() + done, buf_.size() - done,
                                     static_cast<off_t>(buf_base_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ec = io_error(n < 0 ? errno : EIO, "cannot write", segment_path(seg->number));
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  // Recently written records stay readable without a system call: consumers usually read what
  // was just stored.
  if (done > 0) {
    if (read_cache_.empty() || read_cache_base_ + read_cache_.size() != buf_base_) {
      read_cache_.clear();
      read_cache_base_ = buf_base_;
    }
    if (read_cache_.size() + done > kReadCacheBytes) {
      const std::size_t drop =
          std::min(read_cache_.size(), read_cache_.size() + done - kReadCacheBytes / 2);
      read_cache_.erase(0, drop);
      read_cache_base_ += drop;
    }
    if (done <= kReadCacheBytes) read_cache_.append(buf_.data(), done);
    if (read_cache_.empty()) read_cache_base_ = buf_base_ + done;
  }
  // Whatever reached the file stays there; the rest is retried from exactly where it stopped.
  buf_.erase(0, done);
  buf_base_ += done;
  if (ec) return ec;
  return success();
}

void FileStore::drop_read_cache() const {
  read_cache_.clear();
  read_cache_base_ = buf_base_;
  read_ahead_.clear();
  read_ahead_segment_ = 0;
}

Result<void> FileStore::read_range(const Segment& seg, uint64_t offset, std::size_t len,
                                   std::string& out) const {
  out.resize(len);
  const bool is_active = &seg == active();
  const uint64_t disk_end = is_active ? buf_base_ : seg.size;
  std::size_t done = 0;
  if (is_active && offset >= read_cache_base_ && offset < read_cache_base_ + read_cache_.size()) {
    done = static_cast<std::size_t>(
        std::min<uint64_t>(len, read_cache_base_ + read_cache_.size() - offset));
    std::memcpy(out.data(), read_cache_.data() + (offset - read_cache_base_), done);
  } else if (offset < disk_end) {
    done = static_cast<std::size_t>(std::min<uint64_t>(len, disk_end - offset));
    const bool cached = read_ahead_segment_ == seg.number && offset >= read_ahead_base_ &&
                        offset + done <= read_ahead_base_ + read_ahead_.size();
    if (!cached) {
      // Consumers read forward: one pread brings the next records too.
      const auto want = static_cast<std::size_t>(
          std::min<uint64_t>(disk_end - offset, std::max<uint64_t>(done, kReadAheadBytes)));
      read_ahead_.resize(want);
      int err = 0;
      if (!pread_all(seg.fd, read_ahead_.data(), want, offset, err)) {
        read_ahead_.clear();
        read_ahead_segment_ = 0;
        return io_error(err, "cannot read", segment_path(seg.number));
      }
      read_ahead_segment_ = seg.number;
      read_ahead_base_ = offset;
    }
    std::memcpy(out.data(), read_ahead_.data() + (offset - read_ahead_base_), done);
  }
  if (done < len) {
    QV_CHECK(is_active && offset + done >= buf_base_ && offset + len <= buf_base_ + buf_.size(),
             "read past the end of a segment");
    std::memcpy(out.data() + done, buf_.data() + (offset + done - buf_base_), len - done);
  }
  return success();
}

Result<void> FileStore::check_writable() const {
  QV_TRY(check_open());
  if (failed_) return failed_;
  return success();
}

Result<FileLoc> FileStore::append_msg(uint64_t seq, int64_t ts_ns, std::string_view subject,
                                      std::string_view headers, std::string_view payload) {
  const internal::MsgFields m{seq, ts_ns, subject, headers, payload};
  const std::size_t frame = internal::msg_frame_size(m);
  if (frame - internal::kFrameHeaderBytes > internal::kMaxBodyBytes) {
    return make_error_code(StoreErrc::kMsgTooBig);
  }
  Segment* seg = active();
  if (seg->size > seg->header_bytes && seg->size + frame > opts_.segment_bytes) {
    QV_TRY(roll());
    seg = active();
  } else if (buf_.size() >= opts_.write_buffer_bytes) {
    QV_TRY(flush_buffer());
  }
  const uint64_t offset = seg->size;
  internal::append_msg_frame(buf_, m);
  seg->size += frame;
  seg->dirty = true;
  ++seg->live_msgs;
  seg->live_bytes += frame;
  seg->msg_bytes += frame;
  if (seg->min_seq == 0) seg->min_seq = seq;
  seg->max_seq = seq;
  return FileLoc{seg, static_cast<uint32_t>(offset), static_cast<uint32_t>(frame)};
}

Result<void> FileStore::roll() {
  QV_TRY(flush_buffer());
  const uint64_t number = std::max(last_seq() + 1, active()->number + 1);
  QV_TRY(int fd, create_file(segment_path(number)));
  auto seg = std::make_unique<Segment>();
  seg->number = number;
  seg->fd = fd;
  segments_.push_back(std::move(seg));  // the previous one stays dirty until the next sync
  buf_base_ = 0;
  drop_read_cache();
  // The header carries the sequence state, so older segments can be deleted without losing it.
  const std::size_t n = internal::append_seq_state_frame(buf_, last_seq(), first_seq(), last_ts());
  active()->size = active()->header_bytes = n;
  active()->dirty = true;
  return success();
}

Result<StoredMsg> FileStore::read_msg(uint64_t seq, const SlotT& slot) const {
  const FileLoc& loc = slot.loc;
  QV_TRY(read_range(*loc.seg, loc.offset, loc.len, read_buf_));
  const Frame f = internal::check_frame(read_buf_, 0);
  Record r;
  if (f.status != FrameStatus::kOk || f.size != loc.len || !internal::decode_record(f.body, r) ||
      r.kind != RecordKind::kMsg || r.seq != seq) {
    return corrupt(segment_path(loc.seg->number), seq);
  }
  StoredMsg m;
  m.seq = seq;
  m.ts_ns = r.ts_ns;
  m.subject.assign(r.subject);
  m.headers.assign(r.headers);
  m.payload.assign(r.payload);
  return m;
}

Result<void> FileStore::erase_msg(uint64_t seq, SlotT& slot) {
  const FileLoc& loc = slot.loc;
  std::string frame(loc.len, '\0');
  internal::write_erased_frame(frame.data(), frame.size(), seq);
  const bool is_active = loc.seg == active();
  const uint64_t disk_end = is_active ? buf_base_ : loc.seg->size;
  std::size_t on_disk = 0;
  if (loc.offset < disk_end) {
    on_disk = static_cast<std::size_t>(std::min<uint64_t>(loc.len, disk_end - loc.offset));
    QV_TRY(
        write_all(loc.seg->fd, frame.data(), on_disk, loc.offset, segment_path(loc.seg->number)));
    if (is_active) drop_read_cache();  // the cached copy would still hold the erased bytes
  }
  if (on_disk < loc.len) {
    std::memcpy(buf_.data() + (loc.offset + on_disk - buf_base_), frame.data() + on_disk,
                loc.len - on_disk);
  }
  loc.seg->dirty = true;
  if (seq == last_seq()) {
    // The erased record keeps the sequence but not the time: keep last_ts in a SeqState.
    active()->size += internal::append_seq_state_frame(buf_, last_seq(), first_seq(), last_ts());
    active()->dirty = true;
  }
  return success();
}

void FileStore::msg_removed(uint64_t seq, SlotT& slot) {
  Segment* seg = slot.loc.seg;
  --seg->live_msgs;
  seg->live_bytes -= slot.loc.len;
  if (!recovering_) removed_.push_back(seq);
}

void FileStore::changes_done() {
  if (removed_.empty()) return;
  // Removals below the new first sequence are covered by a SeqState (its first_seq says
  // nothing below is live); the others need a tombstone each.
  const uint64_t floor = first_seq();
  bool below_floor = false;
  Segment* seg = active();
  for (uint64_t seq : removed_) {
    if (seq >= floor) {
      seg->size += internal::append_tombstone_frame(buf_, seq);
    } else {
      below_floor = true;
    }
  }
  // The SeqState goes out once per flush, not once per call: a stream at its max_msgs limit
  // removes one message per store.
  if (below_floor) floor_pending_ = true;
  seg->dirty = true;
  removed_.clear();
  doom_front_segments();
}

void FileStore::seq_skipped() {
  Segment* seg = active();
  seg->size += internal::append_seq_state_frame(buf_, last_seq(), first_seq(), last_ts());
  seg->dirty = true;
}

void FileStore::doom_front_segments() {
  // A leading segment without live messages holds nothing anyone needs: its tombstones can
  // only refer to itself, and the next segment's header has newer sequence state.
  while (segments_.size() > 1 && segments_.front()->live_msgs == 0) {
    doom(std::move(segments_.front()));
    segments_.pop_front();
  }
}

void FileStore::doom(std::unique_ptr<Segment> seg) {
  // Unlinked only at the next sync, once the records that made it useless are durable.
  ::close(seg->fd);
  doomed_.push_back(seg->number);
}

void FileStore::unlink_doomed() {
  for (uint64_t number : doomed_) {
    const std::string path = segment_path(number);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      (void)io_error(errno, "cannot remove", path);  // harmless: recovery skips its content
    }
    dir_dirty_ = true;
  }
  doomed_.clear();
}

Result<void> FileStore::sync_dir() {
  if (!dir_dirty_) return success();
  if (::fsync(dir_fd_) != 0) {
    failed_ = io_error(errno, "cannot fsync", msgs_dir_);
    return failed_;
  }
  dir_dirty_ = false;
  return success();
}

Result<void> FileStore::remove_all() {
  // A fresh segment whose header says "nothing below last_seq + 1 is live" is made durable
  // before the old files go, so a crash in between cannot bring anything back or lose last_seq.
  const uint64_t number = std::max(last_seq() + 1, active()->number + 1);
  const std::string path = segment_path(number);
  QV_TRY(int fd, create_file(path));
  std::string header;
  internal::append_seq_state_frame(header, last_seq(), last_seq() + 1, last_ts());
  auto written = write_all(fd, header.data(), header.size(), 0, path);
  if (written && ::fdatasync(fd) != 0) written = io_error(errno, "cannot fdatasync", path);
  if (written) written = sync_dir();
  if (!written) {
    ::close(fd);
    ::unlink(path.c_str());
    return written.error();
  }
  buf_.clear();  // only records about messages that are now all gone
  drop_read_cache();
  floor_pending_ = false;
  while (!segments_.empty()) {
    doom(std::move(segments_.front()));
    segments_.pop_front();
  }
  auto seg = std::make_unique<Segment>();
  seg->number = number;
  seg->fd = fd;
  seg->size = seg->header_bytes = header.size();
  segments_.push_back(std::move(seg));
  buf_base_ = header.size();
  removed_.clear();
  unlink_doomed();
  return success();
}

Result<void> FileStore::flush() {
  QV_TRY(check_writable());
  return flush_buffer();
}

Result<void> FileStore::sync() {
  QV_TRY(check_writable());
  QV_TRY(flush_buffer());
  for (const auto& seg : segments_) {
    if (!seg->dirty) continue;
    if (::fdatasync(seg->fd) != 0) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written
      // since the last good sync can be trusted, so the store refuses further writes.
      failed_ = io_error(errno, "cannot fdatasync", segment_path(seg->number));
      return failed_;
    }
    seg->dirty = false;
  }
  unlink_doomed();
  return sync_dir();
}

Result<std::vector<int>> FileStore::flush_for_sync() {
  QV_TRY(check_writable());
  QV_TRY(flush_buffer());
  // Files of fully removed segments may go now: they hold nothing live, so losing the unlink
  // in a crash only brings back records that recovery skips.
  unlink_doomed();
  std::vector<int> fds;
  auto fail = [&fds](std::error_code ec) {
    for (int fd : fds) ::close(fd);
    return ec;
  };
  if (dir_dirty_) {
    const int fd = ::dup(dir_fd_);
    if (fd < 0) return fail(io_error(errno, "cannot dup", msgs_dir_));
    fds.push_back(fd);
    dir_dirty_ = false;
  }
  for (const auto& seg : segments_) {
    if (!seg->dirty) continue;
    const int fd = ::dup(seg->fd);
    if (fd < 0) return fail(io_error(errno, "cannot dup", segment_path(seg->number)));
    fds.push_back(fd);
    seg->dirty = false;
  }
  return fds;
}

bool FileStore::tombstone_needed(uint64_t seq, std::size_t before_index) const {
  for (std::size_t i = 0; i < before_index; ++i) {
    const Segment& s = *segments_[i];
    if (s.min_seq != 0 && s.min_seq <= seq && seq <= s.max_seq) return true;
  }
  return false;
}

Result<uint64_t> FileStore::rewrite_segment(std::size_t index, bool& dropped) {
  dropped = false;
  Segment* seg = segments_[index].get();
  const bool is_active = index + 1 == segments_.size();
  const std::string path = segment_path(seg->number);
  std::string data;
  QV_TRY(read_range(*seg, 0, static_cast<std::size_t>(seg->size), data));

  std::string out;
  internal::append_seq_state_frame(out, last_seq(), first_seq(), last_ts());
  const uint64_t header = out.size();
  std::vector<std::pair<uint64_t, uint32_t>> moved;  // seq, new offset
  uint64_t min_seq = 0, max_seq = 0;
  bool kept_tombstones = false;
  scan_segment(data, [&](std::size_t pos, std::size_t size, const Record& r) {
    if (r.kind == RecordKind::kMsg) {
      const SlotT* s = live_slot(r.seq);
      if (s != nullptr && s->loc.seg == seg && s->loc.offset == pos) {
        moved.emplace_back(r.seq, static_cast<uint32_t>(out.size()));
        out.append(data, pos, size);
        if (min_seq == 0) min_seq = r.seq;
        max_seq = r.seq;
      }
    } else if (r.kind == RecordKind::kTombstone || r.kind == RecordKind::kErased) {
      // Needed only while the message it removes may still be in an older file.
      if (tombstone_needed(r.seq, index)) {
        internal::append_tombstone_frame(out, r.seq);
        kept_tombstones = true;
      }
    }
    // SeqState records are superseded by the new header.
  });

  const uint64_t old_size = seg->size;
  if (!is_active && moved.empty() && !kept_tombstones) {
    // Gone for good before any later rewrite drops tombstones that its messages needed.
    if (::unlink(path.c_str()) != 0) return io_error(errno, "cannot remove", path);
    ::close(seg->fd);
    segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(index));
    dir_dirty_ = true;
    QV_TRY(sync_dir());
    dropped = true;
    return old_size;
  }
  if (out.size() >= old_size) return uint64_t{0};

  // Write aside, make durable, then atomically replace: a crash leaves one complete version.
  const std::string tmp = path + std::string(kTmpSuffix);
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(errno, "cannot create", tmp);
  auto written = write_all(fd, out.data(), out.size(), 0, tmp);
  if (written && ::fdatasync(fd) != 0) written = io_error(errno, "cannot fdatasync", tmp);
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0) {
    written = io_error(errno, "cannot rename", tmp);
  }
  if (!written) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return written.error();
  }
  ::close(seg->fd);
  seg->fd = fd;
  dir_dirty_ = true;
  for (const auto& [seq, offset] : moved) live_slot(seq)->loc.offset = offset;
  seg->size = out.size();
  seg->header_bytes = header;
  seg->msg_bytes = seg->live_bytes;
  seg->min_seq = min_seq;
  seg->max_seq = max_seq;
  seg->dirty = false;
  if (is_active) buf_base_ = seg->size;
  drop_read_cache();  // offsets changed
  QV_TRY(sync_dir());
  return old_size - out.size();
}

Result<uint64_t> FileStore::compact() {
  // Durable tombstones and no pending unlinks first: only then may a rewrite drop tombstones.
  QV_TRY(sync());
  uint64_t reclaimed = 0;
  for (std::size_t i = 0; i < segments_.size();) {
    const Segment& seg = *segments_[i];
    // Rewrite when removed messages are more than half of the file.
    if ((seg.msg_bytes - seg.live_bytes) * 2 <= seg.size) {
      ++i;
      continue;
    }
    bool dropped = false;
    QV_TRY(auto n, rewrite_segment(i, dropped));
    reclaimed += n;
    if (!dropped) ++i;
  }
  return reclaimed;
}

uint64_t FileStore::storage_bytes() const {
  uint64_t total = 0;
  for (const auto& seg : segments_) total += seg->size;
  return total;
}

void FileStore::close_files() noexcept {
  for (const auto& seg : segments_) {
    if (seg->fd >= 0) ::close(seg->fd);
    seg->fd = -1;
  }
  if (dir_fd_ >= 0) ::close(dir_fd_);
  dir_fd_ = -1;
}

Result<void> FileStore::close() {
  QV_TRY(check_open());
  auto synced = failed_ ? Result<void>(failed_) : sync();
  close_files();
  closed_ = true;
  clear_index();
  segments_.clear();
  return synced;
}

Result<void> FileStore::destroy() {
  if (!closed_) close_files();
  closed_ = true;
  clear_index();
  segments_.clear();
  buf_.clear();
  drop_read_cache();
  std::error_code ec;
  std::filesystem::remove_all(msgs_dir_, ec);
  if (ec) return io_error(ec.value(), "cannot remove", msgs_dir_);
  // The stream directory goes too unless the engine keeps other files in it.
  std::filesystem::remove(opts_.dir, ec);
  return success();
}

}  // namespace quiver::server::jetstream
