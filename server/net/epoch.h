// Epoch-based reclamation for objects that other threads may still be reading.
//
// The subscription index hands out raw Subscription pointers (server/core/sublist.h): a
// publisher on one worker thread may be delivering to a subscription (and through it to its
// connection) while the connection's own thread unsubscribes or closes. The owner therefore
// removes the object from the index, then *retires* it instead of freeing it. A worker brackets
// each batch of deliveries with enter()/exit(); a retired object is freed once every worker has
// left the epochs that could have seen it. Idle workers are outside any epoch, so they never hold
// reclamation back.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace quiver::server::net {

class EpochDomain {
 public:
  explicit EpochDomain(std::size_t workers) : slots_(workers) {}

  // Marks worker `w` as reading shared objects until exit(w).
  void enter(std::size_t w) noexcept {
    slots_[w].active.store(global_.load(std::memory_order_relaxed), std::memory_order_seq_cst);
  }
  void exit(std::size_t w) noexcept { slots_[w].active.store(0, std::memory_order_release); }

  // Called after an object was unpublished (removed from the index); returns the epoch to
  // retire it under.
  uint64_t retire_epoch() noexcept { return global_.fetch_add(1, std::memory_order_seq_cst); }

  // True when no worker can still hold a pointer unpublished before `epoch` was taken.
  bool safe_to_free(uint64_t epoch) const noexcept {
    for (const Slot& slot : slots_) {
      const uint64_t active = slot.active.load(std::memory_order_seq_cst);
      if (active != 0 && active <= epoch) return false;
    }
    return true;
  }

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> active{0};
  };
  std::atomic<uint64_t> global_{1};
  std::vector<Slot> slots_;
};

// Objects retired by one worker thread; only that thread touches the list.
class RetireList {
 public:
  void retire(uint64_t epoch, std::shared_ptr<void> object) {
    items_.push_back({epoch, std::move(object)});
  }

  // Frees every object that is safe to free; returns how many remain.
  std::size_t reclaim(const EpochDomain& domain) {
    std::size_t kept = 0;
    for (auto& item : items_) {
      if (!domain.safe_to_free(item.epoch)) items_[kept++] = std::move(item);
    }
    items_.resize(kept);
    return kept;
  }

  std::size_t size() const noexcept { return items_.size(); }

 private:
  struct Item {
    uint64_t epoch;
    std::shared_ptr<void> object;
  };
  std::vector<Item> items_;
};

}  // namespace quiver::server::net
