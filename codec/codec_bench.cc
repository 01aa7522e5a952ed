// Parse and encode speed of the codec on one core (docs/PERFORMANCE.md has the figures).
// Run: bazel run --config=opt //codec:codec_bench
#include <string>

#include <benchmark/benchmark.h>

#include "codec/encoder.h"
#include "codec/parser.h"

namespace quiver::codec {
namespace {

// A 64 KiB read buffer full of PUBs, as the server sees it from a fast publisher.
std::string pub_stream(std::size_t payload_size, std::size_t* ops) {
  std::string one;
  append_pub(one, "bench.subject", "", std::string(payload_size, 'x'));
  std::string stream;
  *ops = 0;
  while (stream.size() + one.size() <= 64 * 1024) {
    stream += one;
    ++*ops;
  }
  return stream;
}

void BM_ParsePubStream(benchmark::State& state) {
  std::size_t ops = 0;
  const std::string stream = pub_stream(static_cast<std::size_t>(state.range(0)), &ops);
  Parser parser(Role::kServer);
  std::size_t seen = 0;
  for (auto _ : state) {
    std::string_view rest = stream;
    while (!rest.empty()) {
      ParseResult r = parser.feed(rest);
      rest.remove_prefix(r.consumed);
      if (r.status == ParseStatus::kOp) seen += parser.op().payload.size();
    }
  }
  benchmark::DoNotOptimize(seen);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ops));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_ParsePubStream)->Arg(16)->Arg(1024);

// The same stream delivered in 1,500-byte reads, so ops cross feed boundaries.
void BM_ParsePubStreamSplit(benchmark::State& state) {
  std::size_t ops = 0;
  const std::string stream = pub_stream(static_cast<std::size_t>(state.range(0)), &ops);
  Parser parser(Role::kServer);
  for (auto _ : state) {
    for (std::size_t off = 0; off < stream.size(); off += 1500) {
      std::string_view rest = std::string_view(stream).substr(off, 1500);
      while (!rest.empty()) {
        ParseResult r = parser.feed(rest);
        rest.remove_prefix(r.consumed);
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ops));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_ParsePubStreamSplit)->Arg(16)->Arg(1024);

void BM_EncodeMsg(benchmark::State& state) {
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  std::string out;
  out.reserve(64 * 1024);
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 256; ++i) append_msg(out, "bench.subject", "1", "", payload);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 256);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeMsg)->Arg(16)->Arg(1024);

void BM_EncodePub(benchmark::State& state) {
  const std::string payload(static_cast<std::size_t>(state.range(0)), 'x');
  std::string out;
  out.reserve(64 * 1024);
  for (auto _ : state) {
    out.clear();
    for (int i = 0; i < 256; ++i) append_pub(out, "bench.subject", "", payload);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 256);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodePub)->Arg(16)->Arg(1024);

}  // namespace
}  // namespace quiver::codec
