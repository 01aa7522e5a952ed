// Fuzzes the parser in both directions and checks it differentially: the same input fed whole,
// split in two at a point taken from the input, and one byte at a time must give the same ops
// and the same error. Also checks that limits hold: nothing buffered beyond them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/parser.h"

namespace {

using quiver::codec::Op;
using quiver::codec::Parser;
using quiver::codec::ParseResult;
using quiver::codec::ParserLimits;
using quiver::codec::ParseStatus;
using quiver::codec::Role;

struct Trace {
  std::vector<std::string> ops;  // a flat rendering of each op's fields
  int error = 0;
  bool operator==(const Trace&) const = default;
};

std::string render(const Op& op) {
  std::string s;
  s.push_back(static_cast<char>(op.kind));
  for (std::string_view f :
       {op.subject, op.reply, op.queue, op.sid, op.json, op.text, op.headers, op.payload}) {
    s += std::to_string(f.size());
    s.push_back(':');
    s.append(f);
  }
  s += op.max_msgs ? std::to_string(*op.max_msgs) : "-";
  return s;
}

Trace run(Role role, std::string_view input, const std::vector<std::size_t>& cuts) {
  ParserLimits limits;
  limits.max_control_line = 256;
  limits.max_payload = 4096;
  Parser parser(role, limits);
  Trace trace;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(input.size());
  for (std::size_t end : ends) {
    std::string piece(input.substr(start, end - start));
    start = end;
    std::string_view rest = piece;
    while (!rest.empty()) {
      ParseResult r = parser.feed(rest);
      if (r.consumed > rest.size()) __builtin_trap();
      rest.remove_prefix(r.consumed);
      if (parser.buffered_bytes() > limits.max_control_line + 16 + limits.max_payload + 2) {
        __builtin_trap();
      }
      if (r.status == ParseStatus::kOp) {
        trace.ops.push_back(render(parser.op()));
      } else if (r.status == ParseStatus::kError) {
        trace.error = parser.error().value();
        return trace;
      } else if (!rest.empty()) {
        __builtin_trap();  // kNeedMore must consume everything
      }
    }
  }
  return trace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (Role role : {Role::kServer, Role::kClient}) {
    const Trace whole = run(role, input, {});
    if (size > 1) {
      const std::size_t cut = 1 + (data[0] % (size - 1));
      if (!(run(role, input, {cut}) == whole)) __builtin_trap();
    }
    if (size <= 512) {
      std::vector<std::size_t> cuts;
      for (std::size_t i = 1; i < size; ++i) cuts.push_back(i);
      if (!(run(role, input, cuts) == whole)) __builtin_trap();
    }
  }
  return 0;
}
