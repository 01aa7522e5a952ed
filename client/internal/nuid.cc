#include "client/internal/nuid.h"

#include <mutex>

namespace quiver::client::internal {
namespace {

constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kBase = 62;
constexpr int kPrefixLength = 12;
constexpr int kSeqLength = Nuid::kLength - kPrefixLength;
constexpr std::uint64_t kMaxSeq = 839299365868340224ULL;  // 62^10
constexpr std::uint64_t kMinInc = 33;
constexpr std::uint64_t kMaxInc = 333;

}  // namespace

Nuid::Nuid(std::uint64_t seed) : rng_(seed) {
  reset_prefix();
  seq_ = std::uniform_int_distribution<std::uint64_t>(0, kMaxSeq - 1)(rng_);
  inc_ = std::uniform_int_distribution<std::uint64_t>(kMinInc, kMaxInc)(rng_);
}

void Nuid::reset_prefix() {
  prefix_.resize(kPrefixLength);
  std::uniform_int_distribution<int> digit(0, kBase - 1);
  for (auto& c : prefix_) c = kDigits[digit(rng_)];
}

std::string Nuid::next() {
  seq_ += inc_;
  if (seq_ >= kMaxSeq) {
    reset_prefix();
    seq_ = std::uniform_int_distribution<std::uint64_t>(0, kMaxSeq - 1)(rng_);
    inc_ = std::uniform_int_distribution<std::uint64_t>(kMinInc, kMaxInc)(rng_);
  }
  std::string out = prefix_;
  out.resize(kLength);
  std::uint64_t v = seq_;
  for (int i = kLength - 1; i >= kPrefixLength; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[v % kBase];
    v /= kBase;
  }
  static_assert(kSeqLength == 10);
  return out;
}

std::string new_inbox(const std::string& prefix) {
  static std::mutex mu;
  static Nuid nuid(std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32));
  std::lock_guard lock(mu);
  return prefix + "." + nuid.next();
}

}  // namespace quiver::client::internal
