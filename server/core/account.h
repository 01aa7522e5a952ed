// Accounts: the unit of subject isolation. Each account has its own Sublist, so a publish in one
// account never reaches subscribers of another; AccountRegistry finds accounts by name.
#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/core/sublist.h"

namespace quiver::server {

// nats-server's names for the account of clients without one, and for the system account.
inline constexpr std::string_view kGlobalAccountName = "$G";
inline constexpr std::string_view kSystemAccountName = "$SYS";

struct Account {
  explicit Account(std::string account_name, Sublist::Options options = {})
      : name(std::move(account_name)), sublist(options) {}

  const std::string name;
  Sublist sublist;
};

// Shared because connections keep their account alive while they run.
using AccountPtr = std::shared_ptr<Account>;

// Thread-safe name -> account map. Lookups (one per connect, not per message) take a shared lock.
class AccountRegistry {
 public:
  explicit AccountRegistry(Sublist::Options options = {}) : options_(options) {}

  // The account called `name`, or null.
  AccountPtr find(std::string_view name) const;

  // The account called `name`, created on first use. Never null.
  AccountPtr find_or_create(std::string_view name);

  std::size_t size() const;

  // Every account, in no particular order.
  std::vector<AccountPtr> list() const;

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  const Sublist::Options options_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, AccountPtr, NameHash, std::equal_to<>> accounts_;
};

}  // namespace quiver::server
