// slow_consumer: a subscriber that does not read is disconnected once the broker holds more
// than max_pending bytes for it, without -ERR, and without hurting the publisher or other
// subscribers.
#include <atomic>
#include <thread>

#include "conformance/cases/all_cases.h"
#include "conformance/cases/helpers.h"

namespace quiver::conformance {
namespace {

// A 64 KiB pending limit. max_payload must not exceed max_pending.
constexpr std::string_view kTinyPending = "max_payload: 65536\nmax_pending: 65536\n";

constexpr std::size_t kMessageSize = 60000;
// 12 MB: more than the kernel buffers between the broker and a stalled reader (a few MB on
// loopback) plus max_pending, so the broker must hold more than max_pending at some point.
constexpr std::size_t kMessages = 200;

// A subscriber whose socket receive buffer is tiny, so the broker's writes stall quickly.
Connection stalled_subscriber(CaseContext& ctx, std::string_view subject) {
  Connection c = ctx.client(ctx.connect_options(), 0, SocketOptions{.receive_buffer = 4096});
  c.sub(subject, "1");
  c.flush();
  return c;
}

std::string flood(std::string_view subject) {
  const std::string payload(kMessageSize, 's');
  std::string batch;
  batch.reserve(kMessages * (kMessageSize + 40));
  for (std::size_t i = 0; i < kMessages; ++i) batch += pub_bytes(subject, payload);
  return batch;
}

// Reads what the stalled subscriber got until the broker closes it: only MSGs may precede the
// close (a slow consumer gets no -ERR).
void expect_cut_off(Connection& slow) {
  std::vector<ServerOp> ops = slow.read_until_closed(milliseconds(10000));
  for (const ServerOp& op : ops) {
    check(op.is_msg(),
          "a slow consumer gets no -ERR or other op before the close; got " + op.describe());
  }
  check(ops.size() < kMessages, "the slow subscriber received all " + std::to_string(ops.size()) +
                                    " messages before the close; it was never a slow consumer");
}

}  // namespace

void register_slow_consumer_cases(Registry& registry) {
  Area area(registry, "slow_consumer");

  area.add("disconnected_without_err",
           "a subscriber that does not read is closed (no -ERR) once max_pending (64 KiB) is "
           "exceeded; the publisher stays connected",
           {.server_config = std::string(kTinyPending)}, [](CaseContext& ctx) {
             Connection slow = stalled_subscriber(ctx, "sc.one");
             Connection pub = ctx.client();
             pub.send(flood("sc.one"));
             pub.flush();
             expect_cut_off(slow);
             pub.flush();
           });

  area.add("other_subscriber_unaffected",
           "while a slow subscriber is cut off, another subscriber of the same publisher gets "
           "every one of its messages in order",
           {.server_config = std::string(kTinyPending)}, [](CaseContext& ctx) {
             Connection slow = stalled_subscriber(ctx, "sc.two");
             Connection other = ctx.client();
             other.sub("sc.other", "o");
             other.flush();
             Connection pub = ctx.client();
             // The flood for the slow subscriber, with a small message for the other one after
             // every second large one.
             const std::string payload(kMessageSize, 's');
             std::string batch;
             std::size_t small = 0;
             for (std::size_t i = 0; i < kMessages; ++i) {
               batch += pub_bytes("sc.two", payload);
               if (i % 2 == 1) batch += pub_bytes("sc.other", seq_payload(small++));
             }
             // The publisher writes from another thread while this one reads, so a write that
             // blocks on the broker cannot stall the reading.
             std::atomic<bool> sent_ok{false};
             std::thread writer([&] {
               try {
                 sent_ok = pub.try_send(batch);
               } catch (const CaseFailure&) {
                 sent_ok = false;  // the case deadline passed while the broker was not reading
               }
             });
             std::string failure;
             try {
               for (std::size_t i = 0; i < small;) {
                 ServerOp m = other.next("message " + std::to_string(i + 1) + " for the other sub",
                                         milliseconds(10000));
                 if (m.raw == "PING\r\n") {  // the broker's keepalive, if the flood is slow
                   other.send("PONG\r\n");
                   continue;
                 }
                 if (m.raw != msg_bytes("sc.other", "o", seq_payload(i))) {
                   failure = "expected " + seq_payload(i) + " on the other subscriber, got " +
                             m.describe();
                   break;
                 }
                 ++i;
               }
             } catch (const CaseFailure& e) {
               failure = e.what();
             }
             writer.join();
             check(failure.empty(), failure);
             check(sent_ok.load(), "the broker closed the publisher");
             pub.flush();
             expect_cut_off(slow);
           });

  area.add("counted_in_varz",
           "/varz slow_consumers grows by at least one after a slow consumer is cut off",
           {.monitoring = true, .server_config = std::string(kTinyPending)}, [](CaseContext& ctx) {
             const int64_t before =
                 ctx.monitor_json("/varz").at("slow_consumers").to_number<int64_t>();
             Connection slow = stalled_subscriber(ctx, "sc.three");
             Connection pub = ctx.client();
             pub.send(flood("sc.three"));
             pub.flush();
             expect_cut_off(slow);
             ctx.eventually("/varz slow_consumers to grow", [&] {
               return ctx.monitor_json("/varz").at("slow_consumers").to_number<int64_t>() > before;
             });
           });
}

}  // namespace quiver::conformance
