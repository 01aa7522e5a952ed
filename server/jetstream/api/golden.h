// Test helper: the nats-server 2.9.10 exchanges captured by testdata/probe_errors.py into
// testdata/nats_server_2_9_10.json, looked up by case name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quiver::server::jetstream::api::testing {

struct GoldenCase {
  std::string subject;
  std::map<std::string, std::string> headers;
  std::string body;
  std::optional<std::string> reply;          // payload; nullopt when the server sent nothing
  std::optional<std::string> reply_headers;  // raw NATS/1.0 block, when the reply had one
};

// The case `name`; aborts the test binary with a message when it is not in the file.
const GoldenCase& golden(std::string_view name);
std::vector<std::string> golden_names();

// The string at a dotted path in the JSON document `json` ("config.name", "streams.0.created";
// numbers index arrays), for pulling server-chosen values (timestamps) out of a reply.
std::string golden_field(std::string_view json, std::string_view path);

}  // namespace quiver::server::jetstream::api::testing
