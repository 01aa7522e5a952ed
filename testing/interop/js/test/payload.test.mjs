// max_payload: the limit the server advertises is usable to the byte, and one more is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode } from "nats";
import { connectToServer, enc, kDefaultMaxPayload, record, subjectPrefix } from "./helpers.mjs";

test("a payload of exactly max_payload round-trips", async (t) => {
  const subject = `${subjectPrefix(t)}.big`;
  const nc = await connectToServer();
  try {
    assert.equal(nc.info.max_payload, kDefaultMaxPayload);
    const { msgs } = record(nc, subject);
    const big = new Uint8Array(nc.info.max_payload);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    nc.publish(subject, big);
    await nc.flush();
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].raw.length, big.length);
    assert.ok(Buffer.from(msgs[0].raw).equals(Buffer.from(big)), "payload bytes differ");
  } finally {
    await nc.close();
  }
});

test("a payload over max_payload is rejected and the connection survives", async (t) => {
  const subject = `${subjectPrefix(t)}.toobig`;
  const nc = await connectToServer();
  try {
    const { msgs } = record(nc, subject);
    assert.throws(
      () => nc.publish(subject, new Uint8Array(kDefaultMaxPayload + 1)),
      (err) => err.code === ErrorCode.MaxPayloadExceeded,
    );
    nc.publish(subject, enc("small"));
    await nc.flush();
    assert.deepEqual(msgs.map((m) => m.data), ["small"]);
    assert.equal(nc.isClosed(), false);
  } finally {
    await nc.close();
  }
});
