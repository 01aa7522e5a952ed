"""JetStream through quiver.js: streams, publishing, pull/push/ordered consumers, errors.

Every test runs against quiver-server and nats-server 2.9.10, both with JetStream enabled.
"""

import asyncio
import datetime
import time

import pytest
from conftest import eventually, wait_for

import quiver
from quiver import errors
from quiver.js import api
from quiver.js import errors as jserrors


async def connect_js(server, **opts):
    nc = await quiver.connect(server.url)
    return nc, nc.jetstream(**opts)


async def test_stream_crud(js_server):
    nc, js = await connect_js(js_server)
    info = await js.add_stream(name="ORDERS", subjects=["orders.>"], max_msgs=100)
    assert info.config.name == "ORDERS"
    assert info.config.subjects == ["orders.>"]
    assert info.config.max_msgs == 100
    assert info.config.retention == api.RetentionPolicy.LIMITS
    assert info.config.storage == api.StorageType.FILE
    assert info.state.messages == 0

    config = api.StreamConfig(
        name="EVENTS",
        subjects=["events.*"],
        storage=api.StorageType.MEMORY,
        max_age=3600.0,
        duplicate_window=60.0,
    )
    info = await js.add_stream(config)
    assert info.config.storage == api.StorageType.MEMORY
    assert info.config.max_age == 3600.0
    assert info.config.duplicate_window == 60.0

    # The same configuration again is fine; another one is not.
    await js.add_stream(config)
    with pytest.raises(jserrors.StreamNameAlreadyInUseError) as e:
        await js.add_stream(config, subjects=["other.*"])
    assert isinstance(e.value, jserrors.BadRequestError)
    assert (e.value.code, e.value.err_code) == (400, 10058)

    info = await js.update_stream(name="ORDERS", subjects=["orders.>", "returns.>"], max_msgs=50)
    assert info.config.subjects == ["orders.>", "returns.>"]
    assert info.config.max_msgs == 50
    assert (await js.stream_info("ORDERS")).config.max_msgs == 50

    assert sorted(await js.stream_names()) == ["EVENTS", "ORDERS"]
    assert await js.stream_names(subject="returns.x") == ["ORDERS"]
    assert await js.find_stream_name_by_subject("events.a") == "EVENTS"
    infos = await js.streams_info()
    assert sorted(i.config.name for i in infos) == ["EVENTS", "ORDERS"]
    assert (await js.account_info()).streams == 2

    assert await js.delete_stream("EVENTS") is True
    with pytest.raises(jserrors.StreamNotFoundError) as e:
        await js.stream_info("EVENTS")
    assert isinstance(e.value, jserrors.NotFoundError)
    assert (e.value.code, e.value.err_code) == (404, 10059)
    with pytest.raises(jserrors.NotFoundError):
        await js.delete_stream("EVENTS")
    with pytest.raises(ValueError):
        await js.add_stream(subjects=["no.name"])
    await nc.close()


async def test_publish_acks_dedup_and_expectations(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="S", subjects=["s.>"])
    ack = await js.publish("s.a", b"one")
    assert (ack.stream, ack.seq, ack.duplicate) == ("S", 1, False)

    ack = await js.publish("s.a", b"two", headers={api.Header.MSG_ID: "id-2"})
    assert (ack.seq, ack.duplicate) == (2, False)
    ack = await js.publish("s.a", b"two again", headers={api.Header.MSG_ID: "id-2"})
    assert (ack.seq, ack.duplicate) == (2, True)

    ack = await js.publish(
        "s.b", b"three", headers={api.Header.EXPECTED_LAST_SEQUENCE: "2", "X-App": "v"}
    )
    assert ack.seq == 3
    with pytest.raises(jserrors.WrongLastSequenceError) as e:
        await js.publish("s.b", b"x", headers={api.Header.EXPECTED_LAST_SEQUENCE: "2"})
    assert isinstance(e.value, jserrors.BadRequestError)
    assert (e.value.code, e.value.err_code) == (400, 10071)
    assert "wrong last sequence" in e.value.description

    with pytest.raises(jserrors.WrongLastSequenceError):
        await js.publish("s.a", b"x", headers={api.Header.EXPECTED_LAST_SUBJECT_SEQUENCE: "1"})
    ack = await js.publish("s.a", b"four", headers={api.Header.EXPECTED_LAST_SUBJECT_SEQUENCE: "2"})
    assert ack.seq == 4

    with pytest.raises(jserrors.WrongLastMsgIDError):
        await js.publish("s.a", b"x", headers={api.Header.EXPECTED_LAST_MSG_ID: "nope"})

    assert (await js.publish("s.a", b"five", stream="S")).seq == 5
    with pytest.raises(jserrors.StreamMismatchError) as e:
        await js.publish("s.a", b"x", stream="OTHER")
    assert e.value.err_code == 10060

    with pytest.raises(jserrors.NoStreamResponseError):
        await js.publish("nobody.listens", b"x")

    stored = await js.get_msg("S", 3)
    assert (stored.subject, stored.seq, stored.data) == ("s.b", 3, b"three")
    assert stored.headers["X-App"] == "v"
    assert isinstance(stored.time, datetime.datetime)
    assert (await js.stream_info("S")).state.messages == 5
    await nc.close()


async def test_get_delete_and_purge_messages(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="M", subjects=["m.*"], allow_direct=True)
    for i in range(6):
        await js.publish(f"m.{'ab'[i % 2]}", f"{i}".encode())
    last_b = await js.get_last_msg("M", "m.b")
    assert (last_b.seq, last_b.data) == (6, b"5")
    direct = await js.get_msg("M", subject="m.a", direct=True)
    assert (direct.seq, direct.data) == (5, b"4")
    nxt = await js.get_msg("M", seq=2, subject="m.a", direct=True, next=True)
    assert nxt.seq == 3

    assert await js.delete_msg("M", 1) is True
    with pytest.raises(jserrors.NotFoundError) as e:
        await js.get_msg("M", 1)
    assert isinstance(e.value, jserrors.MsgNotFoundError)
    state = (await js.stream_info("M")).state
    assert (state.messages, state.first_seq) == (5, 2)

    assert await js.purge_stream("M", subject="m.a", keep=1) is True
    state = (await js.stream_info("M", subjects_filter=">")).state
    assert state.subjects == {"m.a": 1, "m.b": 3}
    await js.purge_stream("M")
    assert (await js.stream_info("M")).state.messages == 0
    await nc.close()


async def test_publish_async_window(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="A", subjects=["a"])
    futures = [await js.publish_async("a", f"{i}".encode()) for i in range(200)]
    await js.publish_async_completed()
    assert js.publish_async_pending() == 0
    acks = [f.result() for f in futures]
    assert [a.seq for a in acks] == list(range(1, 201))
    assert all(a.stream == "A" for a in acks)
    failed = await js.publish_async("nobody", b"x")
    with pytest.raises(jserrors.NoStreamResponseError):
        await wait_for(failed)
    await nc.close()


async def test_pull_fetch_and_acknowledgements(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="WORK", subjects=["work.*"])
    for i in range(5):
        await js.publish(f"work.{i}", f"job{i}".encode())
    psub = await js.pull_subscribe("work.*", durable="worker")
    assert psub.consumer == "worker"

    msgs = await psub.fetch(3, timeout=2)
    assert [m.data for m in msgs] == [b"job0", b"job1", b"job2"]
    md = msgs[0].metadata
    assert (md.stream, md.consumer) == ("WORK", "worker")
    assert (md.sequence.stream, md.sequence.consumer) == (1, 1)
    assert md.num_delivered == 1
    assert md.num_pending == 4
    assert abs(md.timestamp - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(
        minutes=1
    )

    await msgs[0].ack()
    with pytest.raises(errors.MsgAlreadyAckdError):
        await msgs[0].ack()
    await msgs[1].in_progress()
    reply = await msgs[1].ack_sync()
    assert reply.data == b""
    assert msgs[1].is_acked
    await msgs[2].nak()  # redelivered as soon as the server processed the NAK

    again = []
    while len(again) < 3:
        again += await psub.fetch(3 - len(again), timeout=2)
    again.sort(key=lambda m: m.metadata.sequence.stream)
    assert [m.data for m in again] == [b"job2", b"job3", b"job4"]
    assert [m.metadata.num_delivered for m in again] == [2, 1, 1]
    await again[0].term()
    for m in again[1:]:
        await m.ack_sync()

    with pytest.raises(jserrors.FetchTimeoutError) as e:
        await psub.fetch(1, timeout=0.3)
    assert isinstance(e.value, errors.TimeoutError)
    assert isinstance(e.value, asyncio.TimeoutError)

    info = await psub.consumer_info()
    assert info.num_ack_pending == 0
    assert info.num_pending == 0
    assert info.delivered.stream_seq == 5

    # A new pull subscription on the same durable continues where it left off.
    await js.publish("work.9", b"job9")
    psub2 = await js.pull_subscribe("work.*", durable="worker")
    [m] = await psub2.fetch(1, timeout=2)
    assert (m.data, m.metadata.sequence.stream) == (b"job9", 6)
    await m.ack()

    core = await nc.subscribe("plain")
    await nc.publish("plain", b"x")
    with pytest.raises(errors.NotJSMessageError):
        await (await core.next_msg()).ack()
    await nc.close()


async def test_ephemeral_pull_and_consumer_management(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="C", subjects=["c.>"])
    await js.publish("c.1", b"1")
    psub = await js.pull_subscribe("c.>")
    [m] = await psub.fetch(1, timeout=2)
    assert m.data == b"1"

    info = await js.add_consumer(
        "C", durable_name="d1", ack_policy=api.AckPolicy.EXPLICIT, ack_wait=30.0
    )
    assert info.name == "d1"
    assert info.config.ack_wait == 30.0
    assert info.num_pending == 1
    config = api.ConsumerConfig(durable_name="d2", filter_subject="c.2", max_ack_pending=10)
    info = await js.add_consumer("C", config)
    assert info.config.filter_subject == "c.2"
    assert info.config.max_ack_pending == 10

    assert {"d1", "d2"} <= set(await js.consumer_names("C"))
    assert {"d1", "d2"} <= {c.name for c in await js.consumers_info("C")}
    assert (await js.consumer_info("C", "d2")).num_pending == 0
    assert await js.delete_consumer("C", "d2") is True
    with pytest.raises(jserrors.ConsumerNotFoundError) as e:
        await js.consumer_info("C", "d2")
    assert (e.value.code, e.value.err_code) == (404, 10014)

    bound = await js.pull_subscribe_bind("d1", "C")
    [m] = await bound.fetch(1, timeout=2)
    await m.ack()
    await nc.close()


async def test_push_subscribe_iterates_with_manual_acks(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="P", subjects=["p.*"])
    for i in range(20):
        await js.publish("p.x", f"{i}".encode())
    sub = await js.subscribe("p.*", durable="pusher", manual_ack=True)
    got = []
    async for msg in sub.messages:
        got.append(int(msg.data))
        assert msg.metadata.sequence.stream == len(got)
        await msg.ack()
        if len(got) == 20:
            break
    assert got == list(range(20))
    assert sub.delivered == 20
    await js.publish("p.y", b"late")
    msg = await sub.next_msg(timeout=2)
    assert (msg.subject, msg.data) == ("p.y", b"late")
    await msg.ack_sync()
    info = await sub.consumer_info()
    assert info.name == "pusher"
    assert info.num_ack_pending == 0
    await sub.unsubscribe()
    with pytest.raises(errors.BadSubscriptionError):
        await sub.unsubscribe()

    # The durable still exists: subscribing again binds to it.
    sub2 = await js.subscribe("p.*", durable="pusher", manual_ack=True)
    await js.publish("p.z", b"after")
    msg = await sub2.next_msg(timeout=2)
    assert msg.data == b"after"
    with pytest.raises(errors.TimeoutError):
        await sub2.next_msg(timeout=0.2)
    await nc.close()


async def test_rebound_push_consumer_gets_what_came_while_unbound(js_server):
    # Delivered when the subscriber comes back, not after the ack wait (30 s).
    nc, js = await connect_js(js_server)
    await js.add_stream(name="R", subjects=["r"])
    sub = await js.subscribe("r", durable="rebind", manual_ack=True)
    await sub.unsubscribe()
    await js.publish("r", b"while away")
    sub = await js.subscribe("r", durable="rebind", manual_ack=True)
    msg = await sub.next_msg(timeout=3)
    assert (msg.data, msg.metadata.num_delivered) == (b"while away", 1)
    await nc.close()


async def test_push_subscribe_callback_acks_after_the_callback(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="CB", subjects=["cb"])
    got = []
    done = asyncio.get_running_loop().create_future()

    async def handler(msg):
        got.append(int(msg.data))
        if len(got) == 50:
            done.set_result(None)

    sub = await js.subscribe("cb", cb=handler, durable="cbd")
    for i in range(50):
        await js.publish("cb", f"{i}".encode())
    await wait_for(done)
    assert got == list(range(50))

    async def all_acked():
        info = await sub.consumer_info()
        return info.num_ack_pending == 0 and info.ack_floor.stream_seq == 50

    deadline = time.monotonic() + 5
    while not await all_acked():
        assert time.monotonic() < deadline, "acks did not arrive"
        await nc.flush()
    await sub.drain()
    await nc.close()


async def test_queue_push_subscription_shares_messages(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="Q", subjects=["q"])
    counts = [0, 0]
    total = asyncio.get_running_loop().create_future()

    def handler(i):
        async def cb(msg):
            counts[i] += 1
            if sum(counts) == 40 and not total.done():
                total.set_result(None)

        return cb

    s1 = await js.subscribe("q", queue="workers", cb=handler(0))
    s2 = await js.subscribe("q", queue="workers", cb=handler(1))
    assert s1.consumer == s2.consumer == "workers"
    for i in range(40):
        await js.publish("q", f"{i}".encode())
    await wait_for(total)
    assert sum(counts) == 40
    await nc.close()


async def test_ordered_consumer_delivers_in_stream_order(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="O", subjects=["o.*"])
    for i in range(30):
        await js.publish(f"o.{i % 3}", f"{i}".encode())
    sub = await js.subscribe("o.*", ordered_consumer=True)
    got = []
    while len(got) < 30:
        msg = await sub.next_msg(timeout=2)
        got.append((int(msg.data), msg.metadata.sequence.stream))
    assert got == [(i, i + 1) for i in range(30)]
    name = sub.consumer
    assert (await sub.consumer_info()).config.ack_policy == api.AckPolicy.NONE

    filtered = await js.subscribe("o.1", ordered_consumer=True)
    msg = await filtered.next_msg(timeout=2)
    assert (msg.subject, msg.data) == ("o.1", b"1")

    await sub.unsubscribe()
    with pytest.raises(jserrors.ConsumerNotFoundError):
        await js.consumer_info("O", name)
    await nc.close()


async def test_jetstream_not_enabled(server):
    nc = await quiver.connect(server.url)
    js = nc.jetstream(timeout=2)
    with pytest.raises(jserrors.ServiceUnavailableError) as e:
        await js.account_info()
    assert isinstance(e.value, jserrors.JetStreamNotEnabledError)
    await nc.close()


async def test_close_ends_pending_operations_at_once(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="W", subjects=["w"])
    psub = await js.pull_subscribe("w", durable="waiter")
    sub = await js.subscribe("w", durable="pushed")
    fetch = asyncio.ensure_future(psub.fetch(1, timeout=30))
    nxt = asyncio.ensure_future(sub.next_msg(timeout=30))
    await nc.flush()
    start = time.monotonic()
    await nc.close()
    with pytest.raises(errors.ConnectionClosedError):
        await fetch
    with pytest.raises(errors.ConnectionClosedError):
        await nxt
    # The native waits were cancelled: close did not wait for the fetch's expiry.
    assert time.monotonic() - start < 1.5
    with pytest.raises(errors.ConnectionClosedError):
        await js.publish("w", b"x")


async def test_cancelling_a_fetch_cancels_the_native_operation(js_server):
    nc, js = await connect_js(js_server)
    await js.add_stream(name="X", subjects=["x"])
    psub = await js.pull_subscribe("x", durable="slow")
    start = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(psub.fetch(1, timeout=30), 0.2)
    assert time.monotonic() - start < 5
    await eventually(lambda: not nc._ops, what="the cancelled fetch to complete natively")
    ack = await js.publish("x", b"still works")
    assert ack.seq == 1
    await nc.close()
