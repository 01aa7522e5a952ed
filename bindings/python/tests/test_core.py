"""Core messaging through the quiver package, against quiver-server and nats-server."""

import asyncio
import gc
import os
import subprocess
import sys
import time

import pytest
from conftest import eventually, wait_for

import quiver
from quiver import errors


async def test_subscribe_iterate_receives_in_order(server):
    nc = await quiver.connect(server.url, name="iterate")
    sub = await nc.subscribe("orders.*")
    for i in range(100):
        await nc.publish(f"orders.{i % 3}", f"m{i}".encode())
    got = []
    async for msg in sub.messages:
        got.append((msg.subject, msg.data, msg.reply, msg.headers))
        if len(got) == 100:
            break
    assert got == [(f"orders.{i % 3}", f"m{i}".encode(), "", None) for i in range(100)]
    assert sub.delivered == 100
    assert sub.pending_msgs == 0
    assert quiver._quiver.msg_fast_path()  # messages are built without calling Msg()
    await nc.close()


async def test_callback_gets_messages_in_order_one_at_a_time(server):
    nc = await quiver.connect(server.url)
    got = []
    running = 0
    overlap = False
    done = asyncio.get_running_loop().create_future()

    async def cb(msg):
        nonlocal running, overlap
        running += 1
        overlap = overlap or running > 1
        await asyncio.sleep(0)  # give a second callback the chance to overlap
        got.append(int(msg.data))
        running -= 1
        if len(got) == 500:
            done.set_result(None)

    await nc.subscribe("seq", cb=cb)
    for i in range(500):
        await nc.publish("seq", str(i).encode())
    await wait_for(done)
    assert got == list(range(500))
    assert not overlap
    await nc.close()


async def test_wildcards_match_like_nats(server):
    nc = await quiver.connect(server.url)
    full = await nc.subscribe("a.>")
    star = await nc.subscribe("a.*.c")
    for subject in ["a.b", "a.b.c", "a.x.c", "a.b.c.d", "b.c"]:
        await nc.publish(subject, b"")
    await nc.flush()
    assert [(await full.next_msg()).subject for _ in range(4)] == ["a.b", "a.b.c", "a.x.c", "a.b.c.d"]
    assert [(await star.next_msg()).subject for _ in range(2)] == ["a.b.c", "a.x.c"]
    with pytest.raises(errors.TimeoutError):
        await star.next_msg(timeout=0.05)
    await nc.close()


async def test_queue_group_delivers_each_message_to_one_member(server):
    nc = await quiver.connect(server.url)
    members = [await nc.subscribe("work", queue="workers") for _ in range(2)]
    plain = await nc.subscribe("work")
    for i in range(200):
        await nc.publish("work", str(i).encode())
    await nc.flush()
    await eventually(lambda: sum(m.pending_msgs for m in members) == 200, what="200 queued")
    seen = []
    for m in members:
        count = m.pending_msgs
        assert count > 0  # nats-server picks members at random: 2^-199 to miss one
        seen += [int((await m.next_msg()).data) for _ in range(count)]
    assert sorted(seen) == list(range(200))
    await eventually(lambda: plain.pending_msgs == 200, what="plain subscriber got all")
    assert members[0].queue == "workers" and plain.queue == ""
    await nc.close()


async def test_request_reply_round_trip(server):
    nc = await quiver.connect(server.url)

    async def echo(msg):
        await msg.respond(b"echo:" + msg.data, headers={"X-Seen": msg.headers["X-In"]})

    await nc.subscribe("svc.echo", cb=echo)
    reply = await nc.request("svc.echo", b"hi", timeout=2, headers={"X-In": "1"})
    assert reply.data == b"echo:hi"
    assert reply.headers == {"X-Seen": "1"}
    assert reply.subject.startswith("_INBOX.")
    replies = await asyncio.gather(*(nc.request("svc.echo", str(i).encode(), headers={"X-In": "x"}) for i in range(300)))
    assert [r.data for r in replies] == [f"echo:{i}".encode() for i in range(300)]
    await nc.close()


async def test_request_without_responders_raises_no_responders(server):
    nc = await quiver.connect(server.url)
    with pytest.raises(errors.NoRespondersError):
        await nc.request("nobody.home", b"", timeout=2)
    await nc.close()


async def test_request_timeout_is_also_asyncio_timeout(server):
    nc = await quiver.connect(server.url)
    await nc.subscribe("svc.silent")  # listens, never answers
    start = time.monotonic()
    with pytest.raises(asyncio.TimeoutError) as info:
        await nc.request("svc.silent", b"", timeout=0.2)
    assert isinstance(info.value, errors.TimeoutError)
    assert isinstance(info.value, errors.Error)
    assert time.monotonic() - start >= 0.19
    await nc.close()


async def test_cancelling_a_request_cancels_the_native_operation(server):
    nc = await quiver.connect(server.url)
    held = []

    async def hold(msg):
        held.append(msg)

    await nc.subscribe("svc.slow", cb=hold)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(nc.request("svc.slow", b"1", timeout=30), 0.1)
    # The native request completed (aborted) at once instead of waiting for its 30 s timeout.
    await eventually(lambda: nc._ops == {}, what="native request cancelled")
    await eventually(lambda: len(held) == 1, what="request seen")
    await held[0].respond(b"late")  # the cancelled request must ignore it
    await nc.flush()

    async def answer(msg):
        await msg.respond(b"ok")

    await nc.subscribe("svc.fast", cb=answer)
    assert (await nc.request("svc.fast", b"", timeout=2)).data == b"ok"
    await nc.close()


async def test_headers_round_trip(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("hdr")
    await nc.publish("hdr", b"1", headers={"A": "1", "Multi": ["x", "y"], "Empty": ""})
    await nc.publish("hdr", b"2", headers={})
    await nc.publish("hdr", b"3")
    m1, m2, m3 = [await sub.next_msg() for _ in range(3)]
    assert m1.headers == {"A": "1", "Multi": "x", "Empty": ""}
    assert m1.header is m1.headers
    assert m2.headers == {} and m2.data == b"2"
    assert m3.headers is None
    with pytest.raises(ValueError):
        await nc.publish("hdr", b"", headers={"bad key": "v"})
    with pytest.raises(ValueError):
        await nc.publish("hdr", b"", headers={"k": "line\r\nbreak"})
    with pytest.raises(TypeError):
        await nc.publish("hdr", b"", headers={"k": 1})
    await nc.close()


async def test_payload_types(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("bin")
    await nc.publish("bin", bytes(range(256)))
    await nc.publish("bin", bytearray(b"ba"))
    await nc.publish("bin", memoryview(b"xmvx")[1:3])
    await nc.publish("bin")
    assert (await sub.next_msg()).data == bytes(range(256))
    assert (await sub.next_msg()).data == b"ba"
    assert (await sub.next_msg()).data == b"mv"
    assert (await sub.next_msg()).data == b""
    with pytest.raises(TypeError):
        await nc.publish("bin", "text is not bytes")
    await nc.close()


async def test_publish_errors_map_to_exception_classes(server):
    nc = await quiver.connect(server.url)
    with pytest.raises(errors.BadSubjectError):
        await nc.publish("bad subject", b"")
    with pytest.raises(errors.BadSubjectError):
        await nc.publish("ok", b"", reply="bad reply")
    with pytest.raises(errors.MaxPayloadError):
        await nc.publish("big", b"x" * (nc.max_payload + 1))
    with pytest.raises(errors.BadSubjectError):
        await nc.subscribe("a..b")
    await nc.close()
    with pytest.raises(errors.ConnectionClosedError):
        await nc.publish("x", b"")
    with pytest.raises(errors.ConnectionClosedError):
        await nc.subscribe("x")
    with pytest.raises(errors.ConnectionClosedError):
        await nc.request("x", b"")


async def test_connect_to_nothing_raises_no_servers(server):
    server.stop()
    with pytest.raises(errors.NoServersError):
        await quiver.connect(server.url, connect_timeout=1, allow_reconnect=False)


async def test_flush_waits_for_the_server(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("fl")
    for _ in range(1000):
        await nc.publish("fl", b"x")
    await nc.flush(timeout=5)
    assert nc.stats["out_msgs"] == 1000
    await eventually(lambda: sub.pending_msgs == 1000, what="1000 pending")
    await nc.close()


async def test_publish_waits_for_room_when_the_write_buffer_is_full(server):
    nc = await quiver.connect(server.url, write_buffer_limit=4096)
    got = 0
    done = asyncio.get_running_loop().create_future()

    async def cb(msg):
        nonlocal got
        got += 1
        if got == 2000:
            done.set_result(None)

    await nc.subscribe("bp", cb=cb)
    payload = b"p" * 1024
    for _ in range(2000):
        await nc.publish("bp", payload)
    await wait_for(done, 20)
    await nc.close()


async def test_unsubscribe_ends_iteration(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("un")

    async def consume():
        return [m.data async for m in sub.messages]

    task = asyncio.create_task(consume())
    await nc.publish("un", b"1")
    await nc.flush()
    await eventually(lambda: sub.delivered == 1, what="first message taken")
    await sub.unsubscribe()
    assert await wait_for(task) == [b"1"]
    with pytest.raises(errors.BadSubscriptionError):
        await sub.unsubscribe()
    with pytest.raises(errors.BadSubscriptionError):
        await sub.next_msg()
    await nc.close()


async def test_auto_unsubscribe_after_limit(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("auto")
    await sub.unsubscribe(limit=5)
    capped = await nc.subscribe("capped", max_msgs=3)
    for i in range(10):
        await nc.publish("auto", str(i).encode())
        await nc.publish("capped", str(i).encode())
    assert [m.data async for m in sub.messages] == [b"0", b"1", b"2", b"3", b"4"]
    assert [m.data async for m in capped.messages] == [b"0", b"1", b"2"]
    await nc.close()


async def test_next_msg_timeout_and_callback_misuse(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("nm")
    start = time.monotonic()
    with pytest.raises(errors.TimeoutError):
        await sub.next_msg(timeout=0.1)
    assert time.monotonic() - start >= 0.09

    async def cb(msg):
        pass

    cb_sub = await nc.subscribe("nm", cb=cb)
    with pytest.raises(errors.Error):
        await cb_sub.next_msg()
    with pytest.raises(errors.Error):
        cb_sub.messages
    with pytest.raises(errors.Error):
        await nc.subscribe("nm", cb=lambda m: None)
    await nc.close()


async def test_subscription_drain_handles_everything_already_sent(server):
    nc = await quiver.connect(server.url)
    handled = []

    async def slow(msg):
        await asyncio.sleep(0)
        handled.append(int(msg.data))

    sub = await nc.subscribe("dr", cb=slow)
    for i in range(300):
        await nc.publish("dr", str(i).encode())
    await nc.flush()
    await sub.drain()
    assert handled == list(range(300))
    await nc.publish("dr", b"after")
    await nc.flush()
    assert handled == list(range(300))
    await nc.close()


async def test_iterated_subscription_drain_ends_iteration(server):
    nc = await quiver.connect(server.url)
    sub = await nc.subscribe("dri")
    for i in range(50):
        await nc.publish("dri", str(i).encode())
    await nc.flush()

    async def consume():
        return [int(m.data) async for m in sub.messages]

    task = asyncio.create_task(consume())
    await wait_for(sub.drain())
    assert await wait_for(task) == list(range(50))
    await nc.close()


async def test_connection_drain_delivers_then_closes(server):
    events = []

    async def closed_cb():
        events.append("closed")

    nc = await quiver.connect(server.url, closed_cb=closed_cb)
    pub = await quiver.connect(server.url)
    handled = []

    async def cb(msg):
        await asyncio.sleep(0)
        handled.append(msg.data)
        await msg.respond(b"ack")  # publishing while draining still works

    sub = await nc.subscribe("cd", cb=cb)
    await nc.flush()
    replies = [asyncio.create_task(pub.request("cd", str(i).encode(), timeout=5)) for i in range(100)]
    # Every request reached the subscription before the drain unsubscribes it.
    await eventually(lambda: sub.delivered + sub.pending_msgs == 100, what="100 requests in")
    await nc.drain()
    assert nc.is_closed and not nc.is_connected
    assert events == ["closed"]
    assert sorted(int(d) for d in handled) == list(range(100))
    assert [r.data for r in await asyncio.gather(*replies)] == [b"ack"] * 100
    with pytest.raises(errors.ConnectionClosedError):
        await nc.drain()
    await pub.close()


async def test_slow_consumer_drops_and_reports(server):
    reported = []

    async def error_cb(e):
        reported.append(e)

    nc = await quiver.connect(server.url, error_cb=error_cb)
    sub = await nc.subscribe("slow", pending_msgs_limit=10)
    for i in range(100):
        await nc.publish("slow", str(i).encode())
    await nc.flush()
    await eventually(lambda: sub.dropped + sub.pending_msgs == 100, what="100 routed")
    assert sub.pending_msgs == 10 and sub.dropped == 90
    await eventually(lambda: len(reported) == 1, what="slow consumer reported")
    assert isinstance(reported[0], errors.SlowConsumerError)
    assert reported[0].subject == "slow" and reported[0].sub is sub and reported[0].sid == sub.sid
    assert [int((await sub.next_msg()).data) for _ in range(10)] == list(range(10))
    await nc.close()


async def test_callback_exception_goes_to_error_cb(server):
    reported = []

    async def error_cb(e):
        reported.append(e)

    nc = await quiver.connect(server.url, error_cb=error_cb)
    handled = []

    async def cb(msg):
        if msg.data == b"boom":
            raise ValueError("boom")
        handled.append(msg.data)

    await nc.subscribe("cbx", cb=cb)
    for data in [b"1", b"boom", b"2"]:
        await nc.publish("cbx", data)
    await eventually(lambda: handled == [b"1", b"2"] and len(reported) == 1, what="callbacks")
    assert isinstance(reported[0], ValueError)
    await nc.close()


async def test_close_settles_everything_pending(server):
    nc = await quiver.connect(server.url)
    await nc.subscribe("never")
    sub = await nc.subscribe("waiting")
    req = asyncio.create_task(nc.request("never", b"", timeout=30))
    nxt = asyncio.create_task(sub.next_msg(timeout=30))
    it_sub = await nc.subscribe("iter")

    async def iterate():
        return [m async for m in it_sub.messages]

    it = asyncio.create_task(iterate())
    await eventually(
        lambda: len(sub._waiters) == 1 and len(it_sub._waiters) == 1 and len(nc._ops) == 1,
        what="all three parked",
    )
    await nc.close()
    with pytest.raises(errors.ConnectionClosedError):
        await wait_for(req)
    with pytest.raises(errors.ConnectionClosedError):
        await wait_for(nxt)
    assert await wait_for(it) == []
    assert nc.is_closed
    await nc.close()  # twice is fine


async def test_close_from_inside_a_callback(server):
    nc = await quiver.connect(server.url)
    closed = asyncio.get_running_loop().create_future()

    async def cb(msg):
        await nc.close()
        closed.set_result(nc.is_closed)

    await nc.subscribe("bye", cb=cb)
    await nc.publish("bye", b"")
    assert await wait_for(closed) is True


async def test_async_with_closes(server):
    async with await quiver.connect(server.url) as nc:
        assert nc.is_connected
        assert nc.connected_url.port == server.port
        assert nc.server_info["max_payload"] == nc.max_payload > 0
        assert nc.new_inbox().startswith("_INBOX.")
    assert nc.is_closed


async def test_client_connect_then_connect_again_is_an_error(server):
    nc = quiver.NATS()
    await nc.connect(servers=[server.url], name="twice")
    with pytest.raises(errors.Error):
        await nc.connect(servers=[server.url])
    await nc.close()


def _native_threads() -> int:
    return len(os.listdir("/proc/self/task"))


async def test_dropping_an_open_client_stops_its_threads(server):
    before = _native_threads()
    nc = await quiver.connect(server.url)
    await nc.subscribe("x")
    assert _native_threads() == before + 2  # I/O thread and notifier
    del nc
    gc.collect()
    assert _native_threads() == before


def test_exit_without_close_does_not_hang(server, tmp_path):
    script = tmp_path / "leave_open.py"
    script.write_text(
        "import asyncio, quiver\n"
        "async def main():\n"
        f"    nc = await quiver.connect('{server.url}')\n"
        "    async def cb(m): pass\n"
        "    await nc.subscribe('spam', cb=cb)\n"
        "    for _ in range(10000): await nc.publish('spam', b'x')\n"
        "    return nc\n"
        "keep = asyncio.run(main())\n"  # loop closed, client still connected and receiving
        "print('done')\n"
    )
    env = dict(PYTHONPATH=":".join(sys.path))
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, timeout=30, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "done\n"
