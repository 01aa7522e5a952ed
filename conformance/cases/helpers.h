// Small helpers shared by the area files: exact wire bytes and header blocks built with codec/,
// CONNECT option variants, and sequence payloads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/encoder.h"
#include "codec/headers.h"
#include "codec/ops.h"
#include "codec/protocol_json.h"
#include "conformance/lib/check.h"
#include "conformance/lib/connection.h"
#include "conformance/lib/context.h"
#include "conformance/lib/registry.h"

namespace quiver::conformance {

using codec::OpKind;

// The default CONNECT options of `ctx` after `change` is applied to them.
template <class Change>
codec::ConnectOptions options_with(const CaseContext& ctx, Change&& change) {
  codec::ConnectOptions o = ctx.connect_options();
  change(o);
  return o;
}

inline std::string pub_bytes(std::string_view subject, std::string_view payload,
                             std::string_view reply = "") {
  std::string out;
  codec::append_pub(out, subject, reply, payload);
  return out;
}

inline std::string hpub_bytes(std::string_view subject, std::string_view headers,
                              std::string_view payload, std::string_view reply = "") {
  std::string out;
  codec::append_hpub(out, subject, reply, headers, payload);
  return out;
}

inline std::string msg_bytes(std::string_view subject, std::string_view sid,
                             std::string_view payload, std::string_view reply = "") {
  std::string out;
  codec::append_msg(out, subject, sid, reply, payload);
  return out;
}

// A header block built with codec/headers: fields in order, optional status line.
inline std::string header_block(const std::vector<std::pair<std::string, std::string>>& fields,
                                int status = 0, std::string description = "") {
  codec::Headers h;
  if (status != 0) h.set_status(status, std::move(description));
  for (const auto& [key, value] : fields) h.add(key, value);
  return codec::encode_headers(h);
}

// "<prefix><n>" payloads, to check order and uniqueness.
inline std::string seq_payload(std::size_t n) { return "m" + std::to_string(n); }

// The payloads of `ops`, in order.
inline std::vector<std::string> payloads(const std::vector<ServerOp>& ops) {
  std::vector<std::string> out;
  out.reserve(ops.size());
  for (const ServerOp& op : ops) out.push_back(op.payload);
  return out;
}

}  // namespace quiver::conformance
