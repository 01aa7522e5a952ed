// Building and printing messages the way natscli does: -H K:V header flags (values may be
// templates), the "[#1] Received on "subject"" block of `sub`, the body lines of `req`.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cli/template.h"
#include "client/message.h"
#include "codec/headers.h"

namespace quiver::cli {

struct HeaderTemplate {
  std::string key;
  Template value;
};

// Parses --header/-H values ("Key:Value"). Values are templates when `templates` is set.
// Throws UsageError for a missing ':', an invalid key or a value with CR/LF.
std::vector<HeaderTemplate> parse_header_flags(const std::vector<std::string>& flags,
                                               bool templates);

codec::Headers expand_headers(const std::vector<HeaderTemplate>& headers,
                              const TemplateValues& values, std::mt19937_64& rng);

// "Key: Value" per field, in order; a status line shows as "Status: 503" (and "Description:
// ...") the way nats.go exposes it.
std::vector<std::string> header_lines(const client::Message& message);

enum class PrintStyle {
  kPretty,       // natscli's default block
  kRaw,          // the body and a newline
  kHeadersOnly,  // the pretty block without the body
};

// What `sub` prints for the n-th message:
//   [#1] Received on "subject" with reply "reply"
//   Key: Value
//   <blank line after headers>
//   body
//   <blank line unless the body ends in a newline>
std::string format_received(const client::Message& message, std::uint64_t n, PrintStyle style);

// natscli's body output for `req`/`reply`: "nil body" for an empty body, otherwise the body
// and a newline.
std::string format_body(std::string_view body);

// Reads standard input to its end (the body when none is given on the command line), saying
// so on stderr first when it is a terminal.
std::string read_stdin();

}  // namespace quiver::cli
