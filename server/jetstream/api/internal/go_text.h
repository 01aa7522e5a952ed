// Go's text formatting that nats-server's messages embed: fmt's %q (strconv.Quote) and
// time.Duration.String. Internal to //server/jetstream/api.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace quiver::server::jetstream::api::internal {

// strconv.Quote: `"` and `\` escaped, \a \b \f \n \r \t \v, other control bytes and bytes that
// are not UTF-8 as \xNN, DEL as \x7f, well-formed UTF-8 as is.
void append_go_quoted(std::string& out, std::string_view s);
std::string go_quote(std::string_view s);

// time.Duration(ns).String(): "0s", "1.5s", "2m0s", "1h0m0s", "500ms", "1.2µs".
std::string go_duration_string(std::int64_t ns);

}  // namespace quiver::server::jetstream::api::internal
