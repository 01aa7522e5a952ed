// A minimal HTTP/1.0 GET over a plain socket, for the broker's monitoring endpoints.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "conformance/lib/connection.h"
#include "conformance/lib/endpoint.h"

namespace quiver::conformance {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
  std::string body;

  // The first header named `name` (ASCII case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

// Parses a whole HTTP/1.x response (status line, headers, body up to Content-Length or the
// end). Fails the case when the status line or header block is malformed.
HttpResponse parse_http_response(std::string_view raw);

// GET `path` with HTTP/1.0 (the server closes after the response). Fails the case when the
// endpoint does not answer within timing.wait.
HttpResponse http_get(const Endpoint& endpoint, std::string_view path, const Timing& timing);

// Parses a JSON body; fails the case when it is not JSON.
boost::json::value parse_json_body(const HttpResponse& response, std::string_view what);

}  // namespace quiver::conformance
