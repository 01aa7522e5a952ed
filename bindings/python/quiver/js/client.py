"""The JetStream context (nats-py's ``nats.js.JetStreamContext``): publishing with
acknowledgements, pull and push consumers, and the entry points to Key/Value buckets and object
stores. ``nc.jetstream()`` returns one.

Consumers are the C++ client's (``client::jetstream``): heartbeats, flow control and the
ordered consumer's resets happen natively. Messages of a push or ordered consumer are taken in
batches, one native request at a time and only while someone waits for a message, so flow
control answers when Python has actually taken the messages sent before it.
"""

from __future__ import annotations

import asyncio
import json
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    List,
    Optional,
)

from .. import errors as _core
from ..msg import Msg
from ..subscription import _check_callback
from . import api, errors
from ._feed import Feed
from .kv import KeyValue
from .manager import DEFAULT_PREFIX, DEFAULT_TIMEOUT, JetStreamManager, _call
from .object_store import ObjectStore

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client

Headers = Optional[Dict[str, Any]]
MessageCallback = Callable[[Msg], Awaitable[None]]

DEFAULT_JS_PUB_ASYNC_MAX_PENDING = 4000


class JetStreamContext(JetStreamManager):
    """Publishing, consuming, KV and object stores; also every JetStreamManager method.

    ``timeout`` bounds API requests and publishes (seconds). ``publish_async_max_pending``
    acknowledgements may be outstanding; beyond that ``publish_async`` waits up to
    ``publish_async_wait_stall`` seconds for room, then raises ``TooManyStalledMsgsError``.
    """

    def __init__(
        self,
        conn: "Client",
        prefix: str = DEFAULT_PREFIX,
        domain: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        publish_async_max_pending: int = DEFAULT_JS_PUB_ASYNC_MAX_PENDING,
        publish_async_wait_stall: float = 0.2,
    ) -> None:
        super().__init__(
            conn,
            prefix=prefix,
            domain=domain,
            timeout=timeout,
            max_pending=publish_async_max_pending,
            stall_wait=publish_async_wait_stall,
        )
        self._max_pending = publish_async_max_pending
        self._async_outstanding = 0  # publish_async() acknowledgements Python still waits for
        self._async_idle: Optional[asyncio.Event] = None  # set while none is outstanding
        self._async_ready = False  # a publish_async() was accepted: the ack inbox exists

    # ---- publishing ------------------------------------------------------------------------

    async def publish(
        self,
        subject: str,
        payload: bytes = b"",
        timeout: Optional[float] = None,
        stream: Optional[str] = None,
        headers: Headers = None,
    ) -> api.PubAck:
        """Publishes to a stream and waits for its acknowledgement.

        Deduplication and optimistic concurrency go through headers, as in nats-py
        (``{api.Header.MSG_ID: "id-1"}``, ``Nats-Expected-Last-Sequence``, ...); `stream`
        sets ``Nats-Expected-Stream``. Raises ``NoStreamResponseError`` when no stream captures
        `subject`, an ``APIError`` when the stream refused the message, ``TimeoutError``.
        """
        op = self._js().publish(subject, payload, headers, stream or "", timeout or 0.0)
        ack_stream, seq, duplicate, domain = await self._call(op)
        return api.PubAck(stream=ack_stream, seq=seq, duplicate=duplicate, domain=domain or None)

    async def publish_async(
        self,
        subject: str,
        payload: bytes = b"",
        wait_stall: Optional[float] = None,
        stream: Optional[str] = None,
        headers: Headers = None,
    ) -> "asyncio.Future[api.PubAck]":
        """Publishes without waiting for the acknowledgement: returns once the message is
        sent, with a future of its PubAck. Raises ``TooManyStalledMsgsError`` when the window
        stayed full. `wait_stall` is accepted for nats-py compatibility; the stall wait is the
        context's ``publish_async_wait_stall``."""
        accepted, acked = self._js().publish_async(subject, payload, headers, stream or "")
        nc = self._nc
        # Registered before the first await: both results may arrive in one dispatch.
        ack_future = nc._run(acked)
        self._async_outstanding += 1
        if self._async_idle is not None:
            self._async_idle.clear()
        result: "asyncio.Future[api.PubAck]" = asyncio.get_running_loop().create_future()

        def on_ack(f: "asyncio.Future[Any]") -> None:
            self._async_outstanding -= 1
            if self._async_outstanding == 0 and self._async_idle is not None:
                self._async_idle.set()
            if result.done():
                return
            err, value = f.result()
            if err is not None:
                result.set_exception(errors.from_native(err))
            else:
                ack_stream, seq, duplicate, domain = value
                ack = api.PubAck(ack_stream, seq, domain=domain or None, duplicate=duplicate)
                result.set_result(ack)

        ack_future.add_done_callback(on_ack)
        # Waiting for the native side to accept the message costs a thread round trip, so it
        # is done only when needed: for the first publish (the context subscribes to its ack
        # inbox, and publishes queued behind that would resume in any order) and when the
        # window may be full. The native window holds at most what Python still waits for, so
        # below the limit nothing can stall, and the publishes go out in call order.
        if not self._async_ready or self._async_outstanding > self._max_pending:
            try:
                await _call(nc, accepted)
            except BaseException:
                result.cancel()
                raise
            self._async_ready = True
        return result

    def publish_async_pending(self) -> int:
        """publish_async() acknowledgements not received yet."""
        return self._async_outstanding

    async def publish_async_completed(self, timeout: Optional[float] = None) -> None:
        """Waits until every publish_async() so far has its acknowledgement (or error): each
        one's future is done. ``TimeoutError`` after `timeout` seconds if given."""
        if self._async_outstanding == 0:
            return
        if self._async_idle is None:
            self._async_idle = asyncio.Event()
        try:
            await asyncio.wait_for(self._async_idle.wait(), timeout)
        except asyncio.TimeoutError:
            raise _core.TimeoutError() from None

    # ---- pull consumers --------------------------------------------------------------------

    async def pull_subscribe(
        self,
        subject: str,
        durable: Optional[str] = None,
        stream: Optional[str] = None,
        config: Optional[api.ConsumerConfig] = None,
        pending_msgs_limit: int = 0,
        pending_bytes_limit: int = 0,
        inbox_prefix: Optional[str] = None,
    ) -> "PullSubscription":
        """A pull consumer on `subject`: the durable `durable` (created when it does not exist),
        or an ephemeral one. `stream` is looked up from the subject when not given."""
        if stream is None:
            stream = await self.find_stream_name_by_subject(subject)
        name: Optional[str] = None
        if durable:
            try:
                info = await self.consumer_info(stream, durable)
                name = info.name
            except errors.NotFoundError:
                name = None
        if name is None:
            config = config or api.ConsumerConfig()
            changes: Dict[str, Any] = {}
            if durable:
                changes["durable_name"] = durable
            if not config.filter_subject:
                changes["filter_subject"] = subject
            if config.ack_policy is None:
                changes["ack_policy"] = api.AckPolicy.EXPLICIT
            info = await self.add_consumer(stream, config.evolve(**changes))
            name = info.name
        return self._pull(stream, name, subject)

    async def pull_subscribe_bind(
        self,
        durable: str,
        stream: str,
        inbox_prefix: Optional[str] = None,
        pending_msgs_limit: int = 0,
        pending_bytes_limit: int = 0,
    ) -> "PullSubscription":
        """A pull subscription on an existing consumer (nothing is checked or created)."""
        return self._pull(stream, durable, "")

    def _pull(self, stream: str, consumer: str, subject: str) -> "PullSubscription":
        native = self._js().pull_consumer(stream, consumer)
        return PullSubscription(self, native, stream, consumer, subject)

    # ---- push and ordered consumers --------------------------------------------------------

    async def subscribe(
        self,
        subject: str,
        queue: Optional[str] = None,
        cb: Optional[MessageCallback] = None,
        durable: Optional[str] = None,
        stream: Optional[str] = None,
        config: Optional[api.ConsumerConfig] = None,
        manual_ack: bool = False,
        ordered_consumer: bool = False,
        idle_heartbeat: Optional[float] = None,
        flow_control: bool = False,
        pending_msgs_limit: int = 0,
        pending_bytes_limit: int = 0,
        deliver_policy: Optional[api.DeliverPolicy] = None,
        headers_only: Optional[bool] = None,
        inactive_threshold: Optional[float] = None,
    ) -> "PushSubscription":
        """A push consumer on `subject` (nats-py's ``js.subscribe``).

        With `durable` (or `queue`, which names the durable as in nats-py) an existing consumer
        is bound, otherwise one is created. With `cb` messages go through it one at a time and
        are acknowledged after it returns unless `manual_ack`; without, iterate
        ``sub.messages`` or call ``sub.next_msg()``. ``ordered_consumer=True`` gives messages
        in stream order without acks, recreating the consumer after any gap.
        `pending_*_limit` are accepted for compatibility (the native client's limits apply).
        """
        _check_callback(cb)
        if stream is None:
            stream = await self.find_stream_name_by_subject(subject)
        js = self._js()
        if ordered_consumer:
            if durable or queue:
                raise errors.Error("ordered consumers cannot be durable or queue subscriptions")
            policy = deliver_policy or (config.deliver_policy if config else None)
            policy = policy or api.DeliverPolicy.ALL
            native = await self._call(
                js.ordered_consumer(
                    stream,
                    subject,
                    api.DeliverPolicy(policy).value,
                    (config.opt_start_seq if config else None) or 0,
                    bool(headers_only),
                    idle_heartbeat or 5.0,
                )
            )
            return self._push(native, subject, "", stream, cb, manual_ack=True, ordered=True)

        if queue:
            if durable and durable != queue:
                raise errors.Error(
                    f"cannot create queue subscription '{queue}' to consumer '{durable}'"
                )
            durable = queue
        info: Optional[api.ConsumerInfo] = None
        if durable:
            try:
                info = await self.consumer_info(stream, durable)
            except errors.NotFoundError:
                info = None
        if info is not None:
            if not info.config.deliver_subject:
                raise errors.Error(f"consumer '{durable}' is a pull consumer")
            if (info.config.deliver_group or "") != (queue or ""):
                raise errors.Error(
                    f"cannot bind queue subscription '{queue}' to consumer '{durable}' with "
                    f"deliver group '{info.config.deliver_group}'"
                )
            native = await self._call(js.bind_push(stream, info.name))
        else:
            config = config or api.ConsumerConfig()
            changes: Dict[str, Any] = {}
            if durable:
                changes["durable_name"] = durable
            if queue:
                changes["deliver_group"] = queue
            if not config.filter_subject:
                changes["filter_subject"] = subject
            if flow_control:
                changes["flow_control"] = True
            if idle_heartbeat:
                changes["idle_heartbeat"] = idle_heartbeat
            if deliver_policy is not None:
                changes["deliver_policy"] = deliver_policy
            if headers_only is not None:
                changes["headers_only"] = headers_only
            if inactive_threshold is not None:
                changes["inactive_threshold"] = inactive_threshold
            config = config.evolve(**changes)
            native = await self._call(js.subscribe_push(stream, json.dumps(config.as_dict())))
        return self._push(native, subject, queue or "", stream, cb, manual_ack=manual_ack)

    async def subscribe_bind(
        self,
        stream: str,
        config: Optional[api.ConsumerConfig] = None,
        subject: Optional[str] = None,
        queue: Optional[str] = None,
        cb: Optional[MessageCallback] = None,
        manual_ack: bool = False,
        consumer: Optional[str] = None,
        **_: Any,
    ) -> "PushSubscription":
        """Subscribes to an existing push consumer: `consumer`, or the one `config` names."""
        _check_callback(cb)
        name = consumer or (config.durable_name or config.name if config else None)
        if not name:
            raise errors.Error("subscribe_bind needs a consumer name")
        native = await self._call(self._js().bind_push(stream, name))
        return self._push(native, subject or "", queue or "", stream, cb, manual_ack=manual_ack)

    def _push(
        self,
        native: Any,
        subject: str,
        queue: str,
        stream: str,
        cb: Optional[MessageCallback],
        manual_ack: bool,
        ordered: bool = False,
    ) -> "PushSubscription":
        auto_ack = not manual_ack and not ordered
        if auto_ack:
            config = json.loads(native.info).get("config", {})
            auto_ack = config.get("ack_policy") != api.AckPolicy.NONE.value
        sub = PushSubscription(self, native, subject, queue, stream, cb, auto_ack, ordered)
        self._nc._extra_subs.add(sub)
        if cb is not None:
            sub._start()
        return sub

    # ---- Key/Value and object stores -------------------------------------------------------

    async def create_key_value(
        self, config: Optional[api.KeyValueConfig] = None, **params: Any
    ) -> KeyValue:
        """Creates a bucket (or opens it when it exists with this configuration):
        ``create_key_value(bucket="cfg", history=5, ttl=3600)``."""
        if config is None:
            config = api.KeyValueConfig(bucket=params.pop("bucket", None))
        if params:
            config = config.evolve(**params)
        if not config.bucket:
            raise ValueError("quiver: bucket name is required")
        options = config.as_dict()
        if isinstance(config.storage, api.StorageType):
            options["storage"] = config.storage.value
        if config.ttl is not None:
            options["ttl"] = float(config.ttl)
        native = await self._call(self._js().create_key_value(**options))
        return KeyValue(self, native)

    async def key_value(self, bucket: str) -> KeyValue:
        """Opens a bucket; ``BucketNotFoundError`` when it does not exist."""
        return KeyValue(self, await self._call(self._js().key_value(bucket)))

    async def delete_key_value(self, bucket: str) -> bool:
        await self._call(self._js().delete_key_value(bucket))
        return True

    async def create_object_store(
        self,
        bucket: Optional[str] = None,
        config: Optional[api.ObjectStoreConfig] = None,
        **params: Any,
    ) -> ObjectStore:
        """Creates an object store: ``create_object_store("files")``."""
        if config is None:
            config = api.ObjectStoreConfig(bucket=bucket)
        elif bucket:
            config = config.evolve(bucket=bucket)
        if params:
            config = config.evolve(**params)
        if not config.bucket:
            raise ValueError("quiver: bucket name is required")
        options = config.as_dict()
        if isinstance(config.storage, api.StorageType):
            options["storage"] = config.storage.value
        if config.ttl is not None:
            options["ttl"] = float(config.ttl)
        native = await self._call(self._js().create_object_store(**options))
        return ObjectStore(self, native)

    async def object_store(self, bucket: str) -> ObjectStore:
        """Opens an object store; ``BucketNotFoundError``... as nats-py, ``NotFoundError``."""
        return ObjectStore(self, await self._call(self._js().object_store(bucket)))

    async def delete_object_store(self, bucket: str) -> bool:
        await self._call(self._js().delete_object_store(bucket))
        return True


class PullSubscription:
    """A pull consumer (nats-py's ``JetStreamContext.PullSubscription``)."""

    def __init__(
        self, js: JetStreamContext, native: Any, stream: str, consumer: str, subject: str
    ) -> None:
        self._js = js
        self._native = native
        self._stream = stream
        self._consumer = consumer
        self._subject = subject
        self._closed = False

    @property
    def stream(self) -> str:
        return self._stream

    @property
    def consumer(self) -> str:
        return self._consumer

    @property
    def subject(self) -> str:
        return self._subject

    async def fetch(
        self, batch: int = 1, timeout: Optional[float] = 5, heartbeat: Optional[float] = None
    ) -> List[Msg]:
        """Up to `batch` messages: those available at once, else whatever arrives within
        `timeout` seconds (up to `batch`). Raises ``FetchTimeoutError`` (a
        ``quiver.errors.TimeoutError``) when none came."""
        if self._closed:
            raise _core.BadSubscriptionError("quiver: pull subscription closed")
        if timeout is None or timeout <= 0:
            raise ValueError("quiver: fetch needs a positive timeout")
        self._js._nc._usable(allow_draining=True)
        op = self._native.fetch(batch, float(timeout), float(heartbeat or 0))
        msgs, _ = await _call(
            self._js._nc, op, {"kTimeout": errors.FetchTimeoutError}
        )
        return msgs

    async def consumer_info(self) -> api.ConsumerInfo:
        return await self._js.consumer_info(self._stream, self._consumer)

    async def unsubscribe(self) -> None:
        """Stops using the consumer here; the consumer itself stays (``delete_consumer``)."""
        self._closed = True


class PushSubscription:
    """A push or ordered consumer's subscription (nats-py's
    ``JetStreamContext.PushSubscription``): ``messages``, ``next_msg()``, ``unsubscribe()``,
    ``drain()``, ``consumer_info()``."""

    def __init__(
        self,
        js: JetStreamContext,
        native: Any,
        subject: str,
        queue: str,
        stream: str,
        cb: Optional[MessageCallback],
        auto_ack: bool,
        ordered: bool,
    ) -> None:
        self._js = js
        self._nc = js._nc
        self._native = native
        self._subject = subject
        self._queue = queue
        self._stream = stream
        self._cb = cb
        self._auto_ack = auto_ack
        self._ordered = ordered
        self._feed = Feed(js._nc, native.next)
        self._delivered = 0
        self._task: Optional["asyncio.Task[None]"] = None
        self._drained: Optional["asyncio.Future[None]"] = None

    # ---- nats-py's surface -----------------------------------------------------------------

    @property
    def subject(self) -> str:
        return self._subject

    @property
    def queue(self) -> str:
        return self._queue

    @property
    def stream(self) -> str:
        return self._stream

    @property
    def consumer(self) -> str:
        """The server-side consumer's name (an ordered consumer's changes when it is reset)."""
        return self._native.consumer_name if self._ordered else self._native.consumer

    @property
    def pending_msgs(self) -> int:
        """Messages taken from the native subscription and not handed out yet."""
        return len(self._feed.buf)

    @property
    def delivered(self) -> int:
        return self._delivered

    @property
    def messages(self) -> AsyncIterator[Msg]:
        """The messages; the iteration ends when the subscription does."""
        if self._cb is not None:
            raise _core.Error("quiver: cannot iterate a subscription that has a callback")
        return _MessageIterator(self)

    async def next_msg(self, timeout: Optional[float] = 1.0) -> Msg:
        """The next message; ``TimeoutError`` when none arrives within `timeout` seconds."""
        if self._cb is not None:
            raise _core.Error("quiver: next_msg cannot be used on a subscription with a callback")
        if not await self._feed.fill_within(timeout):
            raise self._end_exception()
        return self._take()

    async def consumer_info(self) -> api.ConsumerInfo:
        return await self._js.consumer_info(self._stream, self.consumer)

    async def unsubscribe(self) -> None:
        """Stops receiving now; messages not handed out are dropped (the server redelivers them
        after the ack wait). An ordered consumer is also deleted on the server."""
        if self._feed.ended:
            raise _core.BadSubscriptionError("quiver: subscription already closed")
        self._feed.buf.clear()
        await self._stop()
        self._finish()

    async def drain(self) -> None:
        """Stops receiving, then waits until the messages already taken from the server were
        handed out (iteration) or handled (callback)."""
        if self._feed.ended and not self._feed.buf:
            self._finish()
            return
        await self._stop()
        if self._task is not None:
            await asyncio.shield(self._task)
        elif self._feed.buf:
            if self._drained is None:
                self._drained = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._drained)
        self._finish()

    # ---- internals -------------------------------------------------------------------------

    async def _stop(self) -> None:
        if self._feed.stopping:
            return
        self._feed.stop()
        if self._nc.is_closed:
            return
        if self._ordered:
            try:
                await _call(self._nc, self._native.stop())
            except (errors.NotFoundError, _core.ConnectionClosedError):
                pass
        else:
            self._native.unsubscribe()

    def _finish(self) -> None:
        self._feed.end()
        self._nc._extra_subs.discard(self)
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def _take(self) -> Msg:
        buf = self._feed.buf
        msg = buf.popleft()
        self._delivered += 1
        if not buf and self._drained is not None and not self._drained.done():
            self._drained.set_result(None)
        return msg

    def _start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run_callbacks())

    def _end_exception(self) -> _core.Error:
        if self._nc.is_closed:
            return _core.ConnectionClosedError()
        return _core.BadSubscriptionError("quiver: subscription closed")

    async def _run_callbacks(self) -> None:
        cb = self._cb
        assert cb is not None
        feed = self._feed
        while feed.buf or await feed.fill():
            msg = self._take()
            try:
                await cb(msg)
                if self._auto_ack and not msg.is_acked:
                    await msg.ack()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the callback's failure is the application's to see
                self._nc._report_error(e)

    def __repr__(self) -> str:
        return (
            f"<quiver.js.PushSubscription subject='{self._subject}' stream='{self._stream}' "
            f"ordered={self._ordered}>"
        )


class _MessageIterator:
    __slots__ = ("_sub",)

    def __init__(self, sub: PushSubscription) -> None:
        self._sub = sub

    def __aiter__(self) -> "_MessageIterator":
        return self

    async def __anext__(self) -> Msg:
        sub = self._sub
        if not sub._feed.buf and not await sub._feed.fill():
            raise StopAsyncIteration
        return sub._take()


__all__ = ["JetStreamContext", "PullSubscription", "PushSubscription"]
