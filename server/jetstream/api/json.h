// JSON of the JetStream API, byte-exact with nats-server 2.9.10 (Go's encoding/json).
//
// Encoding: fields in Go struct order, compact, omitempty exactly as 2.9's struct tags, Go's
// string escaping (<, >, & as \u003c \u003e \u0026), durations as integer nanoseconds, times as
// RFC 3339 with nanoseconds in UTC and trailing zeros trimmed (Go's time.RFC3339Nano), Go's zero
// time (UnixNanos 0) as "0001-01-01T00:00:00Z", []byte as standard padded base64, maps with
// sorted keys. Every response starts with "type":"io.nats.jetstream.api.v1.<x>_response" and
// an "error" object when `error` is set; testdata/*.json hold the 2.9.10 bytes the tests match.
//
// Decoding follows Go's json.Unmarshal into a zeroed struct: keys match case-insensitively,
// unknown keys are ignored, `null` leaves a field alone, a value of the wrong type (or an enum
// string Go does not know, or an integer out of range) fails. 2.9.10 answers every such failure
// with 10025 "invalid JSON" and no detail, so that is the error all parsers return.
// Known gaps, all in inputs no client sends: of a key given twice only the last occurrence is
// applied (Go applies each in turn, so a later `null` would not clear an earlier value), enum
// strings are compared after unescaping (Go compares the raw token), and lone UTF-16 surrogate
// escapes are refused (Go turns them into U+FFFD).
// The parsers never throw on any input (std::bad_alloc aside).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/jetstream/api/errors.h"
#include "server/jetstream/api/types.h"

namespace quiver::server::jetstream::api {

// ---------------------------------------------------------------------------------------------
// Response "type" strings.

inline constexpr std::string_view kAccountInfoResponseType =
    "io.nats.jetstream.api.v1.account_info_response";
inline constexpr std::string_view kStreamCreateResponseType =
    "io.nats.jetstream.api.v1.stream_create_response";
inline constexpr std::string_view kStreamUpdateResponseType =
    "io.nats.jetstream.api.v1.stream_update_response";
inline constexpr std::string_view kStreamInfoResponseType =
    "io.nats.jetstream.api.v1.stream_info_response";
inline constexpr std::string_view kStreamNamesResponseType =
    "io.nats.jetstream.api.v1.stream_names_response";
inline constexpr std::string_view kStreamListResponseType =
    "io.nats.jetstream.api.v1.stream_list_response";
inline constexpr std::string_view kStreamDeleteResponseType =
    "io.nats.jetstream.api.v1.stream_delete_response";
inline constexpr std::string_view kStreamPurgeResponseType =
    "io.nats.jetstream.api.v1.stream_purge_response";
inline constexpr std::string_view kMsgGetResponseType =
    "io.nats.jetstream.api.v1.stream_msg_get_response";
inline constexpr std::string_view kMsgDeleteResponseType =
    "io.nats.jetstream.api.v1.stream_msg_delete_response";
inline constexpr std::string_view kConsumerCreateResponseType =
    "io.nats.jetstream.api.v1.consumer_create_response";
inline constexpr std::string_view kConsumerInfoResponseType =
    "io.nats.jetstream.api.v1.consumer_info_response";
inline constexpr std::string_view kConsumerNamesResponseType =
    "io.nats.jetstream.api.v1.consumer_names_response";
inline constexpr std::string_view kConsumerListResponseType =
    "io.nats.jetstream.api.v1.consumer_list_response";
inline constexpr std::string_view kConsumerDeleteResponseType =
    "io.nats.jetstream.api.v1.consumer_delete_response";

// ---------------------------------------------------------------------------------------------
// Decoding requests and configs. Each returns 10025 "invalid JSON" on malformed JSON, a
// non-object, or a known key with a value of the wrong type.

// True for what nats-server's isEmptyRequest() accepts: no bytes, or a JSON object without keys
// (`{}`, ` { } `). Handlers that take an optional body treat such a body as "no options".
bool is_empty_request(std::string_view body);

// STREAM.CREATE / STREAM.UPDATE body (an empty body is invalid JSON, as in 2.9.10).
ApiResult<StreamConfig> parse_stream_config(std::string_view body);
// STREAM.INFO, STREAM.NAMES/LIST, STREAM.PURGE, CONSUMER.NAMES/LIST: an empty request (see
// is_empty_request) gives the defaults.
ApiResult<StreamInfoRequest> parse_stream_info_request(std::string_view body);
ApiResult<StreamNamesRequest> parse_stream_names_request(std::string_view body);
// (purge: seq and keep together are 10003 "bad request").
ApiResult<StreamPurgeRequest> parse_stream_purge_request(std::string_view body);
ApiResult<ConsumersRequest> parse_consumers_request(std::string_view body);
// STREAM.MSG.GET / STREAM.MSG.DELETE: an empty request is 10003 "bad request" (2.9.10).
// parse_msg_get_request also applies 2.9.10's shape check: exactly one of seq / last_by_subj /
// next_by_subj(+seq) must be given, else 10003 "bad request".
ApiResult<MsgGetRequest> parse_msg_get_request(std::string_view body);
ApiResult<MsgDeleteRequest> parse_msg_delete_request(std::string_view body);
// CONSUMER.CREATE / CONSUMER.DURABLE.CREATE body.
ApiResult<CreateConsumerRequest> parse_create_consumer_request(std::string_view body);
// A bare ConsumerConfig object (e.g. stored consumer metadata).
ApiResult<ConsumerConfig> parse_consumer_config(std::string_view body);

// CONSUMER.MSG.NEXT body (consumer.go nextReqFromMsg): empty/blank -> batch 1; a JSON object;
// a decimal integer -> that batch; anything else -> batch 1. A JSON object with
// idle_heartbeat*2 > expires fails. Failures are the pull request's 400 status: code 400,
// err_code 0, description "Bad Request - <reason>" (nats-server sends it as a status header).
ApiResult<NextRequest> parse_next_request(std::string_view body);

// ---------------------------------------------------------------------------------------------
// Encoding.

// Bare objects (no "type"), e.g. for a store's metadata file.
std::string to_json(const StreamConfig& config);
std::string to_json(const StreamInfo& info);
std::string to_json(const ConsumerConfig& config);
std::string to_json(const ConsumerInfo& info);
std::string to_json(const ApiError& error);

// Responses, each with its "type".
std::string to_json(const AccountInfoResponse& r);
std::string to_json(const StreamCreateResponse& r);
std::string to_json(const StreamUpdateResponse& r);
std::string to_json(const StreamInfoResponse& r);
std::string to_json(const StreamNamesResponse& r);
std::string to_json(const StreamListResponse& r);
std::string to_json(const StreamDeleteResponse& r);
std::string to_json(const StreamPurgeResponse& r);
std::string to_json(const MsgGetResponse& r);
std::string to_json(const MsgDeleteResponse& r);
std::string to_json(const ConsumerCreateResponse& r);
std::string to_json(const ConsumerInfoResponse& r);
std::string to_json(const ConsumerNamesResponse& r);
std::string to_json(const ConsumerListResponse& r);
std::string to_json(const ConsumerDeleteResponse& r);

// {"type":"<type>","error":{...}}: the error answer of a response whose Go struct has nothing
// else that is always written. Use the typed responses above for the paged ones and purge.
std::string error_response_json(std::string_view type, const ApiError& error);

// The reply to a stored publish, as 2.9.10 hand-formats it:
//   {"stream":"ORDERS", "seq":1}
//   {"stream":"ORDERS", "domain":"hub", "seq":1}
//   {"stream":"ORDERS", "seq":1,"duplicate": true}
std::string pub_ack_json(const PubAck& ack);
// A failed publish (json.Marshal of JSPubAckResponse):
//   {"error":{"code":503,"err_code":10077,"description":"..."},"stream":"ORDERS","seq":0}
// `stream` may be empty when no stream is known; `domain` is written when not empty.
std::string pub_ack_error_json(const ApiError& error, std::string_view stream,
                               std::string_view domain = {});

// ---------------------------------------------------------------------------------------------
// Time helpers (exposed for the engine and tests).

// Go's time.Time.MarshalJSON of time.Unix(0, t).UTC() without the quotes; 0 gives
// "0001-01-01T00:00:00Z". With an offset the local time is written with "+hh:mm"/"-hh:mm".
std::string format_time(UnixNanos t, std::int32_t utc_offset_s = 0);
std::string format_time(const ClientTime& t);
// Go 1.19's time.Parse(time.RFC3339, text): "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)",
// fraction of any length (digits past the ninth ignored), day checked against the month. Go's
// zero time gives unix_ns 0. Times outside the int64 nanosecond range fail (errc::kInvalidJson).
Result<ClientTime> parse_time(std::string_view text);

}  // namespace quiver::server::jetstream::api
