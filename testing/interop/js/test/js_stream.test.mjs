// JetStream streams through nats.js's JetStreamManager: add/update/info/list/names/delete,
// purge variants, get/delete message, limits, discard policies, rollup and retention.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AckPolicy, DiscardPolicy, RetentionPolicy, headers } from "nats";
import { enc } from "./helpers.mjs";
import { StorageType, collect, nanos, rejectsWithApiError, withJetStream } from "./js_helpers.mjs";

test("stream add reports the config with server defaults and an empty state", async (t) => {
  await withJetStream(t, async ({ name, subj, addStream }) => {
    const si = await addStream({ max_msgs: 10 });
    assert.equal(si.config.name, name());
    assert.deepEqual(si.config.subjects, [`${subj()}.>`]);
    assert.equal(si.config.retention, RetentionPolicy.Limits);
    assert.equal(si.config.storage, StorageType.Memory);
    assert.equal(si.config.discard, DiscardPolicy.Old);
    assert.equal(si.config.max_msgs, 10);
    assert.equal(si.config.max_bytes, -1);
    assert.equal(si.config.max_age, 0);
    assert.equal(si.config.max_msgs_per_subject, -1);
    assert.equal(si.config.max_msg_size, -1);
    assert.equal(si.config.max_consumers, -1);
    assert.equal(si.config.num_replicas, 1);
    assert.equal(si.config.duplicate_window, nanos(120_000));
    assert.equal(si.state.messages, 0);
    assert.equal(si.state.bytes, 0);
    assert.equal(si.state.first_seq, 0);
    assert.equal(si.state.last_seq, 0);
    assert.equal(si.state.consumer_count, 0);
    assert.ok(!Number.isNaN(Date.parse(si.created)), si.created);
  });
});

test("stream without subjects captures its own name", async (t) => {
  await withJetStream(t, async ({ js, name, addStream }) => {
    const si = await addStream({ subjects: undefined });
    assert.deepEqual(si.config.subjects, [name()]);
    const ack = await js.publish(name(), enc("x"));
    assert.equal(ack.stream, name());
    assert.equal(ack.seq, 1);
  });
});

test("stream update changes limits; info reflects them; storage cannot change", async (t) => {
  await withJetStream(t, async ({ jsm, name, subj, addStream }) => {
    await addStream({ max_msgs: 10 });
    const updated = await jsm.streams.update(name(), {
      max_msgs: 20,
      description: "updated",
      subjects: [`${subj()}.>`, `${subj()}_extra`],
    });
    assert.equal(updated.config.max_msgs, 20);
    assert.equal(updated.config.description, "updated");
    assert.deepEqual(updated.config.subjects, [`${subj()}.>`, `${subj()}_extra`]);
    const info = await jsm.streams.info(name());
    assert.equal(info.config.max_msgs, 20);
    assert.equal(info.config.description, "updated");

    await rejectsWithApiError(jsm.streams.update(name(), { storage: StorageType.File }), {
      code: 500,
      errCode: 10052,
      description: "stream configuration update can not change storage type",
    });
    await rejectsWithApiError(jsm.streams.update("NO_SUCH_STREAM_" + name(), {}), {
      code: 404,
      errCode: 10059,
      description: "stream not found",
    });
  });
});

test("re-adding a stream: same config is accepted, a different one refused", async (t) => {
  await withJetStream(t, async ({ jsm, name, subj, addStream }) => {
    await addStream();
    const again = await jsm.streams.add({
      name: name(),
      subjects: [`${subj()}.>`],
      storage: StorageType.Memory,
    });
    assert.equal(again.config.name, name());
    await rejectsWithApiError(
      jsm.streams.add({ name: name(), subjects: [`${subj()}.>`], storage: StorageType.Memory,
        max_msgs: 5 }),
      { code: 400, errCode: 10058,
        description: "stream name already in use with a different configuration" },
    );
  });
});

test("overlapping subjects between streams are refused with 10065", async (t) => {
  await withJetStream(t, async ({ name, subj, addStream }) => {
    await addStream();
    await rejectsWithApiError(addStream({ name: name("other"), subjects: [subj("a")] }), {
      code: 400,
      errCode: 10065,
      description: "subjects overlap with an existing stream",
    });
  });
});

test("stream info, delete and not found (10059)", async (t) => {
  await withJetStream(t, async ({ jsm, name, addStream }) => {
    await addStream();
    assert.equal((await jsm.streams.info(name())).config.name, name());
    assert.equal(await jsm.streams.delete(name()), true);
    await rejectsWithApiError(jsm.streams.info(name()), {
      code: 404,
      errCode: 10059,
      description: "stream not found",
    });
    await rejectsWithApiError(jsm.streams.delete(name()), {
      code: 404,
      errCode: 10059,
      description: "stream not found",
    });
  });
});

test("stream names and list, with and without a subject filter", async (t) => {
  await withJetStream(t, async ({ jsm, name, subj, addStream }) => {
    await addStream({ name: name("A"), subjects: [subj("a.>")] });
    await addStream({ name: name("B"), subjects: [subj("b.>")] });
    await addStream({ name: name("C"), subjects: [subj("c.*")] });

    const all = await collect(jsm.streams.names());
    for (const n of [name("A"), name("B"), name("C")]) assert.ok(all.includes(n), n);

    assert.deepEqual(await collect(jsm.streams.names(subj("b.x"))), [name("B")]);
    assert.deepEqual(await collect(jsm.streams.names(subj("c.one"))), [name("C")]);
    assert.deepEqual(await collect(jsm.streams.names(subj("nothing.here"))), []);

    const listed = await collect(jsm.streams.list(subj("a.q")));
    assert.equal(listed.length, 1);
    assert.equal(listed[0].config.name, name("A"));
    assert.deepEqual(listed[0].config.subjects, [subj("a.>")]);
    const infos = (await collect(jsm.streams.list())).map((si) => si.config.name);
    for (const n of [name("A"), name("B"), name("C")]) assert.ok(infos.includes(n), n);

    assert.equal(await jsm.streams.find(subj("a.z")), name("A"));
  });
});

test("purge: by subject filter, up to a sequence, keep the last N, everything", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    for (let i = 0; i < 10; i++) await js.publish(subj(i % 2 === 0 ? "even" : "odd"), enc(`${i}`));
    // seqs 1..10; even subject at odd seqs (1,3,5,7,9), odd subject at 2,4,6,8,10

    const purged = async (opts) => {
      const r = await jsm.streams.purge(name(), opts);
      assert.equal(r.success, true);
      return r.purged;
    };
    assert.equal(await purged({ filter: subj("even"), keep: 1 }), 4);
    let st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 6);
    assert.equal(st.first_seq, 2);
    assert.equal(st.last_seq, 10);

    // seq is exclusive: everything below 6 goes (2 and 4).
    assert.equal(await purged({ seq: 6 }), 2);
    st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 4);
    assert.equal(st.first_seq, 6);

    assert.equal(await purged({ keep: 2 }), 2);
    st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 2);
    assert.equal(st.first_seq, 9);

    assert.equal(await purged(undefined), 2);
    st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 0);
    assert.equal(st.first_seq, 11);
    assert.equal(st.last_seq, 10);
    // Sequences continue after a purge.
    assert.equal((await js.publish(subj("even"), enc("next"))).seq, 11);
  });
});

test("get message by sequence and last by subject; delete message; no message found", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    const h = headers();
    h.set("X-Test", "yes");
    await js.publish(subj("a"), enc("one"), { headers: h });
    await js.publish(subj("b"), enc("two"));
    await js.publish(subj("a"), enc("three"));

    const m1 = await jsm.streams.getMessage(name(), { seq: 1 });
    assert.equal(m1.subject, subj("a"));
    assert.equal(m1.seq, 1);
    assert.equal(m1.string(), "one");
    assert.equal(m1.header.get("X-Test"), "yes");
    assert.ok(m1.time instanceof Date && !Number.isNaN(m1.time.getTime()));

    const last = await jsm.streams.getMessage(name(), { last_by_subj: subj("a") });
    assert.equal(last.seq, 3);
    assert.equal(last.string(), "three");

    assert.equal(await jsm.streams.deleteMessage(name(), 2), true);
    await rejectsWithApiError(jsm.streams.getMessage(name(), { seq: 2 }), {
      code: 404,
      errCode: 10037,
      description: "no message found",
    });
    await rejectsWithApiError(jsm.streams.getMessage(name(), { last_by_subj: subj("zzz") }), {
      code: 404,
      errCode: 10037,
      description: "no message found",
    });
    const st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 2);
    assert.equal(st.num_deleted, 1);
    // Deleting without erasing works too.
    assert.equal(await jsm.streams.deleteMessage(name(), 3, false), true);
    assert.equal((await jsm.streams.info(name())).state.messages, 1);
  });
});

test("limits retention drops the oldest beyond max_msgs", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream({ max_msgs: 3 });
    for (let i = 1; i <= 5; i++) assert.equal((await js.publish(subj("x"), enc(`${i}`))).seq, i);
    const st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 3);
    assert.equal(st.first_seq, 3);
    assert.equal(st.last_seq, 5);
  });
});

test("discard new refuses the publish beyond max_msgs with 10077", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream({ max_msgs: 2, discard: DiscardPolicy.New });
    await js.publish(subj("x"), enc("1"));
    await js.publish(subj("x"), enc("2"));
    await rejectsWithApiError(js.publish(subj("x"), enc("3")), {
      code: 503,
      errCode: 10077,
      description: "maximum messages exceeded",
    });
    const st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 2);
    assert.equal(st.last_seq, 2);
  });
});

test("discard new with max_bytes refuses with 10077 maximum bytes exceeded", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, addStream }) => {
    // A short subject: the stored size counts the subject, and a long one alone would exceed
    // the limit (the server then evicts the message it just stored).
    const subject = `mb${process.pid}.x`;
    await addStream({ subjects: [subject], max_bytes: 100, discard: DiscardPolicy.New });
    await js.publish(subject, new Uint8Array(40));
    await rejectsWithApiError(js.publish(subject, new Uint8Array(80)), {
      code: 503,
      errCode: 10077,
      description: "maximum bytes exceeded",
    });
    assert.equal((await jsm.streams.info(name())).state.messages, 1);
  });
});

test("max_msgs_per_subject keeps the newest; discard_new_per_subject refuses", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream({ max_msgs_per_subject: 2 });
    for (const s of ["a", "a", "a", "b", "a"]) await js.publish(subj(s), enc(s));
    const st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 3);
    assert.equal(st.first_seq, 3);
    assert.equal((await jsm.streams.getMessage(name(), { last_by_subj: subj("a") })).seq, 5);
    await rejectsWithApiError(jsm.streams.getMessage(name(), { seq: 2 }), { errCode: 10037 });

    await addStream({
      name: name("dn"),
      subjects: [`${subj()}_dn.*`],
      max_msgs_per_subject: 1,
      discard: DiscardPolicy.New,
      discard_new_per_subject: true,
    });
    await js.publish(`${subj()}_dn.a`, enc("1"));
    await js.publish(`${subj()}_dn.b`, enc("1"));
    await rejectsWithApiError(js.publish(`${subj()}_dn.a`, enc("2")), {
      code: 503,
      errCode: 10077,
      description: "maximum messages per subject exceeded",
    });
  });
});

test("max_msg_size refuses larger messages with 10054", async (t) => {
  await withJetStream(t, async ({ js, subj, addStream }) => {
    await addStream({ max_msg_size: 16 });
    assert.equal((await js.publish(subj("x"), new Uint8Array(16))).seq, 1);
    await rejectsWithApiError(js.publish(subj("x"), new Uint8Array(17)), {
      code: 400,
      errCode: 10054,
      description: "message size exceeds maximum allowed",
    });
  });
});

test("rollup: sub keeps only the rollup message of the subject, all of the stream", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream({ allow_rollup_hdrs: true });
    for (const s of ["a", "a", "b", "b"]) await js.publish(subj(s), enc(s));
    const sub = headers();
    sub.set("Nats-Rollup", "sub");
    assert.equal((await js.publish(subj("a"), enc("rolled"), { headers: sub })).seq, 5);
    let st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 3);
    assert.equal(st.first_seq, 3);

    const all = headers();
    all.set("Nats-Rollup", "all");
    assert.equal((await js.publish(subj("c"), enc("everything"), { headers: all })).seq, 6);
    st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 1);
    assert.equal(st.first_seq, 6);
    assert.equal((await jsm.streams.getMessage(name(), { seq: 6 })).string(), "everything");
  });
});

test("rollup is refused when the stream does not allow it", async (t) => {
  await withJetStream(t, async ({ js, subj, addStream }) => {
    await addStream();
    const h = headers();
    h.set("Nats-Rollup", "sub");
    await rejectsWithApiError(js.publish(subj("a"), enc("x"), { headers: h }), {
      code: 500,
      errCode: 10111,
      description: "rollup not permitted",
    });
  });
});

test("interest retention drops messages nobody is interested in and acked ones", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream({ retention: RetentionPolicy.Interest });
    // No consumer yet: acknowledged with a sequence but not kept.
    assert.equal((await js.publish(subj("x"), enc("lost"))).seq, 1);
    assert.equal((await jsm.streams.info(name())).state.messages, 0);

    await jsm.consumers.add(name(), { durable_name: "c1", ack_policy: AckPolicy.Explicit });
    await jsm.consumers.add(name(), { durable_name: "c2", ack_policy: AckPolicy.Explicit });
    await js.publish(subj("x"), enc("kept"));
    assert.equal((await jsm.streams.info(name())).state.messages, 1);

    const c1 = await js.consumers.get(name(), "c1");
    const m1 = await c1.next({ expires: 1000 });
    assert.equal(m1.string(), "kept");
    assert.equal(await m1.ackAck(), true);
    // c2 still has to ack it.
    assert.equal((await jsm.streams.info(name())).state.messages, 1);
    const c2 = await js.consumers.get(name(), "c2");
    const m2 = await c2.next({ expires: 1000 });
    assert.equal(await m2.ackAck(), true);
    assert.equal((await jsm.streams.info(name())).state.messages, 0);
  });
});

test("work-queue retention removes on ack and allows one unfiltered consumer", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream({ retention: RetentionPolicy.Workqueue });
    for (let i = 0; i < 3; i++) await js.publish(subj("job"), enc(`job-${i}`));
    await jsm.consumers.add(name(), { durable_name: "w", ack_policy: AckPolicy.Explicit });
    await rejectsWithApiError(
      jsm.consumers.add(name(), { durable_name: "w2", ack_policy: AckPolicy.Explicit }),
      { code: 400, errCode: 10099,
        description: "multiple non-filtered consumers not allowed on workqueue stream" },
    );
    const c = await js.consumers.get(name(), "w");
    const iter = await c.fetch({ max_messages: 2, expires: 1000 });
    const got = await collect(iter);
    assert.deepEqual(got.map((m) => m.string()), ["job-0", "job-1"]);
    for (const m of got) assert.equal(await m.ackAck(), true);
    const st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 1);
    assert.equal(st.first_seq, 3);
  });
});
