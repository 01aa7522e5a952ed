// JetStream key/value through nats.js (js.views.kv): bucket creation and its backing stream,
// put/get/create/update with revision conflicts, delete, purge, history, keys and watch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DiscardPolicy } from "nats";
import { enc } from "./helpers.mjs";
import { StorageType, collect, reader, rejectsWithApiError, withJetStream } from "./js_helpers.mjs";

// Opens (creates) a memory bucket named after the test; destroyed when the test ends.
async function withBucket(t, opts, fn) {
  await withJetStream(t, async (ctx) => {
    const bucket = ctx.name();
    const kv = await ctx.js.views.kv(bucket, { storage: StorageType.Memory, ...opts });
    try {
      await fn({ ...ctx, bucket, kv });
    } finally {
      await kv.destroy().catch(() => {});
    }
  });
}

test("creating a bucket makes a KV_ stream with the KV conventions", async (t) => {
  await withBucket(t, { history: 5 }, async ({ jsm, bucket, kv }) => {
    const si = await jsm.streams.info(`KV_${bucket}`);
    assert.deepEqual(si.config.subjects, [`$KV.${bucket}.>`]);
    assert.equal(si.config.max_msgs_per_subject, 5);
    assert.equal(si.config.discard, DiscardPolicy.New);
    assert.equal(si.config.allow_rollup_hdrs, true);
    assert.equal(si.config.allow_direct, true);
    assert.equal(si.config.storage, StorageType.Memory);
    const status = await kv.status();
    assert.equal(status.bucket, bucket);
    assert.equal(status.history, 5);
    assert.equal(status.values, 0);
  });
});

test("put then get returns the latest value with its revision", async (t) => {
  await withBucket(t, { history: 5 }, async ({ kv, bucket }) => {
    assert.equal(await kv.put("color", enc("red")), 1);
    assert.equal(await kv.put("size", enc("L")), 2);
    assert.equal(await kv.put("color", enc("blue")), 3);
    const e = await kv.get("color");
    assert.equal(e.string(), "blue");
    assert.equal(e.revision, 3);
    assert.equal(e.key, "color");
    assert.equal(e.bucket, bucket);
    assert.equal(e.operation, "PUT");
    assert.equal((await kv.get("size")).string(), "L");
    assert.equal(await kv.get("missing"), null);
    // A past revision of the key.
    assert.equal((await kv.get("color", { revision: 1 })).string(), "red");
    // Keys with dots and dashes are plain subjects tokens.
    assert.equal(await kv.put("a.b-c_d", enc("deep")), 4);
    assert.equal((await kv.get("a.b-c_d")).string(), "deep");
  });
});

test("create fails when the key exists; update needs the current revision", async (t) => {
  await withBucket(t, {}, async ({ kv }) => {
    assert.equal(await kv.create("k", enc("v1")), 1);
    await rejectsWithApiError(kv.create("k", enc("again")), {
      code: 400,
      errCode: 10071,
      description: "wrong last sequence: 1",
    });
    assert.equal(await kv.update("k", enc("v2"), 1), 2);
    await rejectsWithApiError(kv.update("k", enc("stale"), 1), {
      code: 400,
      errCode: 10071,
      description: "wrong last sequence: 2",
    });
    assert.equal((await kv.get("k")).string(), "v2");
    // A deleted key can be created again.
    await kv.delete("k");
    assert.equal(await kv.create("k", enc("v3")), 4);
  });
});

test("delete leaves a DEL marker; purge leaves one PURGE marker and drops history", async (t) => {
  await withBucket(t, { history: 10 }, async ({ jsm, bucket, kv }) => {
    await kv.put("a", enc("1"));
    await kv.put("a", enc("2"));
    await kv.put("b", enc("x"));
    await kv.delete("a");
    assert.equal(await kv.get("a").then((e) => e?.operation ?? null), "DEL");
    const deletedHistory = await collect(await kv.history({ key: "a" }));
    assert.deepEqual(deletedHistory.map((e) => e.operation), ["PUT", "PUT", "DEL"]);

    await kv.purge("a");
    const purged = await collect(await kv.history({ key: "a" }));
    assert.deepEqual(purged.map((e) => e.operation), ["PURGE"]);
    assert.equal(purged[0].revision, 5);
    // b (1 message) and a's PURGE marker remain.
    assert.equal((await jsm.streams.info(`KV_${bucket}`)).state.messages, 2);
  });
});

test("history is capped by the bucket's history setting", async (t) => {
  await withBucket(t, { history: 3 }, async ({ kv }) => {
    for (let i = 1; i <= 5; i++) await kv.put("h", enc(`v${i}`));
    const h = await collect(await kv.history({ key: "h" }));
    assert.deepEqual(h.map((e) => e.string()), ["v3", "v4", "v5"]);
    assert.deepEqual(h.map((e) => e.revision), [3, 4, 5]);
  });
});

test("keys lists live keys only, optionally filtered", async (t) => {
  await withBucket(t, {}, async ({ kv }) => {
    await kv.put("users.alice", enc("1"));
    await kv.put("users.bob", enc("2"));
    await kv.put("config", enc("3"));
    await kv.put("gone", enc("4"));
    await kv.delete("gone");
    assert.deepEqual((await collect(await kv.keys())).sort(),
      ["config", "users.alice", "users.bob"]);
    assert.deepEqual((await collect(await kv.keys("users.*"))).sort(),
      ["users.alice", "users.bob"]);
  });
});

test("watch yields the current values, then every change in order", async (t) => {
  await withBucket(t, {}, async ({ kv }) => {
    await kv.put("a", enc("a1"));
    await kv.put("b", enc("b1"));
    await kv.put("a", enc("a2"));
    let initialized;
    const ready = new Promise((resolve) => {
      initialized = resolve;
    });
    const w = await kv.watch({ initializedFn: () => initialized() });
    const r = reader(w);
    // The latest value per key, in stream order.
    const initial = await r.take(2);
    assert.deepEqual(initial.map((e) => [e.key, e.string(), e.revision]),
      [["b", "b1", 2], ["a", "a2", 3]]);
    await kv.put("c", enc("c1"));
    await kv.delete("b");
    await kv.put("a", enc("a3"));
    const updates = await r.take(3);
    // nats.js reports "initialized" through the iterator, after the initial values.
    await ready;
    assert.deepEqual(updates.map((e) => [e.key, e.operation, e.revision]),
      [["c", "PUT", 4], ["b", "DEL", 5], ["a", "PUT", 6]]);
    assert.equal(updates[2].string(), "a3");
    w.stop();
  });
});

test("watch of one key sees only that key", async (t) => {
  await withBucket(t, {}, async ({ kv }) => {
    await kv.put("x", enc("x1"));
    await kv.put("y", enc("y1"));
    const w = await kv.watch({ key: "y" });
    const r = reader(w);
    assert.deepEqual((await r.take(1)).map((e) => e.string()), ["y1"]);
    await kv.put("x", enc("x2"));
    await kv.put("y", enc("y2"));
    assert.deepEqual((await r.take(1)).map((e) => [e.key, e.string(), e.revision]),
      [["y", "y2", 4]]);
    w.stop();
  });
});
