#include "testing/loadgen/options.h"

#include <gtest/gtest.h>

namespace quiver::loadgen {
namespace {

std::optional<Options> parse(std::vector<std::string> args, std::string* error = nullptr) {
  std::string e;
  auto o = parse_options(args, e);
  if (error) *error = e;
  return o;
}

TEST(OptionsTest, FanoutDefaultsToFourSubscribers) {
  const auto o = parse({"fanout", "--port", "4333", "--msgs", "1M", "--size", "1Ki"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->mode, Mode::kFanout);
  EXPECT_EQ(o->target.port, 4333);
  EXPECT_EQ(o->target.host, "127.0.0.1");
  EXPECT_EQ(o->delivery.msgs, 1'000'000u);
  EXPECT_EQ(o->delivery.size, 1024u);
  EXPECT_EQ(o->delivery.subscribers, 4);
}

TEST(OptionsTest, PubHasNoSubscribersAndManyPublishers) {
  const auto o = parse({"pub", "--pubs", "2", "--msgs", "5000000", "--batch-bytes", "32Ki"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->delivery.subscribers, 0);
  EXPECT_EQ(o->delivery.publishers, 2);
  EXPECT_EQ(o->delivery.batch_bytes, 32u * 1024);
}

TEST(OptionsTest, SubjectsAndReqRepAndIdle) {
  auto o = parse({"subjects", "--subjects", "1k", "--subs", "3", "--window-bytes", "0"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->delivery.distinct_subjects, 1000u);
  EXPECT_EQ(o->delivery.subscribers, 3);
  EXPECT_EQ(o->delivery.window_bytes, 0u);
  o = parse({"reqrep", "--seconds", "2.5", "--requests", "10", "--warmup", "0"});
  ASSERT_TRUE(o);
  EXPECT_DOUBLE_EQ(o->reqrep.seconds, 2.5);
  EXPECT_EQ(o->reqrep.requests, 10u);
  EXPECT_EQ(o->reqrep.warmup, 0u);
  o = parse({"idle", "--conns", "5000", "--no-hold"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->idle.conns, 5000);
  EXPECT_FALSE(o->idle.hold);
}

TEST(OptionsTest, RejectsBadInput) {
  std::string e;
  EXPECT_FALSE(parse({}, &e));
  EXPECT_EQ(e, "missing MODE");
  EXPECT_FALSE(parse({"blast"}, &e));
  EXPECT_EQ(e, "unknown mode 'blast'");
  EXPECT_FALSE(parse({"pub", "--msgs"}, &e));
  EXPECT_EQ(e, "flag --msgs needs a value");
  EXPECT_FALSE(parse({"pub", "--msgs", "12x"}, &e));
  EXPECT_EQ(e, "bad value '12x' for --msgs");
  EXPECT_FALSE(parse({"pub", "--port", "0"}, &e));
  EXPECT_FALSE(parse({"pub", "--port", "70000"}, &e));
  EXPECT_FALSE(parse({"pubsub", "--pubs", "2"}, &e));
  EXPECT_EQ(e, "--pubs applies to pub mode only");
  EXPECT_FALSE(parse({"pubsub", "--subs", "2"}, &e));
  EXPECT_FALSE(parse({"pub", "--bogus", "1"}, &e));
  EXPECT_EQ(e, "unknown flag --bogus");
}

TEST(OptionsTest, JetStreamDefaults) {
  const auto o = parse({"js-pub"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->mode, Mode::kJsPub);
  EXPECT_EQ(o->js.mode, Mode::kJsPub);
  EXPECT_EQ(o->js.msgs, 100'000u);
  EXPECT_EQ(o->js.size, 16u);
  EXPECT_EQ(o->js.stream, "LOADGEN");
  EXPECT_EQ(o->js.subject, "lg.js");
  EXPECT_EQ(o->js.window, 256u);
  EXPECT_EQ(o->js.batch, 256u);
  EXPECT_EQ(o->js.max_ack_pending, 20'000);
  EXPECT_TRUE(o->js.fill);
  EXPECT_FALSE(o->js.keep);
  EXPECT_EQ(o->js.timeout_ms, 10'000);
}

TEST(OptionsTest, JetStreamFlags) {
  const auto o = parse({"js-consume-pull",
                        "--msgs",
                        "50k",
                        "--size",
                        "1Ki",
                        "--stream",
                        "B2",
                        "--subject",
                        "bench.js.x",
                        "--window",
                        "64",
                        "--batch",
                        "100",
                        "--max-ack-pending",
                        "5000",
                        "--no-fill",
                        "--keep",
                        "--quiet-ms",
                        "2000",
                        "--batch-bytes",
                        "32Ki"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->js.mode, Mode::kJsConsumePull);
  EXPECT_EQ(o->js.msgs, 50'000u);
  EXPECT_EQ(o->js.size, 1024u);
  EXPECT_EQ(o->js.stream, "B2");
  EXPECT_EQ(o->js.subject, "bench.js.x");
  EXPECT_EQ(o->js.window, 64u);
  EXPECT_EQ(o->js.batch, 100u);
  EXPECT_EQ(o->js.max_ack_pending, 5000);
  EXPECT_FALSE(o->js.fill);
  EXPECT_TRUE(o->js.keep);
  EXPECT_EQ(o->js.timeout_ms, 2000);
  EXPECT_EQ(o->js.batch_bytes, 32u * 1024);
  EXPECT_EQ(parse({"js-consume-push"})->js.mode, Mode::kJsConsumePush);
}

TEST(OptionsTest, RejectsBadJetStreamInput) {
  std::string e;
  EXPECT_FALSE(parse({"js-pub", "--window", "0"}, &e));
  EXPECT_EQ(e, "bad value '0' for --window");
  EXPECT_FALSE(parse({"js-consume-pull", "--batch", "0"}, &e));
  EXPECT_EQ(e, "bad value '0' for --batch");
  EXPECT_FALSE(parse({"js-pub", "--stream", "a.b"}, &e));
  EXPECT_EQ(e, "bad value 'a.b' for --stream");
  EXPECT_FALSE(parse({"js-pub", "--stream", "a*"}, &e));
  EXPECT_FALSE(parse({"js-pub", "--subject", "a..b"}, &e));
  EXPECT_EQ(e, "bad value 'a..b' for --subject");
  EXPECT_FALSE(parse({"js-pub", "--subject", "a.>"}, &e));
  EXPECT_FALSE(parse({"js-pub", "--subject", ""}, &e));
  EXPECT_FALSE(parse({"js-consume-push", "--subs", "2"}, &e));
  EXPECT_EQ(e, "--subs does not apply to js-consume-push");
}

TEST(ModeTest, NamesRoundTrip) {
  for (Mode m : {Mode::kPub, Mode::kPubSub, Mode::kFanout, Mode::kQueue, Mode::kReqRep, Mode::kIdle,
                 Mode::kSubjects, Mode::kJsPub, Mode::kJsConsumePull, Mode::kJsConsumePush}) {
    EXPECT_EQ(parse_mode(mode_name(m)), m);
  }
  EXPECT_EQ(mode_name(Mode::kJsConsumePull), "js-consume-pull");
  EXPECT_FALSE(parse_mode("PUB"));
}

}  // namespace
}  // namespace quiver::loadgen
