// Protocol-buffers wire format, encoded and decoded by hand, for the records of records.proto.
//
// Internal to the store package. The segment hot path appends a whole record with one size
// computation and no allocation; decoding yields views into the caller's buffer. The output is
// canonical (fields in number order, zero/empty scalars omitted), so libprotobuf produces the
// same bytes for the same values (records_test.cc checks both directions).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace quiver::server::jetstream::internal {

// ---- Wire primitives -------------------------------------------------------------------------

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

inline constexpr std::size_t varint_size(uint64_t v) noexcept {
  return (static_cast<std::size_t>(std::bit_width(v | 1)) + 6) / 7;
}

inline char* put_varint(char* p, uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// A varint padded to exactly `width` bytes (non-minimal encodings are valid protobuf); v must
// fit in 7 * width bits.
inline char* put_padded_varint(char* p, uint64_t v, std::size_t width) noexcept {
  for (std::size_t i = 0; i + 1 < width; ++i) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v & 0x7F);
  return p;
}

inline char* put_u32le(char* p, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) *p++ = static_cast<char>(v >> (8 * i));
  return p;
}

inline uint32_t get_u32le(const char* p) noexcept {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

inline constexpr uint32_t key(uint32_t field, WireType type) noexcept {
  return (field << 3) | type;
}

// Appends fields to a string. Zero varints and empty byte strings are omitted (proto3).
class WireWriter {
 public:
  explicit WireWriter(std::string& out) noexcept : out_(out) {}

  void varint_field(uint32_t field, uint64_t v) {
    if (v == 0) return;
    char tmp[20];
    char* p = put_varint(tmp, key(field, kVarint));
    p = put_varint(p, v);
    out_.append(tmp, static_cast<std::size_t>(p - tmp));
  }
  void bytes_field(uint32_t field, std::string_view v) {
    if (v.empty()) return;
    embedded_field(field, v);
  }
  // An embedded message: written even when empty (a set oneof member or repeated element).
  void embedded_field(uint32_t field, std::string_view encoded) {
    char tmp[20];
    char* p = put_varint(tmp, key(field, kLen));
    p = put_varint(p, encoded.size());
    out_.append(tmp, static_cast<std::size_t>(p - tmp));
    out_.append(encoded);
  }

 private:
  std::string& out_;
};

// Reads fields from a buffer. Every method returns false on malformed input.
class WireReader {
 public:
  explicit WireReader(std::string_view data) noexcept : data_(data) {}

  bool done() const noexcept { return pos_ >= data_.size(); }

  bool next(uint32_t& field, uint32_t& type) noexcept {
    uint64_t k;
    if (!varint(k) || k > UINT32_MAX) return false;
    field = static_cast<uint32_t>(k >> 3);
    type = static_cast<uint32_t>(k & 7);
    return field != 0;
  }

  bool varint(uint64_t& v) noexcept {
    v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }

  bool bytes(std::string_view& v) noexcept {
    uint64_t n;
    if (!varint(n) || n > data_.size() - pos_) return false;
    v = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }

  // Skips a field of an unknown number, for forward compatibility.
  bool skip(uint32_t type) noexcept {
    uint64_t v;
    std::string_view s;
    switch (type) {
      case kVarint:
        return varint(v);
      case kLen:
        return bytes(s);
      case kFixed64:
        return advance(8);
      case kFixed32:
        return advance(4);
      default:
        return false;  // groups are not used by our schemas
    }
  }

 private:
  bool advance(std::size_t n) noexcept {
    if (n > data_.size() - pos_) return false;
    pos_ += n;
    return true;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
};

// ---- Segment records -------------------------------------------------------------------------

// A record on disk: [u32 LE body length][u32 LE crc32c(body)][body]; body = Record (protobuf).
inline constexpr std::size_t kFrameHeaderBytes = 8;
// Larger bodies are refused when writing and taken as a corrupt length when reading.
inline constexpr uint32_t kMaxBodyBytes = 1u << 30;

// The Record oneof field number, which is also the first byte's field: the record kind.
enum class RecordKind : uint32_t { kMsg = 1, kTombstone = 2, kSeqState = 3, kErased = 4 };

struct MsgFields {
  uint64_t seq = 0;
  int64_t ts_ns = 0;
  std::string_view subject;
  std::string_view headers;
  std::string_view payload;
};

// Total frame size (header + body) of a message record.
std::size_t msg_frame_size(const MsgFields& m) noexcept;
// Appends a message frame; returns its size.
std::size_t append_msg_frame(std::string& out, const MsgFields& m);
std::size_t append_tombstone_frame(std::string& out, uint64_t seq);
std::size_t append_seq_state_frame(std::string& out, uint64_t last_seq, uint64_t first_seq,
                                   int64_t last_ts_ns);
// Overwrites the frame of `frame_len` bytes at `frame` with an Erased record for `seq` of the
// same length (frame_len must be at least that of the smallest message record of that seq).
void write_erased_frame(char* frame, std::size_t frame_len, uint64_t seq) noexcept;

// A decoded record; views point into the decoded body.
struct Record {
  RecordKind kind = RecordKind::kMsg;
  uint64_t seq = 0;  // kMsg, kTombstone, kErased
  int64_t ts_ns = 0;
  std::string_view subject;
  std::string_view headers;
  std::string_view payload;
  uint64_t last_seq = 0;  // kSeqState
  uint64_t first_seq = 0;
  int64_t last_ts_ns = 0;
};

// False when the body is not a Record of a known kind (or a message/tombstone without seq).
bool decode_record(std::string_view body, Record& out) noexcept;

enum class FrameStatus {
  kOk,
  kTruncated,    // the header or the body runs past the end of the data
  kBadLength,    // body length 0 or above kMaxBodyBytes
  kBadChecksum,  // complete, but the checksum does not match
};

struct Frame {
  FrameStatus status = FrameStatus::kTruncated;
  std::size_t size = 0;  // header + body; valid for kOk and kBadChecksum
  std::string_view body;
};

// Examines the frame starting at data[pos].
Frame check_frame(std::string_view data, std::size_t pos) noexcept;

}  // namespace quiver::server::jetstream::internal
