#include "server/net/internal_client.h"

#include <algorithm>

#include "server/net/server.h"

namespace quiver::server::net {

InternalClient::InternalClient(Server& server, AccountPtr account)
    : server_(server),
      account_(std::move(account)),
      worker_(server.system_worker()),
      batch_(server.system_worker()) {}

InternalClient::~InternalClient() {
  flush();
  *alive_ = false;
  for (auto& sub : subs_) {
    account_->sublist.remove(sub.get());
    worker_.retired.retire(server_.epochs().retire_epoch(), sub);
  }
}

Result<Subscription*> InternalClient::subscribe(std::string subject, std::string queue,
                                                InternalSink* sink, uint64_t owner_id) {
  auto sub = std::make_shared<Subscription>();
  sub->subject = std::move(subject);
  sub->queue = std::move(queue);
  sub->origin = InterestOrigin::kSystem;
  sub->owner = sink;
  sub->owner_id = owner_id;
  if (!account_->sublist.insert(sub.get())) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  subs_.push_back(sub);
  return sub.get();
}

void InternalClient::unsubscribe(Subscription* sub) {
  auto it = std::find_if(subs_.begin(), subs_.end(),
                         [sub](const std::shared_ptr<Subscription>& s) { return s.get() == sub; });
  if (it == subs_.end()) return;
  account_->sublist.remove(sub);
  worker_.retired.retire(server_.epochs().retire_epoch(), *it);
  subs_.erase(it);
}

std::size_t InternalClient::publish(std::string_view subject, std::string_view reply,
                                    std::string_view headers, std::string_view payload) {
  return deliver(subject, subject, reply, headers, payload);
}

std::size_t InternalClient::deliver(std::string_view to, std::string_view subject,
                                    std::string_view reply, std::string_view headers,
                                    std::string_view payload) {
  // The epoch is held until flush(): the connections recorded in batch_ must stay alive until
  // their writers are signalled. flush() runs at the end of this run of the system thread.
  if (!in_epoch_) {
    server_.epochs().enter(worker_.index);
    in_epoch_ = true;
  }
  const std::size_t n =
      ClientConnection::route(*account_, subject, reply, headers, payload, batch_, nullptr, to);
  if (!flush_posted_) {
    flush_posted_ = true;
    boost::asio::post(worker_.io, [this, alive = alive_]() {
      if (*alive) flush();
    });
  }
  return n;
}

void InternalClient::flush() {
  flush_posted_ = false;
  for (ClientConnection* conn : batch_.to_flush) conn->signal_writer();
  batch_.to_flush.clear();
  if (in_epoch_) {
    server_.epochs().exit(worker_.index);
    in_epoch_ = false;
  }
}

bool InternalClient::has_interest(std::string_view subject) const {
  MatchResultPtr result = account_->sublist.match(subject);
  for (const Subscription* sub : result->plain) {
    if (sub->origin != InterestOrigin::kSystem) return true;
  }
  for (const QueueGroup& group : result->queues) {
    for (const Subscription* sub : group.members) {
      if (sub->origin != InterestOrigin::kSystem) return true;
    }
  }
  return false;
}

}  // namespace quiver::server::net
