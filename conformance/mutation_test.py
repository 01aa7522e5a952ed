"""Proves that conformance cases can fail: the suite runs against quiver-server through a proxy
that deliberately breaks the broker's replies, and the cases that check those replies must
FAIL. The same cases through a faithful proxy must PASS, so the failures come from the mutation
alone.

Usage: mutation_test.py CONFORMANCE_RUNNER QUIVER_SERVER
"""

import os
import socket
import subprocess
import sys
import threading
import time
import unittest

RUNNER = None
SERVER = None

# (name, replace this in broker-to-client bytes, with this, cases that must then fail)
MUTATIONS = [
    ("wrong -ERR text", b"Maximum Payload Violation", b"Maximum Payload violation",
     ["errors/max_payload_violation"]),
    ("corrupted payload", b"hello", b"hellO", ["pubsub/basic_delivery_exact_bytes"]),
    ("missing +OK", b"+OK\r\n", b"", ["verbose/connect_acknowledged", "verbose/pub_acknowledged"]),
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
        cls.server = subprocess.Popen([SERVER, "-a", "127.0.0.1", "-p", str(cls.port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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

    def run_cases(self, proxy, cases):
        regex = "^(" + "|".join(c.replace("/", "/") for c in cases) + ")$"
        out = subprocess.run([RUNNER, "--url", f"nats://127.0.0.1:{proxy.port}", "--case", regex],
                             capture_output=True, text=True, timeout=120)
        return out.returncode, out.stdout + out.stderr

    def test_faithful_proxy_passes(self):
        proxy = MutatingProxy(self.port)
        try:
            cases = [c for m in MUTATIONS for c in m[3]]
            code, out = self.run_cases(proxy, cases)
            self.assertEqual(code, 0, out)
            for case in cases:
                self.assertIn("PASS " + case, out)
        finally:
            proxy.close()

    def test_each_broken_reply_fails_its_cases(self):
        for name, old, new, cases in MUTATIONS:
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
    SERVER = os.path.abspath(sys.argv.pop(2))
    RUNNER = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
