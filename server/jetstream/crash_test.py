"""Crash and corruption tests of quiver-server's JetStream file store, through the real binary.

  * kill -9 at random points while publishers and an acknowledging consumer run, restart, and
    check that every acknowledged publish is in the stream exactly once and in order, and that
    the durable consumer does not redeliver what it confirmed (ack sync) before the crash;
  * truncate the tail of a segment at random offsets and restart: the server repairs, says so,
    and serves an intact prefix that holds every message it acknowledged before the cut point;
  * flip bytes inside a segment: a corrupt record is never served.

Usage: crash_test.py QUIVER_SERVER_BINARY. Processes listen on 127.0.0.1, free ports, are
stopped by PID.
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BINARY = None
ROUNDS = int(os.environ.get("QV_CRASH_ROUNDS", "4"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conn:
    """A minimal NATS protocol client: PUB/HPUB, SUB, and a reader thread collecting MSG/HMSG."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.lock = threading.Lock()
        self.cv = threading.Condition(self.lock)
        self.msgs = {}  # sid -> list of (subject, reply, headers, payload)
        self.closed = False
        self._read_line()  # INFO
        self.sock.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,'
                          b'"no_responders":true,"protocol":1}\r\nPING\r\n')
        while self._read_line() != b"PONG":
            pass
        self.sock.settimeout(None)  # the reader thread blocks until data or close
        self.reader = threading.Thread(target=self._loop, daemon=True)
        self.reader.start()
        self.next_sid = 1

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        self.buf += chunk

    def _read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read_n(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _loop(self):
        try:
            while True:
                line = self._read_line()
                if line.startswith(b"MSG ") or line.startswith(b"HMSG "):
                    parts = line.split()
                    if parts[0] == b"MSG":
                        subject, sid = parts[1], parts[2]
                        reply = parts[3] if len(parts) == 5 else b""
                        data = self._read_n(int(parts[-1]))
                        hdr, payload = b"", data
                    else:
                        subject, sid = parts[1], parts[2]
                        reply = parts[3] if len(parts) == 6 else b""
                        hlen, total = int(parts[-2]), int(parts[-1])
                        data = self._read_n(total)
                        hdr, payload = data[:hlen], data[hlen:]
                    with self.cv:
                        self.msgs.setdefault(sid.decode(), []).append(
                            (subject.decode(), reply.decode(), hdr, payload))
                        self.cv.notify_all()
                elif line == b"PING":
                    self.sock.sendall(b"PONG\r\n")
        except (ConnectionError, OSError):
            with self.cv:
                self.closed = True
                self.cv.notify_all()

    def sub(self, subject):
        sid = str(self.next_sid)
        self.next_sid += 1
        self.sock.sendall(f"SUB {subject} {sid}\r\n".encode())
        return sid

    def pub(self, subject, payload, reply="", headers=None):
        if isinstance(payload, str):
            payload = payload.encode()
        if headers:
            h = b"NATS/1.0\r\n" + b"".join(
                f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n"
            self.sock.sendall(f"HPUB {subject} {reply} {len(h)} {len(h) + len(payload)}\r\n"
                              .encode() + h + payload + b"\r\n")
        else:
            self.sock.sendall(f"PUB {subject} {reply} {len(payload)}\r\n".encode() + payload +
                              b"\r\n")

    def wait(self, sid, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cv:
            while len(self.msgs.get(sid, [])) < count and not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cv.wait(left)
            return list(self.msgs.get(sid, []))

    def take(self, sid):
        with self.cv:
            return self.msgs.pop(sid, [])

    def request(self, subject, payload=b"", timeout=5.0):
        inbox = f"_INBOX.req.{random.getrandbits(48)}"
        sid = self.sub(inbox)
        self.pub(subject, payload, inbox)
        got = self.wait(sid, 1, timeout)
        self.sock.sendall(f"UNSUB {sid}\r\n".encode())
        if not got:
            raise TimeoutError(f"no reply to {subject}")
        return got[0]

    def api(self, subject, body=None):
        payload = json.dumps(body).encode() if body is not None else b""
        _, _, _, data = self.request(subject, payload)
        return json.loads(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Broker:
    def __init__(self, store_dir, extra=()):
        self.port = free_port()
        self.store_dir = store_dir
        self.log_path = os.path.join(store_dir, f"server-{self.port}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [BINARY, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", store_dir, *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.01)
        self.kill()
        raise AssertionError("broker did not start: " + self.output())

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def read_stream(conn, stream, last_seq):
    """Every message of the stream by sequence (MSG.GET), as {seq: payload}."""
    out = {}
    for seq in range(1, last_seq + 1):
        r = conn.api(f"$JS.API.STREAM.MSG.GET.{stream}", {"seq": seq})
        if "message" in r:
            import base64
            out[seq] = base64.b64decode(r["message"].get("data", "")).decode()
    return out


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="quiver-crash-")

    def test_kill9_keeps_every_acknowledged_message_once_in_order(self):
        rng = random.Random(int(os.environ.get("QV_CRASH_SEED", "7")))
        acked = []  # payloads whose PubAck arrived, in ack order, across rounds
        confirmed_acks = set()  # stream seqs whose consumer ack was confirmed (ack sync)
        counter = 0
        for round_no in range(ROUNDS):
            broker = Broker(self.dir)
            try:
                conn = Conn(broker.port)
                if round_no == 0:
                    r = conn.api("$JS.API.STREAM.CREATE.CRASH",
                                 {"name": "CRASH", "subjects": ["crash.>"], "storage": "file"})
                    self.assertNotIn("error", r, r)
                    r = conn.api("$JS.API.CONSUMER.DURABLE.CREATE.CRASH.C",
                                 {"stream_name": "CRASH",
                                  "config": {"durable_name": "C", "ack_policy": "explicit",
                                             "ack_wait": 30_000_000_000}})
                    self.assertNotIn("error", r, r)
                else:
                    info = conn.api("$JS.API.STREAM.INFO.CRASH")
                    self.assertNotIn("error", info, info)
                    # The durable consumer resumes past everything it confirmed.
                    self.check_resume(conn, confirmed_acks)
                # Publishers: pipelined PUBs with a reply each; PubAcks recorded as they come.
                ack_sid = conn.sub("_INBOX.acks.*")
                sent = {}
                stop = threading.Event()

                # Acks go to `conn` (it holds the _INBOX.acks.* subscription): publish through
                # it directly so the reply subscription exists on the same connection.
                def publish_here():
                    nonlocal counter
                    try:
                        while not stop.is_set():
                            for _ in range(50):
                                counter += 1
                                payload = f"m{counter}"
                                sent[str(counter)] = payload
                                conn.pub(f"crash.{counter % 7}", payload,
                                         f"_INBOX.acks.{counter}")
                            time.sleep(0.002)
                    except OSError:
                        pass

                # Consumer: fetch batches and ack with confirmation.
                def consume():
                    c = Conn(broker.port)
                    inbox = f"_INBOX.fetch.{round_no}"
                    sid = c.sub(inbox)
                    confirm_sid = c.sub(f"_INBOX.confirm.{round_no}.*")
                    n = 0
                    try:
                        while not stop.is_set():
                            c.pub("$JS.API.CONSUMER.MSG.NEXT.CRASH.C",
                                  json.dumps({"batch": 20, "expires": 200_000_000}), inbox)
                            msgs = c.wait(sid, 1, 0.5)
                            for subject, reply, hdr, payload in c.take(sid):
                                if not reply.startswith("$JS.ACK."):
                                    continue
                                n += 1
                                c.pub(reply, "+ACK", f"_INBOX.confirm.{round_no}.{n}")
                                seq = int(reply.split(".")[5])
                                got = c.wait(confirm_sid, 1, 2.0)
                                for s2, r2, h2, p2 in c.take(confirm_sid):
                                    confirmed_acks.add(seq)
                            del msgs
                    except (OSError, ConnectionError):
                        pass
                    finally:
                        c.close()

                threads = [threading.Thread(target=publish_here, daemon=True),
                           threading.Thread(target=consume, daemon=True)]
                for t in threads:
                    t.start()
                time.sleep(rng.uniform(0.3, 1.2))
                broker.kill()
                stop.set()
                for t in threads:
                    t.join(5)
                with conn.cv:
                    for subject, reply, hdr, payload in conn.msgs.get(ack_sid, []):
                        body = json.loads(payload)
                        if "error" in body:
                            continue
                        n = subject.rsplit(".", 1)[1]
                        acked.append((body["seq"], sent[n]))
                conn.close()
            finally:
                broker.kill()
        # Final check on a clean restart.
        broker = Broker(self.dir)
        try:
            conn = Conn(broker.port)
            info = conn.api("$JS.API.STREAM.INFO.CRASH")
            self.assertNotIn("error", info, info)
            stored = read_stream(conn, "CRASH", info["state"]["last_seq"])
            payloads = list(stored.values())
            self.assertEqual(len(payloads), len(set(payloads)), "a message is stored twice")
            for seq, payload in acked:
                self.assertEqual(stored.get(seq), payload,
                                 f"acknowledged message {payload} (seq {seq}) lost")
            # Acknowledged messages keep their publish order.
            order = [seq for seq, _ in sorted(acked, key=lambda a: int(a[1][1:]))]
            self.assertEqual(order, sorted(order))
            self.assertGreater(len(acked), 100, "the test published too little to mean much")
            self.check_resume(conn, confirmed_acks)
            conn.close()
        finally:
            broker.stop()

    def check_resume(self, conn, confirmed_acks):
        info = conn.api("$JS.API.CONSUMER.INFO.CRASH.C")
        self.assertNotIn("error", info, info)
        floor = info["ack_floor"]["stream_seq"]
        # Every confirmed ack is either under the ack floor or no longer pending: fetch what the
        # consumer hands out now and make sure none of it was confirmed before.
        inbox = f"_INBOX.check.{random.getrandbits(32)}"
        sid = conn.sub(inbox)
        conn.pub("$JS.API.CONSUMER.MSG.NEXT.CRASH.C",
                 json.dumps({"batch": 500, "no_wait": True}), inbox)
        got = conn.wait(sid, 500, 1.0)
        for subject, reply, hdr, payload in got:
            if reply.startswith("$JS.ACK."):
                seq = int(reply.split(".")[5])
                self.assertNotIn(seq, confirmed_acks,
                                 f"confirmed ack of seq {seq} was redelivered (floor {floor})")
        conn.sock.sendall(f"UNSUB {sid}\r\n".encode())

    def segments(self):
        base = os.path.join(self.dir, "jetstream", "$G", "streams", "TORN", "msgs")
        return sorted(os.path.join(base, f) for f in os.listdir(base) if f.endswith(".seg"))

    def fill(self, count):
        broker = Broker(self.dir)
        try:
            conn = Conn(broker.port)
            r = conn.api("$JS.API.STREAM.CREATE.TORN",
                         {"name": "TORN", "subjects": ["torn"], "storage": "file"})
            self.assertNotIn("error", r, r)
            for i in range(count):
                _, _, _, data = conn.request("torn", f"payload-{i:05d}")
                self.assertEqual(json.loads(data)["seq"], i + 1)
            conn.close()
        finally:
            broker.kill()

    def test_truncated_tail_is_repaired_and_reported(self):
        self.fill(200)
        seg = self.segments()[-1]
        size = os.path.getsize(seg)
        rng = random.Random(11)
        cut = size - rng.randint(1, 20)  # inside the last record (about 45 bytes)
        with open(seg, "r+b") as f:
            f.truncate(cut)
        broker = Broker(self.dir)
        try:
            conn = Conn(broker.port)
            info = conn.api("$JS.API.STREAM.INFO.TORN")
            last = info["state"]["last_seq"]
            self.assertEqual(last, 199, info)  # the torn last record is gone, the rest kept
            stored = read_stream(conn, "TORN", last)
            for seq in range(1, last + 1):
                self.assertEqual(stored[seq], f"payload-{seq - 1:05d}")
            self.assertRegex(broker.output(), r"(?i)truncat|cut off")
            # New publishes continue after the repaired tail.
            _, _, _, data = conn.request("torn", "after")
            self.assertEqual(json.loads(data)["seq"], 200)
            conn.close()
        finally:
            broker.stop()

    def test_dead_space_is_compacted_and_live_messages_survive(self):
        broker = Broker(self.dir)
        try:
            conn = Conn(broker.port)
            r = conn.api("$JS.API.STREAM.CREATE.SPARSE",
                         {"name": "SPARSE", "subjects": ["sparse.*"], "storage": "file",
                          "max_msgs_per_subject": 1})
            self.assertNotIn("error", r, r)
            big = "x" * 1024
            for i in range(3000):
                conn.pub(f"sparse.{i % 2}", f"{i:05d}{big}")
            _, _, _, data = conn.request("sparse.2", "last")
            self.assertEqual(json.loads(data)["seq"], 3001)
            msgs = os.path.join(self.dir, "jetstream", "$G", "streams", "SPARSE", "msgs")

            def disk():
                return sum(os.path.getsize(os.path.join(msgs, f)) for f in os.listdir(msgs))

            self.assertGreater(disk(), 2_000_000)
            deadline = time.monotonic() + 25  # compaction runs every 10 s
            while disk() > 1_000_000 and time.monotonic() < deadline:
                time.sleep(0.2)
            self.assertLess(disk(), 1_000_000, broker.output())
            for subject, want in (("sparse.0", "02998"), ("sparse.1", "02999")):
                r = conn.api("$JS.API.STREAM.MSG.GET.SPARSE", {"last_by_subj": subject})
                import base64
                self.assertTrue(base64.b64decode(r["message"]["data"]).decode().startswith(want))
            conn.close()
        finally:
            broker.kill()
        broker = Broker(self.dir)  # and the compacted files reopen cleanly
        try:
            conn = Conn(broker.port)
            info = conn.api("$JS.API.STREAM.INFO.SPARSE")
            self.assertEqual(info["state"]["messages"], 3, info)
            self.assertEqual(info["state"]["last_seq"], 3001, info)
            conn.close()
        finally:
            broker.stop()

    def test_corrupt_record_is_never_served(self):
        self.fill(100)
        seg = self.segments()[0]
        with open(seg, "rb") as f:
            data = bytearray(f.read())
        pos = data.find(b"payload-00050")
        self.assertGreater(pos, 0)
        data[pos + 8] ^= 0x55  # "payload-00050" -> a different digit, checksum now wrong
        with open(seg, "wb") as f:
            f.write(data)
        broker = Broker(self.dir)
        try:
            conn = Conn(broker.port)
            info = conn.api("$JS.API.STREAM.INFO.TORN")
            stored = read_stream(conn, "TORN", max(info["state"]["last_seq"], 100))
            for seq, payload in stored.items():
                self.assertEqual(payload, f"payload-{seq - 1:05d}", f"seq {seq} served corrupt")
            self.assertNotIn(51, stored)
            self.assertIn(50, stored)
            self.assertRegex(broker.output(), r"(?i)corrupt|checksum")
            conn.close()
        finally:
            broker.stop()


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore", ResourceWarning)
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
