// InternalSink: where messages for the server's own subscriptions go (JetStream's API and
// stream subjects today; system-account services and route/leaf forwarding can follow).
//
// A Subscription with origin InterestOrigin::kSystem has `owner` pointing at an InternalSink.
// Delivering threads call on_message() directly, on whatever worker thread published, so an
// implementation must be thread-safe and fast: copy what it needs and hand it to its own thread.
#pragma once

#include <string_view>

#include "server/core/sublist.h"

namespace quiver::server {

class InternalSink {
 public:
  virtual ~InternalSink() = default;

  // The views are valid only during the call. Returns false to decline (the publisher then
  // treats the message as not delivered, e.g. for no-responders).
  virtual bool on_message(const Subscription& sub, std::string_view subject, std::string_view reply,
                          std::string_view headers, std::string_view payload) = 0;
};

}  // namespace quiver::server
