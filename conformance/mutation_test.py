"""Proves that conformance cases can fail: the suite runs against a broker through a proxy
that deliberately breaks the broker's replies, and the cases that check those replies must
FAIL. The same cases through a faithful proxy must PASS, so the failures come from the mutation
alone.

Usage: mutation_test.py CONFORMANCE_RUNNER QUIVER_SERVER
       mutation_test.py --jetstream CONFORMANCE_RUNNER NATS_SERVER

The second form checks JetStream cases against a JetStream-enabled broker (nats-server with
-js, in a temporary store directory), since quiver-server does not offer JetStream yet.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

RUNNER = None
SERVER = None
JETSTREAM = False

# (name, replace this in broker-to-client bytes, with this, cases that must then fail)
MUTATIONS = [
    ("wrong -ERR text", b"Maximum Payload Violation", b"Maximum Payload violation",
     ["errors/max_payload_violation"]),
    ("corrupted payload", b"hello", b"hellO", ["pubsub/basic_delivery_exact_bytes"]),
    ("missing +OK", b"+OK\r\n", b"", ["verbose/connect_acknowledged", "verbose/pub_acknowledged"]),
]

# Replacements keep the byte count, so the MSG/HMSG sizes stay right and only the meaning breaks.
JETSTREAM_MUTATIONS = [
    ("wrong err_code", b'"err_code":10071', b'"err_code":10072',
     ["jetstream/expected_last_sequence", "jetstream_publish/expected_last_subject_sequence_10071"]),
    ("duplicate not a boolean", b'"duplicate": true', b'"duplicate": 1   ',
     ["jetstream/duplicate_msg_id", "jetstream_publish/duplicate_stored_once"]),
    ("streams [] instead of null", b'"streams":null', b'"streams":[]  ',
     ["jetstream_stream/names_no_match_null"]),
    ("wrong status text", b"404 No Messages", b"404 No Massages",
     ["jetstream_consumer/pull_no_wait_empty_404"]),
    ("wrong pending count", b"Nats-Pending-Messages: 2", b"Nats-Pending-Messages: 3",
     ["jetstream_consumer/pull_expires_408_with_pending"]),
    ("wrong heartbeat text", b"Idle Heartbeat", b"Idle Heartbeet",
     ["jetstream_consumer/push_idle_heartbeat"]),
    ("wrong direct-get sequence", b"Nats-Sequence: 3", b"Nats-Sequence: 4",
     ["jetstream_kv/put_and_direct_get"]),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MutatingProxy:
    """Forwards TCP both ways; applies one replacement to what the broker sends."""

    def __init__(self, upstream_port, old=b"", new=b""):
        self.upstream_port = upstream_port
        self.old, self.new = old, new
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, src, dst, mutate):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if mutate and self.old:
                    data = data.replace(self.old, self.new)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


class MutationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.store = None
        cmd = [SERVER, "-a", "127.0.0.1", "-p", str(cls.port)]
        if JETSTREAM:
            cls.store = tempfile.mkdtemp(prefix="mutation-js-")
            cmd += ["-js", "-sd", cls.store]
        cls.mutations = JETSTREAM_MUTATIONS if JETSTREAM else MUTATIONS
        cls.server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.server.wait()
        if cls.store:
            shutil.rmtree(cls.store, ignore_errors=True)

    def run_cases(self, proxy, cases):
        regex = "^(" + "|".join(c.replace("/", "/") for c in cases) + ")$"
        out = subprocess.run([RUNNER, "--url", f"nats://127.0.0.1:{proxy.port}", "--case", regex],
                             capture_output=True, text=True, timeout=120)
        return out.returncode, out.stdout + out.stderr

    def test_faithful_proxy_passes(self):
        proxy = MutatingProxy(self.port)
        try:
            cases = [c for m in self.mutations for c in m[3]]
            code, out = self.run_cases(proxy, cases)
            self.assertEqual(code, 0, out)
            for case in cases:
                self.assertIn("PASS " + case, out)
        finally:
            proxy.close()

    def test_each_broken_reply_fails_its_cases(self):
        for name, old, new, cases in self.mutations:
            with self.subTest(mutation=name):
                proxy = MutatingProxy(self.port, old, new)
                try:
                    code, out = self.run_cases(proxy, cases)
                    self.assertEqual(code, 1, out)
                    for case in cases:
                        self.assertIn("FAIL " + case, out)
                    print(f"[{name}]", *[l for l in out.splitlines() if l.startswith("FAIL")],
                          sep="\n  ")
                finally:
                    proxy.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--jetstream":
        JETSTREAM = True
        sys.argv.pop(1)
    SERVER = os.path.abspath(sys.argv.pop(2))
    RUNNER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
