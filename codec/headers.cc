#include "codec/headers.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "common/assert.h"

namespace quiver::codec {

namespace {

constexpr std::string_view kPreamble = "NATS/1.0";
constexpr std::string_view kCrlf = "\r\n";

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_line_break(char c) noexcept { return c == '\r' || c == '\n'; }

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ci(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool has_line_break(std::string_view s) noexcept {
  return s.find_first_of(std::string_view("\r\n", 2)) != std::string_view::npos;
}

std::string_view trim_leading_blanks(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  return s.substr(i);
}

std::string_view trim_trailing_blanks(std::string_view s) noexcept {
  std::size_t n = s.size();
  while (n > 0 && is_blank(s[n - 1])) --n;
  return s.substr(0, n);
}

// Misuse of the builder API would encode a block that parses as something else (header
// injection through a CR/LF in a value, say), so it stops the process.
void check_field(std::string_view key, std::string_view value) {
  QV_CHECK(is_valid_header_key(key), "invalid header key");
  QV_CHECK(!has_line_break(value), "header value with CR or LF");
}

std::error_code invalid() noexcept { return make_error_code(errc::kInvalidHeaderBlock); }

// Splits the line starting at `pos` off `block`. The line must end in CRLF and hold no other CR
// or LF. On success `line` excludes the CRLF and `pos` moves past it.
bool next_line(std::string_view block, std::size_t& pos, std::string_view& line) noexcept {
  std::size_t i = pos;
  while (i < block.size() && !is_line_break(block[i])) ++i;
  if (i + 1 >= block.size() || block[i] != '\r' || block[i + 1] != '\n') return false;
  line = block.substr(pos, i - pos);
  pos = i + 2;
  return true;
}

// The status line without its CRLF: "NATS/1.0", then optionally blanks, a 3-digit code in
// 100..999 and, after more blanks, a description (trimmed like nats.go's TrimSpace does).
bool parse_status(std::string_view line, HeaderView& out) noexcept {
  if (line.substr(0, kPreamble.size()) != kPreamble) return false;
  std::string_view rest = line.substr(kPreamble.size());
  out = HeaderView{};
  if (rest.empty()) return true;
  if (!is_blank(rest[0])) return false;  // "NATS/1.01", "NATS/1.0x"
  rest = trim_leading_blanks(rest);
  if (rest.empty()) return true;
  if (rest.size() < 3 || rest[0] < '1' || rest[0] > '9' || rest[1] < '0' || rest[1] > '9' ||
      rest[2] < '0' || rest[2] > '9') {
    return false;
  }
  if (rest.size() > 3 && !is_blank(rest[3])) return false;  // "5030", "503x"
  out.status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
  out.description = trim_trailing_blanks(trim_leading_blanks(rest.substr(3)));
  return true;
}

// A field line: the key runs to the first ':', the value is the rest minus leading blanks.
bool split_field(std::string_view line, std::string_view& key, std::string_view& value) noexcept {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  key = line.substr(0, colon);
  if (!is_valid_header_key(key)) return false;
  value = trim_leading_blanks(line.substr(colon + 1));
  return true;
}

}  // namespace

bool is_valid_header_key(std::string_view key) noexcept {
  if (key.empty()) return false;
  for (char c : key) {
    if (c == ':' || is_blank(c) || is_line_break(c)) return false;
  }
  return true;
}

bool is_valid_header_value(std::string_view value) noexcept {
  return !has_line_break(value) && (value.empty() || !is_blank(value.front()));
}

bool is_valid_status_description(std::string_view description) noexcept {
  return !has_line_break(description) &&
         (description.empty() || (!is_blank(description.front()) && !is_blank(description.back())));
}

void Headers::set_status(int code, std::string description) {
  QV_CHECK(code == 0 || (code >= 100 && code <= 999), "status code 0 or 100..999");
  QV_CHECK(!has_line_break(description), "status description without CR/LF");
  status_ = code;
  description_ = code == 0 ? std::string() : std::move(description);
}

void Headers::add(std::string_view key, std::string_view value) {
  check_field(key, value);
  fields_.push_back(HeaderField{std::string(key), std::string(value)});
}

void Headers::set(std::string_view key, std::string_view value) {
  check_field(key, value);
  auto first = std::find_if(fields_.begin(), fields_.end(),
                            [key](const HeaderField& f) { return f.key == key; });
  if (first == fields_.end()) {
    fields_.push_back(HeaderField{std::string(key), std::string(value)});
    return;
  }
  first->value.assign(value);
  fields_.erase(std::remove_if(first + 1, fields_.end(),
                               [key](const HeaderField& f) { return f.key == key; }),
                fields_.end());
}

void Headers::remove(std::string_view key) {
  std::erase_if(fields_, [key](const HeaderField& f) { return f.key == key; });
}

std::optional<std::string_view> Headers::get(std::string_view key) const noexcept {
  for (const auto& f : fields_) {
    if (f.key == key) return std::string_view(f.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view key) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_) {
    if (f.key == key) out.emplace_back(f.value);
  }
  return out;
}

std::optional<std::string_view> Headers::get_ci(std::string_view key) const noexcept {
  for (const auto& f : fields_) {
    if (equals_ci(f.key, key)) return std::string_view(f.value);
  }
  return std::nullopt;
}

std::size_t encoded_size(const Headers& headers) noexcept {
  std::size_t n = kPreamble.size() + kCrlf.size();
  if (headers.status() != 0) {
    n += 4;  // " 503"
    if (!headers.description().empty()) n += 1 + headers.description().size();
  }
  for (const auto& f : headers.fields()) n += f.key.size() + 2 + f.value.size() + kCrlf.size();
  return n + kCrlf.size();
}

void encode_headers_to(const Headers& headers, std::string& out) {
  out.reserve(out.size() + encoded_size(headers));
  out.append(kPreamble);
  if (headers.status() != 0) {
    char digits[3];
    std::to_chars(digits, digits + sizeof digits, headers.status());
    out.push_back(' ');
    out.append(digits, sizeof digits);
    if (!headers.description().empty()) {
      out.push_back(' ');
      out.append(headers.description());
    }
  }
  out.append(kCrlf);
  for (const auto& f : headers.fields()) {
    out.append(f.key);
    out.append(": ");
    out.append(f.value);
    out.append(kCrlf);
  }
  out.append(kCrlf);
}

std::string encode_headers(const Headers& headers) {
  std::string out;
  encode_headers_to(headers, out);
  return out;
}

quiver::Result<HeaderView> parse_status_line(std::string_view block) noexcept {
  std::size_t pos = 0;
  std::string_view line;
  HeaderView view;
  if (!next_line(block, pos, line) || !parse_status(line, view)) return invalid();
  return view;
}

quiver::Result<Headers> parse_headers(std::string_view block) {
  std::size_t pos = 0;
  std::string_view line;
  HeaderView view;
  if (!next_line(block, pos, line) || !parse_status(line, view)) return invalid();
  Headers headers;
  headers.set_status(view.status, std::string(view.description));
  for (;;) {
    if (!next_line(block, pos, line)) return invalid();
    if (line.empty()) break;
    std::string_view key;
    std::string_view value;
    if (!split_field(line, key, value)) return invalid();
    headers.add(key, value);
  }
  // The block is exactly #hdr bytes: anything after the blank line means a wrong size upstream.
  if (pos != block.size()) return invalid();
  return headers;
}

std::optional<std::string_view> find_header_value(std::string_view block,
                                                  std::string_view key) noexcept {
  std::size_t pos = 0;
  std::string_view line;
  HeaderView view;
  if (!next_line(block, pos, line) || !parse_status(line, view)) return std::nullopt;
  for (;;) {
    if (!next_line(block, pos, line) || line.empty()) return std::nullopt;
    std::string_view k;
    std::string_view v;
    if (!split_field(line, k, v)) return std::nullopt;
    if (equals_ci(k, key)) return v;
  }
}

}  // namespace quiver::codec
