#include "server/jetstream/store/wire.h"

#include "common/assert.h"
#include "server/jetstream/store/crc32c.h"

namespace quiver::server::jetstream::internal {
namespace {

constexpr char kMsgKey = static_cast<char>(key(1, kLen));
constexpr char kTombstoneKey = static_cast<char>(key(2, kLen));
constexpr char kSeqStateKey = static_cast<char>(key(3, kLen));
constexpr char kErasedKey = static_cast<char>(key(4, kLen));

constexpr std::size_t varint_field_size(uint64_t v) noexcept {
  return v == 0 ? 0 : 1 + varint_size(v);
}
constexpr std::size_t bytes_field_size(std::size_t n) noexcept {
  return n == 0 ? 0 : 1 + varint_size(n) + n;
}

char* put_varint_field(char* p, char k, uint64_t v) noexcept {
  if (v == 0) return p;
  *p++ = k;
  return put_varint(p, v);
}

char* put_bytes_field(char* p, char k, std::string_view v) noexcept {
  if (v.empty()) return p;
  *p++ = k;
  p = put_varint(p, v.size());
  std::memcpy(p, v.data(), v.size());
  return p + v.size();
}

std::size_t msg_inner_size(const MsgFields& m) noexcept {
  return varint_field_size(m.seq) + varint_field_size(static_cast<uint64_t>(m.ts_ns)) +
         bytes_field_size(m.subject.size()) + bytes_field_size(m.headers.size()) +
         bytes_field_size(m.payload.size());
}

// Grows `out` by `body_len` + header and returns where the body goes.
char* open_frame(std::string& out, std::size_t body_len) {
  QV_CHECK(body_len <= kMaxBodyBytes, "record body too large");
  const std::size_t at = out.size();
  out.resize(at + kFrameHeaderBytes + body_len);
  return out.data() + at + kFrameHeaderBytes;
}

void seal_frame(char* body, std::size_t body_len) noexcept {
  char* header = body - kFrameHeaderBytes;
  put_u32le(header, static_cast<uint32_t>(body_len));
  put_u32le(header + 4, crc32c_extend(0, body, body_len));
}

bool decode_msg(std::string_view inner, Record& r) noexcept {
  WireReader in(inner);
  while (!in.done()) {
    uint32_t field, type;
    if (!in.next(field, type)) return false;
    uint64_t v;
    if (field == 1 && type == kVarint) {
      if (!in.varint(r.seq)) return false;
    } else if (field == 2 && type == kVarint) {
      if (!in.varint(v)) return false;
      r.ts_ns = static_cast<int64_t>(v);
    } else if (field == 3 && type == kLen) {
      if (!in.bytes(r.subject)) return false;
    } else if (field == 4 && type == kLen) {
      if (!in.bytes(r.headers)) return false;
    } else if (field == 5 && type == kLen) {
      if (!in.bytes(r.payload)) return false;
    } else if (!in.skip(type)) {
      return false;
    }
  }
  return r.seq != 0;
}

// Tombstone{seq=1} and Erased{seq=1; fill=2}: only the sequence matters.
bool decode_seq_only(std::string_view inner, Record& r) noexcept {
  WireReader in(inner);
  while (!in.done()) {
    uint32_t field, type;
    if (!in.next(field, type)) return false;
    if (field == 1 && type == kVarint) {
      if (!in.varint(r.seq)) return false;
    } else if (!in.skip(type)) {
      return false;
    }
  }
  return r.seq != 0;
}

bool decode_seq_state(std::string_view inner, Record& r) noexcept {
  WireReader in(inner);
  while (!in.done()) {
    uint32_t field, type;
    if (!in.next(field, type)) return false;
    uint64_t v;
    if (field == 1 && type == kVarint) {
      if (!in.varint(r.last_seq)) return false;
    } else if (field == 2 && type == kVarint) {
      if (!in.varint(r.first_seq)) return false;
    } else if (field == 3 && type == kVarint) {
      if (!in.varint(v)) return false;
      r.last_ts_ns = static_cast<int64_t>(v);
    } else if (!in.skip(type)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::size_t msg_frame_size(const MsgFields& m) noexcept {
  const std::size_t inner = msg_inner_size(m);
  return kFrameHeaderBytes + 1 + varint_size(inner) + inner;
}

std::size_t append_msg_frame(std::string& out, const MsgFields& m) {
  const std::size_t inner = msg_inner_size(m);
  const std::size_t body_len = 1 + varint_size(inner) + inner;
  char* body = open_frame(out, body_len);
  char* p = body;
  *p++ = kMsgKey;
  p = put_varint(p, inner);
  p = put_varint_field(p, static_cast<char>(key(1, kVarint)), m.seq);
  p = put_varint_field(p, static_cast<char>(key(2, kVarint)), static_cast<uint64_t>(m.ts_ns));
  p = put_bytes_field(p, static_cast<char>(key(3, kLen)), m.subject);
  p = put_bytes_field(p, static_cast<char>(key(4, kLen)), m.headers);
  p = put_bytes_field(p, static_cast<char>(key(5, kLen)), m.payload);
  QV_ASSERT(p == body + body_len);
  seal_frame(body, body_len);
  return kFrameHeaderBytes + body_len;
}

std::size_t append_tombstone_frame(std::string& out, uint64_t seq) {
  const std::size_t inner = varint_field_size(seq);
  const std::size_t body_len = 1 + varint_size(inner) + inner;
  char* body = open_frame(out, body_len);
  char* p = body;
  *p++ = kTombstoneKey;
  p = put_varint(p, inner);
  put_varint_field(p, static_cast<char>(key(1, kVarint)), seq);
  seal_frame(body, body_len);
  return kFrameHeaderBytes + body_len;
}

std::size_t append_seq_state_frame(std::string& out, uint64_t last_seq, uint64_t first_seq,
                                   int64_t last_ts_ns) {
  const auto ts = static_cast<uint64_t>(last_ts_ns);
  const std::size_t inner =
      varint_field_size(last_seq) + varint_field_size(first_seq) + varint_field_size(ts);
  const std::size_t body_len = 1 + varint_size(inner) + inner;
  char* body = open_frame(out, body_len);
  char* p = body;
  *p++ = kSeqStateKey;
  p = put_varint(p, inner);
  p = put_varint_field(p, static_cast<char>(key(1, kVarint)), last_seq);
  p = put_varint_field(p, static_cast<char>(key(2, kVarint)), first_seq);
  put_varint_field(p, static_cast<char>(key(3, kVarint)), ts);
  seal_frame(body, body_len);
  return kFrameHeaderBytes + body_len;
}

void write_erased_frame(char* frame, std::size_t frame_len, uint64_t seq) noexcept {
  // Body: kErasedKey, len(inner), inner = [0x08 seq][0x12 len(fill) fill]. The lengths are
  // written 5 bytes wide when the record is large enough and 1 byte wide otherwise; the
  // smallest message body (a seq and nothing else) gets no fill field at all. Together these
  // match the length of any message record of that seq exactly.
  const std::size_t body_len = frame_len - kFrameHeaderBytes;
  const std::size_t seq_part = 1 + varint_size(seq);
  char* body = frame + kFrameHeaderBytes;
  char* p = body;
  *p++ = kErasedKey;
  if (body_len == 2 + seq_part) {
    p = put_varint(p, seq_part);
    put_varint_field(p, static_cast<char>(key(1, kVarint)), seq);
  } else {
    const std::size_t width = body_len >= 1 + 5 + seq_part + 1 + 5 ? 5 : 1;
    QV_CHECK(body_len >= 1 + width + seq_part + 1 + width, "erased record does not fit");
    const std::size_t inner = body_len - 1 - width;
    const std::size_t fill = inner - seq_part - 1 - width;
    QV_CHECK(width == 5 || inner < 0x80, "erased record length");
    p = put_padded_varint(p, inner, width);
    p = put_varint_field(p, static_cast<char>(key(1, kVarint)), seq);
    *p++ = static_cast<char>(key(2, kLen));
    p = put_padded_varint(p, fill, width);
    std::memset(p, 0, fill);
  }
  seal_frame(body, body_len);
}

bool decode_record(std::string_view body, Record& r) noexcept {
  r = Record{};
  WireReader in(body);
  std::string_view inner;
  uint32_t kind = 0;
  while (!in.done()) {
    uint32_t field, type;
    if (!in.next(field, type)) return false;
    if (field >= 1 && field <= 4 && type == kLen) {
      if (!in.bytes(inner)) return false;
      kind = field;  // oneof: the last member wins, as in libprotobuf
    } else if (!in.skip(type)) {
      return false;
    }
  }
  switch (kind) {
    case 1:
      r.kind = RecordKind::kMsg;
      return decode_msg(inner, r);
    case 2:
      r.kind = RecordKind::kTombstone;
      return decode_seq_only(inner, r);
    case 3:
      r.kind = RecordKind::kSeqState;
      return decode_seq_state(inner, r);
    case 4:
      r.kind = RecordKind::kErased;
      return decode_seq_only(inner, r);
    default:
      return false;
  }
}

Frame check_frame(std::string_view data, std::size_t pos) noexcept {
  Frame f;
  if (pos > data.size() || data.size() - pos < kFrameHeaderBytes) return f;
  const uint32_t len = get_u32le(data.data() + pos);
  const uint32_t crc = get_u32le(data.data() + pos + 4);
  if (len == 0 || len > kMaxBodyBytes) {
    f.status = FrameStatus::kBadLength;
    return f;
  }
  if (len > data.size() - pos - kFrameHeaderBytes) return f;
  f.size = kFrameHeaderBytes + len;
  f.body = data.substr(pos + kFrameHeaderBytes, len);
  f.status = crc32c(f.body) == crc ? FrameStatus::kOk : FrameStatus::kBadChecksum;
  return f;
}

}  // namespace quiver::server::jetstream::internal
