// Byte encodings the JetStream layer needs: base64 (standard, for STREAM.MSG.GET payloads;
// URL-safe, for object names and digests) and SHA-256 (object digests, via OpenSSL).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quiver::client::jetstream::internal {

enum class Base64Alphabet { kStandard, kUrl };

// Padded, as Go's base64.StdEncoding / base64.URLEncoding.
std::string base64_encode(std::string_view data, Base64Alphabet alphabet);
// Accepts both alphabets, with or without padding (peers differ); nullopt on any other byte or
// an impossible length.
std::optional<std::string> base64_decode(std::string_view text);

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  std::array<std::uint8_t, 32> finish();

 private:
  void* ctx_;  // EVP_MD_CTX*, kept out of this header
};

std::array<std::uint8_t, 32> sha256(std::string_view data);

}  // namespace quiver::client::jetstream::internal
