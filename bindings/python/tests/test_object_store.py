"""Object stores through quiver.js, against quiver-server and nats-server 2.9.10."""

import io
import random

import pytest

import quiver
from quiver.js import api
from quiver.js import errors as jserrors


async def test_put_get_info_list_delete(js_server):
    nc = await quiver.connect(js_server.url)
    js = nc.jetstream()
    obs = await js.create_object_store("files")
    assert obs.bucket == "files"

    data = random.Random(7).randbytes(300 * 1024)
    info = await obs.put("big.bin", data)
    assert (info.name, info.bucket, info.size, info.chunks) == ("big.bin", "files", len(data), 3)
    assert info.digest.startswith("SHA-256=")
    assert not info.deleted

    result = await obs.get("big.bin")
    assert result.data == data
    assert (result.info.name, result.info.size, result.info.digest) == (
        "big.bin",
        len(data),
        info.digest,
    )
    assert (await obs.get_info("big.bin")).nuid == info.nuid
    assert (await obs.info("big.bin")).size == len(data)

    small = await obs.put("notes.txt", "hello", meta=api.ObjectMeta(description="a note"))
    assert (small.size, small.chunks, small.description) == (5, 1, "a note")
    sink = io.BytesIO()
    result = await obs.get("notes.txt", writeinto=sink)
    assert (result.data, sink.getvalue()) == (None, b"hello")
    assert sorted(o.name for o in await obs.list()) == ["big.bin", "notes.txt"]

    # Replacing an object keeps one copy.
    await obs.put("notes.txt", io.BytesIO(b"hello again"))
    assert (await obs.get("notes.txt")).data == b"hello again"

    deleted = await obs.delete("big.bin")
    assert deleted.info.deleted
    with pytest.raises(jserrors.ObjectNotFoundError) as e:
        await obs.get("big.bin")
    assert isinstance(e.value, jserrors.NotFoundError)
    assert (await obs.get_info("big.bin", show_deleted=True)).deleted
    assert [o.name for o in await obs.list()] == ["notes.txt"]
    await obs.delete("notes.txt")
    with pytest.raises(jserrors.NotFoundError):
        await obs.list()
    with pytest.raises(jserrors.ObjectNotFoundError):
        await obs.get_info("never")

    # The bucket from another handle, then gone.
    again = await js.object_store("files")
    assert (await again.status()).bucket == "files"
    assert await js.delete_object_store("files") is True
    with pytest.raises(jserrors.NotFoundError):
        await js.object_store("files")
    await nc.close()


async def test_empty_object(js_server):
    nc = await quiver.connect(js_server.url)
    js = nc.jetstream()
    config = api.ObjectStoreConfig(bucket="e", storage=api.StorageType.MEMORY)
    obs = await js.create_object_store(config=config)
    info = await obs.put("empty", b"")
    assert (info.size, info.chunks) == (0, 0)
    assert (await obs.get("empty")).data == b""
    await nc.close()
