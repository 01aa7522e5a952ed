// StreamStore semantics, run against MemoryStore and FileStore (two segment sizes). File
// stores are also closed and reopened at checkpoints: the state must come back identical.
#include "server/jetstream/store/store.h"

#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "codec/subject.h"
#include "server/jetstream/store/file_store.h"
#include "server/jetstream/store/memory_store.h"
#include "server/jetstream/store/store_test_util.h"

namespace quiver::server::jetstream {
namespace {

using testing::fresh_dir;

enum class Backend { kMemory, kFile, kFileSmallSegments };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kMemory:
      return "Memory";
    case Backend::kFile:
      return "File";
    case Backend::kFileSmallSegments:
      return "FileSmallSegments";
  }
  return "Unknown";
}

auto state_tuple(const StoreState& s) {
  return std::make_tuple(s.msgs, s.bytes, s.first_seq, s.first_ts_ns, s.last_seq, s.last_ts_ns,
                         s.num_deleted, s.num_subjects);
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void open(const StoreLimits& limits = {}) {
    limits_ = limits;
    if (GetParam() == Backend::kMemory) {
      store_ = std::make_unique<MemoryStore>(limits);
    } else {
      if (dir_.empty()) dir_ = fresh_dir("shared");
      FileStoreOptions o;
      o.dir = dir_;
      o.segment_bytes = GetParam() == Backend::kFileSmallSegments ? 256 : 8 << 20;
      RecoveryReport report;
      auto r = FileStore::open(o, limits_, &report);
      ASSERT_TRUE(r) << r.error().message();
      EXPECT_EQ(report.truncated_bytes, 0u);
      EXPECT_EQ(report.corrupt_records, 0u);
      store_ = std::move(r).value();
    }
    store_->set_removed_callback([this](uint64_t seq, std::string_view subject) {
      removed_.emplace_back(seq, std::string(subject));
    });
  }

  // File stores: close, reopen and check that nothing changed. A no-op for memory stores.
  void reopen() {
    if (GetParam() == Backend::kMemory) return;
    const StoreState before = store_->state();
    const auto deleted = store_->deleted_sequences();
    const auto subjects = store_->subjects_state("");
    ASSERT_TRUE(store_->close());
    store_.reset();
    open(limits_);
    EXPECT_EQ(state_tuple(store_->state()), state_tuple(before));
    EXPECT_EQ(store_->deleted_sequences(), deleted);
    EXPECT_EQ(store_->subjects_state(""), subjects);
  }

  uint64_t put(std::string_view subject, std::string_view payload = "x", int64_t ts = 0,
               std::string_view headers = "") {
    auto r = store_->store(subject, headers, payload, ts);
    EXPECT_TRUE(r) << r.error().message();
    return r ? r.value() : 0;
  }

  std::vector<uint64_t> removed_seqs() const {
    std::vector<uint64_t> out;
    for (const auto& [seq, subject] : removed_) out.push_back(seq);
    return out;
  }

  std::unique_ptr<StreamStore> store_;
  StoreLimits limits_;
  std::string dir_;
  std::vector<std::pair<uint64_t, std::string>> removed_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kMemory, Backend::kFile,
                                           Backend::kFileSmallSegments),
                         backend_name);

TEST(StoreErrcTest, MessagesMatchNatsServer) {
  EXPECT_EQ(make_error_code(StoreErrc::kMaxMsgs).message(), "maximum messages exceeded");
  EXPECT_EQ(make_error_code(StoreErrc::kMaxBytes).message(), "maximum bytes exceeded");
  EXPECT_EQ(make_error_code(StoreErrc::kMaxMsgsPerSubject).message(),
            "maximum messages per subject exceeded");
  EXPECT_EQ(make_error_code(StoreErrc::kMsgTooBig).message(),
            "message size exceeds maximum allowed");
  EXPECT_EQ(make_error_code(StoreErrc::kNotFound).message(), "no message found");
  EXPECT_EQ(make_error_code(StoreErrc::kDeleted).message(), "no message found");
  EXPECT_EQ(make_error_code(StoreErrc::kNoSpace).message(),
            "insufficient storage resources available");
  EXPECT_STREQ(store_category().name(), "quiver.jetstream.store");
  const std::error_code ec = StoreErrc::kCorrupt;  // is_error_code_enum
  EXPECT_EQ(ec.category(), store_category());
}

TEST(MsgSizeTest, MatchesFileStoreMsgSize) {
  // nats-server: 22 + subject + payload + 8, plus 4 + headers when there are headers.
  EXPECT_EQ(msg_size("foo", "", "bar"), 36u);
  EXPECT_EQ(msg_size("foo", "NATS/1.0\r\n\r\n", "bar"), 36u + 4 + 12);
  // A record observed in a 2.9.10 store: 40 bytes for "$KV.cfg.a" with a 1-byte value.
  EXPECT_EQ(msg_size("$KV.cfg.a", "", "1"), 40u);
  EXPECT_EQ(msg_size("", "", ""), 30u);
}

TEST_P(StoreTest, EmptyStoreState) {
  open();
  const StoreState st = store_->state();
  EXPECT_EQ(state_tuple(st), state_tuple(StoreState{}));
  EXPECT_EQ(store_->load(1).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load_next("", 0).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load_last(">").error(), StoreErrc::kNotFound);
  EXPECT_TRUE(store_->deleted_sequences().empty());
  reopen();
}

TEST_P(StoreTest, StoreAndLoad) {
  open();
  EXPECT_EQ(put("orders.new", "one", 100), 1u);
  auto r = store_->store("orders.paid", "NATS/1.0\r\nA: b\r\n\r\n", "two", 200);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value(), 2u);
  EXPECT_EQ(put("orders.new", "", 300), 3u);

  auto m = store_->load(2);
  ASSERT_TRUE(m);
  EXPECT_EQ(m.value().seq, 2u);
  EXPECT_EQ(m.value().ts_ns, 200);
  EXPECT_EQ(m.value().subject, "orders.paid");
  EXPECT_EQ(m.value().headers, "NATS/1.0\r\nA: b\r\n\r\n");
  EXPECT_EQ(m.value().payload, "two");
  EXPECT_EQ(store_->load(3).value().payload, "");
  EXPECT_EQ(store_->load(0).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load(4).error(), StoreErrc::kNotFound);

  const StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 3u);
  EXPECT_EQ(st.bytes, msg_size("orders.new", "", "one") +
                          msg_size("orders.paid", "NATS/1.0\r\nA: b\r\n\r\n", "two") +
                          msg_size("orders.new", "", ""));
  EXPECT_EQ(st.first_seq, 1u);
  EXPECT_EQ(st.first_ts_ns, 100);
  EXPECT_EQ(st.last_seq, 3u);
  EXPECT_EQ(st.last_ts_ns, 300);
  EXPECT_EQ(st.num_deleted, 0u);
  EXPECT_EQ(st.num_subjects, 2u);
  reopen();
  EXPECT_EQ(store_->load(1).value().payload, "one");
  EXPECT_EQ(put("orders.new"), 4u);
}

TEST_P(StoreTest, LargeMessagesRoundTrip) {
  open();
  const std::string big(200000, 'q');
  EXPECT_EQ(put("big", big), 1u);
  EXPECT_EQ(put("small", "s"), 2u);
  EXPECT_EQ(store_->load(1).value().payload, big);
  reopen();
  EXPECT_EQ(store_->load(1).value().payload, big);
  EXPECT_EQ(store_->load(2).value().payload, "s");
}

TEST_P(StoreTest, SkipToOnEmptyStore) {
  open();
  ASSERT_TRUE(store_->skip_to(5));
  StoreState st = store_->state();
  EXPECT_EQ(st.first_seq, 6u);
  EXPECT_EQ(st.last_seq, 5u);
  EXPECT_EQ(st.num_deleted, 0u);
  EXPECT_EQ(store_->skip_to(5).error(), StoreErrc::kSequenceMismatch);
  EXPECT_EQ(store_->skip_to(3).error(), StoreErrc::kSequenceMismatch);
  reopen();
  EXPECT_EQ(put("a"), 6u);
  st = store_->state();
  EXPECT_EQ(st.first_seq, 6u);
  EXPECT_EQ(st.num_deleted, 0u);
}

TEST_P(StoreTest, SkipToWithMessagesLeavesGap) {
  open();
  put("a");
  put("a");
  ASSERT_TRUE(store_->skip_to(5));
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(store_->state().num_deleted, 3u);
  reopen();
  EXPECT_EQ(put("a"), 6u);
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(store_->load(4).error(), StoreErrc::kDeleted);
  reopen();
}

TEST_P(StoreTest, StoreAtSequences) {
  open();
  ASSERT_TRUE(store_->store_at(1, "a", "", "1", 1));
  EXPECT_EQ(store_->store_at(3, "a", "", "3", 3).error(), StoreErrc::kSequenceMismatch);
  EXPECT_EQ(store_->store_at(1, "a", "", "1", 1).error(), StoreErrc::kSequenceMismatch);
  ASSERT_TRUE(store_->store_at(2, "a", "", "2", 2));
  ASSERT_EQ(store_->purge("", 0, 0).value(), 2u);
  // Empty: any later sequence is accepted and becomes the first, without deletes.
  ASSERT_TRUE(store_->store_at(10, "b", "", "10", 10));
  StoreState st = store_->state();
  EXPECT_EQ(st.first_seq, 10u);
  EXPECT_EQ(st.last_seq, 10u);
  EXPECT_EQ(st.msgs, 1u);
  EXPECT_EQ(st.num_deleted, 0u);
  EXPECT_EQ(store_->load(10).value().payload, "10");
  reopen();
  EXPECT_EQ(put("b"), 11u);
}

TEST_P(StoreTest, StoreAtOnFreshStoreWithGap) {
  open();
  ASSERT_TRUE(store_->store_at(100, "a", "", "x", 5));
  const StoreState st = store_->state();
  EXPECT_EQ(st.first_seq, 100u);
  EXPECT_EQ(st.last_seq, 100u);
  EXPECT_EQ(st.num_deleted, 0u);
  EXPECT_TRUE(store_->deleted_sequences().empty());
  EXPECT_EQ(store_->load(50).error(), StoreErrc::kDeleted);
  reopen();
}

TEST_P(StoreTest, MaxMsgsDiscardOld) {
  StoreLimits l;
  l.max_msgs = 3;
  open(l);
  for (int i = 0; i < 5; ++i) put(i % 2 == 0 ? "even" : "odd");
  const StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 3u);
  EXPECT_EQ(st.first_seq, 3u);
  EXPECT_EQ(st.last_seq, 5u);
  EXPECT_EQ(st.num_deleted, 0u);
  ASSERT_EQ(removed_.size(), 2u);
  EXPECT_EQ(removed_[0], (std::pair<uint64_t, std::string>{1, "even"}));
  EXPECT_EQ(removed_[1], (std::pair<uint64_t, std::string>{2, "odd"}));
  reopen();
}

TEST_P(StoreTest, MaxMsgsDiscardNew) {
  StoreLimits l;
  l.max_msgs = 3;
  l.discard_new = true;
  open(l);
  for (int i = 0; i < 3; ++i) put("a");
  auto r = store_->store("a", "", "x", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::kMaxMsgs);
  EXPECT_EQ(r.error().message(), "maximum messages exceeded");
  EXPECT_EQ(store_->state().last_seq, 3u);
  EXPECT_EQ(store_->state().msgs, 3u);
  EXPECT_TRUE(removed_.empty());
  ASSERT_TRUE(store_->remove(1));
  EXPECT_EQ(put("a"), 4u);
  reopen();
}

TEST_P(StoreTest, MaxBytesDiscardOld) {
  const uint64_t each = msg_size("a", "", "12345678");
  ASSERT_EQ(each, 39u);
  StoreLimits l;
  l.max_bytes = 100;  // two messages fit
  open(l);
  for (int i = 0; i < 5; ++i) put("a", "12345678");
  const StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 2u);
  EXPECT_EQ(st.bytes, 78u);
  EXPECT_EQ(st.first_seq, 4u);
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1, 2, 3}));
  // A message larger than max_bytes on its own is stored and removed again at once.
  EXPECT_EQ(put("a", std::string(200, 'z')), 6u);
  EXPECT_EQ(store_->state().msgs, 0u);
  EXPECT_EQ(store_->state().first_seq, 7u);
  reopen();
}

TEST_P(StoreTest, MaxBytesDiscardNew) {
  StoreLimits l;
  l.max_bytes = 78;  // exactly two 39-byte messages
  l.discard_new = true;
  open(l);
  put("a", "12345678");
  put("a", "12345678");
  auto r = store_->store("a", "", "12345678", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::kMaxBytes);
  EXPECT_EQ(store_->state().msgs, 2u);
  EXPECT_EQ(store_->state().bytes, 78u);
  EXPECT_EQ(store_->store("a", "", "", 0).error(), StoreErrc::kMaxBytes);
  reopen();
}

TEST_P(StoreTest, MaxMsgSize) {
  StoreLimits l;
  l.max_msg_size = 10;  // subject + headers + payload
  open(l);
  EXPECT_EQ(put("abc", "1234567"), 1u);  // exactly 10
  EXPECT_EQ(store_->store("abc", "", "12345678", 0).error(), StoreErrc::kMsgTooBig);
  EXPECT_EQ(store_->store("abc", "1234", "1234", 0).error(), StoreErrc::kMsgTooBig);
  EXPECT_EQ(store_->state().last_seq, 1u);
}

TEST_P(StoreTest, PerSubjectLimitDiscardOld) {
  StoreLimits l;
  l.max_msgs_per_subject = 2;
  open(l);
  put("a");  // 1
  put("b");  // 2
  put("a");  // 3
  put("a");  // 4: rolls 1 out
  put("b");  // 5
  put("b");  // 6: rolls 2 out
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(removed_[0].second, "a");
  EXPECT_EQ(store_->subjects_state(""),
            (std::vector<std::pair<std::string, uint64_t>>{{"a", 2}, {"b", 2}}));
  const StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 4u);
  EXPECT_EQ(st.first_seq, 3u);
  EXPECT_EQ(store_->load_next("a", 0).value().seq, 3u);
  EXPECT_EQ(store_->load_last("a").value().seq, 4u);
  reopen();
}

TEST_P(StoreTest, PerSubjectLimitInteriorRemovalsCountAsDeleted) {
  StoreLimits l;
  l.max_msgs_per_subject = 1;
  open(l);
  put("a");  // 1
  put("b");  // 2
  put("b");  // 3: removes 2, an interior delete
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{2}));
  EXPECT_EQ(store_->state().num_deleted, 1u);
  reopen();
}

TEST_P(StoreTest, DiscardNewPerSubject) {
  StoreLimits l;
  l.max_msgs_per_subject = 1;
  l.discard_new = true;
  l.discard_new_per_subject = true;
  open(l);
  put("a");
  auto r = store_->store("a", "", "x", 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreErrc::kMaxMsgsPerSubject);
  EXPECT_EQ(r.error().message(), "maximum messages per subject exceeded");
  EXPECT_EQ(put("b"), 2u);
  EXPECT_EQ(store_->state().msgs, 2u);
}

TEST_P(StoreTest, DiscardNewAtSubjectLimitReplacesOldest) {
  // KV semantics: discard new + history 1. A new revision of a key replaces the old one even
  // when the stream is full; a new key is refused.
  StoreLimits l;
  l.max_msgs_per_subject = 1;
  l.max_msgs = 2;
  l.discard_new = true;
  open(l);
  put("k.a");
  put("k.b");
  EXPECT_EQ(put("k.a", "v2"), 3u);
  EXPECT_EQ(store_->state().msgs, 2u);
  EXPECT_EQ(store_->load_last("k.a").value().payload, "v2");
  EXPECT_EQ(store_->store("k.c", "", "x", 0).error(), StoreErrc::kMaxMsgs);
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1}));
}

TEST_P(StoreTest, DiscardNewBytesAtSubjectLimitNeedsRoomAfterReplacement) {
  StoreLimits l;
  l.max_msgs_per_subject = 1;
  l.max_bytes = 80;
  l.discard_new = true;
  open(l);
  put("a", "12345678");                  // 39
  put("b", "12345678");                  // 39 -> 78
  EXPECT_EQ(put("a", "123456789"), 3u);  // 78 - 39 + 40 = 79 <= 80
  EXPECT_EQ(store_->store("a", "", "12345678901", 0).error(), StoreErrc::kMaxBytes);  // 81
  EXPECT_EQ(store_->state().bytes, 79u);
}

TEST_P(StoreTest, ExpireWithExplicitNow) {
  StoreLimits l;
  l.max_age_ns = 100;
  open(l);
  put("a", "1", 10);
  put("b", "2", 20);
  put("a", "3", 30);
  EXPECT_EQ(store_->expire(109).value(), 0u);  // 10 is 99 old
  EXPECT_EQ(store_->expire(115).value(), 1u);  // 10 <= 15
  EXPECT_EQ(store_->state().first_seq, 2u);
  EXPECT_EQ(store_->state().first_ts_ns, 20);
  reopen();
  EXPECT_EQ(store_->expire(1000).value(), 2u);
  const StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 0u);
  EXPECT_EQ(st.first_seq, 4u);  // last_seq + 1
  EXPECT_EQ(st.last_seq, 3u);
  EXPECT_EQ(st.last_ts_ns, 30);
  EXPECT_EQ(st.first_ts_ns, 0);
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1, 2, 3}));
  reopen();
  EXPECT_EQ(put("a"), 4u);
}

TEST_P(StoreTest, ExpireWithoutMaxAgeDoesNothing) {
  open();
  put("a", "1", 1);
  EXPECT_EQ(store_->expire(1'000'000'000'000).value(), 0u);
  EXPECT_EQ(store_->state().msgs, 1u);
}

TEST_P(StoreTest, PurgeAll) {
  open();
  for (int i = 0; i < 10; ++i) put(i % 2 ? "a" : "b");
  EXPECT_EQ(store_->purge("", 0, 0).value(), 10u);
  StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 0u);
  EXPECT_EQ(st.bytes, 0u);
  EXPECT_EQ(st.first_seq, 11u);
  EXPECT_EQ(st.last_seq, 10u);
  EXPECT_EQ(st.num_subjects, 0u);
  EXPECT_TRUE(removed_.empty());  // the caller asked: no callback
  reopen();
  EXPECT_EQ(put("a"), 11u);
  EXPECT_EQ(store_->purge(">", 0, 0).value(), 1u);
  EXPECT_EQ(store_->purge("", 0, 0).value(), 0u);
  reopen();
  EXPECT_EQ(store_->state().first_seq, 12u);
}

TEST_P(StoreTest, PurgeFilter) {
  open();
  put("a.1");    // 1
  put("b.1");    // 2
  put("a.2");    // 3
  put("a.1");    // 4
  put("b.2.x");  // 5
  EXPECT_EQ(store_->purge("a.*", 0, 0).value(), 3u);
  EXPECT_EQ(store_->subjects_state(""),
            (std::vector<std::pair<std::string, uint64_t>>{{"b.1", 1}, {"b.2.x", 1}}));
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{3, 4}));
  EXPECT_EQ(store_->state().first_seq, 2u);
  EXPECT_EQ(store_->purge("b.2.x", 0, 0).value(), 1u);
  EXPECT_EQ(store_->purge("nothing", 0, 0).value(), 0u);
  EXPECT_EQ(store_->state().msgs, 1u);
  EXPECT_EQ(store_->state().last_seq, 5u);
  reopen();
}

TEST_P(StoreTest, PurgeUpToSequence) {
  open();
  for (int i = 0; i < 6; ++i) put(i % 2 ? "a" : "b");  // b a b a b a
  EXPECT_EQ(store_->purge("", 4, 0).value(), 3u);      // 1, 2, 3
  EXPECT_EQ(store_->state().first_seq, 4u);
  EXPECT_EQ(store_->purge("b", 6, 0).value(), 1u);  // 5
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{5}));
  EXPECT_EQ(store_->purge("a", 100, 0).value(), 2u);
  EXPECT_EQ(store_->state().msgs, 0u);
  EXPECT_EQ(store_->state().first_seq, 7u);
  reopen();
}

TEST_P(StoreTest, PurgeKeep) {
  open();
  for (int i = 0; i < 6; ++i) put(i % 2 ? "a" : "b");  // b1 a2 b3 a4 b5 a6
  EXPECT_EQ(store_->purge("a", 0, 1).value(), 2u);     // keeps 6
  EXPECT_EQ(store_->load_next("a", 0).value().seq, 6u);
  EXPECT_EQ(store_->purge("", 0, 2).value(), 2u);  // keeps the newest 2 messages: 5, 6
  EXPECT_EQ(store_->state().first_seq, 5u);
  EXPECT_EQ(store_->purge("", 0, 5).value(), 0u);
  EXPECT_EQ(store_->purge("*", 0, 1).value(), 1u);
  EXPECT_EQ(store_->state().msgs, 1u);
  EXPECT_EQ(store_->state().first_seq, 6u);
  reopen();
}

TEST_P(StoreTest, PurgeKeepWithBoundAcrossSubjects) {
  open();
  put("x.a");  // 1
  put("x.b");  // 2
  put("x.a");  // 3
  put("y");    // 4
  put("x.b");  // 5
  // Matching x.*: 1 2 3 5. Keep the newest 1 (5) but only below 3: removes 1, 2.
  EXPECT_EQ(store_->purge("x.*", 3, 1).value(), 2u);
  EXPECT_EQ(store_->state().first_seq, 3u);
  // Now matching: 3 5; keep 1 -> removes 3 only.
  EXPECT_EQ(store_->purge("x.>", 0, 1).value(), 1u);
  EXPECT_EQ(store_->subjects_state(""),
            (std::vector<std::pair<std::string, uint64_t>>{{"x.b", 1}, {"y", 1}}));
  reopen();
}

TEST_P(StoreTest, RemoveAndDeletedSequences) {
  open();
  for (int i = 0; i < 5; ++i) put("a");
  ASSERT_TRUE(store_->remove(2));
  ASSERT_TRUE(store_->remove(4));
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{2, 4}));
  EXPECT_EQ(store_->state().num_deleted, 2u);
  EXPECT_EQ(store_->remove(2).error(), StoreErrc::kDeleted);
  EXPECT_EQ(store_->remove(9).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->remove(0).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load(2).error(), StoreErrc::kDeleted);
  reopen();
  ASSERT_TRUE(store_->remove(1));
  EXPECT_EQ(store_->state().first_seq, 3u);
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{4}));
  ASSERT_TRUE(store_->remove(5));  // the last: last_seq stays
  EXPECT_EQ(store_->state().last_seq, 5u);
  EXPECT_EQ(store_->deleted_sequences(), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(store_->load_last("").value().seq, 3u);
  EXPECT_TRUE(removed_.empty());
  reopen();
  ASSERT_TRUE(store_->remove(3));
  EXPECT_EQ(store_->state().first_seq, 6u);
  EXPECT_EQ(store_->state().num_deleted, 0u);
  EXPECT_TRUE(store_->deleted_sequences().empty());
  reopen();
  EXPECT_EQ(put("a"), 6u);
}

TEST_P(StoreTest, RemoveWithErase) {
  open();
  put("a", "secret");
  put("a", "public");
  ASSERT_TRUE(store_->remove(1, /*erase=*/true));
  EXPECT_EQ(store_->load(1).error(), StoreErrc::kDeleted);
  EXPECT_EQ(store_->load(2).value().payload, "public");
  reopen();
  EXPECT_EQ(store_->load(1).error(), StoreErrc::kDeleted);
}

TEST_P(StoreTest, FilteredState) {
  open();
  put("a.1");    // 1
  put("b.1");    // 2
  put("a.2");    // 3
  put("a.1");    // 4
  put("b.2.x");  // 5
  put("c");      // 6
  ASSERT_TRUE(store_->remove(3));
  auto fs = store_->filtered_state("a.*", 0);
  EXPECT_EQ(fs.msgs, 2u);
  EXPECT_EQ(fs.first_seq, 1u);
  EXPECT_EQ(fs.last_seq, 4u);
  fs = store_->filtered_state("a.1", 2);
  EXPECT_EQ(fs.msgs, 1u);
  EXPECT_EQ(fs.first_seq, 4u);
  EXPECT_EQ(fs.last_seq, 4u);
  fs = store_->filtered_state("b.>", 0);
  EXPECT_EQ(fs.msgs, 2u);
  EXPECT_EQ(fs.first_seq, 2u);
  EXPECT_EQ(fs.last_seq, 5u);
  fs = store_->filtered_state("", 3);
  EXPECT_EQ(fs.msgs, 3u);
  EXPECT_EQ(fs.first_seq, 4u);
  EXPECT_EQ(fs.last_seq, 6u);
  fs = store_->filtered_state(">", 6);
  EXPECT_EQ(fs.msgs, 1u);
  EXPECT_EQ(fs.first_seq, 6u);
  fs = store_->filtered_state("*", 0);
  EXPECT_EQ(fs.msgs, 1u);
  EXPECT_EQ(fs.first_seq, 6u);
  fs = store_->filtered_state("a.*", 5);
  EXPECT_EQ(fs.msgs, 0u);
  EXPECT_EQ(fs.first_seq, 0u);
  EXPECT_EQ(fs.last_seq, 0u);
  fs = store_->filtered_state("zz", 0);
  EXPECT_EQ(fs.msgs, 0u);
  fs = store_->filtered_state("", 7);
  EXPECT_EQ(fs.msgs, 0u);
}

TEST_P(StoreTest, SubjectsState) {
  open();
  put("a.1");
  put("b.1");
  put("a.2");
  put("a.1");
  put("b.2.x");
  EXPECT_EQ(store_->subjects_state("a.*"),
            (std::vector<std::pair<std::string, uint64_t>>{{"a.1", 2}, {"a.2", 1}}));
  EXPECT_EQ(store_->subjects_state("*.1"),
            (std::vector<std::pair<std::string, uint64_t>>{{"a.1", 2}, {"b.1", 1}}));
  EXPECT_EQ(store_->subjects_state("b.2.x"),
            (std::vector<std::pair<std::string, uint64_t>>{{"b.2.x", 1}}));
  EXPECT_EQ(store_->subjects_state(">").size(), 4u);
  EXPECT_TRUE(store_->subjects_state("c").empty());
  EXPECT_EQ(store_->state().num_subjects, 4u);
}

TEST_P(StoreTest, LoadNextWithFilters) {
  open();
  put("a.1");    // 1
  put("b.1");    // 2
  put("a.2");    // 3
  put("a.1");    // 4
  put("b.2.x");  // 5
  ASSERT_TRUE(store_->remove(3));
  EXPECT_EQ(store_->load_next("a.*", 0).value().seq, 1u);
  EXPECT_EQ(store_->load_next("a.*", 2).value().seq, 4u);
  EXPECT_EQ(store_->load_next("a.1", 2).value().seq, 4u);
  EXPECT_EQ(store_->load_next("a.2", 0).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load_next("b.>", 3).value().subject, "b.2.x");
  EXPECT_EQ(store_->load_next("", 3).value().seq, 4u);
  EXPECT_EQ(store_->load_next(">", 6).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load_next("*.*.x", 0).value().seq, 5u);
  EXPECT_EQ(store_->load_next("zz", 0).error(), StoreErrc::kNotFound);
}

TEST_P(StoreTest, LoadNextWildcardBeyondShortScan) {
  open();
  put("a.first");
  for (int i = 0; i < 300; ++i) put("noise");
  put("a.second");  // 302
  for (int i = 0; i < 300; ++i) put("noise");
  EXPECT_EQ(store_->load_next("a.*", 2).value().seq, 302u);
  EXPECT_EQ(store_->load_next("a.*", 303).error(), StoreErrc::kNotFound);
  EXPECT_EQ(store_->load_last("a.*").value().seq, 302u);
  EXPECT_EQ(store_->load_last("a.first").value().seq, 1u);
  EXPECT_EQ(store_->filtered_state("a.>", 2).msgs, 1u);
}

TEST_P(StoreTest, LoadLast) {
  open();
  put("a.1", "1");  // 1
  put("b.1", "2");  // 2
  put("a.2", "3");  // 3
  put("a.1", "4");  // 4
  EXPECT_EQ(store_->load_last("a.1").value().payload, "4");
  EXPECT_EQ(store_->load_last("a.*").value().seq, 4u);
  EXPECT_EQ(store_->load_last("b.*").value().seq, 2u);
  EXPECT_EQ(store_->load_last("").value().seq, 4u);
  ASSERT_TRUE(store_->remove(4));
  EXPECT_EQ(store_->load_last("a.1").value().seq, 1u);
  EXPECT_EQ(store_->load_last(">").value().seq, 3u);
  EXPECT_EQ(store_->load_last("c").error(), StoreErrc::kNotFound);
  reopen();
  EXPECT_EQ(store_->load_last("a.1").value().seq, 1u);
}

TEST_P(StoreTest, UpdateLimitsShrinking) {
  open();
  for (int i = 0; i < 4; ++i) put("a", "12345678");  // 1..4
  for (int i = 0; i < 2; ++i) put("b", "12345678");  // 5, 6
  StoreLimits l;
  l.max_msgs_per_subject = 3;
  ASSERT_TRUE(store_->update_limits(l));
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1}));
  l.max_msgs = 4;
  ASSERT_TRUE(store_->update_limits(l));
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1, 2}));
  l.max_bytes = 39 * 2;
  ASSERT_TRUE(store_->update_limits(l));
  EXPECT_EQ(removed_seqs(), (std::vector<uint64_t>{1, 2, 3, 4}));
  const StoreState st = store_->state();
  EXPECT_EQ(st.msgs, 2u);
  EXPECT_EQ(st.first_seq, 5u);
  EXPECT_EQ(st.bytes, 78u);
  limits_ = l;
  reopen();
  l.max_msgs_per_subject = 1;
  ASSERT_TRUE(store_->update_limits(l));
  EXPECT_EQ(store_->state().first_seq, 6u);
}

TEST_P(StoreTest, ClosedStoreRefusesCalls) {
  open();
  put("a");
  ASSERT_TRUE(store_->close());
  EXPECT_EQ(store_->store("a", "", "x", 0).error(), StoreErrc::kClosed);
  EXPECT_EQ(store_->load(1).error(), StoreErrc::kClosed);
  EXPECT_EQ(store_->remove(1).error(), StoreErrc::kClosed);
  EXPECT_EQ(store_->purge("", 0, 0).error(), StoreErrc::kClosed);
  EXPECT_EQ(store_->sync().error(), StoreErrc::kClosed);
  EXPECT_EQ(store_->close().error(), StoreErrc::kClosed);
  EXPECT_TRUE(store_->destroy());
}

TEST_P(StoreTest, ManySubjectsComeAndGo) {
  StoreLimits l;
  l.max_msgs = 100;
  open(l);
  for (int i = 0; i < 1000; ++i) put("s." + std::to_string(i));
  EXPECT_EQ(store_->state().num_subjects, 100u);
  EXPECT_EQ(store_->subjects_state("s.999").size(), 1u);
  EXPECT_TRUE(store_->subjects_state("s.1").empty());
  EXPECT_EQ(store_->load_next("s.950", 0).value().seq, 951u);
  reopen();
}

// ---- Randomised comparison with a straightforward model ------------------------------------

class Model {
 public:
  explicit Model(const StoreLimits& l) : limits_(l) {}

  uint64_t store(const std::string& subject, const std::string& payload, int64_t ts) {
    const uint64_t seq = ++last_;
    last_ts_ = ts;
    msgs_[seq] = StoredMsg{seq, ts, subject, "", payload};
    std::vector<uint64_t> of_subject;
    for (const auto& [s, m] : msgs_) {
      if (m.subject == subject) of_subject.push_back(s);
    }
    for (std::size_t i = 0;
         i + static_cast<std::size_t>(limits_.max_msgs_per_subject) < of_subject.size(); ++i) {
      msgs_.erase(of_subject[i]);
    }
    while (msgs_.size() > static_cast<std::size_t>(limits_.max_msgs)) msgs_.erase(msgs_.begin());
    return seq;
  }
  bool remove(uint64_t seq) { return msgs_.erase(seq) == 1; }
  void skip_to(uint64_t seq) { last_ = seq; }
  uint64_t purge(const std::string& filter, uint64_t up_to, uint64_t keep) {
    std::vector<uint64_t> matching;
    for (const auto& [s, m] : msgs_) {
      if (filter.empty() || codec::subject_matches(filter, m.subject)) matching.push_back(s);
    }
    const uint64_t budget = keep >= matching.size() ? 0 : matching.size() - keep;
    uint64_t n = 0;
    for (uint64_t s : matching) {
      if (n == budget || (up_to != 0 && s >= up_to)) break;
      msgs_.erase(s);
      ++n;
    }
    return n;
  }
  uint64_t expire(int64_t now) {
    uint64_t n = 0;
    while (!msgs_.empty() && msgs_.begin()->second.ts_ns <= now - limits_.max_age_ns) {
      msgs_.erase(msgs_.begin());
      ++n;
    }
    return n;
  }

  StoreState state() const {
    StoreState st;
    st.msgs = msgs_.size();
    for (const auto& [s, m] : msgs_) st.bytes += msg_size(m.subject, m.headers, m.payload);
    st.first_seq = msgs_.empty() ? (last_ == 0 ? 0 : last_ + 1) : msgs_.begin()->first;
    st.first_ts_ns = msgs_.empty() ? 0 : msgs_.begin()->second.ts_ns;
    st.last_seq = last_;
    st.last_ts_ns = last_ts_;
    st.num_deleted = msgs_.empty() ? 0 : last_ - st.first_seq + 1 - msgs_.size();
    std::map<std::string, int> subjects;
    for (const auto& [s, m] : msgs_) subjects[m.subject]++;
    st.num_subjects = subjects.size();
    return st;
  }
  const std::map<uint64_t, StoredMsg>& msgs() const { return msgs_; }

 private:
  StoreLimits limits_;
  std::map<uint64_t, StoredMsg> msgs_;
  uint64_t last_ = 0;
  int64_t last_ts_ = 0;
};

void expect_same(StreamStore& store, const Model& model, const std::vector<std::string>& filters) {
  const StoreState want = model.state();
  ASSERT_EQ(state_tuple(store.state()), state_tuple(want));
  std::vector<uint64_t> deleted;
  for (uint64_t s = want.first_seq; want.msgs > 0 && s <= want.last_seq; ++s) {
    if (model.msgs().count(s) == 0) deleted.push_back(s);
  }
  EXPECT_EQ(store.deleted_sequences(), deleted);
  for (uint64_t s = want.first_seq > 3 ? want.first_seq - 3 : 0; s <= want.last_seq + 1; ++s) {
    auto got = store.load(s);
    const auto it = model.msgs().find(s);
    if (it == model.msgs().end()) {
      EXPECT_FALSE(got) << "seq " << s;
      continue;
    }
    ASSERT_TRUE(got) << "seq " << s << ": " << got.error().message();
    EXPECT_EQ(got.value().subject, it->second.subject);
    EXPECT_EQ(got.value().payload, it->second.payload);
    EXPECT_EQ(got.value().ts_ns, it->second.ts_ns);
  }
  for (const std::string& f : filters) {
    for (uint64_t start : {uint64_t{0}, want.first_seq + 2, (want.first_seq + want.last_seq) / 2}) {
      FilteredState fs;
      uint64_t next = 0;
      for (const auto& [s, m] : model.msgs()) {
        if (s < start || !(f.empty() || codec::subject_matches(f, m.subject))) continue;
        if (fs.msgs++ == 0) fs.first_seq = s;
        fs.last_seq = s;
        if (next == 0) next = s;
      }
      const FilteredState got = store.filtered_state(f, start);
      EXPECT_EQ(got.msgs, fs.msgs) << f << " from " << start;
      EXPECT_EQ(got.first_seq, fs.first_seq) << f << " from " << start;
      EXPECT_EQ(got.last_seq, fs.last_seq) << f << " from " << start;
      auto n = store.load_next(f, start);
      EXPECT_EQ(n ? n.value().seq : 0, next) << f << " from " << start;
    }
    auto l = store.load_last(f);
    uint64_t last = 0;
    std::map<std::string, uint64_t> counts;
    for (const auto& [s, m] : model.msgs()) {
      if (f.empty() || codec::subject_matches(f, m.subject)) {
        last = s;
        counts[m.subject]++;
      }
    }
    EXPECT_EQ(l ? l.value().seq : 0, last) << f;
    EXPECT_EQ(store.subjects_state(f),
              (std::vector<std::pair<std::string, uint64_t>>(counts.begin(), counts.end())));
  }
}

TEST_P(StoreTest, RandomOperationsMatchModel) {
  StoreLimits l;
  l.max_msgs = 60;
  l.max_msgs_per_subject = 8;
  l.max_age_ns = 500;
  open(l);
  Model model(l);
  const std::vector<std::string> subjects = {"a.1", "a.2", "b.1", "b.2.x", "c"};
  const std::vector<std::string> filters = {"", "a.*", "a.1", "b.>", "*.1", "c", "zz"};
  std::mt19937_64 rng(::testing::UnitTest::GetInstance()->random_seed());
  SCOPED_TRACE("seed " + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  int64_t now = 0;
  for (int step = 0; step < 1500; ++step) {
    now += 1;
    const int op = static_cast<int>(rng() % 100);
    if (op < 70) {
      const std::string& subject = subjects[rng() % subjects.size()];
      const std::string payload(rng() % 40, static_cast<char>('a' + step % 26));
      auto r = store_->store(subject, "", payload, now);
      ASSERT_TRUE(r);
      ASSERT_EQ(r.value(), model.store(subject, payload, now));
    } else if (op < 82) {
      const StoreState st = model.state();
      const uint64_t seq = st.first_seq + rng() % (st.last_seq - st.first_seq + 2);
      EXPECT_EQ(static_cast<bool>(store_->remove(seq, rng() % 4 == 0)), model.remove(seq));
    } else if (op < 86) {
      const std::string& f = filters[rng() % filters.size()];
      const uint64_t up_to = rng() % 3 == 0 ? model.state().first_seq + rng() % 20 : 0;
      const uint64_t keep = rng() % 3 == 0 ? rng() % 5 : 0;
      if (f.empty() && up_to == 0 && keep == 0 && rng() % 4 != 0) continue;  // rarer
      auto r = store_->purge(f, up_to, keep);
      ASSERT_TRUE(r);
      EXPECT_EQ(r.value(), model.purge(f, up_to, keep)) << f << " " << up_to << " " << keep;
    } else if (op < 88) {
      const uint64_t seq = model.state().last_seq + 1 + rng() % 3;
      ASSERT_TRUE(store_->skip_to(seq));
      model.skip_to(seq);
    } else if (op < 92) {
      auto r = store_->expire(now);
      ASSERT_TRUE(r);
      EXPECT_EQ(r.value(), model.expire(now));
    } else if (op < 94) {
      reopen();
    } else if (op < 96) {
      ASSERT_TRUE(store_->compact());
    } else if (op < 98) {
      ASSERT_TRUE(store_->sync());
    }
    if (step % 25 == 0 || op >= 92) {
      expect_same(*store_, model, filters);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  expect_same(*store_, model, filters);
  reopen();
  expect_same(*store_, model, filters);
}

}  // namespace
}  // namespace quiver::server::jetstream
