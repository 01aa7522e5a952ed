// Interop tests: the official NATS C client's JetStream API (Debian libnats 3.4.1) against the
// JetStream-enabled server at $NATS_URL. They pass against nats-server 2.9.10 started with
// `-js -sd <dir>`; run_interop.sh --js-server-cmd starts it and sets NATS_URL.
//
// Each test uses memory streams named after the test and the process id and deletes them at
// the end. The only waits are pull requests that must come back empty, one redelivery after
// a 300 ms ack_wait, and one poll (with a deadline) for asynchronously applied acks.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nats/nats.h>

namespace quiver::interop {
namespace {

constexpr int64_t kTimeoutMs = 5000;
constexpr int64_t kNanosPerMs = 1000 * 1000;

struct ConnDeleter {
  void operator()(natsConnection* nc) const { natsConnection_Destroy(nc); }
};
struct OptsDeleter {
  void operator()(natsOptions* opts) const { natsOptions_Destroy(opts); }
};
struct JsDeleter {
  void operator()(jsCtx* js) const { jsCtx_Destroy(js); }
};
struct StreamInfoDeleter {
  void operator()(jsStreamInfo* si) const { jsStreamInfo_Destroy(si); }
};
struct ConsumerInfoDeleter {
  void operator()(jsConsumerInfo* ci) const { jsConsumerInfo_Destroy(ci); }
};
struct PubAckDeleter {
  void operator()(jsPubAck* pa) const { jsPubAck_Destroy(pa); }
};
struct SubDeleter {
  void operator()(natsSubscription* sub) const { natsSubscription_Destroy(sub); }
};
struct MsgDeleter {
  void operator()(natsMsg* msg) const { natsMsg_Destroy(msg); }
};
struct MetaDeleter {
  void operator()(jsMsgMetaData* meta) const { jsMsgMetaData_Destroy(meta); }
};
struct NamesDeleter {
  void operator()(jsStreamNamesList* list) const { jsStreamNamesList_Destroy(list); }
};
struct KvDeleter {
  void operator()(kvStore* kv) const { kvStore_Destroy(kv); }
};
struct EntryDeleter {
  void operator()(kvEntry* e) const { kvEntry_Destroy(e); }
};
struct WatcherDeleter {
  void operator()(kvWatcher* w) const { kvWatcher_Destroy(w); }
};
struct KvStatusDeleter {
  void operator()(kvStatus* s) const { kvStatus_Destroy(s); }
};
using ConnPtr = std::unique_ptr<natsConnection, ConnDeleter>;
using OptsPtr = std::unique_ptr<natsOptions, OptsDeleter>;
using JsPtr = std::unique_ptr<jsCtx, JsDeleter>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, StreamInfoDeleter>;
using ConsumerInfoPtr = std::unique_ptr<jsConsumerInfo, ConsumerInfoDeleter>;
using PubAckPtr = std::unique_ptr<jsPubAck, PubAckDeleter>;
using SubPtr = std::unique_ptr<natsSubscription, SubDeleter>;
using MsgPtr = std::unique_ptr<natsMsg, MsgDeleter>;
using MetaPtr = std::unique_ptr<jsMsgMetaData, MetaDeleter>;
using NamesPtr = std::unique_ptr<jsStreamNamesList, NamesDeleter>;
using KvPtr = std::unique_ptr<kvStore, KvDeleter>;
using EntryPtr = std::unique_ptr<kvEntry, EntryDeleter>;
using WatcherPtr = std::unique_ptr<kvWatcher, WatcherDeleter>;
using KvStatusPtr = std::unique_ptr<kvStatus, KvStatusDeleter>;

// A natsMsgList filled by Fetch, destroyed with its messages.
class MsgList {
 public:
  MsgList() = default;
  MsgList(const MsgList&) = delete;
  MsgList& operator=(const MsgList&) = delete;
  ~MsgList() { natsMsgList_Destroy(&list_); }
  natsMsgList* get() { return &list_; }
  int size() const { return list_.Count; }
  natsMsg* operator[](int i) const { return list_.Msgs[i]; }

 private:
  natsMsgList list_{};
};

// nats_Close() stops the library's threads; without it a finished run can hang in exit.
class NatsLibraryEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { nats_Close(); }
};
[[maybe_unused]] ::testing::Environment* const kNatsEnvironment =
    ::testing::AddGlobalTestEnvironment(new NatsLibraryEnvironment);

std::string Data(natsMsg* msg) {
  return std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
}

MetaPtr Meta(natsMsg* msg) {
  jsMsgMetaData* raw = nullptr;
  natsStatus s = natsMsg_GetMetaData(&raw, msg);
  EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
  return MetaPtr(raw);
}

class NatsJetStreamInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("NATS_URL");
    ASSERT_NE(url, nullptr) << "NATS_URL is not set; run this through run_interop.sh";
    url_ = url;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // Unique per test and run, valid as a stream name and as a subject token.
    token_ = std::string("C") + info->name() + "_" + std::to_string(getpid());
    nc_ = Connect();
    ASSERT_NE(nc_, nullptr);
    js_ = JetStream(nc_.get());
    ASSERT_NE(js_, nullptr);
  }

  void TearDown() override {
    if (js_ == nullptr) return;
    for (const std::string& s : streams_) js_DeleteStream(js_.get(), s.c_str(), nullptr, nullptr);
  }

  ConnPtr Connect() {
    natsOptions* opts = nullptr;
    EXPECT_EQ(natsOptions_Create(&opts), NATS_OK);
    OptsPtr owned(opts);
    EXPECT_EQ(natsOptions_SetURL(opts, url_.c_str()), NATS_OK);
    EXPECT_EQ(natsOptions_SetAllowReconnect(opts, false), NATS_OK);
    EXPECT_EQ(natsOptions_SetTimeout(opts, kTimeoutMs), NATS_OK);
    natsConnection* nc = nullptr;
    natsStatus s = natsConnection_Connect(&nc, opts);
    EXPECT_EQ(s, NATS_OK) << "connect to " << url_ << ": " << natsStatus_GetText(s);
    return ConnPtr(nc);
  }

  static JsPtr JetStream(natsConnection* nc) {
    jsOptions o;
    EXPECT_EQ(jsOptions_Init(&o), NATS_OK);
    o.Wait = kTimeoutMs;
    jsCtx* js = nullptr;
    natsStatus s = natsConnection_JetStream(&js, nc, &o);
    EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    return JsPtr(js);
  }

  std::string Name(std::string_view suffix = "") const {
    return suffix.empty() ? token_ : token_ + "_" + std::string(suffix);
  }
  std::string Subject(std::string_view suffix) const {
    return "cjs." + token_ + "." + std::string(suffix);
  }

  // Adds a memory stream capturing "cjs.<token>.>" (or `subjects`), deleted in TearDown.
  // `tweak` adjusts the config before it is sent.
  template <class Tweak>
  natsStatus AddStream(const std::string& name, Tweak&& tweak, jsErrCode* err = nullptr,
                       StreamInfoPtr* out = nullptr) {
    const std::string all = "cjs." + token_ + ".>";
    const char* subjects[] = {all.c_str()};
    jsStreamConfig cfg;
    EXPECT_EQ(jsStreamConfig_Init(&cfg), NATS_OK);
    cfg.Name = name.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_MemoryStorage;
    tweak(cfg);
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js_.get(), &cfg, nullptr, &code);
    if (s == NATS_OK) streams_.push_back(name);
    if (err != nullptr) *err = code;
    StreamInfoPtr owned(si);
    if (out != nullptr) *out = std::move(owned);
    return s;
  }
  natsStatus AddStream(const std::string& name) {
    return AddStream(name, [](jsStreamConfig&) {});
  }

  // js_Publish and the PubAck; `status`/`err` receive the outcome.
  PubAckPtr Publish(const std::string& subject, std::string_view data, jsPubOptions* opts = nullptr,
                    natsStatus* status = nullptr, jsErrCode* err = nullptr) {
    jsPubAck* pa = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_Publish(&pa, js_.get(), subject.c_str(), data.data(),
                              static_cast<int>(data.size()), opts, &code);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_EQ(s, NATS_OK) << subject << ": " << natsStatus_GetText(s) << " (" << code << ")";
    }
    if (err != nullptr) *err = code;
    return PubAckPtr(pa);
  }

  StreamInfoPtr Info(const std::string& stream) {
    jsStreamInfo* si = nullptr;
    natsStatus s = js_GetStreamInfo(&si, js_.get(), stream.c_str(), nullptr, nullptr);
    EXPECT_EQ(s, NATS_OK) << stream << ": " << natsStatus_GetText(s);
    return StreamInfoPtr(si);
  }

  ConsumerInfoPtr ConsumerInfo(const std::string& stream, const std::string& consumer) {
    jsConsumerInfo* ci = nullptr;
    natsStatus s =
        js_GetConsumerInfo(&ci, js_.get(), stream.c_str(), consumer.c_str(), nullptr, nullptr);
    EXPECT_EQ(s, NATS_OK) << consumer << ": " << natsStatus_GetText(s);
    return ConsumerInfoPtr(ci);
  }

  // A pull subscription on the stream's subjects with an explicit-ack durable.
  SubPtr PullSubscribe(const std::string& durable, int64_t ack_wait_ms = 0,
                       int64_t max_deliver = 0) {
    jsSubOptions so;
    EXPECT_EQ(jsSubOptions_Init(&so), NATS_OK);
    so.Stream = streams_.empty() ? nullptr : streams_.front().c_str();
    so.Config.AckPolicy = js_AckExplicit;
    if (ack_wait_ms > 0) so.Config.AckWait = ack_wait_ms * kNanosPerMs;
    if (max_deliver > 0) so.Config.MaxDeliver = max_deliver;
    natsSubscription* sub = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const std::string all = "cjs." + token_ + ".>";
    natsStatus s =
        js_PullSubscribe(&sub, js_.get(), all.c_str(), durable.c_str(), nullptr, &so, &code);
    EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s) << " (" << code << ")";
    return SubPtr(sub);
  }

  std::string url_;
  std::string token_;
  ConnPtr nc_;
  JsPtr js_;
  std::vector<std::string> streams_;
};

TEST_F(NatsJetStreamInteropTest, AddStreamReportsConfigAndEmptyState) {
  StreamInfoPtr si;
  jsErrCode err{};
  ASSERT_EQ(AddStream(
                Name(), [](jsStreamConfig& c) { c.MaxMsgs = 10; }, &err, &si),
            NATS_OK)
      << err;
  ASSERT_NE(si, nullptr);
  EXPECT_EQ(std::string(si->Config->Name), Name());
  ASSERT_EQ(si->Config->SubjectsLen, 1);
  EXPECT_EQ(std::string(si->Config->Subjects[0]), "cjs." + token_ + ".>");
  EXPECT_EQ(si->Config->Storage, js_MemoryStorage);
  EXPECT_EQ(si->Config->Retention, js_LimitsPolicy);
  EXPECT_EQ(si->Config->Discard, js_DiscardOld);
  EXPECT_EQ(si->Config->MaxMsgs, 10);
  EXPECT_EQ(si->Config->MaxBytes, -1);
  EXPECT_EQ(si->Config->Replicas, 1);
  EXPECT_EQ(si->Config->Duplicates, 120 * 1000 * kNanosPerMs);
  EXPECT_EQ(si->State.Msgs, 0u);
  EXPECT_EQ(si->State.FirstSeq, 0u);
  EXPECT_EQ(si->State.LastSeq, 0u);
  EXPECT_GT(si->Created, 0);
}

TEST_F(NatsJetStreamInteropTest, UpdateNamesAndDeleteStream) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  const std::string all = "cjs." + token_ + ".>";
  const std::string extra = "cjs." + token_ + "_extra";
  const char* subjects[] = {all.c_str(), extra.c_str()};
  jsStreamConfig cfg;
  ASSERT_EQ(jsStreamConfig_Init(&cfg), NATS_OK);
  const std::string name = Name();
  cfg.Name = name.c_str();
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 2;
  cfg.Storage = js_MemoryStorage;
  cfg.MaxMsgs = 20;
  jsStreamInfo* raw = nullptr;
  jsErrCode err{};
  ASSERT_EQ(js_UpdateStream(&raw, js_.get(), &cfg, nullptr, &err), NATS_OK) << err;
  StreamInfoPtr updated(raw);
  EXPECT_EQ(updated->Config->MaxMsgs, 20);
  EXPECT_EQ(updated->Config->SubjectsLen, 2);
  EXPECT_EQ(Info(Name())->Config->MaxMsgs, 20);

  jsStreamNamesList* names_raw = nullptr;
  ASSERT_EQ(js_StreamNames(&names_raw, js_.get(), nullptr, &err), NATS_OK);
  NamesPtr names(names_raw);
  std::vector<std::string> all_names(names->List, names->List + names->Count);
  EXPECT_NE(std::find(all_names.begin(), all_names.end(), Name()), all_names.end());

  ASSERT_EQ(js_DeleteStream(js_.get(), name.c_str(), nullptr, &err), NATS_OK) << err;
  jsStreamInfo* gone = nullptr;
  EXPECT_EQ(js_GetStreamInfo(&gone, js_.get(), name.c_str(), nullptr, &err), NATS_NOT_FOUND);
  EXPECT_EQ(gone, nullptr);
  EXPECT_EQ(js_DeleteStream(js_.get(), name.c_str(), nullptr, &err), NATS_NOT_FOUND);
  EXPECT_EQ(err, JSStreamNotFoundErr);
}

TEST_F(NatsJetStreamInteropTest, ConflictingStreamsAreRefusedWithErrorCodes) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  // Same name, different config.
  jsErrCode err{};
  EXPECT_EQ(AddStream(
                Name(), [](jsStreamConfig& c) { c.MaxMsgs = 5; }, &err),
            NATS_ERR);
  EXPECT_EQ(err, JSStreamNameExistErr);
  // Another name whose subjects overlap.
  const std::string overlap = "cjs." + token_ + ".a";
  const char* subjects[] = {overlap.c_str()};
  EXPECT_EQ(AddStream(
                Name("other"),
                [&](jsStreamConfig& c) {
                  c.Subjects = subjects;
                  c.SubjectsLen = 1;
                },
                &err),
            NATS_ERR);
  EXPECT_EQ(err, JSStreamSubjectOverlapErr);
}

TEST_F(NatsJetStreamInteropTest, PublishAcksSequencesAndDeduplicatesMsgId) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  for (uint64_t i = 1; i <= 3; ++i) {
    PubAckPtr pa = Publish(Subject("a"), "m" + std::to_string(i));
    ASSERT_NE(pa, nullptr);
    EXPECT_EQ(std::string(pa->Stream), Name());
    EXPECT_EQ(pa->Sequence, i);
    EXPECT_FALSE(pa->Duplicate);
  }
  jsPubOptions po;
  ASSERT_EQ(jsPubOptions_Init(&po), NATS_OK);
  po.MsgId = "dup-1";
  PubAckPtr first = Publish(Subject("a"), "once", &po);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->Sequence, 4u);
  EXPECT_FALSE(first->Duplicate);
  PubAckPtr again = Publish(Subject("a"), "twice", &po);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Sequence, 4u);
  EXPECT_TRUE(again->Duplicate);
  EXPECT_EQ(Info(Name())->State.Msgs, 4u);
}

TEST_F(NatsJetStreamInteropTest, PublishExpectationsAreCheckedWithErrorCodes) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  jsPubOptions po;
  ASSERT_EQ(jsPubOptions_Init(&po), NATS_OK);
  po.MsgId = "A";
  Publish(Subject("a"), "1", &po);  // 1
  Publish(Subject("b"), "2");       // 2

  natsStatus s = NATS_OK;
  jsErrCode err{};
  ASSERT_EQ(jsPubOptions_Init(&po), NATS_OK);
  po.ExpectLastSeq = 2;
  EXPECT_EQ(Publish(Subject("a"), "3", &po)->Sequence, 3u);
  po.ExpectLastSeq = 2;
  EXPECT_EQ(Publish(Subject("a"), "x", &po, &s, &err), nullptr);
  EXPECT_EQ(s, NATS_ERR);
  EXPECT_EQ(err, JSStreamWrongLastSequenceErr);

  ASSERT_EQ(jsPubOptions_Init(&po), NATS_OK);
  po.ExpectLastMsgId = "B";
  EXPECT_EQ(Publish(Subject("a"), "x", &po, &s, &err), nullptr);
  EXPECT_EQ(s, NATS_ERR);
  EXPECT_EQ(err, JSStreamWrongLastMsgIDErr);

  ASSERT_EQ(jsPubOptions_Init(&po), NATS_OK);
  po.ExpectStream = "NOT_THIS_STREAM";
  EXPECT_EQ(Publish(Subject("a"), "x", &po, &s, &err), nullptr);
  EXPECT_EQ(s, NATS_ERR);
  EXPECT_EQ(err, JSStreamNotMatchErr);

  const std::string name = Name();
  ASSERT_EQ(jsPubOptions_Init(&po), NATS_OK);
  po.ExpectStream = name.c_str();
  po.ExpectLastSubjectSeq = 2;  // b's last
  EXPECT_EQ(Publish(Subject("b"), "4", &po)->Sequence, 4u);
  po.ExpectLastSubjectSeq = 2;
  EXPECT_EQ(Publish(Subject("b"), "x", &po, &s, &err), nullptr);
  EXPECT_EQ(s, NATS_ERR);
  EXPECT_EQ(err, JSStreamWrongLastSequenceErr);

  EXPECT_EQ(Info(Name())->State.Msgs, 4u);
}

TEST_F(NatsJetStreamInteropTest, PublishWithoutStreamFailsWithNoResponders) {
  natsStatus s = NATS_OK;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Publish(Subject("nobody"), "x", nullptr, &s), nullptr);
  EXPECT_EQ(s, NATS_NO_RESPONDERS) << natsStatus_GetText(s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(kTimeoutMs / 5));
}

TEST_F(NatsJetStreamInteropTest, GetDeleteAndPurgeMessages) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  for (const char* s : {"a", "b", "a", "b", "a"}) Publish(Subject(s), s);

  natsMsg* raw = nullptr;
  jsErrCode err{};
  ASSERT_EQ(js_GetMsg(&raw, js_.get(), Name().c_str(), 2, nullptr, &err), NATS_OK) << err;
  MsgPtr second(raw);
  EXPECT_EQ(std::string(natsMsg_GetSubject(second.get())), Subject("b"));
  EXPECT_EQ(Data(second.get()), "b");
  EXPECT_EQ(natsMsg_GetSequence(second.get()), 2u);
  EXPECT_GT(natsMsg_GetTime(second.get()), 0);

  ASSERT_EQ(js_GetLastMsg(&raw, js_.get(), Name().c_str(), Subject("a").c_str(), nullptr, &err),
            NATS_OK);
  MsgPtr last(raw);
  EXPECT_EQ(natsMsg_GetSequence(last.get()), 5u);

  ASSERT_EQ(js_DeleteMsg(js_.get(), Name().c_str(), 2, nullptr, &err), NATS_OK) << err;
  raw = nullptr;
  EXPECT_EQ(js_GetMsg(&raw, js_.get(), Name().c_str(), 2, nullptr, &err), NATS_NOT_FOUND);
  EXPECT_EQ(err, JSNoMessageFoundErr);
  EXPECT_EQ(Info(Name())->State.Msgs, 4u);

  jsOptions o;
  ASSERT_EQ(jsOptions_Init(&o), NATS_OK);
  const std::string a = Subject("a");
  o.Stream.Purge.Subject = a.c_str();
  o.Stream.Purge.Keep = 1;
  ASSERT_EQ(js_PurgeStream(js_.get(), Name().c_str(), &o, &err), NATS_OK) << err;
  StreamInfoPtr si = Info(Name());
  EXPECT_EQ(si->State.Msgs, 2u);  // b@4, a@5
  EXPECT_EQ(si->State.FirstSeq, 4u);

  ASSERT_EQ(js_PurgeStream(js_.get(), Name().c_str(), nullptr, &err), NATS_OK);
  si = Info(Name());
  EXPECT_EQ(si->State.Msgs, 0u);
  EXPECT_EQ(si->State.FirstSeq, 6u);
  EXPECT_EQ(si->State.LastSeq, 5u);
}

TEST_F(NatsJetStreamInteropTest, PullFetchDeliversBatchesWithMetadata) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  for (int i = 1; i <= 5; ++i) Publish(Subject("p"), "m" + std::to_string(i));
  SubPtr sub = PullSubscribe("puller");
  ASSERT_NE(sub, nullptr);

  MsgList batch;
  jsErrCode err{};
  ASSERT_EQ(natsSubscription_Fetch(batch.get(), sub.get(), 3, kTimeoutMs, &err), NATS_OK);
  ASSERT_EQ(batch.size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Data(batch[i]), "m" + std::to_string(i + 1));
    EXPECT_EQ(std::string(natsMsg_GetSubject(batch[i])), Subject("p"));
    MetaPtr meta = Meta(batch[i]);
    EXPECT_EQ(std::string(meta->Stream), Name());
    EXPECT_EQ(std::string(meta->Consumer), "puller");
    EXPECT_EQ(meta->Sequence.Stream, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(meta->Sequence.Consumer, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(meta->NumDelivered, 1u);
    EXPECT_EQ(meta->NumPending, static_cast<uint64_t>(4 - i));
    ASSERT_EQ(natsMsg_Ack(batch[i], nullptr), NATS_OK);
  }

  jsFetchRequest req;
  ASSERT_EQ(jsFetchRequest_Init(&req), NATS_OK);
  req.Batch = 10;
  req.NoWait = true;
  req.Expires = kTimeoutMs * kNanosPerMs;
  MsgList rest;
  natsStatus s = natsSubscription_FetchRequest(rest.get(), sub.get(), &req);
  ASSERT_EQ(s, NATS_OK) << natsStatus_GetText(s);
  ASSERT_EQ(rest.size(), 2);
  EXPECT_EQ(Data(rest[0]), "m4");
  EXPECT_EQ(Data(rest[1]), "m5");
  for (int i = 0; i < rest.size(); ++i) {
    ASSERT_EQ(natsMsg_AckSync(rest[i], nullptr, &err), NATS_OK) << err;
  }

  ConsumerInfoPtr ci = ConsumerInfo(Name(), "puller");
  EXPECT_EQ(ci->NumAckPending, 0);
  EXPECT_EQ(ci->NumPending, 0u);
  EXPECT_EQ(ci->AckFloor.Stream, 5u);
  EXPECT_EQ(ci->Delivered.Consumer, 5u);

  // Nothing left: the request expires on the server and Fetch times out.
  MsgList none;
  EXPECT_EQ(natsSubscription_Fetch(none.get(), sub.get(), 1, 300, &err), NATS_TIMEOUT);
  EXPECT_EQ(none.size(), 0);
}

TEST_F(NatsJetStreamInteropTest, NakRedeliversAndTermStops) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  // One message at a time: the server handles acks asynchronously, so with a second message
  // pending the next pull could legitimately get that one before the NAK is processed.
  Publish(Subject("n"), "first");
  SubPtr sub = PullSubscribe("naker", /*ack_wait_ms=*/300);
  ASSERT_NE(sub, nullptr);
  jsErrCode err{};

  MsgList one;
  ASSERT_EQ(natsSubscription_Fetch(one.get(), sub.get(), 1, kTimeoutMs, &err), NATS_OK);
  ASSERT_EQ(one.size(), 1);
  ASSERT_EQ(natsMsg_Nak(one[0], nullptr), NATS_OK);

  MsgList again;
  ASSERT_EQ(natsSubscription_Fetch(again.get(), sub.get(), 1, kTimeoutMs, &err), NATS_OK);
  ASSERT_EQ(again.size(), 1);
  EXPECT_EQ(Data(again[0]), "first");
  EXPECT_EQ(Meta(again[0])->NumDelivered, 2u);
  ASSERT_EQ(natsMsg_Term(again[0], nullptr), NATS_OK);

  Publish(Subject("n"), "second");
  MsgList next;
  ASSERT_EQ(natsSubscription_Fetch(next.get(), sub.get(), 1, kTimeoutMs, &err), NATS_OK);
  ASSERT_EQ(next.size(), 1);
  EXPECT_EQ(Data(next[0]), "second");
  ASSERT_EQ(natsMsg_AckSync(next[0], nullptr, &err), NATS_OK);
  // "first" was terminated: nothing comes back even after ack_wait.
  MsgList none;
  EXPECT_EQ(natsSubscription_Fetch(none.get(), sub.get(), 1, 700, &err), NATS_TIMEOUT);
  EXPECT_EQ(ConsumerInfo(Name(), "naker")->NumAckPending, 0);
}

TEST_F(NatsJetStreamInteropTest, UnackedMessageIsRedeliveredAfterAckWait) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  Publish(Subject("r"), "again");
  SubPtr sub = PullSubscribe("redeliver", /*ack_wait_ms=*/300, /*max_deliver=*/2);
  ASSERT_NE(sub, nullptr);
  jsErrCode err{};
  MsgList first;
  ASSERT_EQ(natsSubscription_Fetch(first.get(), sub.get(), 1, kTimeoutMs, &err), NATS_OK);
  ASSERT_EQ(first.size(), 1);
  const auto start = std::chrono::steady_clock::now();
  MsgList second;
  ASSERT_EQ(natsSubscription_Fetch(second.get(), sub.get(), 1, kTimeoutMs, &err), NATS_OK);
  ASSERT_EQ(second.size(), 1);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  MetaPtr meta = Meta(second[0]);
  EXPECT_EQ(meta->Sequence.Stream, 1u);
  EXPECT_EQ(meta->Sequence.Consumer, 2u);
  EXPECT_EQ(meta->NumDelivered, 2u);
  // max_deliver 2: no third delivery.
  MsgList none;
  EXPECT_EQ(natsSubscription_Fetch(none.get(), sub.get(), 1, 700, &err), NATS_TIMEOUT);
}

TEST_F(NatsJetStreamInteropTest, PushSubscribeWithManualAck) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  for (int i = 1; i <= 3; ++i) Publish(Subject("push"), "p" + std::to_string(i));
  jsSubOptions so;
  ASSERT_EQ(jsSubOptions_Init(&so), NATS_OK);
  const std::string name = Name();
  so.Stream = name.c_str();
  so.ManualAck = true;
  so.Config.Durable = "pusher";
  so.Config.AckPolicy = js_AckExplicit;
  natsSubscription* raw = nullptr;
  jsErrCode err{};
  ASSERT_EQ(js_SubscribeSync(&raw, js_.get(), Subject("push").c_str(), nullptr, &so, &err), NATS_OK)
      << err;
  SubPtr sub(raw);
  for (int i = 1; i <= 3; ++i) {
    natsMsg* m = nullptr;
    ASSERT_EQ(natsSubscription_NextMsg(&m, sub.get(), kTimeoutMs), NATS_OK);
    MsgPtr msg(m);
    EXPECT_EQ(Data(msg.get()), "p" + std::to_string(i));
    EXPECT_EQ(std::string(natsMsg_GetSubject(msg.get())), Subject("push"));
    ASSERT_EQ(natsMsg_AckSync(msg.get(), nullptr, &err), NATS_OK) << err;
  }
  ConsumerInfoPtr ci = ConsumerInfo(Name(), "pusher");
  EXPECT_EQ(ci->NumAckPending, 0);
  EXPECT_EQ(ci->Delivered.Stream, 3u);
  ASSERT_NE(ci->Config->DeliverSubject, nullptr);
  EXPECT_TRUE(ci->PushBound);
}

TEST_F(NatsJetStreamInteropTest, PushQueueSubscribersShareTheMessages) {
  ASSERT_EQ(AddStream(Name()), NATS_OK);
  constexpr int kMessages = 20;
  const std::string name = Name();
  std::vector<ConnPtr> conns;
  std::vector<JsPtr> ctxs;
  std::vector<SubPtr> subs;
  for (int i = 0; i < 2; ++i) {
    conns.push_back(Connect());
    ASSERT_NE(conns.back(), nullptr);
    ctxs.push_back(JetStream(conns.back().get()));
    jsSubOptions so;
    ASSERT_EQ(jsSubOptions_Init(&so), NATS_OK);
    so.Stream = name.c_str();
    so.Queue = "workers";
    so.Config.AckPolicy = js_AckExplicit;
    natsSubscription* raw = nullptr;
    jsErrCode err{};
    ASSERT_EQ(js_SubscribeSync(&raw, ctxs.back().get(), Subject("q").c_str(), nullptr, &so, &err),
              NATS_OK)
        << err;
    subs.emplace_back(raw);
  }
  for (int i = 0; i < kMessages; ++i) Publish(Subject("q"), "q" + std::to_string(i));

  // Both members drain what they get; together they must see every message exactly once.
  std::vector<std::string> got;
  std::vector<int> per_member(subs.size(), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  while (static_cast<int>(got.size()) < kMessages && std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < subs.size(); ++i) {
      natsMsg* m = nullptr;
      if (natsSubscription_NextMsg(&m, subs[i].get(), 20) != NATS_OK) continue;
      MsgPtr msg(m);
      got.push_back(Data(msg.get()));
      ++per_member[i];
      ASSERT_EQ(natsMsg_Ack(msg.get(), nullptr), NATS_OK);
    }
  }
  std::sort(got.begin(), got.end());
  std::vector<std::string> expected;
  for (int i = 0; i < kMessages; ++i) expected.push_back("q" + std::to_string(i));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);
  // 20 random picks over 2 members: an idle member means the group is not load-balanced.
  for (size_t i = 0; i < per_member.size(); ++i) EXPECT_GT(per_member[i], 0) << "member " << i;
  for (auto& c : conns) EXPECT_EQ(natsConnection_FlushTimeout(c.get(), kTimeoutMs), NATS_OK);
  // nats-server applies acks asynchronously after the flush: poll (with a deadline) until every
  // ack has been applied.
  const auto ack_deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  int64_t ack_pending = -1;
  while (std::chrono::steady_clock::now() < ack_deadline) {
    ack_pending = ConsumerInfo(Name(), "workers")->NumAckPending;
    if (ack_pending == 0) break;
    nats_Sleep(10);
  }
  EXPECT_EQ(ack_pending, 0);
}

class NatsKeyValueInteropTest : public NatsJetStreamInteropTest {
 protected:
  KvPtr CreateBucket(uint8_t history) {
    kvConfig cfg;
    EXPECT_EQ(kvConfig_Init(&cfg), NATS_OK);
    bucket_ = Name();
    cfg.Bucket = bucket_.c_str();
    cfg.History = history;
    cfg.StorageType = js_MemoryStorage;
    kvStore* kv = nullptr;
    natsStatus s = js_CreateKeyValue(&kv, js_.get(), &cfg);
    EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    if (s == NATS_OK) streams_.push_back("KV_" + bucket_);
    return KvPtr(kv);
  }

  std::string bucket_;
};

TEST_F(NatsKeyValueInteropTest, PutGetCreateUpdateAndRevisions) {
  KvPtr kv = CreateBucket(5);
  ASSERT_NE(kv, nullptr);
  uint64_t rev = 0;
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "color", "red"), NATS_OK);
  EXPECT_EQ(rev, 1u);
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "color", "blue"), NATS_OK);
  EXPECT_EQ(rev, 2u);

  kvEntry* raw = nullptr;
  ASSERT_EQ(kvStore_Get(&raw, kv.get(), "color"), NATS_OK);
  EntryPtr e(raw);
  EXPECT_EQ(std::string(kvEntry_ValueString(e.get())), "blue");
  EXPECT_EQ(kvEntry_Revision(e.get()), 2u);
  EXPECT_EQ(kvEntry_Operation(e.get()), kvOp_Put);
  EXPECT_EQ(std::string(kvEntry_Key(e.get())), "color");
  EXPECT_EQ(std::string(kvEntry_Bucket(e.get())), bucket_);

  ASSERT_EQ(kvStore_GetRevision(&raw, kv.get(), "color", 1), NATS_OK);
  EntryPtr old(raw);
  EXPECT_EQ(std::string(kvEntry_ValueString(old.get())), "red");

  raw = nullptr;
  EXPECT_EQ(kvStore_Get(&raw, kv.get(), "missing"), NATS_NOT_FOUND);

  ASSERT_EQ(kvStore_CreateString(&rev, kv.get(), "fresh", "v1"), NATS_OK);
  EXPECT_EQ(rev, 3u);
  EXPECT_NE(kvStore_CreateString(&rev, kv.get(), "fresh", "v2"), NATS_OK);
  ASSERT_EQ(kvStore_UpdateString(&rev, kv.get(), "fresh", "v2", 3), NATS_OK);
  EXPECT_EQ(rev, 4u);
  EXPECT_NE(kvStore_UpdateString(&rev, kv.get(), "fresh", "stale", 3), NATS_OK);
  ASSERT_EQ(kvStore_Get(&raw, kv.get(), "fresh"), NATS_OK);
  EntryPtr fresh(raw);
  EXPECT_EQ(std::string(kvEntry_ValueString(fresh.get())), "v2");

  kvStatus* st_raw = nullptr;
  ASSERT_EQ(kvStore_Status(&st_raw, kv.get()), NATS_OK);
  KvStatusPtr status(st_raw);
  EXPECT_EQ(kvStatus_History(status.get()), 5);
  EXPECT_EQ(kvStatus_Values(status.get()), 4u);
}

TEST_F(NatsKeyValueInteropTest, DeletePurgeHistoryAndKeys) {
  KvPtr kv = CreateBucket(10);
  ASSERT_NE(kv, nullptr);
  uint64_t rev = 0;
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "a", "1"), NATS_OK);
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "a", "2"), NATS_OK);
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "b", "x"), NATS_OK);
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "c", "y"), NATS_OK);
  ASSERT_EQ(kvStore_Delete(kv.get(), "c"), NATS_OK);

  kvEntry* raw = nullptr;
  EXPECT_EQ(kvStore_Get(&raw, kv.get(), "c"), NATS_NOT_FOUND);

  kvEntryList history{};
  ASSERT_EQ(kvStore_History(&history, kv.get(), "a", nullptr), NATS_OK);
  ASSERT_EQ(history.Count, 2);
  EXPECT_EQ(std::string(kvEntry_ValueString(history.Entries[0])), "1");
  EXPECT_EQ(std::string(kvEntry_ValueString(history.Entries[1])), "2");
  kvEntryList_Destroy(&history);

  kvKeysList keys{};
  ASSERT_EQ(kvStore_Keys(&keys, kv.get(), nullptr), NATS_OK);
  std::vector<std::string> key_names(keys.Keys, keys.Keys + keys.Count);
  kvKeysList_Destroy(&keys);
  std::sort(key_names.begin(), key_names.end());
  EXPECT_EQ(key_names, (std::vector<std::string>{"a", "b"}));

  ASSERT_EQ(kvStore_Purge(kv.get(), "a", nullptr), NATS_OK);
  EXPECT_EQ(kvStore_Get(&raw, kv.get(), "a"), NATS_NOT_FOUND);
  kvEntryList purged{};
  ASSERT_EQ(kvStore_History(&purged, kv.get(), "a", nullptr), NATS_OK);
  ASSERT_EQ(purged.Count, 1);
  EXPECT_EQ(kvEntry_Operation(purged.Entries[0]), kvOp_Purge);
  kvEntryList_Destroy(&purged);
}

TEST_F(NatsKeyValueInteropTest, WatchAllYieldsInitialValuesMarkerThenUpdates) {
  KvPtr kv = CreateBucket(1);
  ASSERT_NE(kv, nullptr);
  uint64_t rev = 0;
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "a", "a1"), NATS_OK);
  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "b", "b1"), NATS_OK);

  kvWatcher* raw_w = nullptr;
  ASSERT_EQ(kvStore_WatchAll(&raw_w, kv.get(), nullptr), NATS_OK);
  WatcherPtr w(raw_w);
  auto next = [&]() {
    kvEntry* e = nullptr;
    natsStatus s = kvWatcher_Next(&e, w.get(), kTimeoutMs);
    EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    return EntryPtr(e);
  };
  EntryPtr e1 = next();
  ASSERT_NE(e1, nullptr);
  EXPECT_EQ(std::string(kvEntry_Key(e1.get())), "a");
  EntryPtr e2 = next();
  ASSERT_NE(e2, nullptr);
  EXPECT_EQ(std::string(kvEntry_Key(e2.get())), "b");
  // The end of the initial values.
  EXPECT_EQ(next(), nullptr);

  ASSERT_EQ(kvStore_PutString(&rev, kv.get(), "a", "a2"), NATS_OK);
  ASSERT_EQ(kvStore_Delete(kv.get(), "b"), NATS_OK);
  EntryPtr u1 = next();
  ASSERT_NE(u1, nullptr);
  EXPECT_EQ(std::string(kvEntry_Key(u1.get())), "a");
  EXPECT_EQ(std::string(kvEntry_ValueString(u1.get())), "a2");
  EXPECT_EQ(kvEntry_Revision(u1.get()), 3u);
  EntryPtr u2 = next();
  ASSERT_NE(u2, nullptr);
  EXPECT_EQ(std::string(kvEntry_Key(u2.get())), "b");
  EXPECT_EQ(kvEntry_Operation(u2.get()), kvOp_Delete);
  EXPECT_EQ(kvEntry_Revision(u2.get()), 4u);
  ASSERT_EQ(kvWatcher_Stop(w.get()), NATS_OK);
}

}  // namespace
}  // namespace quiver::interop
