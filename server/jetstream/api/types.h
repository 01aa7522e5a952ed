// The JetStream API's data types as nats-server 2.9.10 defines them (server/stream.go,
// server/consumer.go, server/store.go, server/jetstream.go, server/jetstream_api.go): stream and
// consumer configs, infos, account info, PubAck, ApiError, the request bodies and the responses.
//
// Plain structs with public fields, one per Go struct, fields in Go's order (which is the JSON
// order json.cc writes). Units follow the wire:
//   - durations (Go time.Duration) are int64 nanoseconds (`Nanos`);
//   - times (Go time.Time) are int64 Unix nanoseconds (`UnixNanos`), where 0 stands for Go's
//     zero time and is written "0001-01-01T00:00:00Z" (an empty stream's first_ts/last_ts);
//   - a Go pointer or a field whose absence matters is a std::optional.
// Defaults are Go's zero values (what a JSON body without the key decodes to), not the server's
// defaults: validate.h applies those.
//
// 2.9.10 has no `metadata` on streams or consumers (it was added in 2.10; probed: 2.9.10
// ignores the key and never echoes it), so these structs have none either.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quiver::server::jetstream::api {

using Nanos = std::int64_t;      // Go time.Duration
using UnixNanos = std::int64_t;  // Go time.Time; 0 = Go's zero time

// A time a client supplied (opt_start_time). Go's time.Time keeps the UTC offset it was parsed
// with and writes it back the same way ("2020-05-06T07:08:09.5+02:00" is echoed as is, probed);
// an offset of 0 is written "Z".
struct ClientTime {
  UnixNanos unix_ns = 0;
  std::int32_t utc_offset_s = 0;

  bool operator==(const ClientTime&) const = default;
};

inline constexpr Nanos kMillisecond = 1'000'000;
inline constexpr Nanos kSecond = 1'000 * kMillisecond;
inline constexpr Nanos kMinute = 60 * kSecond;

// ---------------------------------------------------------------------------------------------
// Errors

// Go's ApiError (jetstream_errors.go): {"code":..,"err_code":..,"description":".."}. errors.h
// holds the catalogue; an ApiError is one filled-in entry.
struct ApiError {
  int code = 0;                // HTTP-like status
  std::uint16_t err_code = 0;  // JetStream error code (10xxx); omitted from JSON when 0
  std::string description;     // omitted from JSON when empty

  bool operator==(const ApiError&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Streams

enum class RetentionPolicy { kLimits, kInterest, kWorkQueue };  // "limits" "interest" "workqueue"
enum class DiscardPolicy { kOld, kNew };                        // "old" "new"
enum class StorageType { kFile, kMemory };                      // "file" "memory"

struct Placement {
  std::string cluster;            // omitempty
  std::vector<std::string> tags;  // omitempty

  bool operator==(const Placement&) const = default;
};

// Access to a stream in another account (sources and mirrors).
struct ExternalStream {
  std::string api;      // "api"
  std::string deliver;  // "deliver"

  bool operator==(const ExternalStream&) const = default;
};

struct StreamSource {
  std::string name;
  std::uint64_t opt_start_seq = 0;           // omitempty
  std::optional<ClientTime> opt_start_time;  // omitempty (Go *time.Time)
  std::string filter_subject;                // omitempty
  std::optional<ExternalStream> external;    // omitempty

  bool operator==(const StreamSource&) const = default;
};

struct RePublish {
  std::string src;  // "src", omitempty (the server stores ">" for an empty one)
  std::string dest;
  bool headers_only = false;  // omitempty

  bool operator==(const RePublish&) const = default;
};

struct StreamConfig {
  std::string name;
  std::string description;            // omitempty
  std::vector<std::string> subjects;  // omitempty
  RetentionPolicy retention = RetentionPolicy::kLimits;
  std::int64_t max_consumers = 0;  // Go int; -1 = unlimited after defaulting
  std::int64_t max_msgs = 0;
  std::int64_t max_bytes = 0;
  Nanos max_age = 0;
  std::int64_t max_msgs_per_subject = 0;
  std::int32_t max_msg_size = 0;  // omitempty
  DiscardPolicy discard = DiscardPolicy::kOld;
  StorageType storage = StorageType::kFile;
  std::int64_t num_replicas = 0;
  bool no_ack = false;                 // omitempty
  std::string template_owner;          // omitempty
  Nanos duplicate_window = 0;          // omitempty
  std::optional<Placement> placement;  // omitempty
  std::optional<StreamSource> mirror;  // omitempty
  std::vector<StreamSource> sources;   // omitempty
  std::optional<RePublish> republish;  // omitempty
  bool allow_direct = false;
  bool mirror_direct = false;
  bool discard_new_per_subject = false;  // omitempty
  bool sealed = false;
  bool deny_delete = false;
  bool deny_purge = false;
  bool allow_rollup_hdrs = false;

  bool operator==(const StreamConfig&) const = default;
};

struct LostStreamData {
  std::vector<std::uint64_t> msgs;  // "msgs" (null when empty)
  std::uint64_t bytes = 0;

  bool operator==(const LostStreamData&) const = default;
};

// Go's StreamState. JSON order: messages, bytes, first_seq, first_ts, last_seq, last_ts,
// num_subjects?, subjects?, num_deleted?, deleted?, lost?, consumer_count.
struct StreamState {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t first_seq = 0;
  UnixNanos first_ts = 0;
  std::uint64_t last_seq = 0;
  UnixNanos last_ts = 0;
  std::int64_t num_subjects = 0;                  // omitempty
  std::map<std::string, std::uint64_t> subjects;  // omitempty; Go sorts map keys bytewise
  std::int64_t num_deleted = 0;                   // omitempty
  std::vector<std::uint64_t> deleted;             // omitempty
  std::optional<LostStreamData> lost;             // omitempty
  std::int64_t consumer_count = 0;

  bool operator==(const StreamState&) const = default;
};

struct PeerInfo {
  std::string name;
  bool current = false;
  bool offline = false;  // omitempty
  Nanos active = 0;
  std::uint64_t lag = 0;  // omitempty
  std::string peer;

  bool operator==(const PeerInfo&) const = default;
};

struct ClusterInfo {
  std::string name;                // omitempty
  std::string leader;              // omitempty
  std::vector<PeerInfo> replicas;  // omitempty

  bool operator==(const ClusterInfo&) const = default;
};

struct StreamSourceInfo {
  std::string name;
  std::optional<ExternalStream> external;  // omitempty
  std::uint64_t lag = 0;
  Nanos active = 0;
  std::optional<ApiError> error;  // omitempty

  bool operator==(const StreamSourceInfo&) const = default;
};

struct StreamAlternate {
  std::string name;
  std::string domain;  // omitempty
  std::string cluster;

  bool operator==(const StreamAlternate&) const = default;
};

struct StreamInfo {
  StreamConfig config;
  UnixNanos created = 0;
  StreamState state;
  std::string domain;                       // omitempty
  std::optional<ClusterInfo> cluster;       // omitempty (2.9.10 single server: absent)
  std::optional<StreamSourceInfo> mirror;   // omitempty
  std::vector<StreamSourceInfo> sources;    // omitempty
  std::vector<StreamAlternate> alternates;  // omitempty

  bool operator==(const StreamInfo&) const = default;
};

// A message as STREAM.MSG.GET returns it (Go's StoredMsg): hdrs/data are base64 in JSON.
struct StoredMessage {
  std::string subject;
  std::uint64_t seq = 0;
  std::string hdrs;  // raw NATS/1.0 header block; omitempty
  std::string data;  // omitempty
  UnixNanos time = 0;

  bool operator==(const StoredMessage&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Consumers

enum class DeliverPolicy {
  kAll,              // "all" (also accepted: "undefined")
  kLast,             // "last"
  kNew,              // "new"
  kByStartSequence,  // "by_start_sequence"
  kByStartTime,      // "by_start_time"
  kLastPerSubject,   // "last_per_subject"
};
enum class AckPolicy { kNone, kAll, kExplicit };  // "none" "all" "explicit"
enum class ReplayPolicy { kInstant, kOriginal };  // "instant" "original"

struct ConsumerConfig {
  std::string durable_name;  // omitempty
  std::string name;          // omitempty
  std::string description;   // omitempty
  DeliverPolicy deliver_policy = DeliverPolicy::kAll;
  std::uint64_t opt_start_seq = 0;           // omitempty
  std::optional<ClientTime> opt_start_time;  // omitempty (Go *time.Time)
  AckPolicy ack_policy = AckPolicy::kNone;
  Nanos ack_wait = 0;            // omitempty
  std::int64_t max_deliver = 0;  // omitempty
  std::vector<Nanos> backoff;    // omitempty
  std::string filter_subject;    // omitempty
  ReplayPolicy replay_policy = ReplayPolicy::kInstant;
  std::uint64_t rate_limit_bps = 0;  // omitempty
  std::string sample_freq;           // omitempty
  std::int64_t max_waiting = 0;      // omitempty
  std::int64_t max_ack_pending = 0;  // omitempty
  Nanos idle_heartbeat = 0;          // omitempty
  bool flow_control = false;         // omitempty
  bool headers_only = false;         // omitempty
  std::int64_t max_batch = 0;        // omitempty (pull)
  Nanos max_expires = 0;             // omitempty (pull)
  std::int64_t max_bytes = 0;        // omitempty (pull)
  std::string deliver_subject;       // omitempty (push)
  std::string deliver_group;         // omitempty (push)
  Nanos inactive_threshold = 0;      // omitempty
  std::int64_t num_replicas = 0;     // always written
  bool mem_storage = false;          // omitempty
  bool direct = false;               // omitempty (internal: mirror/source consumers)

  bool operator==(const ConsumerConfig&) const = default;
};

// Go's SequenceInfo ("delivered"/"ack_floor" of ConsumerInfo).
struct SequenceInfo {
  std::uint64_t consumer_seq = 0;
  std::uint64_t stream_seq = 0;
  std::optional<UnixNanos> last_active;  // omitempty

  bool operator==(const SequenceInfo&) const = default;
};

struct ConsumerInfo {
  std::string stream_name;
  std::string name;
  UnixNanos created = 0;
  std::optional<ConsumerConfig> config;  // omitempty (Go pointer); always set in practice
  SequenceInfo delivered;
  SequenceInfo ack_floor;
  std::int64_t num_ack_pending = 0;
  std::int64_t num_redelivered = 0;
  std::int64_t num_waiting = 0;
  std::uint64_t num_pending = 0;
  std::optional<ClusterInfo> cluster;  // omitempty
  bool push_bound = false;             // omitempty

  bool operator==(const ConsumerInfo&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Account

struct AccountLimits {
  std::int64_t max_memory = -1;
  std::int64_t max_storage = -1;
  std::int64_t max_streams = -1;
  std::int64_t max_consumers = -1;
  std::int64_t max_ack_pending = -1;
  std::int64_t memory_max_stream_bytes = -1;
  std::int64_t storage_max_stream_bytes = -1;
  bool max_bytes_required = false;

  bool operator==(const AccountLimits&) const = default;
};

struct ApiStats {
  std::uint64_t total = 0;
  std::uint64_t errors = 0;
  std::uint64_t inflight = 0;  // omitempty

  bool operator==(const ApiStats&) const = default;
};

// Go's JetStreamAccountStats (the body of $JS.API.INFO) without the per-tier map, which a
// single-tier account never has.
struct AccountInfo {
  std::uint64_t memory = 0;
  std::uint64_t storage = 0;
  std::int64_t streams = 0;
  std::int64_t consumers = 0;
  AccountLimits limits;
  std::string domain;  // omitempty
  ApiStats api;

  bool operator==(const AccountInfo&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Publish acknowledgement (reply to a stored publish)

struct PubAck {
  std::string stream;
  std::uint64_t seq = 0;
  std::string domain;      // omitted when empty
  bool duplicate = false;  // omitted when false

  bool operator==(const PubAck&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Request bodies

// STREAM.INFO: {"offset", "deleted_details", "subjects_filter"}.
struct StreamInfoRequest {
  std::int64_t offset = 0;
  bool deleted_details = false;
  std::string subjects_filter;

  bool operator==(const StreamInfoRequest&) const = default;
};

// STREAM.NAMES and STREAM.LIST: {"offset", "subject"}.
struct StreamNamesRequest {
  std::int64_t offset = 0;
  std::string subject;

  bool operator==(const StreamNamesRequest&) const = default;
};

// STREAM.PURGE: {"seq" (up to, not including), "filter", "keep"}.
struct StreamPurgeRequest {
  std::uint64_t seq = 0;
  std::string filter;
  std::uint64_t keep = 0;

  bool operator==(const StreamPurgeRequest&) const = default;
};

// STREAM.MSG.GET: {"seq"} | {"last_by_subj"} | {"next_by_subj", "seq"}.
struct MsgGetRequest {
  std::uint64_t seq = 0;
  std::string last_by_subj;
  std::string next_by_subj;

  bool operator==(const MsgGetRequest&) const = default;
};

// STREAM.MSG.DELETE: {"seq", "no_erase"}.
struct MsgDeleteRequest {
  std::uint64_t seq = 0;
  bool no_erase = false;

  bool operator==(const MsgDeleteRequest&) const = default;
};

// CONSUMER.CREATE / CONSUMER.DURABLE.CREATE: {"stream_name", "config"}. `action` ("create",
// "update" or "") is a 2.10 key that 2.9.10 ignores; it is parsed for the engine to decide.
struct CreateConsumerRequest {
  std::string stream_name;
  ConsumerConfig config;
  std::string action;

  bool operator==(const CreateConsumerRequest&) const = default;
};

// CONSUMER.NAMES / CONSUMER.LIST: {"offset"}.
struct ConsumersRequest {
  std::int64_t offset = 0;

  bool operator==(const ConsumersRequest&) const = default;
};

// CONSUMER.MSG.NEXT: a JSON object, a bare integer batch, or an empty body (batch 1).
struct NextRequest {
  Nanos expires = 0;
  std::int64_t batch = 0;
  std::int64_t max_bytes = 0;
  bool no_wait = false;
  Nanos idle_heartbeat = 0;

  bool operator==(const NextRequest&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Responses. Each is written with its "type" (see json.h); `error` set means an error response.
// Fields a Go response always writes (paging, "streams", "purged") are written on errors too.

struct ApiPaged {
  std::int64_t total = 0;
  std::int64_t offset = 0;
  std::int64_t limit = 0;

  bool operator==(const ApiPaged&) const = default;
};

inline constexpr std::int64_t kApiNamesLimit = 1024;  // STREAM.NAMES / CONSUMER.NAMES page
inline constexpr std::int64_t kApiListLimit = 256;    // STREAM.LIST / CONSUMER.LIST page

struct AccountInfoResponse {
  std::optional<ApiError> error;
  std::optional<AccountInfo> info;
};

struct StreamCreateResponse {
  std::optional<ApiError> error;
  std::optional<StreamInfo> info;
  bool did_create = false;  // omitempty
};

struct StreamUpdateResponse {
  std::optional<ApiError> error;
  std::optional<StreamInfo> info;
};

struct StreamInfoResponse {
  std::optional<ApiError> error;
  ApiPaged paged;  // always written, even on errors
  std::optional<StreamInfo> info;
};

struct StreamNamesResponse {
  std::optional<ApiError> error;
  ApiPaged paged;
  std::vector<std::string> streams;  // empty is written "streams":null (Go nil slice)
};

struct StreamListResponse {
  std::optional<ApiError> error;
  ApiPaged paged;
  std::vector<StreamInfo> streams;   // empty is written "streams":[]
  std::vector<std::string> missing;  // omitempty
};

struct StreamDeleteResponse {
  std::optional<ApiError> error;
  bool success = false;  // omitempty
};

struct StreamPurgeResponse {
  std::optional<ApiError> error;
  bool success = false;      // omitempty
  std::uint64_t purged = 0;  // always written
};

struct MsgGetResponse {
  std::optional<ApiError> error;
  std::optional<StoredMessage> message;
};

struct MsgDeleteResponse {
  std::optional<ApiError> error;
  bool success = false;  // omitempty
};

struct ConsumerCreateResponse {
  std::optional<ApiError> error;
  std::optional<ConsumerInfo> info;
};

struct ConsumerInfoResponse {
  std::optional<ApiError> error;
  std::optional<ConsumerInfo> info;
};

struct ConsumerNamesResponse {
  std::optional<ApiError> error;
  ApiPaged paged;
  std::vector<std::string> consumers;  // empty is written "consumers":[]
};

struct ConsumerListResponse {
  std::optional<ApiError> error;
  ApiPaged paged;
  std::vector<ConsumerInfo> consumers;  // empty is written "consumers":[]
  std::vector<std::string> missing;     // omitempty
};

struct ConsumerDeleteResponse {
  std::optional<ApiError> error;
  bool success = false;  // omitempty
};

}  // namespace quiver::server::jetstream::api
