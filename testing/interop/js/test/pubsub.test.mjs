// Publish/subscribe: ordering, exact bytes, wildcards, queue groups, auto-unsubscribe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connectToServer, enc, numbered, record, subjectPrefix } from "./helpers.mjs";

test("messages arrive in order with exact bytes", async (t) => {
  const subject = `${subjectPrefix(t)}.orders`;
  const pub = await connectToServer();
  const subc = await connectToServer();
  try {
    const { msgs } = record(subc, subject);
    // The SUB must reach the server before the other connection publishes.
    await subc.flush();
    const expected = numbered("msg-", 100);
    for (const s of expected) pub.publish(subject, enc(s));
    const binary = new Uint8Array(256 + 4);
    for (let i = 0; i < 256; i++) binary[i] = i;
    binary.set(enc("\r\n\r\n"), 256);
    pub.publish(subject, binary);
    pub.publish(subject);
    pub.publish(subject, enc("with-reply"), { reply: `${subject}.reply-to` });
    await pub.flush();
    await subc.flush();

    assert.equal(msgs.length, 103);
    assert.deepEqual(msgs.slice(0, 100).map((m) => m.data), expected);
    assert.ok(msgs.slice(0, 100).every((m) => m.subject === subject && m.reply === ""));
    assert.deepEqual(new Uint8Array(msgs[100].raw), binary);
    assert.equal(msgs[101].raw.length, 0);
    assert.equal(msgs[102].data, "with-reply");
    assert.equal(msgs[102].reply, `${subject}.reply-to`);
  } finally {
    await pub.close();
    await subc.close();
  }
});

test("wildcards * and > match exactly the right subjects", async (t) => {
  const p = `${subjectPrefix(t)}.wc`;
  const nc = await connectToServer();
  try {
    const star = record(nc, `${p}.*`);
    const full = record(nc, `${p}.>`);
    const middle = record(nc, `${p}.*.end`);
    const literal = record(nc, `${p}.a`);
    const literalGt = record(nc, `${p}.b>`);
    const published = [p, `${p}.a`, `${p}.b.end`, `${p}.b.c.end`, `${p}.x.y`, `${p}.b>`,
      `${p}x.a`, `${p}.end`, `${p}.A`, `${p}.a.b.c.d`];
    for (const s of published) nc.publish(s, enc(s));
    await nc.flush();

    const subjects = (r) => r.msgs.map((m) => m.subject);
    assert.deepEqual(subjects(star), [`${p}.a`, `${p}.b>`, `${p}.end`, `${p}.A`]);
    assert.deepEqual(subjects(full), [`${p}.a`, `${p}.b.end`, `${p}.b.c.end`, `${p}.x.y`,
      `${p}.b>`, `${p}.end`, `${p}.A`, `${p}.a.b.c.d`]);
    assert.deepEqual(subjects(middle), [`${p}.b.end`]);
    assert.deepEqual(subjects(literal), [`${p}.a`]);
    // `b>` is not a whole token, so it is a literal, not a wildcard.
    assert.deepEqual(subjects(literalGt), [`${p}.b>`]);
  } finally {
    await nc.close();
  }
});

test("a queue group of 3 gets each message exactly once; a plain sub gets all", async (t) => {
  const subject = `${subjectPrefix(t)}.work`;
  const members = [];
  const conns = [];
  try {
    for (let i = 0; i < 3; i++) {
      const nc = await connectToServer();
      conns.push(nc);
      members.push(record(nc, subject, { queue: "workers" }));
      await nc.flush();
    }
    const plainConn = await connectToServer();
    conns.push(plainConn);
    const plain = record(plainConn, subject);
    const auditors = record(plainConn, subject, { queue: "auditors" });
    await plainConn.flush();

    const pub = await connectToServer();
    conns.push(pub);
    const expected = numbered("job-", 300);
    for (const s of expected) pub.publish(subject, enc(s));
    await pub.flush();
    for (const nc of conns) await nc.flush();

    assert.deepEqual(plain.msgs.map((m) => m.data), expected);
    assert.deepEqual(auditors.msgs.map((m) => m.data), expected);
    const acrossGroup = members.flatMap((m) => m.msgs.map((x) => x.data));
    assert.deepEqual([...acrossGroup].sort(), [...expected].sort());
    // 300 random picks over 3 members: an idle member means the group is not load-balanced.
    members.forEach((m, i) => assert.ok(m.msgs.length > 0, `member ${i} got nothing`));
  } finally {
    for (const nc of conns) await nc.close();
  }
});

test("max on subscribe (auto-unsubscribe) stops after 3 messages server-side", async (t) => {
  const subject = `${subjectPrefix(t)}.limited`;
  const pub = await connectToServer();
  const subc = await connectToServer();
  try {
    const { sub, msgs } = record(subc, subject, { max: 3 });
    await subc.flush();
    for (const s of numbered("m-", 10)) pub.publish(subject, enc(s));
    await pub.flush();
    await subc.flush();
    assert.deepEqual(msgs.map((m) => m.data), ["m-0", "m-1", "m-2"]);
    assert.equal(sub.isClosed(), true);
    // nats.js counts every MSG it reads: 3 proves the server honoured `UNSUB <sid> 3`.
    assert.equal(subc.stats().inMsgs, 3);
  } finally {
    await pub.close();
    await subc.close();
  }
});

test("unsubscribe stops delivery", async (t) => {
  const subject = `${subjectPrefix(t)}.unsub`;
  const nc = await connectToServer();
  try {
    const { sub, msgs } = record(nc, subject);
    nc.publish(subject, enc("one"));
    await nc.flush();
    sub.unsubscribe();
    nc.publish(subject, enc("two"));
    await nc.flush();
    assert.deepEqual(msgs.map((m) => m.data), ["one"]);
    assert.equal(nc.stats().inMsgs, 1);
  } finally {
    await nc.close();
  }
});
