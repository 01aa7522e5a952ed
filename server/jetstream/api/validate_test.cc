#include "server/jetstream/api/validate.h"

#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "server/jetstream/api/golden.h"
#include "server/jetstream/api/json.h"

namespace quiver::server::jetstream::api {
namespace {

using testing::golden;
using testing::golden_field;
using testing::GoldenCase;

ApiError golden_error(std::string_view name) {
  const auto& reply = golden(name).reply;
  EXPECT_TRUE(reply.has_value()) << name;
  const boost::json::value v = boost::json::parse(*reply);
  const auto& e = v.at("error").as_object();
  return ApiError{static_cast<int>(e.at("code").as_int64()),
                  static_cast<std::uint16_t>(e.at("err_code").as_int64()),
                  std::string(e.at("description").as_string())};
}

UnixNanos golden_time(std::string_view name, std::string_view path) {
  return parse_time(golden_field(*golden(name).reply, path)).value().unix_ns;
}

std::int64_t golden_int(std::string_view name, std::string_view a, std::string_view b = {}) {
  const boost::json::value v = boost::json::parse(*golden(name).reply);
  const boost::json::value* x = &v.at(a);
  if (!b.empty()) x = &x->at(b);
  return x->to_number<std::int64_t>();
}

std::string token(std::string_view subject, std::size_t index) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) start = subject.find('.', start) + 1;
  return std::string(subject.substr(start, subject.find('.', start) - start));
}

// What a lone 2.9.10 server knows while it answers: its streams and their consumers. The
// pipelines below run the steps of the Go handlers in their order, with the engine's own steps
// (lookups, counts) done on this model.
struct Model {
  std::map<std::string, StreamConfig, std::less<>> streams;
  std::map<std::string, std::map<std::string, ConsumerConfig>> consumers;

  CheckEnv env() const {
    CheckEnv e;
    e.lookup_stream = [this](std::string_view name) -> const StreamConfig* {
      const auto it = streams.find(name);
      return it == streams.end() ? nullptr : &it->second;
    };
    return e;
  }

  // jsStreamCreateRequest (the engine's limits/overlap/exists steps are not modelled).
  ApiResult<StreamConfig> create_stream(std::string_view name) {
    const GoldenCase& c = golden(name);
    QV_TRY(auto cfg, parse_stream_config(c.body));
    QV_TRY(auto out, check_stream_create(token(c.subject, 4), cfg, env()));
    streams[out.name] = out;
    return out;
  }

  // jsStreamUpdateRequest.
  ApiResult<StreamConfig> update_stream(std::string_view name) {
    const GoldenCase& c = golden(name);
    QV_TRY(auto requested, parse_stream_config(c.body));
    QV_TRY(auto checked, check_stream_config(requested, env()));
    const std::string subject_stream = token(c.subject, 4);
    if (subject_stream != checked.name) return kJSStreamMismatchErr.error();
    const auto it = streams.find(subject_stream);
    if (it == streams.end()) return kJSStreamNotFoundErr.error();
    QV_TRY(auto out, check_stream_update(it->second, requested, env()));
    it->second = out;
    return out;
  }

  // jsConsumerCreateRequest + stream.addConsumer.
  ApiResult<ConsumerConfig> create_consumer(std::string_view name) {
    const GoldenCase& c = golden(name);
    QV_TRY(auto request, parse_create_consumer_request(c.body));
    QV_TRY(auto target, parse_consumer_create_subject(c.subject));
    QV_TRY(auto checked, check_consumer_create_request(target, request, env()));
    const auto s = streams.find(checked.stream_name);
    if (s == streams.end()) return kJSStreamNotFoundErr.error();
    QV_TRY(auto cfg, check_consumer_config(checked.config, s->second, env()));
    auto& existing = consumers[checked.stream_name];
    const std::string cname = cfg.durable_name.empty() ? cfg.name : cfg.durable_name;
    if (!cname.empty() && existing.count(cname) > 0) {
      QV_TRY(auto out, check_consumer_update(existing[cname], cfg));
      existing[cname] = out;
      return out;
    }
    std::vector<ConsumerConfig> others;
    for (const auto& [n, oc] : existing) others.push_back(oc);
    QV_TRY(auto out,
           check_new_consumer(cfg, s->second, others, static_cast<std::int64_t>(existing.size()),
                              s->second.max_consumers));
    existing[cname] = out;
    return out;
  }
};

// The exchanges in the order the probe made them; each case's expected answer is its golden.
class PipelineTest : public ::testing::Test {
 protected:
  void expect_create_error(std::string_view name) {
    const auto r = model_.create_stream(name);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error(), golden_error(name)) << name;
  }
  void expect_create_ok(std::string_view name) {
    const auto r = model_.create_stream(name);
    ASSERT_TRUE(r) << name << ": " << r.error().description;
    StreamCreateResponse resp;
    resp.info = StreamInfo{};
    resp.info->config = r.value();
    resp.info->created = golden_time(name, "created");
    resp.did_create = true;
    EXPECT_EQ(to_json(resp), *golden(name).reply) << name;
  }
  void expect_update_error(std::string_view name) {
    const auto r = model_.update_stream(name);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error(), golden_error(name)) << name;
  }
  void expect_update_ok(std::string_view name) {
    const auto r = model_.update_stream(name);
    ASSERT_TRUE(r) << name << ": " << r.error().description;
    StreamUpdateResponse resp;
    resp.info = StreamInfo{};
    resp.info->config = r.value();
    resp.info->created = golden_time(name, "created");
    EXPECT_EQ(to_json(resp), *golden(name).reply) << name;
  }
  void expect_consumer_error(std::string_view name) {
    const auto r = model_.create_consumer(name);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error(), golden_error(name)) << name;
  }
  void expect_consumer_ok(std::string_view name) {
    const auto r = model_.create_consumer(name);
    ASSERT_TRUE(r) << name << ": " << r.error().description;
    ConsumerCreateResponse resp;
    resp.info = ConsumerInfo{};
    resp.info->stream_name = golden_field(*golden(name).reply, "stream_name");
    resp.info->name = golden_field(*golden(name).reply, "name");
    resp.info->created = golden_time(name, "created");
    resp.info->config = r.value();
    // Delivery state is the engine's; take it from the capture.
    resp.info->delivered.stream_seq =
        static_cast<std::uint64_t>(golden_int(name, "delivered", "stream_seq"));
    resp.info->num_pending = static_cast<std::uint64_t>(golden_int(name, "num_pending"));
    EXPECT_EQ(to_json(resp), *golden(name).reply) << name;
  }

  Model model_;
};

TEST_F(PipelineTest, StreamCreateRulesAndDefaults) {
  for (const char* name : {"stream_create_name_mismatch",
                           "stream_create_path_sep",
                           "stream_create_sealed",
                           "stream_create_mirror_direct",
                           "stream_create_bad_name",
                           "stream_create_bad_name_gt",
                           "stream_create_name_too_long",
                           "stream_create_desc_too_long",
                           "stream_create_replicas_6",
                           "stream_create_replicas_neg",
                           "stream_create_replicas_3",
                           "stream_create_max_age_small",
                           "stream_create_dup_negative",
                           "stream_create_dup_gt_age",
                           "stream_create_dup_small",
                           "stream_create_rollup_deny_purge",
                           "stream_create_dnps_discard_old",
                           "stream_create_dnps_no_max",
                           "stream_create_mirror_subjects",
                           "stream_create_mirror_sources",
                           "stream_create_dup_subjects",
                           "stream_create_api_overlap",
                           "stream_create_api_overlap_literal",
                           "stream_create_invalid_subject",
                           "stream_create_self_overlap",
                           "stream_create_republish_src",
                           "stream_create_republish_cycle",
                           "stream_create_republish_invalid",
                           "stream_create_republish_unused_wc",
                           "stream_create_republish_bad_index",
                           "stream_create_republish_fwc_mismatch",
                           "stream_create_self_overlap_utf8"}) {
    expect_create_error(name);
  }
  for (const char* name :
       {"stream_create_minimal", "stream_create_orders", "stream_create_full", "stream_create_kv",
        "stream_create_wq", "stream_create_source", "stream_create_mirror"}) {
    expect_create_ok(name);
  }
  // Creating ORDERS again with the same config: 2.9.10 answers did_create:true again.
  expect_create_ok("stream_create_again_same");
  for (const char* name :
       {"stream_create_dn", "stream_create_dnps", "stream_create_maxc", "stream_create_seal",
        "stream_create_republish_wc", "stream_create_republish_all"}) {
    expect_create_ok(name);
  }
  for (const char* name :
       {"stream_create_mirror_filter", "stream_create_source_filter", "stream_create_mirror_size",
        "stream_create_source_size", "stream_create_ext_deliver_wc", "stream_create_ext_api_wc",
        "stream_create_ext_api_overlap"}) {
    expect_create_error(name);
  }
  // The ORDERS mirror inherits allow_direct (false) as mirror_direct, and keeps no
  // duplicate_window.
  EXPECT_EQ(model_.streams.at("MIR").duplicate_window, 0);

  // Updates.
  for (const char* name :
       {"stream_update_not_found", "stream_update_name_mismatch", "stream_update_bad_name",
        "stream_update_storage", "stream_update_retention", "stream_update_max_consumers",
        "stream_update_deny_delete", "stream_update_deny_purge", "stream_update_republish",
        "stream_update_mirror"}) {
    expect_update_error(name);
  }
  // 2.9.10 accepts num_replicas 3 on a stream update even on a lone server.
  expect_update_ok("stream_update_replicas");
  expect_update_ok("stream_update_ok");
  expect_update_ok("stream_update_seal");
  expect_update_error("stream_update_unseal");
}

TEST_F(PipelineTest, ConsumerCreateRulesAndDefaults) {
  for (const char* name : {"stream_create_orders", "stream_create_wq", "stream_create_maxc"}) {
    ASSERT_TRUE(model_.create_stream(name)) << name;
  }
  for (const char* name : {"consumer_create_bad_json",
                           "consumer_create_empty",
                           "consumer_create_stream_mismatch",
                           "consumer_create_legacy_eph_durable",
                           "consumer_create_durable_not_set",
                           "consumer_create_durable_mismatch",
                           "consumer_create_named_durable_mismatch",
                           "consumer_create_path_sep",
                           "consumer_create_filter_mismatch",
                           "consumer_create_replicas",
                           "consumer_create_no_stream",
                           "consumer_create_name_durable_mismatch",
                           "consumer_create_backoff",
                           "consumer_create_desc_long",
                           "consumer_create_deliver_wc",
                           "consumer_create_deliver_invalid",
                           "consumer_create_deliver_cycle",
                           "consumer_create_push_max_waiting",
                           "consumer_create_push_ack_none_map",
                           "consumer_create_push_small_hb",
                           "consumer_create_pull_wq_ack_none",
                           "consumer_create_pull_rate",
                           "consumer_create_pull_max_waiting_neg",
                           "consumer_create_pull_hb",
                           "consumer_create_pull_fc",
                           "consumer_create_pull_batch_neg",
                           "consumer_create_pull_expires_small",
                           "consumer_create_direct_pull",
                           "consumer_create_filter_not_subset",
                           "consumer_create_all_seq",
                           "consumer_create_all_time",
                           "consumer_create_last_seq",
                           "consumer_create_lps_seq",
                           "consumer_create_lps_no_filter",
                           "consumer_create_new_time",
                           "consumer_create_bss_no_seq",
                           "consumer_create_bss_time",
                           "consumer_create_bst_no_time",
                           "consumer_create_bst_seq",
                           "consumer_create_sample_bad",
                           "consumer_create_sample_neg",
                           "consumer_create_sample_range",
                           "consumer_create_sample_quote",
                           "consumer_create_named_bad",
                           "consumer_create_named_replicas_neg",
                           "consumer_create_direct_durable",
                           "consumer_create_fc_no_hb",
                           "consumer_create_bad_durable",
                           "consumer_create_durable_too_long",
                           "consumer_create_bad_enum",
                           "consumer_create_wq_ack_all"}) {
    expect_consumer_error(name);
  }
  expect_consumer_ok("consumer_create_wq_ok");
  for (const char* name : {"consumer_create_wq_unfiltered", "consumer_create_wq_overlap",
                           "consumer_create_wq_deliver_new"}) {
    expect_consumer_error(name);
  }
  ASSERT_TRUE(model_.create_consumer("consumer_create_maxc_1"));
  expect_consumer_error("consumer_create_maxc_2");

  for (const char* name :
       {"consumer_create_pull_durable", "consumer_create_pull_again",
        "consumer_create_push_durable", "consumer_create_named", "consumer_create_durable_bst"}) {
    expect_consumer_ok(name);
  }
  for (const char* name :
       {"consumer_update_deliver_policy", "consumer_update_ack_policy", "consumer_update_to_push",
        "consumer_update_max_waiting", "consumer_update_start_time"}) {
    expect_consumer_error(name);
  }
  expect_consumer_ok("consumer_update_ok");

  // CONSUMER.INFO then shows the updated config.
  ConsumerInfoResponse info;
  info.info = ConsumerInfo{};
  info.info->stream_name = "ORDERS";
  info.info->name = "PULL";
  info.info->created = golden_time("consumer_info_pull", "created");
  info.info->config = model_.consumers["ORDERS"]["PULL"];
  info.info->num_pending =
      static_cast<std::uint64_t>(golden_int("consumer_info_pull", "num_pending"));
  EXPECT_EQ(to_json(info), *golden("consumer_info_pull").reply);
}

TEST(ValidateTest, SubjectRelationsFollowSublistGo) {
  EXPECT_TRUE(subjects_collide("a.*", "a.b"));
  EXPECT_TRUE(subjects_collide("a.>", "a.b.c"));
  EXPECT_TRUE(subjects_collide("a.*.c", "a.b.*"));
  EXPECT_TRUE(subjects_collide("a.>", "*.b"));
  EXPECT_FALSE(subjects_collide("a.*", "a.b.c"));
  EXPECT_FALSE(subjects_collide("a.b", "a.c"));
  EXPECT_FALSE(subjects_collide("a.*", "b.*"));
  EXPECT_FALSE(subjects_collide("a.*.*", "a.*"));
  EXPECT_TRUE(subjects_collide(">", "anything.at.all"));
  EXPECT_TRUE(subject_is_subset_match("a.b", "a.*"));
  EXPECT_TRUE(subject_is_subset_match("a.b.c", "a.>"));
  EXPECT_FALSE(subject_is_subset_match("a.*", "a.b"));
  EXPECT_TRUE(subject_is_subset_match("a.*", "a.*"));
  EXPECT_FALSE(subject_is_subset_match("a.>", "a.*"));
  EXPECT_TRUE(subject_is_subset_match("$JS.API.STREAM.INFO.X", "$JS.API.>"));
  EXPECT_TRUE(valid_filtered_subject("orders.x", {"orders.>"}));
  EXPECT_TRUE(valid_filtered_subject(">", {"orders.>"}));  // wider filter that matches
  EXPECT_FALSE(valid_filtered_subject("zzz", {"orders.>"}));
  EXPECT_FALSE(valid_filtered_subject("orders..x", {"orders.>"}));
  EXPECT_TRUE(is_valid_name("KV_cfg"));
  for (const char* bad : {"", "a.b", "a*", "a>", "a b", "a\tb", "a\nb"}) {
    EXPECT_FALSE(is_valid_name(bad)) << bad;
  }
}

StreamConfig stream(std::string name, std::vector<std::string> subjects) {
  StreamConfig c;
  c.name = std::move(name);
  c.subjects = std::move(subjects);
  return c;
}

TEST(ValidateTest, StreamDefaults) {
  auto cfg = check_stream_config(stream("S", {}));
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg.value().subjects, std::vector<std::string>{"S"});
  EXPECT_EQ(cfg.value().num_replicas, 1);
  EXPECT_EQ(cfg.value().max_msgs, -1);
  EXPECT_EQ(cfg.value().max_bytes, -1);
  EXPECT_EQ(cfg.value().max_msg_size, -1);
  EXPECT_EQ(cfg.value().max_msgs_per_subject, -1);
  EXPECT_EQ(cfg.value().max_consumers, -1);
  EXPECT_EQ(cfg.value().duplicate_window, 2 * kMinute);
  // Defaulting is idempotent.
  EXPECT_EQ(check_stream_config(cfg.value()).value(), cfg.value());

  StreamConfig aged = stream("S", {"s"});
  aged.max_age = 30 * kSecond;
  EXPECT_EQ(check_stream_config(aged).value().duplicate_window, 30 * kSecond);
  CheckEnv env;
  env.max_duplicate_window = 10 * kSecond;
  EXPECT_EQ(check_stream_config(aged, env).value().duplicate_window, 10 * kSecond);
  aged.duplicate_window = 90 * kSecond;
  aged.max_age = 0;
  EXPECT_EQ(check_stream_config(aged, env).error(),
            stream_invalid_config("duplicates window can not be larger then server limit of 10s"));
  env.max_duplicate_window = 90 * kSecond + 500 * kMillisecond;
  aged.duplicate_window = 2 * kMinute;
  EXPECT_EQ(check_stream_config(aged, env).error().description,
            "duplicates window can not be larger then server limit of 1m30.5s");
}

TEST(ValidateTest, AccountLimitsOnMaxBytes) {
  CheckEnv env;
  env.max_bytes_required = true;
  EXPECT_EQ(check_stream_config(stream("S", {"s"}), env).error(),
            kJSStreamMaxBytesRequired.error());
  StreamConfig c = stream("S", {"s"});
  c.max_bytes = 100;
  EXPECT_TRUE(check_stream_config(c, env));
  env.storage_max_stream_bytes = 50;
  EXPECT_EQ(check_stream_config(c, env).error(), kJSStreamMaxStreamBytesExceeded.error());
  c.storage = StorageType::kMemory;
  EXPECT_TRUE(check_stream_config(c, env));
}

TEST(ValidateTest, SourceCyclesAreDetected) {
  std::map<std::string, StreamConfig, std::less<>> streams;
  StreamConfig a = stream("A", {"a"});
  a.sources = {StreamSource{"B", 0, {}, "", {}}};
  streams["A"] = a;
  CheckEnv env;
  env.lookup_stream = [&](std::string_view n) -> const StreamConfig* {
    const auto it = streams.find(n);
    return it == streams.end() ? nullptr : &it->second;
  };
  StreamConfig b = stream("B", {"b"});
  b.sources = {StreamSource{"A", 0, {}, "", {}}};
  EXPECT_EQ(check_stream_config(b, env).error(), stream_invalid_config("detected cycle"));
  // A filter that does not overlap the subjects breaks the cycle.
  b.sources[0].filter_subject = "a";
  streams["A"].sources[0].filter_subject = "zzz";
  EXPECT_TRUE(check_stream_config(b, env));
  StreamConfig m;
  m.name = "M";
  m.mirror = StreamSource{"A", 0, {}, "", {}};
  streams["A"].allow_direct = true;
  const auto mirrored = check_stream_config(m, env);
  ASSERT_TRUE(mirrored);
  EXPECT_TRUE(mirrored.value().mirror_direct);
  EXPECT_TRUE(mirrored.value().subjects.empty());
}

TEST(ValidateTest, ExternalDeliveryPrefixMustNotOverlapSourcedSubjects) {
  std::map<std::string, StreamConfig, std::less<>> streams{{"O", stream("O", {"foo.>"})}};
  CheckEnv env;
  env.lookup_stream = [&](std::string_view n) -> const StreamConfig* {
    const auto it = streams.find(n);
    return it == streams.end() ? nullptr : &it->second;
  };
  StreamConfig c;
  c.name = "X";
  c.sources = {StreamSource{"O", 0, {}, "", {}},
               StreamSource{"Q", 0, {}, "", ExternalStream{"api", "foo"}}};
  EXPECT_EQ(check_stream_config(c, env).error(),
            kJSStreamExternalDelPrefixOverlapsErrF.with("{prefix}", "foo", "{subject}", "foo.>"));
}

TEST(ValidateTest, StreamUpdateSealing) {
  StreamConfig old = check_stream_config(stream("S", {"s"})).value();
  StreamConfig next = old;
  next.sealed = true;
  next.max_age = 5 * kMinute;
  next.allow_rollup_hdrs = true;
  const auto sealed = check_stream_update(old, next);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed.value().max_age, 0);
  EXPECT_EQ(sealed.value().discard, DiscardPolicy::kNew);
  EXPECT_TRUE(sealed.value().deny_delete);
  EXPECT_TRUE(sealed.value().deny_purge);
  EXPECT_FALSE(sealed.value().allow_rollup_hdrs);
  StreamConfig renamed = old;
  renamed.name = "T";
  EXPECT_EQ(check_stream_update(old, renamed).error(),
            stream_invalid_config("stream configuration name must match original"));
  StreamConfig templated = old;
  templated.template_owner = "T";
  EXPECT_EQ(check_stream_update(old, templated).error(),
            stream_invalid_config("stream configuration update can not be owned by a template"));
  EXPECT_EQ(
      check_stream_update(templated, old).error(),
      stream_invalid_config("stream configuration update not allowed on template owned stream"));
}

TEST(ValidateTest, ConsumerDefaults) {
  const StreamConfig s = check_stream_config(stream("S", {"s.>"})).value();
  ConsumerConfig pull;
  pull.ack_policy = AckPolicy::kExplicit;
  const auto p = check_consumer_config(pull, s);
  ASSERT_TRUE(p);
  EXPECT_EQ(p.value().max_waiting, 512);
  EXPECT_EQ(p.value().ack_wait, 30 * kSecond);
  EXPECT_EQ(p.value().max_deliver, -1);
  EXPECT_EQ(p.value().max_ack_pending, 1000);
  EXPECT_EQ(p.value().inactive_threshold, 0);  // set by check_new_consumer for ephemerals
  const auto eph = check_new_consumer(p.value(), s, {}, 0, -1);
  ASSERT_TRUE(eph);
  EXPECT_EQ(eph.value().inactive_threshold, 5 * kSecond);
  ConsumerConfig durable = p.value();
  durable.durable_name = "D";
  EXPECT_EQ(check_new_consumer(durable, s, {}, 0, -1).value().inactive_threshold, 0);

  ConsumerConfig push;
  push.deliver_subject = "d";
  const auto q = check_consumer_config(push, s);
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().max_waiting, 0);
  EXPECT_EQ(q.value().ack_wait, 0);
  EXPECT_EQ(q.value().max_ack_pending, 0);

  ConsumerConfig backoff = pull;
  backoff.backoff = {2 * kSecond, 4 * kSecond};
  backoff.max_deliver = 3;
  EXPECT_EQ(check_consumer_config(backoff, s).value().ack_wait, 2 * kSecond);

  CheckEnv env;
  env.server_max_ack_pending = 100;
  env.server_max_request_batch = 50;
  const auto limited = check_consumer_config(pull, s, env);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited.value().max_ack_pending, 100);
  EXPECT_EQ(limited.value().max_batch, 50);
  ConsumerConfig big = pull;
  big.max_ack_pending = 101;
  EXPECT_EQ(check_consumer_config(big, s, env).error(), consumer_max_pending_ack_excess(100));
  big.max_ack_pending = 0;
  big.max_batch = 51;
  EXPECT_EQ(check_consumer_config(big, s, env).error(), consumer_max_request_batch_exceeded(50));
  env = {};
  env.account_max_ack_pending = 10;
  EXPECT_EQ(check_consumer_config(pull, s, env).value().max_ack_pending, 10);
}

TEST(ValidateTest, ConsumerReplicasAndDirect) {
  const StreamConfig s = check_stream_config(stream("S", {"s.>"})).value();
  ConsumerConfig c;
  c.num_replicas = 3;
  EXPECT_EQ(check_consumer_config(c, s).error(), kJSConsumerReplicasExceedsStream.error());
}

TEST(ValidateTest, ConsumerFilterMaySpanSourcedSubjects) {
  std::map<std::string, StreamConfig, std::less<>> streams{{"O", stream("O", {"o.>"})}};
  CheckEnv env;
  env.lookup_stream = [&](std::string_view n) -> const StreamConfig* {
    const auto it = streams.find(n);
    return it == streams.end() ? nullptr : &it->second;
  };
  StreamConfig agg = stream("AGG", {"agg"});
  agg.sources = {StreamSource{"O", 0, {}, "", {}}};
  ConsumerConfig c;
  c.filter_subject = "o.x";
  EXPECT_TRUE(check_consumer_config(c, agg, env));
  c.filter_subject = "p.x";
  EXPECT_EQ(check_consumer_config(c, agg, env).error(), kJSConsumerFilterNotSubsetErr.error());
  // Any external source switches the check off.
  agg.sources.push_back(StreamSource{"E", 0, {}, "", ExternalStream{"a", "d"}});
  EXPECT_TRUE(check_consumer_config(c, agg, env));
}

TEST(ValidateTest, ConsumerUpdateRules) {
  const StreamConfig s = check_stream_config(stream("S", {"s.>"})).value();
  ConsumerConfig push;
  push.durable_name = "P";
  push.deliver_subject = "d1";
  const ConsumerConfig old = check_consumer_config(push, s).value();
  ConsumerConfig moved = old;
  moved.deliver_subject = "d2";
  EXPECT_TRUE(check_consumer_update(old, moved, false));
  EXPECT_EQ(check_consumer_update(old, moved, true).error(), kJSConsumerNameExistErr.error());
  ConsumerConfig pull = old;
  pull.deliver_subject = "";
  EXPECT_EQ(check_consumer_update(old, pull).error(),
            consumer_create_error("can not update push consumer to pull based"));
  EXPECT_EQ(consumer_create_error("x").code, 500);
  ConsumerConfig replay = old;
  replay.replay_policy = ReplayPolicy::kOriginal;
  EXPECT_EQ(check_consumer_update(old, replay).error().description,
            "replay policy can not be updated");
  ConsumerConfig hb = old;
  hb.idle_heartbeat = kSecond;
  EXPECT_EQ(check_consumer_update(old, hb).error().description, "heart beats can not be updated");
  ConsumerConfig fc = old;
  fc.flow_control = true;
  EXPECT_EQ(check_consumer_update(old, fc).error().description, "flow control can not be updated");
  ConsumerConfig bo = old;
  bo.backoff = {kSecond};
  bo.max_deliver = 1;
  EXPECT_EQ(check_consumer_update(old, bo).error(), kJSConsumerMaxDeliverBackoffErr.error());
  // Identical configs are fine even with a start time.
  ConsumerConfig timed = old;
  timed.deliver_policy = DeliverPolicy::kByStartTime;
  timed.opt_start_time = ClientTime{5, 0};
  EXPECT_TRUE(check_consumer_update(timed, timed));
}

TEST(ValidateTest, ConsumerCreateSubjects) {
  const auto eph = parse_consumer_create_subject("$JS.API.CONSUMER.CREATE.S");
  ASSERT_TRUE(eph);
  EXPECT_EQ(eph.value().kind, ConsumerCreateKind::kLegacyEphemeral);
  EXPECT_EQ(eph.value().stream, "S");
  const auto dur = parse_consumer_create_subject("$JS.API.CONSUMER.DURABLE.CREATE.S.D");
  ASSERT_TRUE(dur);
  EXPECT_EQ(dur.value().kind, ConsumerCreateKind::kLegacyDurable);
  EXPECT_EQ(dur.value().consumer, "D");
  const auto named = parse_consumer_create_subject("$JS.API.CONSUMER.CREATE.S.C.orders.*.x");
  ASSERT_TRUE(named);
  EXPECT_EQ(named.value().kind, ConsumerCreateKind::kNamed);
  EXPECT_EQ(named.value().stream, "S");
  EXPECT_EQ(named.value().consumer, "C");
  EXPECT_EQ(named.value().filter_subject, "orders.*.x");
  EXPECT_EQ(parse_consumer_create_subject("$JS.API.CONSUMER.CREATE.S.C").value().filter_subject,
            "");
  EXPECT_EQ(parse_consumer_create_subject("$JS.API.CONSUMER.DURABLE.CREATE.S").error(),
            kJSConsumerDurableNameNotInSubjectErr.error());
  EXPECT_FALSE(parse_consumer_create_subject("$JS.API.CONSUMER"));
}

}  // namespace
}  // namespace quiver::server::jetstream::api
