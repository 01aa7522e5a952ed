#include "client/jetstream/message.h"

#include <gtest/gtest.h>

namespace quiver::client::jetstream {
namespace {

TEST(MessageTest, ParsesV1AckSubject) {
  // Observed from nats-server 2.9.10: 2nd delivery of stream seq 2, consumer seq 3.
  auto md = parse_metadata("$JS.ACK.ORDERS.D2.2.2.3.1795665302720784722.0");
  ASSERT_TRUE(md);
  EXPECT_EQ(md.value().stream, "ORDERS");
  EXPECT_EQ(md.value().consumer, "D2");
  EXPECT_EQ(md.value().num_delivered, 2u);
  EXPECT_EQ(md.value().stream_seq, 2u);
  EXPECT_EQ(md.value().consumer_seq, 3u);
  EXPECT_EQ(md.value().timestamp.time_since_epoch().count(), 1795665302720784722);
  EXPECT_EQ(md.value().num_pending, 0u);
  EXPECT_EQ(md.value().domain, "");
}

TEST(MessageTest, ParsesV2AckSubjectWithDomainAndExtraTokens) {
  auto md = parse_metadata("$JS.ACK.hub.ACCHASH.S.C.1.10.9.1700000000000000000.4");
  ASSERT_TRUE(md);
  EXPECT_EQ(md.value().domain, "hub");
  EXPECT_EQ(md.value().stream, "S");
  EXPECT_EQ(md.value().consumer, "C");
  EXPECT_EQ(md.value().num_delivered, 1u);
  EXPECT_EQ(md.value().stream_seq, 10u);
  EXPECT_EQ(md.value().consumer_seq, 9u);
  EXPECT_EQ(md.value().num_pending, 4u);

  auto no_domain = parse_metadata("$JS.ACK._.ACCHASH.S.C.1.10.9.1700000000000000000.4.rand");
  ASSERT_TRUE(no_domain);
  EXPECT_EQ(no_domain.value().domain, "");
  EXPECT_EQ(no_domain.value().stream_seq, 10u);
}

TEST(MessageTest, RejectsWhatIsNotAnAckSubject) {
  for (const char* reply : {
           "", "_INBOX.abc",
           "$JS.ACK.S.C.1.2.3.4",       // 8 tokens
           "$JS.ACK.S.C.1.2.3.4.5.6",   // 10 tokens
           "$JS.ACK.S.C.x.2.3.4.5",     // not a number
           "$JS.ACK.S.C.1.2.3.4.-5",    // negative
           "$JS.ACK..C.1.2.3.4.5",      // empty stream
           "$JS.ACKS.C.1.2.3.4.5.6.7",  // wrong prefix
           "$JS.FC.S.C.1.2.3.4.5",      // flow control, not an ack
       }) {
    EXPECT_EQ(parse_metadata(reply).error(), errc::kNotJetStreamMessage) << reply;
  }
}

TEST(MessageTest, AcknowledgingWithoutConnectionOrAckSubjectFails) {
  JsMsg empty;
  EXPECT_EQ(empty.ack(), errc::kNotJetStreamMessage);
  JsMsg plain(Message("subject", "_INBOX.1", "data"), nullptr);
  EXPECT_EQ(plain.ack(), errc::kNotJetStreamMessage);
  EXPECT_EQ(plain.nak(), errc::kNotJetStreamMessage);
  EXPECT_EQ(plain.in_progress(), errc::kNotJetStreamMessage);
  EXPECT_EQ(plain.term("bad"), errc::kNotJetStreamMessage);
  EXPECT_FALSE(plain.acked());
  EXPECT_EQ(plain.data(), "data");
  EXPECT_EQ(plain.subject(), "subject");
}

}  // namespace
}  // namespace quiver::client::jetstream
