// The NATS message header block (ADR-4): "NATS/1.0[ <status>[ <description>]]\r\n", then
// "Key: Value\r\n" lines, then "\r\n". HPUB/HMSG carry it in front of the payload.
//
// Headers owns a parsed block and encodes it back byte for byte. Keys keep their case and
// repeats keep their order, as ADR-4 requires. get() compares keys exactly (what nats.go/nats.js
// Get do); get_ci() and find_header_value() ignore ASCII case, for server-generated keys whose
// spelling a peer might have canonicalized.
//
// Parsing is strict about framing (preamble, CRLF on every line, the final blank line, no bytes
// after it) and lenient about content: any byte but CR/LF is accepted in values and descriptions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/errc.h"
#include "common/result.h"

namespace quiver::codec {

struct HeaderField {
  std::string key;
  std::string value;

  friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

// True when `key` can be encoded and parsed back unchanged: non-empty; no ':', space, tab, CR or
// LF.
bool is_valid_header_key(std::string_view key) noexcept;

// True when `value` can be encoded and parsed back unchanged: no CR or LF, and no leading space
// or tab (the parser trims whitespace after ':').
bool is_valid_header_value(std::string_view value) noexcept;

// True when `description` can follow the status code unchanged: no CR or LF, and no leading or
// trailing space or tab (the parser trims both, as nats.go does).
bool is_valid_status_description(std::string_view description) noexcept;

class Headers {
 public:
  // The status code of the preamble line ("NATS/1.0 503"), or 0 when there is none.
  int status() const noexcept { return status_; }
  std::string_view description() const noexcept { return description_; }

  // Sets the status line. `code` is 0 (no status; the description is then dropped) or
  // 100..999, and `description` has no CR or LF. A violation is a programming error and
  // aborts: encoding it would produce a block that means something else. Leading or trailing
  // whitespace in the description is accepted but does not survive parsing.
  void set_status(int code, std::string description = "");

  // Appends a field, keeping any earlier fields with the same key. Preconditions (abort when
  // violated, for the same reason as set_status): is_valid_header_key(key) and, for values,
  // no CR or LF. A value with leading whitespace is accepted but the parser trims it.
  void add(std::string_view key, std::string_view value);

  // Replaces every field whose key equals `key` exactly with one field holding `value`, at the
  // position of the first of them; appends when there is none. Same preconditions as add().
  void set(std::string_view key, std::string_view value);

  // Removes every field whose key equals `key` exactly.
  void remove(std::string_view key);

  // The first value of `key`, compared exactly.
  std::optional<std::string_view> get(std::string_view key) const noexcept;

  // Every value of `key` (compared exactly), in order.
  std::vector<std::string_view> get_all(std::string_view key) const;

  // The first value whose key equals `key` ignoring ASCII case.
  std::optional<std::string_view> get_ci(std::string_view key) const noexcept;

  const std::vector<HeaderField>& fields() const noexcept { return fields_; }

  // Field count; the status line does not count ("NATS/1.0 503\r\n\r\n" is empty()).
  bool empty() const noexcept { return fields_.empty(); }
  std::size_t size() const noexcept { return fields_.size(); }

  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  int status_ = 0;
  std::string description_;
  std::vector<HeaderField> fields_;
};

// The encoded block, exactly: "NATS/1.0…\r\n", one "Key: Value\r\n" per field, "\r\n".
std::string encode_headers(const Headers& headers);

// Appends the encoded block to `out` (one reserve, no intermediate string).
void encode_headers_to(const Headers& headers, std::string& out);

// The number of bytes encode_headers() produces: the HPUB header size.
std::size_t encoded_size(const Headers& headers) noexcept;

// Parses a whole header block (exactly the #hdr bytes of an HPUB/HMSG). Fails with
// errc::kInvalidHeaderBlock when the preamble is not "NATS/1.0", the status is not 3 digits in
// 100..999, a line does not end in CRLF or contains a bare CR or LF, a field line has no ':' or
// an invalid key, the final blank line is missing, or bytes follow it.
quiver::Result<Headers> parse_headers(std::string_view block);

// The status line alone, as views into the caller's block. status is 0 when there is none.
struct HeaderView {
  int status = 0;
  std::string_view description;
};

// Parses only the first line of `block` (which must end in CRLF) with the rules of
// parse_headers(); no allocation. For hot paths that only route on the status (503, 100, 408).
quiver::Result<HeaderView> parse_status_line(std::string_view block) noexcept;

// The first value of `key` in `block`, comparing keys ignoring ASCII case, as a view into
// `block`; no allocation. Scans field lines until the blank line. nullopt when the key is
// absent or the block is malformed before the key is found (it is not fully validated).
std::optional<std::string_view> find_header_value(std::string_view block,
                                                  std::string_view key) noexcept;

}  // namespace quiver::codec
