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
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
    def __init__(self, binary, extra=(), jetstream=False):
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.store_dir = None
        if jetstream:
            self.store_dir = tempfile.mkdtemp(prefix="quiver-js-", dir=os.environ.get("TEST_TMPDIR"))
            extra = [*extra, "-js", "-sd", self.store_dir]
        self.proc = Proc([binary, "-a", "127.0.0.1", "-p", str(self.port), *extra])
        self.proc.wait_for_stderr("Server is ready", timeout=20)

    def stop(self):
        self.proc.stop()
        if self.store_dir:
            shutil.rmtree(self.store_dir, ignore_errors=True)


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

    def test_jetstream_not_enabled(self):
        rc, out, err = self.run_quiver("stream", "ls")
        self.assertEqual(rc, 1, err)
        self.assertEqual(out, "")
        self.assertIn("JetStream is not enabled", err)

    def test_help(self):
        out, _ = self.ok("pub", "--help")
        self.assertTrue(out.startswith("usage: quiver pub [<flags>] <subject> [<body>]\n"), out)
        self.assertIn("--count=N", out)
        self.assertIn("-s, --server=URL", out)
        out, _ = self.ok("--help")
        for command in ("pub", "sub", "req", "reply", "bench", "server ping", "server info",
                        "stream add", "stream rmm", "consumer next", "kv watch", "object put"):
            self.assertIn(f"\n  {command} ", out)
        out, _ = self.ok("stream", "add", "--help")
        self.assertTrue(out.startswith("usage: quiver stream add [<flags>] <stream>\n"), out)
        self.assertIn("--max-msgs-per-subject=N", out)
        out, _ = self.ok("kv", "--help")
        self.assertIn("\n  kv update ", out)


TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


class JetStreamCases:
    """The JetStream commands; a subclass sets SERVER. The broker runs with -js and a temp store."""

    SERVER = None
    broker = None

    @classmethod
    def setUpClass(cls):
        cls.broker = Broker(SERVERS[cls.SERVER], jetstream=True)

    @classmethod
    def tearDownClass(cls):
        cls.broker.stop()

    env = Cases.env
    run_quiver = Cases.run_quiver
    start_quiver = Cases.start_quiver
    ok = Cases.ok

    def fails(self, *args, rc=1, input=None):
        code, out, err = self.run_quiver(*args, input=input)
        self.assertEqual(code, rc, f"quiver {' '.join(args)}: {out} {err}")
        return err

    def info_json(self, *args):
        return json.loads(self.ok(*args, "--json")[0])

    # -- streams ---------------------------------------------------------------------------

    def test_stream_add_info_update_ls(self):
        out, err = self.ok("stream", "add", "ORDERS", "--subjects", "orders.*,shipped.>",
                           "--storage", "memory", "--retention", "limits", "--discard", "new",
                           "--max-msgs", "100", "--max-bytes", "1MiB", "--max-age", "1h",
                           "--max-msg-size", "1KiB", "--max-msgs-per-subject", "10",
                           "--dupe-window", "30s", "--replicas", "1", "--allow-rollup",
                           "--deny-delete", "--allow-direct", "--description", "all orders")
        self.assertIn("Stream ORDERS was created", err)
        self.assertRegex(out, rf"^Information for Stream ORDERS created {TIME}\n")
        self.assertIn("         Description: all orders\n", out)
        self.assertIn("            Subjects: orders.*, shipped.>\n", out)
        self.assertIn("             Storage: Memory\n", out)
        self.assertIn("    Maximum Messages: 100\n", out)
        self.assertIn("       Maximum Bytes: 1.0 MiB\n", out)
        self.assertIn("         Maximum Age: 1h0m0s\n", out)
        cfg = self.info_json("stream", "info", "ORDERS")["config"]
        self.assertEqual(cfg["subjects"], ["orders.*", "shipped.>"])
        self.assertEqual(cfg["storage"], "memory")
        self.assertEqual(cfg["discard"], "new")
        self.assertEqual(cfg["max_msgs"], 100)
        self.assertEqual(cfg["max_bytes"], 1048576)
        self.assertEqual(cfg["max_age"], 3600 * 10**9)
        self.assertEqual(cfg["max_msg_size"], 1024)
        self.assertEqual(cfg["max_msgs_per_subject"], 10)
        self.assertEqual(cfg["duplicate_window"], 30 * 10**9)
        self.assertEqual(cfg["num_replicas"], 1)
        self.assertTrue(cfg["allow_rollup_hdrs"])
        self.assertTrue(cfg["deny_delete"])
        self.assertTrue(cfg["allow_direct"])
        self.assertFalse(cfg.get("deny_purge", False))

        cfg = self.info_json("stream", "update", "ORDERS", "--max-msgs", "200",
                             "--description", "changed")["config"]
        self.assertEqual((cfg["max_msgs"], cfg["description"]), (200, "changed"))
        self.assertEqual(cfg["subjects"], ["orders.*", "shipped.>"])
        self.assertIn("invalid value 'tape' for --storage",
                      self.fails("stream", "update", "ORDERS", "--storage", "tape", rc=2))
        self.assertIn("nothing to update", self.fails("stream", "update", "ORDERS", rc=2))

        self.ok("pub", "orders.new", "one")
        self.assertEqual(self.ok("stream", "ls", "--names")[0], "ORDERS\n")
        out, _ = self.ok("stream", "ls")
        self.assertRegex(out, rf"│ ORDERS │ changed     │ {TIME} │ 1        │ \d+ B +│ [\d.]+s +│")
        self.assertEqual(self.ok("stream", "ls", "--names", "--subject", "nothing.here")[0], "")
        self.assertEqual(self.info_json("stream", "ls")[0]["state"]["messages"], 1)
        self.ok("stream", "rm", "ORDERS", "-f")

    def test_stream_messages_get_rmm_purge(self):
        self.ok("stream", "add", "MSGS", "--subjects", "m.>")
        for i in range(1, 4):
            self.ok("pub", f"m.{i % 2}", f"body {i}", "-H", f"N:{i}")
        out, _ = self.ok("stream", "get", "MSGS", "2")
        self.assertRegex(out, rf"^Item: MSGS#2 received {TIME} on Subject m\.0\n\n"
                              r"Headers:\n  N: 2\n\nbody 2\n$")
        self.assertEqual(self.ok("stream", "get", "MSGS", "--last-for", "m.1", "--raw")[0],
                         "body 3\n")
        self.assertIn("(10037)", self.fails("stream", "get", "MSGS", "9"))
        self.assertIn("give the message's sequence or --last-for",
                      self.fails("stream", "get", "MSGS", rc=2))

        _, err = self.ok("stream", "rmm", "MSGS", "1", "-f")
        self.assertIn("Deleted message 1 from stream MSGS", err)
        self.assertIn("(10037)", self.fails("stream", "get", "MSGS", "1"))
        state = self.info_json("stream", "info", "MSGS")["state"]
        self.assertEqual((state["messages"], state["first_seq"], state["last_seq"]), (2, 2, 3))

        for i in range(4, 10):
            self.ok("pub", f"m.{i % 2}", f"body {i}")
        # --keep before any gap in the sequence: nats-server 2.9 counts the kept messages back
        # from the last sequence, so with deleted messages in between it keeps fewer.
        _, err = self.ok("stream", "purge", "MSGS", "--keep", "6", "-f")
        self.assertIn("Purged 2 messages from stream MSGS", err)  # 2, 3 of 2..9
        _, err = self.ok("stream", "purge", "MSGS", "--subject", "m.1", "-f")
        self.assertIn("Purged 3 messages from stream MSGS", err)  # 5, 7, 9
        out, err = self.ok("stream", "purge", "MSGS", "--seq", "8", "-f")
        self.assertIn("Purged 2 messages from stream MSGS", err)  # 4, 6
        self.assertIn("            Messages: 1\n", out)
        _, err = self.ok("stream", "purge", "MSGS", "-f")
        self.assertIn("Purged 1 messages from stream MSGS", err)

        err = self.fails("stream", "rm", "MSGS", rc=2)
        self.assertIn("without a terminal: add --force", err)
        self.ok("stream", "rm", "MSGS", "--force")
        self.assertEqual(self.fails("stream", "info", "MSGS"),
                         "quiver: error: stream not found (10059)\n")

    def test_stream_errors_show_the_server_code(self):
        self.ok("stream", "add", "ERR", "--subjects", "err.a")
        err = self.fails("stream", "add", "ERR", "--subjects", "err.b")
        self.assertRegex(err, r"^quiver: error: .*\(10058\)\n$")
        self.ok("stream", "add", "NODEL", "--subjects", "nodel", "--deny-delete", "--deny-purge")
        self.ok("pub", "nodel", "x")
        self.assertRegex(self.fails("stream", "rmm", "NODEL", "1", "-f"),
                         r"^quiver: error: .*\(10057\)\n$")
        self.assertRegex(self.fails("stream", "purge", "NODEL", "-f"),
                         r"^quiver: error: .*\(\d+\)\n$")
        self.assertEqual(self.fails("stream", "rm", "NOPE", "-f"),
                         "quiver: error: stream not found (10059)\n")
        for name in ("ERR", "NODEL"):
            self.ok("stream", "rm", name, "-f")

    # -- consumers -------------------------------------------------------------------------

    def test_consumer_pull_lifecycle(self):
        self.ok("stream", "add", "WORK", "--subjects", "work.>")
        for i in range(1, 4):
            self.ok("pub", "work.new", f"job {i}")
        self.ok("pub", "work.other", "skip")
        out, err = self.ok("consumer", "add", "WORK", "w", "--pull", "--ack", "explicit",
                           "--deliver-policy", "all", "--filter", "work.new", "--max-deliver",
                           "5", "--ack-wait", "10s", "--max-ack-pending", "50", "--replay",
                           "instant")
        self.assertIn("Consumer WORK > w was created", err)
        self.assertRegex(out, rf"^Information for Consumer WORK > w created {TIME}\n")
        self.assertIn("  Unprocessed Messages: 3\n", out)
        cfg = self.info_json("consumer", "info", "WORK", "w")["config"]
        self.assertEqual(cfg["durable_name"], "w")
        self.assertEqual(cfg["ack_policy"], "explicit")
        self.assertEqual(cfg["filter_subject"], "work.new")
        self.assertEqual(cfg["max_deliver"], 5)
        self.assertEqual(cfg["ack_wait"], 10 * 10**9)
        self.assertEqual(cfg["max_ack_pending"], 50)
        self.assertEqual(self.ok("consumer", "ls", "WORK", "-n")[0], "w\n")
        self.assertRegex(self.ok("consumer", "ls", "WORK")[0], r"│ w    │ +│ " + TIME)

        out, err = self.ok("consumer", "next", "WORK", "w", "--count", "2")
        self.assertRegex(out, r"^\[\d\d:\d\d:\d\d\] subj: work\.new / tries: 1 / cons seq: 1 / "
                              r"str seq: 1 / pending: 2\n\njob 1\n\n"
                              r"\[\d\d:\d\d:\d\d\] subj: work\.new / tries: 1 / cons seq: 2 / "
                              r"str seq: 2 / pending: 1\n\njob 2\n\n$")
        self.assertEqual(err.count("Acknowledged message"), 2)
        self.assertEqual(self.ok("consumer", "next", "WORK", "w", "--raw", "--no-ack")[0],
                         "job 3\n")
        info = self.info_json("consumer", "info", "WORK", "w")
        self.assertEqual(info["ack_floor"]["stream_seq"], 2)
        self.assertEqual(info["num_ack_pending"], 1)
        self.assertEqual(info["num_pending"], 0)
        err = self.fails("consumer", "next", "WORK", "w", "--wait", "200ms")
        self.assertEqual(err, "quiver: error: no message received from WORK > w within 200ms\n")

        self.ok("consumer", "add", "WORK", "p", "--deliver", "out.work", "--deliver-group", "g",
                "--ack", "none", "--deliver-policy", "last")
        cfg = self.info_json("consumer", "info", "WORK", "p")["config"]
        self.assertEqual((cfg["deliver_subject"], cfg["deliver_group"], cfg["ack_policy"],
                          cfg["deliver_policy"]), ("out.work", "g", "none", "last"))
        self.assertIn("is a push consumer", self.fails("consumer", "next", "WORK", "p"))
        self.assertIn("give --pull or --deliver SUBJECT",
                      self.fails("consumer", "add", "WORK", "x", "--pull", "--deliver", "y", rc=2))

        _, err = self.ok("consumer", "rm", "WORK", "p", "-f")
        self.assertIn("Deleted consumer WORK > p", err)
        self.assertEqual(self.fails("consumer", "info", "WORK", "p"),
                         "quiver: error: consumer not found (10014)\n")
        self.assertEqual(self.ok("consumer", "ls", "WORK", "--names")[0], "w\n")
        self.ok("stream", "rm", "WORK", "-f")

    # -- key/value -------------------------------------------------------------------------

    def test_kv(self):
        out, err = self.ok("kv", "add", "cfg", "--history", "5", "--ttl", "1h")
        self.assertIn("Bucket cfg was created", err)
        self.assertIn("History Kept: 5\n", out)
        self.assertIn("Maximum Age: 1h0m0s\n", out)
        self.assertEqual(self.ok("kv", "put", "cfg", "db.url", "pg://a")[0], "pg://a\n")
        _, err = self.ok("kv", "put", "cfg", "db.url", "pg://b")
        self.assertIn("Stored cfg > db.url revision 2", err)
        self.ok("kv", "put", "cfg", "other", input=b"from stdin")
        out, _ = self.ok("kv", "get", "cfg", "db.url")
        self.assertRegex(out, rf"^cfg > db\.url revision: 2 created @ {TIME}\n\npg://b\n$")
        self.assertEqual(self.ok("kv", "get", "cfg", "db.url", "--revision", "1", "--raw")[0],
                         "pg://a\n")
        self.assertEqual(self.ok("kv", "get", "cfg", "other", "--raw")[0], "from stdin\n")

        self.assertRegex(self.fails("kv", "create", "cfg", "db.url", "x"),
                         r"^quiver: error: key exists: .*\(10071\)\n$")
        self.ok("kv", "create", "cfg", "fresh", "1")
        self.assertIn("(10071)", self.fails("kv", "update", "cfg", "db.url", "pg://c", "1"))
        _, err = self.ok("kv", "update", "cfg", "db.url", "pg://c", "2")
        self.assertIn("Updated cfg > db.url revision 5", err)

        self.assertEqual(self.ok("kv", "keys", "cfg")[0], "other\nfresh\ndb.url\n")
        self.assertEqual(self.ok("kv", "ls", "cfg")[0], "other\nfresh\ndb.url\n")
        out, _ = self.ok("kv", "history", "cfg", "db.url")
        self.assertIn("History for cfg > db.url", out)
        self.assertEqual(re.findall(r"│ db\.url │ (\d+) +│ (\w+) +│", out),
                         [("1", "PUT"), ("2", "PUT"), ("5", "PUT")])

        self.ok("kv", "del", "cfg", "other", "-f")
        self.assertEqual(self.fails("kv", "get", "cfg", "other"),
                         "quiver: error: could not get other: key not found\n")
        self.ok("kv", "purge", "cfg", "db.url", "-f")
        out, _ = self.ok("kv", "history", "cfg", "db.url")
        self.assertEqual(re.findall(r"│ db\.url │ (\d+) +│ (\w+) +│", out), [("7", "PURGE")])
        self.assertEqual(self.ok("kv", "keys", "cfg")[0], "fresh\n")

        self.assertEqual(self.ok("kv", "ls", "-n")[0], "cfg\n")
        self.assertRegex(self.ok("kv", "ls")[0], rf"│ cfg    │ +│ {TIME} │")
        self.assertIn("JetStream Stream: KV_cfg\n", self.ok("kv", "info", "cfg")[0])
        _, err = self.ok("kv", "rm", "cfg", "-f")
        self.assertIn("Deleted bucket cfg", err)
        self.assertEqual(self.fails("kv", "get", "cfg", "x"),
                         "quiver: error: could not open bucket cfg: bucket not found\n")

    def test_kv_watch(self):
        self.ok("kv", "add", "w")
        self.ok("kv", "put", "w", "before", "0")
        watch = self.start_quiver("kv", "watch", "w", "--count", "3")
        watch.wait_for_stderr("Watching bucket w for >")
        self.ok("kv", "put", "w", "k1", "v1")
        self.ok("kv", "del", "w", "k1", "-f")
        rc, out, _ = watch.finish()
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertEqual(len(lines), 3, out)
        self.assertRegex(lines[0], rf"^\[{TIME}\] PUT w > before: 0$")
        self.assertRegex(lines[1], rf"^\[{TIME}\] PUT w > k1: v1$")
        self.assertRegex(lines[2], rf"^\[{TIME}\] DEL w > k1$")
        self.ok("kv", "rm", "w", "-f")

    # -- object store ----------------------------------------------------------------------

    def test_object_store(self):
        tmp = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, tmp, True)
        data = os.urandom(300 * 1024 + 7)
        src = os.path.join(tmp, "big.bin")
        with open(src, "wb") as f:
            f.write(data)
        out, err = self.ok("object", "add", "files", "--description", "docs")
        self.assertIn("Bucket files was created", err)
        self.assertIn("Bucket Name: files\n", out)
        out, err = self.ok("object", "put", "files", src)
        self.assertIn("Stored 300 KiB as files > big.bin", err)
        self.assertIn("Object information for files > big.bin\n", out)
        self.assertIn("Chunks: 3\n", out)
        self.assertIn("Digest: SHA-256=", out)
        self.ok("object", "put", "files", "-", "--name", "notes/a.txt", input=b"hello\n")
        self.assertIn("give the object's name with --name",
                      self.fails("object", "put", "files", "-", rc=2, input=b"x"))

        self.assertEqual(self.ok("object", "ls", "files", "-n")[0], "big.bin\nnotes/a.txt\n")
        self.assertRegex(self.ok("object", "ls", "files")[0], rf"│ big\.bin +│ 300 KiB │ {TIME} │")
        self.assertEqual(self.ok("object", "ls", "-n")[0], "files\n")
        out, _ = self.ok("object", "info", "files", "notes/a.txt")
        self.assertIn("Size: 6 B\n", out)
        self.assertIn("JetStream Stream: OBJ_files\n", self.ok("object", "info", "files")[0])

        dst = os.path.join(tmp, "copy.bin")
        _, err = self.ok("object", "get", "files", "big.bin", "-O", dst)
        self.assertIn(f"Wrote: 300 KiB to {dst}", err)
        with open(dst, "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertIn("exists: use --force", self.fails("object", "get", "files", "big.bin",
                                                        "-O", dst))
        self.assertEqual(self.ok("object", "get", "files", "notes/a.txt", "-O", "-")[0],
                         "hello\n")

        self.ok("object", "rm", "files", "notes/a.txt", "-f")
        self.assertEqual(self.fails("object", "get", "files", "notes/a.txt", "-O", "-"),
                         "quiver: error: could not get notes/a.txt: object not found\n")
        self.ok("object", "rm", "files", "-f")
        self.assertEqual(self.fails("object", "ls", "files"),
                         "quiver: error: could not open bucket files: bucket not found\n")

    # -- bench --js ------------------------------------------------------------------------

    def bench_js(self, *args):
        out, err = self.ok("bench", "bench.js", "--js", *args, "--json", "--no-progress")
        self.assertIn("Starting JetStream benchmark", err)
        return json.loads(out)

    def test_bench_js_async_publish(self):
        r = self.bench_js("--pub", "2", "--msgs", "2000", "--size", "32", "--window", "64")
        self.assertEqual(r["kind"], "pub")
        self.assertEqual(r["pub"]["msgs"], 2000)
        self.assertEqual([c["msgs"] for c in r["pub"]["clients"]], [1000, 1000])
        self.assertEqual(r["failed"], 0)
        self.assertEqual(r["ack_latency_us"]["count"], 2000)
        self.assertEqual(r["js"], {"stream": "benchstream", "storage": "file",
                                   "publish": "async", "window": 64, "consumer": "",
                                   "pull_batch": 0, "acks": True})
        self.assertEqual(self.ok("stream", "ls", "-n")[0], "")  # deleted after the run

    def test_bench_js_sync_publish(self):
        r = self.bench_js("--pub", "1", "--msgs", "200", "--syncpub", "--storage", "memory")
        self.assertEqual((r["pub"]["msgs"], r["failed"]), (200, 0))
        self.assertEqual(r["js"]["publish"], "sync")
        self.assertEqual(r["js"]["storage"], "memory")
        self.assertEqual(r["ack_latency_us"]["count"], 200)

    def test_bench_js_pull(self):
        r = self.bench_js("--pub", "1", "--sub", "2", "--pull", "--msgs", "2000", "--size", "16")
        self.assertEqual(r["kind"], "pubsub")
        self.assertEqual((r["expected"], r["received"], r["lost"], r["failed"]),
                         (2000, 2000, 0, 0))
        self.assertEqual(sum(c["msgs"] for c in r["sub"]["clients"]), 2000)
        self.assertEqual(r["latency_us"]["count"], 2000 // 16)
        self.assertEqual(r["js"]["consumer"], "pull")

    def test_bench_js_push_without_acks(self):
        r = self.bench_js("--pub", "1", "--sub", "2", "--push", "--no-ack", "--msgs", "2000",
                          "--storage", "memory")
        self.assertEqual((r["received"], r["lost"]), (2000, 0))
        self.assertEqual((r["js"]["consumer"], r["js"]["acks"]), ("push", False))

    def test_bench_js_keep_then_consume(self):
        r = self.bench_js("--pub", "1", "--msgs", "500", "--stream", "KEPT", "--keep")
        self.assertEqual(r["pub"]["msgs"], 500)
        self.assertEqual(self.ok("stream", "ls", "-n")[0], "KEPT\n")
        r = self.bench_js("--sub", "1", "--msgs", "500", "--stream", "KEPT")
        self.assertEqual((r["kind"], r["received"], r["lost"]), ("sub", 500, 0))
        self.assertEqual(self.ok("consumer", "ls", "KEPT", "-n")[0], "")  # removed again
        self.ok("stream", "rm", "KEPT", "-f")
        err = self.fails("bench", "bench.js", "--js", "--sub", "1", "--stream", "GONE",
                         "--no-progress")
        self.assertIn("stream GONE not found", err)

    def test_bench_js_text(self):
        out, _ = self.ok("bench", "bench.text", "--js", "--pub", "1", "--sub", "1", "--msgs",
                         "300", "--no-progress")
        self.assertRegex(out, r"\nJetStream Pub/Sub stats: [\d,]+ msgs/sec ~ [\d.]+ [KMG]?B/sec\n"
                              r" Pub stats: .*\n Sub stats: .*\n"
                              r" Unacknowledged: 0 of 300 publishes \(0\.00%\)\n"
                              r" Lost: 0 of 300 msgs \(0\.00%\)\n"
                              r" Latency \(publish to ack\): min .*\(300 samples\)\n"
                              r" Latency \(publish to delivery\): min .*\n$")


class NatsJetStreamTest(JetStreamCases, unittest.TestCase):
    SERVER = "nats"


class QuiverJetStreamTest(JetStreamCases, unittest.TestCase):
    SERVER = "quiver"


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
