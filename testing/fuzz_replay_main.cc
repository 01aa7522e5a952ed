// Replays a libFuzzer corpus as an ordinary test: in the default build every fuzz target links
// this main instead of libFuzzer, so the committed corpus (seeds and past crashes) runs under
// `bazel test` on every change. Arguments are files or directories of inputs.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int replay_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz_replay: cannot open %s\n", path.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int replayed = 0;
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (!entry.is_regular_file()) continue;
        failures += replay_file(entry.path());
        ++replayed;
      }
    } else {
      failures += replay_file(arg);
      ++replayed;
    }
  }
  // An empty input is always worth one run: it is the corner every parser gets wrong first.
  LLVMFuzzerTestOneInput(nullptr, 0);
  std::printf("fuzz_replay: %d inputs replayed, %d unreadable\n", replayed, failures);
  if (replayed == 0) {
    std::fprintf(stderr, "fuzz_replay: no corpus inputs found\n");
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
