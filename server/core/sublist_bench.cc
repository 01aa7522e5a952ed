// Sublist benchmarks. Run: bazel run --config=opt //server/core:sublist_bench
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "server/core/sublist.h"

namespace quiver::server {
namespace {

using Subs = std::vector<std::unique_ptr<Subscription>>;

Subscription* add(Sublist& sl, Subs& subs, std::string subject, std::string queue = "") {
  auto sub = std::make_unique<Subscription>();
  sub->subject = std::move(subject);
  sub->queue = std::move(queue);
  sub->sid = std::to_string(subs.size());
  if (!sl.insert(sub.get())) std::abort();
  subs.push_back(std::move(sub));
  return subs.back().get();
}

// A realistic mix: many literal subjects, a few wildcards and a queue group over them.
void populate_mixed(Sublist& sl, Subs& subs) {
  for (int i = 0; i < 10000; ++i) add(sl, subs, "svc." + std::to_string(i) + ".req");
  for (int i = 0; i < 4; ++i) add(sl, subs, "svc.*.req", "workers");
  add(sl, subs, "svc.>");
  add(sl, subs, "metrics.*.cpu");
}

// The issue #4341 shape: a million distinct published subjects, a handful of wildcard subs.
void populate_wildcards(Sublist& sl, Subs& subs) {
  add(sl, subs, "metrics.*.cpu");
  add(sl, subs, "metrics.>");
  add(sl, subs, "*.*.cpu");
  add(sl, subs, "metrics.*.cpu", "q");
  add(sl, subs, "alerts.>");
}

const std::vector<std::string>& million_subjects() {
  static const std::vector<std::string> subjects = [] {
    std::vector<std::string> v;
    v.reserve(1'000'000);
    for (int i = 0; i < 1'000'000; ++i) v.push_back("metrics.host" + std::to_string(i) + ".cpu");
    return v;
  }();
  return subjects;
}

void BM_MatchCachedLiteral(benchmark::State& state) {
  Sublist sl;
  Subs subs;
  populate_mixed(sl, subs);
  for (auto _ : state) {
    MatchResultPtr r = sl.match("svc.42.req");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MatchCachedLiteral);

// Arg: 1 = cache on, 0 = cache off (no_sublist_cache).
void BM_MatchMillionSubjects(benchmark::State& state) {
  Sublist sl(Sublist::Options{.cache = state.range(0) != 0});
  Subs subs;
  populate_wildcards(sl, subs);
  const auto& subjects = million_subjects();
  std::size_t i = 0;
  for (auto _ : state) {
    MatchResultPtr r = sl.match(subjects[i]);
    benchmark::DoNotOptimize(r);
    if (++i == subjects.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MatchMillionSubjects)->Arg(1)->Arg(0);

// One insert plus one remove per iteration, into an index of 10k subscriptions.
void BM_InsertRemove(benchmark::State& state) {
  Sublist sl;
  Subs subs;
  populate_mixed(sl, subs);
  Subs churn;
  for (int i = 0; i < 1000; ++i) {
    auto sub = std::make_unique<Subscription>();
    sub->subject = "_INBOX.abcdef" + std::to_string(i);
    churn.push_back(std::move(sub));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    Subscription* sub = churn[i].get();
    if (!sl.insert(sub)) std::abort();
    sl.remove(sub);
    if (++i == churn.size()) i = 0;
  }
  state.SetItemsProcessed(2 * state.iterations());
}
BENCHMARK(BM_InsertRemove);

// Request/reply churn on literal inbox subjects between matches of a hot subject: the hot entry
// survives because literal changes only invalidate their own stripe.
void BM_MatchCachedUnderInboxChurn(benchmark::State& state) {
  Sublist sl;
  Subs subs;
  populate_mixed(sl, subs);
  Subs churn;
  for (int i = 0; i < 1000; ++i) {
    auto sub = std::make_unique<Subscription>();
    sub->subject = "_INBOX.abcdef" + std::to_string(i);
    churn.push_back(std::move(sub));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    Subscription* sub = churn[i].get();
    if (!sl.insert(sub)) std::abort();
    for (int m = 0; m < 8; ++m) {
      MatchResultPtr r = sl.match("svc.42.req");
      benchmark::DoNotOptimize(r);
    }
    sl.remove(sub);
    if (++i == churn.size()) i = 0;
  }
  state.SetItemsProcessed(8 * state.iterations());
}
BENCHMARK(BM_MatchCachedUnderInboxChurn);

Sublist& shared_mixed() {
  static Subs subs;
  static Sublist* sl = [] {
    auto* s = new Sublist();
    populate_mixed(*s, subs);
    return s;
  }();
  return *sl;
}

Sublist& shared_wildcards() {
  static Subs subs;
  static Sublist* sl = [] {
    auto* s = new Sublist();
    populate_wildcards(*s, subs);
    return s;
  }();
  return *sl;
}

void BM_ConcurrentMatchCached(benchmark::State& state) {
  Sublist& sl = shared_mixed();
  const std::string subject = "svc." + std::to_string(state.thread_index()) + ".req";
  for (auto _ : state) {
    MatchResultPtr r = sl.match(subject);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConcurrentMatchCached)->Threads(1)->Threads(2)->UseRealTime();

void BM_ConcurrentMatchMillionSubjects(benchmark::State& state) {
  Sublist& sl = shared_wildcards();
  const auto& subjects = million_subjects();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 500'000;
  for (auto _ : state) {
    MatchResultPtr r = sl.match(subjects[i]);
    benchmark::DoNotOptimize(r);
    if (++i == subjects.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConcurrentMatchMillionSubjects)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace quiver::server
