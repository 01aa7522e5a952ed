// Store throughput: store() of 16 B and 1 KiB messages with a sync() (group commit) every N
// messages, and load() of random sequences. Run with:
//   bazel run --config=opt //server/jetstream/store:store_bench
// The file store works in a scratch directory under $TMPDIR (or /tmp), removed afterwards.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "server/jetstream/store/file_store.h"
#include "server/jetstream/store/memory_store.h"

namespace quiver::server::jetstream {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    static int counter = 0;
    path_ = std::string(tmp != nullptr ? tmp : "/tmp") + "/quiver_store_bench_" +
            std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::filesystem::remove_all(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<FileStore> open_file_store(const std::string& dir) {
  FileStoreOptions o;
  o.dir = dir;
  auto r = FileStore::open(o, StoreLimits{}, nullptr);
  if (!r) std::abort();
  return std::move(r).value();
}

// Args: payload bytes, messages per sync() (0: never sync).
void BM_FileStoreStore(benchmark::State& state) {
  ScratchDir dir;
  auto store = open_file_store(dir.path());
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  const int64_t sync_every = state.range(1);
  int64_t n = 0;
  for (auto _ : state) {
    auto r = store->store("bench.orders.created", "", payload, n);
    if (!r) state.SkipWithError("store failed");
    if (sync_every > 0 && ++n % sync_every == 0 && !store->sync()) {
      state.SkipWithError("sync failed");
    }
  }
  if (!store->sync()) state.SkipWithError("sync failed");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FileStoreStore)
    ->Args({16, 0})
    ->Args({16, 1})
    ->Args({16, 100})
    ->Args({16, 1000})
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->Args({1024, 100})
    ->Args({1024, 1000});

void BM_MemoryStoreStore(benchmark::State& state) {
  MemoryStore store(StoreLimits{});
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  int64_t n = 0;
  for (auto _ : state) {
    if (!store.store("bench.orders.created", "", payload, ++n)) state.SkipWithError("failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MemoryStoreStore)->Arg(16)->Arg(1024);

// A stream at its max_msgs limit: every store() also removes the oldest message.
void BM_FileStoreStoreAtLimit(benchmark::State& state) {
  ScratchDir dir;
  FileStoreOptions o;
  o.dir = dir.path();
  StoreLimits limits;
  limits.max_msgs = 10000;
  auto store = FileStore::open(o, limits, nullptr).value();
  const std::string payload(16, 'x');
  int64_t n = 0;
  for (auto _ : state) {
    if (!store->store("bench.limit", "", payload, n)) state.SkipWithError("store failed");
    if (++n % 1000 == 0 && !store->sync()) state.SkipWithError("sync failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FileStoreStoreAtLimit);

void load_bench(benchmark::State& state, StreamStore& store) {
  constexpr uint64_t kMsgs = 100000;
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  for (uint64_t i = 0; i < kMsgs; ++i) {
    if (!store.store("bench.load." + std::to_string(i % 64), "", payload, 0)) std::abort();
  }
  if (!store.flush()) std::abort();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto m = store.load(1 + rng() % kMsgs);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_FileStoreLoad(benchmark::State& state) {
  ScratchDir dir;
  auto store = open_file_store(dir.path());
  load_bench(state, *store);
}
BENCHMARK(BM_FileStoreLoad)->Arg(16)->Arg(1024);

void BM_MemoryStoreLoad(benchmark::State& state) {
  MemoryStore store(StoreLimits{});
  load_bench(state, store);
}
BENCHMARK(BM_MemoryStoreLoad)->Arg(16)->Arg(1024);

}  // namespace
}  // namespace quiver::server::jetstream
