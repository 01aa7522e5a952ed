#include "server/core/account.h"

#include <mutex>

namespace quiver::server {

AccountPtr AccountRegistry::find(std::string_view name) const {
  std::shared_lock lock(mu_);
  const auto it = accounts_.find(name);
  return it == accounts_.end() ? nullptr : it->second;
}

AccountPtr AccountRegistry::find_or_create(std::string_view name) {
  if (AccountPtr existing = find(name)) return existing;
  // Built outside the lock; if another thread created the account meanwhile, its one wins.
  auto fresh = std::make_shared<Account>(std::string(name), options_);
  std::unique_lock lock(mu_);
  return accounts_.try_emplace(std::string(name), std::move(fresh)).first->second;
}

std::size_t AccountRegistry::size() const {
  std::shared_lock lock(mu_);
  return accounts_.size();
}

std::vector<AccountPtr> AccountRegistry::list() const {
  std::shared_lock lock(mu_);
  std::vector<AccountPtr> out;
  out.reserve(accounts_.size());
  for (const auto& [name, account] : accounts_) out.push_back(account);
  return out;
}

}  // namespace quiver::server
