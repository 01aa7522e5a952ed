#include "client/jetstream/jetstream.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "client/jetstream/internal/context.h"
#include "client/jetstream/internal/encoding.h"

namespace quiver::client::jetstream {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using internal::ContextState;
using internal::FutureState;
using std::chrono::steady_clock;

namespace internal {

boost::system::error_code to_boost(const std::error_code& ec) {
  if (ec.category() == std::system_category()) {
    return {ec.value(), boost::system::system_category()};
  }
  if (ec.category() == std::generic_category()) {
    return {ec.value(), boost::system::generic_category()};
  }
  return ec;
}

boost::system::error_code from_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& ex) {
    return ex.code();
  } catch (const std::system_error& ex) {
    return to_boost(ex.code());
  } catch (...) {
    return to_boost(make_error_code(errc::kBadResponse));
  }
}

bool FutureState::set(JsResult<PubAck> r) {
  {
    std::lock_guard lock(mu);
    if (result) return false;
    result = std::move(r);
  }
  notifier.notify_all();
  return true;
}

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
}

bool needs_headers(const codec::Headers* base, const PublishOptions& o) {
  return base != nullptr || o.headers != nullptr || !o.msg_id.empty() ||
         !o.expected_stream.empty() || !o.expected_last_msg_id.empty() ||
         o.expected_last_seq.has_value() || o.expected_last_subject_seq.has_value();
}

codec::Headers publish_headers(const codec::Headers* base, const PublishOptions& o) {
  codec::Headers h;
  if (base != nullptr) h = *base;
  if (o.headers != nullptr) {
    for (const auto& f : o.headers->fields()) h.add(f.key, f.value);
  }
  if (!o.msg_id.empty()) h.set(kMsgIdHeader, o.msg_id);
  if (!o.expected_stream.empty()) h.set(kExpectedStreamHeader, o.expected_stream);
  if (!o.expected_last_msg_id.empty()) h.set(kExpectedLastMsgIdHeader, o.expected_last_msg_id);
  if (o.expected_last_seq) h.set(kExpectedLastSeqHeader, std::to_string(*o.expected_last_seq));
  if (o.expected_last_subject_seq) {
    h.set(kExpectedLastSubjectSeqHeader, std::to_string(*o.expected_last_subject_seq));
  }
  return h;
}

JsResult<PubAck> pub_ack_from(const Message& reply) {
  if (reply.status() == 503) return Error(errc::kNoStreamResponse);
  return parse_pub_ack(reply.data());
}

std::string serialize(const json::object& o) { return json::serialize(o); }

awaitable<JsResult<void>> ContextState::ensure_reply_subscription() {
  for (;;) {
    std::uint64_t gen = 0;
    {
      std::lock_guard lock(mu);
      if (sub_state == SubState::kReady) co_return success();
      if (sub_state == SubState::kNone) {
        sub_state = SubState::kSubscribing;
        break;
      }
      gen = sub_ready.generation();
    }
    co_await sub_ready.wait(gen, steady_clock::now() + options.timeout);
  }
  // One wildcard subscription for every acknowledgement, as nats.go's "rpre".
  const std::string inbox = connection->new_inbox();
  std::weak_ptr<ContextState> weak = weak_from_this();
  // A named handler: GCC 12 destroys temporaries that a co_await expression converts (here
  // lambda -> std::function) twice.
  MessageHandler handler = [weak](Message m) {
    if (auto self = weak.lock()) self->on_ack(m);
  };
  auto sub = co_await connection->subscribe(inbox + ".*", {}, std::move(handler));
  {
    std::lock_guard lock(mu);
    if (sub) {
      reply_sub = sub.value();
      reply_prefix = inbox + ".";
      sub_state = SubState::kReady;
    } else {
      sub_state = SubState::kNone;
    }
  }
  sub_ready.notify_all();
  if (!sub) co_return Error(sub.error());
  co_return success();
}

void ContextState::on_ack(const Message& message) {
  std::string_view subject = message.subject();
  const auto dot = subject.rfind('.');
  if (dot == std::string_view::npos) return;
  finish(std::string(subject.substr(dot + 1)), pub_ack_from(message));
}

void ContextState::finish(const std::string& token, JsResult<PubAck> result) {
  std::shared_ptr<FutureState> future;
  {
    std::lock_guard lock(mu);
    auto it = pending.find(token);
    if (it == pending.end()) return;
    future = std::move(it->second);
    pending.erase(it);
  }
  future->set(std::move(result));
  room.notify_all();
}

steady_clock::time_point ContextState::expire_stale() {
  std::vector<std::string> expired;
  steady_clock::time_point next = steady_clock::time_point::max();
  {
    std::lock_guard lock(mu);
    const auto now = steady_clock::now();
    if (now < earliest_deadline) return earliest_deadline;
    for (const auto& [token, f] : pending) {
      if (f->deadline <= now) {
        expired.push_back(token);
      } else {
        next = std::min(next, f->deadline);
      }
    }
    earliest_deadline = next;
  }
  for (const auto& token : expired) finish(token, Error(client::errc::kTimeout));
  return next;
}

}  // namespace internal

// ----- PubAckFuture -----

bool PubAckFuture::done() const {
  std::lock_guard lock(state_->mu);
  return state_->result.has_value();
}

std::optional<JsResult<PubAck>> PubAckFuture::try_get() const {
  std::lock_guard lock(state_->mu);
  return state_->result;
}

awaitable<JsResult<PubAck>> PubAckFuture::get(std::chrono::milliseconds timeout) const {
  auto state = state_;
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    const auto gen = state->notifier.generation();
    {
      std::lock_guard lock(state->mu);
      if (state->result) co_return *state->result;
    }
    // Past its own deadline the publish has failed: release its slot of the window too.
    if (steady_clock::now() >= state->deadline) {
      if (auto context = state->context.lock()) {
        context->finish(state->token, Error(client::errc::kTimeout));
      } else {
        state->set(Error(client::errc::kTimeout));
      }
      continue;
    }
    if (!co_await state->notifier.wait(gen, std::min(deadline, state->deadline)) &&
        steady_clock::now() >= deadline) {
      std::lock_guard lock(state->mu);
      if (state->result) co_return *state->result;
      co_return Error(client::errc::kTimeout);
    }
  }
}

const std::string& PubAckFuture::subject() const { return state_->subject; }

// ----- JetStream -----

JetStream::JetStream(Connection& connection, Options options)
    : state_(std::make_shared<ContextState>()) {
  state_->connection = &connection;
  state_->prefix = options.domain.empty() ? options.api_prefix : "$JS." + options.domain + ".API";
  while (!state_->prefix.empty() && state_->prefix.back() == '.') state_->prefix.pop_back();
  state_->options = std::move(options);
}

Connection& JetStream::connection() const noexcept { return *state_->connection; }
const JetStreamOptions& JetStream::options() const noexcept { return state_->options; }
JetStream::executor_type JetStream::get_executor() const {
  return state_->connection->get_executor();
}
const std::string& JetStream::api_prefix() const noexcept { return state_->prefix; }

namespace {

awaitable<JsResult<PubAck>> publish_impl(std::shared_ptr<ContextState> state, std::string subject,
                                         std::string data, const codec::Headers* base,
                                         PublishOptions options) {
  RequestOptions request;
  request.timeout = options.timeout.count() > 0 ? options.timeout : state->options.timeout;
  codec::Headers headers;
  if (internal::needs_headers(base, options)) {
    headers = internal::publish_headers(base, options);
    request.headers = &headers;
  }
  auto [ec, reply] = co_await state->connection->async_request(
      std::move(subject), std::move(data), request, asio::as_tuple(asio::use_awaitable));
  if (ec == client::errc::kNoResponders) co_return Error(errc::kNoStreamResponse);
  if (ec) co_return Error(std::error_code(ec));
  co_return internal::pub_ack_from(reply);
}

awaitable<JsResult<PubAckFuture>> publish_async_impl(std::shared_ptr<ContextState> state,
                                                     std::string subject, std::string data,
                                                     const codec::Headers* base,
                                                     PublishOptions options) {
  if (auto r = co_await state->ensure_reply_subscription(); !r) co_return r.error();
  const auto stall_deadline = steady_clock::now() + state->options.stall_wait;
  auto future = std::make_shared<FutureState>();
  future->subject = subject;
  future->context = state;
  std::string reply;
  for (;;) {
    const auto gen = state->room.generation();
    const auto next_expiry = state->expire_stale();
    {
      std::lock_guard lock(state->mu);
      if (state->pending.size() < state->options.max_pending) {
        future->token = std::to_string(++state->next_token);
        reply = state->reply_prefix + future->token;
        future->deadline = steady_clock::now() +
                           (options.timeout.count() > 0 ? options.timeout : state->options.timeout);
        state->pending.emplace(future->token, future);
        state->earliest_deadline = std::min(state->earliest_deadline, future->deadline);
        break;
      }
    }
    if (!co_await state->room.wait(gen, std::min(stall_deadline, next_expiry)) &&
        steady_clock::now() >= stall_deadline) {
      co_return Error(errc::kTooManyStalled);
    }
  }
  std::error_code ec;
  client::PublishOptions publish_options;
  publish_options.reply = reply;
  codec::Headers headers;
  if (internal::needs_headers(base, options)) {
    headers = internal::publish_headers(base, options);
    publish_options.headers = &headers;
  }
  ec = state->connection->publish(subject, data, publish_options);
  if (ec) {
    state->finish(future->token, Error(ec));
    co_return Error(ec);
  }
  co_return ContextState::make_future(std::move(future));
}

}  // namespace

awaitable<JsResult<PubAck>> JetStream::publish(std::string_view subject, std::string_view data,
                                               PublishOptions options) {
  return publish_impl(state_, std::string(subject), std::string(data), nullptr, options);
}

awaitable<JsResult<PubAck>> JetStream::publish(const Message& message, PublishOptions options) {
  const codec::Headers* base = message.has_headers() ? &message.headers() : nullptr;
  // The coroutine copies the headers before its first suspension point.
  codec::Headers copy = base != nullptr ? *base : codec::Headers{};
  auto state = state_;
  std::string subject(message.subject());
  std::string data(message.data());
  const bool has = base != nullptr;
  co_return co_await publish_impl(state, std::move(subject), std::move(data), has ? &copy : nullptr,
                                  options);
}

awaitable<JsResult<PubAckFuture>> JetStream::publish_async(std::string_view subject,
                                                           std::string_view data,
                                                           PublishOptions options) {
  return publish_async_impl(state_, std::string(subject), std::string(data), nullptr, options);
}

awaitable<JsResult<PubAckFuture>> JetStream::publish_async(const Message& message,
                                                           PublishOptions options) {
  codec::Headers copy = message.headers();
  const bool has = message.has_headers();
  auto state = state_;
  std::string subject(message.subject());
  std::string data(message.data());
  co_return co_await publish_async_impl(state, std::move(subject), std::move(data),
                                        has ? &copy : nullptr, options);
}

awaitable<JsResult<void>> JetStream::publish_async_complete(std::chrono::milliseconds timeout) {
  auto state = state_;
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    const auto gen = state->room.generation();
    const auto next_expiry = state->expire_stale();
    {
      std::lock_guard lock(state->mu);
      if (state->pending.empty()) co_return success();
    }
    if (!co_await state->room.wait(gen, std::min(deadline, next_expiry)) &&
        steady_clock::now() >= deadline) {
      co_return Error(client::errc::kTimeout);
    }
  }
}

std::size_t JetStream::publish_async_pending() const {
  std::lock_guard lock(state_->mu);
  return state_->pending.size();
}

// ----- API requests -----

awaitable<JsResult<json::object>> JetStream::api_request(std::string_view api_subject,
                                                         std::string_view body) {
  auto state = state_;
  std::string subject = state->prefix + "." + std::string(api_subject);
  auto reply = co_await state->connection->request(std::move(subject), std::string(body),
                                                   state->options.timeout);
  if (!reply) {
    if (reply.error() == client::errc::kNoResponders) co_return Error(errc::kNotEnabled);
    co_return Error(reply.error());
  }
  co_return parse_api_response(reply.value().data());
}

namespace {

JsResult<void> check_success(const JsResult<json::object>& r) {
  if (!r) return r.error();
  const auto* s = r.value().if_contains("success");
  if (s == nullptr || !s->is_bool() || !s->get_bool()) {
    return Error(make_error_code(errc::kBadResponse), "no success in the reply");
  }
  return success();
}

Error invalid(std::string_view what) {
  return Error(make_error_code(errc::kInvalidArgument), std::string(what));
}

}  // namespace

awaitable<JsResult<AccountInfo>> JetStream::account_info() {
  auto self = *this;
  auto r = co_await self.api_request("INFO", "");
  if (!r) co_return r.error();
  co_return parse_account_info(r.value());
}

awaitable<JsResult<StreamInfo>> JetStream::add_stream(StreamConfig config) {
  if (!internal::is_valid_name(config.name)) co_return invalid("stream name");
  auto self = *this;
  const std::string body = internal::serialize(to_json(config));
  auto r = co_await self.api_request("STREAM.CREATE." + config.name, body);
  if (!r) co_return r.error();
  co_return parse_stream_info(r.value());
}

awaitable<JsResult<StreamInfo>> JetStream::update_stream(StreamConfig config) {
  if (!internal::is_valid_name(config.name)) co_return invalid("stream name");
  auto self = *this;
  const std::string body = internal::serialize(to_json(config));
  auto r = co_await self.api_request("STREAM.UPDATE." + config.name, body);
  if (!r) co_return r.error();
  co_return parse_stream_info(r.value());
}

awaitable<JsResult<StreamInfo>> JetStream::stream_info(std::string_view stream,
                                                       StreamInfoOptions options) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  std::string body;
  if (!options.subjects_filter.empty() || options.deleted_details) {
    json::object o;
    if (!options.subjects_filter.empty()) o["subjects_filter"] = options.subjects_filter;
    if (options.deleted_details) o["deleted_details"] = true;
    body = internal::serialize(o);
  }
  auto r = co_await self.api_request("STREAM.INFO." + std::string(stream), body);
  if (!r) co_return r.error();
  co_return parse_stream_info(r.value());
}

awaitable<JsResult<void>> JetStream::delete_stream(std::string_view stream) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  co_return check_success(co_await self.api_request("STREAM.DELETE." + std::string(stream), ""));
}

awaitable<JsResult<std::uint64_t>> JetStream::purge_stream(std::string_view stream,
                                                           PurgeOptions options) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  if (options.seq != 0 && options.keep != 0) co_return invalid("purge: seq and keep exclude");
  auto self = *this;
  std::string body;
  if (!options.filter.empty() || options.seq != 0 || options.keep != 0) {
    json::object o;
    if (!options.filter.empty()) o["filter"] = options.filter;
    if (options.seq != 0) o["seq"] = options.seq;
    if (options.keep != 0) o["keep"] = options.keep;
    body = internal::serialize(o);
  }
  auto r = co_await self.api_request("STREAM.PURGE." + std::string(stream), body);
  if (auto ok = check_success(r); !ok) co_return ok.error();
  std::uint64_t purged = 0;
  if (const auto* p = r.value().if_contains("purged")) {
    boost::system::error_code ec;
    purged = p->to_number<std::uint64_t>(ec);
    if (ec) co_return Error(make_error_code(errc::kBadResponse), "purged");
  }
  co_return purged;
}

namespace {

// One page of a NAMES/LIST response: the array under `key` (null or absent when empty), and
// the total the server reports.
struct Page {
  const json::array* items = nullptr;
  std::uint64_t total = 0;
};

JsResult<Page> page_of(const json::object& o, std::string_view key) {
  Page p;
  if (const auto* t = o.if_contains("total")) {
    boost::system::error_code ec;
    p.total = t->to_number<std::uint64_t>(ec);
    if (ec) return Error(make_error_code(errc::kBadResponse), "total");
  }
  if (const auto* a = o.if_contains(key); a != nullptr && !a->is_null()) {
    if (!a->is_array()) return Error(make_error_code(errc::kBadResponse), std::string(key));
    p.items = &a->get_array();
  }
  return p;
}

}  // namespace

awaitable<JsResult<std::vector<std::string>>> JetStream::stream_names(
    std::string_view subject_filter) {
  auto self = *this;
  std::string filter(subject_filter);
  std::vector<std::string> names;
  for (;;) {
    json::object req;
    req["offset"] = names.size();
    if (!filter.empty()) req["subject"] = filter;
    auto r = co_await self.api_request("STREAM.NAMES", internal::serialize(req));
    if (!r) co_return r.error();
    auto page = page_of(r.value(), "streams");
    if (!page) co_return page.error();
    if (page.value().items == nullptr || page.value().items->empty()) break;
    for (const auto& n : *page.value().items) {
      if (!n.is_string()) co_return Error(make_error_code(errc::kBadResponse), "stream name");
      names.emplace_back(n.get_string());
    }
    if (names.size() >= page.value().total) break;
  }
  co_return names;
}

awaitable<JsResult<std::vector<StreamInfo>>> JetStream::streams(std::string_view subject_filter) {
  auto self = *this;
  std::string filter(subject_filter);
  std::vector<StreamInfo> infos;
  for (;;) {
    json::object req;
    req["offset"] = infos.size();
    if (!filter.empty()) req["subject"] = filter;
    auto r = co_await self.api_request("STREAM.LIST", internal::serialize(req));
    if (!r) co_return r.error();
    auto page = page_of(r.value(), "streams");
    if (!page) co_return page.error();
    if (page.value().items == nullptr || page.value().items->empty()) break;
    for (const auto& v : *page.value().items) {
      auto info = parse_stream_info(v);
      if (!info) co_return info.error();
      infos.push_back(std::move(info).value());
    }
    if (infos.size() >= page.value().total) break;
  }
  co_return infos;
}

awaitable<JsResult<std::string>> JetStream::stream_name_by_subject(std::string_view subject) {
  auto self = *this;
  json::object req;
  req["subject"] = subject;
  auto r = co_await self.api_request("STREAM.NAMES", internal::serialize(req));
  if (!r) co_return r.error();
  auto page = page_of(r.value(), "streams");
  if (!page) co_return page.error();
  if (page.value().items == nullptr || page.value().items->empty() ||
      !page.value().items->front().is_string()) {
    co_return Error(errc::kStreamNotFound);
  }
  co_return std::string(page.value().items->front().get_string());
}

namespace {

JsResult<StoredMsg> stored_from_json(const json::object& response) {
  const auto* m = response.if_contains("message");
  if (m == nullptr || !m->is_object()) return Error(make_error_code(errc::kBadResponse), "message");
  const auto& o = m->get_object();
  StoredMsg msg;
  auto str = [&](std::string_view key) -> std::string {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  msg.subject = str("subject");
  if (const auto* s = o.if_contains("seq")) {
    boost::system::error_code ec;
    msg.seq = s->to_number<std::uint64_t>(ec);
    if (ec) return Error(make_error_code(errc::kBadResponse), "seq");
  }
  if (const std::string hdrs = str("hdrs"); !hdrs.empty()) {
    auto raw = internal::base64_decode(hdrs);
    if (!raw) return Error(make_error_code(errc::kBadResponse), "hdrs");
    auto parsed = codec::parse_headers(*raw);
    if (!parsed) return Error(make_error_code(errc::kBadResponse), "hdrs");
    msg.headers = std::move(parsed).value();
  }
  if (const std::string data = str("data"); !data.empty()) {
    auto raw = internal::base64_decode(data);
    if (!raw) return Error(make_error_code(errc::kBadResponse), "data");
    msg.data = std::move(*raw);
  }
  if (const std::string t = str("time"); !t.empty()) {
    auto time = parse_time(t);
    if (!time) return time.error();
    msg.time = time.value();
  }
  return msg;
}

// Direct get replies are the stored message itself, with the location in Nats-* headers.
JsResult<StoredMsg> stored_from_direct(const Message& reply) {
  if (reply.status() == 404) return Error(errc::kMessageNotFound);
  if (reply.status() != 0) {
    return Error(make_error_code(errc::kBadResponse),
                 std::to_string(reply.status()) + " " + std::string(reply.headers().description()));
  }
  const auto& h = reply.headers();
  const auto stream = h.get("Nats-Stream");
  const auto subject = h.get("Nats-Subject");
  const auto seq = h.get("Nats-Sequence");
  const auto ts = h.get("Nats-Time-Stamp");
  if (!stream || !subject || !seq) {
    return Error(make_error_code(errc::kBadResponse), "direct get reply without Nats-* headers");
  }
  StoredMsg msg;
  msg.subject = std::string(*subject);
  msg.seq = std::strtoull(std::string(*seq).c_str(), nullptr, 10);
  if (ts) {
    auto t = parse_time(*ts);
    if (!t) return t.error();
    msg.time = t.value();
  }
  for (const auto& f : h.fields()) {
    if (f.key == "Nats-Stream" || f.key == "Nats-Subject" || f.key == "Nats-Sequence" ||
        f.key == "Nats-Time-Stamp") {
      continue;
    }
    msg.headers.add(f.key, f.value);
  }
  msg.data = std::string(reply.data());
  return msg;
}

}  // namespace

awaitable<JsResult<StoredMsg>> JetStream::get_msg(std::string_view stream, std::uint64_t seq) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  json::object req;
  req["seq"] = seq;
  auto r =
      co_await self.api_request("STREAM.MSG.GET." + std::string(stream), internal::serialize(req));
  if (!r) co_return r.error();
  co_return stored_from_json(r.value());
}

awaitable<JsResult<StoredMsg>> JetStream::get_last_msg(std::string_view stream,
                                                       std::string_view subject) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  json::object req;
  req["last_by_subj"] = subject;
  auto r =
      co_await self.api_request("STREAM.MSG.GET." + std::string(stream), internal::serialize(req));
  if (!r) co_return r.error();
  co_return stored_from_json(r.value());
}

namespace {

awaitable<JsResult<StoredMsg>> direct_request(std::shared_ptr<ContextState> state,
                                              std::string subject, std::string body) {
  auto reply = co_await state->connection->request(std::move(subject), std::move(body),
                                                   state->options.timeout);
  if (!reply) {
    if (reply.error() == client::errc::kNoResponders) co_return Error(errc::kNotEnabled);
    co_return Error(reply.error());
  }
  co_return stored_from_direct(reply.value());
}

}  // namespace

awaitable<JsResult<StoredMsg>> JetStream::direct_get(std::string_view stream,
                                                     DirectGetRequest request) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  json::object req;
  if (!request.last_by_subj.empty()) {
    req["last_by_subj"] = request.last_by_subj;
  } else {
    req["seq"] = request.seq;
    if (!request.next_by_subj.empty()) req["next_by_subj"] = request.next_by_subj;
  }
  co_return co_await direct_request(state_, state_->prefix + ".DIRECT.GET." + std::string(stream),
                                    internal::serialize(req));
}

awaitable<JsResult<StoredMsg>> JetStream::direct_get_last(std::string_view stream,
                                                          std::string_view subject) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  co_return co_await direct_request(
      state_, state_->prefix + ".DIRECT.GET." + std::string(stream) + "." + std::string(subject),
      "");
}

awaitable<JsResult<void>> JetStream::delete_msg(std::string_view stream, std::uint64_t seq,
                                                bool erase) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  json::object req;
  req["seq"] = seq;
  if (!erase) req["no_erase"] = true;
  co_return check_success(co_await self.api_request("STREAM.MSG.DELETE." + std::string(stream),
                                                    internal::serialize(req)));
}

// ----- consumers -----

awaitable<JsResult<ConsumerInfo>> JetStream::add_consumer(std::string_view stream,
                                                          ConsumerConfig config,
                                                          ConsumerAction action) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  if (!config.durable_name.empty() && !config.name.empty() && config.durable_name != config.name) {
    co_return invalid("consumer name and durable name differ");
  }
  const std::string& name = config.durable_name.empty() ? config.name : config.durable_name;
  std::string subject = "CONSUMER.CREATE." + std::string(stream);
  if (!name.empty()) {
    if (!internal::is_valid_name(name)) co_return invalid("consumer name");
    subject += "." + name;
    const std::string& filter = config.filter_subject;
    // nats.go 2.9: the filter goes into the subject so that permissions can be scoped to it;
    // a wildcard filter cannot be a literal subject suffix.
    if (!filter.empty() && filter != ">" && filter.find_first_of("*>") == std::string::npos) {
      if (filter.front() == '.' || filter.back() == '.') co_return invalid("filter subject");
      subject += "." + filter;
    }
  }
  json::object req;
  req["stream_name"] = stream;
  req["config"] = to_json(config);
  if (action == ConsumerAction::kCreate) req["action"] = "create";
  if (action == ConsumerAction::kUpdate) req["action"] = "update";
  auto self = *this;
  auto r = co_await self.api_request(subject, internal::serialize(req));
  if (!r) co_return r.error();
  co_return parse_consumer_info(r.value());
}

awaitable<JsResult<ConsumerInfo>> JetStream::create_consumer(std::string_view stream,
                                                             ConsumerConfig config) {
  return add_consumer(stream, config, ConsumerAction::kCreate);
}

awaitable<JsResult<ConsumerInfo>> JetStream::update_consumer(std::string_view stream,
                                                             ConsumerConfig config) {
  return add_consumer(stream, config, ConsumerAction::kUpdate);
}

awaitable<JsResult<ConsumerInfo>> JetStream::consumer_info(std::string_view stream,
                                                           std::string_view consumer) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  if (!internal::is_valid_name(consumer)) co_return invalid("consumer name");
  auto self = *this;
  auto r = co_await self.api_request(
      "CONSUMER.INFO." + std::string(stream) + "." + std::string(consumer), "");
  if (!r) co_return r.error();
  co_return parse_consumer_info(r.value());
}

awaitable<JsResult<void>> JetStream::delete_consumer(std::string_view stream,
                                                     std::string_view consumer) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  if (!internal::is_valid_name(consumer)) co_return invalid("consumer name");
  auto self = *this;
  co_return check_success(co_await self.api_request(
      "CONSUMER.DELETE." + std::string(stream) + "." + std::string(consumer), ""));
}

awaitable<JsResult<std::vector<std::string>>> JetStream::consumer_names(std::string_view stream) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  const std::string subject = "CONSUMER.NAMES." + std::string(stream);
  std::vector<std::string> names;
  for (;;) {
    json::object req;
    req["offset"] = names.size();
    auto r = co_await self.api_request(subject, internal::serialize(req));
    if (!r) co_return r.error();
    auto page = page_of(r.value(), "consumers");
    if (!page) co_return page.error();
    if (page.value().items == nullptr || page.value().items->empty()) break;
    for (const auto& n : *page.value().items) {
      if (!n.is_string()) co_return Error(make_error_code(errc::kBadResponse), "consumer name");
      names.emplace_back(n.get_string());
    }
    if (names.size() >= page.value().total) break;
  }
  co_return names;
}

awaitable<JsResult<std::vector<ConsumerInfo>>> JetStream::consumers(std::string_view stream) {
  if (!internal::is_valid_name(stream)) co_return invalid("stream name");
  auto self = *this;
  const std::string subject = "CONSUMER.LIST." + std::string(stream);
  std::vector<ConsumerInfo> infos;
  for (;;) {
    json::object req;
    req["offset"] = infos.size();
    auto r = co_await self.api_request(subject, internal::serialize(req));
    if (!r) co_return r.error();
    auto page = page_of(r.value(), "consumers");
    if (!page) co_return page.error();
    if (page.value().items == nullptr || page.value().items->empty()) break;
    for (const auto& v : *page.value().items) {
      auto info = parse_consumer_info(v);
      if (!info) co_return info.error();
      infos.push_back(std::move(info).value());
    }
    if (infos.size() >= page.value().total) break;
  }
  co_return infos;
}

}  // namespace quiver::client::jetstream
