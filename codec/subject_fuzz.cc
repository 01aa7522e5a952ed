// Fuzzer for codec/subject: checks the fast single-pass functions against a slow reference
// written the obvious way (split into tokens, then look at each), plus algebraic invariants.
//
// Input: the whole input is checked as one subject. If it contains a '|', the bytes before and
// after the first '|' are also checked as a pattern and a subject for the matching invariants
// ('|' is an ordinary subject byte, so this loses nothing).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/subject.h"

namespace {

using quiver::codec::count_tokens;
using quiver::codec::is_valid_literal_subject;
using quiver::codec::is_valid_subject;
using quiver::codec::subject_has_wildcard;
using quiver::codec::subject_matches;
using quiver::codec::TokenIterator;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

std::vector<std::string_view> ref_split(std::string_view s) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}

bool ref_valid(std::string_view s, bool& wildcard) {
  wildcard = false;
  const auto tokens = ref_split(s);
  if (tokens.empty()) return false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i];
    if (t.empty()) return false;
    if (t.find_first_of(std::string_view(" \t\r\n\f", 5)) != std::string_view::npos) return false;
    if (t == ">" && i + 1 != tokens.size()) return false;
    if (t == ">" || t == "*") wildcard = true;
  }
  return true;
}

// The textbook definition: token by token, '>' eats a non-empty rest.
bool ref_match(std::string_view pattern, std::string_view subject) {
  const auto p = ref_split(pattern);
  const auto s = ref_split(subject);
  if (p.empty() || s.empty()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == ">") return i < s.size();
    if (i >= s.size()) return false;
    if (p[i] != "*" && p[i] != s[i]) return false;
  }
  return p.size() == s.size();
}

void check_subject(std::string_view s) {
  bool ref_wildcard = false;
  const bool ref_ok = ref_valid(s, ref_wildcard);
  require(is_valid_subject(s) == ref_ok);
  require(is_valid_literal_subject(s) == (ref_ok && !ref_wildcard));
  require(subject_has_wildcard(s) == (ref_ok && ref_wildcard));
  if (is_valid_literal_subject(s)) require(is_valid_subject(s));

  // Iterator, count_tokens and rejoining agree for every input, valid or not.
  std::string joined;
  std::size_t n = 0;
  for (TokenIterator it(s); !it.done(); it.next()) {
    if (n > 0) joined.push_back('.');
    joined.append(it.token());
    ++n;
  }
  require(n == count_tokens(s));
  require(joined == s);

  if (is_valid_subject(s)) {
    require(subject_matches(s, s));  // wildcards in the subject compare literally
    require(subject_matches(">", s));
    // "foo.>" never matches "foo" (only a literal s keeps s + ".>" a valid pattern).
    if (is_valid_literal_subject(s)) require(!subject_matches(std::string(s) + ".>", s));
    std::string stars;
    for (std::size_t i = 0; i < n; ++i) stars.append(i == 0 ? "*" : ".*");
    require(subject_matches(stars, s));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_subject(input);

  const std::size_t bar = input.find('|');
  if (bar != std::string_view::npos) {
    const std::string_view pattern = input.substr(0, bar);
    const std::string_view subject = input.substr(bar + 1);
    check_subject(pattern);
    check_subject(subject);
    // Matching is only defined on valid inputs; on those it must equal the reference.
    const bool m = subject_matches(pattern, subject);
    if (is_valid_subject(pattern) && is_valid_subject(subject)) {
      require(m == ref_match(pattern, subject));
      if (is_valid_literal_subject(pattern)) require(m == (pattern == subject));
    }
  }
  return 0;
}
