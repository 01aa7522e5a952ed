#!/usr/bin/python3
"""The quiver binary against real brokers: nats-server 2.9.10 and quiver-server.

Every case runs once per broker (NatsServerTest, QuiverServerTest). Each class starts its broker
on a free 127.0.0.1 port, waits for "Server is ready" in its log, and stops it by PID
(SIGTERM, then SIGKILL). Nothing sleeps: readiness is read from the processes' output
("Server is ready", "Subscribing on", "Listening on", the bench banner).

  quiver_integration_test.py --quiver=PATH --quiver-server=PATH --nats-server=PATH [unittest args]

Python 3 standard library only.
"""

import argparse
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import unittest

QUIVER = None
SERVERS = {}
TIMEOUT = 60  # seconds; a hung command fails its test instead of the whole run


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A process whose stdout and stderr are read by threads, stderr line by line."""

    def __init__(self, argv, env=None, stdin=subprocess.DEVNULL):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.stderr_lines = queue.Queue()
        self.stderr_all = []
        self.stdout_chunks = []
        self._threads = [threading.Thread(target=self._read_stderr, daemon=True),
                         threading.Thread(target=self._read_stdout, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stderr(self):
        for line in iter(self.proc.stderr.readline, b""):
            text = line.decode(errors="replace")
            self.stderr_all.append(text)
            self.stderr_lines.put(text)
        self.stderr_lines.put(None)

    def _read_stdout(self):
        for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):
            self.stdout_chunks.append(chunk)

    def wait_for_stderr(self, needle, timeout=TIMEOUT):
        """Blocks until a stderr line contains `needle`; returns the line."""
        while True:
            try:
                line = self.stderr_lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"{self.argv[0]}: no {needle!r} on stderr within "
                                     f"{timeout} s; got {''.join(self.stderr_all)!r}")
            if line is None:
                raise AssertionError(f"{self.argv}: exited before printing {needle!r}; "
                                     f"stderr {''.join(self.stderr_all)!r}")
            if needle in line:
                return line

    def finish(self, timeout=TIMEOUT):
        """Waits for the exit; returns (returncode, stdout, stderr)."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"{self.argv} did not exit within {timeout} s")
        self._close()
        return rc, b"".join(self.stdout_chunks).decode(errors="replace"), "".join(self.stderr_all)

    def _close(self):
        for t in self._threads:
            t.join()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM by PID, then SIGKILL by PID."""
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._close()


class Broker:
    def __init__(self, binary, extra=()):
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc = Proc([binary, "-a", "127.0.0.1", "-p", str(self.port), *extra])
        self.proc.wait_for_stderr("Server is ready", timeout=20)

    def stop(self):
        self.proc.stop()


class Cases:
    """The test cases; a subclass sets SERVER (a key of SERVERS)."""

    SERVER = None
    broker = None

    @classmethod
    def setUpClass(cls):
        cls.broker = Broker(SERVERS[cls.SERVER])

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()

    # -- helpers ---------------------------------------------------------------------------

    def env(self, url=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("NATS_")}
        env["NATS_URL"] = url or self.broker.url
        return env

    def run_quiver(self, *args, input=None, env=None):
        proc = subprocess.run([QUIVER, *args], input=input, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env or self.env(), timeout=TIMEOUT)
        return proc.returncode, proc.stdout.decode(errors="replace"), \
            proc.stderr.decode(errors="replace")

    def start_quiver(self, *args, env=None):
        proc = Proc([QUIVER, *args], env=env or self.env())
        self.addCleanup(proc.stop)
        return proc

    def ok(self, *args, input=None, env=None):
        rc, out, err = self.run_quiver(*args, input=input, env=env)
        self.assertEqual(rc, 0, f"quiver {' '.join(args)}: {err}")
        return out, err

    def subject(self, name):
        # Distinct per broker class, so a straggler from one case can never reach another.
        return f"{self.SERVER}.{self._testMethodName}.{name}"

    def subscriber(self, subject, *flags):
        sub = self.start_quiver("sub", subject, *flags)
        sub.wait_for_stderr("Subscribing on " + subject)
        return sub

    # -- pub / sub -------------------------------------------------------------------------

    def test_pub_sub_count(self):
        subj = self.subject("orders")
        sub = self.subscriber(subj, "--count", "3")
        out, err = self.ok("pub", subj, "msg {{Count}}", "--count", "3")
        self.assertEqual(err.count(f'Published 5 bytes to "{subj}"'), 3, err)
        rc, stdout, _ = sub.finish()
        self.assertEqual(rc, 0)
        self.assertEqual(stdout, "".join(
            f'[#{i}] Received on "{subj}"\nmsg {i}\n\n' for i in (1, 2, 3)))

    def test_pub_many_with_raw_sub(self):
        subj = self.subject("bulk")
        sub = self.subscriber(subj, "--raw", "--count", "500")
        _, err = self.ok("pub", subj, "n {{.Count}}", "--count", "500")
        self.assertIn(f'Published 500 messages (2,392 bytes) to "{subj}"', err)
        rc, stdout, _ = sub.finish()
        self.assertEqual(rc, 0)
        self.assertEqual(stdout.splitlines(), [f"n {i}" for i in range(1, 501)])

    def test_templates(self):
        subj = self.subject("tmpl")
        sub = self.subscriber(subj, "--raw", "--count", "2")
        self.ok("pub", subj, "{{ID}} {{TimeStamp}} {{Unix}} {{ Random 4 4 }}", "--count", "2")
        rc, stdout, _ = sub.finish()
        lines = stdout.splitlines()
        self.assertEqual(len(lines), 2)
        shape = re.compile(r"^[0-9A-Za-z]{22} \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) "
                           r"\d{10} [0-9A-Za-z]{4}$")
        for line in lines:
            self.assertRegex(line, shape)
        self.assertNotEqual(lines[0].split()[0], lines[1].split()[0])

    def test_no_templates_sends_braces(self):
        subj = self.subject("literal")
        sub = self.subscriber(subj, "--raw", "--count", "1")
        self.ok("pub", subj, "{{Count}}", "--no-templates")
        self.assertEqual(sub.finish()[1], "{{Count}}\n")

    def test_body_from_stdin(self):
        subj = self.subject("stdin")
        sub = self.subscriber(subj, "--raw", "--count", "1")
        self.ok("pub", subj, input=b"from stdin")
        self.assertEqual(sub.finish()[1], "from stdin\n")

    def test_headers(self):
        subj = self.subject("hdr")
        sub = self.subscriber(subj, "--count", "2")
        self.ok("pub", subj, "body", "--count", "2", "-H", "X-Id:{{Count}}", "--header",
                "Trace: abc")
        rc, stdout, _ = sub.finish()
        self.assertEqual(rc, 0)
        self.assertEqual(stdout, "".join(
            f'[#{i}] Received on "{subj}"\nX-Id: {i}\nTrace: abc\n\nbody\n\n' for i in (1, 2)))

    def test_headers_only(self):
        subj = self.subject("hdronly")
        sub = self.subscriber(subj, "--count", "1", "--headers-only")
        self.ok("pub", subj, "secret body", "-H", "K:V")
        self.assertEqual(sub.finish()[1], f'[#1] Received on "{subj}"\nK: V\n\n')

    def test_reply_subject_is_shown(self):
        subj = self.subject("withreply")
        sub = self.subscriber(subj, "--count", "1")
        self.ok("pub", subj, "x", "--reply", "answers.here")
        self.assertEqual(sub.finish()[1],
                         f'[#1] Received on "{subj}" with reply "answers.here"\nx\n\n')

    def test_queue_subscription(self):
        subj = self.subject("work")
        sub = self.start_quiver("sub", subj, "--queue", "workers", "--count", "2", "--raw")
        line = sub.wait_for_stderr("Subscribing on")
        self.assertIn('in group "workers"', line)
        self.ok("pub", subj, "job {{Count}}", "--count", "2")
        self.assertEqual(sub.finish()[1], "job 1\njob 2\n")

    def test_sub_exits_cleanly_on_sigterm(self):
        sub = self.subscriber(self.subject("idle"))
        sub.signal(signal.SIGTERM)
        rc, stdout, _ = sub.finish()
        self.assertEqual(rc, 0)
        self.assertEqual(stdout, "")

    # -- req / reply -----------------------------------------------------------------------

    def replier(self, subject, *flags):
        rep = self.start_quiver("reply", subject, *flags)
        rep.wait_for_stderr("Listening on")
        return rep

    def test_req_reply_echo(self):
        subj = self.subject("echo")
        rep = self.replier(subj, "--echo", "--count", "1")
        out, err = self.ok("req", subj, "hello", "-H", "a:b")
        self.assertEqual(out, "hello\n")
        self.assertIn(f'Sending request on "{subj}"', err)
        self.assertIn("Received with rtt ", err)
        self.assertIn(" a: b\n", err)
        self.assertIn(" NATS-Reply-Counter: 0\n", err)
        rc, stdout, rerr = rep.finish()
        self.assertEqual(rc, 0)
        self.assertEqual(stdout, "\nhello\n")
        self.assertIn(f'[#0] Received on subject "{subj}":', rerr)

    def test_reply_defaults_to_echo(self):
        subj = self.subject("defecho")
        rep = self.start_quiver("reply", subj, "--count", "1")
        rep.wait_for_stderr("No body or command supplied, enabling echo mode")
        rep.wait_for_stderr("Listening on")
        out, _ = self.ok("req", subj, "ping", "--raw")
        self.assertEqual(out, "ping\n")
        self.assertEqual(rep.finish()[0], 0)

    def test_reply_body_template(self):
        subj = self.subject("tmpl")
        rep = self.replier(subj, "got {{Request}} #{{Count}}", "--count", "2")
        self.assertEqual(self.ok("req", subj, "x", "--raw")[0], "got x #0\n")
        self.assertEqual(self.ok("req", subj, "y", "--raw")[0], "got y #1\n")
        self.assertEqual(rep.finish()[0], 0)

    def test_reply_command(self):
        base = self.subject("weather")
        rep = self.replier(base + ".>", "--command",
                           "sh -c 'echo {{3}} says $NATS_REQUEST_BODY from $NATS_REQUEST_SUBJECT'",
                           "--count", "1")
        out, _ = self.ok("req", base + ".london", "hi", "--raw")
        self.assertEqual(out, f"london says hi from {base}.london\n\n")
        self.assertEqual(rep.finish()[0], 0)

    def test_req_count_with_templates(self):
        subj = self.subject("multi")
        rep = self.replier(subj, "--echo", "--count", "3")
        out, _ = self.ok("req", subj, "n={{Count}}", "--count", "3", "--raw")
        self.assertEqual(out, "n=1\nn=2\nn=3\n")
        self.assertEqual(rep.finish()[0], 0)

    def test_no_responders(self):
        rc, out, err = self.run_quiver("req", self.subject("nobody"), "x")
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertTrue(err.endswith("quiver: error: no responders available for request\n"),
                        err)

    def test_request_timeout(self):
        subj = self.subject("silent")
        self.subscriber(subj)  # receives, never answers
        rc, _, err = self.run_quiver("req", subj, "x", "--timeout", "300ms")
        self.assertEqual(rc, 1)
        self.assertIn(f'quiver: error: timeout: no reply on "{subj}" within 300ms', err)

    # -- bench -----------------------------------------------------------------------------

    def bench_json(self, *args):
        out, err = self.ok("bench", *args, "--json", "--no-progress")
        self.assertIn("Starting Core NATS", err)
        return json.loads(out)

    def test_bench_pubsub(self):
        r = self.bench_json(self.subject("b"), "--pub", "1", "--sub", "2", "--msgs", "20000",
                            "--size", "16")
        self.assertEqual(r["kind"], "pubsub")
        self.assertEqual(r["pub"]["msgs"], 20000)
        self.assertEqual(r["pub"]["bytes"], 320000)
        self.assertEqual(r["expected"], 40000)
        self.assertEqual(r["received"], 40000)
        self.assertEqual(r["lost"], 0)
        self.assertEqual([c["msgs"] for c in r["sub"]["clients"]], [20000, 20000])
        self.assertEqual(r["latency_us"]["count"], 2 * 20000 // 16)  # every 16th is stamped
        self.assertGreater(r["pub"]["msgs_per_s"], 0)
        self.assertLessEqual(r["latency_us"]["p50"], r["latency_us"]["p99"])

    def test_bench_pub_text(self):
        out, _ = self.ok("bench", self.subject("p"), "--pub", "2", "--msgs", "10000", "--size",
                         "64", "--no-progress")
        self.assertRegex(out, r"\nPub stats: [\d,]+ msgs/sec ~ [\d.]+ [KMG]?B/sec\n"
                              r" \[1\] [\d,]+ msgs/sec ~ [\d.]+ [KMG]?B/sec \(5000 msgs\)\n"
                              r" \[2\] [\d,]+ msgs/sec ~ [\d.]+ [KMG]?B/sec \(5000 msgs\)\n"
                              r" min [\d,]+ \| avg [\d,]+ \| max [\d,]+ \| stddev [\d,]+ msgs\n$")

    def test_bench_queue_group(self):
        r = self.bench_json(self.subject("q"), "--pub", "1", "--sub", "3", "--queue", "g",
                            "--msgs", "3000")
        self.assertEqual(r["queue"], "g")
        self.assertEqual(r["expected"], 3000)
        self.assertEqual(r["received"], 3000)
        self.assertEqual(sum(c["msgs"] for c in r["sub"]["clients"]), 3000)
        self.assertEqual(r["lost"], 0)

    def test_bench_request_reply(self):
        r = self.bench_json(self.subject("rr"), "--pub", "2", "--sub", "1", "--request",
                            "--msgs", "300", "--size", "16")
        self.assertEqual(r["kind"], "request")
        self.assertEqual(r["failed"], 0)
        self.assertEqual(r["pub"]["msgs"], 300)
        self.assertEqual(r["sub"]["msgs"], 300)
        self.assertEqual(r["latency_us"]["count"], 300)
        self.assertGreater(r["latency_us"]["min"], 0)

    def test_bench_responders_in_another_process(self):
        subj = self.subject("svc")
        responder = self.start_quiver("bench", subj, "--sub", "2", "--reply", "--msgs", "200",
                                      "--no-progress")
        responder.wait_for_stderr("Starting Core NATS request/reply benchmark")
        r = self.bench_json(subj, "--pub", "1", "--request", "--msgs", "200")
        self.assertEqual(r["failed"], 0)
        rc, stdout, _ = responder.finish()
        self.assertEqual(rc, 0)
        self.assertIn("Reply stats: ", stdout)

    def test_bench_request_without_responders_fails(self):
        rc, _, err = self.run_quiver("bench", self.subject("none"), "--pub", "1", "--request",
                                     "--msgs", "10", "--no-progress")
        self.assertEqual(rc, 1)
        self.assertIn("quiver: error: no responders available for request", err)

    # -- server ----------------------------------------------------------------------------

    def test_server_ping(self):
        out, _ = self.ok("server", "ping", "-c", "3")
        lines = out.splitlines()
        self.assertRegex(lines[0], rf"^PING {re.escape(self.broker.url)} \(.*server_id \w+")
        for i in (1, 2, 3):
            self.assertRegex(lines[i], rf"^PONG {i} from {re.escape(self.broker.url)}: "
                                       r"rtt=[\d.]+(ns|µs|ms|s)$")
        self.assertEqual(lines[4], f"--- {self.broker.url} ping statistics ---")
        self.assertRegex(lines[5], r"^3 PINGs sent, 3 PONGs received, 0.0% loss, "
                                   r"rtt min/avg/max = \S+/\S+/\S+$")

    def test_server_info(self):
        out, _ = self.ok("server", "info")
        self.assertIn(f"Server information for {self.broker.url}\n", out)
        self.assertRegex(out, r"\n +Server ID: \w+\n")
        self.assertIn(f"Host: 127.0.0.1:{self.broker.port}\n", out)
        self.assertIn("Headers: true\n", out)
        self.assertIn("Max payload: 1,048,576 bytes\n", out)
        info = json.loads(self.ok("server", "info", "--json")[0])
        self.assertEqual(info["port"], self.broker.port)
        self.assertEqual(info["headers"], True)
        self.assertEqual(info["max_payload"], 1048576)
        self.assertTrue(info["server_id"])

    # -- connection flags, errors, usage ---------------------------------------------------

    def test_server_flag_beats_environment(self):
        env = self.env(url=f"nats://127.0.0.1:{free_port()}")  # nothing listens there
        rc, _, err = self.run_quiver("server", "ping", "-c", "1", env=env)
        self.assertEqual(rc, 1)
        self.assertIn("quiver: error: could not connect to nats://127.0.0.1:", err)
        out, _ = self.ok("server", "ping", "-c", "1", "--server", self.broker.url, env=env)
        self.assertIn("1 PONGs received", out)

    def test_usage_errors_exit_2(self):
        rc, _, err = self.run_quiver("pub")
        self.assertEqual(rc, 2)
        self.assertEqual(err, "quiver: error: required argument 'subject' not provided, "
                              "try --help\n")
        rc, _, err = self.run_quiver("frobnicate")
        self.assertEqual((rc, err), (2, "quiver: error: unknown command 'frobnicate', "
                                        "try --help\n"))
        rc, _, err = self.run_quiver("bench", "x", "--msgs", "lots")
        self.assertEqual(rc, 2)
        self.assertIn("invalid value 'lots' for --msgs", err)

    def test_help(self):
        out, _ = self.ok("pub", "--help")
        self.assertTrue(out.startswith("usage: quiver pub [<flags>] <subject> [<body>]\n"), out)
        self.assertIn("--count=N", out)
        self.assertIn("-s, --server=URL", out)
        out, _ = self.ok("--help")
        for command in ("pub", "sub", "req", "reply", "bench", "server ping", "server info"):
            self.assertIn(f"\n  {command} ", out)


class NatsServerTest(Cases, unittest.TestCase):
    SERVER = "nats"


class QuiverServerTest(Cases, unittest.TestCase):
    SERVER = "quiver"


class AuthTest(unittest.TestCase):
    """--user/--password and --token against both brokers' command-line credentials."""

    def check(self, server, broker_flags, good, bad):
        broker = Broker(SERVERS[server], broker_flags)
        self.addCleanup(broker.stop)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NATS_")}
        env["NATS_URL"] = broker.url
        run = lambda *a: subprocess.run([QUIVER, "server", "ping", "-c", "1", *a], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        timeout=TIMEOUT)
        proc = run(*good)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for flags in bad:
            proc = run(*flags)
            self.assertEqual(proc.returncode, 1, flags)
            self.assertIn(b"quiver: error: could not connect to", proc.stderr)
            self.assertIn(b"authorization violation", proc.stderr.lower())

    def test_user_password(self):
        for server in ("nats", "quiver"):
            with self.subTest(server=server):
                self.check(server, ["--user", "u", "--pass", "p"], ["--user", "u", "--password", "p"],
                           [[], ["--user", "u", "--password", "wrong"]])

    def test_token(self):
        for server in ("nats", "quiver"):
            with self.subTest(server=server):
                self.check(server, ["--auth", "s3cret"], ["--token", "s3cret"],
                           [[], ["--token", "nope"]])

    def test_credentials_from_environment(self):
        broker = Broker(SERVERS["nats"], ["--user", "eu", "--pass", "ep"])
        self.addCleanup(broker.stop)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NATS_")}
        env.update(NATS_URL=broker.url, NATS_USER="eu", NATS_PASSWORD="ep")
        proc = subprocess.run([QUIVER, "server", "ping", "-c", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stderr)


def main():
    global QUIVER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiver", required=True)
    parser.add_argument("--quiver-server", required=True)
    parser.add_argument("--nats-server", default="/usr/sbin/nats-server")
    args, rest = parser.parse_known_args()
    QUIVER = os.path.abspath(args.quiver)
    SERVERS["quiver"] = os.path.abspath(args.quiver_server)
    SERVERS["nats"] = args.nats_server
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
