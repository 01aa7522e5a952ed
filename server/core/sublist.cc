#include "server/core/sublist.h"

#include <array>
#include <chrono>
#include <functional>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "codec/subject.h"
#include "common/assert.h"

namespace quiver::server {

namespace {

// Literal subjects are many and churn (request/reply inboxes), so they get many stripes; a
// wildcard's first token has low cardinality, so few stripes cover it.
constexpr std::size_t kLiteralStripeBits = 10;
constexpr std::size_t kPrefixStripeBits = 6;
// 2 ways x 2048 sets per thread, shared by every Sublist the thread matches against.
constexpr std::size_t kCacheSetBits = 11;

std::atomic<std::uint64_t> g_next_sublist_id{1};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

std::uint64_t hash_of(std::string_view s) noexcept { return std::hash<std::string_view>{}(s); }

// Multiplicative mixing so the three users of one hash (cache set, literal stripe, map bucket)
// take uncorrelated bits.
constexpr std::uint64_t mix(std::uint64_t x, std::uint64_t k) noexcept {
  x ^= x >> 29;
  return x * k;
}

std::uint32_t literal_stripe(std::uint64_t subject_hash) noexcept {
  return static_cast<std::uint32_t>(mix(subject_hash, 0xff51afd7ed558ccdULL) >>
                                    (64 - kLiteralStripeBits));
}

std::uint32_t prefix_stripe(std::string_view first_token) noexcept {
  return static_cast<std::uint32_t>(mix(hash_of(first_token), 0xc4ceb9fe1a85ec53ULL) >>
                                    (64 - kPrefixStripeBits));
}

std::size_t cache_set(std::uint64_t subject_hash, std::uint64_t sublist_id) noexcept {
  return static_cast<std::size_t>(
      mix(subject_hash ^ (sublist_id * 0x9e3779b97f4a7c15ULL), 0xbf58476d1ce4e5b9ULL) >>
      (64 - kCacheSetBits));
}

std::string_view first_token(std::string_view subject) noexcept {
  return subject.substr(0, subject.find('.'));
}

// nats-server matches nothing for a published subject with an empty token ("foo..bar", ".foo").
bool has_empty_token(std::string_view subject) noexcept {
  return subject.empty() || subject.front() == '.' || subject.back() == '.' ||
         subject.find("..") != std::string_view::npos;
}

const MatchResult kEmptyMatch;

// Aliases a static object with no control block: copies never touch a shared refcount.
MatchResultPtr empty_result() noexcept { return MatchResultPtr(MatchResultPtr(), &kEmptyMatch); }

struct CacheEntry {
  std::uint64_t sublist_id = 0;  // 0: never filled
  std::uint64_t global_gen = 0;
  std::uint64_t prefix_gen = 0;
  std::uint64_t literal_gen = 0;
  std::uint32_t prefix_stripe = 0;
  std::uint32_t literal_stripe = 0;
  std::string subject;  // assign() reuses its capacity, so refills rarely allocate
  MatchResultPtr result;
};

// The tags sit together in the first cache line, so a miss reads one line per set.
struct alignas(64) CacheSet {
  std::array<std::uint64_t, 2> tags{};
  std::uint8_t victim = 0;  // the least recently used way
  std::array<CacheEntry, 2> ways;
};

// When almost every lookup misses (a stream of distinct subjects), filling on every miss only
// churns memory: evicting an entry frees its result and the fill copies the subject. Then only
// one miss in kSampledAdmission is admitted, which still lets a hot subject in quickly.
constexpr std::uint32_t kWindow = 4096;
constexpr std::uint32_t kThrashHitRatio = 16;  // thrashing: hits < lookups / 16
constexpr std::uint32_t kSampledAdmission = 16;

// Per-thread match counters, registered so process_match_stats() can sum them. Only the owning
// thread writes (load + store, no read-modify-write); a thread that exits folds its counts into
// the retired totals.
struct ThreadMatchCounters {
  std::atomic<std::uint64_t> matches{0};
  std::atomic<std::uint64_t> hits{0};
};

struct CounterRegistry {
  std::mutex mu;
  std::vector<const ThreadMatchCounters*> live;
  MatchStats retired;
};

CounterRegistry& counter_registry() {
  static CounterRegistry* registry = new CounterRegistry();  // outlives every thread's exit
  return *registry;
}

struct ThreadCounters {
  ThreadMatchCounters counters;
  ThreadCounters() {
    auto& r = counter_registry();
    std::lock_guard lock(r.mu);
    r.live.push_back(&counters);
  }
  ~ThreadCounters() {
    auto& r = counter_registry();
    std::lock_guard lock(r.mu);
    r.retired.matches += counters.matches.load(std::memory_order_relaxed);
    r.retired.cache_hits += counters.hits.load(std::memory_order_relaxed);
    std::erase(r.live, &counters);
  }
  void count(bool hit) noexcept {
    counters.matches.store(counters.matches.load(std::memory_order_relaxed) + 1,
                           std::memory_order_relaxed);
    if (hit) {
      counters.hits.store(counters.hits.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
    }
  }
};

ThreadCounters& thread_counters() {
  thread_local ThreadCounters counters;
  return counters;
}

struct ThreadCache {
  std::unique_ptr<CacheSet[]> sets = std::make_unique<CacheSet[]>(std::size_t{1} << kCacheSetBits);
  std::uint32_t window_lookups = 0;
  std::uint32_t window_hits = 0;
  std::uint32_t misses = 0;
  bool thrashing = false;

  void record(bool hit) noexcept {
    window_hits += hit ? 1 : 0;
    if (++window_lookups == kWindow) {
      thrashing = window_hits * kThrashHitRatio < window_lookups;
      window_lookups = 0;
      window_hits = 0;
    }
  }

  bool admit() noexcept { return !thrashing || ++misses % kSampledAdmission == 0; }
};

ThreadCache& thread_cache() {
  thread_local ThreadCache cache;
  return cache;
}

}  // namespace

struct Sublist::Generations {
  std::atomic<std::uint64_t> global{0};
  std::array<std::atomic<std::uint64_t>, std::size_t{1} << kPrefixStripeBits> prefix{};
  std::array<std::atomic<std::uint64_t>, std::size_t{1} << kLiteralStripeBits> literal{};
};

namespace internal {

struct QueueSlot {
  std::string name;
  std::vector<Subscription*> members;
};

struct Node {
  std::unique_ptr<Level> next;
  std::vector<Subscription*> plain;
  std::vector<QueueSlot> queues;  // few per node: a linear search beats hashing

  ~Node();

  bool empty() const noexcept { return plain.empty() && queues.empty() && next == nullptr; }

  QueueSlot* find_queue(std::string_view name) noexcept {
    for (QueueSlot& q : queues) {
      if (q.name == name) return &q;
    }
    return nullptr;
  }

  void add(Subscription* sub) {
    std::vector<Subscription*>* v = &plain;
    if (sub->is_queue()) {
      QueueSlot* q = find_queue(sub->queue);
      if (q == nullptr) q = &queues.emplace_back(QueueSlot{sub->queue, {}});
      v = &q->members;
    }
    QV_CHECK(v->size() < std::numeric_limits<std::uint32_t>::max(), "too many subscriptions");
    sub->slot_ = static_cast<std::uint32_t>(v->size());
    v->push_back(sub);
  }

  bool erase(Subscription* sub) {
    std::vector<Subscription*>* v = &plain;
    QueueSlot* q = nullptr;
    if (sub->is_queue()) {
      q = find_queue(sub->queue);
      if (q == nullptr) return false;
      v = &q->members;
    }
    const std::uint32_t slot = sub->slot_;
    if (slot >= v->size() || (*v)[slot] != sub) return false;
    Subscription* moved = v->back();
    (*v)[slot] = moved;
    moved->slot_ = slot;
    v->pop_back();
    // A subject that once had 100k subscribers should not pin that memory forever.
    if (v->capacity() > 64 && v->size() < v->capacity() / 4) v->shrink_to_fit();
    if (q != nullptr && q->members.empty()) {
      *q = std::move(queues.back());
      queues.pop_back();
    }
    return true;
  }
};

struct Level {
  std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> literals;
  std::unique_ptr<Node> pwc;  // '*'
  std::unique_ptr<Node> fwc;  // '>'

  bool empty() const noexcept { return literals.empty() && pwc == nullptr && fwc == nullptr; }

  Node* find(std::string_view token) const {
    if (token == "*") return pwc.get();
    if (token == ">") return fwc.get();
    const auto it = literals.find(token);
    return it == literals.end() ? nullptr : it->second.get();
  }

  Node* find_or_create(std::string_view token) {
    std::unique_ptr<Node>* slot;
    if (token == "*") {
      slot = &pwc;
    } else if (token == ">") {
      slot = &fwc;
    } else {
      slot = &literals.try_emplace(std::string(token)).first->second;
    }
    if (*slot == nullptr) *slot = std::make_unique<Node>();
    return slot->get();
  }

  void erase(std::string_view token) {
    if (token == "*") {
      pwc.reset();
    } else if (token == ">") {
      fwc.reset();
    } else {
      const auto it = literals.find(token);
      if (it != literals.end()) literals.erase(it);
    }
  }
};

Node::~Node() = default;

}  // namespace internal

namespace {

using internal::Level;
using internal::Node;

void add_node(const Node& node, MatchResult& out) {
  out.plain.insert(out.plain.end(), node.plain.begin(), node.plain.end());
  for (const internal::QueueSlot& q : node.queues) {
    QueueGroup* group = nullptr;
    for (QueueGroup& g : out.queues) {
      if (g.name == q.name) {
        group = &g;
        break;
      }
    }
    if (group == nullptr) group = &out.queues.emplace_back(QueueGroup{q.name, {}});
    group->members.insert(group->members.end(), q.members.begin(), q.members.end());
  }
}

// `rest` is the non-empty remainder of the published subject, starting at a token of `level`.
// Every node lies on one path, so no subscription is added twice.
void collect(const Level* level, std::string_view rest, MatchResult& out) {
  while (level != nullptr) {
    const std::size_t dot = rest.find('.');
    const bool last = dot == std::string_view::npos;
    const std::string_view token = rest.substr(0, dot);
    if (level->fwc != nullptr) add_node(*level->fwc, out);
    if (level->pwc != nullptr) {
      if (last) {
        add_node(*level->pwc, out);
      } else {
        collect(level->pwc->next.get(), rest.substr(dot + 1), out);
      }
    }
    // The literal map never holds "*" or ">", so a wildcard token in a published subject only
    // reaches the wildcard children above.
    const auto it = level->literals.find(token);
    if (it == level->literals.end()) return;
    if (last) {
      add_node(*it->second, out);
      return;
    }
    level = it->second->next.get();
    rest = rest.substr(dot + 1);
  }
}

// Removes `sub` from the node its subject leads to, pruning nodes and levels left empty.
bool remove_from(Level& level, std::string_view rest, Subscription* sub) {
  const std::size_t dot = rest.find('.');
  const std::string_view token = rest.substr(0, dot);
  Node* node = level.find(token);
  if (node == nullptr) return false;
  bool removed;
  if (dot == std::string_view::npos) {
    removed = node->erase(sub);
  } else {
    if (node->next == nullptr) return false;
    removed = remove_from(*node->next, rest.substr(dot + 1), sub);
    if (removed && node->next->empty()) node->next.reset();
  }
  if (removed && node->empty()) level.erase(token);
  return removed;
}

std::size_t count_nodes(const Level& level) {
  std::size_t n = 0;
  const auto visit = [&n](const Node& node) {
    ++n;
    if (node.next != nullptr) n += count_nodes(*node.next);
  };
  for (const auto& [token, node] : level.literals) visit(*node);
  if (level.pwc != nullptr) visit(*level.pwc);
  if (level.fwc != nullptr) visit(*level.fwc);
  return n;
}

void collect_all(const Level& level, std::vector<Subscription*>& out) {
  const auto visit = [&out](const Node& node) {
    out.insert(out.end(), node.plain.begin(), node.plain.end());
    for (const internal::QueueSlot& q : node.queues) {
      out.insert(out.end(), q.members.begin(), q.members.end());
    }
    if (node.next != nullptr) collect_all(*node.next, out);
  };
  for (const auto& [token, node] : level.literals) visit(*node);
  if (level.pwc != nullptr) visit(*level.pwc);
  if (level.fwc != nullptr) visit(*level.fwc);
}

}  // namespace

DeliveryVerdict Subscription::claim_delivery() noexcept {
  const std::uint64_t max = max_msgs.load(std::memory_order_relaxed);
  const std::uint64_t n = delivered.fetch_add(1, std::memory_order_relaxed) + 1;
  if (max == 0 || n < max) return DeliveryVerdict::kDeliver;
  return n == max ? DeliveryVerdict::kDeliverLast : DeliveryVerdict::kExhausted;
}

Sublist::Sublist() : Sublist(Options{}) {}

Sublist::Sublist(Options options)
    : id_(g_next_sublist_id.fetch_add(1, std::memory_order_relaxed)),
      cache_enabled_(options.cache),
      root_(std::make_unique<internal::Level>()),
      gens_(std::make_unique<Generations>()) {}

Sublist::~Sublist() = default;

bool Sublist::insert(Subscription* sub) {
  QV_CHECK(sub != nullptr, "null subscription");
  if (!codec::is_valid_subject(sub->subject)) return false;
  if (sub->is_queue() && !codec::is_valid_queue_name(sub->queue)) return false;

  std::unique_lock lock(mu_);
  QV_CHECK(sub->index_ == nullptr, "subscription inserted into a second index");
  Level* level = root_.get();
  Node* node = nullptr;
  bool wildcard = false;
  for (codec::TokenIterator it(sub->subject); !it.done(); it.next()) {
    const std::string_view token = it.token();
    if (level == nullptr) {
      node->next = std::make_unique<Level>();
      level = node->next.get();
    }
    wildcard = wildcard || token == "*" || token == ">";
    node = level->find_or_create(token);
    level = node->next.get();
  }
  node->add(sub);
  sub->index_ = this;
  count_.fetch_add(1, std::memory_order_relaxed);
  inserts_.fetch_add(1, std::memory_order_relaxed);
  bump_generation(sub->subject, wildcard);
  return true;
}

bool Sublist::remove(Subscription* sub) {
  QV_CHECK(sub != nullptr, "null subscription");
  std::unique_lock lock(mu_);
  return remove_locked(sub);
}

std::size_t Sublist::remove_batch(std::span<Subscription* const> subs) {
  std::size_t removed = 0;
  std::unique_lock lock(mu_);
  for (Subscription* sub : subs) {
    if (sub != nullptr && remove_locked(sub)) ++removed;
  }
  return removed;
}

bool Sublist::remove_locked(Subscription* sub) {
  if (sub->index_ != this) return false;
  QV_CHECK(remove_from(*root_, sub->subject, sub), "indexed subscription missing from the trie");
  sub->index_ = nullptr;
  count_.fetch_sub(1, std::memory_order_relaxed);
  removes_.fetch_add(1, std::memory_order_relaxed);
  bump_generation(sub->subject, codec::subject_has_wildcard(sub->subject));
  return true;
}

// Called with mu_ held exclusively, so a reader building a cache entry under the shared lock
// sees either none or all of a change together with the counters that describe it.
void Sublist::bump_generation(std::string_view subject, bool has_wildcard) {
  if (!has_wildcard) {
    gens_->literal[literal_stripe(hash_of(subject))].fetch_add(1, std::memory_order_release);
    return;
  }
  const std::string_view first = first_token(subject);
  if (first == "*" || first == ">") {
    gens_->global.fetch_add(1, std::memory_order_release);
  } else {
    gens_->prefix[prefix_stripe(first)].fetch_add(1, std::memory_order_release);
  }
}

MatchResultPtr Sublist::build_result(std::string_view subject) const {
  // Collected into per-thread scratch first, so the shared result is allocated at its exact size
  // in one go instead of growing vector by vector.
  thread_local MatchResult scratch;
  scratch.plain.clear();
  scratch.queues.clear();
  collect(root_.get(), subject, scratch);
  if (scratch.empty()) return empty_result();
  auto out = std::make_shared<MatchResult>();
  out->plain.assign(scratch.plain.begin(), scratch.plain.end());
  out->queues.reserve(scratch.queues.size());
  for (const QueueGroup& g : scratch.queues) out->queues.push_back(g);
  return out;
}

MatchResultPtr Sublist::match(std::string_view subject) const {
  if (has_empty_token(subject)) return empty_result();
  if (!cache_enabled_) {
    thread_counters().count(false);
    std::shared_lock lock(mu_);
    return build_result(subject);
  }

  const std::uint64_t h = hash_of(subject);
  const std::uint64_t tag = h ^ (id_ * 0x9e3779b97f4a7c15ULL);
  ThreadCache& cache = thread_cache();
  CacheSet& set = cache.sets[cache_set(h, id_)];
  int target = set.victim;
  bool stale = false;
  for (int w = 0; w < 2; ++w) {
    if (set.tags[w] != tag) continue;
    const CacheEntry& e = set.ways[w];
    if (e.sublist_id != id_ || e.subject != subject) continue;
    if (e.global_gen == gens_->global.load(std::memory_order_acquire) &&
        e.prefix_gen == gens_->prefix[e.prefix_stripe].load(std::memory_order_acquire) &&
        e.literal_gen == gens_->literal[e.literal_stripe].load(std::memory_order_acquire)) {
      set.victim = static_cast<std::uint8_t>(1 - w);
      cache.record(true);
      thread_counters().count(true);
      return e.result;
    }
    target = w;  // stale copy of this key: refresh it in place rather than evict the other way
    stale = true;
    break;
  }
  cache.record(false);
  thread_counters().count(false);

  if (!stale && !cache.admit()) {
    std::shared_lock lock(mu_);
    return build_result(subject);
  }

  CacheEntry& e = set.ways[target];
  set.tags[target] = 0;
  e.sublist_id = 0;  // a half-filled entry (bad_alloc below) must never hit
  e.prefix_stripe = prefix_stripe(first_token(subject));
  e.literal_stripe = literal_stripe(h);
  MatchResultPtr fresh;
  {
    std::shared_lock lock(mu_);
    // Writers bump these under the exclusive lock: they describe exactly the trie we walk.
    e.global_gen = gens_->global.load(std::memory_order_relaxed);
    e.prefix_gen = gens_->prefix[e.prefix_stripe].load(std::memory_order_relaxed);
    e.literal_gen = gens_->literal[e.literal_stripe].load(std::memory_order_relaxed);
    fresh = build_result(subject);
  }
  e.result = std::move(fresh);  // frees the evicted result outside the lock
  e.subject.assign(subject);
  e.sublist_id = id_;
  set.tags[target] = tag;
  set.victim = static_cast<std::uint8_t>(1 - target);
  return e.result;
}

MatchStats process_match_stats() {
  auto& r = counter_registry();
  std::lock_guard lock(r.mu);
  MatchStats stats = r.retired;
  for (const ThreadMatchCounters* c : r.live) {
    stats.matches += c->matches.load(std::memory_order_relaxed);
    stats.cache_hits += c->hits.load(std::memory_order_relaxed);
  }
  return stats;
}

std::size_t Sublist::node_count() const {
  std::shared_lock lock(mu_);
  return count_nodes(*root_);
}

std::vector<Subscription*> Sublist::all() const {
  std::vector<Subscription*> out;
  std::shared_lock lock(mu_);
  out.reserve(count());
  collect_all(*root_, out);
  return out;
}

FastRng& thread_rng() noexcept {
  // No std::random_device: it may throw. Distinct per thread and per process is all we need.
  static std::atomic<std::uint64_t> thread_counter{0};
  thread_local FastRng rng([] {
    std::uint64_t seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    seed ^= thread_counter.fetch_add(1, std::memory_order_relaxed) * 0x9e3779b97f4a7c15ULL;
    seed ^= reinterpret_cast<std::uintptr_t>(&seed);
    return seed;
  }());
  return rng;
}

Subscription* pick_queue_member(std::span<Subscription* const> members, FastRng& rng) noexcept {
  if (members.empty()) return nullptr;
  if (members.size() == 1) return members[0];
  return members[rng.below(members.size())];
}

}  // namespace quiver::server
