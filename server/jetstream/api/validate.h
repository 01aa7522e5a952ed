// nats-server 2.9.10's JetStream config checks and defaulting, as pure functions returning the
// exact ApiError the server answers with (texts probed: testdata/validation_errors.json).
//
//   stream create:   parse -> check_stream_create() -> (engine: limits, overlap 10065, exists)
//   stream update:   parse -> check_stream_config() -> name in subject (10056) -> (engine: lookup
//                    10059) -> check_stream_update(old, new) -> (engine: overlap 10065)
//   consumer create: parse -> check_consumer_create_request() -> (engine: stream lookup 10059)
//                    -> check_consumer_config() -> existing? check_consumer_update() :
//                       check_new_consumer()
// Each function mirrors one Go function (named in its comment) in the same check order, so
// the first failing rule is the one nats-server reports.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/jetstream/api/errors.h"
#include "server/jetstream/api/types.h"

namespace quiver::server::jetstream::api {

inline constexpr std::size_t kMaxNameLen = 255;              // JSMaxNameLen
inline constexpr std::size_t kMaxDescriptionLen = 4 * 1024;  // JSMaxDescriptionLen
inline constexpr std::int64_t kStreamMaxReplicas = 5;
inline constexpr Nanos kDefaultDuplicateWindow = 2 * kMinute;    // StreamDefaultDuplicatesWindow
inline constexpr Nanos kDefaultAckWait = 30 * kSecond;           // JsAckWaitDefault
inline constexpr std::int64_t kDefaultMaxAckPending = 1000;      // JsDefaultMaxAckPending
inline constexpr std::int64_t kDefaultMaxWaiting = 512;          // JSWaitQueueDefaultMax
inline constexpr Nanos kDefaultInactiveThreshold = 5 * kSecond;  // JsDeleteWaitTimeDefault

// What the checks need from outside the request. The defaults describe a lone server with no
// limits configured (what `nats-server -js` runs with).
struct CheckEnv {
  // Another stream of the account by name, or nullptr (mirror/source checks and cycles).
  std::function<const StreamConfig*(std::string_view name)> lookup_stream;
  // Server jetstream limits (JSLimitOpts); 0 = not set.
  Nanos max_duplicate_window = 0;
  std::int64_t server_max_ack_pending = 0;
  std::int64_t server_max_request_batch = 0;
  // Account limits (JetStreamAccountLimits); <= 0 = not set.
  std::int64_t account_max_ack_pending = 0;
  bool max_bytes_required = false;
  std::int64_t memory_max_stream_bytes = 0;
  std::int64_t storage_max_stream_bytes = 0;
  bool clustered = false;  // single server: replicas > 1 is 10074
};

// Go's isValidName: non-empty, none of " \t\r\n\f.*>".
bool is_valid_name(std::string_view name);

// Subject relations as sublist.go defines them (used for overlap and filter checks).
// SubjectsCollide: some subject matches both.
bool subjects_collide(std::string_view a, std::string_view b);
// subjectIsSubsetMatch: every subject matching `subject` also matches `test`.
bool subject_is_subset_match(std::string_view subject, std::string_view test);
// validFilteredSubject: `filter` is a valid subject within (or, with wildcards, over) `subjects`.
bool valid_filtered_subject(std::string_view filter, const std::vector<std::string>& subjects);

// Server.checkStreamCfg: validates and fills defaults (storage file, replicas 1, limits -1 for
// 0, duplicate_window 2m or max_age if smaller, subjects [name] when none and no mirror/source,
// republish src ">"). Idempotent on its own output.
ApiResult<StreamConfig> check_stream_config(const StreamConfig& config, const CheckEnv& env = {});

// jsStreamCreateRequest + addStream in the order 2.9.10 applies them: name in subject (10056),
// path separators (10128), sealed, mirror_direct without mirror, check_stream_config, replicas
// > 1 on a single server (10074). `subject_stream` is the <stream> token of the request subject.
ApiResult<StreamConfig> check_stream_create(std::string_view subject_stream,
                                            const StreamConfig& config, const CheckEnv& env = {});

// jsAccount.configUpdateCheck: `requested` as the client sent it (check_stream_config is applied
// first), `old` the stream's current config. Returns the config to store (sealing forces
// max_age 0, discard new, deny_delete/purge, no rollups).
ApiResult<StreamConfig> check_stream_update(const StreamConfig& old, const StreamConfig& requested,
                                            const CheckEnv& env = {});

// What jsConsumerCreateRequest reads from the request subject.
enum class ConsumerCreateKind {
  kLegacyEphemeral,  // $JS.API.CONSUMER.CREATE.<stream>
  kLegacyDurable,    // $JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable>
  kNamed,            // $JS.API.CONSUMER.CREATE.<stream>.<name>[.<filter...>]
};
struct ConsumerCreateTarget {
  ConsumerCreateKind kind = ConsumerCreateKind::kLegacyEphemeral;
  std::string stream;
  std::string consumer;        // empty for legacy ephemerals
  std::string filter_subject;  // from the subject tail, or empty
};

// Splits a consumer-create subject. Fewer than 5 tokens gives 10003 (nats-server does not answer
// such a request at all); DURABLE.CREATE without exactly 7 tokens gives 10016 (2.9.10's
// subscriptions never deliver those, so it never answers them either: probed).
ApiResult<ConsumerCreateTarget> parse_consumer_create_subject(std::string_view subject);

// jsConsumerCreateRequest's checks before the stream lookup, in order: stream name (10056),
// path separators in the consumer name (10127), durable rules (10016/10018/10017/10020), filter
// subject from the subject (10131), replicas > 1 on a single server (10074). Returns the
// request with config.name set from the subject for the named form.
ApiResult<CreateConsumerRequest> check_consumer_create_request(const ConsumerCreateTarget& target,
                                                               CreateConsumerRequest request,
                                                               const CheckEnv& env = {});

// setConsumerConfigDefaults + checkConsumerCfg: defaults (pull: max_waiting 512; ack explicit/
// all: ack_wait 30s (or backoff[0]), max_ack_pending 1000; max_deliver -1), then every rule of
// checkConsumerCfg against the parent stream. Pull mode = no deliver_subject.
ApiResult<ConsumerConfig> check_consumer_config(const ConsumerConfig& config,
                                                const StreamConfig& stream,
                                                const CheckEnv& env = {});

// The rules of stream.addConsumer for a consumer that does not exist yet, after
// check_consumer_config: max consumers (10026; `public_consumers` is the stream's current count,
// `max_consumers` the stream's or account's limit, <= 0 none), work-queue rules (10098, 10099,
// 10100, 10101; `existing` are the configs of the stream's consumers), name length (10102) and
// characters (10103) for the given or durable name, and the ephemeral inactive_threshold
// default (5s). `existing` must not contain the new consumer.
ApiResult<ConsumerConfig> check_new_consumer(const ConsumerConfig& config,
                                             const StreamConfig& stream,
                                             std::span<const ConsumerConfig> existing,
                                             std::int64_t public_consumers,
                                             std::int64_t max_consumers);

// checkNewConsumerConfig for a create request naming an existing consumer (both configs after
// check_consumer_config; `deliver_subject_has_interest` = someone is subscribed on the old
// deliver subject). Identical configs pass; otherwise deliver policy, start seq/time, ack and
// replay policy, heartbeat, flow control, max waiting and push/pull may not change (10012,
// code 500, "<what> can not be updated"), and backoff needs max_deliver > len (10116).
// Returns the config to store (ephemeral inactive_threshold default applied).
ApiResult<ConsumerConfig> check_consumer_update(const ConsumerConfig& old,
                                                const ConsumerConfig& requested,
                                                bool deliver_subject_has_interest = false);

}  // namespace quiver::server::jetstream::api
