#include "server/jetstream/store/indexed_store.h"

namespace quiver::server::jetstream::internal {

uint32_t SubjectTable::find(std::string_view name) const {
  const auto it = map_.find(name);
  return it == map_.end() ? kNoSubject : it->second;
}

uint32_t SubjectTable::intern(std::string_view name) {
  const auto it = map_.find(name);
  if (it != map_.end()) return it->second;
  uint32_t id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    QV_CHECK(entries_.size() < kNoSubject, "subject table full");
    id = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  const auto [pos, inserted] = map_.emplace(std::string(name), id);
  QV_ASSERT(inserted);
  entries_[id] = Entry{};
  entries_[id].name = pos->first;
  return id;
}

void SubjectTable::forget(uint32_t id) {
  Entry& e = entries_[id];
  QV_ASSERT(e.count == 0);
  map_.erase(map_.find(e.name));
  e = Entry{};
  free_.push_back(id);
}

void SubjectTable::clear() {
  map_.clear();
  entries_.clear();
  free_.clear();
}

}  // namespace quiver::server::jetstream::internal
