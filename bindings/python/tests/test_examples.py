"""The examples run against a real server and print what they promise."""

import os
import signal
import subprocess
import sys

from conftest import Server

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
