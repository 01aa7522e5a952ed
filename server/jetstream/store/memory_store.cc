#include "server/jetstream/store/memory_store.h"

#include <cstring>

namespace quiver::server::jetstream {

MemoryStore::MemoryStore(const StoreLimits& limits) : IndexedStore(limits) {}

Result<internal::MemLoc> MemoryStore::append_msg(uint64_t, int64_t, std::string_view,
                                                 std::string_view headers,
                                                 std::string_view payload) {
  internal::MemLoc loc;
  loc.headers_len = static_cast<uint32_t>(headers.size());
  loc.payload_len = static_cast<uint32_t>(payload.size());
  const std::size_t n = headers.size() + payload.size();
  if (n > 0) {
    loc.data.reset(new char[n]);
    if (!headers.empty()) std::memcpy(loc.data.get(), headers.data(), headers.size());
    if (!payload.empty()) {
      std::memcpy(loc.data.get() + headers.size(), payload.data(), payload.size());
    }
  }
  return loc;
}

Result<StoredMsg> MemoryStore::read_msg(uint64_t seq, const SlotT& slot) const {
  StoredMsg m;
  m.seq = seq;
  m.ts_ns = slot.ts_ns;
  m.subject = subject_name(slot.subject);
  const char* p = slot.loc.data.get();
  if (slot.loc.headers_len > 0) m.headers.assign(p, slot.loc.headers_len);
  if (slot.loc.payload_len > 0) m.payload.assign(p + slot.loc.headers_len, slot.loc.payload_len);
  return m;
}

Result<void> MemoryStore::erase_msg(uint64_t, SlotT& slot) {
  if (slot.loc.data) {
    // volatile keeps the compiler from dropping stores to memory that is freed right after.
    volatile char* p = slot.loc.data.get();
    for (std::size_t i = 0, n = slot.loc.headers_len + slot.loc.payload_len; i < n; ++i) p[i] = 0;
  }
  return success();
}

void MemoryStore::msg_removed(uint64_t, SlotT&) {}
void MemoryStore::changes_done() {}
void MemoryStore::seq_skipped() {}
Result<void> MemoryStore::remove_all() { return success(); }

Result<void> MemoryStore::flush() { return check_open(); }
Result<void> MemoryStore::sync() { return check_open(); }

Result<uint64_t> MemoryStore::compact() {
  QV_TRY(check_open());
  return uint64_t{0};
}

uint64_t MemoryStore::storage_bytes() const { return byte_count(); }

Result<void> MemoryStore::close() {
  QV_TRY(check_open());
  clear_index();
  closed_ = true;
  return success();
}

Result<void> MemoryStore::destroy() {
  clear_index();
  closed_ = true;
  return success();
}

}  // namespace quiver::server::jetstream
