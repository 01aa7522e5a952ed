"""Lifecycle of the quiver-server binary: signals, config reload, lame duck mode, flags.

Runs the real binary on 127.0.0.1 with free ports; every process is stopped by PID.
Usage: lifecycle_test.py QUIVER_SERVER_BINARY
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BINARY = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A raw protocol client that keeps what it read."""

    def __init__(self, port, connect=b'CONNECT {"verbose":false,"protocol":1}\r\n'):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""
        self.info = json.loads(self.read_until(b"\r\n")[5:].strip())
        self.buf = b""
        if connect:
            self.sock.sendall(connect)

    def read_until(self, needle, timeout=5.0):
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {needle!r}; have {self.buf!r}")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"closed while waiting for {needle!r}; have {self.buf!r}")
            self.buf += chunk
        return self.buf

    def ping(self):
        self.buf = b""
        self.sock.sendall(b"PING\r\n")
        self.read_until(b"PONG\r\n")

    def wait_closed(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self):
        self.sock.close()


class Broker:
    def __init__(self, *args, config=None):
        self.dir = tempfile.mkdtemp(prefix="quiver-lifecycle-")
        self.port = free_port()
        self.config_path = os.path.join(self.dir, "server.conf")
        if config is not None:
            self.write_config(config)
            args = ("-c", self.config_path) + args
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [BINARY, "-a", "127.0.0.1", "-p", str(self.port), *args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.01)
        self.stop()
        raise AssertionError("broker did not start: " + self.output())

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class LifecycleTest(unittest.TestCase):
    def test_sigterm_exits_cleanly_and_closes_clients(self):
        broker = Broker()
        try:
            client = Client(broker.port)
            client.ping()
            started = time.monotonic()
            broker.signal(signal.SIGTERM)
            self.assertEqual(broker.wait_exit(5), 0)
            self.assertLess(time.monotonic() - started, 3.0)
            self.assertTrue(client.wait_closed(2))
            out = broker.output()
            self.assertIn('[INF] Trapped "terminated" signal', out)
            self.assertIn("[INF] Server Exiting..", out)
        finally:
            broker.stop()

    def test_sigint_exits_cleanly(self):
        broker = Broker()
        try:
            broker.signal(signal.SIGINT)
            self.assertEqual(broker.wait_exit(5), 0)
            self.assertIn('Trapped "interrupt" signal', broker.output())
        finally:
            broker.stop()

    def test_sighup_reloads_limits_and_auth_without_dropping_clients(self):
        broker = Broker(config="max_payload: 1000\n")
        try:
            old = Client(broker.port)
            self.assertEqual(old.info["max_payload"], 1000)
            old.ping()
            broker.write_config(
                'max_payload: 2000\nauthorization { user: alice, password: "s3cret" }\n')
            broker.signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while "Reloaded server configuration" not in broker.output():
                self.assertLess(time.monotonic(), deadline, broker.output())
                time.sleep(0.02)
            new = Client(broker.port, connect=None)
            self.assertEqual(new.info["max_payload"], 2000)
            self.assertTrue(new.info.get("auth_required"))
            new.sock.sendall(b'CONNECT {"verbose":false,"user":"alice","pass":"wrong"}\r\n')
            new.read_until(b"-ERR 'Authorization Violation'\r\n")
            good = Client(broker.port,
                          connect=b'CONNECT {"verbose":false,"user":"alice","pass":"s3cret"}\r\n')
            good.ping()
            # The connection made before the reload is still served.
            old.ping()
        finally:
            broker.stop()

    def test_bad_config_on_reload_keeps_the_running_settings(self):
        broker = Broker(config="max_payload: 1000\n")
        try:
            broker.write_config("max_payload: [oops\n")
            broker.signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while "Failed to reload server configuration" not in broker.output():
                self.assertLess(time.monotonic(), deadline, broker.output())
                time.sleep(0.02)
            self.assertEqual(Client(broker.port).info["max_payload"], 1000)
        finally:
            broker.stop()

    def test_lame_duck_announces_refuses_and_closes(self):
        broker = Broker(config='lame_duck_duration: "30s"\nlame_duck_grace_period: "1s"\n')
        try:
            client = Client(broker.port)
            client.ping()
            client.buf = b""
            started = time.monotonic()
            broker.signal(signal.SIGUSR2)
            info = client.read_until(b"\r\n")
            self.assertTrue(info.startswith(b"INFO "), info)
            self.assertTrue(json.loads(info[5:].strip())["ldm"])
            deadline = time.monotonic() + 2
            while True:  # the listener closes right away
                try:
                    socket.create_connection(("127.0.0.1", broker.port), timeout=0.2).close()
                except OSError:
                    break
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.02)
            # Still served during the grace period...
            client.ping()
            # ...then closed after it, and the server exits.
            self.assertTrue(client.wait_closed(5))
            self.assertGreaterEqual(time.monotonic() - started, 0.9)
            self.assertEqual(broker.wait_exit(10), 0)
            self.assertIn("Entering lame duck mode", broker.output())
        finally:
            broker.stop()

    def test_signal_flag_reaches_the_server_through_its_pid_file(self):
        pid_file = os.path.join(tempfile.mkdtemp(prefix="quiver-pid-"), "quiver.pid")
        broker = Broker("-P", pid_file)
        try:
            deadline = time.monotonic() + 5
            while not os.path.exists(pid_file):
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.01)
            with open(pid_file) as f:
                self.assertEqual(int(f.read()), broker.proc.pid)
            subprocess.run([BINARY, "--signal", "quit=" + pid_file], check=True)
            self.assertEqual(broker.wait_exit(5), 0)
            self.assertFalse(os.path.exists(pid_file))
        finally:
            broker.stop()

    def test_version_help_and_bad_flags(self):
        out = subprocess.run([BINARY, "--version"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("quiver-server: v2.9.10", out.stdout)
        out = subprocess.run([BINARY, "--help"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("--port", out.stdout)
        out = subprocess.run([BINARY, "--no-such-flag"], capture_output=True, text=True)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("no-such-flag", out.stderr)

    def test_bad_config_file_fails_with_line_number(self):
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write("port: 4222\nmax_payload: {\n")
            path = f.name
        out = subprocess.run([BINARY, "-c", path], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertRegex(out.stderr, os.path.basename(path) + r":\d+:\d+")

    def test_port_in_use_fails_clearly(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            out = subprocess.run([BINARY, "-a", "127.0.0.1", "-p", str(port)],
                                 capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 1)
        self.assertIn("Error listening on port", out.stdout + out.stderr)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
