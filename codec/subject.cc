#include "codec/subject.h"

#include <cstring>

namespace quiver::codec {

namespace {

// The bytes nats-server refuses inside a token (sublist.go isValidSubject). Other control bytes
// and any UTF-8 are accepted, as the server does outside checkRunes mode.
constexpr bool is_forbidden_byte(char c) noexcept {
  // Everything forbidden is <= ' ', so the common case costs one compare.
  return static_cast<unsigned char>(c) <= ' ' &&
         (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f');
}

struct ScanResult {
  bool valid;
  bool has_wildcard;
};

// One pass over the subject: token boundaries, forbidden bytes and wildcard placement together.
ScanResult scan_subject(std::string_view s) noexcept {
  if (s.empty()) return {false, false};
  bool has_wildcard = false;
  bool after_fwc = false;  // a '>' token has ended, so any further token is an error
  std::size_t token_start = 0;
  const std::size_t n = s.size();
  for (std::size_t i = 0; i <= n; ++i) {
    if (i == n || s[i] == '.') {
      const std::size_t len = i - token_start;
      if (len == 0 || after_fwc) return {false, false};
      if (len == 1) {
        const char c = s[token_start];
        if (c == '>') {
          after_fwc = true;
          has_wildcard = true;
        } else if (c == '*') {
          has_wildcard = true;
        }
      }
      token_start = i + 1;
    } else if (is_forbidden_byte(s[i])) {
      return {false, false};
    }
  }
  return {true, has_wildcard};
}

// Splits off the token starting at `pos`; sets `last` when no '.' follows it.
std::string_view token_at(std::string_view s, std::size_t pos, bool& last) noexcept {
  const std::size_t dot = s.find('.', pos);
  if (dot == std::string_view::npos) {
    last = true;
    return s.substr(pos);
  }
  last = false;
  return s.substr(pos, dot - pos);
}

}  // namespace

bool is_valid_subject(std::string_view subject) noexcept { return scan_subject(subject).valid; }

bool is_valid_literal_subject(std::string_view subject) noexcept {
  const ScanResult r = scan_subject(subject);
  return r.valid && !r.has_wildcard;
}

bool subject_has_wildcard(std::string_view subject) noexcept {
  const ScanResult r = scan_subject(subject);
  return r.valid && r.has_wildcard;
}

bool is_valid_queue_name(std::string_view queue) noexcept {
  if (queue.empty()) return false;
  for (char c : queue) {
    if (is_forbidden_byte(c)) return false;
  }
  return true;
}

bool subject_matches(std::string_view pattern, std::string_view subject) noexcept {
  // An empty string has no tokens; without this "*" would match "" as one empty token.
  if (pattern.empty() || subject.empty()) return false;
  std::size_t p = 0;
  std::size_t s = 0;
  for (;;) {
    bool p_last = false;
    bool s_last = false;
    const std::string_view pt = token_at(pattern, p, p_last);
    const std::string_view st = token_at(subject, s, s_last);
    // '>' needs at least one subject token, which `st` is: "foo.>" never matches "foo".
    if (pt == ">") return true;
    if (pt != "*" && pt != st) return false;
    if (p_last || s_last) return p_last && s_last;
    p += pt.size() + 1;
    s += st.size() + 1;
  }
}

std::size_t count_tokens(std::string_view subject) noexcept {
  if (subject.empty()) return 0;
  std::size_t dots = 0;
  const char* p = subject.data();
  const char* const end = p + subject.size();
  while (const void* hit = std::memchr(p, '.', static_cast<std::size_t>(end - p))) {
    ++dots;
    p = static_cast<const char*>(hit) + 1;
  }
  return dots + 1;
}

// rest_ holds what follows the current token's '.'; a null data() means no '.' followed, so the
// current token is the last. A non-null empty rest_ is a real (empty) trailing token, which keeps
// "a." at two tokens, the same count as count_tokens() gives.
TokenIterator::TokenIterator(std::string_view subject) noexcept {
  if (subject.empty()) {
    done_ = true;
    return;
  }
  rest_ = subject;
  next();
}

void TokenIterator::next() noexcept {
  if (rest_.data() == nullptr) {
    done_ = true;
    token_ = {};
    return;
  }
  const std::size_t dot = rest_.find('.');
  if (dot == std::string_view::npos) {
    token_ = rest_;
    rest_ = {};
  } else {
    token_ = rest_.substr(0, dot);
    rest_ = rest_.substr(dot + 1);
  }
}

}  // namespace quiver::codec
