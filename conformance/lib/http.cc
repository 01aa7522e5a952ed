#include "conformance/lib/http.h"

#include <charconv>
#include <poll.h>

#include <boost/json/parse.hpp>

#include "conformance/lib/check.h"

#include <sys/socket.h>

namespace quiver::conformance {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return "";
}

HttpResponse parse_http_response(std::string_view raw) {
  HttpResponse response;
  const std::size_t end_of_headers = raw.find("\r\n\r\n");
  if (end_of_headers == std::string_view::npos) {
    fail("HTTP response without a complete header block: \"" + printable(raw, 120) + "\"");
  }
  std::string_view head = raw.substr(0, end_of_headers + 2);
  const std::size_t eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, eol);
  head.remove_prefix(eol + 2);
  // "HTTP/1.x NNN reason"
  if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12 || status_line[8] != ' ') {
    fail("malformed HTTP status line: \"" + printable(status_line) + "\"");
  }
  const std::string_view code = status_line.substr(9, 3);
  auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), response.status);
  if (ec != std::errc() || ptr != code.data() + code.size()) {
    fail("malformed HTTP status code: \"" + printable(status_line) + "\"");
  }
  while (!head.empty()) {
    const std::size_t line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    head.remove_prefix(line_end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) fail("malformed HTTP header: \"" + printable(line) + "\"");
    response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                  std::string(trim(line.substr(colon + 1))));
  }
  std::string_view body = raw.substr(end_of_headers + 4);
  const std::string length = response.header("Content-Length");
  if (!length.empty()) {
    std::size_t n = 0;
    std::from_chars(length.data(), length.data() + length.size(), n);
    if (n < body.size()) body = body.substr(0, n);
  }
  response.body = std::string(body);
  return response;
}

HttpResponse http_get(const Endpoint& endpoint, std::string_view path, const Timing& timing) {
  Connection conn = Connection::open(endpoint, timing);
  conn.send("GET " + std::string(path) + " HTTP/1.0\r\nHost: " + endpoint.to_string() +
            "\r\nAccept: application/json\r\n\r\n");
  // HTTP, not NATS: read the bytes as they are until the server closes.
  const std::string raw = conn.read_raw_until_closed(timing.wait);
  return parse_http_response(raw);
}

boost::json::value parse_json_body(const HttpResponse& response, std::string_view what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(response.body, ec);
  if (ec) {
    fail(std::string(what) + ": body is not JSON (" + ec.message() + "): \"" +
         printable(response.body, 120) + "\"");
  }
  return v;
}

}  // namespace quiver::conformance
