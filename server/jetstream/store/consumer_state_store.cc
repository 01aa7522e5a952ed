#include "server/jetstream/store/consumer_state_store.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include "common/log.h"
#include "server/jetstream/store/crc32c.h"
#include "server/jetstream/store/wire.h"

#include <sys/stat.h>

namespace quiver::server::jetstream {
namespace {

using internal::WireReader;
using internal::WireWriter;

constexpr std::string_view kMagic = "QVCK";
constexpr std::size_t kEnvelopeHeader = 12;

std::error_code io_error(int err, std::string_view what, std::string_view path) {
  QV_LOG_ERROR("JetStream store: ", what, " ", path, ": ", std::system_category().message(err));
  return make_error_code(err == ENOSPC || err == EDQUOT ? StoreErrc::kNoSpace : StoreErrc::kIo);
}

std::error_code corrupt() { return make_error_code(StoreErrc::kCorrupt); }

Result<void> fsync_parent(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(errno, "cannot open", dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return io_error(err, "cannot fsync", dir);
  return success();
}

bool decode_pending(std::string_view bytes, ConsumerState::Pending& p) {
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t field, type;
    uint64_t v;
    if (!in.next(field, type)) return false;
    if (type == internal::kVarint && field >= 1 && field <= 3) {
      if (!in.varint(v)) return false;
      if (field == 1) p.stream_seq = v;
      if (field == 2) p.consumer_seq = v;
      if (field == 3) p.timestamp_ns = static_cast<int64_t>(v);
    } else if (!in.skip(type)) {
      return false;
    }
  }
  return true;
}

bool decode_redelivered(std::string_view bytes, ConsumerState::Redelivered& r) {
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t field, type;
    uint64_t v;
    if (!in.next(field, type)) return false;
    if (type == internal::kVarint && (field == 1 || field == 2)) {
      if (!in.varint(v)) return false;
      (field == 1 ? r.stream_seq : r.count) = v;
    } else if (!in.skip(type)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(errno, "cannot create", tmp);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      return io_error(err, "cannot write", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return io_error(err, "cannot fsync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io_error(err, "cannot rename", tmp);
  }
  return fsync_parent(path);
}

Result<void> write_checksummed(const std::string& path, std::string_view bytes) {
  if (bytes.size() > UINT32_MAX) return make_error_code(StoreErrc::kMsgTooBig);
  std::string out;
  out.reserve(kEnvelopeHeader + bytes.size());
  out.append(kMagic);
  char word[4];
  internal::put_u32le(word, static_cast<uint32_t>(bytes.size()));
  out.append(word, 4);
  internal::put_u32le(word, crc32c(bytes));
  out.append(word, 4);
  out.append(bytes);
  return write_file_atomically(path, out);
}

Result<std::string> read_checksummed(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::make_error_code(std::errc::no_such_file_or_directory);
    return io_error(errno, "cannot open", path);
  }
  std::string data;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return io_error(err, "cannot read", path);
    }
    if (n == 0) break;
    data.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (data.size() < kEnvelopeHeader || std::string_view(data).substr(0, 4) != kMagic) {
    return corrupt();
  }
  const uint32_t len = internal::get_u32le(data.data() + 4);
  const uint32_t crc = internal::get_u32le(data.data() + 8);
  if (data.size() - kEnvelopeHeader != len) return corrupt();
  data.erase(0, kEnvelopeHeader);
  if (crc32c(data) != crc) return corrupt();
  return data;
}

std::string encode_consumer_state(const ConsumerState& s) {
  std::string out;
  WireWriter w(out);
  w.varint_field(1, s.delivered_consumer_seq);
  w.varint_field(2, s.delivered_stream_seq);
  w.varint_field(3, s.ack_floor_consumer_seq);
  w.varint_field(4, s.ack_floor_stream_seq);
  std::string inner;
  for (const auto& p : s.pending) {
    inner.clear();
    WireWriter iw(inner);
    iw.varint_field(1, p.stream_seq);
    iw.varint_field(2, p.consumer_seq);
    iw.varint_field(3, static_cast<uint64_t>(p.timestamp_ns));
    w.embedded_field(5, inner);
  }
  for (const auto& r : s.redelivered) {
    inner.clear();
    WireWriter iw(inner);
    iw.varint_field(1, r.stream_seq);
    iw.varint_field(2, r.count);
    w.embedded_field(6, inner);
  }
  return out;
}

Result<ConsumerState> decode_consumer_state(std::string_view bytes) {
  ConsumerState s;
  WireReader in(bytes);
  while (!in.done()) {
    uint32_t field, type;
    if (!in.next(field, type)) return corrupt();
    uint64_t v;
    std::string_view sub;
    if (type == internal::kVarint && field >= 1 && field <= 4) {
      if (!in.varint(v)) return corrupt();
      switch (field) {
        case 1:
          s.delivered_consumer_seq = v;
          break;
        case 2:
          s.delivered_stream_seq = v;
          break;
        case 3:
          s.ack_floor_consumer_seq = v;
          break;
        default:
          s.ack_floor_stream_seq = v;
          break;
      }
    } else if (type == internal::kLen && field == 5) {
      if (!in.bytes(sub) || !decode_pending(sub, s.pending.emplace_back())) return corrupt();
    } else if (type == internal::kLen && field == 6) {
      if (!in.bytes(sub) || !decode_redelivered(sub, s.redelivered.emplace_back())) {
        return corrupt();
      }
    } else if (!in.skip(type)) {
      return corrupt();
    }
  }
  return s;
}

}  // namespace quiver::server::jetstream
