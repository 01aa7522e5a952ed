// Connecting and the server's INFO as nats.js sees it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode } from "nats";
import { connectToServer, kDefaultMaxPayload, serverUrl } from "./helpers.mjs";

test("connect reports the server info", async () => {
  const nc = await connectToServer({ name: "interop-js" });
  try {
    const info = nc.info;
    assert.ok(info, "no INFO");
    assert.equal(info.max_payload, kDefaultMaxPayload);
    assert.equal(info.headers, true);
    assert.equal(info.proto, 1);
    assert.equal(typeof info.server_id, "string");
    assert.notEqual(info.server_id, "");
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.ok(Number.isInteger(info.client_id) && info.client_id > 0, `client_id ${info.client_id}`);
    assert.equal(info.client_ip, "127.0.0.1");
    const { port } = new URL(serverUrl());
    assert.equal(nc.getServer(), `127.0.0.1:${port}`);
    const rtt = await nc.rtt();
    assert.ok(rtt >= 0, `rtt ${rtt}`);
    assert.equal(nc.isClosed(), false);
  } finally {
    await nc.close();
  }
  assert.equal(nc.isClosed(), true);
  assert.throws(
    () => nc.publish("interop.js.after.close"),
    (err) => err.code === ErrorCode.ConnectionClosed,
  );
});

test("two connections get distinct client ids", async () => {
  const a = await connectToServer();
  const b = await connectToServer();
  try {
    assert.notEqual(a.info.client_id, b.info.client_id);
  } finally {
    await a.close();
    await b.close();
  }
});

test("closed() resolves without error on a clean close", async () => {
  const nc = await connectToServer();
  const closed = nc.closed();
  await nc.close();
  assert.equal(await closed, undefined);
});
