// Subjects, tokens and wildcards, as nats-server defines them (ADR-6; server/sublist.go).
//
// A subject is tokens separated by '.'; no token is empty; no token contains ' ', '\t', '\r',
// '\n' or '\f'. '*' (one token) and '>' (one or more trailing tokens, last only) are wildcards
// only as whole tokens: "foo*" and "b>" are literal tokens. Subjects are case-sensitive bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace quiver::codec {

// True when `subject` is a valid subscription subject (wildcards allowed as whole tokens, '>'
// only as the last token).
bool is_valid_subject(std::string_view subject) noexcept;

// True when `subject` is valid and has no wildcard token: what pedantic PUB requires.
bool is_valid_literal_subject(std::string_view subject) noexcept;

// True when `subject` is valid and contains a '*' or '>' token.
bool subject_has_wildcard(std::string_view subject) noexcept;

// True when the queue group name is acceptable to nats-server: non-empty, no whitespace.
bool is_valid_queue_name(std::string_view queue) noexcept;

// True when the literal subject `subject` is matched by the (possibly wildcard) `pattern`.
// Both are assumed valid. "foo.>" does not match "foo"; a wildcard inside `subject` is compared
// as a literal token (non-pedantic PUB to "foo.*" reaches subscribers of "foo.*" and "foo.>").
bool subject_matches(std::string_view pattern, std::string_view subject) noexcept;

// Number of tokens in a valid subject ("a.b.c" has 3).
std::size_t count_tokens(std::string_view subject) noexcept;

// Iterates the tokens of a subject without allocating:
//   for (TokenIterator it(subject); !it.done(); it.next()) use(it.token());
class TokenIterator {
 public:
  explicit TokenIterator(std::string_view subject) noexcept;
  bool done() const noexcept { return done_; }
  std::string_view token() const noexcept { return token_; }
  void next() noexcept;

 private:
  std::string_view rest_;
  std::string_view token_;
  bool done_ = false;
};

}  // namespace quiver::codec
