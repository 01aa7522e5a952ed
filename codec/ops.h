// The operations of the NATS client protocol, as the parser hands them out and the encoder
// writes them. Views point into the caller's buffer (or the parser's scratch when an op crossed
// a read boundary) and are valid until the next call to Parser::feed().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace quiver::codec {

enum class OpKind : uint8_t {
  // client → server
  kConnect,
  kPub,
  kHpub,
  kSub,
  kUnsub,
  // server → client
  kInfo,
  kMsg,
  kHmsg,
  kOk,
  kErr,
  // both directions
  kPing,
  kPong,
};

std::string_view op_name(OpKind kind) noexcept;

struct Op {
  OpKind kind = OpKind::kPing;
  std::string_view subject;          // PUB HPUB SUB MSG HMSG
  std::string_view reply;            // PUB HPUB MSG HMSG; empty when absent
  std::string_view queue;            // SUB; empty when absent
  std::string_view sid;              // SUB UNSUB MSG HMSG
  std::optional<uint64_t> max_msgs;  // UNSUB; absent (or unparsable, as nats-server treats it)
  std::string_view json;             // CONNECT INFO: the JSON text, leading blanks skipped
  std::string_view text;             // -ERR: the text without the surrounding quotes
  std::string_view headers;          // HPUB HMSG: the header block (#hdr bytes)
  std::string_view payload;          // PUB HPUB MSG HMSG: the bytes after the headers
};

}  // namespace quiver::codec
