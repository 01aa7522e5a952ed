#include "codec/protocol_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstddef>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/json/basic_parser_impl.hpp>

#include "codec/errc.h"

namespace quiver::codec {
namespace {

// ---------------------------------------------------------------------------------------------
// Field tables. One row per Go struct field, in Go's declaration order, which is the order
// encoding/json writes them in.

template <class T>
using MemberPtr =
    std::variant<bool T::*, int T::*, std::int64_t T::*, std::uint64_t T::*, std::uint8_t T::*,
                 std::string T::*, std::optional<std::string> T::*, std::vector<std::string> T::*,
                 std::vector<std::uint8_t> T::*, std::optional<SubjectPermission> T::*>;

template <class T>
struct Field {
  std::string_view name;
  MemberPtr<T> member;
  bool omit_empty = false;  // Go's ",omitempty"
};

constexpr Field<SubjectPermission> kPermissionFields[] = {
    {"allow", &SubjectPermission::allow, true},
    {"deny", &SubjectPermission::deny, true},
};

constexpr Field<ServerInfo> kInfoFields[] = {
    {"server_id", &ServerInfo::server_id, false},
    {"server_name", &ServerInfo::server_name, false},
    {"version", &ServerInfo::version, false},
    {"proto", &ServerInfo::proto, false},
    {"git_commit", &ServerInfo::git_commit, true},
    {"go", &ServerInfo::go, false},
    {"host", &ServerInfo::host, false},
    {"port", &ServerInfo::port, false},
    {"headers", &ServerInfo::headers, false},
    {"auth_required", &ServerInfo::auth_required, true},
    {"tls_required", &ServerInfo::tls_required, true},
    {"tls_verify", &ServerInfo::tls_verify, true},
    {"tls_available", &ServerInfo::tls_available, true},
    {"max_payload", &ServerInfo::max_payload, false},
    {"jetstream", &ServerInfo::jetstream, true},
    {"ip", &ServerInfo::ip, true},
    {"client_id", &ServerInfo::client_id, true},
    {"client_ip", &ServerInfo::client_ip, true},
    {"nonce", &ServerInfo::nonce, true},
    {"cluster", &ServerInfo::cluster, true},
    {"cluster_dynamic", &ServerInfo::cluster_dynamic, true},
    {"domain", &ServerInfo::domain, true},
    {"connect_urls", &ServerInfo::connect_urls, true},
    {"ws_connect_urls", &ServerInfo::ws_connect_urls, true},
    {"ldm", &ServerInfo::ldm, true},
    {"import", &ServerInfo::import_permission, true},
    {"export", &ServerInfo::export_permission, true},
    {"lnoc", &ServerInfo::lnoc, true},
    {"info_on_connect", &ServerInfo::info_on_connect, true},
    {"connect_info", &ServerInfo::connect_info, true},
    {"gateway", &ServerInfo::gateway, true},
    {"gateway_urls", &ServerInfo::gateway_urls, true},
    {"gateway_url", &ServerInfo::gateway_url, true},
    {"gateway_cmd", &ServerInfo::gateway_cmd, true},
    {"gateway_cmd_payload", &ServerInfo::gateway_cmd_payload, true},
    {"gateway_nrp", &ServerInfo::gateway_nrp, true},
    {"gateway_iom", &ServerInfo::gateway_iom, true},
    {"leafnode_urls", &ServerInfo::leafnode_urls, true},
    {"remote_account", &ServerInfo::remote_account, true},
    {"xkey", &ServerInfo::xkey, true},
};

// Decoding only needs the names (ClientOpts of 2.9.10, probed field by field against the real
// server); the order and omit flags are nats.go's connectInfo, which is what clients send.
constexpr Field<ConnectOptions> kConnectFields[] = {
    {"verbose", &ConnectOptions::verbose, false},
    {"pedantic", &ConnectOptions::pedantic, false},
    {"jwt", &ConnectOptions::jwt, true},
    {"nkey", &ConnectOptions::nkey, true},
    {"sig", &ConnectOptions::sig, true},
    {"user", &ConnectOptions::user, true},
    {"pass", &ConnectOptions::pass, true},
    {"auth_token", &ConnectOptions::auth_token, true},
    {"tls_required", &ConnectOptions::tls_required, false},
    {"name", &ConnectOptions::name, true},
    {"lang", &ConnectOptions::lang, false},
    {"version", &ConnectOptions::version, false},
    {"protocol", &ConnectOptions::protocol, false},
    {"echo", &ConnectOptions::echo, false},
    {"headers", &ConnectOptions::headers, false},
    {"no_responders", &ConnectOptions::no_responders, false},
    {"account", &ConnectOptions::account, true},
    {"new_account", &ConnectOptions::new_account, true},
    {"import", &ConnectOptions::import_permission, true},
    {"export", &ConnectOptions::export_permission, true},
};

// ---------------------------------------------------------------------------------------------
// UTF-8 and strings, the way Go sees them.

// Length of the valid UTF-8 sequence at s[i], or 0 where Go's utf8.DecodeRune reports
// (RuneError, 1): bad lead byte, bad or missing continuation, overlong, surrogate, > U+10FFFF.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Go's decoder turns every byte that does not start a valid UTF-8 sequence into U+FFFD.
void replace_invalid_utf8(std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return;
  std::string fixed(s, 0, i);
  while (i < s.size()) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      fixed += kReplacementChar;
      ++i;
    } else {
      fixed.append(s, i, n);
      i += n;
    }
  }
  s = std::move(fixed);
}

// Go's encodeState.string with HTML escaping on (what json.Marshal does). Go 1.19 has no short
// forms for \b and \f: they are \u0008 and \u000c.
void append_go_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t start = 0;  // s[start, i) is still to be copied verbatim
  std::size_t i = 0;
  auto flush = [&] { out.append(s.data() + start, i - start); };
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        ++i;
        continue;
      }
      flush();
      switch (b) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += "\\u00";
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 0xF]);
      }
      start = ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      flush();
      out += "\\ufffd";
      start = ++i;
      continue;
    }
    // U+2028 and U+2029 break JavaScript string literals; Go escapes them.
    if (n == 3 && b == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      flush();
      out += (static_cast<unsigned char>(s[i + 2]) == 0xA8) ? "\\u2028" : "\\u2029";
      i += 3;
      start = i;
      continue;
    }
    i += n;
  }
  flush();
  out.push_back('"');
}

// encoding/json matches a key to a field name case-insensitively. For names containing 'k' or
// 's' it also accepts the Kelvin sign (U+212A) and the long s (U+017F), which fold to them
// (fold.go equalFoldRight). Observed (2.9.10): {"verbo\u017fe":false} turns verbose off.
bool go_fold_equal(std::string_view name, std::string_view key) {
  std::size_t j = 0;
  for (const char nc : name) {
    if (j >= key.size()) return false;
    const auto kb = static_cast<unsigned char>(key[j]);
    if (kb < 0x80) {
      if (static_cast<unsigned char>(nc) != kb) {
        const unsigned upper = static_cast<unsigned char>(nc) & 0xDF;
        if (upper < 'A' || upper > 'Z' || (kb & 0xDF) != upper) return false;
      }
      ++j;
      continue;
    }
    if ((nc == 's' || nc == 'S') && key.substr(j, 2) == "\xC5\xBF") {
      j += 2;
    } else if ((nc == 'k' || nc == 'K') && key.substr(j, 3) == "\xE2\x84\xAA") {
      j += 3;
    } else {
      return false;
    }
  }
  return j == key.size();
}

// ---------------------------------------------------------------------------------------------
// base64 (Go's base64.StdEncoding, which encoding/json uses for []byte).

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_base64(std::string& out, const std::vector<std::uint8_t>& in) {
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back(kBase64[v & 63]);
  }
  if (i + 1 == in.size()) {
    const unsigned v = in[i] << 16;
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (in[i] << 16) | (in[i + 1] << 8);
    out.push_back(kBase64[v >> 18]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back('=');
  }
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Go's StdEncoding.Decode: CR and LF are skipped anywhere, padding is required, nothing may
// follow it, and non-zero trailing bits are accepted.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view in) {
  std::string s;
  s.reserve(in.size());
  for (const char c : in) {
    if (c != '\r' && c != '\n') s.push_back(c);
  }
  if (s.size() % 4 != 0) return std::nullopt;
  std::size_t data = s.size();  // characters before the padding
  if (data > 0 && s[data - 1] == '=') --data;
  if (data > 0 && s[data - 1] == '=' && data == s.size() - 1) --data;
  std::vector<std::uint8_t> out;
  out.reserve(data * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data; ++i) {
    const int v = base64_value(s[i]);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoding.

template <class T>
void encode_object(const T& obj, std::span<const Field<T>> fields, std::string& out);

template <class V>
bool is_empty_value(const V& v) {
  if constexpr (std::is_arithmetic_v<V>) {
    return v == 0;
  } else if constexpr (std::is_same_v<V, std::optional<std::string>>) {
    return !v || v->empty();
  } else if constexpr (std::is_same_v<V, std::optional<SubjectPermission>>) {
    return !v.has_value();
  } else {
    return v.empty();
  }
}

template <class V>
void append_value(std::string& out, const V& v) {
  if constexpr (std::is_same_v<V, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_integral_v<V>) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  } else if constexpr (std::is_same_v<V, std::string>) {
    append_go_string(out, v);
  } else if constexpr (std::is_same_v<V, std::optional<std::string>>) {
    append_go_string(out, v.value_or(std::string()));
  } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
    out.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_go_string(out, v[i]);
    }
    out.push_back(']');
  } else if constexpr (std::is_same_v<V, std::vector<std::uint8_t>>) {
    out.push_back('"');
    append_base64(out, v);
    out.push_back('"');
  } else {
    static_assert(std::is_same_v<V, std::optional<SubjectPermission>>);
    if (v) {
      encode_object<SubjectPermission>(*v, kPermissionFields, out);
    } else {
      out += "null";
    }
  }
}

template <class T>
void encode_object(const T& obj, std::span<const Field<T>> fields, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const Field<T>& field : fields) {
    std::visit(
        [&](auto member) {
          const auto& value = obj.*member;
          if (field.omit_empty && is_empty_value(value)) return;
          if (!first) out.push_back(',');
          first = false;
          out.push_back('"');
          out += field.name;  // plain ASCII: never needs escaping
          out += "\":";
          append_value(out, value);
        },
        field.member);
  }
  out.push_back('}');
}

// ---------------------------------------------------------------------------------------------
// Decoding.

// encoding/json's scanner refuses nesting deeper than this (scanner.go maxNestingDepth).
constexpr std::size_t kGoMaxDepth = 10000;

int hex4(std::string_view s, std::size_t pos) {
  if (pos + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    const char c = s[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return -1;
    }
    v = v * 16 + d;
  }
  return v;
}

// Go accepts two things Boost.JSON 1.81 rejects: lone UTF-16 surrogate escapes (Go decodes each
// as U+FFFD) and exponents above INT_MAX (Go's scanner takes any digits; the number only fails
// where a field needs an integer, and an exponent already rules that out). Rewrites exactly
// those spots so Boost sees an equivalent document: `\uD800` becomes `\ufffd` and an exponent of
// ten or more digits becomes `0`. Neither rewrite can make an invalid document valid. Returns
// false, leaving `out` alone, when nothing needed rewriting.
bool rewrite_go_only_syntax(std::string_view in, std::string& out) {
  bool changed = false;
  std::size_t copied = 0;  // in[0, copied) has been appended to `out`
  auto replace = [&](std::size_t from, std::size_t to, std::string_view with) {
    if (!changed) {
      out.clear();
      out.reserve(in.size());
      changed = true;
    }
    out.append(in.substr(copied, from - copied));
    out.append(with);
    copied = to;
  };
  const std::size_t n = in.size();
  bool in_string = false;
  std::size_t i = 0;
  while (i < n) {
    const char c = in[i];
    if (in_string) {
      if (c == '"') {
        in_string = false;
        ++i;
      } else if (c != '\\') {
        ++i;
      } else if (i + 1 < n && in[i + 1] == 'u' && hex4(in, i + 2) >= 0) {
        const int u = hex4(in, i + 2);
        if (u >= 0xD800 && u <= 0xDBFF) {
          const bool escape_follows = i + 7 < n && in[i + 6] == '\\' && in[i + 7] == 'u';
          const int low = escape_follows ? hex4(in, i + 8) : -1;
          if (low >= 0xDC00 && low <= 0xDFFF) {
            i += 12;  // a valid pair
            continue;
          }
          replace(i, i + 6, "\\ufffd");
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
          replace(i, i + 6, "\\ufffd");
        }
        i += 6;
      } else {
        i += 2;  // any other escape; Boost judges its validity
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      ++i;
      continue;
    }
    if (c == 'e' || c == 'E') {
      std::size_t j = i + 1;
      if (j < n && (in[j] == '+' || in[j] == '-')) ++j;
      std::size_t k = j;
      while (k < n && in[k] >= '0' && in[k] <= '9') ++k;
      if (k - j >= 10) replace(j, k, "0");
      i = k;
      continue;
    }
    ++i;
  }
  if (changed) out.append(in.substr(copied));
  return changed;
}

// strconv.ParseInt(text, 10, 64) / ParseUint, which encoding/json applies to the literal text:
// "1.0", "1e0" and out-of-range values fail; "-0" is a valid int but not a valid uint.
template <class I>
std::optional<I> parse_go_integer(std::string_view text) {
  I v{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// Where the next value goes. A raw pointer into the struct being filled; monostate discards.
using Slot = std::variant<std::monostate, bool*, int*, std::int64_t*, std::uint64_t*, std::uint8_t*,
                          std::string*, std::optional<std::string>*, std::vector<std::string>*,
                          std::vector<std::uint8_t>*, std::optional<SubjectPermission>*>;

template <class T>
Slot find_slot(std::span<const Field<T>> fields, T& obj, std::string_view key) {
  for (const Field<T>& field : fields) {
    if (go_fold_equal(field.name, key)) {
      return std::visit([&](auto member) -> Slot { return &(obj.*member); }, field.member);
    }
  }
  return std::monostate{};
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// SAX handler for boost::json::basic_parser that reproduces json.Unmarshal into a T. SAX rather
// than a DOM because Go applies duplicate keys in document order (a DOM object keeps the last
// value at the first key's position) and judges numbers by their literal text.
template <class T>
class GoDecoder {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  GoDecoder(T& out, std::span<const Field<T>> fields) : out_(out), fields_(fields) {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  bool on_object_begin(error_code& ec) {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return true;
    }
    if (depth_ == 0) return push(Frame::kStruct, &out_, ec);
    if (in_array()) return type_error(ec);
    if (std::holds_alternative<std::monostate>(pending_)) {
      skip_depth_ = 1;  // a value no field wants: skip it whole
      return true;
    }
    if (auto* p = std::get_if<std::optional<SubjectPermission>*>(&pending_)) {
      // A pointer that is already set is decoded into, not replaced: Go merges duplicates.
      if (!**p) (*p)->emplace();
      return push(Frame::kPermission, &***p, ec);
    }
    return type_error(ec);
  }

  bool on_object_end(std::size_t, error_code&) {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    --depth_;
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return true;
    }
    if (depth_ == 0 || in_array()) return type_error(ec);
    if (std::holds_alternative<std::monostate>(pending_)) {
      skip_depth_ = 1;  // a value no field wants: skip it whole
      return true;
    }
    if (auto* p = std::get_if<std::vector<std::string>*>(&pending_)) {
      return push(Frame::kStrings, *p, ec);
    }
    if (auto* p = std::get_if<std::vector<std::uint8_t>*>(&pending_)) {
      return push(Frame::kBytes, *p, ec);
    }
    return type_error(ec);
  }

  bool on_array_end(std::size_t, error_code&) {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    // Go decodes into the slice in place and then cuts it to the elements seen. (Go can also
    // resurrect elements beyond the length from the backing array when a key repeats three
    // times with nulls; that is not reproduced.)
    const Frame& f = frames_[--depth_];
    if (f.kind == Frame::kStrings) {
      static_cast<std::vector<std::string>*>(f.target)->resize(f.index);
    } else {
      static_cast<std::vector<std::uint8_t>*>(f.target)->resize(f.index);
    }
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    if (skip_depth_ == 0) text_.append(s.data(), s.size());
    return true;
  }

  bool on_key(string_view s, std::size_t, error_code&) {
    if (skip_depth_ > 0) return true;
    text_.append(s.data(), s.size());
    const Frame& f = frames_[depth_ - 1];
    if (f.kind == Frame::kStruct) {
      pending_ = find_slot<T>(fields_, *static_cast<T*>(f.target), text_);
    } else {
      pending_ = find_slot<SubjectPermission>(kPermissionFields,
                                              *static_cast<SubjectPermission*>(f.target), text_);
    }
    text_.clear();
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code&) {
    if (skip_depth_ == 0) text_.append(s.data(), s.size());
    return true;
  }

  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (skip_depth_ > 0) return true;
    text_.append(s.data(), s.size());
    std::string value = std::move(text_);
    text_.clear();
    replace_invalid_utf8(value);
    if (depth_ == 0) return type_error(ec);
    Frame& f = frames_[depth_ - 1];
    if (f.kind == Frame::kStrings) {
      auto& v = *static_cast<std::vector<std::string>*>(f.target);
      if (f.index < v.size()) {
        v[f.index] = std::move(value);
      } else {
        v.push_back(std::move(value));
      }
      ++f.index;
      return true;
    }
    if (f.kind == Frame::kBytes) return type_error(ec);
    const bool ok = std::visit(Overloaded{
                                   [](std::monostate) { return true; },
                                   [&](std::string* p) {
                                     *p = std::move(value);
                                     return true;
                                   },
                                   [&](std::optional<std::string>* p) {
                                     if (value.empty()) {
                                       p->reset();
                                     } else {
                                       *p = std::move(value);
                                     }
                                     return true;
                                   },
                                   [&](std::vector<std::uint8_t>* p) {
                                     auto bytes = decode_base64(value);
                                     if (!bytes) return false;
                                     *p = std::move(*bytes);
                                     return true;
                                   },
                                   [](auto*) { return false; },
                               },
                               pending_);
    return ok || type_error(ec);
  }

  bool on_number_part(string_view s, error_code&) {
    if (skip_depth_ == 0) text_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, string_view s, error_code& ec) { return on_number(s, ec); }
  bool on_uint64(std::uint64_t, string_view s, error_code& ec) { return on_number(s, ec); }
  bool on_double(double, string_view s, error_code& ec) { return on_number(s, ec); }

  bool on_bool(bool b, error_code& ec) {
    if (skip_depth_ > 0) return true;
    if (depth_ == 0 || in_array()) return type_error(ec);
    if (std::holds_alternative<std::monostate>(pending_)) return true;
    if (auto* p = std::get_if<bool*>(&pending_)) {
      **p = b;
      return true;
    }
    return type_error(ec);
  }

  bool on_null(error_code&) {
    if (skip_depth_ > 0 || depth_ == 0) return true;
    Frame& f = frames_[depth_ - 1];
    if (f.kind == Frame::kStrings) {
      // null keeps an element that is already there (in place decoding), else adds a zero one.
      auto& v = *static_cast<std::vector<std::string>*>(f.target);
      if (f.index >= v.size()) v.emplace_back();
      ++f.index;
      return true;
    }
    if (f.kind == Frame::kBytes) {
      auto& v = *static_cast<std::vector<std::uint8_t>*>(f.target);
      if (f.index >= v.size()) v.push_back(0);
      ++f.index;
      return true;
    }
    // null clears slices and pointers and leaves everything else alone.
    std::visit(Overloaded{
                   [](std::vector<std::string>* p) { p->clear(); },
                   [](std::vector<std::uint8_t>* p) { p->clear(); },
                   [](std::optional<SubjectPermission>* p) { p->reset(); },
                   [](auto) {},
               },
               pending_);
    return true;
  }

 private:
  struct Frame {
    enum Kind : std::uint8_t { kStruct, kPermission, kStrings, kBytes } kind;
    void* target;
    std::size_t index;  // next element, for arrays
  };

  bool in_array() const {
    const auto kind = frames_[depth_ - 1].kind;
    return kind == Frame::kStrings || kind == Frame::kBytes;
  }

  bool push(typename Frame::Kind kind, void* target, error_code& ec) {
    // The deepest decoded path is struct -> permission -> array; deeper input is skipped or a
    // type error, so this never overflows. The check keeps it that way if fields change.
    if (depth_ == frames_.size()) return type_error(ec);
    frames_[depth_++] = Frame{kind, target, 0};
    pending_ = std::monostate{};
    return true;
  }

  static bool type_error(error_code& ec) {
    ec = boost::json::make_error_code(boost::json::error::syntax);
    return false;
  }

  bool on_number(string_view s, error_code& ec) {
    if (skip_depth_ > 0) return true;
    text_.append(s.data(), s.size());
    const std::string literal = std::move(text_);
    text_.clear();
    if (depth_ == 0) return type_error(ec);
    Frame& f = frames_[depth_ - 1];
    if (f.kind == Frame::kStrings) return type_error(ec);
    if (f.kind == Frame::kBytes) {
      const auto v = parse_go_integer<std::uint64_t>(literal);
      if (!v || *v > 0xFF) return type_error(ec);
      auto& bytes = *static_cast<std::vector<std::uint8_t>*>(f.target);
      if (f.index < bytes.size()) {
        bytes[f.index] = static_cast<std::uint8_t>(*v);
      } else {
        bytes.push_back(static_cast<std::uint8_t>(*v));
      }
      ++f.index;
      return true;
    }
    const bool ok =
        std::visit(Overloaded{
                       [](std::monostate) { return true; },
                       [&](int* p) {
                         const auto v = parse_go_integer<std::int64_t>(literal);
                         if (!v) return false;
                         *p = static_cast<int>(std::clamp<std::int64_t>(*v, INT_MIN, INT_MAX));
                         return true;
                       },
                       [&](std::int64_t* p) {
                         const auto v = parse_go_integer<std::int64_t>(literal);
                         if (!v) return false;
                         *p = *v;
                         return true;
                       },
                       [&](std::uint64_t* p) {
                         const auto v = parse_go_integer<std::uint64_t>(literal);
                         if (!v) return false;
                         *p = *v;
                         return true;
                       },
                       [&](std::uint8_t* p) {
                         const auto v = parse_go_integer<std::uint64_t>(literal);
                         if (!v || *v > 0xFF) return false;
                         *p = static_cast<std::uint8_t>(*v);
                         return true;
                       },
                       [](auto*) { return false; },
                   },
                   pending_);
    return ok || type_error(ec);
  }

  T& out_;
  std::span<const Field<T>> fields_;
  std::array<Frame, 3> frames_{};
  std::size_t depth_ = 0;       // frames_ in use
  std::size_t skip_depth_ = 0;  // > 0 while inside a value that no field wants
  Slot pending_;                // destination of the value after the last key
  std::string text_;            // the key, string or number literal being assembled
};

template <class T>
Result<T> decode(std::string_view json, T value, std::span<const Field<T>> fields) {
  std::string rewritten;
  const std::string_view input = rewrite_go_only_syntax(json, rewritten) ? rewritten : json;
  boost::json::parse_options options;
  options.max_depth = kGoMaxDepth;
  options.allow_invalid_utf8 = true;  // Go accepts it; the decoder substitutes U+FFFD
  boost::json::basic_parser<GoDecoder<T>> parser(options, value, fields);
  boost::json::error_code ec;
  const std::size_t used = parser.write_some(false, input.data(), input.size(), ec);
  // write_some stops without error after a complete value; anything left is trailing garbage.
  if (ec || used != input.size()) return make_error_code(errc::kInvalidJson);
  return value;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) { append_go_string(out, s); }

bool go_json_key_matches(std::string_view name, std::string_view key) {
  return go_fold_equal(name, key);
}

void encode_info_json_to(const ServerInfo& info, std::string& out) {
  encode_object<ServerInfo>(info, kInfoFields, out);
}

std::string encode_info_json(const ServerInfo& info) {
  std::string out;
  out.reserve(384);
  encode_info_json_to(info, out);
  return out;
}

Result<ServerInfo> parse_info_json(std::string_view json) {
  ServerInfo zero;
  zero.proto = 0;
  zero.port = 0;
  zero.headers = false;
  zero.max_payload = 0;
  return decode<ServerInfo>(json, std::move(zero), kInfoFields);
}

Result<ConnectOptions> parse_connect_json(std::string_view json) {
  return decode<ConnectOptions>(json, ConnectOptions{}, kConnectFields);
}

void encode_connect_json_to(const ConnectOptions& options, std::string& out) {
  encode_object<ConnectOptions>(options, kConnectFields, out);
}

std::string encode_connect_json(const ConnectOptions& options) {
  std::string out;
  out.reserve(192);
  encode_connect_json_to(options, out);
  return out;
}

}  // namespace quiver::codec
