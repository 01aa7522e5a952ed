"""Key/Value buckets through quiver.js, against quiver-server and nats-server 2.9.10."""

import pytest

import quiver
from quiver import errors
from quiver.js import api
from quiver.js import errors as jserrors


async def open_kv(server, **config):
    nc = await quiver.connect(server.url)
    js = nc.jetstream()
    kv = await js.create_key_value(**config)
    return nc, js, kv


async def test_put_get_update_and_create(js_server):
    nc, js, kv = await open_kv(js_server, bucket="cfg", history=5)
    assert kv.bucket == "cfg"
    r1 = await kv.put("db.url", b"postgres://a")
    e = await kv.get("db.url")
    assert (e.bucket, e.key, e.value, e.revision, e.operation) == (
        "cfg",
        "db.url",
        b"postgres://a",
        r1,
        None,
    )
    r2 = await kv.update("db.url", b"postgres://b", last=r1)
    assert r2 == r1 + 1
    with pytest.raises(jserrors.KeyWrongLastSequenceError) as exc:
        await kv.update("db.url", b"stale", last=r1)
    assert isinstance(exc.value, jserrors.BadRequestError)
    assert exc.value.err_code == 10071
    assert (await kv.get("db.url")).value == b"postgres://b"
    assert (await kv.get("db.url", revision=r1)).value == b"postgres://a"

    with pytest.raises(jserrors.KeyWrongLastSequenceError):
        await kv.create("db.url", b"again")
    r3 = await kv.create("db.user", b"admin")
    assert r3 == r2 + 1

    with pytest.raises(jserrors.KeyNotFoundError) as exc:
        await kv.get("missing")
    assert exc.value.entry is None and exc.value.op is None
    assert isinstance(exc.value, jserrors.NotFoundError)
    with pytest.raises(jserrors.InvalidKeyError):
        await kv.put("bad key", b"x")

    # Another handle on the same bucket sees the same values.
    other = await js.key_value("cfg")
    assert (await other.get("db.user")).value == b"admin"
    status = await other.status()
    assert (status.bucket, status.values, status.history) == ("cfg", 3, 5)
    with pytest.raises(jserrors.BucketNotFoundError):
        await js.key_value("nope")
    await nc.close()


async def test_delete_purge_history_and_keys(js_server):
    nc, js, kv = await open_kv(js_server, bucket="hist", history=10)
    with pytest.raises(jserrors.NoKeysError):
        await kv.keys()
    for v in (b"1", b"2", b"3"):
        await kv.put("a", v)
    await kv.put("b", b"x")
    await kv.put("c.d", b"y")
    assert sorted(await kv.keys()) == ["a", "b", "c.d"]
    assert await kv.keys(filters=["c.*"]) == ["c.d"]

    assert await kv.delete("a") is True
    with pytest.raises(jserrors.KeyNotFoundError) as exc:
        await kv.get("a")
    assert exc.value.op == "DEL"
    assert (exc.value.entry.key, exc.value.entry.revision) == ("a", 6)
    assert sorted(await kv.keys()) == ["b", "c.d"]

    history = await kv.history("a")
    assert [(e.value, e.operation) for e in history] == [
        (b"1", None),
        (b"2", None),
        (b"3", None),
        (b"", "DEL"),
    ]
    assert [e.revision for e in history] == [1, 2, 3, 6]

    assert await kv.create("a", b"reborn") == 7  # create over a delete marker
    assert await kv.purge("a") is True
    history = await kv.history("a")
    assert [(e.operation, e.revision) for e in history] == [("PURGE", 8)]
    with pytest.raises(jserrors.KeyNotFoundError) as exc:
        await kv.get("a")
    assert exc.value.op == "PURGE"

    with pytest.raises(jserrors.NoKeysError):
        await kv.history("never")
    with pytest.raises(jserrors.KeyWrongLastSequenceError):
        await kv.delete("b", last=1)
    assert await kv.delete("b", last=4) is True
    assert await kv.keys() == ["c.d"]
    assert await js.delete_key_value("hist") is True
    with pytest.raises(jserrors.BucketNotFoundError):
        await js.key_value("hist")
    await nc.close()


async def test_watch(js_server):
    nc, js, kv = await open_kv(js_server, bucket="w", history=5)
    await kv.put("k1", b"a")
    await kv.put("k2", b"b")
    watcher = await kv.watchall()
    initial = [(e.key, e.value, e.delta) async for e in watcher]  # ends at nats-py's marker
    assert initial == [("k1", b"a", 1), ("k2", b"b", 0)]

    await kv.put("k1", b"c")
    e = await watcher.updates(timeout=2)
    assert (e.key, e.value, e.revision, e.operation) == ("k1", b"c", 3, None)
    await kv.delete("k2")
    e = await watcher.updates(timeout=2)
    assert (e.key, e.operation) == ("k2", "DEL")
    with pytest.raises(errors.TimeoutError):
        await watcher.updates(timeout=0.2)
    await kv.put("k3", b"d")
    assert (await watcher.updates(timeout=2)).key == "k3"
    await watcher.stop()
    assert [e async for e in watcher] == []

    empty = await (await js.create_key_value(bucket="empty")).watch("x.>")
    assert await empty.updates(timeout=2) is None  # nothing stored: the marker at once
    await empty.stop()

    filtered = await kv.watch("k1", include_history=True)
    assert [e.value async for e in filtered] == [b"a", b"c"]
    await filtered.stop()

    live = await kv.watch(">", updates_only=True)
    await kv.put("k9", b"new")
    e = await live.updates(timeout=2)
    assert (e.key, e.value) == ("k9", b"new")
    await live.stop()
    await nc.close()


async def test_bucket_config(js_server):
    nc = await quiver.connect(js_server.url)
    js = nc.jetstream()
    config = api.KeyValueConfig(bucket="conf", history=3, ttl=60.0, storage=api.StorageType.MEMORY)
    kv = await js.create_key_value(config)
    status = await kv.status()
    assert (status.history, status.ttl) == (3, 60.0)
    info = await js.stream_info("KV_conf")
    assert info.config.storage == api.StorageType.MEMORY
    assert info.config.subjects == ["$KV.conf.>"]
    with pytest.raises(jserrors.KeyHistoryTooLargeError):
        await js.create_key_value(bucket="big", history=65)
    with pytest.raises(jserrors.InvalidBucketNameError):
        await js.create_key_value(bucket="bad.name")
    await nc.close()
