#include "client/jetstream/object_store.h"

#include <algorithm>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "client/jetstream/internal/context.h"
#include "client/jetstream/internal/encoding.h"
#include "client/jetstream/kv.h"

namespace quiver::client::jetstream {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using internal::Base64Alphabet;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kStreamPrefix = "OBJ_";
constexpr std::string_view kDigestPrefix = "SHA-256=";

std::string digest_string(const std::array<std::uint8_t, 32>& sha) {
  return std::string(kDigestPrefix) +
         internal::base64_encode(
             std::string_view(reinterpret_cast<const char*>(sha.data()), sha.size()),
             Base64Alphabet::kUrl);
}

// True when `digest` ("SHA-256=<base64>") names `sha`. Accepts either base64 alphabet, padded
// or not: peers have written all four.
bool digest_matches(std::string_view digest, const std::array<std::uint8_t, 32>& sha) {
  if (digest.substr(0, kDigestPrefix.size()) != kDigestPrefix) return false;
  const auto raw = internal::base64_decode(digest.substr(kDigestPrefix.size()));
  return raw && raw->size() == sha.size() &&
         std::equal(sha.begin(), sha.end(), raw->begin(),
                    [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
}

// The unique part of a fresh inbox: a NUID, as nats.go uses for chunk subjects.
std::string new_nuid(Connection& nc) {
  const std::string inbox = nc.new_inbox();
  return inbox.substr(inbox.rfind('.') + 1);
}

std::string chunk_subject(std::string_view bucket, std::string_view nuid) {
  return "$O." + std::string(bucket) + ".C." + std::string(nuid);
}

Error bad_meta() { return Error(errc::kBadObjectMeta); }

}  // namespace

JsResult<StreamConfig> object_store_stream_config(const ObjectStoreConfig& config) {
  if (!is_valid_bucket_name(config.bucket)) return Error(errc::kInvalidBucketName);
  StreamConfig s;
  s.name = std::string(kStreamPrefix) + config.bucket;
  s.description = config.description;
  s.subjects = {"$O." + config.bucket + ".C.>", "$O." + config.bucket + ".M.>"};
  s.max_age = config.ttl;
  s.max_bytes = config.max_bytes == 0 ? -1 : config.max_bytes;
  s.storage = config.storage;
  s.num_replicas = std::max(config.replicas, 1);
  s.placement = config.placement;
  s.discard = DiscardPolicy::kNew;
  s.allow_rollup_hdrs = true;
  s.allow_direct = true;
  return s;
}

std::string object_meta_subject(std::string_view bucket, std::string_view name) {
  return "$O." + std::string(bucket) + ".M." + internal::base64_encode(name, Base64Alphabet::kUrl);
}

std::string object_digest(std::string_view data) { return digest_string(internal::sha256(data)); }

std::vector<std::size_t> chunk_sizes(std::uint64_t size, std::uint32_t chunk_size) {
  std::vector<std::size_t> out;
  if (chunk_size == 0) chunk_size = kObjectDefaultChunkSize;
  for (std::uint64_t done = 0; done < size; done += chunk_size) {
    out.push_back(static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, size - done)));
  }
  return out;
}

// ----- meta JSON (field order and omissions as Go's encoding/json writes ObjectInfo) -----

json::object to_json(const ObjectInfo& info) {
  json::object o;
  o["name"] = info.name;
  if (!info.description.empty()) o["description"] = info.description;
  if (!info.headers.empty()) {
    json::object h;
    for (const auto& [k, values] : info.headers) {
      json::array a;
      for (const auto& v : values) a.emplace_back(v);
      h[k] = std::move(a);
    }
    o["headers"] = std::move(h);
  }
  if (info.options) {
    json::object opts;
    if (info.options->link) {
      json::object link;
      link["bucket"] = info.options->link->bucket;
      if (!info.options->link->name.empty()) link["name"] = info.options->link->name;
      opts["link"] = std::move(link);
    }
    if (info.options->max_chunk_size != 0) opts["max_chunk_size"] = info.options->max_chunk_size;
    o["options"] = std::move(opts);
  }
  o["bucket"] = info.bucket;
  o["nuid"] = info.nuid;
  o["size"] = info.size;
  o["mtime"] = format_time(info.mtime);
  o["chunks"] = info.chunks;
  if (!info.digest.empty()) o["digest"] = info.digest;
  if (info.deleted) o["deleted"] = true;
  return o;
}

JsResult<ObjectInfo> parse_object_info(std::string_view text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return bad_meta();
  const json::object& o = v.get_object();
  ObjectInfo info;
  auto str = [&](const json::object& obj, std::string_view key, std::string& out) {
    const auto* f = obj.if_contains(key);
    if (f == nullptr || f->is_null()) return true;
    if (!f->is_string()) return false;
    out = std::string(f->get_string());
    return true;
  };
  auto num = [&](const json::object& obj, std::string_view key, auto& out) {
    const auto* f = obj.if_contains(key);
    if (f == nullptr || f->is_null()) return true;
    boost::system::error_code nec;
    out = f->to_number<std::remove_reference_t<decltype(out)>>(nec);
    return !nec;
  };
  if (!str(o, "name", info.name) || !str(o, "description", info.description) ||
      !str(o, "bucket", info.bucket) || !str(o, "nuid", info.nuid) ||
      !str(o, "digest", info.digest) || !num(o, "size", info.size) ||
      !num(o, "chunks", info.chunks)) {
    return bad_meta();
  }
  std::string mtime;
  if (!str(o, "mtime", mtime)) return bad_meta();
  if (!mtime.empty()) {
    auto t = parse_time(mtime);
    if (!t) return bad_meta();
    info.mtime = t.value();
  }
  if (const auto* d = o.if_contains("deleted"); d != nullptr && !d->is_null()) {
    if (!d->is_bool()) return bad_meta();
    info.deleted = d->get_bool();
  }
  if (const auto* h = o.if_contains("headers"); h != nullptr && !h->is_null()) {
    if (!h->is_object()) return bad_meta();
    for (const auto& [k, values] : h->get_object()) {
      if (!values.is_array()) return bad_meta();
      auto& out = info.headers[std::string(k)];
      for (const auto& e : values.get_array()) {
        if (!e.is_string()) return bad_meta();
        out.emplace_back(e.get_string());
      }
    }
  }
  if (const auto* op = o.if_contains("options"); op != nullptr && !op->is_null()) {
    if (!op->is_object()) return bad_meta();
    ObjectMetaOptions opts;
    if (!num(op->get_object(), "max_chunk_size", opts.max_chunk_size)) return bad_meta();
    if (const auto* l = op->get_object().if_contains("link"); l != nullptr && !l->is_null()) {
      if (!l->is_object()) return bad_meta();
      ObjectLink link;
      if (!str(l->get_object(), "bucket", link.bucket) ||
          !str(l->get_object(), "name", link.name)) {
        return bad_meta();
      }
      opts.link = std::move(link);
    }
    info.options = std::move(opts);
  }
  return info;
}

// ----- JetStream entry points -----

awaitable<JsResult<ObjectStore>> JetStream::create_object_store(ObjectStoreConfig config) {
  auto self = *this;
  auto cfg = object_store_stream_config(config);
  if (!cfg) co_return cfg.error();
  auto info = co_await self.add_stream(cfg.value());
  if (!info) co_return info.error();
  co_return ObjectStore(self, config.bucket);
}

awaitable<JsResult<ObjectStore>> JetStream::object_store(std::string_view bucket) {
  if (!is_valid_bucket_name(bucket)) co_return Error(errc::kInvalidBucketName);
  auto self = *this;
  std::string name(bucket);
  auto info = co_await self.stream_info(std::string(kStreamPrefix) + name);
  if (!info) {
    if (info.error() == errc::kStreamNotFound) co_return Error(errc::kBucketNotFound);
    co_return info.error();
  }
  co_return ObjectStore(self, std::move(name));
}

awaitable<JsResult<void>> JetStream::delete_object_store(std::string_view bucket) {
  if (!is_valid_bucket_name(bucket)) co_return Error(errc::kInvalidBucketName);
  auto self = *this;
  auto r = co_await self.delete_stream(std::string(kStreamPrefix) + std::string(bucket));
  if (!r && r.error() == errc::kStreamNotFound) co_return Error(errc::kBucketNotFound);
  co_return r;
}

// ----- ObjectStore -----

ObjectStore::ObjectStore(JetStream js, std::string bucket)
    : js_(std::move(js)),
      bucket_(std::move(bucket)),
      stream_(std::string(kStreamPrefix) + bucket_) {}

awaitable<JsResult<ObjectInfo>> ObjectStore::info(std::string_view name, bool show_deleted) {
  if (name.empty()) co_return Error(make_error_code(errc::kInvalidArgument), "object name");
  auto self = *this;
  auto msg = co_await self.js_.get_last_msg(self.stream_, object_meta_subject(self.bucket_, name));
  if (!msg && msg.error() == errc::kMessageNotFound) {
    // Early nats.js releases encoded names without padding.
    std::string unpadded = internal::base64_encode(name, Base64Alphabet::kUrl);
    if (unpadded.back() == '=') {
      while (unpadded.back() == '=') unpadded.pop_back();
      msg = co_await self.js_.get_last_msg(self.stream_, "$O." + self.bucket_ + ".M." + unpadded);
    }
  }
  if (!msg) {
    if (msg.error() == errc::kMessageNotFound) co_return Error(errc::kObjectNotFound);
    co_return msg.error();
  }
  auto info = parse_object_info(msg.value().data);
  if (!info) co_return info.error();
  info.value().mtime = msg.value().time;
  if (info.value().deleted && !show_deleted) co_return Error(errc::kObjectNotFound);
  co_return info;
}

awaitable<JsResult<ObjectInfo>> ObjectStore::publish_meta(ObjectInfo info) {
  auto self = *this;
  codec::Headers h;
  h.set(kRollupHeader, kRollupSubject);
  PublishOptions options;
  options.headers = &h;
  const std::string body = internal::serialize(to_json(info));
  auto ack = co_await self.js_.publish(object_meta_subject(self.bucket_, info.name), body, options);
  if (!ack) co_return ack.error();
  co_return info;
}

awaitable<JsResult<ObjectInfo>> ObjectStore::put(ObjectMeta meta, ObjectSource source) {
  auto self = *this;
  if (meta.name.empty()) co_return Error(make_error_code(errc::kInvalidArgument), "object name");
  if (meta.options && meta.options->link) {
    co_return Error(make_error_code(errc::kInvalidArgument), "a put cannot store a link");
  }
  if (!meta.options) meta.options = ObjectMetaOptions{};
  if (meta.options->max_chunk_size == 0) meta.options->max_chunk_size = kObjectDefaultChunkSize;
  const std::uint32_t chunk_size = meta.options->max_chunk_size;

  auto existing = co_await self.info(meta.name, true);
  if (!existing && existing.error() != errc::kObjectNotFound) co_return existing.error();

  Connection& nc = self.js_.connection();
  const std::string nuid = new_nuid(nc);
  const std::string chunks_subject = chunk_subject(self.bucket_, nuid);
  auto abort = [&](Error e) -> awaitable<JsResult<ObjectInfo>> {
    PurgeOptions purge;
    purge.filter = chunks_subject;
    (void)co_await self.js_.purge_stream(self.stream_, purge);
    co_return e;
  };

  internal::Sha256 sha;
  std::vector<PubAckFuture> futures;
  std::string buffer(chunk_size, '\0');
  std::uint64_t total = 0;
  std::uint32_t chunks = 0;
  for (bool eof = false; !eof;) {
    // Fill whole chunks, so the chunk layout does not depend on how the source splits reads.
    std::size_t filled = 0;
    while (filled < chunk_size) {
      auto n = source(buffer.data() + filled, chunk_size - filled);
      if (!n) co_return co_await abort(Error(n.error()));
      if (n.value() == 0) {
        eof = true;
        break;
      }
      filled += n.value();
    }
    if (filled == 0) break;
    const std::string_view chunk(buffer.data(), filled);
    sha.update(chunk);
    auto f = co_await self.js_.publish_async(chunks_subject, chunk);
    if (!f) co_return co_await abort(f.error());
    futures.push_back(std::move(f).value());
    total += filled;
    ++chunks;
  }
  for (const auto& f : futures) {
    auto ack = co_await f.get(self.js_.options().timeout);
    if (!ack) co_return co_await abort(ack.error());
  }

  ObjectInfo info;
  static_cast<ObjectMeta&>(info) = std::move(meta);
  info.bucket = self.bucket_;
  info.nuid = nuid;
  info.size = total;
  info.chunks = chunks;
  info.digest = digest_string(sha.finish());
  info.mtime =
      Time(std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch()));
  auto stored = co_await self.publish_meta(info);
  if (!stored) co_return co_await abort(stored.error());

  // The meta now points at the new chunks: the old ones can go.
  if (existing && !existing.value().deleted && !existing.value().nuid.empty()) {
    PurgeOptions purge;
    const std::string old = chunk_subject(self.bucket_, existing.value().nuid);
    purge.filter = old;
    (void)co_await self.js_.purge_stream(self.stream_, purge);
  }
  co_return stored;
}

awaitable<JsResult<ObjectInfo>> ObjectStore::put(ObjectMeta meta, std::string_view data) {
  auto self = *this;
  std::size_t offset = 0;
  ObjectSource source = [data, &offset](char* buffer, std::size_t capacity) -> Result<std::size_t> {
    const std::size_t n = std::min(capacity, data.size() - offset);
    std::copy_n(data.data() + offset, n, buffer);
    offset += n;
    return n;
  };
  co_return co_await self.put(std::move(meta), std::move(source));
}

awaitable<JsResult<ObjectInfo>> ObjectStore::put_bytes(std::string_view name,
                                                       std::string_view data) {
  auto self = *this;
  ObjectMeta meta;
  meta.name = std::string(name);
  co_return co_await self.put(std::move(meta), data);
}

// ----- reading -----

struct ObjectReader::State {
  ObjectInfo info;
  std::optional<OrderedConsumer> consumer;
  internal::Sha256 sha;
  std::uint64_t bytes = 0;
  std::uint32_t chunks = 0;
  bool done = false;

  JsResult<void> verify() {
    done = true;
    if (bytes != info.size || chunks != info.chunks) {
      return Error(make_error_code(errc::kDigestMismatch), "size or chunk count differs");
    }
    if (!digest_matches(info.digest, sha.finish())) return Error(errc::kDigestMismatch);
    return success();
  }
};

awaitable<JsResult<ObjectReader>> ObjectStore::get(std::string_view name) {
  auto self = *this;
  auto info = co_await self.info(name);
  if (!info) co_return info.error();
  if (info.value().options && info.value().options->link) {
    const ObjectLink link = *info.value().options->link;
    if (link.name.empty()) co_return Error(errc::kObjectIsBucketLink);
    if (link.bucket == self.bucket_) co_return co_await self.get(link.name);
    ObjectStore other(self.js_, link.bucket);
    co_return co_await other.get(link.name);
  }
  if (info.value().nuid.empty()) co_return bad_meta();
  auto state = std::make_shared<ObjectReader::State>();
  state->info = std::move(info).value();
  if (state->info.chunks > 0) {
    OrderedConsumerOptions oc;
    const std::string filter = chunk_subject(self.bucket_, state->info.nuid);
    oc.filter_subject = filter;
    auto consumer = co_await self.js_.ordered_consumer(self.stream_, oc);
    if (!consumer) co_return consumer.error();
    state->consumer = consumer.value();
  }
  co_return ObjectReader(std::move(state));
}

const ObjectInfo& ObjectReader::info() const { return state_->info; }

awaitable<JsResult<std::optional<std::string>>> ObjectReader::next_chunk(milliseconds timeout) {
  auto state = state_;
  if (!state) co_return Error(client::errc::kInvalidState);
  if (state->done) co_return std::optional<std::string>();
  if (!state->consumer) {
    auto ok = state->verify();
    if (!ok) co_return ok.error();
    co_return std::optional<std::string>();
  }
  auto m = co_await state->consumer->next(timeout);
  if (!m) co_return m.error();
  std::string chunk(m.value().data());
  state->sha.update(chunk);
  state->bytes += chunk.size();
  ++state->chunks;
  auto md = m.value().metadata();
  if ((md && md.value().num_pending == 0) || state->chunks >= state->info.chunks) {
    (void)co_await state->consumer->stop();
    auto ok = state->verify();
    if (!ok) co_return ok.error();
  }
  co_return std::optional<std::string>(std::move(chunk));
}

awaitable<JsResult<std::string>> ObjectReader::read_all(milliseconds chunk_timeout) {
  auto self = *this;
  std::string out;
  out.reserve(self.state_ ? self.state_->info.size : 0);
  for (;;) {
    auto chunk = co_await self.next_chunk(chunk_timeout);
    if (!chunk) co_return chunk.error();
    if (!chunk.value()) break;
    out += *chunk.value();
  }
  co_return out;
}

awaitable<void> ObjectReader::close() {
  auto state = state_;
  if (state && state->consumer && !state->done) {
    state->done = true;
    (void)co_await state->consumer->stop();
  }
}

awaitable<JsResult<std::string>> ObjectStore::get_bytes(std::string_view name) {
  auto self = *this;
  auto reader = co_await self.get(name);
  if (!reader) co_return reader.error();
  co_return co_await reader.value().read_all();
}

awaitable<JsResult<std::vector<ObjectInfo>>> ObjectStore::list() {
  auto self = *this;
  OrderedConsumerOptions oc;
  const std::string filter = "$O." + self.bucket_ + ".M.>";
  oc.filter_subject = filter;
  oc.deliver_policy = DeliverPolicy::kLastPerSubject;
  auto consumer = co_await self.js_.ordered_consumer(self.stream_, oc);
  if (!consumer) co_return consumer.error();
  std::vector<ObjectInfo> out;
  std::uint64_t left = consumer.value().initial_pending();
  while (left > 0) {
    auto m = co_await consumer.value().next(self.js_.options().timeout);
    if (!m) {
      (void)co_await consumer.value().stop();
      co_return m.error();
    }
    auto md = m.value().metadata();
    --left;
    if (md) left = std::min(left, md.value().num_pending);
    auto info = parse_object_info(m.value().data());
    if (!info) continue;  // not ours to judge: skip what another client wrote badly
    if (md) info.value().mtime = md.value().timestamp;
    if (!info.value().deleted) out.push_back(std::move(info).value());
  }
  (void)co_await consumer.value().stop();
  co_return out;
}

awaitable<JsResult<void>> ObjectStore::erase(std::string_view name) {
  auto self = *this;
  auto info = co_await self.info(name, true);
  if (!info) co_return info.error();
  if (info.value().nuid.empty()) co_return bad_meta();
  ObjectInfo deleted = std::move(info).value();
  deleted.deleted = true;
  deleted.size = 0;
  deleted.chunks = 0;
  deleted.digest.clear();
  const std::string chunks = chunk_subject(self.bucket_, deleted.nuid);
  auto stored = co_await self.publish_meta(std::move(deleted));
  if (!stored) co_return stored.error();
  PurgeOptions purge;
  purge.filter = chunks;
  auto purged = co_await self.js_.purge_stream(self.stream_, purge);
  if (!purged) co_return purged.error();
  co_return success();
}

awaitable<JsResult<ObjectInfo>> ObjectStore::add_link(std::string_view name,
                                                      const ObjectInfo& target) {
  auto self = *this;
  if (name.empty() || target.name.empty()) {
    co_return Error(make_error_code(errc::kInvalidArgument), "link and target need names");
  }
  if (target.deleted) co_return Error(make_error_code(errc::kInvalidArgument), "target deleted");
  if (target.options && target.options->link) {
    co_return Error(make_error_code(errc::kInvalidArgument), "target is a link");
  }
  auto existing = co_await self.info(name);
  if (existing && !(existing.value().options && existing.value().options->link)) {
    co_return Error(make_error_code(errc::kInvalidArgument), "an object exists with that name");
  }
  if (!existing && existing.error() != errc::kObjectNotFound) co_return existing.error();
  ObjectInfo link;
  link.name = std::string(name);
  link.options = ObjectMetaOptions{ObjectLink{target.bucket, target.name}, 0};
  link.bucket = self.bucket_;
  link.nuid = new_nuid(self.js_.connection());
  link.mtime =
      Time(std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch()));
  co_return co_await self.publish_meta(std::move(link));
}

}  // namespace quiver::client::jetstream
