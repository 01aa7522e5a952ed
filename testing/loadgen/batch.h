// PUB batches for the load generator's publishers. Publishers write many PUBs per system call
// (like nats-bench), so a batch is built into one buffer of about 64 KiB.
//
// Every payload of 8 bytes or more starts with the message's sequence number (little-endian
// uint64), so subscribers can count loss, duplicates and reordering exactly; the rest is 'x'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quiver::loadgen {

inline constexpr std::size_t kSeqBytes = 8;

// Writes a payload of `size` bytes carrying `seq` (when size >= kSeqBytes) into `out`.
void write_payload(char* out, std::size_t size, uint64_t seq) noexcept;

// The sequence number a payload carries; nullopt when it is too short to carry one.
std::optional<uint64_t> payload_seq(std::string_view payload) noexcept;

class PubBatcher {
 public:
  // Every message goes to `subject`.
  static PubBatcher fixed(std::string subject, std::size_t payload_size);
  // Message seq goes to prefix + (seq % distinct) + suffix, e.g. "s.17.x".
  static PubBatcher cycling(std::string prefix, std::string suffix, uint64_t distinct,
                            std::size_t payload_size);

  // Appends PUBs for seq = first, first + 1, ... until `count` messages are appended or out
  // reaches target_bytes (at least one message when count > 0). Returns how many it appended.
  uint64_t fill(std::string& out, uint64_t first, uint64_t count, std::size_t target_bytes);

  // Upper bound of the MSG bytes one delivery of a message costs a subscriber (sid up to 4
  // digits), for flow-control windows.
  std::size_t msg_wire_bytes() const noexcept;

  std::size_t payload_size() const noexcept { return payload_size_; }

 private:
  PubBatcher(std::string prefix, std::string suffix, uint64_t distinct, std::size_t payload_size);

  std::string prefix_;  // the whole subject when distinct_ == 0
  std::string suffix_;
  uint64_t distinct_;
  std::size_t payload_size_;
  std::string template_;  // one PUB for a fixed subject; its payload is patched per message
  std::string payload_;   // scratch payload for cycling subjects
  std::string subject_;   // scratch subject for cycling subjects
};

}  // namespace quiver::loadgen
