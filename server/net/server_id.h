// Server identity: a random id in the NKEY public-key format nats-server uses for server_id
// (56 base32 characters starting with 'N'), so tools that parse it keep working.
#pragma once

#include <string>

namespace quiver::server::net {

std::string generate_server_id();

}  // namespace quiver::server::net
