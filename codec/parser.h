// Push parser for the NATS text protocol, for either direction.
//
//   Parser parser(Role::kServer, limits);        // parses what clients send
//   while (!input.empty()) {
//     auto [consumed, status] = parser.feed(input);
//     input.remove_prefix(consumed);
//     if (status == ParseStatus::kOp) handle(parser.op());
//     else if (status == ParseStatus::kError) { react(parser.error()); break; }
//     // kNeedMore: consumed == input.size(); read more bytes and feed again
//   }
//
// The rules are nats-server 2.9's, checked byte for byte against it (docs/protocol-notes.md):
// op names are case-insensitive; arguments are separated by spaces or tabs; a control line ends
// with LF, a CR before it is dropped; a payload is followed by exactly CRLF. Limits are enforced
// as bytes arrive, so a peer can never make the parser buffer more than max_control_line plus one
// payload. Ops that arrive whole are returned as views into the input with no copy; only an op
// split across feeds is copied, into the parser's own buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/errc.h"
#include "codec/ops.h"

namespace quiver::codec {

enum class Role : uint8_t {
  kServer,  // parse the client → server direction (CONNECT PUB HPUB SUB UNSUB PING PONG …)
  kClient,  // parse the server → client direction (INFO MSG HMSG +OK -ERR PING PONG)
};

struct ParserLimits {
  std::size_t max_control_line = 4096;  // bytes of arguments after the op name
  int64_t max_payload = 1024 * 1024;    // bytes of headers + payload; negative: no limit
};

enum class ParseStatus : uint8_t {
  kOp,        // op() holds a complete op
  kNeedMore,  // all input consumed; feed more
  kError,     // error() says why; the parser must not be fed again
};

struct ParseResult {
  std::size_t consumed;
  ParseStatus status;
};

class Parser {
 public:
  explicit Parser(Role role, ParserLimits limits = {}) noexcept : role_(role), limits_(limits) {}

  // Parses at most one op from `in`. See the file comment for the calling loop.
  ParseResult feed(std::string_view in) noexcept;

  const Op& op() const noexcept { return op_; }
  std::error_code error() const noexcept { return error_; }

  // Changes the limits between ops (e.g. after a config reload).
  void set_limits(ParserLimits limits) noexcept { limits_ = limits; }
  const ParserLimits& limits() const noexcept { return limits_; }

  // Bytes held internally for an op split across feeds (for memory accounting).
  std::size_t buffered_bytes() const noexcept { return line_.size() + body_filled_; }

 private:
  enum class State : uint8_t { kLine, kSkipLine, kBody, kFailed };

  ParseResult fail(errc e, std::size_t consumed) noexcept;
  // Parses a complete control line (without its LF). Returns kOp, kError or, for ops with a
  // body, kNeedMore with body_size_ set.
  ParseStatus parse_line(std::string_view line) noexcept;
  ParseStatus parse_args(OpKind kind, std::string_view args) noexcept;
  ParseStatus check_partial_line() noexcept;
  void finish_body(std::string_view body) noexcept;

  Role role_;
  ParserLimits limits_;
  State state_ = State::kLine;
  Op op_;
  std::error_code error_;

  // An op's control line split across feeds, then (if it has one) its body.
  std::string line_;
  std::string body_;
  std::size_t body_size_ = 0;    // #bytes of the body, without the CRLF that follows
  std::size_t header_size_ = 0;  // #hdr for HPUB/HMSG
  std::size_t body_filled_ = 0;  // bytes of body + CRLF received so far into body_
  OpKind skip_kind_ = OpKind::kPing;
  bool release_pending_ = false;  // line_/body_ back the last op's views until the next feed
};

}  // namespace quiver::codec
