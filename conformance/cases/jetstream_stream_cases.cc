// jetstream_stream: the stream API ($JS.API.STREAM.*, DIRECT.GET, INFO) as nats-server 2.9.10
// answers it: response types, config defaults and their JSON types, state counters, exact
// error codes and descriptions, purge and message get/delete, limits and discard policies,
// rollups, direct gets, and requests that get no reply at all.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/jetstream_helpers.h"

namespace quiver::conformance {
namespace {

using js::Api;
using js::bool_at;
using js::check_absent;
using js::check_api_error;
using js::check_no_error;
using js::check_status;
using js::headers_of;
using js::int_at;
using js::kJetStream;
using js::kJetStreamHeaders;
using js::member;
using js::show;
using js::Stream;
using js::string_at;
using js::strings_at;
using js::unique_name;

constexpr std::string_view kZeroTime = "0001-01-01T00:00:00Z";

// An RFC 3339 UTC timestamp as Go writes it ("2006-01-02T15:04:05.999999999Z").
void check_timestamp(const boost::json::value& v, std::string_view key) {
  const std::string t = string_at(v, key);
  check(t.size() >= 20 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' &&
            t[16] == ':' && t.back() == 'Z',
        "\"" + std::string(key) + "\" is not an RFC 3339 UTC time: " + t);
}

void check_success(const boost::json::value& r, std::string_view what) {
  check_no_error(r, what);
  check(bool_at(r, "success"), std::string(what) + " did not report success: " + show(r));
}

// The state counters that every case looks at.
void check_state(const boost::json::value& state, int64_t messages, int64_t first_seq,
                 int64_t last_seq) {
  check_eq(int_at(state, "messages"), messages, "state.messages");
  check_eq(int_at(state, "first_seq"), first_seq, "state.first_seq");
  check_eq(int_at(state, "last_seq"), last_seq, "state.last_seq");
}

}  // namespace

void register_jetstream_stream_cases(Registry& registry) {
  Area area(registry, "jetstream_stream");

  area.add(
      "create_response_defaults",
      "STREAM.CREATE answers stream_create_response with every default filled in (limits -1, "
      "duplicate_window 2m in ns, discard old, 1 replica), an empty state and did_create",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        const boost::json::value& r = s.created();
        check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_create_response", "type");
        check(bool_at(r, "did_create"), "did_create is not true: " + show(r));
        check_timestamp(r, "created");
        const boost::json::value& c = member(r, "config");
        check_eq(string_at(c, "name"), s.name(), "config.name");
        check(strings_at(c, "subjects") == std::vector<std::string>{s.name() + ".>"},
              "config.subjects: " + show(c));
        check_eq(string_at(c, "retention"), "limits", "config.retention");
        check_eq(string_at(c, "storage"), "memory", "config.storage");
        check_eq(string_at(c, "discard"), "old", "config.discard");
        for (std::string_view key :
             {"max_consumers", "max_msgs", "max_bytes", "max_msgs_per_subject", "max_msg_size"}) {
          check_eq(int_at(c, key), int64_t{-1}, "config." + std::string(key));
        }
        check_eq(int_at(c, "max_age"), int64_t{0}, "config.max_age");
        check_eq(int_at(c, "num_replicas"), int64_t{1}, "config.num_replicas");
        check_eq(int_at(c, "duplicate_window"), int64_t{120'000'000'000},
                 "config.duplicate_window");
        for (std::string_view key : {"sealed", "deny_delete", "deny_purge", "allow_rollup_hdrs",
                                     "allow_direct", "mirror_direct"}) {
          check(!bool_at(c, key), "config." + std::string(key) + " is not false");
        }
        const boost::json::value& st = member(r, "state");
        check_state(st, 0, 0, 0);
        check_eq(int_at(st, "bytes"), int64_t{0}, "state.bytes");
        check_eq(int_at(st, "consumer_count"), int64_t{0}, "state.consumer_count");
        check_eq(string_at(st, "first_ts"), std::string(kZeroTime), "state.first_ts");
        check_eq(string_at(st, "last_ts"), std::string(kZeroTime), "state.last_ts");
      });

  area.add("create_without_subjects_uses_name",
           "a stream created without subjects captures the subject equal to its name", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             const std::string name = unique_name(ctx, "CF");
             const boost::json::value r =
                 api.request("$JS.API.STREAM.CREATE." + name,
                             R"({"name":")" + name + R"(","storage":"memory"})");
             check_no_error(r, "STREAM.CREATE");
             check(strings_at(member(r, "config"), "subjects") == std::vector<std::string>{name},
                   "subjects: " + show(r));
             const boost::json::value ack = api.request(name, "x");
             check_eq(string_at(ack, "stream"), name, "PubAck stream");
             check_eq(int_at(ack, "seq"), int64_t{1}, "PubAck seq");
             api.request("$JS.API.STREAM.DELETE." + name, "");
           });

  area.add("create_identical_is_accepted",
           "creating a stream again with the identical config succeeds and keeps its messages",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "x", 1);
             const boost::json::value again =
                 api.request("$JS.API.STREAM.CREATE." + s.name(),
                             R"({"name":")" + s.name() + R"(","subjects":[")" + s.name() +
                                 R"(.>"],"storage":"memory"})");
             check_no_error(again, "second STREAM.CREATE");
             check_eq(int_at(member(again, "state"), "messages"), int64_t{1}, "state.messages");
           });

  area.add("create_different_config_10058",
           "creating an existing stream with another config: 400, 10058 \"stream name already in "
           "use with a different configuration\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.CREATE." + s.name(),
                             R"({"name":")" + s.name() + R"(","subjects":[")" + s.name() +
                                 R"(.>"],"storage":"memory","max_msgs":5})");
             check_api_error(r, 400, 10058,
                             "stream name already in use with a different configuration");
           });

  area.add("create_subject_overlap_10065",
           "a second stream whose subjects overlap: 400, 10065 \"subjects overlap with an "
           "existing stream\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const std::string other = unique_name(ctx, "CF");
             const boost::json::value r =
                 api.request("$JS.API.STREAM.CREATE." + other,
                             R"({"name":")" + other + R"(","subjects":[")" + s.subject("a") +
                                 R"("],"storage":"memory"})");
             check_api_error(r, 400, 10065, "subjects overlap with an existing stream");
           });

  area.add("create_name_mismatch_10056",
           "the name in the subject differs from the body: 400, 10056 \"stream name in subject "
           "does not match request\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const std::string a = unique_name(ctx, "CF");
             const std::string b = unique_name(ctx, "CF");
             const boost::json::value r = api.request(
                 "$JS.API.STREAM.CREATE." + a, R"({"name":")" + b + R"(","storage":"memory"})");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_create_response",
                      "type");
             check_api_error(r, 400, 10056, "stream name in subject does not match request");
           });

  area.add("create_invalid_json_10025", "a body that is not JSON: 400, 10025 \"invalid JSON\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const std::string name = unique_name(ctx, "CF");
             const boost::json::value r = api.request("$JS.API.STREAM.CREATE." + name, "{bad");
             check_api_error(r, 400, 10025, "invalid JSON");
           });

  area.add("create_replicas_10074",
           "num_replicas 3 without clustering: 500, 10074 \"replicas > 1 not supported in "
           "non-clustered mode\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const std::string name = unique_name(ctx, "CF");
             const boost::json::value r =
                 api.request("$JS.API.STREAM.CREATE." + name,
                             R"({"name":")" + name + R"(","storage":"memory","num_replicas":3})");
             check_api_error(r, 500, 10074, "replicas > 1 not supported in non-clustered mode");
           });

  area.add(
      "update_changes_limits",
      "STREAM.UPDATE answers stream_update_response with the new config; INFO agrees", kJetStream,
      [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        const boost::json::value r =
            api.request("$JS.API.STREAM.UPDATE." + s.name(),
                        R"({"name":")" + s.name() + R"(","subjects":[")" + s.name() +
                            R"(.>"],"storage":"memory","max_msgs":7,"description":"seven"})");
        check_no_error(r, "STREAM.UPDATE");
        check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_update_response", "type");
        check_eq(int_at(member(r, "config"), "max_msgs"), int64_t{7}, "config.max_msgs");
        const boost::json::value info = s.info();
        check_eq(string_at(info, "type"), "io.nats.jetstream.api.v1.stream_info_response", "type");
        check_eq(int_at(member(info, "config"), "max_msgs"), int64_t{7}, "config.max_msgs");
        check_eq(string_at(member(info, "config"), "description"), "seven", "config.description");
      });

  area.add(
      "update_storage_10052",
      "an update that changes storage: 500, 10052 \"stream configuration update can not "
      "change storage type\"",
      kJetStream, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        const boost::json::value r = api.request("$JS.API.STREAM.UPDATE." + s.name(),
                                                 R"({"name":")" + s.name() + R"(","subjects":[")" +
                                                     s.name() + R"(.>"],"storage":"file"})");
        check_api_error(r, 500, 10052, "stream configuration update can not change storage type");
      });

  area.add("update_missing_10059", "STREAM.UPDATE of a missing stream: 404, 10059", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             const std::string name = unique_name(ctx, "CF");
             const boost::json::value r =
                 api.request("$JS.API.STREAM.UPDATE." + name,
                             R"({"name":")" + name + R"(","storage":"memory"})");
             check_api_error(r, 404, 10059, "stream not found");
           });

  area.add("info_error_keeps_paging_fields",
           "STREAM.INFO of a missing stream still carries total, offset and limit (all 0)",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.INFO." + unique_name(ctx, "CF"), "");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_info_response",
                      "type");
             check_api_error(r, 404, 10059, "stream not found");
             check_eq(int_at(r, "total"), int64_t{0}, "total");
             check_eq(int_at(r, "offset"), int64_t{0}, "offset");
             check_eq(int_at(r, "limit"), int64_t{0}, "limit");
           });

  area.add("info_state_counts",
           "after 3 publishes on 2 subjects: messages 3, first/last seq 1/3, num_subjects 2, "
           "bytes > 0 and real timestamps",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "one", 1);
             s.publish_ok("b", "two", 2);
             s.publish_ok("a", "three", 3);
             const boost::json::value st = s.state();
             check_state(st, 3, 1, 3);
             check_eq(int_at(st, "num_subjects"), int64_t{2}, "state.num_subjects");
             check(int_at(st, "bytes") > 0, "state.bytes is 0");
             check(string_at(st, "first_ts") != kZeroTime, "first_ts is the zero time");
             check_timestamp(st, "last_ts");
           });

  area.add("info_subjects_filter",
           "STREAM.INFO with subjects_filter lists per-subject counts in state.subjects",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "1", 1);
             s.publish_ok("b", "2", 2);
             s.publish_ok("a", "3", 3);
             const boost::json::value st = s.state(R"({"subjects_filter":">"})");
             const boost::json::value& subjects = member(st, "subjects");
             check_eq(int_at(subjects, s.subject("a")), int64_t{2}, "subjects[a]");
             check_eq(int_at(subjects, s.subject("b")), int64_t{1}, "subjects[b]");
             check_eq(subjects.as_object().size(), std::size_t{2}, "number of subjects");
             // Without the filter the map is left out.
             check_absent(s.state(), "subjects");
           });

  area.add("info_deleted_details",
           "an interior delete shows as num_deleted 1, and deleted [2] with deleted_details",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             for (int64_t i = 1; i <= 3; ++i) s.publish_ok("a", "x", i);
             check_success(api.request("$JS.API.STREAM.MSG.DELETE." + s.name(), R"({"seq":2})"),
                           "MSG.DELETE");
             const boost::json::value st = s.state(R"({"deleted_details":true})");
             check_state(st, 2, 1, 3);
             check_eq(int_at(st, "num_deleted"), int64_t{1}, "num_deleted");
             const boost::json::value& deleted = member(st, "deleted");
             check(deleted.is_array() && deleted.as_array().size() == 1 &&
                       deleted.as_array()[0].to_number<int64_t>() == 2,
                   "deleted: " + show(st));
           });

  area.add("names_filter",
           "STREAM.NAMES with a subject lists exactly the stream that captures it (limit 1024)",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.NAMES", R"({"subject":")" + s.subject("x") + "\"}");
             check_no_error(r, "STREAM.NAMES");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_names_response",
                      "type");
             check(strings_at(r, "streams") == std::vector<std::string>{s.name()},
                   "streams: " + show(r));
             check_eq(int_at(r, "total"), int64_t{1}, "total");
             check_eq(int_at(r, "offset"), int64_t{0}, "offset");
             check_eq(int_at(r, "limit"), int64_t{1024}, "limit");
           });

  area.add("names_no_match_null",
           "STREAM.NAMES for a subject no stream captures: total 0 and \"streams\":null",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.NAMES",
                             R"({"subject":")" + unique_name(ctx, "cf_nothing") + R"(.here"})");
             check_no_error(r, "STREAM.NAMES");
             check_eq(int_at(r, "total"), int64_t{0}, "total");
             check(member(r, "streams").is_null(), "streams is not null: " + show(r));
           });

  area.add("list_filter_and_no_match",
           "STREAM.LIST with a subject returns full stream infos (limit 256); no match gives "
           "\"streams\":[]",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.LIST", R"({"subject":")" + s.subject("x") + "\"}");
             check_no_error(r, "STREAM.LIST");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_list_response",
                      "type");
             check_eq(int_at(r, "limit"), int64_t{256}, "limit");
             const boost::json::value& streams = member(r, "streams");
             check(streams.is_array() && streams.as_array().size() == 1, "streams: " + show(r));
             check_eq(string_at(member(streams.as_array()[0], "config"), "name"), s.name(),
                      "streams[0].config.name");
             const boost::json::value none =
                 api.request("$JS.API.STREAM.LIST",
                             R"({"subject":")" + unique_name(ctx, "cf_nothing") + R"(.here"})");
             const boost::json::value& empty = member(none, "streams");
             check(empty.is_array() && empty.as_array().empty(), "streams: " + show(none));
           });

  area.add("delete_missing_10059", "STREAM.DELETE of a missing stream: 404, 10059", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.DELETE." + unique_name(ctx, "CF"), "");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_delete_response",
                      "type");
             check_api_error(r, 404, 10059, "stream not found");
           });

  area.add("purge_all",
           "STREAM.PURGE answers {success, purged}; afterwards first_seq is last_seq + 1 and the "
           "next publish continues the sequence",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             for (int64_t i = 1; i <= 4; ++i) s.publish_ok("a", "x", i);
             const boost::json::value r = api.request("$JS.API.STREAM.PURGE." + s.name(), "");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_purge_response",
                      "type");
             check_success(r, "STREAM.PURGE");
             check_eq(int_at(r, "purged"), int64_t{4}, "purged");
             check_state(s.state(), 0, 5, 4);
             s.publish_ok("a", "after", 5);
           });

  area.add("purge_filter_keep_seq",
           "purge with filter+keep keeps that subject's newest; seq purges below it (exclusive)",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             // a: 1 3 5 7, b: 2 4 6
             for (int64_t i = 1; i <= 7; ++i) s.publish_ok(i % 2 == 1 ? "a" : "b", "x", i);
             boost::json::value r =
                 api.request("$JS.API.STREAM.PURGE." + s.name(),
                             R"({"filter":")" + s.subject("a") + R"(","keep":1})");
             check_success(r, "purge filter+keep");
             check_eq(int_at(r, "purged"), int64_t{3}, "purged (filter, keep 1)");
             check_state(s.state(), 4, 2, 7);
             r = api.request("$JS.API.STREAM.PURGE." + s.name(), R"({"seq":6})");
             check_success(r, "purge seq");
             check_eq(int_at(r, "purged"), int64_t{2}, "purged (seq 6)");
             check_state(s.state(), 2, 6, 7);
             r = api.request("$JS.API.STREAM.PURGE." + s.name(), R"({"keep":1})");
             check_eq(int_at(r, "purged"), int64_t{1}, "purged (keep 1)");
             check_state(s.state(), 1, 7, 7);
           });

  area.add("purge_seq_and_keep_10003",
           "purge with both seq and keep: 400, 10003 \"bad request\", purged 0", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "x", 1);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.PURGE." + s.name(), R"({"seq":2,"keep":1})");
             check_api_error(r, 400, 10003, "bad request");
             check_eq(int_at(r, "purged"), int64_t{0}, "purged");
             check_state(s.state(), 1, 1, 1);
           });

  area.add("deny_purge_and_delete",
           "deny_purge: purge is 500, 10110 \"stream purge not permitted\"; deny_delete: message "
           "delete is 500, 10057 \"message delete not permitted\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("deny_delete":true,"deny_purge":true)");
             s.publish_ok("a", "x", 1);
             check_api_error(api.request("$JS.API.STREAM.PURGE." + s.name(), ""), 500, 10110,
                             "stream purge not permitted");
             check_api_error(api.request("$JS.API.STREAM.MSG.DELETE." + s.name(), R"({"seq":1})"),
                             500, 10057, "message delete not permitted");
             check_state(s.state(), 1, 1, 1);
           });

  area.add(
      "msg_get_by_seq",
      "STREAM.MSG.GET by seq: message {subject, seq, hdrs (base64 header block), data "
      "(base64), time}; no hdrs for a message without headers",
      kJetStreamHeaders, [](CaseContext& ctx) {
        Api api(ctx);
        Stream s(ctx, api);
        const std::string hdr = header_block({{"X-A", "1"}});
        check_no_error(s.publish("a", "one", hdr), "publish with headers");
        s.publish_ok("b", "two", 2);
        boost::json::value r = api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":1})");
        check_no_error(r, "MSG.GET 1");
        check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_msg_get_response", "type");
        const boost::json::value& m = member(r, "message");
        check_eq(string_at(m, "subject"), s.subject("a"), "message.subject");
        check_eq(int_at(m, "seq"), int64_t{1}, "message.seq");
        // base64("NATS/1.0\r\nX-A: 1\r\n\r\n") and base64("one")
        check_eq(string_at(m, "hdrs"), "TkFUUy8xLjANClgtQTogMQ0KDQo=", "message.hdrs");
        check_eq(string_at(m, "data"), "b25l", "message.data");
        check_timestamp(m, "time");
        r = api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":2})");
        const boost::json::value& m2 = member(r, "message");
        check_absent(m2, "hdrs");
        check_eq(string_at(m2, "data"), "dHdv", "message.data");
      });

  area.add("msg_get_by_subject",
           "STREAM.MSG.GET last_by_subj gives the subject's newest; next_by_subj the first at or "
           "after seq",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "a1", 1);
             s.publish_ok("b", "b1", 2);
             s.publish_ok("a", "a2", 3);
             s.publish_ok("b", "b2", 4);
             boost::json::value r = api.request("$JS.API.STREAM.MSG.GET." + s.name(),
                                                R"({"last_by_subj":")" + s.subject("a") + "\"}");
             check_eq(int_at(member(r, "message"), "seq"), int64_t{3}, "last_by_subj seq");
             r = api.request("$JS.API.STREAM.MSG.GET." + s.name(),
                             R"({"next_by_subj":")" + s.subject("b") + R"(","seq":3})");
             check_eq(int_at(member(r, "message"), "seq"), int64_t{4}, "next_by_subj seq");
             check_eq(string_at(member(r, "message"), "data"), "YjI=", "next_by_subj data");
           });

  area.add("msg_get_missing_10037",
           "STREAM.MSG.GET of a missing seq or subject: 404, 10037 \"no message found\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "x", 1);
             check_api_error(api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":9})"), 404,
                             10037, "no message found");
             check_api_error(api.request("$JS.API.STREAM.MSG.GET." + s.name(),
                                         R"({"last_by_subj":")" + s.subject("zz") + "\"}"),
                             404, 10037, "no message found");
           });

  area.add("msg_delete",
           "STREAM.MSG.DELETE answers stream_msg_delete_response success; the message is gone; "
           "deleting it again is 400, 10043 \"sequence 1 not found\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "x", 1);
             s.publish_ok("a", "y", 2);
             const boost::json::value r =
                 api.request("$JS.API.STREAM.MSG.DELETE." + s.name(), R"({"seq":1})");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.stream_msg_delete_response",
                      "type");
             check_success(r, "MSG.DELETE");
             check_api_error(api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":1})"), 404,
                             10037, "no message found");
             check_api_error(api.request("$JS.API.STREAM.MSG.DELETE." + s.name(), R"({"seq":1})"),
                             400, 10043, "sequence 1 not found");
             check_state(s.state(), 1, 2, 2);
           });

  area.add("max_msgs_drops_oldest",
           "max_msgs 3 with discard old: 5 publishes all acked, the oldest 2 are dropped",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("max_msgs":3)");
             for (int64_t i = 1; i <= 5; ++i) s.publish_ok("a", "x", i);
             check_state(s.state(), 3, 3, 5);
           });

  area.add("discard_new_max_msgs_10077",
           "max_msgs 2 with discard new: the 3rd publish is 503, 10077 \"maximum messages "
           "exceeded\" with stream and seq 0 in the reply",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("max_msgs":2,"discard":"new")");
             s.publish_ok("a", "1", 1);
             s.publish_ok("a", "2", 2);
             const boost::json::value r = s.publish("a", "3");
             check_api_error(r, 503, 10077, "maximum messages exceeded");
             check_eq(string_at(r, "stream"), s.name(), "stream");
             check_eq(int_at(r, "seq"), int64_t{0}, "seq");
             check_state(s.state(), 2, 1, 2);
           });

  area.add("discard_new_max_bytes_10077",
           "max_bytes with discard new: a publish that would exceed it is 503, 10077 \"maximum "
           "bytes exceeded\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("max_bytes":200,"discard":"new")");
             s.publish_ok("a", std::string(40, 'x'), 1);
             check_api_error(s.publish("a", std::string(150, 'y')), 503, 10077,
                             "maximum bytes exceeded");
             check_state(s.state(), 1, 1, 1);
           });

  area.add("discard_new_per_subject_10077",
           "max_msgs_per_subject 1 with discard_new_per_subject: a second message on the subject "
           "is 503, 10077 \"maximum messages per subject exceeded\"; other subjects are fine",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api,
                      R"("max_msgs_per_subject":1,"discard":"new","discard_new_per_subject":true)");
             s.publish_ok("a", "1", 1);
             s.publish_ok("b", "1", 2);
             check_api_error(s.publish("a", "2"), 503, 10077,
                             "maximum messages per subject exceeded");
             check_state(s.state(), 2, 1, 2);
           });

  area.add("max_msgs_per_subject_keeps_newest",
           "max_msgs_per_subject 2: each subject keeps its 2 newest messages", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("max_msgs_per_subject":2)");
             int64_t seq = 0;
             for (std::string_view sub : {"a", "a", "a", "b", "a"}) s.publish_ok(sub, "x", ++seq);
             check_state(s.state(), 3, 3, 5);
             check_api_error(api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":2})"), 404,
                             10037, "no message found");
             const boost::json::value r =
                 api.request("$JS.API.STREAM.MSG.GET." + s.name(), R"({"seq":4})");
             check_eq(string_at(member(r, "message"), "subject"), s.subject("b"), "seq 4 subject");
           });

  area.add("max_msg_size_10054",
           "max_msg_size counts headers and payload: over it is 400, 10054 \"message size exceeds "
           "maximum allowed\"",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("max_msg_size":16)");
             s.publish_ok("a", std::string(16, 'x'), 1);
             check_api_error(s.publish("a", std::string(17, 'x')), 400, 10054,
                             "message size exceeds maximum allowed");
             // 10 bytes of payload, but with the header block it is over 16.
             check_api_error(s.publish("a", std::string(10, 'x'), header_block({{"K", "v"}})), 400,
                             10054, "message size exceeds maximum allowed");
             check_state(s.state(), 1, 1, 1);
           });

  area.add("max_age_expires_messages",
           "max_age 300ms: messages expire; the empty stream then has first_seq = last_seq + 1",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("max_age":300000000,"duplicate_window":300000000)");
             s.publish_ok("a", "1", 1);
             s.publish_ok("a", "2", 2);
             ctx.eventually("both messages to expire",
                            [&] { return int_at(s.state(), "messages") == 0; });
             check_state(s.state(), 0, 3, 2);
           });

  area.add("rollup_sub_and_all",
           "Nats-Rollup: sub keeps only the new message of that subject; all keeps only it",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("allow_rollup_hdrs":true)");
             int64_t seq = 0;
             for (std::string_view sub : {"a", "a", "b", "b"}) s.publish_ok(sub, "x", ++seq);
             boost::json::value r = s.publish("a", "sub", header_block({{"Nats-Rollup", "sub"}}));
             check_no_error(r, "rollup sub");
             check_eq(int_at(r, "seq"), int64_t{5}, "rollup seq");
             check_state(s.state(), 3, 3, 5);
             r = s.publish("c", "all", header_block({{"Nats-Rollup", "all"}}));
             check_no_error(r, "rollup all");
             check_state(s.state(), 1, 6, 6);
           });

  area.add("rollup_not_permitted_10111",
           "Nats-Rollup on a stream without allow_rollup_hdrs: 500, 10111 \"rollup not "
           "permitted\"",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             check_api_error(s.publish("a", "x", header_block({{"Nats-Rollup", "sub"}})), 500,
                             10111, "rollup not permitted");
             check_state(s.state(), 0, 0, 0);
           });

  area.add("direct_get_headers",
           "DIRECT.GET {seq} answers the raw message: its own headers, then Nats-Stream, "
           "Nats-Subject, Nats-Sequence and Nats-Time-Stamp, and the payload",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("allow_direct":true)");
             check_no_error(s.publish("a", "one", header_block({{"X-A", "1"}})), "publish");
             const ServerOp op = api.request_op("$JS.API.DIRECT.GET." + s.name(), R"({"seq":1})");
             const codec::Headers h = headers_of(op);
             check_eq(op.payload, "one", "payload");
             check_eq(h.status(), 0, "status");
             check(h.get("X-A") == std::optional<std::string_view>("1"), "X-A: " + op.describe());
             check(h.get("Nats-Stream") == std::optional<std::string_view>(s.name()),
                   "Nats-Stream: " + op.describe());
             check(h.get("Nats-Subject") == std::optional<std::string_view>(s.subject("a")),
                   "Nats-Subject: " + op.describe());
             check(h.get("Nats-Sequence") == std::optional<std::string_view>("1"),
                   "Nats-Sequence: " + op.describe());
             const auto ts = h.get("Nats-Time-Stamp");
             check(ts.has_value() && ts->size() >= 20 && ts->back() == 'Z',
                   "Nats-Time-Stamp: " + op.describe());
           });

  area.add("direct_get_by_subject",
           "DIRECT.GET.<stream>.<subject> with an empty body answers the subject's last message",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("allow_direct":true)");
             s.publish_ok("a", "a1", 1);
             s.publish_ok("b", "b1", 2);
             s.publish_ok("a", "a2", 3);
             const ServerOp op =
                 api.request_op("$JS.API.DIRECT.GET." + s.name() + "." + s.subject("a"), "");
             check_eq(op.payload, "a2", "payload");
             const codec::Headers h = headers_of(op);
             check(h.get("Nats-Sequence") == std::optional<std::string_view>("3"),
                   "Nats-Sequence: " + op.describe());
             const ServerOp last = api.request_op("$JS.API.DIRECT.GET." + s.name(),
                                                  R"({"last_by_subj":")" + s.subject("b") + "\"}");
             check_eq(last.payload, "b1", "last_by_subj payload");
           });

  area.add("direct_get_missing_404",
           "DIRECT.GET of a missing message: status \"404 Message Not Found\", no payload",
           kJetStreamHeaders, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api, R"("allow_direct":true)");
             s.publish_ok("a", "x", 1);
             check_status(api.request_op("$JS.API.DIRECT.GET." + s.name(), R"({"seq":9})"), 404,
                          "Message Not Found");
             check_status(
                 api.request_op("$JS.API.DIRECT.GET." + s.name() + "." + s.subject("zz"), ""), 404,
                 "Message Not Found");
           });

  area.add("direct_get_not_allowed_no_reply",
           "DIRECT.GET on a stream without allow_direct gets no reply at all", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             s.publish_ok("a", "x", 1);
             api.expect_no_reply("$JS.API.DIRECT.GET." + s.name(), R"({"seq":1})",
                                 ctx.timing().quiet * 3);
           });

  area.add("unknown_api_subject_no_reply",
           "a $JS.API subject nothing handles gets no reply (the request times out)", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             api.expect_no_reply("$JS.API.STREAM.BOGUS", "", ctx.timing().quiet * 3);
             api.expect_no_reply("$JS.API.NO.SUCH.THING", "{}", ctx.timing().quiet);
           });

  area.add("account_info_fields",
           "$JS.API.INFO carries memory, storage, streams, consumers, limits{...} and api{total, "
           "errors} as numbers",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream s(ctx, api);
             const boost::json::value r = api.request("$JS.API.INFO", "");
             check_no_error(r, "$JS.API.INFO");
             for (std::string_view key : {"memory", "storage", "consumers"}) {
               check(int_at(r, key) >= 0, std::string(key) + " is negative");
             }
             check(int_at(r, "streams") >= 1, "streams does not count this case's stream");
             const boost::json::value& limits = member(r, "limits");
             for (std::string_view key :
                  {"max_memory", "max_storage", "max_streams", "max_consumers", "max_ack_pending",
                   "memory_max_stream_bytes", "storage_max_stream_bytes"}) {
               int_at(limits, key);
             }
             bool_at(limits, "max_bytes_required");
             const boost::json::value& apis = member(r, "api");
             check(int_at(apis, "total") >= int_at(apis, "errors"), "api.total < api.errors");
           });
}

}  // namespace quiver::conformance
