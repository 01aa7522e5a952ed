#include "conformance/cases/jetstream_helpers.h"

#include <charconv>
#include <exception>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace quiver::conformance::js {

boost::json::value parse_json(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) fail(std::string(what) + " is not JSON: \"" + printable(text) + "\"");
  return v;
}

std::string show(const boost::json::value& v) { return printable(boost::json::serialize(v), 400); }

const boost::json::value* field(const boost::json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

const boost::json::value& member(const boost::json::value& v, std::string_view key) {
  const boost::json::value* f = field(v, key);
  if (f == nullptr) fail("no \"" + std::string(key) + "\" in " + show(v));
  return *f;
}

int64_t int_at(const boost::json::value& v, std::string_view key) {
  const boost::json::value& f = member(v, key);
  if (f.is_int64()) return f.as_int64();
  if (f.is_uint64() && f.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(f.as_uint64());
  }
  fail("\"" + std::string(key) + "\" is not an integer in " + show(v));
}

std::string string_at(const boost::json::value& v, std::string_view key) {
  const boost::json::value& f = member(v, key);
  if (!f.is_string()) fail("\"" + std::string(key) + "\" is not a string in " + show(v));
  return std::string(f.as_string());
}

bool bool_at(const boost::json::value& v, std::string_view key) {
  const boost::json::value& f = member(v, key);
  if (!f.is_bool()) fail("\"" + std::string(key) + "\" is not a boolean in " + show(v));
  return f.as_bool();
}

void check_absent(const boost::json::value& v, std::string_view key) {
  if (field(v, key) != nullptr) fail("unexpected \"" + std::string(key) + "\" in " + show(v));
}

void check_no_error(const boost::json::value& v, std::string_view what) {
  if (field(v, "error") != nullptr) fail(std::string(what) + " failed: " + show(v));
}

void check_api_error(const boost::json::value& v, int64_t code, int64_t err_code,
                     std::string_view description) {
  const boost::json::value* error = field(v, "error");
  if (error == nullptr || !error->is_object()) {
    fail("expected error " + std::to_string(err_code) + ", got " + show(v));
  }
  check_eq(int_at(*error, "code"), code, "error code");
  check_eq(int_at(*error, "err_code"), err_code, "err_code");
  check_eq(string_at(*error, "description"), std::string(description), "error description");
}

std::vector<std::string> strings_at(const boost::json::value& v, std::string_view key) {
  const boost::json::value& f = member(v, key);
  if (!f.is_array()) fail("\"" + std::string(key) + "\" is not an array in " + show(v));
  std::vector<std::string> out;
  for (const boost::json::value& e : f.as_array()) {
    if (!e.is_string()) fail("\"" + std::string(key) + "\" has a non-string in " + show(v));
    out.emplace_back(e.as_string());
  }
  return out;
}

ServerOp next_op(Connection& c, std::string_view what, std::optional<milliseconds> timeout) {
  const Clock::time_point until = Clock::now() + timeout.value_or(c.timing().wait);
  while (true) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    ServerOp op = c.next(what, std::max(left, milliseconds(1)));
    if (op.kind != OpKind::kPing) return op;
    c.send("PONG\r\n");
  }
}

void expect_quiet(Connection& c, milliseconds window) {
  const Clock::time_point until = Clock::now() + window;
  while (true) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    if (left <= milliseconds(0)) return;
    if (!c.poll_op(left)) return;
    if (c.closed()) fail("expected nothing, but the connection closed");
    ServerOp op = c.next("an op");
    if (op.kind != OpKind::kPing) fail("expected nothing, got " + op.describe());
    c.send("PONG\r\n");
  }
}

codec::Headers headers_of(const ServerOp& op) {
  if (op.kind != OpKind::kHmsg) fail("expected HMSG, got " + op.describe());
  auto parsed = codec::parse_headers(op.headers);
  if (!parsed) fail("header block does not parse: " + op.describe());
  return std::move(parsed).value();
}

void check_status(const ServerOp& op, int code, std::string_view description) {
  const codec::Headers h = headers_of(op);
  check_eq(h.status(), code, "status code of " + op.describe());
  check_eq(std::string(h.description()), std::string(description), "status description");
  check_eq(op.payload, std::string(), "status message payload");
}

namespace {

uint64_t to_u64(std::string_view token, std::string_view reply) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || p != token.data() + token.size()) {
    fail("ack reply token \"" + std::string(token) + "\" is not a number in " + std::string(reply));
  }
  return v;
}

}  // namespace

AckReply parse_ack_reply(std::string_view reply) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = reply.find('.', start);
    tokens.push_back(reply.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (tokens.size() != 9 || tokens[0] != "$JS" || tokens[1] != "ACK") {
    fail("expected $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>, got \"" +
         std::string(reply) + "\"");
  }
  AckReply a;
  a.stream = tokens[2];
  a.consumer = tokens[3];
  a.delivered = to_u64(tokens[4], reply);
  a.stream_seq = to_u64(tokens[5], reply);
  a.consumer_seq = to_u64(tokens[6], reply);
  a.timestamp = to_u64(tokens[7], reply);
  a.pending = to_u64(tokens[8], reply);
  return a;
}

namespace {

// Like the official clients: headers and no_responders whenever the broker supports headers,
// so that a publish no stream captures gets the 503 status instead of silence.
codec::ConnectOptions api_options(const CaseContext& ctx) {
  codec::ConnectOptions o = ctx.connect_options();
  o.no_responders = o.headers;
  return o;
}

}  // namespace

Api::Api(CaseContext& ctx)
    : ctx_(ctx), conn_(ctx.client(api_options(ctx))), inbox_(unique_name(ctx, "_INBOX_cf")) {
  conn_.sub(inbox_ + ".*", "inbox");
  conn_.flush();
}

std::string Api::inbox() { return inbox_ + "." + std::to_string(++n_); }

ServerOp Api::request_op(std::string_view subject, std::string_view payload,
                         std::string_view headers) {
  const std::string reply = inbox();
  if (headers.empty()) {
    conn_.pub(subject, payload, reply);
  } else {
    conn_.hpub(subject, headers, payload, reply);
  }
  ServerOp op = next("the reply to " + std::string(subject));
  if (!op.is_msg() || op.subject != reply) {
    fail("expected the reply to " + std::string(subject) + " on " + reply + ", got " +
         op.describe());
  }
  return op;
}

boost::json::value Api::request(std::string_view subject, std::string_view payload,
                                std::string_view headers) {
  ServerOp op = request_op(subject, payload, headers);
  boost::json::value v = parse_json(op.payload, "the reply to " + std::string(subject));
  if (!v.is_object()) fail("the reply to " + std::string(subject) + " is not a JSON object");
  return v;
}

void Api::expect_no_reply(std::string_view subject, std::string_view payload, milliseconds window) {
  conn_.pub(subject, payload, inbox());
  conn_.flush();
  expect_quiet(conn_, window);
}

void Api::publish(std::string_view subject, std::string_view payload, std::string_view reply) {
  conn_.pub(subject, payload, reply);
}

ServerOp Api::next(std::string_view what, std::optional<milliseconds> timeout) {
  return next_op(conn_, what, timeout);
}

ServerOp Api::next_delivery(std::string_view what, std::optional<milliseconds> timeout) {
  ServerOp op = next(what, timeout);
  if (!op.is_msg() || op.sid != "inbox")
    fail("expected " + std::string(what) + ", got " + op.describe());
  return op;
}

std::string unique_name(const CaseContext& ctx, std::string_view prefix) {
  std::string name = ctx.unique(prefix);
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

Stream::Stream(CaseContext& ctx, Api& api, std::string_view extra)
    : api_(api), name_(unique_name(ctx, "CF")) {
  std::string config =
      R"({"name":")" + name_ + R"(","subjects":[")" + name_ + R"(.>"],"storage":"memory")";
  if (!extra.empty()) config += "," + std::string(extra);
  config += "}";
  created_ = api_.request("$JS.API.STREAM.CREATE." + name_, config);
  check_no_error(created_, "STREAM.CREATE " + config);
}

Stream::~Stream() {
  try {
    api_.request("$JS.API.STREAM.DELETE." + name_, "");
  } catch (const std::exception&) {
    // The case already failed or the broker went away; nothing more to clean up.
  }
}

boost::json::value Stream::info(std::string_view request) {
  boost::json::value r = api_.request("$JS.API.STREAM.INFO." + name_, request);
  check_no_error(r, "STREAM.INFO");
  return r;
}

boost::json::value Stream::state(std::string_view request) {
  return member(info(request), "state");
}

boost::json::value Stream::publish(std::string_view suffix, std::string_view payload,
                                   std::string_view headers) {
  return api_.request(subject(suffix), payload, headers);
}

void Stream::publish_ok(std::string_view suffix, std::string_view payload, int64_t seq) {
  const boost::json::value ack = publish(suffix, payload);
  check_no_error(ack, "publish to " + subject(suffix));
  check_eq(int_at(ack, "seq"), seq, "PubAck seq");
}

boost::json::value Stream::add_consumer(std::string_view durable, std::string_view config) {
  std::string body = R"({"stream_name":")" + name_ + R"(","config":{"durable_name":")" +
                     std::string(durable) + "\"";
  if (!config.empty()) body += "," + std::string(config);
  body += "}}";
  return api_.request("$JS.API.CONSUMER.DURABLE.CREATE." + name_ + "." + std::string(durable),
                      body);
}

void Stream::add_consumer_ok(std::string_view durable, std::string_view config) {
  check_no_error(add_consumer(durable, config), "CONSUMER.DURABLE.CREATE " + std::string(durable));
}

boost::json::value Stream::consumer_info(std::string_view consumer) {
  boost::json::value r =
      api_.request("$JS.API.CONSUMER.INFO." + name_ + "." + std::string(consumer), "");
  check_no_error(r, "CONSUMER.INFO");
  return r;
}

std::string Stream::pull(std::string_view consumer, std::string_view request) {
  const std::string reply = api_.inbox();
  api_.publish("$JS.API.CONSUMER.MSG.NEXT." + name_ + "." + std::string(consumer), request, reply);
  return reply;
}

}  // namespace quiver::conformance::js
