// JetStream object store through nats.js (js.views.os): multi-chunk put and get, info with
// size/chunks/digest, list, delete, and the OBJ_ stream underneath.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { StorageType, withJetStream } from "./js_helpers.mjs";

const kSize = 300 * 1024;

function pattern(n, seed) {
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

function streamOf(data, pieces) {
  const step = Math.ceil(data.length / pieces);
  let off = 0;
  return new ReadableStream({
    pull(controller) {
      if (off >= data.length) {
        controller.close();
        return;
      }
      controller.enqueue(data.subarray(off, off + step));
      off += step;
    },
  });
}

async function readAll(rs) {
  const parts = [];
  let n = 0;
  for await (const chunk of rs) {
    parts.push(chunk);
    n += chunk.length;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

async function withStore(t, fn) {
  await withJetStream(t, async (ctx) => {
    const bucket = ctx.name();
    const os = await ctx.js.views.os(bucket, { storage: StorageType.Memory });
    try {
      await fn({ ...ctx, bucket, os });
    } finally {
      await os.destroy().catch(() => {});
    }
  });
}

test("a 300 KiB object is stored in 3 chunks and read back byte for byte", async (t) => {
  await withStore(t, async ({ jsm, bucket, os }) => {
    const data = pattern(kSize, 7);
    const info = await os.put({ name: "big.bin", description: "three chunks" },
      streamOf(data, 5));
    assert.equal(info.name, "big.bin");
    assert.equal(info.bucket, bucket);
    assert.equal(info.size, kSize);
    assert.equal(info.chunks, 3);
    assert.equal(info.deleted, false);
    // nats.js writes base64url with padding.
    const sha = createHash("sha256").update(data).digest("base64").replace(/\+/g, "-")
      .replace(/\//g, "_");
    assert.equal(info.digest, `SHA-256=${sha}`);

    const r = await os.get("big.bin");
    assert.equal(r.info.size, kSize);
    const back = await readAll(r.data);
    assert.equal((await r.error) ?? null, null);
    assert.equal(back.length, kSize);
    assert.ok(Buffer.from(back).equals(Buffer.from(data)), "object bytes differ");

    const si = await jsm.streams.info(`OBJ_${bucket}`);
    assert.deepEqual(si.config.subjects.sort(), [`$O.${bucket}.C.>`, `$O.${bucket}.M.>`]);
    // 3 chunk messages and 1 metadata message.
    assert.equal(si.state.messages, 4);
  });
});

test("info, list and getBlob for several objects, including an empty one", async (t) => {
  await withStore(t, async ({ os }) => {
    const small = pattern(1000, 1);
    await os.putBlob({ name: "small" }, small);
    await os.putBlob({ name: "empty" }, new Uint8Array(0));
    const info = await os.info("small");
    assert.equal(info.size, 1000);
    assert.equal(info.chunks, 1);
    const empty = await os.info("empty");
    assert.equal(empty.size, 0);
    assert.equal(empty.chunks, 0);
    assert.equal(await os.info("missing"), null);
    assert.deepEqual((await os.list()).map((i) => i.name).sort(), ["empty", "small"]);
    assert.ok(Buffer.from(await os.getBlob("small")).equals(Buffer.from(small)));
    assert.equal((await os.getBlob("empty")).length, 0);
    assert.equal(await os.getBlob("missing"), null);
  });
});

test("replacing an object keeps only the new chunks", async (t) => {
  await withStore(t, async ({ jsm, bucket, os }) => {
    await os.putBlob({ name: "obj" }, pattern(kSize, 2));
    const newer = pattern(200 * 1024, 3);
    const info = await os.putBlob({ name: "obj" }, newer);
    assert.equal(info.chunks, 2);
    assert.ok(Buffer.from(await os.getBlob("obj")).equals(Buffer.from(newer)));
    // The old 3 chunks and the old metadata were purged: 2 chunks + 1 metadata remain.
    assert.equal((await jsm.streams.info(`OBJ_${bucket}`)).state.messages, 3);
  });
});

test("delete removes the data and hides the object from get and list", async (t) => {
  await withStore(t, async ({ jsm, bucket, os }) => {
    await os.putBlob({ name: "doomed" }, pattern(kSize, 4));
    await os.putBlob({ name: "kept" }, pattern(10, 5));
    const r = await os.delete("doomed");
    assert.equal(r.success, true);
    assert.equal(r.purged, 3);
    assert.equal(await os.getBlob("doomed"), null);
    assert.deepEqual((await os.list()).map((i) => i.name), ["kept"]);
    const info = await os.info("doomed");
    assert.equal(info?.deleted ?? true, true);
    // kept: 1 chunk + 1 meta; doomed: its metadata tombstone.
    assert.equal((await jsm.streams.info(`OBJ_${bucket}`)).state.messages, 3);
  });
});
