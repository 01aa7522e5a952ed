// Password and token checks shared by client authentication (and, later, route and leafnode
// authorization): plain secrets compared in constant time, bcrypt hashes verified with libxcrypt.
#pragma once

#include <string_view>

namespace quiver::server {

// nats-server's isBcrypt: the stored secret matches ^\$2[abxy]\$\d{2}\$ ("$2a$11$..."). Anything
// else, "$2c$..." included, is a plain secret compared literally.
bool is_bcrypt_hash(std::string_view stored) noexcept;

// nats-server's comparePasswords: `given` against a stored bcrypt hash, or byte equality with a
// stored plain secret. A malformed hash never matches.
bool check_password(std::string_view stored, std::string_view given);

// Equality whose running time depends only on the lengths, not on where the bytes differ.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace quiver::server
