#include "client/jetstream/message.h"

#include <charconv>
#include <vector>

#include "client/connection.h"

namespace quiver::client::jetstream {
namespace {

bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<Metadata> parse_metadata(std::string_view reply) {
  constexpr std::string_view kPrefix = "$JS.ACK.";
  if (reply.substr(0, kPrefix.size()) != kPrefix)
    return make_error_code(errc::kNotJetStreamMessage);
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = reply.find('.', start);
    tokens.push_back(reply.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // v1: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending> (9 tokens).
  // v2: $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.
  //     <pending>[.<more>...] (11 or more tokens).
  std::size_t base = 0;
  Metadata m;
  if (tokens.size() == 9) {
    base = 2;
  } else if (tokens.size() >= 11) {
    m.domain = tokens[2] == "_" ? std::string() : std::string(tokens[2]);
    base = 4;
  } else {
    return make_error_code(errc::kNotJetStreamMessage);
  }
  m.stream = std::string(tokens[base]);
  m.consumer = std::string(tokens[base + 1]);
  std::uint64_t ts = 0;
  if (m.stream.empty() || m.consumer.empty() || !parse_u64(tokens[base + 2], m.num_delivered) ||
      !parse_u64(tokens[base + 3], m.stream_seq) || !parse_u64(tokens[base + 4], m.consumer_seq) ||
      !parse_u64(tokens[base + 5], ts) || !parse_u64(tokens[base + 6], m.num_pending)) {
    return make_error_code(errc::kNotJetStreamMessage);
  }
  m.timestamp = Time(Nanos(static_cast<std::int64_t>(ts)));
  return m;
}

JsMsg::JsMsg(Message message, Connection* connection)
    : message_(std::move(message)),
      connection_(connection),
      state_(std::make_shared<std::atomic<bool>>(false)) {}

std::error_code JsMsg::send(std::string_view payload, bool final) {
  if (connection_ == nullptr || message_.reply().substr(0, 8) != "$JS.ACK.") {
    return make_error_code(errc::kNotJetStreamMessage);
  }
  if (final) {
    if (state_->exchange(true)) return make_error_code(errc::kAlreadyAcked);
  } else if (state_->load()) {
    return make_error_code(errc::kAlreadyAcked);
  }
  const std::error_code ec = connection_->publish(message_.reply(), payload);
  if (ec && final) state_->store(false);
  return ec;
}

std::error_code JsMsg::ack() { return send("+ACK", true); }
std::error_code JsMsg::nak() { return send("-NAK", true); }
std::error_code JsMsg::nak(std::chrono::nanoseconds delay) {
  return send("-NAK {\"delay\": " + std::to_string(delay.count()) + "}", true);
}
std::error_code JsMsg::in_progress() { return send("+WPI", false); }
std::error_code JsMsg::term(std::string_view reason) {
  if (reason.empty()) return send("+TERM", true);
  return send("+TERM " + std::string(reason), true);
}

boost::asio::awaitable<JsResult<void>> JsMsg::ack_sync(std::chrono::milliseconds timeout) {
  if (connection_ == nullptr || message_.reply().substr(0, 8) != "$JS.ACK.") {
    co_return Error(errc::kNotJetStreamMessage);
  }
  if (state_->exchange(true)) co_return Error(errc::kAlreadyAcked);
  auto reply = co_await connection_->request(std::string(message_.reply()), "+ACK", timeout);
  if (!reply) {
    state_->store(false);
    co_return Error(reply.error());
  }
  co_return success();
}

}  // namespace quiver::client::jetstream
