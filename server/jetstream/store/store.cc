#include "server/jetstream/store/store.h"

#include <string>

namespace quiver::server::jetstream {
namespace {

class StoreCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "quiver.jetstream.store"; }

  // The texts nats-server puts in API errors (err_code 10077) are kept verbatim.
  std::string message(int value) const override {
    switch (static_cast<StoreErrc>(value)) {
      case StoreErrc::kMaxMsgs:
        return "maximum messages exceeded";
      case StoreErrc::kMaxBytes:
        return "maximum bytes exceeded";
      case StoreErrc::kMaxMsgsPerSubject:
        return "maximum messages per subject exceeded";
      case StoreErrc::kMsgTooBig:
        return "message size exceeds maximum allowed";
      case StoreErrc::kNotFound:
      case StoreErrc::kDeleted:
        return "no message found";
      case StoreErrc::kSequenceMismatch:
        return "expected sequence does not match store";
      case StoreErrc::kCorrupt:
        return "stored data failed its checksum";
      case StoreErrc::kIo:
        return "storage I/O error";
      case StoreErrc::kNoSpace:
        return "insufficient storage resources available";
      case StoreErrc::kClosed:
        return "store is closed";
    }
    return "unknown store error";
  }
};

}  // namespace

const std::error_category& store_category() noexcept {
  static const StoreCategory category;
  return category;
}

std::error_code make_error_code(StoreErrc e) noexcept {
  return {static_cast<int>(e), store_category()};
}

uint64_t msg_size(std::string_view subject, std::string_view headers, std::string_view payload) {
  // nats-server fileStoreMsgSize: u32 length + u64 seq + i64 ts + u16 subject length (22), the
  // subject, a u32 header length only when there are headers, headers, payload, 8-byte hash.
  uint64_t size = 22 + subject.size() + headers.size() + payload.size() + 8;
  if (!headers.empty()) size += 4;
  return size;
}

}  // namespace quiver::server::jetstream
