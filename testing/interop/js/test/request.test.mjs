// Request/reply and the server's no-responders status (503).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode } from "nats";
import { connectToServer, dec, enc, kTimeoutMs, subjectPrefix } from "./helpers.mjs";

async function withEchoResponder(subject, fn) {
  const responder = await connectToServer();
  const requester = await connectToServer();
  try {
    responder.subscribe(subject, {
      callback: (err, msg) => {
        if (!err) msg.respond(enc(`echo:${dec(msg.data)}`));
      },
    });
    await responder.flush();
    await fn(requester);
  } finally {
    await requester.close();
    await responder.close();
  }
}

test("request gets the responder's answer (muxed inbox)", async (t) => {
  const subject = `${subjectPrefix(t)}.echo`;
  await withEchoResponder(subject, async (nc) => {
    for (let i = 0; i < 20; i++) {
      const reply = await nc.request(subject, enc(`req-${i}`), { timeout: kTimeoutMs });
      assert.equal(dec(reply.data), `echo:req-${i}`);
      assert.ok(reply.subject.startsWith("_INBOX."), reply.subject);
    }
  });
});

test("concurrent requests each get their own answer", async (t) => {
  const subject = `${subjectPrefix(t)}.echo`;
  await withEchoResponder(subject, async (nc) => {
    const bodies = Array.from({ length: 50 }, (_, i) => `c-${i}`);
    const replies = await Promise.all(
      bodies.map((b) => nc.request(subject, enc(b), { timeout: kTimeoutMs })),
    );
    assert.deepEqual(replies.map((r) => dec(r.data)), bodies.map((b) => `echo:${b}`));
  });
});

test("request with noMux uses a dedicated inbox", async (t) => {
  const subject = `${subjectPrefix(t)}.echo`;
  await withEchoResponder(subject, async (nc) => {
    const reply = await nc.request(subject, enc("solo"), { timeout: kTimeoutMs, noMux: true });
    assert.equal(dec(reply.data), "echo:solo");
  });
});

test("request without responders fails fast with code 503", async (t) => {
  const nc = await connectToServer();
  try {
    const start = performance.now();
    await assert.rejects(
      nc.request(`${subjectPrefix(t)}.nobody`, enc("hi"), { timeout: kTimeoutMs }),
      (err) => {
        assert.equal(err.code, ErrorCode.NoResponders);
        assert.equal(err.code, "503");
        return true;
      },
    );
    // The 503 must come from the server right away, not from the client's timeout.
    const elapsed = performance.now() - start;
    assert.ok(elapsed < kTimeoutMs / 5, `took ${elapsed} ms`);
    assert.equal(nc.isClosed(), false);
  } finally {
    await nc.close();
  }
});

test("noMux request without responders also gets 503", async (t) => {
  const nc = await connectToServer();
  try {
    await assert.rejects(
      nc.request(`${subjectPrefix(t)}.nobody`, enc("hi"), { timeout: kTimeoutMs, noMux: true }),
      (err) => err.code === ErrorCode.NoResponders,
    );
  } finally {
    await nc.close();
  }
});
