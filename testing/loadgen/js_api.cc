#include "testing/loadgen/js_api.h"

#include <charconv>

#include <boost/json.hpp>

#include "codec/protocol_json.h"

namespace quiver::loadgen::js {
namespace {

std::string join(std::string_view prefix, std::string_view a, std::string_view b = {}) {
  std::string s(prefix);
  s.append(a);
  if (!b.empty()) {
    s.push_back('.');
    s.append(b);
  }
  return s;
}

std::string json_string(std::string_view s) {
  std::string out;
  codec::append_json_string(out, s);
  return out;
}

std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

int64_t int_field(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return 0;
}

uint64_t uint_field(const boost::json::object& o, std::string_view key) {
  const int64_t v = int_field(o, key);
  return v < 0 ? 0 : static_cast<uint64_t>(v);
}

}  // namespace

std::string stream_create_subject(std::string_view stream) {
  return join("$JS.API.STREAM.CREATE.", stream);
}
std::string stream_delete_subject(std::string_view stream) {
  return join("$JS.API.STREAM.DELETE.", stream);
}
std::string consumer_create_subject(std::string_view stream, std::string_view consumer) {
  return join("$JS.API.CONSUMER.CREATE.", stream, consumer);
}
std::string consumer_info_subject(std::string_view stream, std::string_view consumer) {
  return join("$JS.API.CONSUMER.INFO.", stream, consumer);
}
std::string consumer_delete_subject(std::string_view stream, std::string_view consumer) {
  return join("$JS.API.CONSUMER.DELETE.", stream, consumer);
}
std::string msg_next_subject(std::string_view stream, std::string_view consumer) {
  return join("$JS.API.CONSUMER.MSG.NEXT.", stream, consumer);
}

std::string stream_create_body(std::string_view stream, std::string_view subject) {
  return R"({"name":)" + json_string(stream) + R"(,"subjects":[)" + json_string(subject) +
         R"(],"storage":"file","num_replicas":1})";
}

std::string consumer_create_body(std::string_view stream, const ConsumerSpec& spec) {
  std::string s = R"({"stream_name":)" + json_string(stream) + R"(,"config":{"durable_name":)" +
                  json_string(spec.durable);
  if (spec.start_seq == 0) {
    s += R"(,"deliver_policy":"all")";
  } else {
    s += R"(,"deliver_policy":"by_start_sequence","opt_start_seq":)" +
         std::to_string(spec.start_seq);
  }
  s += R"(,"ack_policy":)" + json_string(spec.ack_policy);
  s += R"(,"max_ack_pending":)" + std::to_string(spec.max_ack_pending);
  s += R"(,"replay_policy":"instant")";
  if (!spec.deliver_subject.empty())
    s += R"(,"deliver_subject":)" + json_string(spec.deliver_subject);
  s += "}}";
  return s;
}

std::string msg_next_body(uint64_t batch) { return R"({"batch":)" + std::to_string(batch) + "}"; }

std::optional<ApiError> api_error(std::string_view reply) {
  const auto o = parse_object(reply);
  if (!o) return ApiError{0, 0, "reply is not a JSON object: " + std::string(reply)};
  const boost::json::value* e = o->if_contains("error");
  if (e == nullptr) return std::nullopt;
  ApiError out;
  if (const auto* eo = e->if_object()) {
    out.code = int_field(*eo, "code");
    out.err_code = int_field(*eo, "err_code");
    if (const auto* d = eo->if_contains("description"); d != nullptr && d->is_string()) {
      out.description = std::string(d->as_string());
    }
  } else {
    out.description = boost::json::serialize(*e);
  }
  return out;
}

std::string to_string(const ApiError& e) {
  std::string s = e.description.empty() ? std::string("error") : e.description;
  if (e.code != 0 || e.err_code != 0) {
    s += " (code " + std::to_string(e.code) + ", err_code " + std::to_string(e.err_code) + ")";
  }
  return s;
}

PubAck parse_pub_ack(std::string_view reply) {
  PubAck ack;
  if (reply.find("\"error\"") != std::string_view::npos) {
    const auto e = api_error(reply);
    ack.error = e ? to_string(*e) : std::string(reply);
    return ack;
  }
  constexpr std::string_view kSeq = "\"seq\"";
  std::size_t i = reply.find(kSeq);
  if (i != std::string_view::npos) {
    i += kSeq.size();
    while (i < reply.size() && (reply[i] == ' ' || reply[i] == ':')) ++i;
    const char* end = reply.data() + reply.size();
    const auto [ptr, ec] = std::from_chars(reply.data() + i, end, ack.seq);
    if (ec == std::errc() && ptr != reply.data() + i) {
      ack.ok = true;
      return ack;
    }
  }
  ack.error = "malformed ack: " + std::string(reply);
  return ack;
}

std::optional<ConsumerState> parse_consumer_info(std::string_view reply) {
  const auto o = parse_object(reply);
  if (!o || o->contains("error")) return std::nullopt;
  ConsumerState s;
  s.num_ack_pending = uint_field(*o, "num_ack_pending");
  s.num_pending = uint_field(*o, "num_pending");
  if (const auto* d = o->if_contains("delivered"); d != nullptr && d->is_object()) {
    s.delivered_consumer_seq = uint_field(d->as_object(), "consumer_seq");
  }
  if (const auto* a = o->if_contains("ack_floor"); a != nullptr && a->is_object()) {
    s.ack_floor_consumer_seq = uint_field(a->as_object(), "consumer_seq");
  }
  return s;
}

}  // namespace quiver::loadgen::js
