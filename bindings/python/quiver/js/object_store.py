"""Object stores (nats-py's ``nats.js.object_store.ObjectStore``) over the C++ client's
``client::jetstream::ObjectStore``: bucket B is stream OBJ_B, objects are cut into 128 KiB
chunks and carry a SHA-256 digest that ``get`` verifies. Compatible with every NATS client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, List, Optional, Union

from . import api, errors
from .manager import _call

if TYPE_CHECKING:  # pragma: no cover
    from .client import JetStreamContext


@dataclass
class ObjectResult:
    """An object read back: its info and its bytes."""

    info: api.ObjectInfo
    data: Optional[bytes] = b""


class ObjectStore:
    """An object store; open it with ``js.object_store(bucket)`` or
    ``js.create_object_store(bucket)``."""

    @dataclass
    class ObjectStoreStatus:
        stream_info: api.StreamInfo
        bucket: str

        @property
        def size(self) -> int:
            return self.stream_info.state.bytes

        @property
        def ttl(self) -> Optional[float]:
            return self.stream_info.config.max_age or None

    def __init__(self, js: "JetStreamContext", native: Any) -> None:
        self._js = js
        self._nc = js._nc
        self._native = native
        self._name: str = native.bucket
        self._stream: str = native.stream

    @property
    def bucket(self) -> str:
        return self._name

    def _obs(self) -> Any:
        self._nc._usable(allow_draining=True)
        return self._native

    async def put(
        self,
        name: str,
        data: Union[bytes, bytearray, memoryview, str, Any],
        meta: Optional[api.ObjectMeta] = None,
    ) -> api.ObjectInfo:
        """Stores an object (replacing one of the same name). `data`: bytes, a str (UTF-8), or
        a binary file object (read whole)."""
        if isinstance(data, str):
            data = data.encode()
        elif hasattr(data, "read"):
            data = data.read()
        description = (meta.description if meta else None) or ""
        headers = {
            k: list(v) if isinstance(v, (list, tuple)) else [v]
            for k, v in ((meta.headers if meta else None) or {}).items()
        }
        resp = await _call(self._nc, self._obs().put(name, data, description, headers))
        return api.ObjectInfo.from_response(json.loads(resp))

    async def get(
        self, name: str, writeinto: Optional[Any] = None, show_deleted: bool = False
    ) -> ObjectResult:
        """The object's info and bytes (the digest is verified: ``DigestMismatchError``).
        With `writeinto` (a binary file object) the bytes are written there and ``data`` is
        None. ``ObjectNotFoundError`` when absent or deleted (with `show_deleted`, a deleted
        object's info comes back with no data)."""
        try:
            info_json, data = await _call(self._nc, self._obs().get(name))
        except errors.ObjectNotFoundError:
            if not show_deleted:
                raise
            return ObjectResult(info=await self.get_info(name, show_deleted=True), data=b"")
        info = api.ObjectInfo.from_response(json.loads(info_json))
        if writeinto is not None:
            writeinto.write(data)
            return ObjectResult(info=info, data=None)
        return ObjectResult(info=info, data=data)

    async def get_info(self, name: str, show_deleted: bool = False) -> api.ObjectInfo:
        """The object's info; ``ObjectNotFoundError`` when absent (or deleted, unless
        `show_deleted`)."""
        resp = await _call(self._nc, self._obs().info(name, show_deleted))
        return api.ObjectInfo.from_response(json.loads(resp))

    async def info(self, name: str, show_deleted: bool = False) -> api.ObjectInfo:
        """Alias of get_info."""
        return await self.get_info(name, show_deleted)

    async def list(self, ignore_deletes: bool = False) -> List[api.ObjectInfo]:
        """Every object that is not deleted; ``NotFoundError`` when there is none (nats-py).
        Deleted objects are never listed."""
        resp = await _call(self._nc, self._obs().list())
        infos = [api.ObjectInfo.from_response(o) for o in json.loads(resp)]
        if not infos:
            raise errors.NotFoundError(description="no objects")
        return infos

    async def delete(self, name: str) -> ObjectResult:
        """Marks the object deleted and purges its chunks; the deleted object's info."""
        await _call(self._nc, self._obs().delete(name))
        return ObjectResult(info=await self.get_info(name, show_deleted=True), data=None)

    async def status(self) -> "ObjectStore.ObjectStoreStatus":
        info = await self._js.stream_info(self._stream)
        return ObjectStore.ObjectStoreStatus(stream_info=info, bucket=self._name)

    def __repr__(self) -> str:
        return f"<quiver.js.ObjectStore bucket='{self._name}'>"


__all__ = ["ObjectStore", "ObjectResult"]
