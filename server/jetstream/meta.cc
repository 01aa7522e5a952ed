#include "server/jetstream/meta.h"

#include <filesystem>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "codec/protocol_json.h"
#include "common/log.h"
#include "server/jetstream/api/json.h"
#include "server/jetstream/consumer.h"
#include "server/jetstream/store/consumer_state_store.h"
#include "server/jetstream/store/file_store.h"
#include "server/jetstream/store/memory_store.h"
#include "server/jetstream/stream.h"

namespace quiver::server::jetstream {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMetaFile = "meta.inf";

std::error_code corrupt() { return make_error_code(StoreErrc::kCorrupt); }

struct ParsedMeta {
  std::string config_json;
  api::UnixNanos created = 0;
  bool durable = true;
  std::string name;
};

Result<ParsedMeta> parse_meta(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return corrupt();
  const auto& o = v.as_object();
  ParsedMeta meta;
  const auto* config = o.if_contains("config");
  if (!config || !config->is_object()) return corrupt();
  meta.config_json = boost::json::serialize(*config);
  if (const auto* created = o.if_contains("created"); created && created->is_string()) {
    auto t = api::parse_time(std::string_view(created->as_string()));
    if (t) meta.created = t.value().unix_ns;
  }
  if (const auto* d = o.if_contains("durable"); d && d->is_bool()) meta.durable = d->as_bool();
  if (const auto* n = o.if_contains("name"); n && n->is_string()) {
    meta.name = std::string(n->as_string());
  }
  return meta;
}

}  // namespace

std::string encode_stream_meta(const api::StreamConfig& config, api::UnixNanos created) {
  std::string out = "{\"created\":\"";
  out += api::format_time(created);
  out += "\",\"config\":";
  out += api::to_json(config);
  out += "}";
  return out;
}

std::string encode_consumer_meta(const std::string& name, const api::ConsumerConfig& config,
                                 api::UnixNanos created, bool durable) {
  std::string out = "{\"name\":";
  codec::append_json_string(out, name);
  out += ",\"created\":\"";
  out += api::format_time(created);
  out += "\",\"durable\":";
  out += durable ? "true" : "false";
  out += ",\"config\":";
  out += api::to_json(config);
  out += "}";
  return out;
}

Result<std::unique_ptr<StreamStore>> create_store(const JetStreamConfig& js,
                                                  const api::StreamConfig& config,
                                                  const std::string& dir) {
  const StoreLimits limits = store_limits(config);
  if (config.storage == api::StorageType::kMemory) {
    return std::unique_ptr<StreamStore>(std::make_unique<MemoryStore>(limits));
  }
  FileStoreOptions options;
  options.dir = dir;
  RecoveryReport report;
  QV_TRY(auto store, FileStore::open(options, limits, &report));
  for (const std::string& note : report.notes) {
    QV_LOG_WARN("JetStream: stream '", config.name, "': ", note);
  }
  return std::unique_ptr<StreamStore>(std::move(store));
}

Result<std::unique_ptr<Stream>> open_stream_from_disk(JetStream& js, AccountState& acc,
                                                      const std::string& dir) {
  QV_TRY(std::string text, read_checksummed((fs::path(dir) / kMetaFile).string()));
  QV_TRY(ParsedMeta meta, parse_meta(text));
  auto config = api::parse_stream_config(meta.config_json);
  if (!config) return corrupt();
  QV_TRY(auto store, create_store(js.config(), config.value(), dir));
  return std::make_unique<Stream>(js, acc, std::move(config).value(), meta.created,
                                  std::move(store), dir);
}

void recover_consumers(Stream& stream) {
  const fs::path obs = fs::path(stream.dir()) / "obs";
  std::error_code ec;
  if (!fs::exists(obs, ec)) return;
  for (const auto& entry : fs::directory_iterator(obs, ec)) {
    if (!entry.is_directory()) continue;
    auto text = read_checksummed((entry.path() / kMetaFile).string());
    if (!text) {
      QV_LOG_ERROR("JetStream: consumer metadata at ", entry.path().string(),
                   " is unreadable: ", text.error().message());
      continue;
    }
    auto meta = parse_meta(text.value());
    if (!meta) continue;
    auto config = api::parse_consumer_config(meta.value().config_json);
    if (!config) continue;
    std::string name =
        meta.value().name.empty() ? entry.path().filename().string() : meta.value().name;
    auto consumer = std::make_unique<Consumer>(stream, name, std::move(config).value(),
                                               meta.value().created, meta.value().durable);
    Consumer* c = consumer.get();
    if (auto r = c->load_state(); !r) {
      QV_LOG_WARN("JetStream: consumer '", stream.name(), " > ", name,
                  "' state unreadable, starting from its config: ", r.error().message());
    }
    stream.add_consumer(std::move(consumer));
    if (auto r = c->activate(true); !r) {
      QV_LOG_ERROR("JetStream: could not activate consumer '", name, "': ", r.error().message());
      stream.delete_consumer(name, false);
    }
  }
}

}  // namespace quiver::server::jetstream
