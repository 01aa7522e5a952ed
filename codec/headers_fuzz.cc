// Fuzzer for codec/headers: parsing arbitrary bytes never crashes, a parsed block re-encodes to a
// fixed point, and the zero-allocation view functions agree with the owning parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/headers.h"

namespace {

using quiver::codec::encode_headers;
using quiver::codec::encode_headers_to;
using quiver::codec::encoded_size;
using quiver::codec::find_header_value;
using quiver::codec::Headers;
using quiver::codec::parse_headers;
using quiver::codec::parse_status_line;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = parse_headers(input);
  const auto status_line = parse_status_line(input);
  // Keys that real blocks carry, so the scanner also runs on inputs that do not parse.
  for (std::string_view key : {"Nats-Msg-Id", "nats-last-stream", "A", ""}) {
    (void)find_header_value(input, key);
  }
  if (!parsed) return 0;
  const Headers& h = parsed.value();

  // The status line parser sees what the full parser saw.
  require(status_line.has_value());
  require(status_line.value().status == h.status());
  require(status_line.value().description == h.description());

  // The view lookup finds the first case-insensitive match, as get_ci() does.
  for (const auto& f : h.fields()) {
    require(find_header_value(input, f.key) == h.get_ci(f.key));
    require(h.get(f.key).has_value());
  }

  // Fixed point: encode(parse(x)) parses to the same Headers and re-encodes to the same bytes.
  const std::string encoded = encode_headers(h);
  require(encoded.size() == encoded_size(h));
  auto reparsed = parse_headers(encoded);
  require(reparsed.has_value());
  require(reparsed.value() == h);
  require(encode_headers(reparsed.value()) == encoded);

  std::string appended = "prefix";
  encode_headers_to(h, appended);
  require(appended == "prefix" + encoded);
  return 0;
}
