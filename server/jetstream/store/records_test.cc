// The hand-written wire format (wire.h) against libprotobuf's generated classes for
// records.proto: what the store writes parses as protobuf, byte for byte what libprotobuf
// would write, and what libprotobuf writes decodes.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/jetstream/store/consumer_state_store.h"
#include "server/jetstream/store/records.pb.h"
#include "server/jetstream/store/wire.h"

namespace quiver::server::jetstream {
namespace {

namespace pb = ::quiver::jetstream::store;
using internal::check_frame;
using internal::decode_record;
using internal::FrameStatus;
using internal::MsgFields;
using internal::Record;
using internal::RecordKind;

std::vector<MsgFields> sample_messages(const std::string& big) {
  return {
      {1, 1, "a", "", ""},
      {2, 1'700'000'000'123'456'789, "orders.new", "NATS/1.0\r\nNats-Msg-Id: 7\r\n\r\n", "hi"},
      {300, -5, "neg.ts", "", "payload"},
      {1ull << 40, 0, "zero.ts", "", big},
      {UINT64_MAX, INT64_MAX, "", "h", ""},
      {7, INT64_MIN, "x", big, big},
  };
}

pb::Record to_proto(const MsgFields& m) {
  pb::Record r;
  auto* msg = r.mutable_msg();
  msg->set_seq(m.seq);
  msg->set_ts_ns(m.ts_ns);
  msg->set_subject(std::string(m.subject));
  msg->set_headers(std::string(m.headers));
  msg->set_payload(std::string(m.payload));
  return r;
}

TEST(RecordsTest, MessageFramesAreProtobufRecords) {
  const std::string big(300, 'b');
  for (const MsgFields& m : sample_messages(big)) {
    SCOPED_TRACE("seq " + std::to_string(m.seq));
    std::string out = "prefix";
    const std::size_t n = internal::append_msg_frame(out, m);
    EXPECT_EQ(n, internal::msg_frame_size(m));
    EXPECT_EQ(out.size(), 6 + n);
    const auto f = check_frame(out, 6);
    ASSERT_EQ(f.status, FrameStatus::kOk);
    EXPECT_EQ(f.size, n);

    pb::Record parsed;
    ASSERT_TRUE(parsed.ParseFromArray(f.body.data(), static_cast<int>(f.body.size())));
    ASSERT_EQ(parsed.kind_case(), pb::Record::kMsg);
    EXPECT_EQ(parsed.msg().seq(), m.seq);
    EXPECT_EQ(parsed.msg().ts_ns(), m.ts_ns);
    EXPECT_EQ(parsed.msg().subject(), m.subject);
    EXPECT_EQ(parsed.msg().headers(), m.headers);
    EXPECT_EQ(parsed.msg().payload(), m.payload);
    // Canonical: exactly the bytes libprotobuf writes.
    EXPECT_EQ(to_proto(m).SerializeAsString(), f.body);

    Record r;
    ASSERT_TRUE(decode_record(f.body, r));
    EXPECT_EQ(r.kind, RecordKind::kMsg);
    EXPECT_EQ(r.seq, m.seq);
    EXPECT_EQ(r.ts_ns, m.ts_ns);
    EXPECT_EQ(r.subject, m.subject);
    EXPECT_EQ(r.headers, m.headers);
    EXPECT_EQ(r.payload, m.payload);
  }
}

TEST(RecordsTest, LibprotobufMessagesDecode) {
  const std::string big(1000, 'z');
  for (const MsgFields& m : sample_messages(big)) {
    const std::string body = to_proto(m).SerializeAsString();
    Record r;
    ASSERT_TRUE(decode_record(body, r));
    EXPECT_EQ(r.seq, m.seq);
    EXPECT_EQ(r.ts_ns, m.ts_ns);
    EXPECT_EQ(r.subject, m.subject);
    EXPECT_EQ(r.headers, m.headers);
    EXPECT_EQ(r.payload, m.payload);
  }
}

TEST(RecordsTest, TombstoneAndSeqStateFrames) {
  std::string out;
  internal::append_tombstone_frame(out, 123456789);
  const std::size_t first = out.size();
  internal::append_seq_state_frame(out, 99, 42, -7);
  internal::append_seq_state_frame(out, 0, 0, 0);

  auto f = check_frame(out, 0);
  ASSERT_EQ(f.status, FrameStatus::kOk);
  pb::Record t;
  ASSERT_TRUE(t.ParseFromArray(f.body.data(), static_cast<int>(f.body.size())));
  ASSERT_EQ(t.kind_case(), pb::Record::kTombstone);
  EXPECT_EQ(t.tombstone().seq(), 123456789u);
  EXPECT_EQ(t.SerializeAsString(), f.body);

  f = check_frame(out, first);
  ASSERT_EQ(f.status, FrameStatus::kOk);
  pb::Record s;
  ASSERT_TRUE(s.ParseFromArray(f.body.data(), static_cast<int>(f.body.size())));
  ASSERT_EQ(s.kind_case(), pb::Record::kSeqState);
  EXPECT_EQ(s.seq_state().last_seq(), 99u);
  EXPECT_EQ(s.seq_state().first_seq(), 42u);
  EXPECT_EQ(s.seq_state().last_ts_ns(), -7);
  EXPECT_EQ(s.SerializeAsString(), f.body);

  // An all-zero SeqState is still a set oneof member: 0x1A 0x00.
  f = check_frame(out, first + f.size);
  ASSERT_EQ(f.status, FrameStatus::kOk);
  EXPECT_EQ(f.body, std::string("\x1A\x00", 2));
  Record r;
  ASSERT_TRUE(decode_record(f.body, r));
  EXPECT_EQ(r.kind, RecordKind::kSeqState);

  pb::Record from_lib;
  from_lib.mutable_tombstone()->set_seq(5);
  ASSERT_TRUE(decode_record(from_lib.SerializeAsString(), r));
  EXPECT_EQ(r.kind, RecordKind::kTombstone);
  EXPECT_EQ(r.seq, 5u);
  from_lib.mutable_seq_state()->set_last_seq(8);
  from_lib.mutable_seq_state()->set_first_seq(3);
  from_lib.mutable_seq_state()->set_last_ts_ns(11);
  ASSERT_TRUE(decode_record(from_lib.SerializeAsString(), r));
  EXPECT_EQ(r.kind, RecordKind::kSeqState);
  EXPECT_EQ(r.last_seq, 8u);
  EXPECT_EQ(r.first_seq, 3u);
  EXPECT_EQ(r.last_ts_ns, 11);
}

// A secure erase replaces a message frame in place: every message size must be matched by an
// Erased record of exactly the same length, which libprotobuf still parses.
TEST(RecordsTest, ErasedFrameFitsEveryMessageLength) {
  for (uint64_t seq : {uint64_t{1}, uint64_t{300}, uint64_t{1} << 40, UINT64_MAX}) {
    for (std::size_t subject_len : {0, 1, 5}) {
      for (std::size_t payload_len = 0; payload_len < 300; ++payload_len) {
        for (int64_t ts : {int64_t{0}, int64_t{5}}) {
          const std::string subject(subject_len, 's'), payload(payload_len, 'p');
          std::string frame;
          internal::append_msg_frame(frame, MsgFields{seq, ts, subject, "", payload});
          const std::size_t size = frame.size();
          internal::write_erased_frame(frame.data(), frame.size(), seq);
          ASSERT_EQ(frame.size(), size);
          const auto f = check_frame(frame, 0);
          ASSERT_EQ(f.status, FrameStatus::kOk) << "payload " << payload_len;
          ASSERT_EQ(f.size, size);
          Record r;
          ASSERT_TRUE(decode_record(f.body, r)) << "payload " << payload_len;
          EXPECT_EQ(r.kind, RecordKind::kErased);
          EXPECT_EQ(r.seq, seq);
          if (payload_len >= 4) {
            EXPECT_EQ(frame.find(payload), std::string::npos);
          }
          pb::Record parsed;
          ASSERT_TRUE(parsed.ParseFromArray(f.body.data(), static_cast<int>(f.body.size())))
              << "payload " << payload_len << " subject " << subject_len << " seq " << seq;
          ASSERT_EQ(parsed.kind_case(), pb::Record::kErased);
          EXPECT_EQ(parsed.erased().seq(), seq);
          EXPECT_EQ(parsed.erased().fill().find_first_not_of('\0'), std::string::npos);
        }
      }
    }
  }
}

TEST(RecordsTest, UnknownFieldsAreSkipped) {
  const std::string body = to_proto(MsgFields{9, 10, "a.b", "", "v"}).SerializeAsString();
  // Outer unknown varint field 15 = 1 and an unknown length-delimited field 14.
  const std::string extended = body + std::string("\x78\x01\x72\x02hi", 6);
  Record r;
  ASSERT_TRUE(decode_record(extended, r));
  EXPECT_EQ(r.seq, 9u);
  EXPECT_EQ(r.payload, "v");
}

TEST(RecordsTest, MalformedBodiesAreRejected) {
  Record r;
  EXPECT_FALSE(decode_record("", r));                              // no kind
  EXPECT_FALSE(decode_record(std::string("\x0A\x05\x08", 3), r));  // length past the end
  EXPECT_FALSE(decode_record(std::string("\x0A\x00", 2), r));      // message without seq
  EXPECT_FALSE(decode_record(std::string("\x2A\x00", 2), r));      // unknown kind 5
  EXPECT_FALSE(decode_record(std::string("\x08\x80", 2), r));      // truncated varint
}

TEST(RecordsTest, EveryBitFlipIsDetected) {
  std::string frame;
  internal::append_msg_frame(frame, MsgFields{42, 1234, "flip.me", "NATS/1.0\r\n\r\n", "data"});
  for (std::size_t i = 0; i < frame.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = frame;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_NE(check_frame(bad, 0).status, FrameStatus::kOk) << "byte " << i << " bit " << bit;
    }
  }
}

ConsumerState sample_consumer_state() {
  ConsumerState s;
  s.delivered_consumer_seq = 120;
  s.delivered_stream_seq = 3000;
  s.ack_floor_consumer_seq = 100;
  s.ack_floor_stream_seq = 2900;
  s.pending = {{2950, 110, 1'700'000'000'000'000'000}, {2960, 0, -1}, {0, 0, 0}};
  s.redelivered = {{2950, 3}, {2960, 1}};
  return s;
}

TEST(RecordsTest, ConsumerStateMatchesLibprotobuf) {
  const ConsumerState s = sample_consumer_state();
  const std::string ours = encode_consumer_state(s);
  pb::ConsumerState parsed;
  ASSERT_TRUE(parsed.ParseFromString(ours));
  EXPECT_EQ(parsed.delivered_consumer_seq(), 120u);
  EXPECT_EQ(parsed.delivered_stream_seq(), 3000u);
  EXPECT_EQ(parsed.ack_floor_consumer_seq(), 100u);
  EXPECT_EQ(parsed.ack_floor_stream_seq(), 2900u);
  ASSERT_EQ(parsed.pending_size(), 3);
  EXPECT_EQ(parsed.pending(0).stream_seq(), 2950u);
  EXPECT_EQ(parsed.pending(0).consumer_seq(), 110u);
  EXPECT_EQ(parsed.pending(0).timestamp_ns(), 1'700'000'000'000'000'000);
  EXPECT_EQ(parsed.pending(1).timestamp_ns(), -1);
  ASSERT_EQ(parsed.redelivered_size(), 2);
  EXPECT_EQ(parsed.redelivered(0).count(), 3u);
  EXPECT_EQ(parsed.SerializeAsString(), ours);

  auto back = decode_consumer_state(parsed.SerializeAsString());
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value(), s);
  EXPECT_EQ(decode_consumer_state("").value(), ConsumerState{});
  EXPECT_EQ(decode_consumer_state(std::string("\x2A\x05\x08", 3)).error(), StoreErrc::kCorrupt);
}

}  // namespace
}  // namespace quiver::server::jetstream
