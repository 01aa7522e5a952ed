// Encoders for every NATS protocol op. Each appends the exact wire bytes to `out`, so callers can
// batch several ops into one buffer and write it with one system call.
//
// Arguments are written as given: validating subjects and sids is the caller's job (the server
// validates what it receives; the client validates what its user passes in).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/ops.h"

namespace quiver::codec {

void append_connect(std::string& out, std::string_view json);
// nats-server writes INFO with a blank before CRLF ("INFO {…} \r\n"); so do we.
void append_info(std::string& out, std::string_view json);
void append_pub(std::string& out, std::string_view subject, std::string_view reply,
                std::string_view payload);
void append_hpub(std::string& out, std::string_view subject, std::string_view reply,
                 std::string_view headers, std::string_view payload);
void append_sub(std::string& out, std::string_view subject, std::string_view queue,
                std::string_view sid);
void append_unsub(std::string& out, std::string_view sid, std::optional<uint64_t> max_msgs);
void append_msg(std::string& out, std::string_view subject, std::string_view sid,
                std::string_view reply, std::string_view payload);
void append_hmsg(std::string& out, std::string_view subject, std::string_view sid,
                 std::string_view reply, std::string_view headers, std::string_view payload);
void append_ping(std::string& out);
void append_pong(std::string& out);
void append_ok(std::string& out);
void append_err(std::string& out, std::string_view text);

// The control line of a MSG/HMSG (through its CRLF), without the body: the server writes it in
// front of a payload it shares between subscribers. hdr_size == 0 and no headers gives MSG.
// Returns the number of bytes written; `buf` must hold msg_line_capacity(...) bytes.
std::size_t msg_line_capacity(std::string_view subject, std::string_view sid,
                              std::string_view reply) noexcept;
std::size_t write_msg_line(char* buf, std::string_view subject, std::string_view sid,
                           std::string_view reply, std::size_t payload_size) noexcept;
std::size_t write_hmsg_line(char* buf, std::string_view subject, std::string_view sid,
                            std::string_view reply, std::size_t header_size,
                            std::size_t total_size) noexcept;

// Encodes any op (the inverse of Parser for well-formed ops).
void append_op(std::string& out, const Op& op);

}  // namespace quiver::codec
