"""Items of a native consumer (push, ordered, KV watcher) on their way to Python.

The native side answers one request at a time with a batch: it waits (up to ``_WAIT``) for a
first item, then adds those already there. A request is made only while someone waits and
nothing is buffered, so the native consumer (its flow control, the ack window) sees what Python
actually took. Results that arrive after their waiter gave up (a ``next_msg`` timeout) stay in
the buffer: nothing is lost to a timeout or a cancellation.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Deque, List, Optional

from .. import _quiver
from .. import errors as _core
from . import errors

if TYPE_CHECKING:  # pragma: no cover
    from ..client import Client

# Items per native request, and how long one request waits for the first item before it is
# re-issued (only while someone still waits).
BATCH = 256
WAIT = 60.0

_ERRC = _quiver.ERRC
_JS_ERRC = _quiver.JS_ERRC


def is_error(err: tuple, name: str) -> bool:
    """Whether native error tuple `err` is the client's or the JetStream layer's `name`."""
    if name in _JS_ERRC:
        return err[1] == _quiver.JS_ERROR_CATEGORY and err[0] == _JS_ERRC[name]
    return err[1] == _quiver.ERROR_CATEGORY and err[0] == _ERRC[name]


class Feed:
    """A buffer filled by native batch requests. `next_op()` starts one and returns its id; its
    value is (items, error or None)."""

    def __init__(self, nc: "Client", next_op: Callable[[int, float], int]) -> None:
        self._nc = nc
        self._next_op = next_op
        self.buf: Deque[Any] = deque()
        self._waiters: List["asyncio.Future[None]"] = []
        self._requesting = False
        self.ended = False
        self.stopping = False  # no more requests; what is buffered is still handed out

    def stop(self) -> None:
        self.stopping = True

    def end(self) -> None:
        self.ended = True
        self._wake()

    async def fill(self) -> bool:
        """Waits until the buffer holds something; False once the feed ended."""
        while not self.buf:
            if self.ended or (self.stopping and not self._requesting):
                return False
            self._request()
            if self.ended:
                return bool(self.buf)
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return True

    async def fill_within(self, timeout: Optional[float]) -> bool:
        """fill() bounded by `timeout` seconds (None or 0: no bound); TimeoutError after it."""
        if self.buf:
            return True
        if not timeout:
            return await self.fill()
        try:
            return await asyncio.wait_for(self.fill(), timeout)
        except asyncio.TimeoutError:
            raise _core.TimeoutError() from None

    def _request(self) -> None:
        if self._requesting or self.ended or self.stopping:
            return
        if self._nc.is_closed:
            self.end()
            return
        fut = self._nc._run(self._next_op(BATCH, WAIT))
        self._requesting = True
        fut.add_done_callback(self._on_batch)

    def _on_batch(self, fut: "asyncio.Future[Any]") -> None:
        self._requesting = False
        err, value = fut.result()
        if err is None:
            items, err = value
            self.buf.extend(items)
        if err is not None:
            if is_error(err, "kNoHeartbeat"):
                # Reported; the next request keeps waiting (the server may come back).
                self._nc._report_error(errors.from_native(err))
            elif not is_error(err, "kTimeout"):
                # Ended: unsubscribed, connection closed, consumer or stream gone.
                if not (
                    self.stopping
                    or is_error(err, "kSubscriptionClosed")
                    or is_error(err, "kConnectionClosed")
                ):
                    self._nc._report_error(errors.from_native(err))
                self.ended = True
        self._wake()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)
