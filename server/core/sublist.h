// Sublist: one account's subscription index, the trie every published message is matched against.
//
// Shape (nats-server server/sublist.go, rewritten): a trie over '.'-separated tokens. Each level
// holds literal children in a hash map (string_view lookups, no allocation) plus dedicated '*' and
// '>' children. A node holds its plain subscriptions and its queue groups. A publish subject is
// matched by walking, at each level, the '>' child (adds its subs), the '*' child (recursing) and
// the literal child. Wildcard tokens inside a *published* subject are compared literally: the
// literal map never holds "*" or ">", so PUB "foo.*" reaches subs "foo.*" and "foo.>" (through
// the wildcard children) and each subscription at most once, because every node sits on exactly
// one path.
//
// Concurrency: a std::shared_mutex guards the trie. insert/remove take it exclusively; match()
// takes it shared, and only on a cache miss.
//
// Result cache, and why it does not thrash at millions of subjects (nats-server issue #4341):
//   * Per thread, not shared: a fixed 4096-entry, 2-way set-associative table in thread_local
//     storage, keyed by (Sublist id, subject). A hit takes no lock and writes no shared memory.
//     A miss walks the trie and overwrites the set's least recently used way. There is no sweep,
//     no eviction thread and no growth: every match costs O(1) cache work, so a million distinct
//     subjects only makes every match a trie walk, never worse. When a thread's hit rate over
//     the last 4096 lookups drops below 1/16, only every 16th miss is admitted, so a stream of
//     one-off subjects stops paying for evictions while a repeated subject still gets in.
//   * Entries are validated, never updated: each write bumps exactly one generation counter of
//     the Sublist, chosen by which published subjects the changed subscription can match:
//       - literal subject L: can only match PUB L  -> literal stripe hash(L) % 1024;
//       - wildcard whose first token is literal t -> prefix stripe hash(t) % 64;
//       - wildcard whose first token is '*' or '>' -> the global counter.
//     An entry for subject S records the three counters S depends on (global, prefix stripe of
//     S's first token, literal stripe of S) as read under the shared lock while the result was
//     built; a hit requires all three unchanged. So request/reply churn on literal _INBOX subs
//     invalidates about 1/1024 of the cache per operation instead of all of it, and wildcard
//     churn under "orders." leaves "metrics." entries alone. Writers do not touch caches at all.
//   * Results are immutable and shared: match() returns shared_ptr<const MatchResult>. A hit
//     copies it (one uncontended increment: each thread built its own copy). The empty result
//     has no control block, so publishing to subjects without interest costs no refcounting.
//
// Subscription lifetime (the caller's side of the contract): the index stores raw pointers and
// never frees a Subscription. After remove() returns, no *new* match returns the subscription,
// but a MatchResult obtained earlier by another thread may still point at it; the owner must
// keep it (and whatever `owner` points at) alive until such in-flight deliveries are over, e.g.
// by deferring the free to a quiescent point of every delivering thread. Stale cache entries are
// never dereferenced, so they do not extend that requirement.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::server {

// Where the interest behind a subscription comes from. Routing decisions (a message from a route
// is not sent back to routes, local queue members are preferred) read it from the subscription.
enum class InterestOrigin : std::uint8_t { kClient, kRoute, kLeaf, kSystem };

// What a delivering thread should do with one message for a subscription (UNSUB <sid> <max>).
enum class DeliveryVerdict : std::uint8_t {
  kDeliver,      // deliver
  kDeliverLast,  // deliver; this reached max_msgs, so the caller removes the subscription
  kExhausted,    // max_msgs already reached by other deliveries: drop
};

class Sublist;

namespace internal {
struct Level;
struct Node;
}  // namespace internal

// One subscription, owned by its connection (or route/leaf link). subject, queue, origin and
// owner are fixed before insert() and never change while the subscription is indexed.
struct Subscription {
  std::string subject;
  std::string queue;  // empty: not in a queue group
  std::string sid;
  InterestOrigin origin = InterestOrigin::kClient;
  void* owner = nullptr;  // the connection; opaque to the index
  std::uint64_t owner_id = 0;
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> max_msgs{0};  // 0: unlimited

  Subscription() = default;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  bool is_queue() const noexcept { return !queue.empty(); }

  // Counts one delivery against max_msgs; safe from any number of delivering threads.
  DeliveryVerdict claim_delivery() noexcept;

 private:
  friend class Sublist;
  friend struct internal::Node;
  // Both guarded by the lock of the Sublist that holds the subscription.
  const Sublist* index_ = nullptr;
  std::uint32_t slot_ = 0;  // position in the node's plain or queue-member vector
};

struct QueueGroup {
  std::string name;
  std::vector<Subscription*> members;
};

// Everything a published subject reaches. Queue groups are merged by name across subjects (a
// group is identified by name within the account): the caller picks one member per group.
struct MatchResult {
  std::vector<Subscription*> plain;
  std::vector<QueueGroup> queues;

  bool empty() const noexcept { return plain.empty() && queues.empty(); }
};

using MatchResultPtr = std::shared_ptr<const MatchResult>;

class Sublist {
 public:
  struct Options {
    // Off reproduces nats-server's no_sublist_cache: every match walks the trie.
    bool cache = true;
  };

  Sublist();
  explicit Sublist(Options options);
  ~Sublist();
  Sublist(const Sublist&) = delete;
  Sublist& operator=(const Sublist&) = delete;

  // Adds `sub`. False, with nothing changed, when its subject or queue name is invalid
  // (codec::is_valid_subject / is_valid_queue_name). Inserting a subscription that is already in
  // an index is a bug and aborts.
  [[nodiscard]] bool insert(Subscription* sub);

  // Removes `sub`; false when it is not in this index (e.g. already removed by a racing UNSUB).
  bool remove(Subscription* sub);

  // Removes every subscription of `subs` that is in this index under one lock (connection close);
  // returns how many were removed.
  std::size_t remove_batch(std::span<Subscription* const> subs);

  // Everything `subject` reaches. Never null. A subject with an empty token matches nothing.
  MatchResultPtr match(std::string_view subject) const;

  // Number of subscriptions in the index.
  std::size_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

  // Subscriptions ever inserted into / removed from this index (for /subsz).
  std::uint64_t inserts() const noexcept { return inserts_.load(std::memory_order_relaxed); }
  std::uint64_t removes() const noexcept { return removes_.load(std::memory_order_relaxed); }

  // Number of trie nodes: O(size), for tests and monitoring.
  std::size_t node_count() const;

  // Every subscription in the index (e.g. to send local interest to a new route).
  std::vector<Subscription*> all() const;

 private:
  struct Generations;

  MatchResultPtr build_result(std::string_view subject) const;
  bool remove_locked(Subscription* sub);
  void bump_generation(std::string_view subject, bool has_wildcard);

  const std::uint64_t id_;  // process-unique, never reused: keys this Sublist in thread caches
  const bool cache_enabled_;
  mutable std::shared_mutex mu_;
  std::unique_ptr<internal::Level> root_;
  std::unique_ptr<Generations> gens_;
  std::atomic<std::size_t> count_{0};
  std::atomic<std::uint64_t> inserts_{0};  // written under the exclusive lock only
  std::atomic<std::uint64_t> removes_{0};
};

// Matches and result-cache hits of every Sublist in the process, summed over threads. Each
// thread counts its own (no shared cache line on the match path); this adds them up.
struct MatchStats {
  std::uint64_t matches = 0;
  std::uint64_t cache_hits = 0;
};
MatchStats process_match_stats();

// A small, fast, non-cryptographic generator (wyrand) for queue-member selection.
class FastRng {
 public:
  explicit FastRng(std::uint64_t seed) noexcept : state_(seed) {}

  std::uint64_t next() noexcept {
    state_ += 0xa0761d6478bd642fULL;
    const __uint128_t t = static_cast<__uint128_t>(state_) * (state_ ^ 0xe7037ed1a0b428dbULL);
    return static_cast<std::uint64_t>(t >> 64) ^ static_cast<std::uint64_t>(t);
  }

  // Uniform in [0, n) by multiply-shift (Lemire); n must be non-zero.
  std::uint64_t below(std::uint64_t n) noexcept {
    return static_cast<std::uint64_t>((static_cast<__uint128_t>(next()) * n) >> 64);
  }

 private:
  std::uint64_t state_;
};

// The calling thread's generator, seeded once per thread from std::random_device.
FastRng& thread_rng() noexcept;

// A uniformly random member of a queue group; null when `members` is empty.
Subscription* pick_queue_member(std::span<Subscription* const> members,
                                FastRng& rng = thread_rng()) noexcept;

}  // namespace quiver::server
