// The JetStream API's data types as plain structs (nats-server 2.9 JSON names and defaults), and
// their JSON encoding. Durations are integer nanoseconds in JSON and std::chrono::nanoseconds
// here; times are RFC 3339 strings in JSON and `Time` (system clock, nanoseconds) here. Go's
// zero time "0001-01-01T00:00:00Z" cannot be represented in 64-bit nanoseconds: it maps to
// Time{} (the epoch) and Time{} is encoded back as the zero time.
//
// Encoding follows nats.go: fields that Go marks `omitempty` are left out when zero, so a
// config written here reads back equal from the server's reply. Parsing ignores unknown fields
// (newer servers add some) and fails with errc::kBadResponse on a wrong type.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "client/jetstream/errors.h"
#include "codec/headers.h"

namespace quiver::client::jetstream {

using Nanos = std::chrono::nanoseconds;
using Time = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

enum class RetentionPolicy { kLimits, kInterest, kWorkQueue };
enum class DiscardPolicy { kOld, kNew };
enum class StorageType { kFile, kMemory };
enum class DeliverPolicy { kAll, kLast, kNew, kByStartSequence, kByStartTime, kLastPerSubject };
enum class AckPolicy { kNone, kAll, kExplicit };
enum class ReplayPolicy { kInstant, kOriginal };

struct Placement {
  std::string cluster;
  std::vector<std::string> tags;
  friend bool operator==(const Placement&, const Placement&) = default;
};

struct ExternalStream {
  std::string api;      // the API prefix of the other domain/account
  std::string deliver;  // deliver prefix
  friend bool operator==(const ExternalStream&, const ExternalStream&) = default;
};

struct StreamSource {
  std::string name;
  std::uint64_t opt_start_seq = 0;
  std::optional<Time> opt_start_time;
  std::string filter_subject;
  std::optional<ExternalStream> external;
  friend bool operator==(const StreamSource&, const StreamSource&) = default;
};

struct RePublish {
  std::string src;
  std::string dest;
  bool headers_only = false;
  friend bool operator==(const RePublish&, const RePublish&) = default;
};

struct StreamConfig {
  std::string name;
  std::string description;
  std::vector<std::string> subjects;  // empty: the server uses {name}
  RetentionPolicy retention = RetentionPolicy::kLimits;
  std::int64_t max_consumers = -1;
  std::int64_t max_msgs = -1;
  std::int64_t max_bytes = -1;
  Nanos max_age{0};
  std::int64_t max_msgs_per_subject = -1;
  std::int32_t max_msg_size = -1;
  DiscardPolicy discard = DiscardPolicy::kOld;
  StorageType storage = StorageType::kFile;
  int num_replicas = 1;
  bool no_ack = false;
  Nanos duplicate_window{0};  // 0: the server's default (2 minutes, capped at max_age)
  std::optional<Placement> placement;
  std::optional<StreamSource> mirror;
  std::vector<StreamSource> sources;
  bool sealed = false;
  bool deny_delete = false;
  bool deny_purge = false;
  bool allow_rollup_hdrs = false;
  std::optional<RePublish> republish;
  bool allow_direct = false;
  bool mirror_direct = false;
  bool discard_new_per_subject = false;
  friend bool operator==(const StreamConfig&, const StreamConfig&) = default;
};

struct StreamState {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t first_seq = 0;
  Time first_ts{};
  std::uint64_t last_seq = 0;
  Time last_ts{};
  std::int64_t consumer_count = 0;
  std::uint64_t num_deleted = 0;
  std::uint64_t num_subjects = 0;
  std::vector<std::uint64_t> deleted;             // with StreamInfoOptions::deleted_details
  std::map<std::string, std::uint64_t> subjects;  // with StreamInfoOptions::subjects_filter
  friend bool operator==(const StreamState&, const StreamState&) = default;
};

struct PeerInfo {
  std::string name;
  bool current = false;
  bool offline = false;
  Nanos active{0};
  std::uint64_t lag = 0;
  friend bool operator==(const PeerInfo&, const PeerInfo&) = default;
};

struct ClusterInfo {
  std::string name;
  std::string leader;
  std::vector<PeerInfo> replicas;
  friend bool operator==(const ClusterInfo&, const ClusterInfo&) = default;
};

struct StreamSourceInfo {
  std::string name;
  std::uint64_t lag = 0;
  Nanos active{0};
  friend bool operator==(const StreamSourceInfo&, const StreamSourceInfo&) = default;
};

struct StreamInfo {
  StreamConfig config;
  Time created{};
  StreamState state;
  std::optional<ClusterInfo> cluster;
  std::optional<StreamSourceInfo> mirror;
  std::vector<StreamSourceInfo> sources;
  friend bool operator==(const StreamInfo&, const StreamInfo&) = default;
};

struct ConsumerConfig {
  std::string durable_name;  // durable consumers
  std::string name;          // named ephemerals (2.9); empty with durable_name set
  std::string description;
  DeliverPolicy deliver_policy = DeliverPolicy::kAll;
  std::uint64_t opt_start_seq = 0;
  std::optional<Time> opt_start_time;
  AckPolicy ack_policy = AckPolicy::kExplicit;
  Nanos ack_wait{0};    // 0: the server's default (30 s)
  int max_deliver = 0;  // 0: the server's default (unlimited, -1)
  std::vector<Nanos> backoff;
  std::string filter_subject;
  ReplayPolicy replay_policy = ReplayPolicy::kInstant;
  std::uint64_t rate_limit_bps = 0;
  std::string sample_freq;
  int max_waiting = 0;      // pull: 0 means the server's default (512)
  int max_ack_pending = 0;  // 0 means the server's default (1000)
  bool flow_control = false;
  Nanos idle_heartbeat{0};
  bool headers_only = false;
  int max_batch = 0;
  Nanos max_expires{0};
  std::int64_t max_bytes = 0;
  std::string deliver_subject;  // push consumers
  std::string deliver_group;
  Nanos inactive_threshold{0};
  int num_replicas = 0;
  bool mem_storage = false;
  friend bool operator==(const ConsumerConfig&, const ConsumerConfig&) = default;
};

struct SequenceInfo {
  std::uint64_t consumer_seq = 0;
  std::uint64_t stream_seq = 0;
  std::optional<Time> last_active;
  friend bool operator==(const SequenceInfo&, const SequenceInfo&) = default;
};

struct ConsumerInfo {
  std::string stream_name;
  std::string name;
  Time created{};
  ConsumerConfig config;
  SequenceInfo delivered;
  SequenceInfo ack_floor;
  int num_ack_pending = 0;
  int num_redelivered = 0;
  int num_waiting = 0;
  std::uint64_t num_pending = 0;
  std::optional<ClusterInfo> cluster;
  bool push_bound = false;
  friend bool operator==(const ConsumerInfo&, const ConsumerInfo&) = default;
};

// The server's answer to a JetStream publish.
struct PubAck {
  std::string stream;
  std::uint64_t seq = 0;
  bool duplicate = false;
  std::string domain;
  friend bool operator==(const PubAck&, const PubAck&) = default;
};

// A message read back from a stream (get_msg, direct get).
struct StoredMsg {
  std::string subject;
  std::uint64_t seq = 0;
  codec::Headers headers;  // the stored headers (direct get: plus the server's Nats-* ones)
  std::string data;
  Time time{};
  friend bool operator==(const StoredMsg&, const StoredMsg&) = default;
};

struct AccountLimits {
  std::int64_t max_memory = 0;
  std::int64_t max_storage = 0;
  int max_streams = 0;
  int max_consumers = 0;
  int max_ack_pending = 0;
  std::int64_t memory_max_stream_bytes = 0;
  std::int64_t storage_max_stream_bytes = 0;
  bool max_bytes_required = false;
  friend bool operator==(const AccountLimits&, const AccountLimits&) = default;
};

struct AccountInfo {
  std::uint64_t memory = 0;
  std::uint64_t storage = 0;
  int streams = 0;
  int consumers = 0;
  std::string domain;
  AccountLimits limits;
  std::uint64_t api_total = 0;
  std::uint64_t api_errors = 0;
  friend bool operator==(const AccountInfo&, const AccountInfo&) = default;
};

// ----- JSON -----

// Enum spellings of the API ("limits", "workqueue", "last_per_subject", ...).
std::string_view to_string(RetentionPolicy v) noexcept;
std::string_view to_string(DiscardPolicy v) noexcept;
std::string_view to_string(StorageType v) noexcept;
std::string_view to_string(DeliverPolicy v) noexcept;
std::string_view to_string(AckPolicy v) noexcept;
std::string_view to_string(ReplayPolicy v) noexcept;

// RFC 3339 with nanoseconds, trailing zeros of the fraction trimmed ("2023-01-10T12:34:56.5Z"),
// as Go's time.RFC3339Nano; Time{} gives "0001-01-01T00:00:00Z".
std::string format_time(Time t);
// Accepts any RFC 3339 time ("Z" or "+hh:mm" offsets, 0-9 fraction digits).
JsResult<Time> parse_time(std::string_view text);

boost::json::object to_json(const StreamConfig& v);
boost::json::object to_json(const ConsumerConfig& v);
boost::json::object to_json(const StreamInfo& v);
boost::json::object to_json(const ConsumerInfo& v);
boost::json::object to_json(const StreamState& v);
boost::json::object to_json(const PubAck& v);
boost::json::object to_json(const AccountInfo& v);

JsResult<StreamConfig> parse_stream_config(const boost::json::value& v);
JsResult<ConsumerConfig> parse_consumer_config(const boost::json::value& v);
JsResult<StreamInfo> parse_stream_info(const boost::json::value& v);
JsResult<ConsumerInfo> parse_consumer_info(const boost::json::value& v);
JsResult<StreamState> parse_stream_state(const boost::json::value& v);
JsResult<AccountInfo> parse_account_info(const boost::json::value& v);
// A publish acknowledgement: {"stream":..,"seq":..} or {"error":{..}} (an API Error).
JsResult<PubAck> parse_pub_ack(std::string_view json);

// Parses an API response body; fails with the API Error when it has an "error" member and with
// errc::kBadResponse when it is not a JSON object.
JsResult<boost::json::object> parse_api_response(std::string_view json);

}  // namespace quiver::client::jetstream
