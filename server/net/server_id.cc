#include "server/net/server_id.h"

#include <array>
#include <cstdint>
#include <random>

namespace quiver::server::net {
namespace {

// CRC-16/XMODEM, the checksum NKEYs append.
uint16_t crc16(const uint8_t* data, std::size_t size) {
  uint16_t crc = 0;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= static_cast<uint16_t>(data[i]) << 8;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string base32(const uint8_t* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

}  // namespace

std::string generate_server_id() {
  constexpr uint8_t kServerPrefix = 13 << 3;  // 'N'
  std::array<uint8_t, 35> raw{};
  raw[0] = kServerPrefix;
  std::random_device rd;
  for (std::size_t i = 1; i < 33; ++i) raw[i] = static_cast<uint8_t>(rd());
  const uint16_t crc = crc16(raw.data(), 33);
  raw[33] = static_cast<uint8_t>(crc & 0xff);
  raw[34] = static_cast<uint8_t>(crc >> 8);
  return base32(raw.data(), raw.size());
}

}  // namespace quiver::server::net
