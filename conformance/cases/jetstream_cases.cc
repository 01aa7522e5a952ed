// jetstream: a first look at the JetStream API over core NATS request/reply ($JS.API.*),
// gated on INFO "jetstream": true. Streams are memory streams with unique names, deleted after.
#include "conformance/cases/all_cases.h"
#include "conformance/cases/jetstream_helpers.h"

namespace quiver::conformance {

using js::Api;
using js::check_no_error;
using js::field;
using js::int_at;
using js::kJetStream;
using js::show;
using js::Stream;
using js::string_at;

void register_jetstream_cases(Registry& registry) {
  Area area(registry, "jetstream");

  area.add("api_info", "$JS.API.INFO answers with an account_info_response", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r = api.request("$JS.API.INFO", "");
             check_no_error(r, "$JS.API.INFO");
             check_eq(string_at(r, "type"), "io.nats.jetstream.api.v1.account_info_response",
                      "response type");
           });

  area.add("publish_acks_with_sequence",
           "publishes to a stream subject are acknowledged with stream name and seq 1, 2, 3",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             Stream stream(ctx, api);
             for (int64_t seq = 1; seq <= 3; ++seq) {
               const boost::json::value ack = api.request(stream.name() + ".orders", "x");
               check_no_error(ack, "publish");
               check_eq(string_at(ack, "stream"), stream.name(), "PubAck stream");
               check_eq(int_at(ack, "seq"), seq, "PubAck seq");
             }
           });

  area.add("stream_not_found",
           "STREAM.INFO of a missing stream: error code 404, err_code 10059, \"stream not found\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r = api.request("$JS.API.STREAM.INFO.CF_NO_SUCH_STREAM", "");
             const boost::json::value* error = field(r, "error");
             check(error != nullptr, "expected an error, got " + show(r));
             check_eq(int_at(*error, "code"), int64_t{404}, "error code");
             check_eq(int_at(*error, "err_code"), int64_t{10059}, "err_code");
             check_eq(string_at(*error, "description"), "stream not found", "description");
           });

  area.add("stream_delete", "STREAM.DELETE succeeds and the stream is gone afterwards", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             std::string name;
             {
               Stream stream(ctx, api);
               name = stream.name();
               const boost::json::value r = api.request("$JS.API.STREAM.DELETE." + name, "");
               check_no_error(r, "STREAM.DELETE");
               const boost::json::value* ok = field(r, "success");
               check(ok != nullptr && ok->is_bool() && ok->as_bool(),
                     "STREAM.DELETE did not report success: " + show(r));
             }
             const boost::json::value info = api.request("$JS.API.STREAM.INFO." + name, "");
             check(field(info, "error") != nullptr, "the stream still exists: " + show(info));
           });

  area.add("duplicate_msg_id",
           "a second publish with the same Nats-Msg-Id is acknowledged as a duplicate of seq 1",
           Requirements{.headers = true, .jetstream = true}, [](CaseContext& ctx) {
             Api api(ctx);
             Stream stream(ctx, api);
             const std::string hdr = header_block({{"Nats-Msg-Id", "id-1"}});
             const boost::json::value first = api.request(stream.name() + ".d", "x", hdr);
             check_no_error(first, "first publish");
             check_eq(int_at(first, "seq"), int64_t{1}, "first seq");
             const boost::json::value second = api.request(stream.name() + ".d", "x", hdr);
             check_no_error(second, "second publish");
             check_eq(int_at(second, "seq"), int64_t{1}, "duplicate seq");
             const boost::json::value* dup = field(second, "duplicate");
             check(dup != nullptr && dup->is_bool() && dup->as_bool(),
                   "second PubAck is not marked duplicate: " + show(second));
           });

  area.add("expected_last_sequence",
           "Nats-Expected-Last-Sequence that does not match: err_code 10071 \"wrong last "
           "sequence: 1\"",
           Requirements{.headers = true, .jetstream = true}, [](CaseContext& ctx) {
             Api api(ctx);
             Stream stream(ctx, api);
             check_no_error(api.request(stream.name() + ".e", "x"), "first publish");
             const boost::json::value r = api.request(
                 stream.name() + ".e", "y", header_block({{"Nats-Expected-Last-Sequence", "5"}}));
             const boost::json::value* error = field(r, "error");
             check(error != nullptr, "expected an error, got " + show(r));
             check_eq(int_at(*error, "err_code"), int64_t{10071}, "err_code");
             check_eq(string_at(*error, "description"), "wrong last sequence: 1", "description");
           });
}

}  // namespace quiver::conformance
