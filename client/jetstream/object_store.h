// Object stores over JetStream (ADR-20), byte-compatible with nats.go 1.2x and nats.js: bucket
// B is stream OBJ_B on $O.B.C.> (chunks) and $O.B.M.> (metadata). An object is a series of
// chunks (128 KiB by default) on $O.B.C.<nuid> and one JSON meta message on
// $O.B.M.<base64url(name)>, published with Nats-Rollup: sub so only the latest meta stays. The
// meta carries the size, chunk count and "SHA-256=<base64url digest>", verified on get.
//
//   ObjectStoreConfig cfg;  cfg.bucket = "files";
//   ObjectStore os = (co_await js.create_object_store(cfg)).value();
//   co_await os.put_bytes("report.pdf", bytes);
//   std::string back = (co_await os.get_bytes("report.pdf")).value();  // digest checked
//   ObjectReader r = (co_await os.get("report.pdf")).value();         // streamed by chunks
//   while (auto chunk = (co_await r.next_chunk()).value()) consume(*chunk);
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "client/jetstream/consumer.h"
#include "client/jetstream/errors.h"
#include "client/jetstream/jetstream.h"
#include "client/jetstream/types.h"

namespace quiver::client::jetstream {

inline constexpr std::uint32_t kObjectDefaultChunkSize = 128 * 1024;

struct ObjectStoreConfig {
  std::string bucket;
  std::string description;
  Nanos ttl{0};
  std::int64_t max_bytes = 0;  // 0: unlimited
  StorageType storage = StorageType::kFile;
  int replicas = 1;
  std::optional<Placement> placement;
};

// The stream configuration nats.go creates for `config`.
JsResult<StreamConfig> object_store_stream_config(const ObjectStoreConfig& config);

struct ObjectLink {
  std::string bucket;
  std::string name;  // empty: a link to the whole bucket
  friend bool operator==(const ObjectLink&, const ObjectLink&) = default;
};

struct ObjectMetaOptions {
  std::optional<ObjectLink> link;
  std::uint32_t max_chunk_size = 0;
  friend bool operator==(const ObjectMetaOptions&, const ObjectMetaOptions&) = default;
};

struct ObjectMeta {
  std::string name;
  std::string description;
  std::map<std::string, std::vector<std::string>> headers;
  std::optional<ObjectMetaOptions> options;
  friend bool operator==(const ObjectMeta&, const ObjectMeta&) = default;
};

struct ObjectInfo : ObjectMeta {
  std::string bucket;
  std::string nuid;
  std::uint64_t size = 0;
  Time mtime{};  // the meta message's time when read back from the server
  std::uint32_t chunks = 0;
  std::string digest;  // "SHA-256=<base64url>"
  bool deleted = false;
  friend bool operator==(const ObjectInfo&, const ObjectInfo&) = default;
};

// The meta JSON exactly as nats.go writes it, and its parser.
boost::json::object to_json(const ObjectInfo& info);
JsResult<ObjectInfo> parse_object_info(std::string_view json);

// "$O.<bucket>.M.<base64url(name)>" (padded, as nats.go's base64.URLEncoding).
std::string object_meta_subject(std::string_view bucket, std::string_view name);
// "SHA-256=" + base64url (padded) of the SHA-256 of `data`.
std::string object_digest(std::string_view data);
// The sizes of the chunks `size` bytes are cut into (the last may be shorter; none for 0).
std::vector<std::size_t> chunk_sizes(std::uint64_t size, std::uint32_t chunk_size);

// Streams an object's chunks; the digest is checked when the last chunk arrives.
class ObjectReader {
 public:
  ObjectReader() = default;

  const ObjectInfo& info() const;
  // The next chunk, or nullopt at the end (after the size and digest matched); kDigestMismatch
  // when they do not; client::errc::kTimeout when the next chunk does not arrive in time.
  boost::asio::awaitable<JsResult<std::optional<std::string>>> next_chunk(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Every remaining chunk, concatenated and verified.
  boost::asio::awaitable<JsResult<std::string>> read_all(
      std::chrono::milliseconds chunk_timeout = std::chrono::seconds(5));
  boost::asio::awaitable<void> close();

 private:
  friend class ObjectStore;
  struct State;
  explicit ObjectReader(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// Supplies an object's bytes to put(): fills `buffer` (up to `capacity` bytes) and returns how
// many it wrote; 0 means the end. An error aborts the put (its chunks are purged).
using ObjectSource = std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;

class ObjectStore {
 public:
  ObjectStore() = default;
  ObjectStore(JetStream js, std::string bucket);

  const std::string& bucket() const noexcept { return bucket_; }
  const std::string& stream() const noexcept { return stream_; }

  // Stores an object (replacing one with the same name, whose chunks are purged afterwards).
  // Chunks go out through publish_async, then the meta; the info as stored.
  boost::asio::awaitable<JsResult<ObjectInfo>> put(ObjectMeta meta, ObjectSource source);
  boost::asio::awaitable<JsResult<ObjectInfo>> put(ObjectMeta meta, std::string_view data);
  boost::asio::awaitable<JsResult<ObjectInfo>> put_bytes(std::string_view name,
                                                         std::string_view data);

  // Follows links to objects (in this or another bucket); kObjectIsBucketLink for bucket links.
  boost::asio::awaitable<JsResult<ObjectReader>> get(std::string_view name);
  boost::asio::awaitable<JsResult<std::string>> get_bytes(std::string_view name);

  // kObjectNotFound when absent, or deleted unless `show_deleted`.
  boost::asio::awaitable<JsResult<ObjectInfo>> info(std::string_view name,
                                                    bool show_deleted = false);
  // Every object that is not deleted, in the order of their last meta update.
  boost::asio::awaitable<JsResult<std::vector<ObjectInfo>>> list();
  // Publishes a deleted meta (size 0, no digest) and purges the chunks.
  boost::asio::awaitable<JsResult<void>> erase(std::string_view name);
  // Stores a link named `name` to `target` (an object of any bucket).
  boost::asio::awaitable<JsResult<ObjectInfo>> add_link(std::string_view name,
                                                        const ObjectInfo& target);

 private:
  boost::asio::awaitable<JsResult<ObjectInfo>> publish_meta(ObjectInfo info);

  JetStream js_;
  std::string bucket_;
  std::string stream_;
};

}  // namespace quiver::client::jetstream
