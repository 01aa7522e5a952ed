// FileStore only: on-disk layout, buffering, recovery from torn and corrupt files, compaction,
// segment rolling and deletion, ENOSPC handling, secure erase.
#include "server/jetstream/store/file_store.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "server/jetstream/store/store_test_util.h"
#include "server/jetstream/store/wire.h"

namespace quiver::server::jetstream {
namespace {

using testing::file_size;
using testing::fresh_dir;

std::vector<std::string> segment_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/msgs")) {
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

std::unique_ptr<FileStore> open_store(const FileStoreOptions& o, RecoveryReport* report = nullptr,
                                      const StoreLimits& limits = {}) {
  auto r = FileStore::open(o, limits, report);
  EXPECT_TRUE(r) << r.error().message();
  return r ? std::move(r).value() : nullptr;
}

FileStoreOptions options(const std::string& dir, uint64_t segment_bytes = 8 << 20) {
  FileStoreOptions o;
  o.dir = dir;
  o.segment_bytes = segment_bytes;
  return o;
}

std::string payload_of(uint64_t i) { return "payload-" + std::to_string(i); }

// Offsets of the frames in a segment file, in order.
std::vector<std::size_t> frame_offsets(const std::string& data) {
  std::vector<std::size_t> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const auto f = internal::check_frame(data, pos);
    if (f.status != internal::FrameStatus::kOk) break;
    out.push_back(pos);
    pos += f.size;
  }
  return out;
}

TEST(FileStoreTest, LayoutAndSegmentNames) {
  const std::string dir = fresh_dir("layout");
  auto s = open_store(options(dir, 300));
  ASSERT_TRUE(s);
  for (uint64_t i = 1; i <= 30; ++i) ASSERT_TRUE(s->store("orders.x", "", payload_of(i), 0));
  ASSERT_TRUE(s->sync());
  const auto files = segment_files(dir);
  ASSERT_GT(files.size(), 3u);
  EXPECT_EQ(files.size(), s->segment_count());
  EXPECT_EQ(std::filesystem::path(files[0]).filename(), "00000000000000000001.seg");
  // Each segment is named after the first sequence it holds, and starts with a SeqState.
  for (const std::string& path : files) {
    const std::string data = read_file(path);
    const auto offsets = frame_offsets(data);
    ASSERT_GE(offsets.size(), 2u) << path;
    internal::Record header, first;
    const auto f0 = internal::check_frame(data, offsets[0]);
    const auto f1 = internal::check_frame(data, offsets[1]);
    ASSERT_TRUE(internal::decode_record(f0.body, header));
    ASSERT_TRUE(internal::decode_record(f1.body, first));
    EXPECT_EQ(header.kind, internal::RecordKind::kSeqState);
    EXPECT_EQ(first.kind, internal::RecordKind::kMsg);
    EXPECT_EQ(std::filesystem::path(path).stem().string(),
              std::string(20 - std::to_string(first.seq).size(), '0') + std::to_string(first.seq));
    EXPECT_LE(data.size(), 300u);
  }
}

TEST(FileStoreTest, WritesAreBufferedUntilFlush) {
  const std::string dir = fresh_dir("buffer");
  auto s = open_store(options(dir));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->flush());
  const std::string seg = segment_files(dir).at(0);
  const uint64_t empty = file_size(seg);
  ASSERT_TRUE(s->store("a", "", "hello", 1));
  EXPECT_EQ(file_size(seg), empty);                // not written yet
  EXPECT_EQ(s->load(1).value().payload, "hello");  // but loadable
  ASSERT_TRUE(s->flush());
  EXPECT_GT(file_size(seg), empty);
  EXPECT_EQ(s->storage_bytes(), file_size(seg));
  ASSERT_TRUE(s->store("a", "", "world", 2));
  ASSERT_TRUE(s->sync());
  EXPECT_EQ(s->storage_bytes(), file_size(seg));
}

TEST(FileStoreTest, ReopenPreservesEverythingAndReportsClean) {
  const std::string dir = fresh_dir("reopen");
  StoreLimits limits;
  limits.max_msgs_per_subject = 2;
  {
    auto s = open_store(options(dir, 512), nullptr, limits);
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 40; ++i) {
      ASSERT_TRUE(s->store(i % 3 ? "kv.a" : "kv.b." + std::to_string(i), "NATS/1.0\r\n\r\n",
                           payload_of(i), static_cast<int64_t>(i * 10)));
    }
    ASSERT_TRUE(s->remove(39));
    ASSERT_TRUE(s->skip_to(45));
    ASSERT_TRUE(s->close());
  }
  RecoveryReport report;
  auto s = open_store(options(dir, 512), &report, limits);
  ASSERT_TRUE(s);
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(report.segments_scanned, segment_files(dir).size());
  EXPECT_TRUE(report.notes.empty());
  const StoreState st = s->state();
  EXPECT_EQ(st.last_seq, 45u);
  EXPECT_EQ(st.last_ts_ns, 400);
  EXPECT_EQ(st.msgs, 14u);  // kv.b.3 .. kv.b.36 (kv.b.39 removed) and the last two kv.a
  EXPECT_EQ(s->load_last("kv.a").value().seq, 40u);
  EXPECT_EQ(s->load_next("kv.a", 0).value().seq, 38u);
  EXPECT_EQ(s->load(39).error(), StoreErrc::kDeleted);
  EXPECT_EQ(s->load(40).value().headers, "NATS/1.0\r\n\r\n");
  EXPECT_EQ(s->load(40).value().ts_ns, 400);
  EXPECT_EQ(s->subjects_state("kv.a"),
            (std::vector<std::pair<std::string, uint64_t>>{{"kv.a", 2}}));
  EXPECT_EQ(s->store("x", "", "", 0).value(), 46u);
}

// Cuts the file inside its last record at every byte offset: recovery keeps every earlier
// record, reports exactly the bytes it cut, and the store carries on from there.
TEST(FileStoreTest, TruncatedLastRecordAtEveryOffset) {
  const std::string dir = fresh_dir("torn");
  uint64_t good_size = 0;
  std::string pristine;
  {
    auto s = open_store(options(dir));
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 4; ++i) {
      ASSERT_TRUE(s->store("t", "NATS/1.0\r\nK: v\r\n\r\n", payload_of(i), 1));
    }
    ASSERT_TRUE(s->flush());
    good_size = file_size(segment_files(dir).at(0));
    ASSERT_TRUE(s->store("t", "NATS/1.0\r\nK: v\r\n\r\n", "the last one", 1));
    ASSERT_TRUE(s->close());
    pristine = read_file(segment_files(dir).at(0));
  }
  ASSERT_GT(pristine.size(), good_size + 20);
  for (uint64_t cut = good_size; cut < pristine.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string work = fresh_dir("torn_work");
    std::filesystem::create_directories(work + "/msgs");
    const std::string seg = work + "/msgs/00000000000000000001.seg";
    write_file(seg, pristine.substr(0, cut));
    RecoveryReport report;
    auto s = open_store(options(work), &report);
    ASSERT_TRUE(s);
    EXPECT_EQ(report.truncated_bytes, cut - good_size);
    EXPECT_EQ(report.corrupt_records, 0u);
    EXPECT_EQ(report.notes.empty(), cut == good_size);
    EXPECT_EQ(file_size(seg), good_size);
    const StoreState st = s->state();
    EXPECT_EQ(st.msgs, 4u);
    EXPECT_EQ(st.last_seq, 4u);
    for (uint64_t i = 1; i <= 4; ++i) EXPECT_EQ(s->load(i).value().payload, payload_of(i));
    EXPECT_EQ(s->load(5).error(), StoreErrc::kNotFound);
    EXPECT_EQ(s->store("t", "", "again", 2).value(), 5u);
    ASSERT_TRUE(s->close());
    s.reset();
    RecoveryReport second;
    s = open_store(options(work), &second);
    ASSERT_TRUE(s);
    EXPECT_EQ(second.truncated_bytes, 0u);
    EXPECT_EQ(s->load(5).value().payload, "again");
    std::filesystem::remove_all(work);
  }
}

TEST(FileStoreTest, TornTailOfEarlierSegmentKeepsLaterSegments) {
  const std::string dir = fresh_dir("torn_early");
  {
    auto s = open_store(options(dir, 200));
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 20; ++i) ASSERT_TRUE(s->store("a", "", payload_of(i), 0));
    ASSERT_TRUE(s->close());
  }
  const auto files = segment_files(dir);
  ASSERT_GE(files.size(), 3u);
  // Lose the last 3 bytes of the first segment (its last message).
  std::filesystem::resize_file(files[0], file_size(files[0]) - 3);
  RecoveryReport report;
  auto s = open_store(options(dir, 200), &report);
  ASSERT_TRUE(s);
  EXPECT_GT(report.truncated_bytes, 0u);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("incomplete last record"), std::string::npos);
  const StoreState st = s->state();
  EXPECT_EQ(st.msgs, 19u);
  EXPECT_EQ(st.last_seq, 20u);
  EXPECT_EQ(s->deleted_sequences().size(), 1u);
  EXPECT_EQ(s->load(20).value().payload, payload_of(20));
}

TEST(FileStoreTest, CorruptMiddleRecordIsSkippedAndNeverServed) {
  const std::string dir = fresh_dir("flip");
  {
    auto s = open_store(options(dir));
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(s->store("a", "", payload_of(i), 0));
    ASSERT_TRUE(s->close());
  }
  const std::string seg = segment_files(dir).at(0);
  std::string data = read_file(seg);
  const std::size_t at = data.find(payload_of(3));
  ASSERT_NE(at, std::string::npos);
  data[at + 2] ^= 0x01;  // one bit inside the payload
  write_file(seg, data);
  for (int round = 0; round < 2; ++round) {  // stays skipped (and reported) on every open
    RecoveryReport report;
    auto s = open_store(options(dir), &report);
    ASSERT_TRUE(s);
    EXPECT_EQ(report.corrupt_records, 1u);
    EXPECT_EQ(report.truncated_bytes, 0u);
    ASSERT_EQ(report.notes.size(), 1u);
    EXPECT_NE(report.notes[0].find("failed their checksum"), std::string::npos);
    EXPECT_EQ(s->state().msgs, 4u);
    EXPECT_EQ(s->load(3).error(), StoreErrc::kDeleted);
    EXPECT_EQ(s->load(4).value().payload, payload_of(4));
    EXPECT_EQ(s->load_next("a", 3).value().seq, 4u);
  }
}

TEST(FileStoreTest, CorruptLengthTruncatesFromThere) {
  const std::string dir = fresh_dir("badlen");
  {
    auto s = open_store(options(dir));
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(s->store("a", "", payload_of(i), 0));
    ASSERT_TRUE(s->close());
  }
  const std::string seg = segment_files(dir).at(0);
  const std::string pristine = read_file(seg);
  const auto offsets = frame_offsets(pristine);
  ASSERT_EQ(offsets.size(), 6u);  // header + 5 messages
  const std::size_t third = offsets[3];
  for (const int delta : {1, -1, 0x40000000}) {
    SCOPED_TRACE("length delta " + std::to_string(delta));
    std::string data = pristine;
    const uint32_t len = internal::get_u32le(data.data() + third);
    internal::put_u32le(data.data() + third, static_cast<uint32_t>(len + delta));
    write_file(seg, data);
    RecoveryReport report;
    auto s = open_store(options(dir), &report);
    ASSERT_TRUE(s);
    EXPECT_EQ(report.corrupt_records, 1u);
    EXPECT_EQ(report.truncated_bytes, pristine.size() - third);
    EXPECT_EQ(s->state().msgs, 2u);
    EXPECT_EQ(s->state().last_seq, 2u);
    EXPECT_EQ(s->load(2).value().payload, payload_of(2));
    ASSERT_TRUE(s->close());
  }
}

TEST(FileStoreTest, RecordCorruptedWhileOpenIsNotServed) {
  const std::string dir = fresh_dir("live_flip");
  // Small segments: records 1-3 end up in a sealed segment, which is read from disk (recent
  // records of the active segment are served from the in-memory copy written with them).
  auto s = open_store(options(dir, 256));
  ASSERT_TRUE(s);
  for (uint64_t i = 1; i <= 3; ++i) ASSERT_TRUE(s->store("a", "", payload_of(i), 0));
  for (uint64_t i = 4; i <= 20; ++i) ASSERT_TRUE(s->store("b", "", payload_of(i), 0));
  ASSERT_TRUE(s->flush());
  ASSERT_GT(segment_files(dir).size(), 1u);
  const std::string seg = segment_files(dir).at(0);
  std::string data = read_file(seg);
  const std::size_t at = data.find(payload_of(2));
  ASSERT_NE(at, std::string::npos);
  const int fd = ::open(seg.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const char flipped = static_cast<char>(data[at] ^ 0x20);
  ASSERT_EQ(::pwrite(fd, &flipped, 1, static_cast<off_t>(at)), 1);
  ::close(fd);
  EXPECT_EQ(s->load(2).error(), StoreErrc::kCorrupt);
  EXPECT_EQ(s->load(1).value().payload, payload_of(1));
  EXPECT_EQ(s->load(3).value().payload, payload_of(3));
}

TEST(FileStoreTest, CompactionReclaimsRemovedMessages) {
  const std::string dir = fresh_dir("compact");
  auto s = open_store(options(dir, 4096));
  ASSERT_TRUE(s);
  const std::string pad(60, 'p');
  for (uint64_t i = 1; i <= 200; ++i) ASSERT_TRUE(s->store("c", "", payload_of(i) + pad, 0));
  for (uint64_t i = 2; i <= 200; ++i) {
    if (i % 4 != 0) {
      ASSERT_TRUE(s->remove(i));
    }
  }
  ASSERT_TRUE(s->sync());
  const uint64_t before = s->storage_bytes();
  auto reclaimed = s->compact();
  ASSERT_TRUE(reclaimed);
  EXPECT_GT(reclaimed.value(), before / 2);
  EXPECT_EQ(s->storage_bytes(), before - reclaimed.value());
  uint64_t on_disk = 0;
  for (const auto& f : segment_files(dir)) on_disk += file_size(f);
  EXPECT_EQ(on_disk, s->storage_bytes());
  const StoreState st = s->state();
  EXPECT_EQ(st.msgs, 51u);
  for (uint64_t i = 1; i <= 200; ++i) {
    if (i == 1 || i % 4 == 0) {
      EXPECT_EQ(s->load(i).value().payload, payload_of(i) + pad);
    } else {
      EXPECT_EQ(s->load(i).error(), StoreErrc::kDeleted);
    }
  }
  EXPECT_EQ(s->compact().value(), 0u);
  EXPECT_EQ(s->store("c", "", "after", 0).value(), 201u);
  const std::vector<uint64_t> deleted = s->deleted_sequences();
  EXPECT_EQ(deleted.size(), 149u);
  ASSERT_TRUE(s->close());
  s.reset();
  RecoveryReport report;
  s = open_store(options(dir, 4096), &report);
  ASSERT_TRUE(s);
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(s->state().msgs, 52u);
  EXPECT_EQ(s->deleted_sequences(), deleted);
  EXPECT_EQ(s->load(3).error(), StoreErrc::kDeleted);
  EXPECT_EQ(s->load(200).value().payload, payload_of(200) + pad);
  EXPECT_EQ(s->load(201).value().payload, "after");
}

// A rewritten segment keeps the tombstones of messages still present in older files, and a
// middle segment with nothing left is deleted; nothing comes back after a reopen.
TEST(FileStoreTest, CompactionKeepsNeededTombstones) {
  const std::string dir = fresh_dir("compact_tomb");
  auto s = open_store(options(dir, 600));
  ASSERT_TRUE(s);
  const std::string pad(40, 'q');
  for (uint64_t i = 1; i <= 60; ++i) ASSERT_TRUE(s->store("t", "", payload_of(i) + pad, 0));
  ASSERT_GE(s->segment_count(), 5u);
  ASSERT_TRUE(s->remove(2));  // in the first segment: its tombstone lives in the last one
  for (uint64_t i = 15; i <= 58; ++i) ASSERT_TRUE(s->remove(i));
  const std::vector<uint64_t> deleted = s->deleted_sequences();
  const std::size_t segments_before = s->segment_count();
  ASSERT_TRUE(s->compact());
  EXPECT_LT(s->segment_count(), segments_before);
  EXPECT_EQ(segment_files(dir).size(), s->segment_count());
  ASSERT_TRUE(s->close());
  s.reset();
  RecoveryReport report;
  s = open_store(options(dir, 600), &report);
  ASSERT_TRUE(s);
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(s->deleted_sequences(), deleted);
  EXPECT_EQ(s->load(2).error(), StoreErrc::kDeleted);
  EXPECT_EQ(s->load(30).error(), StoreErrc::kDeleted);
  EXPECT_EQ(s->load(59).value().payload, payload_of(59) + pad);
  EXPECT_EQ(s->state().msgs, 60u - 45u);
}

TEST(FileStoreTest, ManySegmentsAndPrefixDeletion) {
  const std::string dir = fresh_dir("many");
  auto s = open_store(options(dir, 256));
  ASSERT_TRUE(s);
  for (uint64_t i = 1; i <= 1000; ++i) ASSERT_TRUE(s->store("m", "", payload_of(i), 0));
  ASSERT_TRUE(s->sync());
  const std::size_t segments = s->segment_count();
  EXPECT_GT(segments, 100u);
  EXPECT_EQ(segment_files(dir).size(), segments);
  EXPECT_EQ(s->purge("", 900, 0).value(), 899u);
  ASSERT_TRUE(s->sync());  // whole segments go once the purge is durable
  EXPECT_LT(s->segment_count(), segments / 5);
  EXPECT_EQ(segment_files(dir).size(), s->segment_count());
  ASSERT_TRUE(s->close());
  s.reset();
  s = open_store(options(dir, 256));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state().first_seq, 900u);
  EXPECT_EQ(s->state().msgs, 101u);
  EXPECT_EQ(s->load(950).value().payload, payload_of(950));
}

TEST(FileStoreTest, MaxMsgsKeepsFileCountBounded) {
  const std::string dir = fresh_dir("bounded");
  StoreLimits limits;
  limits.max_msgs = 20;
  auto s = open_store(options(dir, 512), nullptr, limits);
  ASSERT_TRUE(s);
  for (uint64_t i = 1; i <= 2000; ++i) {
    ASSERT_TRUE(s->store("b", "", payload_of(i), 0));
    if (i % 100 == 0) {
      ASSERT_TRUE(s->sync());
    }
  }
  EXPECT_LE(segment_files(dir).size(), 6u);
  EXPECT_EQ(s->state().first_seq, 1981u);
}

TEST(FileStoreTest, PurgeAllKeepsSequenceAcrossReopen) {
  const std::string dir = fresh_dir("purge_all");
  {
    auto s = open_store(options(dir, 256));
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 50; ++i) ASSERT_TRUE(s->store("p", "", payload_of(i), 7));
    EXPECT_EQ(s->purge("", 0, 0).value(), 50u);
    EXPECT_EQ(segment_files(dir).size(), 1u);
    ASSERT_TRUE(s->close());
  }
  auto s = open_store(options(dir, 256));
  ASSERT_TRUE(s);
  const StoreState st = s->state();
  EXPECT_EQ(st.msgs, 0u);
  EXPECT_EQ(st.first_seq, 51u);
  EXPECT_EQ(st.last_seq, 50u);
  EXPECT_EQ(st.last_ts_ns, 7);
  EXPECT_EQ(s->store("p", "", "", 0).value(), 51u);
}

TEST(FileStoreTest, ReopenWithSmallerLimitsEnforcesThem) {
  const std::string dir = fresh_dir("shrink");
  {
    auto s = open_store(options(dir));
    ASSERT_TRUE(s);
    for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(s->store("s", "", payload_of(i), 0));
    ASSERT_TRUE(s->close());
  }
  StoreLimits limits;
  limits.max_msgs = 4;
  {
    auto s = open_store(options(dir), nullptr, limits);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->state().first_seq, 7u);
    ASSERT_TRUE(s->close());
  }
  auto s = open_store(options(dir));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state().msgs, 4u);
}

struct FaultyDisk {
  bool full = false;
  std::size_t short_write_once = 0;  // > 0: the next write stores only this many bytes
  ssize_t write(int fd, const void* data, std::size_t len, off_t offset) {
    if (full) {
      errno = ENOSPC;
      return -1;
    }
    if (short_write_once > 0) {
      len = std::min(len, short_write_once);
      short_write_once = 0;
      full = true;  // and the disk is full right after
    }
    return ::pwrite(fd, data, len, offset);
  }
};

TEST(FileStoreTest, NoSpaceIsReportedAndNothingIsCorrupted) {
  const std::string dir = fresh_dir("enospc");
  FaultyDisk disk;
  FileStoreOptions o = options(dir, 4096);
  o.write_buffer_bytes = 200;
  o.write_fn = [&disk](int fd, const void* p, std::size_t n, off_t off) {
    return disk.write(fd, p, n, off);
  };
  auto s = open_store(o);
  ASSERT_TRUE(s);
  for (uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(s->store("n", "", payload_of(i), 0));
  ASSERT_TRUE(s->sync());

  disk.short_write_once = 30;  // a partial write, then ENOSPC
  uint64_t stored = 10;
  Result<uint64_t> r = uint64_t{0};
  for (int i = 0; i < 50 && r; ++i) {
    r = s->store("n", "", payload_of(stored + 1), 0);
    if (r) ++stored;
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::kNoSpace);
  EXPECT_EQ(r.error().message(), "insufficient storage resources available");
  EXPECT_EQ(s->state().msgs, stored);  // the refused message is not counted
  EXPECT_EQ(s->state().last_seq, stored);
  EXPECT_EQ(s->sync().error(), StoreErrc::kNoSpace);
  EXPECT_EQ(s->flush().error(), StoreErrc::kNoSpace);
  for (uint64_t i = 1; i <= stored; ++i) EXPECT_EQ(s->load(i).value().payload, payload_of(i));

  disk.full = false;  // space freed: the buffered records go out from where they stopped
  ASSERT_TRUE(s->sync());
  EXPECT_EQ(s->store("n", "", payload_of(stored + 1), 0).value(), stored + 1);
  ++stored;
  ASSERT_TRUE(s->close());
  s.reset();
  RecoveryReport report;
  s = open_store(options(dir, 4096), &report);
  ASSERT_TRUE(s);
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(s->state().msgs, stored);
  for (uint64_t i = 1; i <= stored; ++i) EXPECT_EQ(s->load(i).value().payload, payload_of(i));
}

TEST(FileStoreTest, NoSpaceWhenRollingToANewSegment) {
  const std::string dir = fresh_dir("enospc_roll");
  FaultyDisk disk;
  FileStoreOptions o = options(dir, 200);
  o.write_fn = [&disk](int fd, const void* p, std::size_t n, off_t off) {
    return disk.write(fd, p, n, off);
  };
  auto s = open_store(o);
  ASSERT_TRUE(s);
  uint64_t stored = 0;
  while (s->segment_count() == 1) {
    ASSERT_TRUE(s->store("r", "", payload_of(++stored), 0));
  }
  disk.full = true;
  // The next roll must flush the current segment first, which fails.
  Result<uint64_t> r = uint64_t{0};
  for (int i = 0; i < 20 && r; ++i) {
    r = s->store("r", "", payload_of(stored + 1), 0);
    if (r) ++stored;
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::kNoSpace);
  EXPECT_EQ(s->state().last_seq, stored);
  disk.full = false;
  ASSERT_TRUE(s->store("r", "", payload_of(stored + 1), 0));
  ++stored;
  ASSERT_TRUE(s->close());
  s.reset();
  s = open_store(options(dir, 200));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state().msgs, stored);
  for (uint64_t i = 1; i <= stored; ++i) EXPECT_EQ(s->load(i).value().payload, payload_of(i));
}

TEST(FileStoreTest, EraseOverwritesTheRecordOnDisk) {
  const std::string dir = fresh_dir("erase");
  auto s = open_store(options(dir));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->store("e", "", "TOP-SECRET-ON-DISK", 1));
  ASSERT_TRUE(s->store("e", "", "kept", 2));
  ASSERT_TRUE(s->flush());
  ASSERT_TRUE(s->store("e", "", "TOP-SECRET-IN-BUFFER", 3));
  ASSERT_TRUE(s->remove(1, /*erase=*/true));
  ASSERT_TRUE(s->remove(3, /*erase=*/true));
  ASSERT_TRUE(s->sync());
  const std::string data = read_file(segment_files(dir).at(0));
  EXPECT_EQ(data.find("TOP-SECRET"), std::string::npos);
  EXPECT_NE(data.find("kept"), std::string::npos);
  ASSERT_TRUE(s->close());
  s.reset();
  RecoveryReport report;
  s = open_store(options(dir), &report);
  ASSERT_TRUE(s);
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(s->state().msgs, 1u);
  EXPECT_EQ(s->state().last_seq, 3u);
  EXPECT_EQ(s->state().last_ts_ns, 3);
  EXPECT_EQ(s->load(1).error(), StoreErrc::kDeleted);
}

TEST(FileStoreTest, DestroyRemovesTheFiles) {
  const std::string dir = fresh_dir("destroy");
  auto s = open_store(options(dir));
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->store("d", "", "x", 0));
  ASSERT_TRUE(s->destroy());
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_EQ(s->store("d", "", "x", 0).error(), StoreErrc::kClosed);
}

TEST(FileStoreTest, LeftoverCompactionFileIsRemovedOnOpen) {
  const std::string dir = fresh_dir("tmp_left");
  {
    auto s = open_store(options(dir));
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->store("d", "", "x", 0));
    ASSERT_TRUE(s->close());
  }
  write_file(dir + "/msgs/00000000000000000001.seg.tmp", "half a compaction");
  RecoveryReport report;
  auto s = open_store(options(dir), &report);
  ASSERT_TRUE(s);
  EXPECT_FALSE(std::filesystem::exists(dir + "/msgs/00000000000000000001.seg.tmp"));
  EXPECT_EQ(report.notes.size(), 1u);
  EXPECT_EQ(s->load(1).value().payload, "x");
}

}  // namespace
}  // namespace quiver::server::jetstream

TEST(FileStoreSyncTest, FlushForSyncHandsOverEveryWrittenFileOnce) {
  const std::string dir = quiver::server::jetstream::testing::fresh_dir("flush_for_sync");
  quiver::server::jetstream::FileStoreOptions options;
  options.dir = dir;
  options.segment_bytes = 256;
  auto store = quiver::server::jetstream::FileStore::open(options, {}, nullptr);
  ASSERT_TRUE(store);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store.value()->store("a", "", "0123456789", i + 1));
  auto fds = store.value()->flush_for_sync();
  ASSERT_TRUE(fds);
  // Several segments were written and created: the directory and every segment come back.
  EXPECT_GT(fds.value().size(), 2u);
  for (int fd : fds.value()) {
    EXPECT_EQ(::fdatasync(fd), 0);
    ::close(fd);
  }
  // Nothing new written: nothing to sync.
  auto again = store.value()->flush_for_sync();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().empty());
  ASSERT_TRUE(store.value()->store("a", "", "x", 100));
  auto one = store.value()->flush_for_sync();
  ASSERT_TRUE(one);
  EXPECT_EQ(one.value().size(), 1u);
  for (int fd : one.value()) ::close(fd);
  // The data is readable after reopening.
  ASSERT_TRUE(store.value()->close());
  auto reopened = quiver::server::jetstream::FileStore::open(options, {}, nullptr);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened.value()->state().msgs, 21u);
}
