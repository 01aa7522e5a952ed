"""Key/Value buckets (nats-py's ``nats.js.kv.KeyValue``) over the C++ client's
``client::jetstream::KeyValue``: bucket B is stream KV_B, shared with every other NATS client.

``get`` raises ``KeyNotFoundError`` for a missing key and, as nats-py does, for a deleted or
purged one too (then with ``entry`` and ``op``). ``Entry.operation`` is ``None`` for a value,
``"DEL"`` or ``"PURGE"`` for the markers; ``Entry.created`` is in Unix seconds (nats-py's).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, List, Optional

from .. import errors as _core
from . import api, errors
from ._feed import Feed
from .manager import _call, _outcome

if TYPE_CHECKING:  # pragma: no cover
    from .client import JetStreamContext

KV_OP = "KV-Operation"
KV_DEL = "DEL"
KV_PURGE = "PURGE"
MSG_ROLLUP_SUBJECT = "sub"

# In a KV call, a failed expected-revision check is about the key.
_KV_OVERRIDES = {"kWrongLastSequence": errors.KeyWrongLastSequenceError}


def _entry(t: tuple) -> "KeyValue.Entry":
    bucket, key, value, revision, delta, created_ns, op = t
    return KeyValue.Entry(
        bucket=bucket,
        key=key,
        value=value,
        revision=revision,
        delta=delta,
        created=round(created_ns / 1e9),
        operation=None if op == "PUT" else op,
    )


class KeyValue:
    """A Key/Value bucket; open it with ``js.key_value(bucket)`` or
    ``js.create_key_value(bucket=...)``."""

    @dataclass
    class Entry:
        bucket: str
        key: str
        value: Optional[bytes]
        revision: Optional[int]
        delta: Optional[int]
        created: Optional[int]
        operation: Optional[str]

    @dataclass
    class BucketStatus:
        stream_info: api.StreamInfo
        bucket: str

        @property
        def values(self) -> int:
            """Messages in the bucket, history included."""
            return self.stream_info.state.messages

        @property
        def history(self) -> int:
            return self.stream_info.config.max_msgs_per_subject or 1

        @property
        def ttl(self) -> Optional[float]:
            """Seconds, or None when values never expire."""
            return self.stream_info.config.max_age or None

        @property
        def bytes(self) -> int:
            return self.stream_info.state.bytes

    def __init__(self, js: "JetStreamContext", native: Any) -> None:
        self._js = js
        self._nc = js._nc
        self._native = native
        self._name: str = native.bucket
        self._stream: str = native.stream

    @property
    def bucket(self) -> str:
        return self._name

    def _kv(self) -> Any:
        self._nc._usable(allow_draining=True)
        return self._native

    async def _call(self, op: int) -> Any:
        return await _call(self._nc, op, _KV_OVERRIDES)

    async def get(self, key: str, revision: Optional[int] = None) -> "KeyValue.Entry":
        """The key's latest value, or the value at `revision`."""
        err, value = await _outcome(self._nc, self._kv().get(key, revision or 0))
        if err is not None:
            e = errors.from_native(err, _KV_OVERRIDES)
            if isinstance(e, errors.KeyNotFoundError) and value is not None:
                marker = _entry(value)
                raise errors.KeyNotFoundError(entry=marker, op=marker.operation)
            raise e
        return _entry(value)

    async def put(self, key: str, value: bytes) -> int:
        """Stores a value; its revision."""
        return await self._call(self._kv().put(key, value))

    async def create(self, key: str, value: bytes) -> int:
        """Stores a value only if the key has none (never set, deleted or purged);
        ``KeyWrongLastSequenceError`` (a ``KeyExistsError``) otherwise."""
        return await self._call(self._kv().create(key, value))

    async def update(self, key: str, value: bytes, last: Optional[int] = None) -> int:
        """Stores a value only if `last` is the key's latest revision (None or 0: only if the
        key was never set); ``KeyWrongLastSequenceError`` otherwise."""
        return await self._call(self._kv().update(key, value, last or 0))

    async def delete(self, key: str, last: Optional[int] = None) -> bool:
        """Adds a delete marker (the history stays); with `last`, only if it is the key's
        latest revision."""
        await self._call(self._kv().delete(key, last or 0))
        return True

    async def purge(self, key: str) -> bool:
        """Adds a purge marker and removes the key's history."""
        await self._call(self._kv().purge(key, 0))
        return True

    async def purge_deletes(self, olderthan: int = 30 * 60) -> bool:
        """Removes the delete/purge markers (keeping those younger than `olderthan` seconds,
        which stay as the key's only message)."""
        watcher = await self.watchall()
        markers: List[KeyValue.Entry] = []
        async for entry in watcher:
            if entry.operation in (KV_DEL, KV_PURGE):
                markers.append(entry)
        await watcher.stop()
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        for entry in markers:
            keep = 1 if olderthan > 0 and (entry.created or 0) > now - olderthan else 0
            await self._js.purge_stream(
                self._stream, subject=f"$KV.{self._name}.{entry.key}", keep=keep or None
            )
        return True

    async def status(self) -> "KeyValue.BucketStatus":
        resp = json.loads(await self._call(self._kv().status()))
        info = api.StreamInfo.from_response(resp["stream_info"])
        return KeyValue.BucketStatus(stream_info=info, bucket=resp["bucket"])

    async def keys(self, filters: Optional[List[str]] = None, **kwargs: Any) -> List[str]:
        """Every key with a value; ``NoKeysError`` when there is none. `filters` (a list of
        patterns such as ``"a.*"``) keeps only matching keys."""
        if not filters:
            keys = await self._call(self._kv().keys())
        else:
            keys = []
            for pattern in filters:
                watcher = await self.watch(pattern, ignore_deletes=True, meta_only=True)
                async for entry in watcher:
                    if entry.key not in keys:
                        keys.append(entry.key)
                await watcher.stop()
        if not keys:
            raise errors.NoKeysError()
        return keys

    async def history(self, key: str) -> List["KeyValue.Entry"]:
        """Every stored value and marker of `key`, oldest first; ``NoKeysError`` when none."""
        entries = await _call(
            self._nc, self._kv().history(key), {"kKeyNotFound": errors.NoKeysError}
        )
        return [_entry(t) for t in entries]

    async def watch(
        self,
        keys: str,
        headers_only: bool = False,
        include_history: bool = False,
        ignore_deletes: bool = False,
        meta_only: bool = False,
        inactive_threshold: Optional[float] = None,
        updates_only: bool = False,
    ) -> "KeyValue.KeyWatcher":
        """Watches keys matching `keys` (``"a"``, ``"a.*"``, ``"a.>"``, ``">"``): the current
        values (all of them with `include_history`), a ``None`` marker, then every change.
        `updates_only` skips the current values and the marker."""
        native = await self._call(
            self._kv().watch(
                keys, include_history, ignore_deletes, meta_only or headers_only, updates_only
            )
        )
        return KeyValue.KeyWatcher(self, native)

    async def watchall(self, **kwargs: Any) -> "KeyValue.KeyWatcher":
        return await self.watch(">", **kwargs)

    class KeyWatcher:
        """``await w.updates(timeout)`` returns the next Entry, or ``None`` once after the
        values that existed when the watch started. ``async for e in w`` yields entries and
        ends at that marker, as in nats-py (iterate again for the changes that follow); it also
        ends after ``stop()``."""

        def __init__(self, kv: "KeyValue", native: Any) -> None:
            self._kv = kv
            self._native = native
            self._feed = Feed(kv._nc, native.next)

        async def updates(self, timeout: Optional[float] = 5.0) -> Optional["KeyValue.Entry"]:
            """The next entry or the ``None`` marker; ``quiver.errors.TimeoutError`` when
            nothing happened within `timeout` seconds."""
            if not await self._feed.fill_within(timeout):
                raise _core.BadSubscriptionError("quiver: watcher stopped")
            item = self._feed.buf.popleft()
            return None if item is None else _entry(item)

        async def stop(self) -> None:
            """Ends the watch (the iteration too) and deletes its consumer."""
            feed = self._feed
            if feed.stopping:
                return
            feed.stop()
            feed.buf.clear()
            try:
                if not self._kv._nc.is_closed:
                    await _call(self._kv._nc, self._native.stop())
            except (errors.NotFoundError, _core.ConnectionClosedError):
                pass
            feed.end()

        def __aiter__(self) -> "KeyValue.KeyWatcher":
            return self

        async def __anext__(self) -> "KeyValue.Entry":
            if not await self._feed.fill():
                raise StopAsyncIteration
            item = self._feed.buf.popleft()
            if item is None:
                raise StopAsyncIteration
            return _entry(item)

    def __repr__(self) -> str:
        return f"<quiver.js.KeyValue bucket='{self._name}'>"


__all__ = ["KeyValue", "KV_OP", "KV_DEL", "KV_PURGE"]
