"""The examples run against a real server and print what they promise."""

import os
import signal
import subprocess
import sys

from conftest import Server, js_args

import quiver

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "examples")


def run(example, *args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, example), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_jetstream_example(tmp_path):
    server = Server("quiver", args=js_args(tmp_path)).start()
    try:
        assert run("jetstream.py", "--url", server.url).splitlines() == [
            "published up to seq 3; resent order-2: duplicate=True",
            "work: order 0 (stream seq 1)",
            "work: order 1 (stream seq 2)",
            "work: order 2 (stream seq 3)",
            "stale update of 'color' refused",
            "kv: color=green (revision 2)",
            "watch: size=XL",
            "object: blob.bin 307200 bytes in 3 chunks, intact=True",
            "cleaned up",
        ]
    finally:
        server.stop()


def test_examples():
    server = Server("quiver").start()
    try:
        assert run("pub.py", "--url", server.url, "greet", "hi", "--count", "3") == (
            "published 3 message(s) to 'greet'\n"
        )
        sub = subprocess.Popen(
            [sys.executable, os.path.join(EXAMPLES, "sub.py"), "--url", server.url, "greet.*"],
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p)),
        )
        try:
            assert sub.stdout.readline() == "listening on 'greet.*'\n"
            run("pub.py", "--url", server.url, "greet.joe", "hello", "--header", "K:v")
            assert sub.stdout.readline() == "[greet.joe] b'hello' {'K': 'v'}\n"
            sub.send_signal(signal.SIGINT)
            assert sub.communicate(timeout=30)[0] == "drained\n"
            assert sub.returncode == 0
        finally:
            if sub.poll() is None:
                sub.kill()
        assert run("service.py", "--url", server.url).splitlines() == [
            "HELLO QUIVER",
            " ".join(f"WORD{i}" for i in range(10)),
            "svc.nobody: no responders",
            "cancelled a request after 0.1 s",
        ]
    finally:
        server.stop()
    assert quiver.__version__
