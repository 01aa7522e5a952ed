// InternalClient: the server's own client inside one account. Services that live in the broker
// (JetStream today; system-account services later) subscribe through it with an InternalSink
// and publish through it into the same index and outbound buffers that client connections use.
//
// Threading: an InternalClient belongs to the server's system worker thread (Server::system_io);
// every member function must run there. Deliveries *to* its subscriptions arrive on publishers'
// threads through InternalSink::on_message.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/core/account.h"
#include "server/core/internal_sink.h"
#include "server/net/client_connection.h"

namespace quiver::server::net {

class Server;
struct Worker;

class InternalClient {
 public:
  InternalClient(Server& server, AccountPtr account);
  ~InternalClient();
  InternalClient(const InternalClient&) = delete;
  InternalClient& operator=(const InternalClient&) = delete;

  const AccountPtr& account() const noexcept { return account_; }

  // Subscribes `sink` to `subject` (queue may be empty). The sink must outlive the
  // subscription. Fails with std::errc::invalid_argument for an invalid subject or queue.
  // `owner_id` is stored in Subscription::owner_id before the subscription becomes visible.
  Result<Subscription*> subscribe(std::string subject, std::string queue, InternalSink* sink,
                                  uint64_t owner_id = 0);

  // Removes a subscription returned by subscribe(); its memory is reclaimed once no publisher
  // can still be delivering to it.
  void unsubscribe(Subscription* sub);

  // Publishes into the account; returns how many subscriptions took the message. Writers of the
  // receiving connections are woken once per run of the system thread (coalesced), or at flush().
  std::size_t publish(std::string_view subject, std::string_view reply, std::string_view headers,
                      std::string_view payload);

  // Delivers to the subscribers of `to` a message that carries `subject` on the wire (what
  // nats-server does for JetStream consumer deliveries).
  std::size_t deliver(std::string_view to, std::string_view subject, std::string_view reply,
                      std::string_view headers, std::string_view payload);

  // Wakes the writers of every connection published to since the last flush.
  void flush();

  // True when some subscription (other than this client's own) would receive `subject`.
  bool has_interest(std::string_view subject) const;

 private:
  Server& server_;
  AccountPtr account_;
  Worker& worker_;
  DeliveryBatch batch_;
  bool flush_posted_ = false;
  bool in_epoch_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<std::shared_ptr<Subscription>> subs_;
};

}  // namespace quiver::server::net
