// Interop tests: the official NATS C client (Debian libnats 3.4.1) against the server at
// $NATS_URL. They pass against nats-server 2.9.10; any broker that claims to be a drop-in must
// pass them unchanged. run_interop.sh starts the server and sets NATS_URL.
//
// Delivery checks never sleep. They rely on NATS per-connection ordering: once a publisher's
// flush has returned, the server has queued every resulting MSG for its subscribers, so one
// flush on a subscriber's connection (the PONG comes after those MSGs) leaves all of them in the
// client's queues, where they can be counted exactly.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nats/nats.h>

namespace quiver::interop {
namespace {

constexpr int64_t kTimeoutMs = 5000;
constexpr int kDefaultMaxPayload = 1024 * 1024;

struct ConnDeleter {
  void operator()(natsConnection* nc) const { natsConnection_Destroy(nc); }
};
struct SubDeleter {
  void operator()(natsSubscription* sub) const { natsSubscription_Destroy(sub); }
};
struct MsgDeleter {
  void operator()(natsMsg* msg) const { natsMsg_Destroy(msg); }
};
struct OptsDeleter {
  void operator()(natsOptions* opts) const { natsOptions_Destroy(opts); }
};
struct StatsDeleter {
  void operator()(natsStatistics* stats) const { natsStatistics_Destroy(stats); }
};
using ConnPtr = std::unique_ptr<natsConnection, ConnDeleter>;
using SubPtr = std::unique_ptr<natsSubscription, SubDeleter>;
using MsgPtr = std::unique_ptr<natsMsg, MsgDeleter>;
using OptsPtr = std::unique_ptr<natsOptions, OptsDeleter>;
using StatsPtr = std::unique_ptr<natsStatistics, StatsDeleter>;

// nats_Close() stops the library's threads; without it a finished run can hang in exit.
class NatsLibraryEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { nats_Close(); }
};
[[maybe_unused]] ::testing::Environment* const kNatsEnvironment =
    ::testing::AddGlobalTestEnvironment(new NatsLibraryEnvironment);

struct Received {
  std::string subject;
  std::string reply;
  std::string data;
};

Received ToReceived(natsMsg* msg) {
  const char* reply = natsMsg_GetReply(msg);
  return Received{
      natsMsg_GetSubject(msg),
      reply == nullptr ? "" : reply,
      std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))),
  };
}

std::vector<std::string> Subjects(const std::vector<Received>& msgs) {
  std::vector<std::string> out;
  for (const Received& m : msgs) out.push_back(m.subject);
  return out;
}

std::vector<std::string> Payloads(const std::vector<Received>& msgs) {
  std::vector<std::string> out;
  for (const Received& m : msgs) out.push_back(m.data);
  return out;
}

std::vector<std::string> Numbered(std::string_view prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(std::string(prefix) + std::to_string(i));
  return out;
}

// Every message the server has routed to `sub` so far (see the file comment for why one flush
// suffices). A message arriving after this returns is a bug the next TakeAll would expose.
std::vector<Received> TakeAll(natsConnection* nc, natsSubscription* sub) {
  std::vector<Received> out;
  natsStatus s = natsConnection_FlushTimeout(nc, kTimeoutMs);
  EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
  uint64_t queued = 0;
  s = natsSubscription_QueuedMsgs(sub, &queued);
  EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
  for (uint64_t i = 0; i < queued; ++i) {
    natsMsg* raw = nullptr;
    s = natsSubscription_NextMsg(&raw, sub, kTimeoutMs);
    EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    if (s != NATS_OK) break;
    MsgPtr msg(raw);
    out.push_back(ToReceived(msg.get()));
  }
  return out;
}

// Every MSG the connection has read, including those nats.c discards because their
// subscription is gone: the way to see what the server sent.
uint64_t InMsgs(natsConnection* nc) {
  natsStatistics* raw = nullptr;
  EXPECT_EQ(natsStatistics_Create(&raw), NATS_OK);
  StatsPtr stats(raw);
  EXPECT_EQ(natsConnection_GetStats(nc, stats.get()), NATS_OK);
  uint64_t in_msgs = 0;
  EXPECT_EQ(natsStatistics_GetCounts(stats.get(), &in_msgs, nullptr, nullptr, nullptr, nullptr),
            NATS_OK);
  return in_msgs;
}

// Collects messages delivered to asynchronous subscriptions (callbacks run on nats.c threads).
class Collector {
 public:
  static void OnMsg(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    MsgPtr msg(raw);
    auto* self = static_cast<Collector*>(closure);
    std::lock_guard lock(self->mu_);
    self->msgs_.push_back(ToReceived(msg.get()));
    self->cv_.notify_all();
  }

  bool WaitForCount(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(kTimeoutMs),
                        [&] { return msgs_.size() >= n; });
  }

  std::vector<Received> Snapshot() {
    std::lock_guard lock(mu_);
    return msgs_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> msgs_;
};

// Signalled by the connection's closed callback.
class ClosedSignal {
 public:
  static void OnClosed(natsConnection*, void* closure) {
    auto* self = static_cast<ClosedSignal*>(closure);
    std::lock_guard lock(self->mu_);
    self->closed_ = true;
    self->cv_.notify_all();
  }

  bool Wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(kTimeoutMs), [&] { return closed_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
};

class NatsInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("NATS_URL");
    ASSERT_NE(url, nullptr) << "NATS_URL is not set; run this through run_interop.sh";
    url_ = url;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // Unique per test so that nothing left over from another test can match.
    prefix_ = std::string("interop.c.") + info->name() + ".";
  }

  // Connects with reconnects disabled: a test must fail, not hide a dropped connection.
  ConnPtr Connect(natsOptions* extra = nullptr) {
    natsOptions* opts = extra;
    OptsPtr owned;
    if (opts == nullptr) {
      EXPECT_EQ(natsOptions_Create(&opts), NATS_OK);
      owned.reset(opts);
    }
    EXPECT_EQ(natsOptions_SetURL(opts, url_.c_str()), NATS_OK);
    EXPECT_EQ(natsOptions_SetAllowReconnect(opts, false), NATS_OK);
    EXPECT_EQ(natsOptions_SetTimeout(opts, kTimeoutMs), NATS_OK);
    natsConnection* nc = nullptr;
    natsStatus s = natsConnection_Connect(&nc, opts);
    EXPECT_EQ(s, NATS_OK) << "connect to " << url_ << ": " << natsStatus_GetText(s);
    return ConnPtr(nc);
  }

  SubPtr SubscribeSync(natsConnection* nc, const std::string& subject) {
    natsSubscription* sub = nullptr;
    natsStatus s = natsConnection_SubscribeSync(&sub, nc, subject.c_str());
    EXPECT_EQ(s, NATS_OK) << subject << ": " << natsStatus_GetText(s);
    return SubPtr(sub);
  }

  std::string Subject(std::string_view suffix) const { return prefix_ + std::string(suffix); }

  std::string url_;
  std::string prefix_;
};

void ExpectFlushed(natsConnection* nc) {
  natsStatus s = natsConnection_FlushTimeout(nc, kTimeoutMs);
  EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
}

TEST_F(NatsInteropTest, ConnectReportsServerInfo) {
  ConnPtr nc = Connect();
  ASSERT_NE(nc, nullptr);
  EXPECT_EQ(natsConnection_Status(nc.get()), NATS_CONN_STATUS_CONNECTED);

  char buf[256] = {};
  ASSERT_EQ(natsConnection_GetConnectedUrl(nc.get(), buf, sizeof(buf)), NATS_OK);
  EXPECT_EQ(std::string(buf), url_);

  char server_id[256] = {};
  ASSERT_EQ(natsConnection_GetConnectedServerId(nc.get(), server_id, sizeof(server_id)), NATS_OK);
  EXPECT_NE(std::string(server_id), "");

  EXPECT_EQ(natsConnection_GetMaxPayload(nc.get()), kDefaultMaxPayload);
  EXPECT_EQ(natsConnection_HasHeaderSupport(nc.get()), NATS_OK);

  uint64_t cid = 0;
  ASSERT_EQ(natsConnection_GetClientID(nc.get(), &cid), NATS_OK);
  EXPECT_GT(cid, 0u);

  char* client_ip = nullptr;
  ASSERT_EQ(natsConnection_GetClientIP(nc.get(), &client_ip), NATS_OK);
  EXPECT_EQ(std::string(client_ip), "127.0.0.1");
  free(client_ip);

  int64_t rtt = -1;
  ASSERT_EQ(natsConnection_GetRTT(nc.get(), &rtt), NATS_OK);
  EXPECT_GE(rtt, 0);

  natsConnection_Close(nc.get());
  EXPECT_TRUE(natsConnection_IsClosed(nc.get()));
  EXPECT_EQ(natsConnection_PublishString(nc.get(), Subject("after-close").c_str(), "x"),
            NATS_CONNECTION_CLOSED);
}

TEST_F(NatsInteropTest, SecondClientGetsDistinctClientId) {
  ConnPtr a = Connect();
  ConnPtr b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  uint64_t cid_a = 0;
  uint64_t cid_b = 0;
  ASSERT_EQ(natsConnection_GetClientID(a.get(), &cid_a), NATS_OK);
  ASSERT_EQ(natsConnection_GetClientID(b.get(), &cid_b), NATS_OK);
  EXPECT_NE(cid_a, cid_b);
}

TEST_F(NatsInteropTest, PubSubDeliversMessagesInOrderWithExactBytes) {
  ConnPtr pub = Connect();
  ConnPtr subc = Connect();
  ASSERT_NE(pub, nullptr);
  ASSERT_NE(subc, nullptr);
  const std::string subject = Subject("orders");
  SubPtr sub = SubscribeSync(subc.get(), subject);
  ASSERT_NE(sub, nullptr);
  // The SUB must reach the server before the other connection publishes.
  ExpectFlushed(subc.get());

  const std::vector<std::string> expected = Numbered("msg-", 100);
  for (const std::string& data : expected) {
    ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), data.c_str()), NATS_OK);
  }
  std::string binary;
  for (int b = 0; b < 256; ++b) binary.push_back(static_cast<char>(b));
  binary += "\r\nMSG fake 1 3\r\n";
  ASSERT_EQ(natsConnection_Publish(pub.get(), subject.c_str(), binary.data(),
                                   static_cast<int>(binary.size())),
            NATS_OK);
  ASSERT_EQ(natsConnection_Publish(pub.get(), subject.c_str(), nullptr, 0), NATS_OK);
  ASSERT_EQ(natsConnection_PublishRequestString(pub.get(), subject.c_str(),
                                                Subject("reply-to").c_str(), "with-reply"),
            NATS_OK);
  ExpectFlushed(pub.get());

  const std::vector<Received> got = TakeAll(subc.get(), sub.get());
  ASSERT_EQ(got.size(), 103u);
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(got[i].subject, subject);
    EXPECT_EQ(got[i].reply, "");
    EXPECT_EQ(got[i].data, expected[i]);
  }
  EXPECT_EQ(got[100].data, binary);
  EXPECT_EQ(got[101].data, "");
  EXPECT_EQ(got[102].data, "with-reply");
  EXPECT_EQ(got[102].reply, Subject("reply-to"));
}

TEST_F(NatsInteropTest, WildcardSubscriptionsMatchExactlyTheRightSubjects) {
  ConnPtr nc = Connect();
  ASSERT_NE(nc, nullptr);
  SubPtr star = SubscribeSync(nc.get(), Subject("wc.*"));
  SubPtr full = SubscribeSync(nc.get(), Subject("wc.>"));
  SubPtr middle = SubscribeSync(nc.get(), Subject("wc.*.end"));
  SubPtr literal = SubscribeSync(nc.get(), Subject("wc.a"));
  SubPtr literal_gt = SubscribeSync(nc.get(), Subject("wc.b>"));

  const std::vector<std::string> published = {
      Subject("wc"),     Subject("wc.a"),       Subject("wc.b.end"), Subject("wc.b.c.end"),
      Subject("wc.x.y"), Subject("wc.b>"),      Subject("wcx.a"),    Subject("wc.end"),
      Subject("wc.A"),   Subject("wc.a.b.c.d"),
  };
  for (const std::string& s : published) {
    ASSERT_EQ(natsConnection_PublishString(nc.get(), s.c_str(), s.c_str()), NATS_OK);
  }
  ExpectFlushed(nc.get());

  EXPECT_EQ(Subjects(TakeAll(nc.get(), star.get())),
            (std::vector<std::string>{Subject("wc.a"), Subject("wc.b>"), Subject("wc.end"),
                                      Subject("wc.A")}));
  EXPECT_EQ(Subjects(TakeAll(nc.get(), full.get())),
            (std::vector<std::string>{Subject("wc.a"), Subject("wc.b.end"), Subject("wc.b.c.end"),
                                      Subject("wc.x.y"), Subject("wc.b>"), Subject("wc.end"),
                                      Subject("wc.A"), Subject("wc.a.b.c.d")}));
  EXPECT_EQ(Subjects(TakeAll(nc.get(), middle.get())),
            (std::vector<std::string>{Subject("wc.b.end")}));
  EXPECT_EQ(Subjects(TakeAll(nc.get(), literal.get())),
            (std::vector<std::string>{Subject("wc.a")}));
  // `b>` is not a whole token, so it is a literal, not a wildcard.
  EXPECT_EQ(Subjects(TakeAll(nc.get(), literal_gt.get())),
            (std::vector<std::string>{Subject("wc.b>")}));
}

TEST_F(NatsInteropTest, QueueGroupDeliversEachMessageToExactlyOneMember) {
  constexpr int kMembers = 3;
  constexpr int kMessages = 300;
  const std::string subject = Subject("work");
  std::vector<ConnPtr> member_conns;
  std::vector<SubPtr> members;
  for (int i = 0; i < kMembers; ++i) {
    member_conns.push_back(Connect());
    ASSERT_NE(member_conns.back(), nullptr);
    natsSubscription* raw = nullptr;
    ASSERT_EQ(natsConnection_QueueSubscribeSync(&raw, member_conns.back().get(), subject.c_str(),
                                                "workers"),
              NATS_OK);
    members.emplace_back(raw);
    ExpectFlushed(member_conns.back().get());
  }
  ConnPtr plain_conn = Connect();
  ASSERT_NE(plain_conn, nullptr);
  SubPtr plain = SubscribeSync(plain_conn.get(), subject);
  // A second group on the same subject is independent of the first.
  natsSubscription* other_raw = nullptr;
  ASSERT_EQ(
      natsConnection_QueueSubscribeSync(&other_raw, plain_conn.get(), subject.c_str(), "auditors"),
      NATS_OK);
  SubPtr other_group(other_raw);
  ExpectFlushed(plain_conn.get());

  ConnPtr pub = Connect();
  ASSERT_NE(pub, nullptr);
  const std::vector<std::string> expected = Numbered("job-", kMessages);
  for (const std::string& data : expected) {
    ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), data.c_str()), NATS_OK);
  }
  ExpectFlushed(pub.get());

  EXPECT_EQ(Payloads(TakeAll(plain_conn.get(), plain.get())), expected);
  EXPECT_EQ(Payloads(TakeAll(plain_conn.get(), other_group.get())), expected);

  std::multiset<std::string> across_group;
  for (int i = 0; i < kMembers; ++i) {
    const std::vector<Received> got = TakeAll(member_conns[i].get(), members[i].get());
    // 300 random picks over 3 members: an idle member means the group is not load-balanced.
    EXPECT_GT(got.size(), 0u) << "member " << i;
    for (const Received& m : got) across_group.insert(m.data);
  }
  EXPECT_EQ(across_group, std::multiset<std::string>(expected.begin(), expected.end()));
}

TEST_F(NatsInteropTest, RequestReplyGetsTheResponderAnswer) {
  ConnPtr responder = Connect();
  ConnPtr requester = Connect();
  ASSERT_NE(responder, nullptr);
  ASSERT_NE(requester, nullptr);
  const std::string subject = Subject("echo");

  struct Echo {
    static void OnMsg(natsConnection* nc, natsSubscription*, natsMsg* raw, void*) {
      MsgPtr msg(raw);
      const std::string answer =
          "echo:" + std::string(natsMsg_GetData(msg.get()), natsMsg_GetDataLength(msg.get()));
      natsConnection_PublishString(nc, natsMsg_GetReply(msg.get()), answer.c_str());
    }
  };
  natsSubscription* raw_sub = nullptr;
  ASSERT_EQ(
      natsConnection_Subscribe(&raw_sub, responder.get(), subject.c_str(), Echo::OnMsg, nullptr),
      NATS_OK);
  SubPtr sub(raw_sub);
  ExpectFlushed(responder.get());

  for (int i = 0; i < 20; ++i) {
    const std::string body = "req-" + std::to_string(i);
    natsMsg* raw_reply = nullptr;
    natsStatus s = natsConnection_RequestString(&raw_reply, requester.get(), subject.c_str(),
                                                body.c_str(), kTimeoutMs);
    ASSERT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    MsgPtr reply(raw_reply);
    const Received r = ToReceived(reply.get());
    EXPECT_EQ(r.data, "echo:" + body);
    EXPECT_EQ(r.subject.rfind("_INBOX.", 0), 0u) << r.subject;
  }
}

TEST_F(NatsInteropTest, HeadersRoundTripWithMultipleValuesAndCasePreserved) {
  ConnPtr nc = Connect();
  ASSERT_NE(nc, nullptr);
  const std::string subject = Subject("hdrs");
  SubPtr sub = SubscribeSync(nc.get(), subject);

  natsMsg* raw = nullptr;
  ASSERT_EQ(natsMsg_Create(&raw, subject.c_str(), nullptr, "body", 4), NATS_OK);
  MsgPtr out(raw);
  ASSERT_EQ(natsMsgHeader_Set(out.get(), "X-Single", "one"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Add(out.get(), "X-Multi", "a"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Add(out.get(), "X-Multi", "b b"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Add(out.get(), "X-Multi", "c: colon"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Set(out.get(), "lower-case-key", "lower"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Set(out.get(), "MiXeD-CaSe", "mixed"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Set(out.get(), "X-Replaced", "old"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Set(out.get(), "X-Replaced", "new"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Set(out.get(), "X-Deleted", "gone"), NATS_OK);
  ASSERT_EQ(natsMsgHeader_Delete(out.get(), "X-Deleted"), NATS_OK);
  ASSERT_EQ(natsConnection_PublishMsg(nc.get(), out.get()), NATS_OK);

  // Headers with an empty payload are a distinct HPUB shape (payload size == header size).
  natsMsg* raw_empty = nullptr;
  ASSERT_EQ(natsMsg_Create(&raw_empty, subject.c_str(), nullptr, nullptr, 0), NATS_OK);
  MsgPtr empty(raw_empty);
  ASSERT_EQ(natsMsgHeader_Set(empty.get(), "Only-Header", "yes"), NATS_OK);
  ASSERT_EQ(natsConnection_PublishMsg(nc.get(), empty.get()), NATS_OK);
  ExpectFlushed(nc.get());

  natsMsg* raw_in = nullptr;
  ASSERT_EQ(natsSubscription_NextMsg(&raw_in, sub.get(), kTimeoutMs), NATS_OK);
  MsgPtr in(raw_in);
  EXPECT_EQ(ToReceived(in.get()).data, "body");

  const char* value = nullptr;
  ASSERT_EQ(natsMsgHeader_Get(in.get(), "X-Single", &value), NATS_OK);
  EXPECT_EQ(std::string(value), "one");
  ASSERT_EQ(natsMsgHeader_Get(in.get(), "X-Replaced", &value), NATS_OK);
  EXPECT_EQ(std::string(value), "new");
  ASSERT_EQ(natsMsgHeader_Get(in.get(), "lower-case-key", &value), NATS_OK);
  EXPECT_EQ(std::string(value), "lower");
  ASSERT_EQ(natsMsgHeader_Get(in.get(), "MiXeD-CaSe", &value), NATS_OK);
  EXPECT_EQ(std::string(value), "mixed");
  // Keys are case-sensitive end to end: a re-cased key is another key.
  EXPECT_EQ(natsMsgHeader_Get(in.get(), "x-single", &value), NATS_NOT_FOUND);
  EXPECT_EQ(natsMsgHeader_Get(in.get(), "Mixed-Case", &value), NATS_NOT_FOUND);
  EXPECT_EQ(natsMsgHeader_Get(in.get(), "X-Deleted", &value), NATS_NOT_FOUND);

  const char** values = nullptr;
  int count = 0;
  ASSERT_EQ(natsMsgHeader_Values(in.get(), "X-Multi", &values, &count), NATS_OK);
  std::vector<std::string> multi(values, values + count);
  free(static_cast<void*>(values));
  EXPECT_EQ(multi, (std::vector<std::string>{"a", "b b", "c: colon"}));

  const char** keys = nullptr;
  ASSERT_EQ(natsMsgHeader_Keys(in.get(), &keys, &count), NATS_OK);
  std::set<std::string> key_set(keys, keys + count);
  free(static_cast<void*>(keys));
  EXPECT_EQ(key_set, (std::set<std::string>{"X-Single", "X-Multi", "lower-case-key", "MiXeD-CaSe",
                                            "X-Replaced"}));

  natsMsg* raw_in2 = nullptr;
  ASSERT_EQ(natsSubscription_NextMsg(&raw_in2, sub.get(), kTimeoutMs), NATS_OK);
  MsgPtr in2(raw_in2);
  EXPECT_EQ(natsMsg_GetDataLength(in2.get()), 0);
  ASSERT_EQ(natsMsgHeader_Get(in2.get(), "Only-Header", &value), NATS_OK);
  EXPECT_EQ(std::string(value), "yes");
}

TEST_F(NatsInteropTest, RequestToSubjectWithoutSubscribersFailsFastWithNoResponders) {
  ConnPtr nc = Connect();
  ASSERT_NE(nc, nullptr);
  const auto start = std::chrono::steady_clock::now();
  natsMsg* raw = nullptr;
  natsStatus s =
      natsConnection_RequestString(&raw, nc.get(), Subject("nobody").c_str(), "hi", kTimeoutMs);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  MsgPtr reply(raw);
  EXPECT_EQ(s, NATS_NO_RESPONDERS) << natsStatus_GetText(s);
  // The 503 must come from the server right away, not from the client's timeout.
  EXPECT_LT(elapsed, std::chrono::milliseconds(kTimeoutMs / 5));
  EXPECT_EQ(natsConnection_Status(nc.get()), NATS_CONN_STATUS_CONNECTED);
}

TEST_F(NatsInteropTest, NoRespondersIsNotSentToClientsThatDidNotAskForIt) {
  natsOptions* opts = nullptr;
  ASSERT_EQ(natsOptions_Create(&opts), NATS_OK);
  OptsPtr owned(opts);
  ASSERT_EQ(natsOptions_DisableNoResponders(opts, true), NATS_OK);
  ConnPtr nc = Connect(opts);
  ASSERT_NE(nc, nullptr);
  natsMsg* raw = nullptr;
  natsStatus s = natsConnection_RequestString(&raw, nc.get(), Subject("nobody").c_str(), "hi", 250);
  MsgPtr reply(raw);
  EXPECT_EQ(s, NATS_TIMEOUT) << natsStatus_GetText(s);
}

TEST_F(NatsInteropTest, AutoUnsubscribeStopsAfterMaxMessages) {
  ConnPtr pub = Connect();
  ConnPtr subc = Connect();
  ASSERT_NE(pub, nullptr);
  ASSERT_NE(subc, nullptr);
  const std::string subject = Subject("limited");
  SubPtr sub = SubscribeSync(subc.get(), subject);
  ASSERT_EQ(natsSubscription_AutoUnsubscribe(sub.get(), 3), NATS_OK);
  ExpectFlushed(subc.get());

  for (const std::string& data : Numbered("m-", 10)) {
    ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), data.c_str()), NATS_OK);
  }
  ExpectFlushed(pub.get());
  ExpectFlushed(subc.get());

  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    natsMsg* raw = nullptr;
    ASSERT_EQ(natsSubscription_NextMsg(&raw, sub.get(), kTimeoutMs), NATS_OK);
    MsgPtr msg(raw);
    got.push_back(ToReceived(msg.get()).data);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"m-0", "m-1", "m-2"}));
  natsMsg* extra = nullptr;
  EXPECT_EQ(natsSubscription_NextMsg(&extra, sub.get(), 100), NATS_MAX_DELIVERED_MSGS);
  EXPECT_FALSE(natsSubscription_IsValid(sub.get()));

  // 3 proves the server honoured `UNSUB <sid> 3` rather than the client discarding the surplus.
  EXPECT_EQ(InMsgs(subc.get()), 3u);
}

TEST_F(NatsInteropTest, FlushWaitsUntilTheServerProcessedEverything) {
  ConnPtr pub = Connect();
  ConnPtr subc = Connect();
  ASSERT_NE(pub, nullptr);
  ASSERT_NE(subc, nullptr);
  const std::string subject = Subject("bulk");
  SubPtr sub = SubscribeSync(subc.get(), subject);
  ExpectFlushed(subc.get());

  const std::vector<std::string> expected = Numbered("bulk-", 1000);
  for (const std::string& data : expected) {
    ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), data.c_str()), NATS_OK);
  }
  ASSERT_EQ(natsConnection_FlushTimeout(pub.get(), kTimeoutMs), NATS_OK);
  EXPECT_EQ(natsConnection_Buffered(pub.get()), 0);
  EXPECT_EQ(Payloads(TakeAll(subc.get(), sub.get())), expected);

  natsConnection_Close(pub.get());
  EXPECT_EQ(natsConnection_FlushTimeout(pub.get(), kTimeoutMs), NATS_CONNECTION_CLOSED);
}

TEST_F(NatsInteropTest, DrainConnectionDeliversPendingMessagesThenCloses) {
  ClosedSignal closed;
  natsOptions* opts = nullptr;
  ASSERT_EQ(natsOptions_Create(&opts), NATS_OK);
  OptsPtr owned(opts);
  ASSERT_EQ(natsOptions_SetClosedCB(opts, ClosedSignal::OnClosed, &closed), NATS_OK);
  ConnPtr subc = Connect(opts);
  ConnPtr pub = Connect();
  ASSERT_NE(subc, nullptr);
  ASSERT_NE(pub, nullptr);

  const std::string subject = Subject("drain");
  Collector collector;
  natsSubscription* raw_sub = nullptr;
  ASSERT_EQ(
      natsConnection_Subscribe(&raw_sub, subc.get(), subject.c_str(), Collector::OnMsg, &collector),
      NATS_OK);
  SubPtr sub(raw_sub);
  ExpectFlushed(subc.get());

  const std::vector<std::string> expected = Numbered("d-", 200);
  for (const std::string& data : expected) {
    ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), data.c_str()), NATS_OK);
  }
  ExpectFlushed(pub.get());

  ASSERT_EQ(natsConnection_Drain(subc.get()), NATS_OK);
  ASSERT_TRUE(closed.Wait()) << "drain did not close the connection";
  EXPECT_TRUE(natsConnection_IsClosed(subc.get()));
  EXPECT_EQ(Payloads(collector.Snapshot()), expected);
}

TEST_F(NatsInteropTest, DrainSubscriptionStopsOnlyThatSubscription) {
  ConnPtr nc = Connect();
  ConnPtr pub = Connect();
  ASSERT_NE(nc, nullptr);
  ASSERT_NE(pub, nullptr);
  const std::string subject = Subject("subdrain");
  Collector collector;
  natsSubscription* raw_sub = nullptr;
  ASSERT_EQ(
      natsConnection_Subscribe(&raw_sub, nc.get(), subject.c_str(), Collector::OnMsg, &collector),
      NATS_OK);
  SubPtr drained(raw_sub);
  SubPtr witness = SubscribeSync(nc.get(), subject);
  ExpectFlushed(nc.get());

  const std::vector<std::string> before = Numbered("before-", 50);
  for (const std::string& data : before) {
    ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), data.c_str()), NATS_OK);
  }
  ExpectFlushed(pub.get());

  ASSERT_EQ(natsSubscription_Drain(drained.get()), NATS_OK);
  ASSERT_EQ(natsSubscription_WaitForDrainCompletion(drained.get(), kTimeoutMs), NATS_OK);
  EXPECT_EQ(natsSubscription_DrainCompletionStatus(drained.get()), NATS_OK);
  EXPECT_EQ(Payloads(collector.Snapshot()), before);

  ASSERT_EQ(natsConnection_PublishString(pub.get(), subject.c_str(), "after"), NATS_OK);
  ExpectFlushed(pub.get());
  std::vector<std::string> all = before;
  all.push_back("after");
  EXPECT_EQ(Payloads(TakeAll(nc.get(), witness.get())), all);
  EXPECT_EQ(natsConnection_Status(nc.get()), NATS_CONN_STATUS_CONNECTED);
  EXPECT_EQ(collector.Snapshot().size(), before.size());
  // 50 MSGs for each subscription, then one for the witness only: the server dropped the
  // drained subscription's interest (nats.c would silently discard a surplus MSG).
  EXPECT_EQ(InMsgs(nc.get()), 2 * before.size() + 1);
}

TEST_F(NatsInteropTest, PayloadOfExactlyMaxPayloadRoundTrips) {
  ConnPtr nc = Connect();
  ASSERT_NE(nc, nullptr);
  const int max_payload = static_cast<int>(natsConnection_GetMaxPayload(nc.get()));
  ASSERT_EQ(max_payload, kDefaultMaxPayload);
  const std::string subject = Subject("big");
  SubPtr sub = SubscribeSync(nc.get(), subject);

  std::string big(static_cast<size_t>(max_payload), '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 31 + 7) & 0xff);
  ASSERT_EQ(natsConnection_Publish(nc.get(), subject.c_str(), big.data(), max_payload), NATS_OK);
  ExpectFlushed(nc.get());
  const std::vector<Received> got = TakeAll(nc.get(), sub.get());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data.size(), big.size());
  EXPECT_TRUE(got[0].data == big) << "payload bytes differ";
}

TEST_F(NatsInteropTest, PayloadOverMaxPayloadIsRejectedAndConnectionSurvives) {
  ConnPtr nc = Connect();
  ASSERT_NE(nc, nullptr);
  const std::string subject = Subject("toobig");
  SubPtr sub = SubscribeSync(nc.get(), subject);
  const std::string too_big(kDefaultMaxPayload + 1, 'x');
  EXPECT_EQ(natsConnection_Publish(nc.get(), subject.c_str(), too_big.data(),
                                   static_cast<int>(too_big.size())),
            NATS_MAX_PAYLOAD);
  ASSERT_EQ(natsConnection_PublishString(nc.get(), subject.c_str(), "small"), NATS_OK);
  ExpectFlushed(nc.get());
  EXPECT_EQ(Payloads(TakeAll(nc.get(), sub.get())), (std::vector<std::string>{"small"}));
  EXPECT_EQ(natsConnection_Status(nc.get()), NATS_CONN_STATUS_CONNECTED);
}

}  // namespace
}  // namespace quiver::interop
