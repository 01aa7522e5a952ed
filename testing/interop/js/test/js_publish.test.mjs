// JetStream publish through nats.js: PubAcks, Nats-Msg-Id de-duplication, the expectation
// headers and their errors, and publishing where no stream listens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode, headers } from "nats";
import { enc } from "./helpers.mjs";
import { rejectsWithApiError, withJetStream } from "./js_helpers.mjs";

test("publish is acknowledged with the stream name and consecutive sequences", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    for (let i = 1; i <= 5; i++) {
      const ack = await js.publish(subj("a"), enc(`m${i}`));
      assert.equal(ack.stream, name());
      assert.equal(ack.seq, i);
      assert.equal(ack.duplicate, false);
    }
    const st = (await jsm.streams.info(name())).state;
    assert.equal(st.messages, 5);
    assert.equal(st.first_seq, 1);
    assert.equal(st.last_seq, 5);
  });
});

test("a repeated msgID is a duplicate of the first sequence and is not stored", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    const first = await js.publish(subj("a"), enc("one"), { msgID: "id-1" });
    assert.equal(first.seq, 1);
    assert.equal(first.duplicate, false);
    const second = await js.publish(subj("a"), enc("two"), { msgID: "id-2" });
    assert.equal(second.seq, 2);
    const again = await js.publish(subj("a"), enc("one again"), { msgID: "id-1" });
    assert.equal(again.seq, 1);
    assert.equal(again.duplicate, true);
    assert.equal(again.stream, name());
    assert.equal((await jsm.streams.info(name())).state.messages, 2);
    assert.equal((await js.publish(subj("a"), enc("three"))).seq, 3);
    // The stored message keeps its id header.
    const stored = await jsm.streams.getMessage(name(), { seq: 1 });
    assert.equal(stored.header.get("Nats-Msg-Id"), "id-1");
    assert.equal(stored.string(), "one");
  });
});

test("expect lastSequence: match is stored, mismatch is 10071 naming the last", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    assert.equal((await js.publish(subj("a"), enc("1"), { expect: { lastSequence: 0 } })).seq, 1);
    assert.equal((await js.publish(subj("a"), enc("2"), { expect: { lastSequence: 1 } })).seq, 2);
    await rejectsWithApiError(js.publish(subj("a"), enc("x"), { expect: { lastSequence: 1 } }), {
      code: 400,
      errCode: 10071,
      description: "wrong last sequence: 2",
    });
    assert.equal((await jsm.streams.info(name())).state.messages, 2);
  });
});

test("expect lastMsgID: mismatch is 10070 naming the last id", async (t) => {
  await withJetStream(t, async ({ js, subj, addStream }) => {
    await addStream();
    await js.publish(subj("a"), enc("1"), { msgID: "A" });
    const ok = await js.publish(subj("a"), enc("2"), { msgID: "B", expect: { lastMsgID: "A" } });
    assert.equal(ok.seq, 2);
    await rejectsWithApiError(
      js.publish(subj("a"), enc("3"), { msgID: "C", expect: { lastMsgID: "A" } }),
      { code: 400, errCode: 10070, description: "wrong last msg ID: B" },
    );
  });
});

test("expect streamName: mismatch is 10060", async (t) => {
  await withJetStream(t, async ({ js, name, subj, addStream }) => {
    await addStream();
    const ok = await js.publish(subj("a"), enc("1"), { expect: { streamName: name() } });
    assert.equal(ok.seq, 1);
    await rejectsWithApiError(
      js.publish(subj("a"), enc("2"), { expect: { streamName: "SOME_OTHER_STREAM" } }),
      { code: 400, errCode: 10060, description: "expected stream does not match" },
    );
  });
});

test("expect lastSubjectSequence: checked per subject, mismatch is 10071", async (t) => {
  await withJetStream(t, async ({ js, subj, addStream }) => {
    await addStream();
    await js.publish(subj("a"), enc("a1")); // 1
    await js.publish(subj("b"), enc("b1")); // 2
    // The stream's last sequence is 2, but subject a's is 1.
    const ok = await js.publish(subj("a"), enc("a2"), { expect: { lastSubjectSequence: 1 } });
    assert.equal(ok.seq, 3);
    // A subject never written has last sequence 0.
    const fresh = await js.publish(subj("c"), enc("c1"), { expect: { lastSubjectSequence: 0 } });
    assert.equal(fresh.seq, 4);
    await rejectsWithApiError(
      js.publish(subj("b"), enc("b2"), { expect: { lastSubjectSequence: 1 } }),
      { code: 400, errCode: 10071, description: "wrong last sequence: 2" },
    );
  });
});

test("publish where no stream listens fails fast with 503 (no responders)", async (t) => {
  await withJetStream(t, async ({ js, subj }) => {
    const start = performance.now();
    await assert.rejects(js.publish(subj("nobody"), enc("x")), (err) => {
      assert.equal(err.code, ErrorCode.NoResponders);
      return true;
    });
    assert.ok(performance.now() - start < 1000);
  });
});

test("headers published to a stream are stored and returned by get", async (t) => {
  await withJetStream(t, async ({ js, jsm, name, subj, addStream }) => {
    await addStream();
    const h = headers();
    h.set("X-One", "1");
    h.append("X-Multi", "a");
    h.append("X-Multi", "b");
    await js.publish(subj("h"), enc("body"), { headers: h });
    const m = await jsm.streams.getMessage(name(), { seq: 1 });
    assert.equal(m.string(), "body");
    assert.equal(m.header.get("X-One"), "1");
    assert.deepEqual(m.header.values("X-Multi"), ["a", "b"]);
  });
});

test("a core publish without reply is stored too; the sequence counts it", async (t) => {
  await withJetStream(t, async ({ nc, js, jsm, name, subj, addStream }) => {
    await addStream();
    nc.publish(subj("core"), enc("no ack wanted"));
    await nc.flush();
    const ack = await js.publish(subj("core"), enc("acked"));
    assert.equal(ack.seq, 2);
    assert.equal((await jsm.streams.getMessage(name(), { seq: 1 })).string(), "no ack wanted");
  });
});
