// CRC-32C (Castagnoli), the checksum of every segment record and checksummed file.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time) and
// slicing-by-8 tables otherwise; both give identical results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quiver::server::jetstream {

// Extends `crc` (0 to start) over `data`: crc32c(a + b) == crc32c_extend(crc32c(a), b).
uint32_t crc32c_extend(uint32_t crc, const void* data, std::size_t len) noexcept;

inline uint32_t crc32c(std::string_view data) noexcept {
  return crc32c_extend(0, data.data(), data.size());
}

namespace internal {
// The portable implementation, exposed so tests compare it with the hardware one.
uint32_t crc32c_software(uint32_t crc, const void* data, std::size_t len) noexcept;
// True when crc32c_extend uses the SSE4.2 instruction on this machine.
bool crc32c_hardware_available() noexcept;
}  // namespace internal

}  // namespace quiver::server::jetstream
