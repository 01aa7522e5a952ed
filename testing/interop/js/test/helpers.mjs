// Shared helpers for the nats.js interop tests. The server comes from NATS_URL (set by
// run_interop.sh); every test uses its own subject prefix so that parallel test files never
// see each other's messages.
import { connect } from "nats";

export const kTimeoutMs = 5000;
export const kDefaultMaxPayload = 1024 * 1024;

export function serverUrl() {
  const url = process.env.NATS_URL;
  if (!url) {
    throw new Error("NATS_URL is not set; run the tests through testing/interop/run_interop.sh");
  }
  return url;
}

// Reconnects are off: a dropped connection must fail the test, not be papered over.
export function connectToServer(opts = {}) {
  return connect({ servers: serverUrl(), reconnect: false, timeout: kTimeoutMs, ...opts });
}

export function subjectPrefix(t) {
  const token = t.name.replace(/[^A-Za-z0-9]+/g, "_");
  return `interop.js.${process.pid}.${token}`;
}

export function numbered(prefix, n) {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
export const enc = (s) => encoder.encode(s);
export const dec = (b) => decoder.decode(b);

// A callback subscription recording every message. nats.js runs callbacks synchronously while
// parsing, and the server answers a PING only after the MSGs it already queued for that
// connection; so once the publisher's flush and then `nc.flush()` have resolved, `msgs` holds
// everything the server routed here and can be compared exactly.
export function record(nc, subject, opts = {}) {
  const msgs = [];
  const sub = nc.subscribe(subject, {
    ...opts,
    callback: (err, msg) => {
      if (err) {
        msgs.push({ error: err });
        return;
      }
      msgs.push({
        subject: msg.subject,
        reply: msg.reply ?? "",
        data: dec(msg.data),
        raw: msg.data,
        headers: msg.headers,
      });
    },
  });
  return { sub, msgs };
}
