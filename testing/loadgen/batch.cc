#include "testing/loadgen/batch.h"

#include <charconv>
#include <cstring>
#include <utility>

#include "codec/encoder.h"

namespace quiver::loadgen {

void write_payload(char* out, std::size_t size, uint64_t seq) noexcept {
  if (size >= kSeqBytes) {
    for (std::size_t i = 0; i < kSeqBytes; ++i) out[i] = static_cast<char>((seq >> (8 * i)) & 0xff);
    std::memset(out + kSeqBytes, 'x', size - kSeqBytes);
  } else {
    std::memset(out, 'x', size);
  }
}

std::optional<uint64_t> payload_seq(std::string_view payload) noexcept {
  if (payload.size() < kSeqBytes) return std::nullopt;
  uint64_t seq = 0;
  for (std::size_t i = 0; i < kSeqBytes; ++i) {
    seq |= uint64_t(static_cast<unsigned char>(payload[i])) << (8 * i);
  }
  return seq;
}

PubBatcher::PubBatcher(std::string prefix, std::string suffix, uint64_t distinct,
                       std::size_t payload_size)
    : prefix_(std::move(prefix)),
      suffix_(std::move(suffix)),
      distinct_(distinct),
      payload_size_(payload_size),
      payload_(payload_size, 'x') {
  if (distinct_ == 0) codec::append_pub(template_, prefix_, "", payload_);
}

PubBatcher PubBatcher::fixed(std::string subject, std::size_t payload_size) {
  return PubBatcher(std::move(subject), "", 0, payload_size);
}

PubBatcher PubBatcher::cycling(std::string prefix, std::string suffix, uint64_t distinct,
                               std::size_t payload_size) {
  return PubBatcher(std::move(prefix), std::move(suffix), distinct == 0 ? 1 : distinct,
                    payload_size);
}

uint64_t PubBatcher::fill(std::string& out, uint64_t first, uint64_t count,
                          std::size_t target_bytes) {
  uint64_t n = 0;
  if (distinct_ == 0) {
    // Patch the sequence number into a copy of the template: a memcpy per message keeps the
    // publisher far cheaper than the broker it drives.
    const std::size_t payload_at = template_.size() - 2 - payload_size_;
    while (n < count && (n == 0 || out.size() < target_bytes)) {
      const std::size_t at = out.size();
      out.append(template_);
      if (payload_size_ >= kSeqBytes)
        write_payload(out.data() + at + payload_at, kSeqBytes, first + n);
      ++n;
    }
    return n;
  }
  char digits[24];
  while (n < count && (n == 0 || out.size() < target_bytes)) {
    const uint64_t seq = first + n;
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, seq % distinct_);
    subject_.assign(prefix_);
    subject_.append(digits, end);
    subject_.append(suffix_);
    write_payload(payload_.data(), payload_size_, seq);
    codec::append_pub(out, subject_, "", payload_);
    ++n;
  }
  return n;
}

std::size_t PubBatcher::msg_wire_bytes() const noexcept {
  // "MSG <subject> <sid> <size>\r\n<payload>\r\n"
  const std::size_t subject = prefix_.size() + suffix_.size() + (distinct_ == 0 ? 0 : 20);
  return 4 + subject + 1 + 4 + 1 + 10 + 2 + payload_size_ + 2;
}

}  // namespace quiver::loadgen
