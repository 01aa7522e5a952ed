// Error codes of the NATS protocol codec, and how a server reacts to each.
//
// The parser reports problems as std::error_code values of this category. protocol_reaction()
// tells the server which exact -ERR text nats-server 2.9 sends for the problem (if any) and
// whether it closes the connection, so every caller reacts the same way.
#pragma once

#include <string_view>
#include <system_error>

namespace quiver::codec {

enum class errc {
  kUnknownOp = 1,           // not an op of this direction, or bad byte in an op name
  kControlLineTooLong,      // arguments longer than max_control_line
  kPayloadTooLarge,         // PUB/HPUB size above max_payload
  kBadSize,                 // a size that is missing, not decimal, or longer than 9 digits
  kBadArguments,            // wrong number of arguments for the op
  kBadPayloadTerminator,    // payload not followed by CRLF
  kHeaderSizeExceedsTotal,  // HPUB/HMSG header size larger than total size
  kInvalidJson,             // CONNECT/INFO body is not the JSON object expected
  kInvalidHeaderBlock,      // header block without the NATS/1.0 preamble or CRLF framing
  kClientSentError,         // a client sent -ERR: nats-server closes it
};

const std::error_category& codec_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

// What nats-server does when a client's input fails with this error.
struct ProtocolReaction {
  std::string_view err_text;  // text inside -ERR '…'; empty when nothing is sent
  bool close;                 // close the connection after sending
};

ProtocolReaction protocol_reaction(errc e) noexcept;

}  // namespace quiver::codec

namespace std {
template <>
struct is_error_code_enum<quiver::codec::errc> : true_type {};
}  // namespace std
