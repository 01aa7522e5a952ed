"""The asyncio client (nats-py's ``nats.aio.client.Client``).

The native connection runs on its own I/O thread. Each operation returns an id at once; its
result comes back through ``loop.call_soon_threadsafe(self._dispatch)`` (one wake-up for
everything that finished meanwhile), and ``_dispatch`` resolves the operation's future on the
loop thread. Cancelling the awaiting task cancels a pending request in the native client; for
other operations the late result is dropped.
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections import deque
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Deque,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)
from urllib.parse import ParseResult, urlparse

from . import _quiver, errors
from .msg import Msg
from .subscription import (
    DEFAULT_SUB_PENDING_BYTES_LIMIT,
    DEFAULT_SUB_PENDING_MSGS_LIMIT,
    MessageCallback,
    Subscription,
    _check_callback,
)

if TYPE_CHECKING:  # pragma: no cover
    from .js import JetStreamContext, JetStreamManager

ErrorCallback = Callable[[Exception], Awaitable[None]]
Callback = Callable[[], Awaitable[None]]
Headers = Dict[str, Union[str, Sequence[str]]]

DEFAULT_DRAIN_TIMEOUT = 30.0
DEFAULT_PENDING_SIZE = 2 * 1024 * 1024

_ERRC = _quiver.ERRC
_EV = _quiver.EVENTS
_ST = _quiver.STATUS
_WRITE_BUFFER_FULL = _ERRC["kWriteBufferFull"]
_TIMEOUT = _ERRC["kTimeout"]
_CATEGORY = _quiver.ERROR_CATEGORY
errors._init(_ERRC, _CATEGORY)

# Results of native operations, as _dispatch hands them to the awaiting coroutine.
_Result = Tuple[Optional[Tuple[int, str, str]], Any]

# Every client that may own native threads; closed by the atexit hook in __init__.py.
_live: "weakref.WeakSet[Client]" = weakref.WeakSet()


def _closed_publish(*_: Any) -> int:
    return _ERRC["kNotConnected"]


class Client:
    """An asyncio NATS client over Quiver's native client. Create it with ``quiver.connect()``
    (or ``Client()`` then ``await nc.connect()``)."""

    def __init__(self) -> None:
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._bridge: Optional[_quiver.Bridge] = None
        self._publish_native: Callable[[str, Any, str, Any], int] = _closed_publish
        self._ops: Dict[int, "asyncio.Future[_Result]"] = {}
        self._subs: Dict[int, Subscription] = {}  # by native queue id
        self._subs_by_sid: Dict[int, Subscription] = {}
        # JetStream push/ordered subscriptions, drained with the connection.
        self._extra_subs: "weakref.WeakSet[Any]" = weakref.WeakSet()
        self._events: Deque[tuple] = deque()
        self._events_waiter: Optional["asyncio.Future[None]"] = None
        self._events_task: Optional["asyncio.Task[None]"] = None
        self._closed = False
        self._draining = False
        self._connected_once = False
        self._last_error: Optional[Exception] = None
        self._drain_timeout = DEFAULT_DRAIN_TIMEOUT
        self._flush_timeout: Optional[float] = None
        self._error_cb: Optional[ErrorCallback] = None
        self._disconnected_cb: Optional[Callback] = None
        self._reconnected_cb: Optional[Callback] = None
        self._closed_cb: Optional[Callback] = None
        self._discovered_server_cb: Optional[Callback] = None
        self._lame_duck_mode_cb: Optional[Callback] = None

    # ---- connect ---------------------------------------------------------------------------

    async def connect(
        self,
        servers: Union[str, Sequence[str]] = ("nats://127.0.0.1:4222",),
        *,
        error_cb: Optional[ErrorCallback] = None,
        disconnected_cb: Optional[Callback] = None,
        closed_cb: Optional[Callback] = None,
        discovered_server_cb: Optional[Callback] = None,
        reconnected_cb: Optional[Callback] = None,
        lame_duck_mode_cb: Optional[Callback] = None,
        name: Optional[str] = None,
        user: Optional[str] = None,
        password: Optional[str] = None,
        token: Optional[str] = None,
        no_echo: bool = False,
        dont_randomize: bool = False,
        ignore_discovered_servers: bool = False,
        connect_timeout: float = 2.0,
        allow_reconnect: bool = True,
        max_reconnect_attempts: int = 60,
        reconnect_time_wait: float = 2.0,
        reconnect_time_wait_max: Optional[float] = None,
        reconnect_jitter: float = 0.1,
        pending_size: int = DEFAULT_PENDING_SIZE,
        write_buffer_limit: int = 64 * 1024 * 1024,
        ping_interval: float = 120.0,
        max_outstanding_pings: int = 2,
        drain_timeout: float = DEFAULT_DRAIN_TIMEOUT,
        flush_timeout: Optional[float] = None,
        inbox_prefix: str = "_INBOX",
        verbose: bool = False,
        pedantic: bool = False,
    ) -> None:
        """Connects to the first server that answers (nats-py's options and defaults).

        ``reconnect_time_wait`` is the delay before retrying a server; with
        ``reconnect_time_wait_max`` above it the delay doubles per failed attempt up to that
        cap. ``pending_size`` bounds what is buffered while reconnecting. ``verbose`` and
        ``pedantic`` are accepted for compatibility and ignored.
        Raises ``NoServersError`` (or ``AuthorizationError``) when no server could be used.
        """
        if self._bridge is not None:
            raise errors.Error("quiver: connect() was already called on this client")
        if isinstance(servers, str):
            servers = [s.strip() for s in servers.split(",") if s.strip()]
        for cb in (
            error_cb,
            disconnected_cb,
            closed_cb,
            discovered_server_cb,
            reconnected_cb,
            lame_duck_mode_cb,
        ):
            if cb is not None and not callable(cb):
                raise errors.Error("quiver: callbacks must be callable")
        self._error_cb = error_cb
        self._disconnected_cb = disconnected_cb
        self._closed_cb = closed_cb
        self._discovered_server_cb = discovered_server_cb
        self._reconnected_cb = reconnected_cb
        self._lame_duck_mode_cb = lame_duck_mode_cb
        self._drain_timeout = drain_timeout
        self._flush_timeout = flush_timeout

        loop = asyncio.get_running_loop()
        self._loop = loop
        ref = weakref.ref(self)

        def wake() -> None:
            client = ref()
            if client is not None:
                client._dispatch()

        bridge = _quiver.Bridge(loop.call_soon_threadsafe, wake)
        self._bridge = bridge
        _live.add(self)
        op = bridge.connect(
            servers=list(servers),
            name=name or "",
            user=user or "",
            password=password or "",
            token=token or "",
            no_echo=no_echo,
            no_randomize=dont_randomize,
            ignore_discovered_servers=ignore_discovered_servers,
            connect_timeout=connect_timeout,
            allow_reconnect=allow_reconnect,
            max_reconnect_attempts=max_reconnect_attempts,
            reconnect_wait=reconnect_time_wait,
            reconnect_wait_max=reconnect_time_wait_max or reconnect_time_wait,
            reconnect_jitter=reconnect_jitter,
            reconnect_buffer_size=pending_size,
            write_buffer_limit=write_buffer_limit,
            ping_interval=ping_interval,
            max_pings_out=max_outstanding_pings,
            drain_timeout=drain_timeout,
            inbox_prefix=inbox_prefix,
        )
        try:
            err, _ = await self._run(op)
        except BaseException:
            self._shutdown()
            raise
        if err is not None:
            self._shutdown()
            if err[1] == _CATEGORY and err[0] == _ERRC["kAuthorization"]:
                raise errors.AuthorizationError(f"quiver: {err[2]}", code=err[0])
            raise errors.NoServersError(f"quiver: no servers available for connection: {err[2]}")
        self._connected_once = True
        self._publish_native = bridge.publish
        self._events_task = loop.create_task(self._run_events())

    # ---- messaging -------------------------------------------------------------------------

    async def publish(
        self,
        subject: str,
        payload: bytes = b"",
        reply: str = "",
        headers: Optional[Headers] = None,
    ) -> None:
        """Queues a message; returns once it is in the outbound buffer (it does not wait for
        the server: use ``flush()``). Waits for room when the buffer is over its limit."""
        rc = self._publish_native(subject, payload, reply, headers)
        if rc:
            await self._publish_slow(rc, subject, payload, reply, headers)

    async def _publish_slow(
        self, rc: int, subject: str, payload: bytes, reply: str, headers: Optional[Headers]
    ) -> None:
        if rc == _WRITE_BUFFER_FULL and self._bridge is not None:
            err, _ = await self._run(self._bridge.publish_wait(subject, payload, reply, headers))
            if err is not None:
                raise errors._from_native(err)
            return
        if self._closed or self._bridge is None:
            raise errors.ConnectionClosedError()
        raise errors._from_code(rc, _quiver.error_message(rc))

    async def subscribe(
        self,
        subject: str,
        queue: str = "",
        cb: Optional[MessageCallback] = None,
        max_msgs: int = 0,
        pending_msgs_limit: int = DEFAULT_SUB_PENDING_MSGS_LIMIT,
        pending_bytes_limit: int = DEFAULT_SUB_PENDING_BYTES_LIMIT,
    ) -> Subscription:
        """Subscribes to ``subject`` (wildcards allowed), in queue group ``queue`` if given.

        With ``cb`` (an ``async def``), messages go to it one at a time, in order; otherwise
        iterate ``sub.messages`` or call ``sub.next_msg()``. Beyond the pending limits messages
        are dropped and ``error_cb`` gets a ``SlowConsumerError``.
        """
        bridge = self._usable()
        _check_callback(cb)
        op, handle = bridge.subscribe(
            subject, queue, max_msgs, pending_msgs_limit, pending_bytes_limit
        )
        sub = Subscription(self, handle, subject, queue, cb)
        self._subs[handle.id] = sub
        try:
            err, sid = await self._run(op)
        except asyncio.CancelledError:
            self._subs.pop(handle.id, None)
            bridge.unsubscribe(handle, 0)
            raise
        if err is not None:
            self._subs.pop(handle.id, None)
            raise errors._from_native(err)
        sub._sid = sid
        self._subs_by_sid[sid] = sub
        if cb is not None:
            sub._start()
        return sub

    async def request(
        self,
        subject: str,
        payload: bytes = b"",
        timeout: Optional[float] = 0.5,
        old_style: bool = False,
        headers: Optional[Headers] = None,
    ) -> Msg:
        """Publishes with a unique reply subject and returns the first reply.

        Raises ``TimeoutError`` after ``timeout`` seconds and ``NoRespondersError`` when
        nobody is subscribed. Cancelling the calling task cancels the request.
        ``old_style`` is accepted for compatibility; every request uses the shared inbox.
        """
        bridge = self._usable()
        op = bridge.request(subject, payload, headers, 86400.0 if timeout is None else timeout)
        try:
            err, msg = await self._run(op)
        except asyncio.CancelledError:
            if not self._closed:
                bridge.cancel(op)
            raise
        if err is not None:
            raise errors._from_native(err)
        return msg

    async def flush(self, timeout: Optional[float] = None) -> None:
        """Waits until the server has processed everything published before.

        Raises ``FlushTimeoutError`` (a ``TimeoutError``) after ``timeout`` seconds (default:
        ``flush_timeout`` given to connect, else 10)."""
        bridge = self._usable(allow_draining=True)
        if timeout is None:
            timeout = self._flush_timeout or 10.0
        err, _ = await self._run(bridge.flush(timeout))
        if err is not None:
            if err[1] == _CATEGORY and err[0] == _TIMEOUT:
                raise errors.FlushTimeoutError()
            raise errors._from_native(err, errors.ConnectionClosedError)

    def jetstream(self, **opts: Any) -> "JetStreamContext":
        """A JetStream context (nats-py's): ``prefix``, ``domain``, ``timeout`` (seconds, 5),
        ``publish_async_max_pending`` (4000), ``publish_async_wait_stall`` (0.2 s)."""
        from .js import JetStreamContext

        return JetStreamContext(self, **opts)

    def jsm(self, **opts: Any) -> "JetStreamManager":
        """JetStream management only: ``prefix``, ``domain``, ``timeout``."""
        from .js import JetStreamManager

        return JetStreamManager(self, **opts)

    def new_inbox(self) -> str:
        """A unique subject under the inbox prefix, for hand-made request/reply."""
        return self._usable(allow_draining=True).new_inbox()

    # ---- shutdown --------------------------------------------------------------------------

    async def drain(self) -> None:
        """Graceful close: drains every subscription (each handles what the server already
        sent), flushes what was published, then closes. A ``DrainTimeoutError`` goes to
        ``error_cb`` when this takes longer than ``drain_timeout``; the connection is closed
        either way."""
        if self._closed or self._bridge is None:
            raise errors.ConnectionClosedError()
        if self._draining:
            return
        self._draining = True
        try:
            await asyncio.wait_for(self._drain_all(), self._drain_timeout)
        except asyncio.TimeoutError:
            self._report_error(errors.DrainTimeoutError())
        finally:
            await self.close()

    async def _drain_all(self) -> None:
        subs: List[Any] = [s for s in self._subs.values() if not s._unsubscribed]
        subs += list(self._extra_subs)
        results = await asyncio.gather(*(s.drain() for s in subs), return_exceptions=True)
        for r in results:
            if isinstance(r, Exception) and not isinstance(r, errors.Error):
                raise r
        if self._bridge is not None and not self._closed:
            await self._run(self._bridge.drain())

    async def close(self) -> None:
        """Closes now: queued messages are dropped, pending operations fail with
        ``ConnectionClosedError``. Returns after ``closed_cb`` ran. Safe to call twice."""
        bridge = self._bridge
        if bridge is None or self._closed:
            if self._events_task is not None:
                await self._await_events()
            return
        if bridge.status() != _ST["closed"]:
            try:
                await self._run(bridge.close())
            except asyncio.CancelledError:
                self._finish_close()
                raise
        self._finish_close()
        await self._await_events()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # ---- state -----------------------------------------------------------------------------

    @property
    def is_connected(self) -> bool:
        return self._status() == _ST["connected"] and not self._draining

    @property
    def is_closed(self) -> bool:
        return self._closed or self._status() == _ST["closed"]

    @property
    def is_reconnecting(self) -> bool:
        return self._status() == _ST["reconnecting"]

    @property
    def is_connecting(self) -> bool:
        return self._status() == _ST["connecting"]

    @property
    def is_draining(self) -> bool:
        return self._draining and not self.is_closed

    @property
    def connected_url(self) -> Optional[ParseResult]:
        if self._bridge is None or self._closed:
            return None
        url = self._bridge.connected_url()
        return urlparse(url) if url else None

    @property
    def servers(self) -> List[str]:
        """The server pool, including servers the cluster announced."""
        return [] if self._bridge is None else self._bridge.servers()

    @property
    def server_info(self) -> Optional[Dict[str, Any]]:
        return None if self._bridge is None else self._bridge.server_info()

    @property
    def client_id(self) -> Optional[int]:
        info = self.server_info
        return None if info is None else info["client_id"]

    @property
    def max_payload(self) -> int:
        return 0 if self._bridge is None else self._bridge.max_payload()

    @property
    def stats(self) -> Dict[str, int]:
        """in_msgs, in_bytes, out_msgs, out_bytes, reconnects."""
        if self._bridge is None:
            return dict(in_msgs=0, in_bytes=0, out_msgs=0, out_bytes=0, reconnects=0)
        return self._bridge.stats()

    @property
    def last_error(self) -> Optional[Exception]:
        return self._last_error

    # ---- internals -------------------------------------------------------------------------

    def _status(self) -> int:
        if self._bridge is None:
            return _ST["not_connected"]
        return self._bridge.status()

    def _usable(self, allow_draining: bool = False) -> "_quiver.Bridge":
        if self._closed or self._bridge is None:
            raise errors.ConnectionClosedError()
        if self._draining and not allow_draining:
            raise errors.ConnectionDrainingError()
        return self._bridge

    def _run(self, op: int) -> "asyncio.Future[_Result]":
        """The future of native operation `op`; _dispatch resolves it."""
        assert self._loop is not None
        fut = self._loop.create_future()
        self._ops[op] = fut
        return fut

    def _dispatch(self) -> None:
        """On the loop thread: everything the native side finished since the last call."""
        bridge = self._bridge
        if bridge is None:
            return
        for item in bridge.take(self):
            kind = item[0]
            if kind == 1:
                sub = self._subs.get(item[1])
                if sub is not None:
                    sub._wake()
            elif kind == 0:
                fut = self._ops.pop(item[1], None)
                if fut is not None and not fut.done():
                    fut.set_result((item[2], item[3]))
            else:
                self._on_event(item)

    def _on_event(self, item: tuple) -> None:
        _, kind, err, server, servers, text, sid, subject = item
        if kind == _EV["closed"]:
            if err is not None:
                self._last_error = errors._from_native(err, errors.ConnectionClosedError)
            self._finish_close()  # queues closed_cb
            return
        if kind == _EV["slow_consumer"]:
            sub = self._subs_by_sid.get(sid)
            self._report_error(errors.SlowConsumerError(subject=subject, sid=sid, sub=sub))
            return
        elif kind == _EV["error"]:
            e: Exception = (
                errors._from_native(err, errors.Error) if err is not None else errors.Error()
            )
            if text:
                e.args = (f"{e.args[0] if e.args else 'quiver: error'}: {text}",)
            self._report_error(e)
            return
        self._events.append((kind, err))
        self._wake_events()

    def _report_error(self, e: Exception) -> None:
        self._last_error = e
        self._events.append((_EV["error"], e))
        self._wake_events()

    def _callback_failed(self, e: Exception, sub: Subscription) -> None:
        self._report_error(e)

    def _wake_events(self) -> None:
        w = self._events_waiter
        if w is not None and not w.done():
            w.set_result(None)

    async def _run_events(self) -> None:
        """Runs the lifecycle callbacks one at a time, in order, until the connection closed."""
        assert self._loop is not None
        events = self._events
        while True:
            while not events:
                self._events_waiter = self._loop.create_future()
                await self._events_waiter
                self._events_waiter = None
            kind, arg = events.popleft()
            if kind == _EV["error"]:
                await self._call(self._error_cb, arg)
            elif kind == _EV["disconnected"]:
                await self._call(self._disconnected_cb)
            elif kind == _EV["reconnected"]:
                await self._call(self._reconnected_cb)
            elif kind == _EV["servers_discovered"]:
                await self._call(self._discovered_server_cb)
            elif kind == _EV["lame_duck"]:
                await self._call(self._lame_duck_mode_cb)
            elif kind == _EV["closed"]:
                await self._call(self._closed_cb)
                return

    async def _call(self, cb: Optional[Callable[..., Any]], *args: Any) -> None:
        if cb is None:
            return
        try:
            result = cb(*args)
            if inspect.isawaitable(result):
                await result
        except asyncio.CancelledError:
            raise
        except Exception as e:
            assert self._loop is not None
            self._loop.call_exception_handler(
                {"message": "quiver: exception in a connection callback", "exception": e}
            )

    async def _await_events(self) -> None:
        task = self._events_task
        if task is None or task is asyncio.current_task():
            return
        await asyncio.shield(task)

    def _finish_close(self) -> None:
        """The connection is closed: stop the threads, settle what still waits."""
        if self._closed:
            return
        self._closed = True
        bridge = self._bridge
        if bridge is not None:
            bridge.shutdown()  # joins the I/O thread; releases the GIL meanwhile
            self._dispatch()  # what the I/O thread finished on its way out
        _live.discard(self)
        self._publish_native = _closed_publish
        for fut in self._ops.values():
            if not fut.done():
                fut.set_result(((_ERRC["kConnectionClosed"], _CATEGORY, "connection closed"), None))
        self._ops.clear()
        for sub in list(self._subs.values()):
            sub._end()
        self._subs.clear()
        self._subs_by_sid.clear()
        if self._events_task is not None and not any(k == _EV["closed"] for k, _ in self._events):
            self._events.append((_EV["closed"], None))
            self._wake_events()

    def _shutdown(self) -> None:
        """Connect failed: no events task was started."""
        self._closed = True
        if self._bridge is not None:
            self._bridge.shutdown()
        _live.discard(self)

    def _forget(self, sub: Subscription) -> None:
        if self._subs.get(sub._q.id) is sub:
            del self._subs[sub._q.id]
        if sub._sid is not None and self._subs_by_sid.get(sub._sid) is sub:
            del self._subs_by_sid[sub._sid]

    def _native_unsubscribe(self, sub: Subscription, limit: int) -> None:
        self._usable(allow_draining=True).unsubscribe(sub._q, limit)

    def _native_drain_subscription(self, sub: Subscription) -> int:
        return self._usable(allow_draining=True).drain_subscription(sub._q)

    def __repr__(self) -> str:
        return f"<quiver.Client connected={self.is_connected} url={self.connected_url}>"


def _shutdown_all() -> None:
    """atexit: stop native threads of clients nobody closed."""
    for client in list(_live):
        client._closed = True
    _quiver.shutdown_all()


async def connect(
    servers: Union[str, Sequence[str]] = ("nats://127.0.0.1:4222",), **options: Any
) -> Client:
    """Creates a client and connects it; see ``Client.connect`` for the options."""
    nc = Client()
    await nc.connect(servers, **options)
    return nc
