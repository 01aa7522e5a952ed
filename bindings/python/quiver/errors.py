"""Exceptions raised by quiver, named as in nats-py's ``nats.errors``.

Every exception derives from :class:`Error`. :class:`TimeoutError` is also an
:class:`asyncio.TimeoutError`, so ``except asyncio.TimeoutError`` and ``asyncio.wait_for`` users
keep working. Errors that come from the native client carry its numeric ``code``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Type

if TYPE_CHECKING:  # pragma: no cover
    from .subscription import Subscription


class Error(Exception):
    """Base class of every quiver error."""

    code: Optional[int] = None

    def __init__(self, message: str = "", *, code: Optional[int] = None) -> None:
        super().__init__(message or self.__class__.default_message)
        if code is not None:
            self.code = code

    default_message = "quiver: error"


class TimeoutError(Error, asyncio.TimeoutError):  # noqa: A001 (nats-py's name)
    default_message = "quiver: timeout"


class FlushTimeoutError(TimeoutError):
    default_message = "quiver: flush timeout"


class DrainTimeoutError(TimeoutError):
    default_message = "quiver: draining connection timed out"


class NoRespondersError(Error):
    default_message = "quiver: no responders available for request"


class ConnectionClosedError(Error):
    default_message = "quiver: connection closed"


class ConnectionDrainingError(Error):
    default_message = "quiver: connection draining"


class ConnectionReconnectingError(Error):
    default_message = "quiver: disconnected and reconnect buffering is disabled"


class OutboundBufferLimitError(Error):
    default_message = "quiver: outbound buffer limit exceeded"


class NoServersError(Error):
    default_message = "quiver: no servers available for connection"


class AuthorizationError(Error):
    default_message = "quiver: authorization violation"


class PermissionsViolationError(Error):
    default_message = "quiver: permissions violation"


class StaleConnectionError(Error):
    default_message = "quiver: stale connection"


class ProtocolError(Error):
    default_message = "quiver: protocol error"


class ServerError(Error):
    default_message = "quiver: server error"


class SecureConnRequiredError(Error):
    default_message = "quiver: server requires TLS, which quiver does not support yet"


class MaxPayloadError(Error):
    default_message = "quiver: maximum payload exceeded"


class HeadersNotSupportedError(Error):
    default_message = "quiver: headers not supported by this server"


class BadSubjectError(Error):
    default_message = "quiver: invalid subject"


class BadQueueError(Error):
    default_message = "quiver: invalid queue name"


class BadSubscriptionError(Error):
    default_message = "quiver: invalid subscription"


class SlowConsumerError(Error):
    """A subscription dropped messages because its pending limits were reached.

    Reported through ``error_cb`` once per episode (until the subscription accepts a message
    again); ``sub.dropped`` counts every dropped message.
    """

    default_message = "quiver: slow consumer, messages dropped"

    def __init__(
        self,
        subject: str = "",
        reply: str = "",
        sid: int = 0,
        sub: Optional["Subscription"] = None,
    ) -> None:
        super().__init__(f"quiver: slow consumer, messages dropped on '{subject}' (sid {sid})")
        self.subject = subject
        self.reply = reply
        self.sid = sid
        self.sub = sub


class CallbackError(Error):
    default_message = "quiver: a subscription callback raised"


class NotJSMessageError(Error):
    """ack()/nak()/... of a message that did not come from a JetStream consumer."""

    default_message = "quiver: not a JetStream message"


class MsgAlreadyAckdError(Error):
    """ack()/nak()/term() of a message that was already acknowledged."""

    def __init__(self, msg: Optional[Any] = None) -> None:
        super().__init__(f"quiver: message was already acknowledged: {msg!r}")
        self.msg = msg


# Native error codes (names of quiver::client::errc) to classes.
_BY_NAME: Dict[str, Type[Error]] = {
    "kTimeout": TimeoutError,
    "kNoResponders": NoRespondersError,
    "kConnectionClosed": ConnectionClosedError,
    "kNotConnected": ConnectionClosedError,
    "kDisconnected": ConnectionReconnectingError,
    "kReconnectBufferExceeded": OutboundBufferLimitError,
    "kWriteBufferFull": OutboundBufferLimitError,
    "kDraining": ConnectionDrainingError,
    "kSlowConsumer": SlowConsumerError,
    "kMaxPayload": MaxPayloadError,
    "kHeadersNotSupported": HeadersNotSupportedError,
    "kBadSubject": BadSubjectError,
    "kBadQueue": BadQueueError,
    "kBadUrl": NoServersError,
    "kNoServers": NoServersError,
    "kAuthorization": AuthorizationError,
    "kPermissionsViolation": PermissionsViolationError,
    "kStaleConnection": StaleConnectionError,
    "kProtocol": ProtocolError,
    "kServerError": ServerError,
    "kTlsNotSupported": SecureConnRequiredError,
    "kSubscriptionClosed": BadSubscriptionError,
    "kBusy": Error,
    "kInvalidState": Error,
    "kCallbackFailed": CallbackError,
}

_BY_CODE: Dict[int, Type[Error]] = {}
_CATEGORY = ""


def _init(errc: Dict[str, int], category: str) -> None:
    global _CATEGORY
    _CATEGORY = category
    for name, code in errc.items():
        _BY_CODE[code] = _BY_NAME.get(name, Error)


def _from_code(code: int, message: str) -> Error:
    cls = _BY_CODE.get(code, Error)
    if cls is SlowConsumerError:
        return Error(f"quiver: {message}", code=code)
    return cls(f"quiver: {message}", code=code)


def _from_native(err: Tuple[int, str, str], default: Type[Error] = Error) -> Error:
    """An exception for a native (code, category, message) triple.

    Errors outside the client's category (connection refused, reset, ...) become ``default``.
    """
    code, category, message = err
    if category == _CATEGORY:
        return _from_code(code, message)
    return default(f"quiver: {message}")


__all__ = [
    "Error",
    "TimeoutError",
    "FlushTimeoutError",
    "DrainTimeoutError",
    "NoRespondersError",
    "ConnectionClosedError",
    "ConnectionDrainingError",
    "ConnectionReconnectingError",
    "OutboundBufferLimitError",
    "NoServersError",
    "AuthorizationError",
    "PermissionsViolationError",
    "StaleConnectionError",
    "ProtocolError",
    "ServerError",
    "SecureConnRequiredError",
    "MaxPayloadError",
    "HeadersNotSupportedError",
    "BadSubjectError",
    "BadQueueError",
    "BadSubscriptionError",
    "SlowConsumerError",
    "CallbackError",
    "NotJSMessageError",
    "MsgAlreadyAckdError",
]
