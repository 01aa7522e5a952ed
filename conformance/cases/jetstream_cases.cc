// jetstream: a first look at the JetStream API over core NATS request/reply ($JS.API.*),
// gated on INFO "jetstream": true. Streams are memory streams with unique names, deleted after.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

const Requirements kJetStream{.jetstream = true};

// A requester with its own inbox subscription.
class Api {
 public:
  explicit Api(CaseContext& ctx) : conn_(ctx.client()), inbox_(ctx.unique("_INBOX.cf")) {
    conn_.sub(inbox_ + ".*", "inbox");
  }

  // Sends `payload` to `subject` (optionally with headers) and returns the reply's JSON body.
  boost::json::value request(std::string_view subject, std::string_view payload,
                             std::string_view headers = "") {
    const std::string reply = inbox_ + "." + std::to_string(++n_);
    if (headers.empty()) {
      conn_.pub(subject, payload, reply);
    } else {
      conn_.hpub(subject, headers, payload, reply);
    }
    ServerOp op = conn_.next("reply to " + std::string(subject));
    check(op.is_msg() && op.subject == reply,
          "expected the reply on " + reply + ", got " + op.describe());
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(op.payload, ec);
    if (ec) fail("reply to " + std::string(subject) + " is not JSON: " + op.describe());
    check(v.is_object(), "reply to " + std::string(subject) + " is not a JSON object");
    return v;
  }

  Connection& conn() { return conn_; }

 private:
  Connection conn_;
  std::string inbox_;
  int n_ = 0;
};

const boost::json::value* field(const boost::json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::string show(const boost::json::value& v) { return printable(boost::json::serialize(v)); }

int64_t int_field(const boost::json::value& v, std::string_view key) {
  const boost::json::value* f = field(v, key);
  check(f != nullptr && f->is_number(), "no number \"" + std::string(key) + "\" in " + show(v));
  return f->to_number<int64_t>();
}

std::string string_field(const boost::json::value& v, std::string_view key) {
  const boost::json::value* f = field(v, key);
  check(f != nullptr && f->is_string(), "no string \"" + std::string(key) + "\" in " + show(v));
  return std::string(f->as_string());
}

void check_no_error(const boost::json::value& v, std::string_view what) {
  check(field(v, "error") == nullptr, std::string(what) + " failed: " + show(v));
}

// A memory stream capturing "<name>.>", deleted when the case ends.
class Stream {
 public:
  Stream(CaseContext& ctx, Api& api) : api_(api) {
    std::string name = ctx.unique("CF");
    for (char& c : name) c = c == '-' ? '_' : c;
    name_ = name;
    const boost::json::value r = api_.request(
        "$JS.API.STREAM.CREATE." + name_,
        R"({"name":")" + name_ + R"(","subjects":[")" + name_ + R"(.>"],"storage":"memory"})");
    check_no_error(r, "STREAM.CREATE");
    check_eq(string_field(r, "type"), "io.nats.jetstream.api.v1.stream_create_response",
             "STREAM.CREATE response type");
  }
  ~Stream() {
    try {
      api_.request("$JS.API.STREAM.DELETE." + name_, "");
    } catch (const std::exception&) {
      // The case already failed or the broker went away; nothing more to clean up.
    }
  }
  const std::string& name() const { return name_; }

 private:
  Api& api_;
  std::string name_;
};

}  // namespace

void register_jetstream_cases(Registry& registry) {
  Area area(registry, "jetstream");

  area.add("api_info", "$JS.API.INFO answers with an account_info_response", kJetStream,
           [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r = api.request("$JS.API.INFO", "");
             check_no_error(r, "$JS.API.INFO");
             check_eq(string_field(r, "type"), "io.nats.jetstream.api.v1.account_info_response",
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
               check_eq(string_field(ack, "stream"), stream.name(), "PubAck stream");
               check_eq(int_field(ack, "seq"), seq, "PubAck seq");
             }
           });

  area.add("stream_not_found",
           "STREAM.INFO of a missing stream: error code 404, err_code 10059, \"stream not found\"",
           kJetStream, [](CaseContext& ctx) {
             Api api(ctx);
             const boost::json::value r = api.request("$JS.API.STREAM.INFO.CF_NO_SUCH_STREAM", "");
             const boost::json::value* error = field(r, "error");
             check(error != nullptr, "expected an error, got " + show(r));
             check_eq(int_field(*error, "code"), int64_t{404}, "error code");
             check_eq(int_field(*error, "err_code"), int64_t{10059}, "err_code");
             check_eq(string_field(*error, "description"), "stream not found", "description");
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
             check_eq(int_field(first, "seq"), int64_t{1}, "first seq");
             const boost::json::value second = api.request(stream.name() + ".d", "x", hdr);
             check_no_error(second, "second publish");
             check_eq(int_field(second, "seq"), int64_t{1}, "duplicate seq");
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
             check_eq(int_field(*error, "err_code"), int64_t{10071}, "err_code");
             check_eq(string_field(*error, "description"), "wrong last sequence: 1", "description");
           });
}

}  // namespace quiver::conformance
