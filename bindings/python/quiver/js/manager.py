"""JetStream management (nats-py's ``nats.js.manager.JetStreamManager``): streams, consumers,
stored messages, account information. ``nc.jsm()`` returns one; the JetStream context returned
by ``nc.jetstream()`` has the same methods.

Every call is one native operation of the C++ client's ``client::jetstream::JetStream``; its
result is the API's JSON, read into the dataclasses of :mod:`quiver.js.api`.
"""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Type

from .. import errors as _core
from . import api, errors

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client

DEFAULT_PREFIX = "$JS.API"
DEFAULT_TIMEOUT = 5.0

Overrides = Optional[Dict[str, Type[_core.Error]]]


async def _outcome(nc: "Client", op: int) -> Tuple[Optional[tuple], Any]:
    """(error tuple or None, value) of native operation `op`; cancelling the caller cancels it."""
    try:
        return await nc._run(op)
    except asyncio.CancelledError:
        bridge = nc._bridge
        if bridge is not None and not nc._closed:
            bridge.cancel(op)
        raise


async def _call(nc: "Client", op: int, overrides: Overrides = None) -> Any:
    err, value = await _outcome(nc, op)
    if err is not None:
        raise errors.from_native(err, overrides)
    return value


def _time_ns(ns: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ns / 1e9, tz=datetime.timezone.utc)


class JetStreamManager:
    """Stream and consumer management. ``timeout`` bounds every API request (seconds)."""

    def __init__(
        self,
        conn: "Client",
        prefix: str = DEFAULT_PREFIX,
        domain: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        **native_options: Any,
    ) -> None:
        self._nc = conn
        self._prefix = prefix
        self._domain = domain
        self._timeout = timeout
        self._native: Any = conn._usable(allow_draining=True).jetstream(
            api_prefix=prefix, domain=domain, timeout=timeout, **native_options
        )

    def _js(self) -> Any:
        """The native context, once the connection is known to be open."""
        self._nc._usable(allow_draining=True)
        return self._native

    async def _call(self, op: int, overrides: Overrides = None) -> Any:
        return await _call(self._nc, op, overrides)

    # ---- account ---------------------------------------------------------------------------

    async def account_info(self) -> api.AccountInfo:
        resp = await self._call(self._js().account_info())
        return api.AccountInfo.from_response(json.loads(resp))

    # ---- streams ---------------------------------------------------------------------------

    async def find_stream_name_by_subject(self, subject: str) -> str:
        """The stream that captures `subject`; ``NotFoundError`` when none does."""
        return await self._call(self._js().stream_name_by_subject(subject))

    async def stream_info(
        self, name: str, subjects_filter: Optional[str] = None, deleted_details: bool = False
    ) -> api.StreamInfo:
        resp = await self._call(
            self._js().stream_info(name, subjects_filter or "", deleted_details)
        )
        return api.StreamInfo.from_response(json.loads(resp))

    async def add_stream(
        self, config: Optional[api.StreamConfig] = None, **params: Any
    ) -> api.StreamInfo:
        """Creates a stream: ``add_stream(name="S", subjects=["s.>"])`` or with a StreamConfig
        (keyword arguments override its fields)."""
        config = self._stream_config(config, params)
        resp = await self._call(self._js().add_stream(json.dumps(config.as_dict())))
        return api.StreamInfo.from_response(json.loads(resp))

    async def update_stream(
        self, config: Optional[api.StreamConfig] = None, **params: Any
    ) -> api.StreamInfo:
        config = self._stream_config(config, params)
        resp = await self._call(self._js().update_stream(json.dumps(config.as_dict())))
        return api.StreamInfo.from_response(json.loads(resp))

    @staticmethod
    def _stream_config(
        config: Optional[api.StreamConfig], params: Dict[str, Any]
    ) -> api.StreamConfig:
        if config is None:
            config = api.StreamConfig()
        if params:
            config = config.evolve(**params)
        if not config.name:
            raise ValueError("quiver: stream name is required")
        return config

    async def delete_stream(self, name: str) -> bool:
        await self._call(self._js().delete_stream(name))
        return True

    async def purge_stream(
        self,
        name: str,
        seq: Optional[int] = None,
        subject: Optional[str] = None,
        keep: Optional[int] = None,
    ) -> bool:
        """Purges messages: all, those on `subject`, those below `seq`, or all but the last
        `keep`."""
        await self._call(self._js().purge_stream(name, subject or "", seq or 0, keep or 0))
        return True

    async def stream_names(self, subject: Optional[str] = None) -> List[str]:
        """Every stream's name, or only those of streams that capture `subject`."""
        return await self._call(self._js().stream_names(subject or ""))

    async def streams_info(
        self, offset: int = 0, subject: Optional[str] = None
    ) -> List[api.StreamInfo]:
        resp = await self._call(self._js().streams(subject or ""))
        return [api.StreamInfo.from_response(s) for s in json.loads(resp)[offset:]]

    # ---- consumers -------------------------------------------------------------------------

    async def consumer_info(
        self, stream: str, consumer: str, timeout: Optional[float] = None
    ) -> api.ConsumerInfo:
        resp = await self._call(self._js().consumer_info(stream, consumer))
        return api.ConsumerInfo.from_response(json.loads(resp))

    async def add_consumer(
        self,
        stream: str,
        config: Optional[api.ConsumerConfig] = None,
        timeout: Optional[float] = None,
        **params: Any,
    ) -> api.ConsumerInfo:
        """Creates (or updates) a consumer: ``add_consumer("S", durable_name="d")`` or with a
        ConsumerConfig."""
        if config is None:
            config = api.ConsumerConfig()
        if params:
            config = config.evolve(**params)
        resp = await self._call(self._js().add_consumer(stream, json.dumps(config.as_dict())))
        return api.ConsumerInfo.from_response(json.loads(resp))

    async def delete_consumer(self, stream: str, consumer: str) -> bool:
        await self._call(self._js().delete_consumer(stream, consumer))
        return True

    async def consumers_info(
        self, stream: str, offset: Optional[int] = None
    ) -> List[api.ConsumerInfo]:
        resp = await self._call(self._js().consumers(stream))
        return [api.ConsumerInfo.from_response(c) for c in json.loads(resp)[offset or 0 :]]

    async def consumer_names(self, stream: str) -> List[str]:
        return await self._call(self._js().consumer_names(stream))

    # ---- stored messages -------------------------------------------------------------------

    async def get_msg(
        self,
        stream_name: str,
        seq: Optional[int] = None,
        subject: Optional[str] = None,
        direct: bool = False,
        next: bool = False,  # noqa: A002 (nats-py's name)
    ) -> api.RawStreamMsg:
        """The message at `seq`, or the last one on `subject`. ``direct=True`` uses the direct
        get API (the stream needs ``allow_direct``), where ``next=True`` gives the first
        message on `subject` at or after `seq`."""
        raw = await self._call(
            self._js().get_msg(stream_name, seq or 0, subject or "", next, direct)
        )
        msg_subject, msg_seq, data, headers, ts = raw
        return api.RawStreamMsg(
            subject=msg_subject,
            seq=msg_seq,
            data=data,
            headers=headers,
            time=_time_ns(ts),
            stream=stream_name,
        )

    async def get_last_msg(
        self, stream_name: str, subject: str, direct: bool = False
    ) -> api.RawStreamMsg:
        return await self.get_msg(stream_name, subject=subject, direct=direct)

    async def delete_msg(self, stream_name: str, seq: int) -> bool:
        await self._call(self._js().delete_msg(stream_name, seq, False))
        return True


__all__ = ["JetStreamManager", "DEFAULT_PREFIX", "DEFAULT_TIMEOUT"]
