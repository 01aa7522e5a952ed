"""A received message (nats-py's ``nats.aio.msg.Msg``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional

from . import errors

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client


class Msg:
    """A message delivered to a subscription or returned by a request.

    ``data`` is ``bytes``; ``headers`` is ``None`` when the message carried no header block,
    otherwise a ``dict`` (a repeated key keeps its first value; a status line appears as
    ``"Status"``/``"Description"``, as in nats-py).
    """

    # The native side fills these slots directly without calling __init__ (a received message
    # is the hot path): keep __init__ a plain assignment of exactly these slots.
    __slots__ = ("_client", "subject", "reply", "data", "headers", "sid")

    def __init__(
        self,
        client: Optional["Client"],
        subject: str,
        reply: str,
        data: bytes,
        headers: Optional[Dict[str, str]],
        sid: Optional[int],
    ) -> None:
        self._client = client
        self.subject = subject
        self.reply = reply
        self.data = data
        self.headers = headers
        self.sid = sid

    @property
    def header(self) -> Optional[Dict[str, str]]:
        """nats-py's alias of ``headers``."""
        return self.headers

    async def respond(self, data: bytes = b"", headers: Optional[Dict[str, str]] = None) -> None:
        """Publishes ``data`` to this message's reply subject."""
        if not self.reply:
            raise errors.Error("quiver: no reply subject available")
        if self._client is None:
            raise errors.Error("quiver: message is not bound to a client")
        await self._client.publish(self.reply, data, headers=headers)

    def __repr__(self) -> str:
        return (
            f"<quiver.Msg: subject='{self.subject}' reply='{self.reply}' "
            f"data={self.data[:16]!r}{'...' if len(self.data) > 16 else ''}>"
        )
