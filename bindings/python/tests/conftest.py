"""Servers and helpers for the quiver tests.

Every test that takes the `server` fixture runs twice: against quiver-server (the binary Bazel
passes in $QUIVER_SERVER) and against the reference /usr/sbin/nats-server. Servers listen on
free 127.0.0.1 ports and are stopped by PID. `async def` tests run in a fresh event loop each.
"""

import asyncio
import inspect
import os
import signal
import socket
import subprocess
import tempfile
import time
from typing import Awaitable, Callable, List, Optional

import pytest

NATS_SERVER = "/usr/sbin/nats-server"
TEST_TIMEOUT = float(os.environ.get("QUIVER_TEST_TIMEOUT", "60"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One broker process on 127.0.0.1:port; restartable on the same port."""

    def __init__(self, kind: str, port: Optional[int] = None, args: Optional[List[str]] = None):
        self.kind = kind
        self.port = port or free_port()
        self.args = args or []
        self.proc: Optional[subprocess.Popen] = None
        self.log = tempfile.NamedTemporaryFile(
            prefix=f"{kind}-", suffix=".log", dir=os.environ.get("TEST_TMPDIR"), delete=False
        )

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def command(self) -> List[str]:
        binary = os.environ["QUIVER_SERVER"] if self.kind == "quiver" else NATS_SERVER
        return [binary, "-a", "127.0.0.1", "-p", str(self.port)] + self.args

    def start(self) -> "Server":
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(4) == b"INFO":
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} server did not start on port {self.port}")
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL: the server vanishes without a goodbye."""
        self._stop(signal.SIGKILL)

    def stop(self) -> None:
        self._stop(signal.SIGTERM)

    def _stop(self, sig: int) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


@pytest.fixture(params=["quiver", "nats"])
def server_kind(request) -> str:
    return request.param


@pytest.fixture
def server(server_kind):
    s = Server(server_kind).start()
    yield s
    s.stop()


def js_args(tmp_path) -> List[str]:
    """JetStream on, storing under `tmp_path` (quiver-server and nats-server take the same)."""
    store = tmp_path / "jetstream"
    store.mkdir(exist_ok=True)
    return ["-js", "-sd", str(store)]


@pytest.fixture
def js_server(server_kind, tmp_path):
    """A server of each kind with JetStream enabled."""
    s = Server(server_kind, args=js_args(tmp_path)).start()
    yield s
    s.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Runs `async def` tests with asyncio.run, bounded by TEST_TIMEOUT."""
    fn = pyfuncitem.obj
    if not inspect.iscoroutinefunction(fn):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(asyncio.wait_for(fn(**kwargs), TEST_TIMEOUT))
    return True


async def eventually(
    predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
) -> None:
    """Polls `predicate` on the loop until it holds; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def wait_for(awaitable: Awaitable, timeout: float = 5.0):
    return await asyncio.wait_for(awaitable, timeout)
