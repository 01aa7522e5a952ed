"""JetStream, Key/Value and object store errors, named as in nats-py's ``nats.js.errors``.

Every class derives from :class:`Error`, itself a ``quiver.errors.Error``. When the server
refused an API request the exception is an :class:`APIError` with the server's ``code``
(HTTP-like: 400, 404, 503), ``err_code`` (JetStream's: 10059) and ``description``; the class
follows the code (``BadRequestError``, ``NotFoundError``, ``ServiceUnavailableError``,
``ServerError``) or, for the errors quiver knows, is a more precise subclass of it
(``StreamNotFoundError`` is a ``NotFoundError``; ``KeyWrongLastSequenceError`` a
``BadRequestError``). Timeouts are ``quiver.errors.TimeoutError`` (an ``asyncio.TimeoutError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Type

from .. import _quiver
from .. import errors as _core

if TYPE_CHECKING:  # pragma: no cover
    from .kv import KeyValue


class Error(_core.Error):
    """Base class of the JetStream errors."""

    def __init__(self, description: Optional[str] = None) -> None:
        self.description = description
        super().__init__(str(self))

    def __str__(self) -> str:
        desc = f" {self.description}" if self.description else ""
        return f"quiver: JetStream.{type(self).__name__}{desc}"


class APIError(Error):
    """The server refused a JetStream API request."""

    def __init__(
        self,
        code: Optional[int] = None,
        description: Optional[str] = None,
        err_code: Optional[int] = None,
        stream: Optional[str] = None,
        seq: Optional[int] = None,
    ) -> None:
        self.code = code  # type: ignore[assignment]  # nats-py: the API's status code
        self.err_code = err_code
        self.stream = stream
        self.seq = seq
        super().__init__(description)

    @classmethod
    def from_error(cls, err: Dict[str, Any]) -> "APIError":
        """The exception for an API response's ``error`` object (nats-py raises it; this returns
        it)."""
        return _api_error(err.get("code") or 0, err.get("err_code") or 0, err.get("description"))

    def __str__(self) -> str:
        return (
            f"quiver: {type(self).__name__}: code={self.code} err_code={self.err_code} "
            f"description='{self.description}'"
        )


class ServiceUnavailableError(APIError):
    """503: JetStream is not available (not enabled, no leader, ...)."""


class ServerError(APIError):
    """500."""


class NotFoundError(APIError):
    """404."""


class BadRequestError(APIError):
    """400."""


class JetStreamNotEnabledError(ServiceUnavailableError):
    """Nobody answers the JetStream API: JetStream is not enabled (for this account)."""


class StreamNotFoundError(NotFoundError):
    """err_code 10059."""


class StreamNameAlreadyInUseError(BadRequestError):
    """err_code 10058: the stream exists with another configuration."""


class ConsumerNotFoundError(NotFoundError):
    """err_code 10014."""


class ConsumerAlreadyExistsError(BadRequestError):
    """err_code 10013 / 10148."""


class MsgNotFoundError(NotFoundError):
    """err_code 10037, or no message at a direct get."""


class WrongLastSequenceError(BadRequestError):
    """err_code 10071: an expected last (subject) sequence did not match."""


class WrongLastMsgIDError(BadRequestError):
    """err_code 10070."""


class StreamMismatchError(BadRequestError):
    """err_code 10060: the expected stream is not the one that stored the message."""


class NoStreamResponseError(Error):
    """A JetStream publish reached no stream."""


class TooManyStalledMsgsError(Error):
    """publish_async: the window of pending acknowledgements stayed full."""


class FetchTimeoutError(_core.TimeoutError):
    """A fetch returned no message in time."""

    default_message = "quiver: fetch timeout"


class ConsumerSequenceMismatchError(Error):
    pass


class ConsumerDeletedError(Error):
    """The server deleted the consumer (409 Consumer Deleted)."""


class PullRequestError(Error):
    """The server ended a pull request with an error status (409 Exceeded MaxWaiting, ...)."""


class NoHeartbeatError(Error):
    """The consumer's idle heartbeats stopped arriving."""


class BadResponseError(Error):
    """The server's answer was not what the API promises."""


class InvalidArgumentError(Error):
    """A name, subject or option was refused before anything was sent."""


NotJSMessageError = _core.NotJSMessageError
MsgAlreadyAckdError = _core.MsgAlreadyAckdError


# ---- Key/Value -------------------------------------------------------------------------------


class BucketNotFoundError(NotFoundError):
    pass


class BadBucketError(Error):
    pass


class KeyValueError(APIError):
    pass


class _KeyMissing(KeyValueError, NotFoundError):
    def __init__(self, entry: Optional["KeyValue.Entry"] = None, op: Optional[str] = None) -> None:
        self.entry = entry
        self.op = op
        super().__init__(description=op)


class KeyDeletedError(_KeyMissing):
    """The key's last value is a delete or purge marker (``entry``, ``op``)."""

    def __str__(self) -> str:
        return f"quiver: key was deleted ({self.op})"


class KeyNotFoundError(_KeyMissing):
    """No value for the key. ``get()`` raises it for deleted keys too, as nats-py does: then
    ``entry`` is the delete/purge marker and ``op`` is ``"DEL"`` or ``"PURGE"``."""

    def __str__(self) -> str:
        return "quiver: key not found" + (f" ({self.op})" if self.op else "")


class KeyWrongLastSequenceError(KeyValueError, WrongLastSequenceError):
    """update(): the key's latest revision is not ``last``; create(): the key has a value."""


class KeyExistsError(KeyWrongLastSequenceError):
    """create() of a key that has a value (nats-py raises KeyWrongLastSequenceError)."""


class NoKeysError(KeyValueError):
    """keys() or history() found nothing."""


class KeyHistoryTooLargeError(KeyValueError):
    """A bucket keeps at most 64 values per key."""


class InvalidKeyError(Error):
    pass


class InvalidBucketNameError(Error):
    pass


# ---- object store ----------------------------------------------------------------------------


class InvalidObjectNameError(Error):
    pass


class BadObjectMetaError(Error):
    pass


class LinkIsABucketError(Error):
    pass


class DigestMismatchError(Error):
    pass


class ObjectNotFoundError(NotFoundError):
    pass


class ObjectDeletedError(NotFoundError):
    pass


class ObjectAlreadyExists(Error):
    pass


# ---- native errors -> exceptions -------------------------------------------------------------

_JS_CATEGORY: str = _quiver.JS_ERROR_CATEGORY
_JS_NAME: Dict[int, str] = {code: name for name, code in _quiver.JS_ERRC.items()}

# Classes of the errors that carry a server status (API errors) and of the others.
_BY_NAME: Dict[str, Type[_core.Error]] = {
    "kNotEnabled": JetStreamNotEnabledError,
    "kNoStreamResponse": NoStreamResponseError,
    "kBadResponse": BadResponseError,
    "kInvalidArgument": InvalidArgumentError,
    "kStreamNotFound": StreamNotFoundError,
    "kStreamNameInUse": StreamNameAlreadyInUseError,
    "kConsumerNotFound": ConsumerNotFoundError,
    "kConsumerExists": ConsumerAlreadyExistsError,
    "kMessageNotFound": MsgNotFoundError,
    "kWrongLastSequence": WrongLastSequenceError,
    "kWrongLastMsgId": WrongLastMsgIDError,
    "kStreamMismatch": StreamMismatchError,
    "kNotJetStreamMessage": NotJSMessageError,
    "kAlreadyAcked": MsgAlreadyAckdError,
    "kNoHeartbeat": NoHeartbeatError,
    "kConsumerDeleted": ConsumerDeletedError,
    "kPullRequestFailed": PullRequestError,
    "kTooManyStalled": TooManyStalledMsgsError,
    "kBucketNotFound": BucketNotFoundError,
    "kBadBucket": BadBucketError,
    "kInvalidBucketName": InvalidBucketNameError,
    "kInvalidKey": InvalidKeyError,
    "kHistoryTooLarge": KeyHistoryTooLargeError,
    "kKeyNotFound": KeyNotFoundError,
    "kKeyExists": KeyExistsError,
    "kObjectNotFound": ObjectNotFoundError,
    "kBadObjectMeta": BadObjectMetaError,
    "kDigestMismatch": DigestMismatchError,
    "kObjectIsBucketLink": LinkIsABucketError,
}

_BY_STATUS: Dict[int, Type[APIError]] = {
    400: BadRequestError,
    404: NotFoundError,
    500: ServerError,
    503: ServiceUnavailableError,
}


def _api_error(status: int, err_code: int, description: Optional[str]) -> APIError:
    cls = _BY_STATUS.get(status, APIError)
    return cls(code=status, err_code=err_code, description=description)


def _build(cls: Type[_core.Error], status: int, err_code: int, description: str) -> _core.Error:
    if issubclass(cls, _KeyMissing):
        e: _core.Error = cls()
        if status:
            e.code, e.err_code, e.description = status, err_code, description  # type: ignore
        return e
    if issubclass(cls, APIError):
        return cls(code=status or None, err_code=err_code or None, description=description)
    if issubclass(cls, Error):
        return cls(description)
    if cls is MsgAlreadyAckdError:
        return MsgAlreadyAckdError()
    return cls(f"quiver: {description}")


def from_native(
    err: Sequence[Any], overrides: Optional[Dict[str, Type[_core.Error]]] = None
) -> _core.Error:
    """The exception for a native error tuple: (code, category, message[, status, err_code,
    description]). `overrides` maps native error names to classes for one call site (KV
    operations turn kWrongLastSequence into KeyWrongLastSequenceError)."""
    code, category, message = err[0], err[1], err[2]
    status, err_code, description = (err[3], err[4], err[5]) if len(err) > 3 else (0, 0, "")
    if category == _JS_CATEGORY:
        name = _JS_NAME.get(code, "")
        cls = (overrides or {}).get(name) or _BY_NAME.get(name)
        if cls is None:
            if status:
                return _api_error(status, err_code, description or message)
            return Error(description or message)
        return _build(cls, status, err_code, description or message)
    if overrides and category == _core._CATEGORY:
        for name, cls in overrides.items():
            if _quiver.ERRC.get(name) == code:
                return cls(f"quiver: {description or message}")
    e = _core._from_native((code, category, message))
    if description and category != _core._CATEGORY:
        e.args = (f"{e.args[0]}: {description}",)
    return e


__all__ = [
    "Error",
    "APIError",
    "ServiceUnavailableError",
    "ServerError",
    "NotFoundError",
    "BadRequestError",
    "JetStreamNotEnabledError",
    "StreamNotFoundError",
    "StreamNameAlreadyInUseError",
    "ConsumerNotFoundError",
    "ConsumerAlreadyExistsError",
    "MsgNotFoundError",
    "WrongLastSequenceError",
    "WrongLastMsgIDError",
    "StreamMismatchError",
    "NoStreamResponseError",
    "TooManyStalledMsgsError",
    "FetchTimeoutError",
    "ConsumerSequenceMismatchError",
    "ConsumerDeletedError",
    "PullRequestError",
    "NoHeartbeatError",
    "BadResponseError",
    "InvalidArgumentError",
    "NotJSMessageError",
    "MsgAlreadyAckdError",
    "BucketNotFoundError",
    "BadBucketError",
    "KeyValueError",
    "KeyDeletedError",
    "KeyNotFoundError",
    "KeyWrongLastSequenceError",
    "KeyExistsError",
    "NoKeysError",
    "KeyHistoryTooLargeError",
    "InvalidKeyError",
    "InvalidBucketNameError",
    "InvalidObjectNameError",
    "BadObjectMetaError",
    "LinkIsABucketError",
    "DigestMismatchError",
    "ObjectNotFoundError",
    "ObjectDeletedError",
    "ObjectAlreadyExists",
]
