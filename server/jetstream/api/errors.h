// The JetStream API error catalogue of nats-server 2.9.10 (server/errors.json, generated into
// jetstream_errors_generated.go): every err_code with its HTTP-like code and description text.
//
// Clients match description texts (nats.js recognises a missing stream by "stream not found"),
// so these are byte-for-byte the 2.9.10 texts, checked against the 2.9.10 binary and probed
// responses (testdata/). Where 2.9.10 differs from later servers the 2.9.10 text is used
// (10025 is plain "invalid JSON", 10084 "consumer in pull mode requires ack policy").
//
// Templated descriptions keep Go's placeholders ({err}, {seq}, {id}, {max}, {limit}, {prefix},
// {subject}); fill them with ErrorDef::with(), or use the factories at the bottom:
//   kJSStreamWrongLastSequenceErrF.with("{seq}", "6")  ==  wrong_last_sequence(6)
// Constant names are Go's constant names with a `k` in front, so they grep against errors.json.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>

#include "common/result.h"  // QV_TRY
#include "server/jetstream/api/types.h"

namespace quiver::server::jetstream::api {

// A value or the ApiError to answer with. QV_TRY works on it. value() on an error terminates
// (policy::terminate comes with std_result.hpp via basic_result.hpp).
template <class T>
using ApiResult = boost::outcome_v2::std_result<T, ApiError, boost::outcome_v2::policy::terminate>;

// One catalogue entry. constexpr, so the whole catalogue is static data.
struct ErrorDef {
  int code;                      // HTTP-like status
  std::uint16_t err_code;        // 10xxx
  std::string_view description;  // may contain {placeholders}

  // The error with its description as is (for entries without placeholders).
  ApiError error() const;
  // The error with every occurrence of `placeholder` (e.g. "{seq}") replaced by `value`.
  ApiError with(std::string_view placeholder, std::string_view value) const;
  ApiError with(std::string_view placeholder1, std::string_view value1,
                std::string_view placeholder2, std::string_view value2) const;

  // Whether `e` came from this entry (compares err_code only).
  bool is(const ApiError& e) const { return e.err_code == err_code; }
};

// Every entry of the 2.9.10 catalogue, sorted by err_code.
std::span<const ErrorDef> all_errors();
// The entry with this err_code, or nullptr.
const ErrorDef* find_error(std::uint16_t err_code);

// clang-format off
inline constexpr ErrorDef kJSAccountResourcesExceededErr{400, 10002, "resource limits exceeded for account"};
inline constexpr ErrorDef kJSBadRequestErr{400, 10003, "bad request"};
inline constexpr ErrorDef kJSClusterIncompleteErr{503, 10004, "incomplete results"};
inline constexpr ErrorDef kJSClusterNoPeersErr{400, 10005, "no suitable peers for placement"};
inline constexpr ErrorDef kJSClusterNotActiveErr{500, 10006, "JetStream not in clustered mode"};
inline constexpr ErrorDef kJSClusterNotAssignedErr{500, 10007, "JetStream cluster not assigned to this server"};
inline constexpr ErrorDef kJSClusterNotAvailErr{503, 10008, "JetStream system temporarily unavailable"};
inline constexpr ErrorDef kJSClusterNotLeaderErr{500, 10009, "JetStream cluster can not handle request"};
inline constexpr ErrorDef kJSClusterRequiredErr{503, 10010, "JetStream clustering support required"};
inline constexpr ErrorDef kJSClusterTagsErr{400, 10011, "tags placement not supported for operation"};
inline constexpr ErrorDef kJSConsumerCreateErrF{500, 10012, "{err}"};
inline constexpr ErrorDef kJSConsumerNameExistErr{400, 10013, "consumer name already in use"};
inline constexpr ErrorDef kJSConsumerNotFoundErr{404, 10014, "consumer not found"};
inline constexpr ErrorDef kJSSnapshotDeliverSubjectInvalidErr{400, 10015, "deliver subject not valid"};
inline constexpr ErrorDef kJSConsumerDurableNameNotInSubjectErr{400, 10016, "consumer expected to be durable but no durable name set in subject"};
inline constexpr ErrorDef kJSConsumerDurableNameNotMatchSubjectErr{400, 10017, "consumer name in subject does not match durable name in request"};
inline constexpr ErrorDef kJSConsumerDurableNameNotSetErr{400, 10018, "consumer expected to be durable but a durable name was not set"};
inline constexpr ErrorDef kJSConsumerEphemeralWithDurableInSubjectErr{400, 10019, "consumer expected to be ephemeral but detected a durable name set in subject"};
inline constexpr ErrorDef kJSConsumerEphemeralWithDurableNameErr{400, 10020, "consumer expected to be ephemeral but a durable name was set in request"};
inline constexpr ErrorDef kJSStreamExternalApiOverlapErrF{400, 10021, "stream external api prefix {prefix} must not overlap with {subject}"};
inline constexpr ErrorDef kJSStreamExternalDelPrefixOverlapsErrF{400, 10022, "stream external delivery prefix {prefix} overlaps with stream subject {subject}"};
inline constexpr ErrorDef kJSInsufficientResourcesErr{503, 10023, "insufficient resources"};
inline constexpr ErrorDef kJSStreamInvalidExternalDeliverySubjErrF{400, 10024, "stream external delivery prefix {prefix} must not contain wildcards"};
inline constexpr ErrorDef kJSInvalidJSONErr{400, 10025, "invalid JSON"};
inline constexpr ErrorDef kJSMaximumConsumersLimitErr{400, 10026, "maximum consumers limit reached"};
inline constexpr ErrorDef kJSMaximumStreamsLimitErr{400, 10027, "maximum number of streams reached"};
inline constexpr ErrorDef kJSMemoryResourcesExceededErr{500, 10028, "insufficient memory resources available"};
inline constexpr ErrorDef kJSMirrorConsumerSetupFailedErrF{500, 10029, "{err}"};
inline constexpr ErrorDef kJSMirrorMaxMessageSizeTooBigErr{400, 10030, "stream mirror must have max message size >= source"};
inline constexpr ErrorDef kJSMirrorWithSourcesErr{400, 10031, "stream mirrors can not also contain other sources"};
inline constexpr ErrorDef kJSMirrorWithStartSeqAndTimeErr{400, 10032, "stream mirrors can not have both start seq and start time configured"};
inline constexpr ErrorDef kJSMirrorWithSubjectFiltersErr{400, 10033, "stream mirrors can not contain filtered subjects"};
inline constexpr ErrorDef kJSMirrorWithSubjectsErr{400, 10034, "stream mirrors can not contain subjects"};
inline constexpr ErrorDef kJSNoAccountErr{503, 10035, "account not found"};
inline constexpr ErrorDef kJSClusterUnSupportFeatureErr{503, 10036, "not currently supported in clustered mode"};
inline constexpr ErrorDef kJSNoMessageFoundErr{404, 10037, "no message found"};
inline constexpr ErrorDef kJSNotEmptyRequestErr{400, 10038, "expected an empty request payload"};
inline constexpr ErrorDef kJSNotEnabledForAccountErr{503, 10039, "JetStream not enabled for account"};
inline constexpr ErrorDef kJSClusterPeerNotMemberErr{400, 10040, "peer not a member"};
inline constexpr ErrorDef kJSRaftGeneralErrF{500, 10041, "{err}"};
inline constexpr ErrorDef kJSRestoreSubscribeFailedErrF{500, 10042, "JetStream unable to subscribe to restore snapshot {subject}: {err}"};
inline constexpr ErrorDef kJSSequenceNotFoundErrF{400, 10043, "sequence {seq} not found"};
inline constexpr ErrorDef kJSClusterServerNotMemberErr{400, 10044, "server is not a member of the cluster"};
inline constexpr ErrorDef kJSSourceConsumerSetupFailedErrF{500, 10045, "{err}"};
inline constexpr ErrorDef kJSSourceMaxMessageSizeTooBigErr{400, 10046, "stream source must have max message size >= target"};
inline constexpr ErrorDef kJSStorageResourcesExceededErr{500, 10047, "insufficient storage resources available"};
inline constexpr ErrorDef kJSStreamAssignmentErrF{500, 10048, "{err}"};
inline constexpr ErrorDef kJSStreamCreateErrF{500, 10049, "{err}"};
inline constexpr ErrorDef kJSStreamDeleteErrF{500, 10050, "{err}"};
inline constexpr ErrorDef kJSStreamGeneralErrorF{500, 10051, "{err}"};
inline constexpr ErrorDef kJSStreamInvalidConfigF{500, 10052, "{err}"};
inline constexpr ErrorDef kJSStreamLimitsErrF{500, 10053, "{err}"};
inline constexpr ErrorDef kJSStreamMessageExceedsMaximumErr{400, 10054, "message size exceeds maximum allowed"};
inline constexpr ErrorDef kJSStreamMirrorNotUpdatableErr{400, 10055, "stream mirror configuration can not be updated"};
inline constexpr ErrorDef kJSStreamMismatchErr{400, 10056, "stream name in subject does not match request"};
inline constexpr ErrorDef kJSStreamMsgDeleteFailedF{500, 10057, "{err}"};
inline constexpr ErrorDef kJSStreamNameExistErr{400, 10058, "stream name already in use with a different configuration"};
inline constexpr ErrorDef kJSStreamNotFoundErr{404, 10059, "stream not found"};
inline constexpr ErrorDef kJSStreamNotMatchErr{400, 10060, "expected stream does not match"};
inline constexpr ErrorDef kJSStreamReplicasNotUpdatableErr{400, 10061, "Replicas configuration can not be updated"};
inline constexpr ErrorDef kJSStreamRestoreErrF{500, 10062, "restore failed: {err}"};
inline constexpr ErrorDef kJSStreamSequenceNotMatchErr{503, 10063, "expected stream sequence does not match"};
inline constexpr ErrorDef kJSStreamSnapshotErrF{500, 10064, "snapshot failed: {err}"};
inline constexpr ErrorDef kJSStreamSubjectOverlapErr{400, 10065, "subjects overlap with an existing stream"};
inline constexpr ErrorDef kJSStreamTemplateCreateErrF{500, 10066, "{err}"};
inline constexpr ErrorDef kJSStreamTemplateDeleteErrF{500, 10067, "{err}"};
inline constexpr ErrorDef kJSStreamTemplateNotFoundErr{404, 10068, "template not found"};
inline constexpr ErrorDef kJSStreamUpdateErrF{500, 10069, "{err}"};
inline constexpr ErrorDef kJSStreamWrongLastMsgIDErrF{400, 10070, "wrong last msg ID: {id}"};
inline constexpr ErrorDef kJSStreamWrongLastSequenceErrF{400, 10071, "wrong last sequence: {seq}"};
inline constexpr ErrorDef kJSTempStorageFailedErr{500, 10072, "JetStream unable to open temp storage for restore"};
inline constexpr ErrorDef kJSTemplateNameNotMatchSubjectErr{400, 10073, "template name in subject does not match request"};
inline constexpr ErrorDef kJSStreamReplicasNotSupportedErr{500, 10074, "replicas > 1 not supported in non-clustered mode"};
inline constexpr ErrorDef kJSPeerRemapErr{503, 10075, "peer remap failed"};
inline constexpr ErrorDef kJSNotEnabledErr{503, 10076, "JetStream not enabled"};
inline constexpr ErrorDef kJSStreamStoreFailedF{503, 10077, "{err}"};
inline constexpr ErrorDef kJSConsumerConfigRequiredErr{400, 10078, "consumer config required"};
inline constexpr ErrorDef kJSConsumerDeliverToWildcardsErr{400, 10079, "consumer deliver subject has wildcards"};
inline constexpr ErrorDef kJSConsumerPushMaxWaitingErr{400, 10080, "consumer in push mode can not set max waiting"};
inline constexpr ErrorDef kJSConsumerDeliverCycleErr{400, 10081, "consumer deliver subject forms a cycle"};
inline constexpr ErrorDef kJSConsumerMaxPendingAckPolicyRequiredErr{400, 10082, "consumer requires ack policy for max ack pending"};
inline constexpr ErrorDef kJSConsumerSmallHeartbeatErr{400, 10083, "consumer idle heartbeat needs to be >= 100ms"};
inline constexpr ErrorDef kJSConsumerPullRequiresAckErr{400, 10084, "consumer in pull mode requires ack policy"};
inline constexpr ErrorDef kJSConsumerPullNotDurableErr{400, 10085, "consumer in pull mode requires a durable name"};
inline constexpr ErrorDef kJSConsumerPullWithRateLimitErr{400, 10086, "consumer in pull mode can not have rate limit set"};
inline constexpr ErrorDef kJSConsumerMaxWaitingNegativeErr{400, 10087, "consumer max waiting needs to be positive"};
inline constexpr ErrorDef kJSConsumerHBRequiresPushErr{400, 10088, "consumer idle heartbeat requires a push based consumer"};
inline constexpr ErrorDef kJSConsumerFCRequiresPushErr{400, 10089, "consumer flow control requires a push based consumer"};
inline constexpr ErrorDef kJSConsumerDirectRequiresPushErr{400, 10090, "consumer direct requires a push based consumer"};
inline constexpr ErrorDef kJSConsumerDirectRequiresEphemeralErr{400, 10091, "consumer direct requires an ephemeral consumer"};
inline constexpr ErrorDef kJSConsumerOnMappedErr{400, 10092, "consumer direct on a mapped consumer"};
inline constexpr ErrorDef kJSConsumerFilterNotSubsetErr{400, 10093, "consumer filter subject is not a valid subset of the interest subjects"};
inline constexpr ErrorDef kJSConsumerInvalidPolicyErrF{400, 10094, "{err}"};
inline constexpr ErrorDef kJSConsumerInvalidSamplingErrF{400, 10095, "failed to parse consumer sampling configuration: {err}"};
inline constexpr ErrorDef kJSStreamInvalidErr{500, 10096, "stream not valid"};
inline constexpr ErrorDef kJSStreamHeaderExceedsMaximumErr{400, 10097, "header size exceeds maximum allowed of 64k"};
inline constexpr ErrorDef kJSConsumerWQRequiresExplicitAckErr{400, 10098, "workqueue stream requires explicit ack"};
inline constexpr ErrorDef kJSConsumerWQMultipleUnfilteredErr{400, 10099, "multiple non-filtered consumers not allowed on workqueue stream"};
inline constexpr ErrorDef kJSConsumerWQConsumerNotUniqueErr{400, 10100, "filtered consumer not unique on workqueue stream"};
inline constexpr ErrorDef kJSConsumerWQConsumerNotDeliverAllErr{400, 10101, "consumer must be deliver all on workqueue stream"};
inline constexpr ErrorDef kJSConsumerNameTooLongErrF{400, 10102, "consumer name is too long, maximum allowed is {max}"};
inline constexpr ErrorDef kJSConsumerBadDurableNameErr{400, 10103, "durable name can not contain '.', '*', '>'"};
inline constexpr ErrorDef kJSConsumerStoreFailedErrF{500, 10104, "error creating store for consumer: {err}"};
inline constexpr ErrorDef kJSConsumerExistingActiveErr{400, 10105, "consumer already exists and is still active"};
inline constexpr ErrorDef kJSConsumerReplacementWithDifferentNameErr{400, 10106, "consumer replacement durable config not the same"};
inline constexpr ErrorDef kJSConsumerDescriptionTooLongErrF{400, 10107, "consumer description is too long, maximum allowed is {max}"};
inline constexpr ErrorDef kJSConsumerWithFlowControlNeedsHeartbeats{400, 10108, "consumer with flow control also needs heartbeats"};
inline constexpr ErrorDef kJSStreamSealedErr{400, 10109, "invalid operation on sealed stream"};
inline constexpr ErrorDef kJSStreamPurgeFailedF{500, 10110, "{err}"};
inline constexpr ErrorDef kJSStreamRollupFailedF{500, 10111, "{err}"};
inline constexpr ErrorDef kJSConsumerInvalidDeliverSubject{400, 10112, "invalid push consumer deliver subject"};
inline constexpr ErrorDef kJSStreamMaxBytesRequired{400, 10113, "account requires a stream config to have max bytes set"};
inline constexpr ErrorDef kJSConsumerMaxRequestBatchNegativeErr{400, 10114, "consumer max request batch needs to be > 0"};
inline constexpr ErrorDef kJSConsumerMaxRequestExpiresTooSmall{400, 10115, "consumer max request expires needs to be >= 1ms"};
inline constexpr ErrorDef kJSConsumerMaxDeliverBackoffErr{400, 10116, "max deliver is required to be > length of backoff values"};
inline constexpr ErrorDef kJSStreamInfoMaxSubjectsErr{500, 10117, "subject details would exceed maximum allowed"};
inline constexpr ErrorDef kJSStreamOfflineErr{500, 10118, "stream is offline"};
inline constexpr ErrorDef kJSConsumerOfflineErr{500, 10119, "consumer is offline"};
inline constexpr ErrorDef kJSNoLimitsErr{400, 10120, "no JetStream default or applicable tiered limit present"};
inline constexpr ErrorDef kJSConsumerMaxPendingAckExcessErrF{400, 10121, "consumer max ack pending exceeds system limit of {limit}"};
inline constexpr ErrorDef kJSStreamMaxStreamBytesExceeded{400, 10122, "stream max bytes exceeds account limit max stream bytes"};
inline constexpr ErrorDef kJSStreamMoveAndScaleErr{400, 10123, "can not move and scale a stream in a single update"};
inline constexpr ErrorDef kJSStreamMoveInProgressErr{400, 10124, "stream move already in progress"};
inline constexpr ErrorDef kJSConsumerMaxRequestBatchExceededF{400, 10125, "consumer max request batch exceeds server limit of {limit}"};
inline constexpr ErrorDef kJSConsumerReplicasExceedsStream{400, 10126, "consumer config replica count exceeds parent stream"};
inline constexpr ErrorDef kJSConsumerNameContainsPathSeparatorsErr{400, 10127, "Consumer name can not contain path separators"};
inline constexpr ErrorDef kJSStreamNameContainsPathSeparatorsErr{400, 10128, "Stream name can not contain path separators"};
inline constexpr ErrorDef kJSStreamNameExistRestoreFailedErr{400, 10130, "stream name already in use, cannot restore"};
inline constexpr ErrorDef kJSConsumerCreateFilterSubjectMismatchErr{400, 10131, "Consumer create request did not match filtered subject from create subject"};
inline constexpr ErrorDef kJSConsumerCreateDurableAndNameMismatch{400, 10132, "Consumer Durable and Name have to be equal if both are provided"};
inline constexpr ErrorDef kJSReplicasCountCannotBeNegative{400, 10133, "replicas count cannot be negative"};
// clang-format on

// Factories for the templated entries the single-server code paths emit.
ApiError wrong_last_sequence(std::uint64_t seq);       // 10071 "wrong last sequence: 6"
ApiError wrong_last_msg_id(std::string_view id);       // 10070 "wrong last msg ID: A"
ApiError sequence_not_found(std::uint64_t seq);        // 10043 "sequence 6 not found"
ApiError stream_invalid_config(std::string_view err);  // 10052 (500) "{err}"
ApiError stream_create_error(std::string_view err);    // 10049 (500)
ApiError stream_update_error(std::string_view err);    // 10069 (500)
ApiError stream_delete_error(std::string_view err);    // 10050 (500)
ApiError stream_general_error(std::string_view err);   // 10051 (500)
ApiError stream_store_failed(
    std::string_view err);  // 10077 (503), e.g. "maximum messages exceeded"
ApiError stream_msg_delete_failed(std::string_view err);           // 10057 (500)
ApiError stream_purge_failed(std::string_view err);                // 10110 (500)
ApiError stream_rollup_failed(std::string_view err);               // 10111 (500)
ApiError consumer_create_error(std::string_view err);              // 10012 (500)
ApiError consumer_invalid_policy(std::string_view err);            // 10094 (400)
ApiError consumer_invalid_sampling(std::string_view err);          // 10095
ApiError consumer_name_too_long(std::int64_t max);                 // 10102
ApiError consumer_description_too_long(std::int64_t max);          // 10107
ApiError consumer_store_failed(std::string_view err);              // 10104
ApiError consumer_max_pending_ack_excess(std::int64_t limit);      // 10121
ApiError consumer_max_request_batch_exceeded(std::int64_t limit);  // 10125

}  // namespace quiver::server::jetstream::api
