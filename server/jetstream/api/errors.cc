#include "server/jetstream/api/errors.h"

#include <algorithm>
#include <array>

namespace quiver::server::jetstream::api {
namespace {

// Sorted by err_code (errors_test checks the order and that every constant is listed).
constexpr std::array kCatalogue = {
    kJSAccountResourcesExceededErr,
    kJSBadRequestErr,
    kJSClusterIncompleteErr,
    kJSClusterNoPeersErr,
    kJSClusterNotActiveErr,
    kJSClusterNotAssignedErr,
    kJSClusterNotAvailErr,
    kJSClusterNotLeaderErr,
    kJSClusterRequiredErr,
    kJSClusterTagsErr,
    kJSConsumerCreateErrF,
    kJSConsumerNameExistErr,
    kJSConsumerNotFoundErr,
    kJSSnapshotDeliverSubjectInvalidErr,
    kJSConsumerDurableNameNotInSubjectErr,
    kJSConsumerDurableNameNotMatchSubjectErr,
    kJSConsumerDurableNameNotSetErr,
    kJSConsumerEphemeralWithDurableInSubjectErr,
    kJSConsumerEphemeralWithDurableNameErr,
    kJSStreamExternalApiOverlapErrF,
    kJSStreamExternalDelPrefixOverlapsErrF,
    kJSInsufficientResourcesErr,
    kJSStreamInvalidExternalDeliverySubjErrF,
    kJSInvalidJSONErr,
    kJSMaximumConsumersLimitErr,
    kJSMaximumStreamsLimitErr,
    kJSMemoryResourcesExceededErr,
    kJSMirrorConsumerSetupFailedErrF,
    kJSMirrorMaxMessageSizeTooBigErr,
    kJSMirrorWithSourcesErr,
    kJSMirrorWithStartSeqAndTimeErr,
    kJSMirrorWithSubjectFiltersErr,
    kJSMirrorWithSubjectsErr,
    kJSNoAccountErr,
    kJSClusterUnSupportFeatureErr,
    kJSNoMessageFoundErr,
    kJSNotEmptyRequestErr,
    kJSNotEnabledForAccountErr,
    kJSClusterPeerNotMemberErr,
    kJSRaftGeneralErrF,
    kJSRestoreSubscribeFailedErrF,
    kJSSequenceNotFoundErrF,
    kJSClusterServerNotMemberErr,
    kJSSourceConsumerSetupFailedErrF,
    kJSSourceMaxMessageSizeTooBigErr,
    kJSStorageResourcesExceededErr,
    kJSStreamAssignmentErrF,
    kJSStreamCreateErrF,
    kJSStreamDeleteErrF,
    kJSStreamGeneralErrorF,
    kJSStreamInvalidConfigF,
    kJSStreamLimitsErrF,
    kJSStreamMessageExceedsMaximumErr,
    kJSStreamMirrorNotUpdatableErr,
    kJSStreamMismatchErr,
    kJSStreamMsgDeleteFailedF,
    kJSStreamNameExistErr,
    kJSStreamNotFoundErr,
    kJSStreamNotMatchErr,
    kJSStreamReplicasNotUpdatableErr,
    kJSStreamRestoreErrF,
    kJSStreamSequenceNotMatchErr,
    kJSStreamSnapshotErrF,
    kJSStreamSubjectOverlapErr,
    kJSStreamTemplateCreateErrF,
    kJSStreamTemplateDeleteErrF,
    kJSStreamTemplateNotFoundErr,
    kJSStreamUpdateErrF,
    kJSStreamWrongLastMsgIDErrF,
    kJSStreamWrongLastSequenceErrF,
    kJSTempStorageFailedErr,
    kJSTemplateNameNotMatchSubjectErr,
    kJSStreamReplicasNotSupportedErr,
    kJSPeerRemapErr,
    kJSNotEnabledErr,
    kJSStreamStoreFailedF,
    kJSConsumerConfigRequiredErr,
    kJSConsumerDeliverToWildcardsErr,
    kJSConsumerPushMaxWaitingErr,
    kJSConsumerDeliverCycleErr,
    kJSConsumerMaxPendingAckPolicyRequiredErr,
    kJSConsumerSmallHeartbeatErr,
    kJSConsumerPullRequiresAckErr,
    kJSConsumerPullNotDurableErr,
    kJSConsumerPullWithRateLimitErr,
    kJSConsumerMaxWaitingNegativeErr,
    kJSConsumerHBRequiresPushErr,
    kJSConsumerFCRequiresPushErr,
    kJSConsumerDirectRequiresPushErr,
    kJSConsumerDirectRequiresEphemeralErr,
    kJSConsumerOnMappedErr,
    kJSConsumerFilterNotSubsetErr,
    kJSConsumerInvalidPolicyErrF,
    kJSConsumerInvalidSamplingErrF,
    kJSStreamInvalidErr,
    kJSStreamHeaderExceedsMaximumErr,
    kJSConsumerWQRequiresExplicitAckErr,
    kJSConsumerWQMultipleUnfilteredErr,
    kJSConsumerWQConsumerNotUniqueErr,
    kJSConsumerWQConsumerNotDeliverAllErr,
    kJSConsumerNameTooLongErrF,
    kJSConsumerBadDurableNameErr,
    kJSConsumerStoreFailedErrF,
    kJSConsumerExistingActiveErr,
    kJSConsumerReplacementWithDifferentNameErr,
    kJSConsumerDescriptionTooLongErrF,
    kJSConsumerWithFlowControlNeedsHeartbeats,
    kJSStreamSealedErr,
    kJSStreamPurgeFailedF,
    kJSStreamRollupFailedF,
    kJSConsumerInvalidDeliverSubject,
    kJSStreamMaxBytesRequired,
    kJSConsumerMaxRequestBatchNegativeErr,
    kJSConsumerMaxRequestExpiresTooSmall,
    kJSConsumerMaxDeliverBackoffErr,
    kJSStreamInfoMaxSubjectsErr,
    kJSStreamOfflineErr,
    kJSConsumerOfflineErr,
    kJSNoLimitsErr,
    kJSConsumerMaxPendingAckExcessErrF,
    kJSStreamMaxStreamBytesExceeded,
    kJSStreamMoveAndScaleErr,
    kJSStreamMoveInProgressErr,
    kJSConsumerMaxRequestBatchExceededF,
    kJSConsumerReplicasExceedsStream,
    kJSConsumerNameContainsPathSeparatorsErr,
    kJSStreamNameContainsPathSeparatorsErr,
    kJSStreamNameExistRestoreFailedErr,
    kJSConsumerCreateFilterSubjectMismatchErr,
    kJSConsumerCreateDurableAndNameMismatch,
    kJSReplicasCountCannotBeNegative,
};

// strings.NewReplacer(placeholder, value).Replace(s): every non-overlapping occurrence, left to
// right, without rescanning the inserted text.
std::string replace_all(std::string_view s, std::string_view placeholder, std::string_view value) {
  std::string out;
  if (placeholder.empty()) return std::string(s);
  std::size_t pos = 0;
  while (true) {
    const std::size_t hit = s.find(placeholder, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(value);
    pos = hit + placeholder.size();
  }
  out.append(s.substr(pos));
  return out;
}

}  // namespace

ApiError ErrorDef::error() const { return {code, err_code, std::string(description)}; }

ApiError ErrorDef::with(std::string_view placeholder, std::string_view value) const {
  return {code, err_code, replace_all(description, placeholder, value)};
}

ApiError ErrorDef::with(std::string_view placeholder1, std::string_view value1,
                        std::string_view placeholder2, std::string_view value2) const {
  // Go's Replacer applies all pairs in one pass; the catalogue's placeholders never nest, so
  // two passes over distinct placeholders give the same text unless value1 contains
  // placeholder2, which a single pass would leave alone. Replace in one pass to match.
  std::string out;
  std::string_view s = description;
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (!placeholder1.empty() && s.substr(pos, placeholder1.size()) == placeholder1) {
      out.append(value1);
      pos += placeholder1.size();
    } else if (!placeholder2.empty() && s.substr(pos, placeholder2.size()) == placeholder2) {
      out.append(value2);
      pos += placeholder2.size();
    } else {
      out.push_back(s[pos++]);
    }
  }
  return {code, err_code, std::move(out)};
}

std::span<const ErrorDef> all_errors() { return kCatalogue; }

const ErrorDef* find_error(std::uint16_t err_code) {
  const auto it =
      std::lower_bound(kCatalogue.begin(), kCatalogue.end(), err_code,
                       [](const ErrorDef& e, std::uint16_t code) { return e.err_code < code; });
  if (it == kCatalogue.end() || it->err_code != err_code) return nullptr;
  return &*it;
}

ApiError wrong_last_sequence(std::uint64_t seq) {
  return kJSStreamWrongLastSequenceErrF.with("{seq}", std::to_string(seq));
}
ApiError wrong_last_msg_id(std::string_view id) {
  return kJSStreamWrongLastMsgIDErrF.with("{id}", id);
}
ApiError sequence_not_found(std::uint64_t seq) {
  return kJSSequenceNotFoundErrF.with("{seq}", std::to_string(seq));
}
ApiError stream_invalid_config(std::string_view err) {
  return kJSStreamInvalidConfigF.with("{err}", err);
}
ApiError stream_create_error(std::string_view err) {
  return kJSStreamCreateErrF.with("{err}", err);
}
ApiError stream_update_error(std::string_view err) {
  return kJSStreamUpdateErrF.with("{err}", err);
}
ApiError stream_delete_error(std::string_view err) {
  return kJSStreamDeleteErrF.with("{err}", err);
}
ApiError stream_general_error(std::string_view err) {
  return kJSStreamGeneralErrorF.with("{err}", err);
}
ApiError stream_store_failed(std::string_view err) {
  return kJSStreamStoreFailedF.with("{err}", err);
}
ApiError stream_msg_delete_failed(std::string_view err) {
  return kJSStreamMsgDeleteFailedF.with("{err}", err);
}
ApiError stream_purge_failed(std::string_view err) {
  return kJSStreamPurgeFailedF.with("{err}", err);
}
ApiError stream_rollup_failed(std::string_view err) {
  return kJSStreamRollupFailedF.with("{err}", err);
}
ApiError consumer_create_error(std::string_view err) {
  return kJSConsumerCreateErrF.with("{err}", err);
}
ApiError consumer_invalid_policy(std::string_view err) {
  return kJSConsumerInvalidPolicyErrF.with("{err}", err);
}
ApiError consumer_invalid_sampling(std::string_view err) {
  return kJSConsumerInvalidSamplingErrF.with("{err}", err);
}
ApiError consumer_name_too_long(std::int64_t max) {
  return kJSConsumerNameTooLongErrF.with("{max}", std::to_string(max));
}
ApiError consumer_description_too_long(std::int64_t max) {
  return kJSConsumerDescriptionTooLongErrF.with("{max}", std::to_string(max));
}
ApiError consumer_store_failed(std::string_view err) {
  return kJSConsumerStoreFailedErrF.with("{err}", err);
}
ApiError consumer_max_pending_ack_excess(std::int64_t limit) {
  return kJSConsumerMaxPendingAckExcessErrF.with("{limit}", std::to_string(limit));
}
ApiError consumer_max_request_batch_exceeded(std::int64_t limit) {
  return kJSConsumerMaxRequestBatchExceededF.with("{limit}", std::to_string(limit));
}

}  // namespace quiver::server::jetstream::api
