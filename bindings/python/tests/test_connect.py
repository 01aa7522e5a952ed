"""Connecting: credentials, server lists, reconnecting after the server restarts on the same
port, and giving up."""

import asyncio
import os
import signal
import socket

import pytest
from conftest import Server, free_port, wait_for

import quiver
from quiver import errors


@pytest.fixture
def auth_server(server_kind):
    s = Server(server_kind, args=["--user", "alice", "--pass", "s3cret"]).start()
    yield s
    s.stop()


async def test_user_password(auth_server):
    nc = await quiver.connect(auth_server.url, user="alice", password="s3cret")
    assert nc.is_connected
    await nc.close()
    url = f"nats://alice:s3cret@127.0.0.1:{auth_server.port}"
    nc = await quiver.connect(url)
    assert nc.is_connected
    await nc.close()


async def test_wrong_password_raises_authorization_error(auth_server):
    with pytest.raises(errors.AuthorizationError):
        await quiver.connect(
            auth_server.url, user="alice", password="wrong", allow_reconnect=False
        )


@pytest.fixture
def token_server(server_kind):
    s = Server(server_kind, args=["--auth", "t0ken"]).start()
    yield s
    s.stop()


async def test_token(token_server):
    nc = await quiver.connect(token_server.url, token="t0ken")
    assert nc.is_connected
    await nc.close()
    with pytest.raises(errors.AuthorizationError):
        await quiver.connect(token_server.url, token="nope", allow_reconnect=False)


async def test_first_reachable_server_of_a_list(server):
    dead = f"nats://127.0.0.1:{free_port()}"
    nc = await quiver.connect([dead, server.url], dont_randomize=True, connect_timeout=1)
    assert nc.connected_url.port == server.port
    assert dead in nc.servers and server.url in nc.servers
    await nc.close()
    nc = await quiver.connect(f"{dead},{server.url}", dont_randomize=True)
    assert nc.connected_url.port == server.port
    await nc.close()


async def test_reconnects_after_server_restart_on_the_same_port(server):
    events = []
    disconnected = asyncio.Event()
    reconnected = asyncio.Event()

    async def on_disconnected():
        events.append("disconnected")
        disconnected.set()

    async def on_reconnected():
        events.append("reconnected")
        reconnected.set()

    nc = await quiver.connect(
        server.url,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
        reconnect_time_wait=0.05,
        reconnect_jitter=0,
        max_reconnect_attempts=-1,
    )
    sub = await nc.subscribe("rc")

    async def answer(msg):
        await msg.respond(b"pong")

    await nc.subscribe("rc.ping", cb=answer)
    await nc.publish("rc", b"before")
    assert (await sub.next_msg()).data == b"before"

    server.kill()
    await wait_for(disconnected.wait())
    assert not nc.is_connected and not nc.is_closed
    for i in range(10):  # buffered until the reconnect
        await nc.publish("rc", f"buffered {i}".encode())
    server.start()
    await wait_for(reconnected.wait(), 10)

    # Subscriptions are restored before the buffered publishes go out.
    assert [(await sub.next_msg(timeout=5)).data for _ in range(10)] == [
        f"buffered {i}".encode() for i in range(10)
    ]
    await nc.publish("rc", b"after")
    assert (await sub.next_msg()).data == b"after"
    assert (await nc.request("rc.ping", b"", timeout=2)).data == b"pong"
    assert nc.stats["reconnects"] == 1
    assert events == ["disconnected", "reconnected"]
    await nc.close()


async def test_gives_up_after_max_reconnect_attempts(server):
    closed = asyncio.Event()

    async def on_closed():
        closed.set()

    nc = await quiver.connect(
        server.url,
        closed_cb=on_closed,
        reconnect_time_wait=0.02,
        reconnect_jitter=0,
        max_reconnect_attempts=2,
    )
    sub = await nc.subscribe("gone")

    async def iterate():
        return [m async for m in sub.messages]

    it = asyncio.create_task(iterate())
    server.kill()
    await wait_for(closed.wait(), 10)
    assert nc.is_closed
    assert await wait_for(it) == []
    with pytest.raises(errors.ConnectionClosedError):
        await nc.publish("gone", b"")
    with pytest.raises(errors.ConnectionClosedError):
        await nc.request("gone", b"")
    await nc.close()  # already closed: returns at once


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


async def test_cancelling_connect_stops_the_native_threads():
    # Accepts TCP connections (the kernel's backlog) but never sends INFO.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"nats://127.0.0.1:{silent.getsockname()[1]}"
        before = _threads()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(quiver.connect(url, connect_timeout=30), 0.2)
        assert _threads() == before


async def test_lame_duck_mode_callback(server):
    lame_duck = asyncio.Event()

    async def on_lame_duck():
        lame_duck.set()

    nc = await quiver.connect(server.url, lame_duck_mode_cb=on_lame_duck, allow_reconnect=False)
    os.kill(server.proc.pid, signal.SIGUSR2)  # nats-server's signal for lame duck mode
    await wait_for(lame_duck.wait(), 10)
    await nc.close()
    server.kill()  # lame duck mode takes minutes to finish
