// MemoryStore: a StreamStore kept entirely in process memory (storage: memory streams).
//
// Same semantics as FileStore (both share internal::IndexedStore); each message body is one
// heap block. flush()/sync()/compact() have nothing to do.
#pragma once

#include <cstdint>
#include <memory>

#include "server/jetstream/store/indexed_store.h"
#include "server/jetstream/store/store.h"

namespace quiver::server::jetstream {

namespace internal {
struct MemLoc {
  std::unique_ptr<char[]> data;  // headers then payload; null when both are empty
  uint32_t headers_len = 0;
  uint32_t payload_len = 0;
};
}  // namespace internal

class MemoryStore final : public internal::IndexedStore<internal::MemLoc> {
 public:
  explicit MemoryStore(const StoreLimits& limits);

  Result<void> flush() override;
  Result<void> sync() override;
  Result<uint64_t> compact() override;
  // The accounted bytes of the stored messages (StoreState::bytes).
  uint64_t storage_bytes() const override;
  Result<void> close() override;
  Result<void> destroy() override;

 protected:
  Result<internal::MemLoc> append_msg(uint64_t seq, int64_t ts_ns, std::string_view subject,
                                      std::string_view headers, std::string_view payload) override;
  Result<StoredMsg> read_msg(uint64_t seq, const SlotT& slot) const override;
  Result<void> erase_msg(uint64_t seq, SlotT& slot) override;
  void msg_removed(uint64_t seq, SlotT& slot) override;
  void changes_done() override;
  void seq_skipped() override;
  Result<void> remove_all() override;
};

}  // namespace quiver::server::jetstream
