#include "codec/encoder.h"

#include <charconv>
#include <cstring>

namespace quiver::codec {
namespace {

constexpr std::size_t kMaxDecimal = 20;

inline char* put(char* p, std::string_view s) noexcept {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

inline char* put_number(char* p, uint64_t v) noexcept {
  return std::to_chars(p, p + kMaxDecimal, v).ptr;
}

// Appends via a raw pointer into a resized string: one size check and no per-piece growth.
template <class Writer>
void append_with(std::string& out, std::size_t capacity, Writer&& write) {
  const std::size_t old = out.size();
  out.resize(old + capacity);
  char* end = write(out.data() + old);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace

void append_connect(std::string& out, std::string_view json) {
  out.append("CONNECT ").append(json).append("\r\n");
}

void append_info(std::string& out, std::string_view json) {
  out.append("INFO ").append(json).append(" \r\n");
}

void append_pub(std::string& out, std::string_view subject, std::string_view reply,
                std::string_view payload) {
  append_with(out, 4 + subject.size() + 1 + reply.size() + 1 + kMaxDecimal + 2 + payload.size() + 2,
              [&](char* p) {
                p = put(p, "PUB ");
                p = put(p, subject);
                *p++ = ' ';
                if (!reply.empty()) {
                  p = put(p, reply);
                  *p++ = ' ';
                }
                p = put_number(p, payload.size());
                p = put(p, "\r\n");
                p = put(p, payload);
                return put(p, "\r\n");
              });
}

void append_hpub(std::string& out, std::string_view subject, std::string_view reply,
                 std::string_view headers, std::string_view payload) {
  append_with(out,
              5 + subject.size() + 1 + reply.size() + 1 + 2 * (kMaxDecimal + 1) + 2 +
                  headers.size() + payload.size() + 2,
              [&](char* p) {
                p = put(p, "HPUB ");
                p = put(p, subject);
                *p++ = ' ';
                if (!reply.empty()) {
                  p = put(p, reply);
                  *p++ = ' ';
                }
                p = put_number(p, headers.size());
                *p++ = ' ';
                p = put_number(p, headers.size() + payload.size());
                p = put(p, "\r\n");
                p = put(p, headers);
                p = put(p, payload);
                return put(p, "\r\n");
              });
}

void append_sub(std::string& out, std::string_view subject, std::string_view queue,
                std::string_view sid) {
  out.append("SUB ").append(subject).append(" ");
  if (!queue.empty()) out.append(queue).append(" ");
  out.append(sid).append("\r\n");
}

void append_unsub(std::string& out, std::string_view sid, std::optional<uint64_t> max_msgs) {
  out.append("UNSUB ").append(sid);
  if (max_msgs) {
    char digits[kMaxDecimal];
    char* end = put_number(digits, *max_msgs);
    out.append(" ").append(digits, end);
  }
  out.append("\r\n");
}

std::size_t msg_line_capacity(std::string_view subject, std::string_view sid,
                              std::string_view reply) noexcept {
  return 5 + subject.size() + 1 + sid.size() + 1 + reply.size() + 1 + 2 * (kMaxDecimal + 1) + 2;
}

std::size_t write_msg_line(char* buf, std::string_view subject, std::string_view sid,
                           std::string_view reply, std::size_t payload_size) noexcept {
  char* p = put(buf, "MSG ");
  p = put(p, subject);
  *p++ = ' ';
  p = put(p, sid);
  *p++ = ' ';
  if (!reply.empty()) {
    p = put(p, reply);
    *p++ = ' ';
  }
  p = put_number(p, payload_size);
  p = put(p, "\r\n");
  return static_cast<std::size_t>(p - buf);
}

std::size_t write_hmsg_line(char* buf, std::string_view subject, std::string_view sid,
                            std::string_view reply, std::size_t header_size,
                            std::size_t total_size) noexcept {
  char* p = put(buf, "HMSG ");
  p = put(p, subject);
  *p++ = ' ';
  p = put(p, sid);
  *p++ = ' ';
  if (!reply.empty()) {
    p = put(p, reply);
    *p++ = ' ';
  }
  p = put_number(p, header_size);
  *p++ = ' ';
  p = put_number(p, total_size);
  p = put(p, "\r\n");
  return static_cast<std::size_t>(p - buf);
}

void append_msg(std::string& out, std::string_view subject, std::string_view sid,
                std::string_view reply, std::string_view payload) {
  append_with(out, msg_line_capacity(subject, sid, reply) + payload.size() + 2, [&](char* p) {
    p += write_msg_line(p, subject, sid, reply, payload.size());
    p = put(p, payload);
    return put(p, "\r\n");
  });
}

void append_hmsg(std::string& out, std::string_view subject, std::string_view sid,
                 std::string_view reply, std::string_view headers, std::string_view payload) {
  append_with(out, msg_line_capacity(subject, sid, reply) + headers.size() + payload.size() + 2,
              [&](char* p) {
                p += write_hmsg_line(p, subject, sid, reply, headers.size(),
                                     headers.size() + payload.size());
                p = put(p, headers);
                p = put(p, payload);
                return put(p, "\r\n");
              });
}

void append_ping(std::string& out) { out.append("PING\r\n"); }
void append_pong(std::string& out) { out.append("PONG\r\n"); }
void append_ok(std::string& out) { out.append("+OK\r\n"); }

void append_err(std::string& out, std::string_view text) {
  out.append("-ERR '").append(text).append("'\r\n");
}

void append_op(std::string& out, const Op& op) {
  switch (op.kind) {
    case OpKind::kConnect:
      return append_connect(out, op.json);
    case OpKind::kInfo:
      return append_info(out, op.json);
    case OpKind::kPub:
      return append_pub(out, op.subject, op.reply, op.payload);
    case OpKind::kHpub:
      return append_hpub(out, op.subject, op.reply, op.headers, op.payload);
    case OpKind::kSub:
      return append_sub(out, op.subject, op.queue, op.sid);
    case OpKind::kUnsub:
      return append_unsub(out, op.sid, op.max_msgs);
    case OpKind::kMsg:
      return append_msg(out, op.subject, op.sid, op.reply, op.payload);
    case OpKind::kHmsg:
      return append_hmsg(out, op.subject, op.sid, op.reply, op.headers, op.payload);
    case OpKind::kOk:
      return append_ok(out);
    case OpKind::kErr:
      return append_err(out, op.text);
    case OpKind::kPing:
      return append_ping(out);
    case OpKind::kPong:
      return append_pong(out);
  }
}

}  // namespace quiver::codec
