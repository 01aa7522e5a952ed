"""Throughput and latency of the quiver package, measured from Python.

    bazel run --config=opt //bindings/python:bench            # starts the quiver-server it built
    bazel run --config=opt //bindings/python:bench -- --url nats://127.0.0.1:4222
    bazel run --config=opt //bindings/python:bench -- --server /usr/sbin/nats-server

Measures, with one Python process on the measuring side:
  publish      messages/s accepted by `await nc.publish()` (no subscriber), final flush included
  recv async   messages/s handed out by `async for msg in sub.messages`
  recv cb      messages/s through a `cb=` callback
               (each live, with the publisher running, and from a backlog: Python alone)
  request      sequential `await nc.request()` round trips/s, with p50/p99 latency
  request x64  round trips/s with 64 requests in flight (asyncio.gather)
  js publish   `await js.publish()` (each waits for the stream's ack), memory storage stream
  js pub async `await js.publish_async()` with the default window (4000), then
               `publish_async_completed()`; skipped when the server has no JetStream
The receive benchmarks publish from a separate process (its own GIL) as fast as it can; the
subscription has no pending limit, so what the subscriber cannot take yet waits in its native
queue and the rate is Python's own.
"""

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import List, Optional

# Python puts this script's real directory first on sys.path, and its quiver/ is the source
# tree without the extension: drop it so that the built (Bazel runfiles) or installed package
# is imported.
_HERE = os.path.dirname(os.path.realpath(__file__))
if sys.path and os.path.realpath(sys.path[0]) == _HERE:
    if not any(f.startswith("_quiver.") and f.endswith(".so") for f in os.listdir(os.path.join(_HERE, "quiver"))):
        del sys.path[0]

import quiver  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary: str) -> "tuple[subprocess.Popen, str]":
    port = free_port()
    store = tempfile.mkdtemp(prefix="quiver-bench-js-")  # left for the OS: bench data only
    proc = subprocess.Popen(
        [binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(4) == b"INFO":
                    return proc, f"nats://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.01)
    proc.kill()
    raise SystemExit(f"bench: {binary} did not start")


async def publisher(url: str, subject: str, count: int, size: int) -> None:
    """Child process: waits for the subscriber's go, then publishes `count` messages."""
    nc = await quiver.connect(url, name="bench-publisher")
    go = await nc.subscribe(subject + ".go")
    print("ready", flush=True)
    await go.next_msg(timeout=60)
    payload = b"x" * size
    publish = nc.publish
    for _ in range(count):
        await publish(subject, payload)
    await nc.flush(timeout=60)
    await nc.close()


async def run_publisher_child(url: str, subject: str, count: int, size: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--url", url, "--publisher", subject,
         "--count", str(count), "--size", str(size)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    line = await asyncio.get_running_loop().run_in_executor(None, proc.stdout.readline)
    if line.strip() != "ready":
        raise SystemExit("bench: publisher did not start")
    return proc


async def bench_publish(url: str, count: int, size: int) -> float:
    nc = await quiver.connect(url, name="bench-pub")
    payload = b"x" * size
    publish = nc.publish
    start = time.perf_counter()
    for _ in range(count):
        await publish("bench.pub", payload)
    await nc.flush(timeout=60)
    elapsed = time.perf_counter() - start
    await nc.close()
    return count / elapsed


async def bench_receive(url: str, count: int, size: int, mode: str, backlog: bool) -> float:
    """Messages/s through `async for` (mode "async") or a callback ("cb").

    live: timed from the first to the last message while the publisher runs.
    backlog: the publisher finishes first and every message waits in the native queue; timed
    from the first message Python takes to the last: Python's own rate, publisher excluded.
    """
    nc = await quiver.connect(url, name=f"bench-recv-{mode}")
    subject = f"bench.recv.{mode}.{int(backlog)}"
    first: Optional[float] = None
    received = 0
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    release = asyncio.Event()
    if not backlog:
        release.set()

    async def cb(msg: quiver.Msg) -> None:
        nonlocal first, received
        if received == 0:
            await release.wait()
            first = time.perf_counter()
        received += 1
        if received == count:
            done.set_result(time.perf_counter())

    sub = await nc.subscribe(
        subject,
        cb=cb if mode == "cb" else None,
        pending_msgs_limit=0,
        pending_bytes_limit=0,
    )
    await nc.flush()
    child = await run_publisher_child(url, subject, count, size)
    await nc.publish(subject + ".go", b"")
    if backlog:
        await loop.run_in_executor(None, child.wait)
        held = 1 if mode == "cb" else 0  # the first callback holds its message
        while sub.pending_msgs + held < count:
            await asyncio.sleep(0.01)
        release.set()
    if mode == "cb":
        last = await asyncio.wait_for(done, 300)
    else:
        async for _msg in sub.messages:
            if received == 0:
                first = time.perf_counter()
            received += 1
            if received == count:
                break
        last = time.perf_counter()
    await loop.run_in_executor(None, child.wait)
    assert first is not None and sub.dropped == 0
    await nc.close()
    return (count - 1) / (last - first)


async def bench_request(url: str, count: int, size: int, in_flight: int) -> "tuple[float, List[float]]":
    responder = await quiver.connect(url, name="bench-responder")
    reply = b"r" * size

    async def answer(msg: quiver.Msg) -> None:
        await msg.respond(reply)

    await responder.subscribe("bench.req", cb=answer)
    await responder.flush()
    nc = await quiver.connect(url, name="bench-requester")
    payload = b"q" * size
    latencies: List[float] = []

    async def worker(n: int) -> None:
        for _ in range(n):
            t = time.perf_counter()
            await nc.request("bench.req", payload, timeout=10)
            latencies.append(time.perf_counter() - t)

    start = time.perf_counter()
    await asyncio.gather(*(worker(count // in_flight) for _ in range(in_flight)))
    elapsed = time.perf_counter() - start
    await nc.close()
    await responder.close()
    return len(latencies) / elapsed, latencies


async def bench_js_publish(url: str, count: int, size: int, use_async: bool) -> Optional[float]:
    """Acknowledged publishes/s into a memory stream; None when JetStream is not available."""
    from quiver.js import api
    from quiver.js.errors import ServiceUnavailableError

    nc = await quiver.connect(url, name="bench-js")
    js = nc.jetstream(timeout=10)
    stream = f"BENCH{int(use_async)}"
    subject = f"bench.js.{int(use_async)}"
    try:
        await js.add_stream(name=stream, subjects=[subject], storage=api.StorageType.MEMORY)
    except ServiceUnavailableError:
        await nc.close()
        return None
    payload = b"x" * size
    start = time.perf_counter()
    if use_async:
        futures = [await js.publish_async(subject, payload) for _ in range(count)]
        await js.publish_async_completed()
        assert futures[-1].result().seq == count
    else:
        publish = js.publish
        for _ in range(count):
            await publish(subject, payload)
    elapsed = time.perf_counter() - start
    await js.delete_stream(stream)
    await nc.close()
    return count / elapsed


def pct(values: List[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


async def main_async(args: argparse.Namespace) -> None:
    url = args.url
    print(f"quiver {quiver.__version__}, server {url}, payload {args.size} B")
    results = []
    rate = await bench_publish(url, args.count, args.size)
    results.append(("publish", f"{rate:12,.0f} msgs/s", ""))
    for mode, label in (("async", "recv async for"), ("cb", "recv callback")):
        live = await bench_receive(url, args.count, args.size, mode, backlog=False)
        backlog = await bench_receive(url, args.count, args.size, mode, backlog=True)
        results.append((label, f"{live:12,.0f} msgs/s", f"backlog {backlog:,.0f} msgs/s"))
    rate, lat = await bench_request(url, args.requests, args.size, 1)
    results.append(
        ("request", f"{rate:12,.0f} req/s",
         f"p50 {statistics.median(lat) * 1e6:.0f} us, p99 {pct(lat, 0.99) * 1e6:.0f} us")
    )
    rate, lat = await bench_request(url, args.requests * 4, args.size, 64)
    results.append(("request x64", f"{rate:12,.0f} req/s", f"p50 {statistics.median(lat) * 1e6:.0f} us"))
    for use_async, label in ((False, "js publish"), (True, "js pub async")):
        rate = await bench_js_publish(url, args.js_count, args.size, use_async)
        if rate is None:
            results.append((label, "           -", "no JetStream on this server"))
        else:
            results.append((label, f"{rate:12,.0f} msgs/s", "acknowledged, memory storage"))
    for name, value, extra in results:
        print(f"  {name:<15}{value}  {extra}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="quiver Python benchmarks")
    parser.add_argument("--url", help="server to use (default: start --server)")
    parser.add_argument("--server", help="quiver-server (or nats-server) binary to start")
    parser.add_argument("--count", type=int, default=1_000_000, help="messages per pub/recv run")
    parser.add_argument("--requests", type=int, default=20_000, help="sequential requests")
    parser.add_argument("--size", type=int, default=16, help="payload bytes")
    parser.add_argument("--js-count", type=int, default=20_000, help="JetStream publishes per run")
    parser.add_argument("--publisher", help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.publisher:
        asyncio.run(publisher(args.url, args.publisher, args.count, args.size))
        return 0
    proc = None
    if args.url:
        args.server = None
    else:
        if not args.server:
            parser.error("give --url or --server")
        args.server = os.path.abspath(args.server)
        proc, args.url = start_server(args.server)
    try:
        asyncio.run(main_async(args))
    finally:
        if proc is not None:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
