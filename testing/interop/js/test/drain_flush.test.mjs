// flush() and drain() on connections and subscriptions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode } from "nats";
import { connectToServer, enc, numbered, record, subjectPrefix } from "./helpers.mjs";

test("flush resolves once the server processed everything before it", async (t) => {
  const subject = `${subjectPrefix(t)}.bulk`;
  const pub = await connectToServer();
  const subc = await connectToServer();
  try {
    const { msgs } = record(subc, subject);
    await subc.flush();
    const expected = numbered("bulk-", 1000);
    for (const s of expected) pub.publish(subject, enc(s));
    await pub.flush();
    assert.equal(pub.stats().outMsgs, 1000);
    await subc.flush();
    assert.deepEqual(msgs.map((m) => m.data), expected);
  } finally {
    await pub.close();
    await subc.close();
  }
});

test("draining a connection delivers pending messages, then closes it", async (t) => {
  const subject = `${subjectPrefix(t)}.drain`;
  const pub = await connectToServer();
  const subc = await connectToServer();
  try {
    const { msgs } = record(subc, subject);
    await subc.flush();
    const expected = numbered("d-", 200);
    for (const s of expected) pub.publish(subject, enc(s));
    await pub.flush();

    const closed = subc.closed();
    await subc.drain();
    assert.equal(await closed, undefined);
    assert.equal(subc.isClosed(), true);
    assert.deepEqual(msgs.map((m) => m.data), expected);
    assert.throws(() => subc.publish(subject), (err) => err.code === ErrorCode.ConnectionClosed);
  } finally {
    await pub.close();
  }
});

test("publishing while the connection drains is refused", async (t) => {
  const nc = await connectToServer();
  record(nc, `${subjectPrefix(t)}.x`);
  const draining = nc.drain();
  assert.equal(nc.isDraining(), true);
  assert.throws(
    () => nc.subscribe(`${subjectPrefix(t)}.y`),
    (err) => err.code === ErrorCode.ConnectionDraining,
  );
  await draining;
  assert.equal(nc.isClosed(), true);
});

test("draining a subscription stops only that subscription", async (t) => {
  const subject = `${subjectPrefix(t)}.subdrain`;
  const pub = await connectToServer();
  const nc = await connectToServer();
  try {
    const drained = record(nc, subject);
    const witness = record(nc, subject);
    await nc.flush();
    const before = numbered("before-", 50);
    for (const s of before) pub.publish(subject, enc(s));
    await pub.flush();

    await drained.sub.drain();
    assert.equal(drained.sub.isClosed(), true);
    assert.deepEqual(drained.msgs.map((m) => m.data), before);

    pub.publish(subject, enc("after"));
    await pub.flush();
    await nc.flush();
    assert.deepEqual(witness.msgs.map((m) => m.data), [...before, "after"]);
    assert.equal(drained.msgs.length, before.length);
    // 50 MSGs for each subscription, then one for the witness only: the server dropped the
    // drained subscription's interest (nats.js would silently discard a surplus MSG).
    assert.equal(nc.stats().inMsgs, 2 * before.length + 1);
    assert.equal(nc.isClosed(), false);
  } finally {
    await pub.close();
    await nc.close();
  }
});
