// Message headers (HPUB/HMSG): multi-values, case-preserved keys, headers on requests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { headers } from "nats";
import { connectToServer, dec, enc, kTimeoutMs, record, subjectPrefix } from "./helpers.mjs";

test("headers round-trip with multiple values and case preserved", async (t) => {
  const subject = `${subjectPrefix(t)}.hdrs`;
  const nc = await connectToServer();
  try {
    const { msgs } = record(nc, subject);
    const h = headers();
    h.set("X-Single", "one");
    h.append("X-Multi", "a");
    h.append("X-Multi", "b b");
    h.append("X-Multi", "c: colon");
    h.set("lower-case-key", "lower");
    h.set("MiXeD-CaSe", "mixed");
    h.set("X-Replaced", "old");
    h.set("X-Replaced", "new");
    h.set("X-Deleted", "gone");
    h.delete("X-Deleted");
    nc.publish(subject, enc("body"), { headers: h });

    const onlyHeaders = headers();
    onlyHeaders.set("Only-Header", "yes");
    nc.publish(subject, undefined, { headers: onlyHeaders });
    await nc.flush();

    assert.equal(msgs.length, 2);
    const got = msgs[0].headers;
    assert.ok(got, "no headers received");
    assert.equal(msgs[0].data, "body");
    assert.equal(got.hasError, false);
    assert.equal(got.code, 0);
    assert.deepEqual(
      [...got.keys()].sort(),
      ["MiXeD-CaSe", "X-Multi", "X-Replaced", "X-Single", "lower-case-key"],
    );
    assert.equal(got.get("X-Single"), "one");
    assert.deepEqual(got.values("X-Multi"), ["a", "b b", "c: colon"]);
    assert.equal(got.get("X-Replaced"), "new");
    assert.deepEqual(got.values("X-Replaced"), ["new"]);
    assert.equal(got.get("lower-case-key"), "lower");
    assert.equal(got.get("MiXeD-CaSe"), "mixed");
    // Exact matching is the default: a re-cased key is another key.
    assert.equal(got.has("x-single"), false);
    assert.equal(got.has("Mixed-Case"), false);
    assert.equal(got.has("X-Deleted"), false);

    assert.equal(msgs[1].raw.length, 0);
    assert.equal(msgs[1].headers.get("Only-Header"), "yes");
  } finally {
    await nc.close();
  }
});

test("a plain publish arrives without headers", async (t) => {
  const subject = `${subjectPrefix(t)}.plain`;
  const nc = await connectToServer();
  try {
    const { msgs } = record(nc, subject);
    nc.publish(subject, enc("x"));
    await nc.flush();
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].headers, undefined);
  } finally {
    await nc.close();
  }
});

test("request and response both carry headers", async (t) => {
  const subject = `${subjectPrefix(t)}.echo`;
  const responder = await connectToServer();
  const requester = await connectToServer();
  try {
    responder.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const out = headers();
        for (const v of msg.headers?.values("X-Multi") ?? []) out.append("X-Echo", v);
        out.set("X-Responder", "js");
        msg.respond(enc(`echo:${dec(msg.data)}`), { headers: out });
      },
    });
    await responder.flush();

    const h = headers();
    h.append("X-Multi", "1");
    h.append("X-Multi", "2");
    const reply = await requester.request(subject, enc("q"), { timeout: kTimeoutMs, headers: h });
    assert.equal(dec(reply.data), "echo:q");
    assert.deepEqual(reply.headers.values("X-Echo"), ["1", "2"]);
    assert.equal(reply.headers.get("X-Responder"), "js");
  } finally {
    await requester.close();
    await responder.close();
  }
});
