// Test helpers shared by the store tests: scratch directories and message shorthands.
#pragma once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

namespace quiver::server::jetstream::testing {

// A new empty directory under TEST_TMPDIR, unique within the process.
inline std::string fresh_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const char* base = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/store_" + tag + "_" +
                          std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline uint64_t file_size(const std::string& path) {
  return static_cast<uint64_t>(std::filesystem::file_size(path));
}

}  // namespace quiver::server::jetstream::testing
