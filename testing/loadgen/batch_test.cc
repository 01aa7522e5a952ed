#include "testing/loadgen/batch.h"

#include <gtest/gtest.h>

#include "codec/parser.h"

namespace quiver::loadgen {
namespace {

struct Pub {
  std::string subject;
  std::string payload;
};

std::vector<Pub> parse_pubs(std::string_view in) {
  codec::Parser parser(codec::Role::kServer);
  std::vector<Pub> out;
  while (!in.empty()) {
    const auto [consumed, status] = parser.feed(in);
    in.remove_prefix(consumed);
    if (status == codec::ParseStatus::kError) {
      ADD_FAILURE() << parser.error().message();
      break;
    }
    if (status == codec::ParseStatus::kOp) {
      EXPECT_EQ(parser.op().kind, codec::OpKind::kPub);
      EXPECT_TRUE(parser.op().reply.empty());
      out.push_back({std::string(parser.op().subject), std::string(parser.op().payload)});
    }
  }
  return out;
}

TEST(PayloadTest, SequenceRoundTripsAndShortPayloadsCarryNone) {
  std::string p(16, '\0');
  write_payload(p.data(), p.size(), 0x0102030405060708ull);
  EXPECT_EQ(payload_seq(p), 0x0102030405060708ull);
  EXPECT_EQ(p.substr(8), "xxxxxxxx");
  std::string shortp(7, '\0');
  write_payload(shortp.data(), shortp.size(), 5);
  EXPECT_EQ(shortp, "xxxxxxx");
  EXPECT_FALSE(payload_seq(shortp).has_value());
}

TEST(PubBatcherTest, FixedSubjectCarriesConsecutiveSequences) {
  PubBatcher b = PubBatcher::fixed("lg.bench", 16);
  std::string out;
  EXPECT_EQ(b.fill(out, 40, 3, 1 << 20), 3u);
  const auto pubs = parse_pubs(out);
  ASSERT_EQ(pubs.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(pubs[i].subject, "lg.bench");
    EXPECT_EQ(pubs[i].payload.size(), 16u);
    EXPECT_EQ(payload_seq(pubs[i].payload), 40 + i);
  }
  EXPECT_EQ(out.substr(0, 15), "PUB lg.bench 16");
}

TEST(PubBatcherTest, StopsOnceTargetBytesReached) {
  PubBatcher b = PubBatcher::fixed("a", 16);
  // "PUB a 16\r\n" + 16 + "\r\n" = 28 bytes per message.
  std::string out;
  EXPECT_EQ(b.fill(out, 0, 1000, 100), 4u);  // 84 < 100 → one more → 112
  EXPECT_EQ(out.size(), 112u);
  out.clear();
  EXPECT_EQ(b.fill(out, 0, 1000, 0), 1u);  // always makes progress
  out.clear();
  EXPECT_EQ(b.fill(out, 0, 0, 1000), 0u);
  EXPECT_TRUE(out.empty());
}

TEST(PubBatcherTest, CyclingSubjectsWrapAtDistinct) {
  PubBatcher b = PubBatcher::cycling("s.", ".x", 3, 8);
  std::string out;
  EXPECT_EQ(b.fill(out, 1, 4, 1 << 20), 4u);
  const auto pubs = parse_pubs(out);
  ASSERT_EQ(pubs.size(), 4u);
  EXPECT_EQ(pubs[0].subject, "s.1.x");
  EXPECT_EQ(pubs[1].subject, "s.2.x");
  EXPECT_EQ(pubs[2].subject, "s.0.x");
  EXPECT_EQ(pubs[3].subject, "s.1.x");
  EXPECT_EQ(payload_seq(pubs[3].payload), 4u);
}

TEST(PubBatcherTest, TinyPayloadsHaveNoSequence) {
  PubBatcher b = PubBatcher::fixed("t", 0);
  std::string out;
  b.fill(out, 0, 2, 1 << 20);
  EXPECT_EQ(out, "PUB t 0\r\n\r\nPUB t 0\r\n\r\n");
}

TEST(PubBatcherTest, MsgWireBytesBoundsTheDelivery) {
  // MSG lg.bench 9999 16\r\n + 16 + \r\n = 40 bytes at most with a 4-digit sid.
  EXPECT_GE(PubBatcher::fixed("lg.bench", 16).msg_wire_bytes(), 40u);
  EXPECT_LE(PubBatcher::fixed("lg.bench", 16).msg_wire_bytes(), 60u);
}

}  // namespace
}  // namespace quiver::loadgen
