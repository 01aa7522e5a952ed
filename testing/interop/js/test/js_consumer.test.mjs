// JetStream consumers through nats.js: durable and ephemeral, pull (fetch, consume, next,
// no_wait), push with a deliver subject and a queue group, ordered consumers, the ack
// variants (ack, nak, term, working, ackAck), redelivery after ack_wait, max_deliver, every
// deliver policy and every ack policy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AckPolicy, DeliverPolicy, ErrorCode, consumerOpts, createInbox } from "nats";
import { connectToServer, enc } from "./helpers.mjs";
import {
  collect,
  nanos,
  reader,
  rejectsWithApiError,
  sleep,
  withJetStream,
} from "./js_helpers.mjs";

const kAckWaitMs = 300;

// Publishes `subjects` (suffixes) in order; message i carries "<suffix>-<seq>".
async function publishAll(js, subj, suffixes) {
  let seq = 0;
  for (const s of suffixes) {
    seq = (await js.publish(subj(s), enc(`${s}-${seq + 1}`))).seq;
  }
  return seq;
}

const seqs = (msgs) => msgs.map((m) => m.seq);

// The messages one pull of `durable` gets within `ms` (the legacy fetch allows expires below
// the 1 s minimum of the consumer API, which keeps "nothing arrives" windows short).
function nothingWithin(js, stream, durable, ms) {
  return collect(js.fetch(stream, durable, { batch: 1, expires: ms }));
}

test("durable pull consumer: info defaults, names, list, delete, not found", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "c"]);
    const ci = await jsm.consumers.add(name(), { durable_name: "dur",
      ack_policy: AckPolicy.Explicit });
    assert.equal(ci.name, "dur");
    assert.equal(ci.stream_name, name());
    assert.equal(ci.config.durable_name, "dur");
    assert.equal(ci.config.ack_policy, AckPolicy.Explicit);
    assert.equal(ci.config.deliver_policy, DeliverPolicy.All);
    assert.equal(ci.config.ack_wait, nanos(30_000));
    assert.equal(ci.config.max_deliver, -1);
    assert.equal(ci.config.max_waiting, 512);
    assert.equal(ci.config.replay_policy, "instant");
    assert.equal(ci.num_pending, 3);
    assert.equal(ci.num_ack_pending, 0);
    assert.equal(ci.num_redelivered, 0);
    assert.equal(ci.num_waiting, 0);
    assert.deepEqual([ci.delivered.consumer_seq, ci.delivered.stream_seq], [0, 0]);
    assert.deepEqual([ci.ack_floor.consumer_seq, ci.ack_floor.stream_seq], [0, 0]);

    await jsm.consumers.add(name(), { durable_name: "dur2", ack_policy: AckPolicy.Explicit });
    const listed = (await collect(jsm.consumers.list(name()))).map((c) => c.name).sort();
    assert.deepEqual(listed, ["dur", "dur2"]);
    assert.equal((await jsm.streams.info(name())).state.consumer_count, 2);

    assert.equal(await jsm.consumers.delete(name(), "dur2"), true);
    await rejectsWithApiError(jsm.consumers.info(name(), "dur2"), {
      code: 404,
      errCode: 10014,
      description: "consumer not found",
    });
    await rejectsWithApiError(jsm.consumers.info(`NO_SUCH_${name()}`, "dur"), {
      code: 404,
      errCode: 10059,
      description: "stream not found",
    });
  });
});

test("ephemeral pull consumer gets a server-assigned name and delivers", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b"]);
    const ci = await jsm.consumers.add(name(), { ack_policy: AckPolicy.Explicit });
    assert.ok(ci.name.length > 0);
    assert.equal(ci.config.durable_name, undefined);
    const c = await js.consumers.get(name(), ci.name);
    const got = await collect(await c.fetch({ max_messages: 2, expires: 1000 }));
    assert.deepEqual(got.map((m) => m.string()), ["a-1", "b-2"]);
    assert.equal(got[0].info.consumer, ci.name);
  });
});

test("fetch delivers batches in order with delivery metadata", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "a", "b", "b", "c"]);
    await jsm.consumers.add(name(), { durable_name: "f", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get(name(), "f");
    const first = await collect(await c.fetch({ max_messages: 3, expires: 1000 }));
    assert.deepEqual(seqs(first), [1, 2, 3]);
    assert.deepEqual(first.map((m) => m.subject), [subj("a"), subj("a"), subj("b")]);
    assert.deepEqual(first.map((m) => m.info.deliverySequence), [1, 2, 3]);
    assert.deepEqual(first.map((m) => m.info.pending), [4, 3, 2]);
    assert.ok(first.every((m) => m.info.stream === name() && m.info.consumer === "f"));
    assert.ok(first.every((m) => m.info.deliveryCount === 1 && !m.redelivered));
    const second = await collect(await c.fetch({ max_messages: 2, expires: 1000 }));
    assert.deepEqual(seqs(second), [4, 5]);
    assert.equal(second[1].info.pending, 0);
    const ci = await c.info();
    assert.equal(ci.num_ack_pending, 5);
    assert.equal(ci.num_pending, 0);
    assert.deepEqual([ci.delivered.consumer_seq, ci.delivered.stream_seq], [5, 5]);
  });
});

test("fetch with expires returns what there is once the request expires", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b"]);
    await jsm.consumers.add(name(), { durable_name: "e", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get(name(), "e");
    const start = performance.now();
    // nats.js's smallest expires is 1 s.
    const got = await collect(await c.fetch({ max_messages: 10, expires: 1000 }));
    const elapsed = performance.now() - start;
    assert.deepEqual(seqs(got), [1, 2]);
    assert.ok(elapsed >= 900, `returned after ${elapsed} ms, before the request expired`);
    assert.ok(elapsed < 1900, `took ${elapsed} ms`);
  });
});

test("no_wait fetch returns only what is available right away", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "c"]);
    await jsm.consumers.add(name(), { durable_name: "nw", ack_policy: AckPolicy.Explicit });
    const start = performance.now();
    const got = await collect(js.fetch(name(), "nw", { batch: 10, no_wait: true }));
    assert.deepEqual(seqs(got), [1, 2, 3]);
    const empty = await collect(js.fetch(name(), "nw", { batch: 10, no_wait: true }));
    assert.deepEqual(empty, []);
    assert.ok(performance.now() - start < 1000);
    // A single no_wait pull of an empty consumer is refused with 404 (no messages).
    await assert.rejects(js.pull(name(), "nw"), (err) => {
      assert.equal(err.code, ErrorCode.JetStream404NoMessages);
      return true;
    });
  });
});

test("consume keeps pulling until stopped; acks clear ack pending", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "c", "d", "e", "f"]);
    await jsm.consumers.add(name(), { durable_name: "cons", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get(name(), "cons");
    const messages = await c.consume({ max_messages: 2, expires: 1000 });
    const got = [];
    for await (const m of messages) {
      got.push(m.seq);
      // ackAck: the server handles acks asynchronously; its reply means this one was applied.
      assert.equal(await m.ackAck(), true);
      if (got.length === 6) break;
    }
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6]);
    const ci = await c.info();
    assert.equal(ci.num_ack_pending, 0);
    assert.equal(ci.ack_floor.stream_seq, 6);
    assert.equal(ci.num_pending, 0);
  });
});

test("push consumer with a deliver subject and queue group spreads messages once", async (t) => {
  await withJetStream(t, async ({ nc, js, jsm, name, subj, addStream }) => {
    await addStream();
    const deliver = createInbox();
    const members = [];
    const seen = [];
    const acked = deferredCount(20);
    try {
      for (let i = 0; i < 2; i++) {
        const mc = await connectToServer();
        members.push(mc);
        mc.subscribe(deliver, {
          queue: "workers",
          callback: (err, msg) => {
            if (err) return;
            seen.push({ member: i, subject: msg.subject, data: new TextDecoder().decode(msg.data),
              reply: msg.reply });
            msg.respond(enc("+ACK"));
            acked.hit();
          },
        });
        await mc.flush();
      }
      await jsm.consumers.add(name(), {
        durable_name: "push",
        deliver_subject: deliver,
        deliver_group: "workers",
        ack_policy: AckPolicy.Explicit,
      });
      for (let i = 0; i < 20; i++) await js.publish(subj(`p${i % 2}`), enc(`m${i}`));
      await acked.done;
      for (const mc of members) await mc.flush();
      // The server applies acks in order but asynchronously: a second ack with a reply, sent
      // after every member's acks reached it, is answered once all of them are applied.
      await nc.request(seen[seen.length - 1].reply, enc("+ACK"), { timeout: 2000 });
      assert.deepEqual(seen.map((s) => s.data).sort(),
        Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
      // The message subject is the stream subject, not the deliver subject.
      assert.ok(seen.every((s) => s.subject.startsWith(`${subj()}.p`)), seen[0].subject);
      assert.ok(seen.every((s) => s.reply.startsWith(`$JS.ACK.${name()}.push.1.`)), seen[0].reply);
      const ci = await jsm.consumers.info(name(), "push");
      assert.equal(ci.config.deliver_group, "workers");
      assert.equal(ci.num_ack_pending, 0);
      assert.equal(ci.delivered.stream_seq, 20);
    } finally {
      for (const mc of members) await mc.close();
    }
  });
});

test("js.subscribe push consumer with manual ack delivers in order", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "c"]);
    const opts = consumerOpts();
    opts.durable("pushsub");
    opts.deliverTo(createInbox());
    opts.ackExplicit();
    opts.manualAck();
    opts.bindStream(name());
    const sub = await js.subscribe(`${subj()}.>`, opts);
    const r = reader(sub);
    const got = await r.take(3);
    assert.deepEqual(got.map((m) => m.string()), ["a-1", "b-2", "c-3"]);
    for (const m of got) assert.equal(await m.ackAck(), true);
    const ci = await jsm.consumers.info(name(), "pushsub");
    assert.equal(ci.num_ack_pending, 0);
    sub.unsubscribe();
  });
});

test("ordered consumer (pull) yields every message in order without acks", async (t) => {
  await withJetStream(t, async ({ js, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "a", "c"]);
    const c = await js.consumers.get(name());
    const got = await collect(await c.fetch({ max_messages: 4, expires: 1000 }));
    assert.deepEqual(got.map((m) => m.string()), ["a-1", "b-2", "a-3", "c-4"]);
    assert.deepEqual(got.map((m) => m.info.deliverySequence), [1, 2, 3, 4]);
    const ci = await c.info();
    assert.equal(ci.config.ack_policy, AckPolicy.None);
    assert.equal(ci.config.mem_storage, true);
  });
});

test("ordered push subscription yields every message in order", async (t) => {
  await withJetStream(t, async ({ js, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["x", "y", "z"]);
    const opts = consumerOpts();
    opts.orderedConsumer();
    const sub = await js.subscribe(`${subj()}.>`, opts);
    const got = await reader(sub).take(3);
    assert.deepEqual(got.map((m) => m.string()), ["x-1", "y-2", "z-3"]);
    sub.unsubscribe();
  });
});

test("nak redelivers at once with a higher delivery count", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a"]);
    await jsm.consumers.add(name(), { durable_name: "n", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get(name(), "n");
    const m1 = await c.next({ expires: 1000 });
    assert.equal(m1.info.deliveryCount, 1);
    m1.nak();
    const m2 = await c.next({ expires: 1000 });
    assert.equal(m2.seq, 1);
    assert.equal(m2.info.deliveryCount, 2);
    assert.equal(m2.redelivered, true);
    assert.equal(m2.info.deliverySequence, 2);
    assert.equal(await m2.ackAck(), true);
    const ci = await c.info();
    assert.equal(ci.num_ack_pending, 0);
    assert.equal(ci.num_redelivered, 0);
  });
});

test("term stops redelivery and counts as handled", async (t) => {
  await withJetStream(t, async ({ nc, js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b"]);
    await jsm.consumers.add(name(), { durable_name: "t", ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(kAckWaitMs) });
    const c = await js.consumers.get(name(), "t");
    const m1 = await c.next({ expires: 1000 });
    assert.equal(m1.seq, 1);
    // Without a reason: nats-server 2.9 ignores "+TERM <reason>" (reasons came in 2.10).
    m1.term();
    await nc.flush();
    const m2 = await c.next({ expires: 1000 });
    assert.equal(m2.seq, 2);
    assert.equal(await m2.ackAck(), true);
    // Past ack_wait nothing comes back: seq 1 was terminated.
    assert.deepEqual(await nothingWithin(js, name(), "t", kAckWaitMs * 2), []);
    const ci = await c.info();
    assert.equal(ci.num_ack_pending, 0);
    assert.equal(ci.ack_floor.stream_seq, 2);
  });
});

test("an unacked message is redelivered after ack_wait", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a"]);
    await jsm.consumers.add(name(), { durable_name: "r", ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(kAckWaitMs) });
    const c = await js.consumers.get(name(), "r");
    const start = performance.now();
    const m1 = await c.next({ expires: 1000 });
    assert.equal(m1.seq, 1);
    const m2 = await c.next({ expires: 2000 });
    const elapsed = performance.now() - start;
    assert.ok(m2, "no redelivery");
    assert.equal(m2.seq, 1);
    assert.equal(m2.info.deliveryCount, 2);
    assert.ok(elapsed >= kAckWaitMs - 50, `redelivered after ${elapsed} ms`);
    assert.equal(await m2.ackAck(), true);
    assert.equal((await c.info()).num_ack_pending, 0);
  });
});

test("working() resets the ack timer", async (t) => {
  await withJetStream(t, async ({ nc, js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a"]);
    const ackWait = 800;
    await jsm.consumers.add(name(), { durable_name: "w", ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWait) });
    const c = await js.consumers.get(name(), "w");
    const m1 = await c.next({ expires: 1000 });
    // Waiting for the ack timer is the point of this test.
    await sleep(500);
    m1.working();
    await nc.flush();
    // Without working() the redelivery would come 300 ms from now; with it, 800 ms.
    assert.deepEqual(await nothingWithin(js, name(), "w", 550), []);
    assert.equal(await m1.ackAck(), true);
    assert.equal((await c.info()).num_ack_pending, 0);
  });
});

test("max_deliver stops redelivery after that many deliveries", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a"]);
    await jsm.consumers.add(name(), { durable_name: "md", ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(kAckWaitMs), max_deliver: 2 });
    const c = await js.consumers.get(name(), "md");
    const m1 = await c.next({ expires: 1000 });
    assert.equal(m1.info.deliveryCount, 1);
    const m2 = await c.next({ expires: 2000 });
    assert.equal(m2.seq, 1);
    assert.equal(m2.info.deliveryCount, 2);
    assert.deepEqual(await nothingWithin(js, name(), "md", kAckWaitMs * 2 + 100), []);
    assert.equal((await c.info()).config.max_deliver, 2);
  });
});

test("deliver policies: all, last, new, start seq, start time, last per subject", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "a", "b", "c"]);
    const fetchSeqs = async (durable, n) => {
      const c = await js.consumers.get(name(), durable);
      const got = await collect(await c.fetch({ max_messages: n, expires: 1000 }));
      assert.equal((await c.info()).num_pending, 0, durable);
      return seqs(got);
    };
    const add = (durable, cfg) =>
      jsm.consumers.add(name(), { durable_name: durable, ack_policy: AckPolicy.Explicit, ...cfg });

    await add("all", { deliver_policy: DeliverPolicy.All });
    assert.deepEqual(await fetchSeqs("all", 5), [1, 2, 3, 4, 5]);

    await add("last", { deliver_policy: DeliverPolicy.Last });
    assert.deepEqual(await fetchSeqs("last", 1), [5]);

    await add("seq", { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 3 });
    assert.deepEqual(await fetchSeqs("seq", 3), [3, 4, 5]);

    const fourth = await jsm.streams.getMessage(name(), { seq: 4 });
    await add("time", { deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: fourth.timestamp });
    assert.deepEqual(await fetchSeqs("time", 2), [4, 5]);

    await add("lps", { deliver_policy: DeliverPolicy.LastPerSubject,
      filter_subject: `${subj()}.>` });
    assert.deepEqual(await fetchSeqs("lps", 3), [3, 4, 5]);

    await add("new", { deliver_policy: DeliverPolicy.New });
    const fresh = await js.consumers.get(name(), "new");
    assert.equal((await fresh.info()).num_pending, 0);
    await js.publish(subj("d"), enc("d-6"));
    const m = await fresh.next({ expires: 1000 });
    assert.equal(m.seq, 6);
    assert.equal(m.info.deliverySequence, 1);
  });
});

test("filter_subject limits delivery and pending counts to matching messages", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "a", "c", "a"]);
    const ci = await jsm.consumers.add(name(), { durable_name: "fa",
      ack_policy: AckPolicy.Explicit, filter_subject: subj("a") });
    assert.equal(ci.config.filter_subject, subj("a"));
    assert.equal(ci.num_pending, 3);
    const c = await js.consumers.get(name(), "fa");
    const got = await collect(await c.fetch({ max_messages: 3, expires: 1000 }));
    assert.deepEqual(seqs(got), [1, 3, 5]);
    assert.deepEqual(got.map((m) => m.info.deliverySequence), [1, 2, 3]);
  });
});

test("ack policies: none needs no acks, all acks up to it, explicit acks one", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a", "b", "c"]);
    const fetchAll = async (durable) => {
      const c = await js.consumers.get(name(), durable);
      return { c, msgs: await collect(await c.fetch({ max_messages: 3, expires: 1000 })) };
    };

    await jsm.consumers.add(name(), { durable_name: "none", ack_policy: AckPolicy.None });
    let { c, msgs } = await fetchAll("none");
    assert.deepEqual(seqs(msgs), [1, 2, 3]);
    let ci = await c.info();
    assert.equal(ci.num_ack_pending, 0);
    assert.equal(ci.ack_floor.stream_seq, 3);

    await jsm.consumers.add(name(), { durable_name: "all", ack_policy: AckPolicy.All });
    ({ c, msgs } = await fetchAll("all"));
    assert.equal((await c.info()).num_ack_pending, 3);
    assert.equal(await msgs[1].ackAck(), true);
    ci = await c.info();
    assert.equal(ci.num_ack_pending, 1);
    assert.equal(ci.ack_floor.stream_seq, 2);

    await jsm.consumers.add(name(), { durable_name: "explicit", ack_policy: AckPolicy.Explicit });
    ({ c, msgs } = await fetchAll("explicit"));
    assert.equal(await msgs[2].ackAck(), true);
    ci = await c.info();
    assert.equal(ci.num_ack_pending, 2);
    assert.equal(ci.ack_floor.stream_seq, 0);
    assert.equal(await msgs[0].ackAck(), true);
    ci = await c.info();
    assert.equal(ci.num_ack_pending, 1);
    assert.equal(ci.ack_floor.stream_seq, 1);
  });
});

test("ackAck of an already acknowledged message still gets a reply", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    await publishAll(js, subj, ["a"]);
    await jsm.consumers.add(name(), { durable_name: "aa", ack_policy: AckPolicy.Explicit });
    const c = await js.consumers.get(name(), "aa");
    const m = await c.next({ expires: 1000 });
    assert.equal(await m.ackAck(), true);
    assert.equal((await c.info()).num_ack_pending, 0);
  });
});

test("last_per_subject without a filter is refused; missing stream is 10059", async (t) => {
  await withJetStream(t, async ({ jsm, name, addStream }) => {
    await addStream();
    await rejectsWithApiError(
      jsm.consumers.add(name(), { durable_name: "lps", ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.LastPerSubject }),
      {
        code: 400,
        errCode: 10094,
        description: "consumer delivery policy is deliver last per subject, " +
          "but optional filter subject is not set",
      },
    );
    await rejectsWithApiError(
      jsm.consumers.add(`NO_SUCH_${name()}`, { durable_name: "x", ack_policy: AckPolicy.Explicit }),
      { code: 404, errCode: 10059, description: "stream not found" },
    );
  });
});

// A promise resolved after `n` calls of hit().
function deferredCount(n) {
  let resolve;
  const done = new Promise((r) => {
    resolve = r;
  });
  let count = 0;
  return {
    done,
    hit() {
      count++;
      if (count === n) resolve();
    },
  };
}
