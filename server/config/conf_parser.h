// Parser of the nats-server configuration file format into a generic tree (ConfValue).
//
// The format is nats-server's (conf/lex.go, conf/parse.go), checked against nats-server 2.9.10:
//   - `key = value`, `key: value` and `key value`; keys may be quoted; `;` or `,` may end a value.
//   - values: "double quoted" (escapes \t \n \r \" \\ \xHH), 'single quoted' (raw), unquoted
//     strings (escapes too), integers, floats, booleans (true/false/yes/no/on/off, any case),
//     ISO8601 Zulu datetimes (kept as strings), arrays [a, b] (commas or new lines), maps
//     {k: v} (`authorization { ... }` needs no separator), blocks `(` ... `)` on its own line.
//   - sizes: 1k = 1000, 1kb = 1ki = 1kib = 1024; likewise m, g, t, p, e (case-insensitive).
//   - comments `#` and `//`; a whole file may be wrapped in `{ }`.
//   - `$NAME` is the value of an earlier key NAME in the current map or an enclosing one, else
//     the environment variable NAME parsed as a value. `$2a$...` (bcrypt) stays a literal.
//   - `include path` merges another file's keys into the current map; the path is relative to
//     the including file's directory (even when it starts with '/', as in nats-server).
//
// Deliberate differences from nats-server 2.9.10, all of which only turn its crashes or silent
// misreadings into clear errors or sane values: include and environment-variable cycles are
// errors (nats-server overflows its stack); an unknown size suffix such as `1kbb` or an integer
// that overflows is an error (nats-server drops or wraps it); a key without a value and a stray
// top-level '}' are errors; `[1]` is an array of one integer (nats-server 2.9.10 fails on a
// number directly followed by ']').
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/config/conf_error.h"

namespace quiver::server::config {

// Where a value or key starts in its source. Errors are reported as "file:line:column".
struct SourcePos {
  std::shared_ptr<const std::string> file;  // null for text parsed without a name
  int line = 0;                             // 1-based
  int column = 0;                           // 1-based, in bytes

  std::string to_string() const;
};

struct ConfEntry;

struct ConfValue {
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kArray, kMap };
  using Array = std::vector<ConfValue>;
  // Insertion order is kept; a repeated key replaces the earlier value (last one wins).
  using Map = std::vector<ConfEntry>;

  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Map> data;
  SourcePos pos;
  // Set on a key's value once another value referenced it as $KEY. nats-server does not report
  // such keys as unknown fields: they are variable definitions.
  bool used_as_variable = false;

  Kind kind() const { return static_cast<Kind>(data.index()); }
  bool is_map() const { return kind() == Kind::kMap; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_int() const { return kind() == Kind::kInt; }

  // Accessors QV_CHECK the kind: callers test kind() first.
  bool as_bool() const;
  std::int64_t as_int() const;
  double as_double() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  const Map& as_map() const;
  Map& as_map();

  // Map lookup by exact key; null when absent or when this is not a map.
  const ConfValue* find(std::string_view key) const;
};

struct ConfEntry {
  std::string key;
  SourcePos key_pos;
  ConfValue value;
};

// "string", "integer", ...: for messages such as "expected a string, got an integer".
std::string_view kind_name(ConfValue::Kind kind);

struct ParseOptions {
  // Resolves $NAME when no key NAME is in scope. Defaults to the process environment.
  std::function<std::optional<std::string>(const std::string& name)> lookup_env;
};

// Parses a whole document; the result is always a map. `file_name` is used in error messages and
// as the base directory for includes (the current directory when empty).
ConfResult<ConfValue> parse_conf(std::string_view text, std::string_view file_name = {},
                                 const ParseOptions& options = {});

// Reads and parses `path`.
ConfResult<ConfValue> parse_conf_file(const std::string& path, const ParseOptions& options = {});

}  // namespace quiver::server::config
