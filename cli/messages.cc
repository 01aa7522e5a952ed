#include "cli/messages.h"

#include <cerrno>
#include <unistd.h>

#include "cli/args.h"
#include "cli/runtime.h"
#include "cli/values.h"

namespace quiver::cli {

std::vector<HeaderTemplate> parse_header_flags(const std::vector<std::string>& flags,
                                               bool templates) {
  std::vector<HeaderTemplate> out;
  for (const std::string& flag : flags) {
    auto header = parse_header_arg(flag);
    if (!header) throw UsageError("invalid header '" + flag + "': want KEY:VALUE");
    if (!codec::is_valid_header_key(header->key)) {
      throw UsageError("invalid header key '" + header->key + "'");
    }
    if (header->value.find_first_of("\r\n") != std::string::npos) {
      throw UsageError("header value for '" + header->key + "' contains a line break");
    }
    out.push_back(HeaderTemplate{header->key, templates ? Template::parse(header->value)
                                                        : Template::literal(header->value)});
  }
  return out;
}

codec::Headers expand_headers(const std::vector<HeaderTemplate>& headers,
                              const TemplateValues& values, std::mt19937_64& rng) {
  codec::Headers out;
  for (const HeaderTemplate& h : headers) {
    std::string value = h.value.expand(values, rng);
    // A template can produce a line break (Request); the wire format cannot carry it.
    for (char& c : value) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    out.add(h.key, value);
  }
  return out;
}

std::vector<std::string> header_lines(const client::Message& message) {
  std::vector<std::string> lines;
  const codec::Headers& headers = message.headers();
  if (headers.status() != 0) {
    lines.push_back("Status: " + std::to_string(headers.status()));
    if (!headers.description().empty()) {
      lines.push_back("Description: " + std::string(headers.description()));
    }
  }
  for (const codec::HeaderField& f : headers.fields()) lines.push_back(f.key + ": " + f.value);
  return lines;
}

std::string format_received(const client::Message& message, std::uint64_t n, PrintStyle style) {
  std::string out;
  if (style == PrintStyle::kRaw) {
    out.append(message.data());
    out.push_back('\n');
    return out;
  }
  out = "[#" + std::to_string(n) + "] Received on \"" + std::string(message.subject()) + "\"";
  if (!message.reply().empty()) out += " with reply \"" + std::string(message.reply()) + "\"";
  out += "\n";
  const auto lines = header_lines(message);
  for (const auto& line : lines) out += line + "\n";
  if (!lines.empty()) out += "\n";
  if (style == PrintStyle::kPretty) {
    out.append(message.data());
    out += "\n";
    if (!message.data().ends_with('\n')) out += "\n";
  }
  return out;
}

std::string format_body(std::string_view body) {
  if (body.empty()) return "nil body\n";
  std::string out(body);
  out += "\n";
  return out;
}

std::string read_stdin() {
  if (::isatty(STDIN_FILENO) == 1) log_line("Reading payload from STDIN");
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      throw CliError(std::string("reading standard input failed"));
    }
  }
  return out;
}

}  // namespace quiver::cli
