"""A received message (nats-py's ``nats.aio.msg.Msg``), with the JetStream acknowledgements."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Optional

from . import _quiver, errors

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client


class Msg:
    """A message delivered to a subscription or returned by a request.

    ``data`` is ``bytes``; ``headers`` is ``None`` when the message carried no header block,
    otherwise a ``dict`` (a repeated key keeps its first value; a status line appears as
    ``"Status"``/``"Description"``, as in nats-py).
    """

    # The native side fills the first six slots directly without calling __init__ (a received
    # message is the hot path): keep __init__ a plain assignment of exactly these. `_ackd` stays
    # unset until an acknowledgement.
    __slots__ = ("_client", "subject", "reply", "data", "headers", "sid", "_ackd")

    @dataclass
    class Metadata:
        """Where a JetStream message comes from (read from its reply subject)."""

        @dataclass
        class SequencePair:
            consumer: int
            stream: int

        sequence: "Msg.Metadata.SequencePair"
        num_pending: int
        num_delivered: int
        timestamp: datetime.datetime
        stream: str
        consumer: str
        domain: Optional[str] = None

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

    # ---- JetStream -------------------------------------------------------------------------

    @property
    def metadata(self) -> "Msg.Metadata":
        """The stream, consumer, sequences, delivery count, pending count and time of a message
        delivered by a JetStream consumer; ``NotJSMessageError`` for other messages."""
        md = _quiver.parse_metadata(self.reply) if self.reply else None
        if md is None:
            raise errors.NotJSMessageError()
        domain, stream, consumer, delivered, stream_seq, consumer_seq, ts, pending = md
        return Msg.Metadata(
            sequence=Msg.Metadata.SequencePair(consumer=consumer_seq, stream=stream_seq),
            num_pending=pending,
            num_delivered=delivered,
            timestamp=datetime.datetime.fromtimestamp(ts / 1e9, tz=datetime.timezone.utc),
            stream=stream,
            consumer=consumer,
            domain=domain or None,
        )

    @property
    def is_acked(self) -> bool:
        return getattr(self, "_ackd", False)

    async def ack(self) -> None:
        """Acknowledges a JetStream message (fire and forget)."""
        await self._ack(b"+ACK")

    async def ack_sync(self, timeout: float = 1.0) -> "Msg":
        """Acknowledges and waits for the server to confirm; returns its (empty) reply."""
        client = self._check_reply()
        reply = await client.request(self.reply, b"+ACK", timeout=timeout)
        self._ackd = True
        return reply

    async def nak(self, delay: Optional[float] = None) -> None:
        """Negative acknowledgement: redeliver, after ``delay`` seconds if given."""
        payload = b"-NAK"
        if delay:
            payload += b" " + json.dumps({"delay": int(delay * 1e9)}).encode()
        await self._ack(payload)

    async def in_progress(self) -> None:
        """Still working on it: restarts the ack wait timer (may be sent many times)."""
        client = self._check_reply()
        await client.publish(self.reply, b"+WPI")

    async def term(self) -> None:
        """Never redeliver this message."""
        await self._ack(b"+TERM")

    async def _ack(self, payload: bytes) -> None:
        client = self._check_reply()
        await client.publish(self.reply, payload)
        self._ackd = True

    def _check_reply(self) -> "Client":
        if not self.reply or not self.reply.startswith("$JS.ACK."):
            raise errors.NotJSMessageError()
        if getattr(self, "_ackd", False):
            raise errors.MsgAlreadyAckdError(self)
        if self._client is None:
            raise errors.Error("quiver: message is not bound to a client")
        return self._client

    def __repr__(self) -> str:
        return (
            f"<quiver.Msg: subject='{self.subject}' reply='{self.reply}' "
            f"data={self.data[:16]!r}{'...' if len(self.data) > 16 else ''}>"
        )
