#include "server/config/conf_parser.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/assert.h"

namespace quiver::server::config {

std::string SourcePos::to_string() const {
  std::string out = file ? *file : std::string("<config>");
  out += ':';
  out += std::to_string(line);
  out += ':';
  out += std::to_string(column);
  return out;
}

bool ConfValue::as_bool() const {
  QV_CHECK(kind() == Kind::kBool, "ConfValue is not a bool");
  return std::get<bool>(data);
}

std::int64_t ConfValue::as_int() const {
  QV_CHECK(kind() == Kind::kInt, "ConfValue is not an integer");
  return std::get<std::int64_t>(data);
}

double ConfValue::as_double() const {
  QV_CHECK(kind() == Kind::kDouble, "ConfValue is not a float");
  return std::get<double>(data);
}

const std::string& ConfValue::as_string() const {
  QV_CHECK(kind() == Kind::kString, "ConfValue is not a string");
  return std::get<std::string>(data);
}

const ConfValue::Array& ConfValue::as_array() const {
  QV_CHECK(kind() == Kind::kArray, "ConfValue is not an array");
  return std::get<Array>(data);
}

const ConfValue::Map& ConfValue::as_map() const {
  QV_CHECK(kind() == Kind::kMap, "ConfValue is not a map");
  return std::get<Map>(data);
}

ConfValue::Map& ConfValue::as_map() {
  QV_CHECK(kind() == Kind::kMap, "ConfValue is not a map");
  return std::get<Map>(data);
}

const ConfValue* ConfValue::find(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const ConfEntry& entry : as_map()) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

std::string_view kind_name(ConfValue::Kind kind) {
  switch (kind) {
    case ConfValue::Kind::kNull:
      return "nothing";
    case ConfValue::Kind::kBool:
      return "a boolean";
    case ConfValue::Kind::kInt:
      return "an integer";
    case ConfValue::Kind::kDouble:
      return "a float";
    case ConfValue::Kind::kString:
      return "a string";
    case ConfValue::Kind::kArray:
      return "an array";
    case ConfValue::Kind::kMap:
      return "a map";
  }
  return "a value";
}

namespace {

// Deep enough for any real config; bounds recursion on hostile input.
constexpr int kMaxNesting = 200;
constexpr int kMaxIncludeDepth = 64;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_nl(char c) { return c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_size_letter(char c) {
  switch (c) {
    case 'k':
    case 'K':
    case 'm':
    case 'M':
    case 'g':
    case 'G':
    case 't':
    case 'T':
    case 'p':
    case 'P':
    case 'e':
    case 'E':
      return true;
    default:
      return false;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string quote_char(char c) {
  switch (c) {
    case '\n':
      return "'\\n'";
    case '\r':
      return "'\\r'";
    case '\t':
      return "'\\t'";
    default:
      return std::string("'") + c + "'";
  }
}

std::optional<std::string> env_from_process(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

ConfResult<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return conf_error(errc::kIo, "cannot open '" + path + "': " + std::strerror(errno));
  }
  std::string data;
  char buf[8192];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) return conf_error(errc::kIo, "cannot read '" + path + "': " + std::strerror(err));
  return data;
}

std::string canonical_key(const std::filesystem::path& p) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : canonical.string();
}

void set_entry(ConfValue::Map& map, std::string key, SourcePos key_pos, ConfValue value) {
  for (ConfEntry& entry : map) {
    if (entry.key == key) {
      entry.key_pos = std::move(key_pos);
      entry.value = std::move(value);
      return;
    }
  }
  map.push_back(ConfEntry{std::move(key), std::move(key_pos), std::move(value)});
}

// State shared by a document, its includes and the environment values it expands.
struct Context {
  ParseOptions options;
  std::vector<std::string> include_stack;  // canonical paths, outermost first
  std::vector<std::string> env_stack;      // environment variables being expanded
};

class Parser {
 public:
  Parser(std::string_view src, std::shared_ptr<const std::string> file,
         std::filesystem::path base_dir, Context& ctx)
      : src_(src), file_(std::move(file)), base_dir_(std::move(base_dir)), ctx_(ctx) {}

  ConfResult<ConfValue> parse_document() {
    ConfValue root;
    root.data = ConfValue::Map{};
    root.pos = pos_here();
    scopes_.push_back(&root.as_map());
    int braces = 0;  // a document may be wrapped in { }, as JSON is
    for (;;) {
      skip_spaces();
      if (eof()) break;
      const char c = peek();
      if (c == '{') {
        ++braces;
        advance();
        continue;
      }
      if (c == '}') {
        if (braces == 0) return error(errc::kSyntax, pos_here(), "unexpected '}'");
        --braces;
        advance();
        continue;
      }
      if (c == '#' || (c == '/' && peek(1) == '/')) {
        skip_comment();
        continue;
      }
      if (c == '/') return error(errc::kSyntax, pos_here(), "unexpected '/'");
      QV_TRY(parse_entry(root.as_map(), /*in_map=*/false));
      QV_TRY(top_value_end(braces));
    }
    scopes_.pop_back();
    return root;
  }

 private:
  // ---- cursor ----
  bool eof() const { return pos_ >= src_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  void advance() {
    if (src_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  SourcePos pos_here() const {
    return SourcePos{file_, line_, static_cast<int>(pos_ - line_start_) + 1};
  }
  void skip_spaces() {
    while (!eof() && is_space(peek())) advance();
  }
  void skip_blanks() {
    while (!eof() && is_blank(peek())) advance();
  }
  // From '#' or "//" up to (not including) the end of the line.
  void skip_comment() {
    while (!eof() && !is_nl(peek())) advance();
  }

  ConfError error(errc code, const SourcePos& at, std::string_view what) const {
    return conf_error(code, at.to_string() + ": " + std::string(what));
  }
  ConfError unexpected(std::string_view context) const {
    if (eof()) return error(errc::kSyntax, pos_here(), std::string(context) + ", got end of file");
    return error(errc::kSyntax, pos_here(),
                 std::string(context) + ", got " + quote_char(peek()) + " instead");
  }

  // ---- structure ----
  ConfResult<void> top_value_end(int& braces) {
    for (;;) {
      skip_blanks();
      if (eof()) return success();
      const char c = peek();
      if (c == '#' || (c == '/' && peek(1) == '/')) {
        skip_comment();
        continue;
      }
      if (c == '/') {  // nats-server skips a lone '/' here like a blank
        advance();
        continue;
      }
      if (is_nl(c) || c == ';' || c == ',') {
        advance();
        return success();
      }
      if (c == '}') {
        if (braces > 0) --braces;
        advance();
        return success();
      }
      return unexpected("expected a new line, ';', ',' or a comment after a top-level value");
    }
  }

  // One `key [sep] value` (or `include path`) into `map`.
  ConfResult<void> parse_entry(ConfValue::Map& map, bool in_map) {
    const SourcePos key_pos = pos_here();
    const char first = peek();
    if (first == '=' || first == ':') {
      return error(errc::kSyntax, key_pos,
                   std::string("unexpected key separator ") + quote_char(first));
    }
    if (in_map && (first == ',' || first == ';' || first == ']')) {
      return error(errc::kSyntax, key_pos,
                   std::string("expected a key, got ") + quote_char(first) + " instead");
    }
    std::string key;
    if (first == '"' || first == '\'') {
      advance();
      const std::size_t start = pos_;
      while (!eof() && peek() != first) advance();
      if (eof()) return error(errc::kSyntax, key_pos, "unterminated quoted key");
      key.assign(src_.substr(start, pos_ - start));
      advance();
    } else {
      const std::size_t start = pos_;
      while (!eof() && !is_space(peek()) && peek() != '=' && peek() != ':') advance();
      key.assign(src_.substr(start, pos_ - start));
      if (!eof() && is_space(peek()) && lower(key) == "include") {
        return parse_include(map, key_pos);
      }
    }
    skip_spaces();
    bool separator = false;
    if (!eof() && (peek() == '=' || peek() == ':')) {
      advance();
      separator = true;
    }
    if (in_map) {
      skip_spaces();
      if (eof() || peek() == ',' || peek() == '}') {
        return unexpected("expected a value for key \"" + key + "\"");
      }
    } else if (!separator && eof()) {
      return unexpected("expected a value for key \"" + key + "\"");
    }
    QV_TRY(auto value, parse_value());
    set_entry(map, std::move(key), key_pos, std::move(value));
    return success();
  }

  ConfResult<ConfValue> parse_value() {
    skip_blanks();
    const SourcePos at = pos_here();
    if (eof()) return unexpected("expected a value");
    const char c = peek();
    if (++nesting_ > kMaxNesting) return error(errc::kSyntax, at, "values nested too deeply");
    ConfResult<ConfValue> result = [&]() -> ConfResult<ConfValue> {
      switch (c) {
        case '[':
          return parse_array();
        case '{':
          return parse_map();
        case '\'':
          return parse_single_quoted();
        case '"':
          return parse_double_quoted();
        case '-':
          return parse_negative_number();
        case '(':
          return parse_block();
        case '.':
          return error(errc::kSyntax, at, "floats must start with a digit");
        case '\n':
        case '\r':
          return error(errc::kSyntax, at, "expected a value but found a new line");
        default:
          if (is_digit(c)) return parse_number();
          return parse_unquoted(pos_, at);
      }
    }();
    --nesting_;
    return result;
  }

  ConfResult<ConfValue> parse_array() {
    ConfValue out;
    out.pos = pos_here();
    out.data = ConfValue::Array{};
    auto& array = std::get<ConfValue::Array>(out.data);
    advance();  // '['
    for (;;) {
      skip_spaces();
      if (eof()) return error(errc::kSyntax, out.pos, "unterminated array, expected ']'");
      const char c = peek();
      if (c == '#' || (c == '/' && peek(1) == '/')) {
        skip_comment();
        continue;
      }
      if (c == ',') return unexpected("expected an array element");
      if (c == ']') {
        advance();
        return out;
      }
      QV_TRY(auto element, parse_value());
      array.push_back(std::move(element));
      QV_TRY(auto after, after_item(out.pos, ']', ",", "unterminated array, expected ']'",
                                    "expected ',' or ']' after an array element"));
      if (after == AfterItem::kClosed) return out;
    }
  }

  enum class AfterItem { kNext, kClosed };

  // What may follow an array element or a map entry: blanks, comments and stray '/', then a
  // separator (a new line or one of `separators`) or the closing character.
  ConfResult<AfterItem> after_item(const SourcePos& opened, char closer,
                                   std::string_view separators, std::string_view unterminated,
                                   std::string_view expected) {
    for (;;) {
      skip_blanks();
      if (eof()) return error(errc::kSyntax, opened, unterminated);
      const char d = peek();
      if (d == '#' || (d == '/' && peek(1) == '/')) {
        skip_comment();
        continue;
      }
      if (d == '/') {
        advance();
        continue;
      }
      if (is_nl(d) || separators.find(d) != std::string_view::npos) {
        advance();
        return AfterItem::kNext;
      }
      if (d == closer) {
        advance();
        return AfterItem::kClosed;
      }
      return unexpected(expected);
    }
  }

  ConfResult<ConfValue> parse_map() {
    ConfValue out;
    out.pos = pos_here();
    out.data = ConfValue::Map{};
    advance();  // '{'
    scopes_.push_back(&out.as_map());
    for (;;) {
      skip_spaces();
      if (eof()) return error(errc::kSyntax, out.pos, "unterminated map, expected '}'");
      const char c = peek();
      if (c == '}') {
        advance();
        break;
      }
      if (c == '#' || (c == '/' && peek(1) == '/')) {
        skip_comment();
        continue;
      }
      QV_TRY(parse_entry(out.as_map(), /*in_map=*/true));
      QV_TRY(auto after, after_item(out.pos, '}', ",;", "unterminated map, expected '}'",
                                    "expected ',', ';', a new line or '}' after a map value"));
      if (after == AfterItem::kClosed) break;
    }
    scopes_.pop_back();
    return out;
  }

  ConfResult<ConfValue> make_string(const SourcePos& at, std::string s) {
    ConfValue v;
    v.pos = at;
    v.data = std::move(s);
    return v;
  }

  ConfResult<ConfValue> parse_single_quoted() {
    const SourcePos at = pos_here();
    advance();
    const std::size_t start = pos_;
    while (!eof() && peek() != '\'') advance();
    if (eof()) return error(errc::kSyntax, at, "unterminated string");
    std::string s(src_.substr(start, pos_ - start));
    advance();
    return make_string(at, std::move(s));
  }

  ConfResult<ConfValue> parse_double_quoted() {
    const SourcePos at = pos_here();
    advance();
    std::string s;
    for (;;) {
      if (eof()) return error(errc::kSyntax, at, "unterminated string");
      const char c = peek();
      if (c == '"') {
        advance();
        return make_string(at, std::move(s));
      }
      if (c == '\\') {
        advance();
        QV_TRY(parse_escape(s));
        continue;
      }
      s += c;
      advance();
    }
  }

  // After a backslash, in double-quoted and unquoted strings.
  ConfResult<void> parse_escape(std::string& out) {
    const SourcePos at = pos_here();
    if (eof()) return error(errc::kSyntax, at, "unterminated escape sequence");
    const char c = peek();
    advance();
    switch (c) {
      case 't':
        out += '\t';
        return success();
      case 'n':
        out += '\n';
        return success();
      case 'r':
        out += '\r';
        return success();
      case '"':
        out += '"';
        return success();
      case '\\':
        out += '\\';
        return success();
      case 'x': {
        if (pos_ + 2 > src_.size() || is_nl(peek()) || is_nl(peek(1))) {
          return error(errc::kSyntax, at, "expected two hexadecimal digits after '\\x'");
        }
        const std::string_view hex = src_.substr(pos_, 2);
        unsigned value = 0;
        auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + 2, value, 16);
        if (ec != std::errc() || ptr != hex.data() + 2) {
          return error(
              errc::kSyntax, at,
              "expected two hexadecimal digits after '\\x', got '" + std::string(hex) + "'");
        }
        advance();
        advance();
        out += static_cast<char>(value);
        return success();
      }
      default:
        return error(errc::kSyntax, at,
                     "invalid escape character " + quote_char(c) +
                         "; only \\xXX, \\t, \\n, \\r, \\\" and \\\\ are allowed");
    }
  }

  // An unquoted string starting at `start` (the cursor may already be past it, when a number
  // turned out to be text such as "12abc").
  ConfResult<ConfValue> parse_unquoted(std::size_t start, const SourcePos& at) {
    std::string s(src_.substr(start, pos_ - start));
    bool escaped = false;
    for (;;) {
      if (eof()) break;
      const char c = peek();
      if (is_nl(c) || is_blank(c) || c == ';' || c == ',' || c == ']' || c == '}') break;
      if (c == '\\') {
        advance();
        QV_TRY(parse_escape(s));
        escaped = true;
        continue;
      }
      if (c == '\'') {  // nats-server ends the string here and drops the quote
        advance();
        return make_string(at, std::move(s));
      }
      s += c;
      advance();
    }
    if (!escaped) {
      const std::string l = lower(s);
      if (l == "true" || l == "yes" || l == "on" || l == "false" || l == "no" || l == "off") {
        ConfValue v;
        v.pos = at;
        v.data = (l == "true" || l == "yes" || l == "on");
        return v;
      }
      if (!s.empty() && s[0] == '$') return resolve_variable(s.substr(1), at);
    }
    return make_string(at, std::move(s));
  }

  ConfResult<ConfValue> parse_block() {
    const SourcePos at = pos_here();
    advance();  // '('
    const std::size_t start = pos_;
    // The block ends at a ')' alone on its line; the text keeps the new line before it.
    while (!eof()) {
      if (peek() == ')' && pos_ > start && src_[pos_ - 1] == '\n' &&
          (pos_ + 1 == src_.size() || src_[pos_ + 1] == '\n')) {
        std::string s(src_.substr(start, pos_ - start));
        advance();
        return make_string(at, std::move(s));
      }
      advance();
    }
    return error(errc::kSyntax, at, "unterminated block, expected ')' alone on a line");
  }

  // Where a number may end and still be a number (nats-server's rule, plus ']').
  bool ends_number() const {
    if (eof()) return true;
    const char c = peek();
    return is_nl(c) || is_blank(c) || c == '}' || c == ']' || c == ';' || c == ',' || is_digit(c);
  }

  ConfResult<ConfValue> parse_number() {
    const SourcePos at = pos_here();
    const std::size_t start = pos_;
    while (!eof() && is_digit(peek())) advance();
    if (eof()) return make_integer(at, start);
    const char c = peek();
    if (c == '-') {
      if (pos_ - start != 4) {
        return error(errc::kSyntax, at, "dates must be in full ISO8601 Zulu form");
      }
      return parse_datetime(at, start);
    }
    if (c == '.') {
      advance();
      return parse_fraction(at, start);
    }
    if (is_size_letter(c)) {
      advance();
      return parse_size_suffix(at, start);
    }
    if (ends_number()) return make_integer(at, start);
    return parse_unquoted(start, at);
  }

  ConfResult<ConfValue> parse_negative_number() {
    const SourcePos at = pos_here();
    const std::size_t start = pos_;
    advance();  // '-'
    if (eof() || !is_digit(peek())) {
      if (peek() == '.') return error(errc::kSyntax, at, "floats must start with a digit");
      return unexpected("expected a digit after '-'");
    }
    while (!eof() && is_digit(peek())) advance();
    if (!eof() && peek() == '.') {
      advance();
      return parse_fraction(at, start);
    }
    if (!eof() && is_size_letter(peek())) {
      advance();
      return parse_size_suffix(at, start);
    }
    return make_integer(at, start);
  }

  // After "<digits>." : a float, or an IP address such as 127.0.0.1:4222 (then a string).
  ConfResult<ConfValue> parse_fraction(const SourcePos& at, std::size_t start) {
    if (eof() || !is_digit(peek())) return unexpected("floats must have a digit after the '.'");
    while (!eof() && is_digit(peek())) advance();
    if (!eof() && peek() == '.') {
      while (!eof() && (is_digit(peek()) || peek() == '.' || peek() == ':' || peek() == '-')) {
        advance();
      }
      return make_string(at, std::string(src_.substr(start, pos_ - start)));
    }
    const std::string_view text = src_.substr(start, pos_ - start);
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return error(errc::kSyntax, at, "float '" + std::string(text) + "' is out of range");
    }
    ConfValue v;
    v.pos = at;
    v.data = value;
    return v;
  }

  // After "<digits><k|m|g|t|p|e>": more b/i letters, then it must end like a number, or the
  // whole thing is text (nats-server: "1Gx" is the string "1Gx").
  ConfResult<ConfValue> parse_size_suffix(const SourcePos& at, std::size_t start) {
    while (!eof() && (peek() == 'b' || peek() == 'B' || peek() == 'i' || peek() == 'I')) advance();
    if (ends_number()) return make_integer(at, start);
    return parse_unquoted(start, at);
  }

  ConfResult<ConfValue> make_integer(const SourcePos& at, std::size_t start) {
    const std::string_view text = src_.substr(start, pos_ - start);
    std::size_t digits_end = 0;
    while (digits_end < text.size() && (is_digit(text[digits_end]) || text[digits_end] == '-')) {
      ++digits_end;
    }
    std::int64_t number = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits_end, number);
    if (ec == std::errc::result_out_of_range) {
      return error(errc::kSyntax, at, "integer '" + std::string(text) + "' is out of range");
    }
    if (ec != std::errc() || ptr != text.data() + digits_end) {
      return error(errc::kSyntax, at, "expected an integer, got '" + std::string(text) + "'");
    }
    const std::string suffix = lower(text.substr(digits_end));
    std::int64_t multiplier = 1;
    if (!suffix.empty()) {
      int power = 0;
      switch (suffix[0]) {
        case 'k':
          power = 1;
          break;
        case 'm':
          power = 2;
          break;
        case 'g':
          power = 3;
          break;
        case 't':
          power = 4;
          break;
        case 'p':
          power = 5;
          break;
        case 'e':
          power = 6;
          break;
      }
      const std::string_view rest = std::string_view(suffix).substr(1);
      std::int64_t base = 0;
      if (rest.empty()) {
        base = 1000;
      } else if (rest == "b" || rest == "i" || rest == "ib") {
        base = 1024;
      } else {
        return error(errc::kSyntax, at, "invalid size suffix in '" + std::string(text) + "'");
      }
      for (int i = 0; i < power; ++i) multiplier *= base;
    }
    std::int64_t value = 0;
    if (__builtin_mul_overflow(number, multiplier, &value)) {
      return error(errc::kSyntax, at, "integer '" + std::string(text) + "' is out of range");
    }
    ConfValue v;
    v.pos = at;
    v.data = value;
    return v;
  }

  // After "YYYY": "-MM-DDTHH:MM:SSZ". Kept as a string: no nats-server option takes a date.
  ConfResult<ConfValue> parse_datetime(const SourcePos& at, std::size_t start) {
    static constexpr std::string_view kShape = "-00-00T00:00:00Z";
    for (char expected : kShape) {
      if (eof()) return unexpected("expected an ISO8601 Zulu datetime (YYYY-MM-DDTHH:MM:SSZ)");
      const char c = peek();
      if (expected == '0' ? !is_digit(c) : c != expected) {
        return unexpected("expected an ISO8601 Zulu datetime (YYYY-MM-DDTHH:MM:SSZ)");
      }
      advance();
    }
    const std::string text(src_.substr(start, pos_ - start));
    auto field = [&](std::size_t off) { return (text[off] - '0') * 10 + (text[off + 1] - '0'); };
    const int month = field(5), day = field(8), hour = field(11), minute = field(14),
              second = field(17);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      return error(errc::kSyntax, at, "invalid datetime '" + text + "'");
    }
    return make_string(at, text);
  }

  // ---- variables and includes ----
  ConfResult<ConfValue> resolve_variable(const std::string& name, const SourcePos& at) {
    if (name.rfind("2a$", 0) == 0) return make_string(at, "$" + name);  // a bcrypt hash
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      for (ConfEntry& entry : **it) {
        if (entry.key != name) continue;
        entry.value.used_as_variable = true;
        ConfValue copy = entry.value;
        copy.used_as_variable = false;
        copy.pos = at;
        return copy;
      }
    }
    const auto& lookup = ctx_.options.lookup_env;
    std::optional<std::string> env = lookup ? lookup(name) : env_from_process(name);
    if (!env) {
      return error(errc::kUndefinedVariable, at,
                   "variable reference for '" + name + "' can not be found");
    }
    if (std::find(ctx_.env_stack.begin(), ctx_.env_stack.end(), name) != ctx_.env_stack.end()) {
      std::string chain;
      for (const auto& n : ctx_.env_stack) chain += "$" + n + " -> ";
      return error(errc::kCycle, at, "environment variable cycle: " + chain + "$" + name);
    }
    // Like nats-server, the value is parsed as the right-hand side of "pk=<value>", so an
    // environment variable can hold a number, a size, a list or a map.
    ctx_.env_stack.push_back(name);
    const std::string text = "pk=" + *env;
    Parser inner(text, std::make_shared<const std::string>("$" + name), ".", ctx_);
    ConfResult<ConfValue> parsed = inner.parse_document();
    ctx_.env_stack.pop_back();
    if (!parsed) {
      return ConfError{parsed.error().code, at.to_string() + ": in environment variable '" + name +
                                                "': " + parsed.error().message};
    }
    const ConfValue* value = parsed.value().find("pk");
    if (value == nullptr) {
      return error(errc::kSyntax, at, "environment variable '" + name + "' holds no value");
    }
    ConfValue copy = *value;
    copy.pos = at;
    return copy;
  }

  ConfResult<void> parse_include(ConfValue::Map& map, const SourcePos& at) {
    skip_blanks();
    if (eof()) return error(errc::kSyntax, at, "expected an include path");
    const char c = peek();
    std::string path;
    if (c == '\'' || c == '"') {
      advance();
      const std::size_t start = pos_;
      while (!eof() && peek() != c) advance();
      if (eof()) return error(errc::kSyntax, at, "unterminated include path");
      path.assign(src_.substr(start, pos_ - start));
      advance();
    } else if (c == '[' || c == '{' || c == '(' || c == '-' || c == '\\' || is_digit(c) ||
               is_nl(c)) {
      return unexpected("expected an include path");
    } else {
      const std::size_t start = pos_;
      while (!eof() && !is_nl(peek()) && !is_blank(peek()) && peek() != ';' && peek() != '}' &&
             peek() != '\'') {
        advance();
      }
      path.assign(src_.substr(start, pos_ - start));
      if (!eof() && peek() == '\'') advance();
    }
    // Go's filepath.Join: the path is appended to the including file's directory even when it
    // is absolute.
    std::string relative = path;
    while (!relative.empty() && relative[0] == '/') relative.erase(0, 1);
    const std::filesystem::path full = (base_dir_ / relative).lexically_normal();
    const std::string key = canonical_key(full);
    if (std::find(ctx_.include_stack.begin(), ctx_.include_stack.end(), key) !=
        ctx_.include_stack.end()) {
      std::string chain;
      for (const auto& p : ctx_.include_stack) chain += p + " -> ";
      return error(errc::kCycle, at, "include cycle: " + chain + key);
    }
    if (ctx_.include_stack.size() >= static_cast<std::size_t>(kMaxIncludeDepth)) {
      return error(errc::kCycle, at, "includes nested too deeply");
    }
    ConfResult<std::string> text = read_file(full.string());
    if (!text) {
      return error(errc::kIo, at, "cannot include '" + path + "': " + text.error().message);
    }
    ctx_.include_stack.push_back(key);
    Parser inner(text.value(), std::make_shared<const std::string>(full.string()),
                 full.parent_path(), ctx_);
    ConfResult<ConfValue> parsed = inner.parse_document();
    ctx_.include_stack.pop_back();
    if (!parsed) return parsed.error();
    for (ConfEntry& entry : parsed.value().as_map()) {
      set_entry(map, std::move(entry.key), std::move(entry.key_pos), std::move(entry.value));
    }
    return success();
  }

  std::string_view src_;
  std::shared_ptr<const std::string> file_;
  std::filesystem::path base_dir_;
  Context& ctx_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  int nesting_ = 0;
  std::vector<ConfValue::Map*> scopes_;  // maps being built, for $NAME lookups
};

std::filesystem::path base_dir_of(std::string_view file_name) {
  if (file_name.empty()) return ".";
  std::filesystem::path dir = std::filesystem::path(file_name).parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

}  // namespace

ConfResult<ConfValue> parse_conf(std::string_view text, std::string_view file_name,
                                 const ParseOptions& options) {
  Context ctx{options, {}, {}};
  std::shared_ptr<const std::string> file;
  if (!file_name.empty()) {
    file = std::make_shared<const std::string>(file_name);
    ctx.include_stack.push_back(canonical_key(std::filesystem::path(file_name)));
  }
  Parser parser(text, std::move(file), base_dir_of(file_name), ctx);
  return parser.parse_document();
}

ConfResult<ConfValue> parse_conf_file(const std::string& path, const ParseOptions& options) {
  QV_TRY(auto text, read_file(path));
  return parse_conf(text, path, options);
}

}  // namespace quiver::server::config
