"""Subscriptions (nats-py's ``nats.aio.subscription.Subscription``).

Messages wait in the native queue of the subscription (bounded by its pending limits) until the
consumer takes them, up to ``_BATCH`` at a time, into ``_buf``. The consumer is woken through the
event loop only when it had found the native queue empty, so a consumer that keeps up with a
stream crosses threads once per batch, not once per message.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Deque, List, Optional

from . import errors
from .msg import Msg

if TYPE_CHECKING:  # pragma: no cover
    from . import _quiver
    from .client import Client

# Messages moved from the native queue per take(). Large enough to amortize the call, small
# enough that a batch's objects die young (the garbage collector scans survivors).
_BATCH = 512

DEFAULT_SUB_PENDING_MSGS_LIMIT = 512 * 1024
DEFAULT_SUB_PENDING_BYTES_LIMIT = 128 * 1024 * 1024

MessageCallback = Callable[[Msg], Awaitable[None]]


class Subscription:
    """A subscription: iterate ``messages``, call ``next_msg()``, or give ``cb=`` to subscribe.

    A callback runs in one asyncio task per subscription, one message at a time and in order
    (as in nats-py); an exception it raises goes to the connection's ``error_cb``. Wrap the body
    in ``asyncio.create_task`` for concurrency.
    """

    def __init__(
        self,
        client: "Client",
        queue_handle: "_quiver.SubQueue",
        subject: str,
        queue: str,
        cb: Optional[MessageCallback],
    ) -> None:
        self._client = client
        self._q = queue_handle
        self._subject = subject
        self._queue = queue
        self._cb = cb
        self._sid: Optional[int] = None
        self._buf: Deque[Msg] = deque()
        self._waiters: List["asyncio.Future[None]"] = []
        self._ended = False  # the native queue is finished and empty
        self._end_error: Optional[tuple] = None
        self._unsubscribed = False
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
    def sid(self) -> Optional[int]:
        return self._sid

    @property
    def messages(self) -> AsyncIterator[Msg]:
        """The messages, in order; the iteration ends when the subscription ends (unsubscribe,
        drain, auto-unsubscribe limit, connection closed)."""
        if self._cb is not None:
            raise errors.Error("quiver: cannot iterate a subscription that has a callback")
        return _MessageIterator(self)

    @property
    def pending_msgs(self) -> int:
        return self._q.stats()[0] + len(self._buf)

    @property
    def pending_bytes(self) -> int:
        return self._q.stats()[1] + sum(len(m.data) for m in self._buf)

    @property
    def delivered(self) -> int:
        return self._q.stats()[2] - len(self._buf)

    @property
    def dropped(self) -> int:
        """Messages dropped because the pending limits were reached."""
        return self._q.stats()[3]

    def set_pending_limits(self, msgs: int, bytes: int) -> None:  # noqa: A002 (nats name)
        """<= 0 means unlimited; applies to messages that arrive from now on."""
        self._q.set_limits(msgs, bytes)

    async def next_msg(self, timeout: Optional[float] = 1.0) -> Msg:
        """The next message; ``TimeoutError`` when none arrives within ``timeout`` seconds
        (``None`` or 0: wait forever)."""
        if self._cb is not None:
            raise errors.Error("quiver: next_msg cannot be used on a subscription with a callback")
        buf = self._buf
        if not buf:
            try:
                if timeout:
                    more = await asyncio.wait_for(self._fill(), timeout)
                else:
                    more = await self._fill()
            except asyncio.TimeoutError:
                raise errors.TimeoutError() from None
            if not more:
                raise self._end_exception()
        msg = buf.popleft()
        if not buf and self._drained is not None:
            self._poll_drained()
        return msg

    async def unsubscribe(self, limit: int = 0) -> None:
        """Stops the subscription now (queued messages are dropped), or, with ``limit``, after
        that many messages in total."""
        client = self._client
        if client.is_closed:
            raise errors.ConnectionClosedError()
        if self._unsubscribed or self._ended:
            raise errors.BadSubscriptionError("quiver: subscription already closed")
        client._native_unsubscribe(self, limit)
        if limit == 0:
            self._unsubscribed = True
            self._buf.clear()
            client._forget(self)
            self._wake()

    async def drain(self) -> None:
        """Unsubscribes, then waits until every message already sent by the server has been
        handed out (iteration) or handled (callback)."""
        client = self._client
        if client.is_closed:
            raise errors.ConnectionClosedError()
        if self._unsubscribed:
            raise errors.BadSubscriptionError("quiver: subscription already closed")
        if not self._ended:
            err, _ = await client._run(client._native_drain_subscription(self))
            if err is not None and client.is_closed:
                raise errors.ConnectionClosedError()
        if self._task is not None:
            await asyncio.shield(self._task)
        else:
            self._poll_drained()
            if not (self._ended and not self._buf):
                loop = asyncio.get_running_loop()
                if self._drained is None:
                    self._drained = loop.create_future()
                await asyncio.shield(self._drained)
        client._forget(self)

    # ---- internals -------------------------------------------------------------------------

    def _start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run_callbacks())

    def _wake(self) -> None:
        """A native signal (new messages, or the end) reached the loop."""
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    def _end(self) -> None:
        """The connection closed: queued messages are dropped, consumers finish."""
        self._buf.clear()
        self._ended = True
        self._wake()
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    async def _fill(self) -> bool:
        """Waits until ``_buf`` holds messages; False once the subscription ended."""
        buf = self._buf
        take = self._q.take
        while not buf:
            if self._ended or self._unsubscribed:
                self._on_drained()
                return False
            msgs, finished, reason = take(_BATCH, self._client, self._sid)
            if msgs:
                buf.extend(msgs)
            if finished:
                self._ended = True
                self._end_error = reason
                self._client._forget(self)
            elif not msgs:
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                try:
                    await waiter
                finally:
                    if waiter in self._waiters:
                        self._waiters.remove(waiter)
        return True

    def _poll_drained(self) -> None:
        """Completes a drain once everything was handed out (``_buf`` is empty)."""
        if self._buf:
            return
        if not self._ended:
            msgs, finished, reason = self._q.take(_BATCH, self._client, self._sid)
            if msgs:
                self._buf.extend(msgs)
            if finished:
                self._ended = True
                self._end_error = reason
        if self._ended and not self._buf:
            self._on_drained()

    def _on_drained(self) -> None:
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def _end_exception(self) -> errors.Error:
        if self._client.is_closed:
            return errors.ConnectionClosedError()
        return errors.BadSubscriptionError("quiver: subscription closed")

    async def _run_callbacks(self) -> None:
        buf = self._buf
        cb = self._cb
        assert cb is not None
        client = self._client
        while buf or await self._fill():
            msg = buf.popleft()
            try:
                await cb(msg)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the callback's failure is the application's to see
                client._callback_failed(e, self)

    def __repr__(self) -> str:
        return f"<quiver.Subscription subject='{self._subject}' queue='{self._queue}' sid={self._sid}>"


class _MessageIterator:
    __slots__ = ("_sub",)

    def __init__(self, sub: Subscription) -> None:
        self._sub = sub

    def __aiter__(self) -> "_MessageIterator":
        return self

    async def __anext__(self) -> Msg:
        sub = self._sub
        buf = sub._buf
        if not buf and not await sub._fill():
            raise StopAsyncIteration
        msg = buf.popleft()
        if not buf and sub._drained is not None:
            sub._poll_drained()
        return msg


def _check_callback(cb: Any) -> None:
    if cb is None:
        return
    func = getattr(cb, "func", cb)  # functools.partial
    if not (asyncio.iscoroutinefunction(cb) or asyncio.iscoroutinefunction(func)):
        raise errors.Error("quiver: the subscription callback must be a coroutine function")
