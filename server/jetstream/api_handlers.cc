// $JS.API request handlers: parse, validate (api/validate.h), act on streams and consumers,
// answer with nats-server 2.9.10's JSON. Unknown API subjects get no reply at all, as on
// nats-server (the request times out).
#include <algorithm>
#include <filesystem>
#include <random>

#include "codec/subject.h"
#include "common/log.h"
#include "server/jetstream/api/errors.h"
#include "server/jetstream/api/json.h"
#include "server/jetstream/api/validate.h"
#include "server/jetstream/consumer.h"
#include "server/jetstream/jetstream.h"
#include "server/jetstream/meta.h"
#include "server/jetstream/stream.h"
#include "server/net/internal_client.h"

namespace quiver::server::jetstream {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kApiPrefix = "$JS.API.";

std::vector<std::string_view> split_tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string random_name(std::size_t n) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out(n, '0');
  for (char& c : out) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return out;
}

template <class Page>
void page(Page& paged, std::int64_t total, std::int64_t offset, std::int64_t limit) {
  paged.total = total;
  paged.offset = offset;
  paged.limit = limit;
}

}  // namespace

void JetStream::api_reply(AccountState& acc, std::string_view reply, const std::string& json,
                          bool error) {
  ++acc.api.total;
  if (error) ++acc.api.errors;
  if (reply.empty()) return;
  acc.client->publish(reply, "", "", json);
}

void JetStream::handle_api(AccountState& acc, std::string_view subject, std::string_view reply,
                           std::string_view headers, std::string_view payload) {
  std::string local;  // $JS.<domain>.API.x -> $JS.API.x
  if (!config_.domain.empty()) {
    const std::string domain_prefix = log::cat("$JS.", config_.domain, ".API.");
    if (subject.substr(0, domain_prefix.size()) == domain_prefix) {
      local = log::cat(kApiPrefix, subject.substr(domain_prefix.size()));
      subject = local;
    }
  }
  if (subject.substr(0, kApiPrefix.size()) != kApiPrefix) return;
  const std::vector<std::string_view> t = split_tokens(subject.substr(kApiPrefix.size()));
  const std::size_t n = t.size();
  auto stream_of = [&](std::string_view name) -> Stream* {
    auto it = acc.streams.find(std::string(name));
    return it == acc.streams.end() ? nullptr : it->second.get();
  };
  api::CheckEnv env;
  env.lookup_stream = [&](std::string_view name) -> const api::StreamConfig* {
    Stream* s = stream_of(name);
    return s ? &s->config() : nullptr;
  };

  // ---- $JS.API.INFO ----
  if (n == 1 && t[0] == "INFO") {
    api::AccountInfoResponse r;
    api::AccountInfo info;
    for (auto& [name, s] : acc.streams) {
      if (s->is_memory()) {
        info.memory += s->store().storage_bytes();
      } else {
        info.storage += s->store().storage_bytes();
      }
      ++info.streams;
      info.consumers += static_cast<int64_t>(s->consumers().size());
    }
    info.limits.max_memory = config_.max_memory;
    info.limits.max_storage = config_.max_storage;
    info.domain = config_.domain;
    info.api = acc.api;
    info.api.total += 1;
    r.info = info;
    api_reply(acc, reply, api::to_json(r), false);
    return;
  }

  if (n >= 2 && t[0] == "STREAM") {
    const std::string_view op = t[1];
    // ---- STREAM.NAMES / STREAM.LIST ----
    if (n == 2 && (op == "NAMES" || op == "LIST")) {
      auto req = api::parse_stream_names_request(payload);
      const bool names = op == "NAMES";
      if (!req) {
        if (names) {
          api::StreamNamesResponse r;
          r.error = req.error();
          api_reply(acc, reply, api::to_json(r), true);
        } else {
          api::StreamListResponse r;
          r.error = req.error();
          api_reply(acc, reply, api::to_json(r), true);
        }
        return;
      }
      std::vector<Stream*> matching;
      for (auto& [name, s] : acc.streams) {
        const std::string& filter = req.value().subject;
        bool match = filter.empty();
        for (const std::string& subj : s->config().subjects) {
          if (match) break;
          match = api::subjects_collide(filter, subj);
        }
        if (match) matching.push_back(s.get());
      }
      const int64_t total = static_cast<int64_t>(matching.size());
      const int64_t offset = std::clamp<int64_t>(req.value().offset, 0, total);
      const int64_t limit = names ? api::kApiNamesLimit : api::kApiListLimit;
      const int64_t end = std::min(total, offset + limit);
      if (names) {
        api::StreamNamesResponse r;
        page(r.paged, total, offset, limit);
        for (int64_t i = offset; i < end; ++i) r.streams.push_back(matching[i]->name());
        api_reply(acc, reply, api::to_json(r), false);
      } else {
        api::StreamListResponse r;
        page(r.paged, total, offset, limit);
        for (int64_t i = offset; i < end; ++i) r.streams.push_back(matching[i]->info(false, ""));
        api_reply(acc, reply, api::to_json(r), false);
      }
      return;
    }
    if (n < 3) return;
    const std::string_view name = t[2];
    // ---- STREAM.CREATE ----
    if (op == "CREATE" && n == 3) {
      api::StreamCreateResponse r;
      auto fail = failure(acc, reply, r);
      auto parsed = api::parse_stream_config(payload);
      if (!parsed) return fail(parsed.error());
      auto checked = api::check_stream_create(name, parsed.value(), env);
      if (!checked) return fail(checked.error());
      api::StreamConfig config = std::move(checked).value();
      if (Stream* existing = stream_of(config.name)) {
        if (existing->config() == config) {
          r.info = existing->info(false, "");
          r.did_create = true;  // 2.9.10 says so for an identical re-create too
          api_reply(acc, reply, api::to_json(r), false);
          return;
        }
        return fail(api::kJSStreamNameExistErr.error());
      }
      for (auto& [other_name, other] : acc.streams) {
        for (const std::string& a : other->config().subjects) {
          for (const std::string& b : config.subjects) {
            if (api::subjects_collide(a, b)) return fail(api::kJSStreamSubjectOverlapErr.error());
          }
        }
      }
      const std::string dir = (fs::path(acc.dir) / "streams" / config.name).string();
      auto store = create_store(config_, config, dir);
      if (!store) return fail(api::stream_create_error(store.error().message()));
      auto stream =
          std::make_unique<Stream>(*this, acc, config, now_ns(), std::move(store).value(), dir);
      if (auto saved = stream->save_meta(); !saved) {
        stream->destroy();
        return fail(api::stream_create_error(saved.error().message()));
      }
      if (auto active = stream->activate(); !active) {
        stream->destroy();
        return fail(api::stream_create_error(active.error().message()));
      }
      Stream* s = stream.get();
      acc.streams.emplace(config.name, std::move(stream));
      r.info = s->info(false, "");
      r.did_create = true;
      api_reply(acc, reply, api::to_json(r), false);
      return;
    }
    // ---- STREAM.UPDATE ----
    if (op == "UPDATE" && n == 3) {
      api::StreamUpdateResponse r;
      auto fail = failure(acc, reply, r);
      auto parsed = api::parse_stream_config(payload);
      if (!parsed) return fail(parsed.error());
      auto checked = api::check_stream_config(parsed.value(), env);
      if (!checked) return fail(checked.error());
      if (checked.value().name != name) return fail(api::kJSStreamMismatchErr.error());
      Stream* s = stream_of(name);
      if (!s) return fail(api::kJSStreamNotFoundErr.error());
      auto updated = api::check_stream_update(s->config(), checked.value(), env);
      if (!updated) return fail(updated.error());
      for (auto& [other_name, other] : acc.streams) {
        if (other.get() == s) continue;
        for (const std::string& a : other->config().subjects) {
          for (const std::string& b : updated.value().subjects) {
            if (api::subjects_collide(a, b)) return fail(api::kJSStreamSubjectOverlapErr.error());
          }
        }
      }
      if (auto u = s->update(updated.value()); !u) {
        return fail(api::stream_update_error(u.error().message()));
      }
      r.info = s->info(false, "");
      api_reply(acc, reply, api::to_json(r), false);
      return;
    }
    // ---- STREAM.INFO ----
    if (op == "INFO" && n == 3) {
      api::StreamInfoResponse r;
      auto req = api::parse_stream_info_request(payload);
      if (!req) {
        r.error = req.error();
        api_reply(acc, reply, api::to_json(r), true);
        return;
      }
      Stream* s = stream_of(name);
      if (!s) {
        r.error = api::kJSStreamNotFoundErr.error();
        api_reply(acc, reply, api::to_json(r), true);
        return;
      }
      r.info = s->info(req.value().deleted_details, req.value().subjects_filter);
      if (!req.value().subjects_filter.empty()) {
        const int64_t total = static_cast<int64_t>(r.info->state.subjects.size());
        page(r.paged, total, 0, total);
      }
      api_reply(acc, reply, api::to_json(r), false);
      return;
    }
    // ---- STREAM.DELETE ----
    if (op == "DELETE" && n == 3) {
      api::StreamDeleteResponse r;
      auto it = acc.streams.find(std::string(name));
      if (it == acc.streams.end()) {
        r.error = api::kJSStreamNotFoundErr.error();
        api_reply(acc, reply, api::to_json(r), true);
        return;
      }
      std::unique_ptr<Stream> stream = std::move(it->second);
      acc.streams.erase(it);
      on_stream_deleted(stream.get());
      stream->destroy();
      r.success = true;
      api_reply(acc, reply, api::to_json(r), false);
      return;
    }
    // ---- STREAM.PURGE ----
    if (op == "PURGE" && n == 3) {
      api::StreamPurgeResponse r;
      auto fail = failure(acc, reply, r);
      Stream* s = stream_of(name);
      if (!s) return fail(api::kJSStreamNotFoundErr.error());
      if (s->config().sealed) return fail(api::kJSStreamSealedErr.error());
      if (s->config().deny_purge) {
        return fail(api::stream_purge_failed("stream purge not permitted"));
      }
      auto req = api::parse_stream_purge_request(payload);
      if (!req) return fail(req.error());
      if (req.value().seq > 0 && req.value().keep > 0) {
        return fail(api::kJSBadRequestErr.error());
      }
      auto purged = s->purge(req.value().filter, req.value().seq, req.value().keep);
      if (!purged) return fail(api::stream_purge_failed(purged.error().message()));
      r.success = true;
      r.purged = purged.value();
      api_reply(acc, reply, api::to_json(r), false);
      return;
    }
    // ---- STREAM.MSG.GET / STREAM.MSG.DELETE ----
    if (op == "MSG" && n == 4) {
      const std::string_view sname = t[3];
      const std::string_view what = t[2];
      Stream* s = stream_of(sname);
      if (what == "GET") {
        api::MsgGetResponse r;
        auto fail = failure(acc, reply, r);
        if (!s) return fail(api::kJSStreamNotFoundErr.error());
        auto req = api::parse_msg_get_request(payload);
        if (!req) return fail(req.error());
        Result<StoredMsg> msg = std::error_code(make_error_code(StoreErrc::kNotFound));
        if (!req.value().last_by_subj.empty()) {
          msg = s->store().load_last(req.value().last_by_subj);
        } else if (!req.value().next_by_subj.empty()) {
          msg = s->store().load_next(req.value().next_by_subj, req.value().seq);
        } else {
          msg = s->store().load(req.value().seq);
        }
        if (!msg) return fail(api::kJSNoMessageFoundErr.error());
        api::StoredMessage m;
        m.subject = msg.value().subject;
        m.seq = msg.value().seq;
        m.hdrs = msg.value().headers;
        m.data = msg.value().payload;
        m.time = msg.value().ts_ns;
        r.message = std::move(m);
        api_reply(acc, reply, api::to_json(r), false);
        return;
      }
      if (what == "DELETE") {
        api::MsgDeleteResponse r;
        auto fail = failure(acc, reply, r);
        if (!s) return fail(api::kJSStreamNotFoundErr.error());
        if (s->config().sealed) return fail(api::kJSStreamSealedErr.error());
        if (s->config().deny_delete) {
          return fail(api::stream_msg_delete_failed("message delete not permitted"));
        }
        auto req = api::parse_msg_delete_request(payload);
        if (!req) return fail(req.error());
        auto removed = s->remove_msg(req.value().seq, !req.value().no_erase);
        if (!removed) {
          if (removed.error() == StoreErrc::kNotFound || removed.error() == StoreErrc::kDeleted) {
            return fail(api::sequence_not_found(req.value().seq));
          }
          return fail(api::stream_msg_delete_failed(removed.error().message()));
        }
        r.success = true;
        api_reply(acc, reply, api::to_json(r), false);
        return;
      }
    }
    return;
  }

  // ---- DIRECT.GET.<stream>[.<subject>] ----
  if (n >= 3 && t[0] == "DIRECT" && t[1] == "GET") {
    Stream* s = stream_of(t[2]);
    if (!s || !s->config().allow_direct || reply.empty()) return;
    Result<StoredMsg> msg = std::error_code(make_error_code(StoreErrc::kNotFound));
    const std::string_view prefix = "$JS.API.DIRECT.GET.";
    if (n > 3) {
      const std::string_view last_subject = subject.substr(prefix.size() + t[2].size() + 1);
      msg = s->store().load_last(last_subject);
    } else {
      auto req = api::parse_msg_get_request(payload);
      if (!req) {
        acc.client->publish(reply, "", "NATS/1.0 408 Bad Request\r\n\r\n", "");
        return;
      }
      if (!req.value().last_by_subj.empty()) {
        msg = s->store().load_last(req.value().last_by_subj);
      } else if (!req.value().next_by_subj.empty()) {
        msg = s->store().load_next(req.value().next_by_subj, req.value().seq);
      } else {
        msg = s->store().load(req.value().seq);
      }
    }
    if (!msg) {
      acc.client->publish(reply, "", "NATS/1.0 404 Message Not Found\r\n\r\n", "");
      return;
    }
    const StoredMsg& m = msg.value();
    std::string hdr =
        m.headers.empty() ? std::string("NATS/1.0\r\n") : m.headers.substr(0, m.headers.size() - 2);
    hdr += log::cat("Nats-Stream: ", s->name(), "\r\nNats-Subject: ", m.subject,
                    "\r\nNats-Sequence: ", m.seq,
                    "\r\nNats-Time-Stamp: ", api::format_time(m.ts_ns), "\r\n\r\n");
    acc.client->publish(reply, "", hdr, m.payload);
    return;
  }

  // ---- CONSUMER.MSG.NEXT.<stream>.<consumer> ----
  if (n == 5 && t[0] == "CONSUMER" && t[1] == "MSG" && t[2] == "NEXT") {
    Stream* s = stream_of(t[3]);
    Consumer* c = s ? s->find_consumer(t[4]) : nullptr;
    if (c) c->on_pull_request(reply, payload);
    return;
  }

  if (n >= 3 && t[0] == "CONSUMER") {
    const std::string_view op = t[1];
    // ---- CONSUMER.CREATE / CONSUMER.DURABLE.CREATE ----
    if (op == "CREATE" || (op == "DURABLE" && n >= 3 && t[2] == "CREATE")) {
      api::ConsumerCreateResponse r;
      auto fail = failure(acc, reply, r);
      auto target = api::parse_consumer_create_subject(subject);
      if (!target) return fail(target.error());
      auto parsed = api::parse_create_consumer_request(payload);
      if (!parsed) return fail(parsed.error());
      auto request = api::check_consumer_create_request(target.value(), parsed.value(), env);
      if (!request) return fail(request.error());
      Stream* s = stream_of(target.value().stream);
      if (!s) return fail(api::kJSStreamNotFoundErr.error());
      auto config = api::check_consumer_config(request.value().config, s->config(), env);
      if (!config) return fail(config.error());
      std::string cname =
          !config.value().name.empty() ? config.value().name : config.value().durable_name;
      const bool durable = !config.value().durable_name.empty();
      const std::string& action = request.value().action;
      if (Consumer* existing = cname.empty() ? nullptr : s->find_consumer(cname)) {
        if (action == "create" && !(existing->config() == config.value())) {
          return fail(api::ErrorDef{400, 10148, "consumer already exists"}.error());
        }
        auto updated = api::check_consumer_update(
            existing->config(), config.value(),
            !existing->config().deliver_subject.empty() &&
                acc.client->has_interest(existing->config().deliver_subject));
        if (!updated) return fail(updated.error());
        existing->update(updated.value());
        r.info = existing->info();
        api_reply(acc, reply, api::to_json(r), false);
        return;
      }
      if (action == "update") {
        return fail(api::ErrorDef{400, 10149, "consumer does not exist"}.error());
      }
      std::vector<api::ConsumerConfig> existing_configs;
      for (auto& [other_name, c] : s->consumers()) existing_configs.push_back(c->config());
      auto fresh = api::check_new_consumer(config.value(), s->config(), existing_configs,
                                           static_cast<int64_t>(s->consumers().size()),
                                           s->config().max_consumers);
      if (!fresh) return fail(fresh.error());
      api::ConsumerConfig consumer_config = std::move(fresh).value();
      if (cname.empty()) {
        do {
          cname = random_name(8);
        } while (s->find_consumer(cname));
        consumer_config.name = cname;
      }
      auto consumer =
          std::make_unique<Consumer>(*s, cname, std::move(consumer_config), now_ns(), durable);
      Consumer* c = consumer.get();
      s->add_consumer(std::move(consumer));
      if (auto active = c->activate(false); !active) {
        s->delete_consumer(cname, true);
        return fail(api::consumer_create_error(active.error().message()));
      }
      r.info = c->info();
      api_reply(acc, reply, api::to_json(r), false);
      return;
    }
    // ---- CONSUMER.NAMES / CONSUMER.LIST ----
    if ((op == "NAMES" || op == "LIST") && n == 3) {
      const bool names = op == "NAMES";
      Stream* s = stream_of(t[2]);
      auto req = api::parse_consumers_request(payload);
      std::optional<api::ApiError> error;
      if (!req) {
        error = req.error();
      } else if (!s) {
        error = api::kJSStreamNotFoundErr.error();
      }
      const int64_t total = s && !error ? static_cast<int64_t>(s->consumers().size()) : 0;
      const int64_t offset = req ? std::clamp<int64_t>(req.value().offset, 0, total) : 0;
      const int64_t limit = names ? api::kApiNamesLimit : api::kApiListLimit;
      const int64_t end = std::min(total, offset + limit);
      if (names) {
        api::ConsumerNamesResponse r;
        r.error = error;
        page(r.paged, total, offset, limit);
        if (!error) {
          int64_t i = 0;
          for (auto& [cname, c] : s->consumers()) {
            if (i >= offset && i < end) r.consumers.push_back(cname);
            ++i;
          }
        }
        api_reply(acc, reply, api::to_json(r), error.has_value());
      } else {
        api::ConsumerListResponse r;
        r.error = error;
        page(r.paged, total, offset, limit);
        if (!error) {
          int64_t i = 0;
          for (auto& [cname, c] : s->consumers()) {
            if (i >= offset && i < end) r.consumers.push_back(c->info());
            ++i;
          }
        }
        api_reply(acc, reply, api::to_json(r), error.has_value());
      }
      return;
    }
    if (n != 4) return;
    Stream* s = stream_of(t[2]);
    Consumer* c = s ? s->find_consumer(t[3]) : nullptr;
    // ---- CONSUMER.INFO ----
    if (op == "INFO") {
      api::ConsumerInfoResponse r;
      if (!s) {
        r.error = api::kJSStreamNotFoundErr.error();
      } else if (!c) {
        r.error = api::kJSConsumerNotFoundErr.error();
      } else {
        r.info = c->info();
      }
      api_reply(acc, reply, api::to_json(r), r.error.has_value());
      return;
    }
    // ---- CONSUMER.DELETE ----
    if (op == "DELETE") {
      api::ConsumerDeleteResponse r;
      if (!s) {
        r.error = api::kJSStreamNotFoundErr.error();
      } else if (!c) {
        r.error = api::kJSConsumerNotFoundErr.error();
      } else {
        s->delete_consumer(t[3], true);
        r.success = true;
      }
      api_reply(acc, reply, api::to_json(r), r.error.has_value());
      return;
    }
    return;
  }
  (void)headers;
}

}  // namespace quiver::server::jetstream
