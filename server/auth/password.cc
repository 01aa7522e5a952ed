#include "server/auth/password.h"

#include <algorithm>
#include <crypt.h>
#include <cstddef>
#include <memory>
#include <string>

namespace quiver::server {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

bool is_bcrypt_hash(std::string_view stored) noexcept {
  // "$2" + one of abxy + "$" + two digits + "$".
  if (stored.size() < 7) return false;
  const char v = stored[2];
  return stored[0] == '$' && stored[1] == '2' && (v == 'a' || v == 'b' || v == 'x' || v == 'y') &&
         stored[3] == '$' && is_digit(stored[4]) && is_digit(stored[5]) && stored[6] == '$';
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

bool check_password(std::string_view stored, std::string_view given) {
  if (!is_bcrypt_hash(stored)) return constant_time_equals(stored, given);

  // crypt_rn wants NUL-terminated strings and a zeroed crypt_data (~32 KiB: too big for the
  // stack of a coroutine-driven thread).
  const std::string phrase(given);
  const std::string setting(stored);
  auto data = std::make_unique<crypt_data>();
  const char* hashed = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  // NULL (or a "*" failure token) for a malformed hash or cost: never a match.
  if (hashed == nullptr || hashed[0] == '*') return false;
  return constant_time_equals(hashed, stored);
}

}  // namespace quiver::server
