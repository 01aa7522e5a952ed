// Shared helpers for the nats.js JetStream interop tests (test/js_*.test.mjs). They need a
// server with JetStream enabled: run_interop.sh starts one for --js-server-cmd. Every test
// works on its own memory streams, named after the test and the process id, so parallel test
// files never see each other's streams; the streams are deleted when the test ends.
import assert from "node:assert/strict";
import { StorageType, nanos } from "nats";
import { connectToServer } from "./helpers.mjs";

export { StorageType, nanos };

// "a token for this test": letters, digits and '_' only, valid in stream, consumer, KV bucket
// and object store names as well as in subjects.
export function testToken(t) {
  return `${t.name.replace(/[^A-Za-z0-9]+/g, "_")}_${process.pid}`.replace(/^_+/, "");
}

// Runs `fn({ nc, js, jsm, name, subj, addStream })` with a fresh connection.
// `name(suffix)` makes a unique stream/consumer name, `subj(suffix)` a unique subject, and
// `addStream(cfg)` adds a memory stream (default subjects `<name>.>`) that is deleted after.
export async function withJetStream(t, fn) {
  const nc = await connectToServer();
  const token = testToken(t);
  const created = [];
  try {
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    const name = (suffix = "") => (suffix ? `${token}_${suffix}` : token);
    const subj = (suffix = "") => (suffix ? `js.${token}.${suffix}` : `js.${token}`);
    const addStream = async (cfg = {}) => {
      const streamName = cfg.name ?? name();
      const info = await jsm.streams.add({
        name: streamName,
        subjects: [`${subj()}.>`],
        storage: StorageType.Memory,
        ...cfg,
      });
      created.push(streamName);
      return info;
    };
    await fn({ nc, js, jsm, name, subj, addStream });
    for (const s of created) {
      await jsm.streams.delete(s).catch(() => {});
    }
  } finally {
    await nc.close();
  }
}

// Asserts that `promise` rejects with a JetStream API error carrying exactly these fields.
export async function rejectsWithApiError(promise, { code, errCode, description }) {
  await assert.rejects(promise, (err) => {
    const api = err.api_error;
    assert.ok(api, `expected a JetStream API error, got ${err}`);
    if (code !== undefined) assert.equal(api.code, code);
    if (errCode !== undefined) assert.equal(api.err_code, errCode);
    if (description !== undefined) assert.equal(api.description, description);
    return true;
  });
}

// All values an async iterator yields (it must end by itself).
export async function collect(iter) {
  const out = [];
  for await (const v of iter) out.push(v);
  return out;
}

// Reads a message iterator step by step without stopping it (a `for await` that breaks
// would stop the underlying subscription): `const r = reader(iter); await r.take(2);`.
export function reader(iter) {
  const it = iter[Symbol.asyncIterator]();
  return {
    async take(n) {
      const out = [];
      while (out.length < n) {
        const { value, done } = await it.next();
        if (done) break;
        out.push(value);
      }
      return out;
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
