// Persistence for consumer state and stream/consumer metadata: crash-atomic file replacement,
// checksummed files, and the ConsumerState record (records.proto) with its codec.
//
// A file written here is either the old or the new content after a crash, never a mix; a file
// damaged on disk is reported as kCorrupt rather than parsed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/jetstream/store/store.h"

namespace quiver::server::jetstream {

// Replaces `path` with `bytes`: writes path + ".tmp", fsyncs it, renames it over `path` and
// fsyncs the directory. kNoSpace on ENOSPC/EDQUOT, kIo on other failures.
Result<void> write_file_atomically(const std::string& path, std::string_view bytes);

// write_file_atomically() of a checksummed envelope:
//   "QVCK" | u32 LE length of bytes | u32 LE crc32c(bytes) | bytes
Result<void> write_checksummed(const std::string& path, std::string_view bytes);

// The bytes stored by write_checksummed(). kCorrupt when the envelope is damaged (bad magic,
// wrong length, checksum mismatch); std::errc::no_such_file_or_directory when there is no
// file; kIo for other read errors.
Result<std::string> read_checksummed(const std::string& path);

// A consumer's delivery and acknowledgement state (records.proto ConsumerState).
struct ConsumerState {
  struct Pending {
    uint64_t stream_seq = 0;
    uint64_t consumer_seq = 0;
    int64_t timestamp_ns = 0;  // last delivery time
    bool operator==(const Pending&) const = default;
  };
  struct Redelivered {
    uint64_t stream_seq = 0;
    uint64_t count = 0;
    bool operator==(const Redelivered&) const = default;
  };
  uint64_t delivered_consumer_seq = 0;
  uint64_t delivered_stream_seq = 0;
  uint64_t ack_floor_consumer_seq = 0;
  uint64_t ack_floor_stream_seq = 0;
  std::vector<Pending> pending;
  std::vector<Redelivered> redelivered;
  bool operator==(const ConsumerState&) const = default;
};

// Protobuf wire encoding (canonical: what libprotobuf writes for the same values).
std::string encode_consumer_state(const ConsumerState& state);
// kCorrupt when `bytes` is not a ConsumerState. Unknown fields are skipped.
Result<ConsumerState> decode_consumer_state(std::string_view bytes);

}  // namespace quiver::server::jetstream
