"""JetStream API types (nats-py's ``nats.js.api``): dataclasses that read the server's JSON.

Durations are seconds (``float``) here and nanoseconds on the wire; ``as_dict()`` gives the
JSON form (``None`` fields left out), ``from_response(dict)`` reads it back, ignoring fields
this version does not know. Enums are ``str`` enums with the API's spellings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any, Dict, List, Optional, Type, TypeVar

_NANOS = 1_000_000_000

T = TypeVar("T", bound="Base")


class Header(str, Enum):
    """Headers of the JetStream publish path and of status messages."""

    CONSUMER_STALLED = "Nats-Consumer-Stalled"
    DESCRIPTION = "Description"
    EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id"
    EXPECTED_LAST_SEQUENCE = "Nats-Expected-Last-Sequence"
    EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence"
    EXPECTED_STREAM = "Nats-Expected-Stream"
    LAST_CONSUMER = "Nats-Last-Consumer"
    LAST_STREAM = "Nats-Last-Stream"
    MSG_ID = "Nats-Msg-Id"
    ROLLUP = "Nats-Rollup"
    STATUS = "Status"


class RetentionPolicy(str, Enum):
    LIMITS = "limits"
    INTEREST = "interest"
    WORK_QUEUE = "workqueue"


class StorageType(str, Enum):
    FILE = "file"
    MEMORY = "memory"


class DiscardPolicy(str, Enum):
    OLD = "old"
    NEW = "new"


class DeliverPolicy(str, Enum):
    ALL = "all"
    LAST = "last"
    NEW = "new"
    BY_START_SEQUENCE = "by_start_sequence"
    BY_START_TIME = "by_start_time"
    LAST_PER_SUBJECT = "last_per_subject"


class AckPolicy(str, Enum):
    NONE = "none"
    ALL = "all"
    EXPLICIT = "explicit"


class ReplayPolicy(str, Enum):
    INSTANT = "instant"
    ORIGINAL = "original"


def _to_nanos(seconds: Optional[float]) -> Optional[int]:
    return None if seconds is None else int(seconds * _NANOS)


def _from_nanos(nanos: Optional[int]) -> Optional[float]:
    return None if nanos is None else nanos / _NANOS


def parse_time(text: Optional[str]) -> Optional[datetime.datetime]:
    """An RFC 3339 time of the API (nanosecond fraction allowed) as an aware datetime."""
    if not text:
        return None
    date, _, rest = text.partition("T")
    zone = "+00:00"
    if rest.endswith("Z"):
        rest = rest[:-1]
    elif len(rest) > 6 and rest[-6] in "+-":
        rest, zone = rest[:-6], rest[-6:]
    clock, _, fraction = rest.partition(".")
    micros = (fraction + "000000")[:6]
    return datetime.datetime.fromisoformat(f"{date}T{clock}.{micros}{zone}")


def format_time(t: datetime.datetime) -> str:
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class Base:
    """from_response / as_dict / evolve for the API dataclasses."""

    @classmethod
    def from_response(cls: Type[T], resp: Dict[str, Any]) -> T:
        known = {f.name for f in fields(cls) if f.init}
        params = {k: v for k, v in resp.items() if k in known}
        cls._convert(params)
        return cls(**params)

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        for name in cls._duration_fields():
            if params.get(name) is not None:
                v = params[name]
                if isinstance(v, list):
                    params[name] = [_from_nanos(x) for x in v]
                else:
                    params[name] = _from_nanos(v)

    @classmethod
    def _duration_fields(cls) -> tuple:
        """Fields in seconds here and nanoseconds in JSON."""
        return ()

    @staticmethod
    def _object(params: Dict[str, Any], name: str, typ: Type["Base"]) -> None:
        if isinstance(params.get(name), dict):
            params[name] = typ.from_response(params[name])

    @staticmethod
    def _objects(params: Dict[str, Any], name: str, typ: Type["Base"]) -> None:
        if isinstance(params.get(name), list):
            params[name] = [
                typ.from_response(v) if isinstance(v, dict) else v for v in params[name]
            ]

    @staticmethod
    def _enum(params: Dict[str, Any], name: str, typ: Type[Enum]) -> None:
        if params.get(name) is not None:
            try:
                params[name] = typ(params[name])
            except ValueError:
                pass  # a newer server's value: keep the string

    def as_dict(self) -> Dict[str, Any]:
        durations = self._duration_fields()
        out: Dict[str, Any] = {}
        for f in fields(self):
            if not f.init:
                continue
            v = getattr(self, f.name)
            if v is None:
                continue
            if f.name in durations:
                v = [_to_nanos(x) for x in v] if isinstance(v, list) else _to_nanos(v)
            out[f.name] = _json_value(v)
        return out

    def evolve(self: T, **params: Any) -> T:
        """A copy with `params` changed."""
        return replace(self, **params)


def _json_value(v: Any) -> Any:
    if isinstance(v, Base):
        return v.as_dict()
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, datetime.datetime):
        return format_time(v)
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: _json_value(x) for k, x in v.items()}
    return v


@dataclass
class PubAck(Base):
    """The stream's acknowledgement of a publish."""

    stream: str
    seq: int
    domain: Optional[str] = None
    duplicate: Optional[bool] = None


@dataclass
class Placement(Base):
    cluster: Optional[str] = None
    tags: Optional[List[str]] = None


@dataclass
class ExternalStream(Base):
    api: str
    deliver: Optional[str] = None


@dataclass
class StreamSource(Base):
    name: str
    opt_start_seq: Optional[int] = None
    opt_start_time: Optional[str] = None
    filter_subject: Optional[str] = None
    external: Optional[ExternalStream] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._object(params, "external", ExternalStream)


@dataclass
class RePublish(Base):
    src: Optional[str] = None
    dest: Optional[str] = None
    headers_only: Optional[bool] = None


@dataclass
class StreamConfig(Base):
    """A stream's configuration; fields left ``None`` take the server's defaults."""

    name: Optional[str] = None
    description: Optional[str] = None
    subjects: Optional[List[str]] = None
    retention: Optional[RetentionPolicy] = None
    max_consumers: Optional[int] = None
    max_msgs: Optional[int] = None
    max_bytes: Optional[int] = None
    discard: Optional[DiscardPolicy] = None
    max_age: Optional[float] = None  # seconds
    max_msgs_per_subject: Optional[int] = None
    max_msg_size: Optional[int] = None
    storage: Optional[StorageType] = None
    num_replicas: Optional[int] = None
    no_ack: Optional[bool] = None
    duplicate_window: Optional[float] = None  # seconds
    placement: Optional[Placement] = None
    mirror: Optional[StreamSource] = None
    sources: Optional[List[StreamSource]] = None
    sealed: Optional[bool] = None
    deny_delete: Optional[bool] = None
    deny_purge: Optional[bool] = None
    allow_rollup_hdrs: Optional[bool] = None
    republish: Optional[RePublish] = None
    allow_direct: Optional[bool] = None
    mirror_direct: Optional[bool] = None
    discard_new_per_subject: Optional[bool] = None

    @classmethod
    def _duration_fields(cls) -> tuple:
        return ("max_age", "duplicate_window")

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        super()._convert(params)
        cls._enum(params, "retention", RetentionPolicy)
        cls._enum(params, "discard", DiscardPolicy)
        cls._enum(params, "storage", StorageType)
        cls._object(params, "placement", Placement)
        cls._object(params, "mirror", StreamSource)
        cls._objects(params, "sources", StreamSource)
        cls._object(params, "republish", RePublish)


@dataclass
class StreamState(Base):
    messages: int = 0
    bytes: int = 0
    first_seq: int = 0
    last_seq: int = 0
    consumer_count: int = 0
    first_ts: Optional[str] = None
    last_ts: Optional[str] = None
    deleted: Optional[List[int]] = None
    num_deleted: Optional[int] = None
    num_subjects: Optional[int] = None
    subjects: Optional[Dict[str, int]] = None


@dataclass
class PeerInfo(Base):
    name: Optional[str] = None
    current: Optional[bool] = None
    offline: Optional[bool] = None
    active: Optional[float] = None
    lag: Optional[int] = None

    @classmethod
    def _duration_fields(cls) -> tuple:
        return ("active",)


@dataclass
class ClusterInfo(Base):
    name: Optional[str] = None
    leader: Optional[str] = None
    replicas: Optional[List[PeerInfo]] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._objects(params, "replicas", PeerInfo)


@dataclass
class StreamSourceInfo(Base):
    name: str
    lag: Optional[int] = None
    active: Optional[float] = None

    @classmethod
    def _duration_fields(cls) -> tuple:
        return ("active",)


@dataclass
class StreamInfo(Base):
    config: StreamConfig
    state: StreamState
    created: Optional[str] = None
    mirror: Optional[StreamSourceInfo] = None
    sources: Optional[List[StreamSourceInfo]] = None
    cluster: Optional[ClusterInfo] = None
    did_create: Optional[bool] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._object(params, "config", StreamConfig)
        cls._object(params, "state", StreamState)
        cls._object(params, "mirror", StreamSourceInfo)
        cls._objects(params, "sources", StreamSourceInfo)
        cls._object(params, "cluster", ClusterInfo)


@dataclass
class ConsumerConfig(Base):
    """A consumer's configuration; fields left ``None`` take the server's defaults."""

    name: Optional[str] = None
    durable_name: Optional[str] = None
    description: Optional[str] = None
    deliver_policy: Optional[DeliverPolicy] = DeliverPolicy.ALL
    opt_start_seq: Optional[int] = None
    opt_start_time: Optional[str] = None
    ack_policy: Optional[AckPolicy] = AckPolicy.EXPLICIT
    ack_wait: Optional[float] = None  # seconds
    max_deliver: Optional[int] = None
    backoff: Optional[List[float]] = None  # seconds
    filter_subject: Optional[str] = None
    replay_policy: Optional[ReplayPolicy] = ReplayPolicy.INSTANT
    rate_limit_bps: Optional[int] = None
    sample_freq: Optional[str] = None
    max_waiting: Optional[int] = None
    max_ack_pending: Optional[int] = None
    flow_control: Optional[bool] = None
    idle_heartbeat: Optional[float] = None  # seconds
    headers_only: Optional[bool] = None
    max_batch: Optional[int] = None
    max_expires: Optional[float] = None  # seconds
    max_bytes: Optional[int] = None
    deliver_subject: Optional[str] = None
    deliver_group: Optional[str] = None
    inactive_threshold: Optional[float] = None  # seconds
    num_replicas: Optional[int] = None
    mem_storage: Optional[bool] = None

    @classmethod
    def _duration_fields(cls) -> tuple:
        return ("ack_wait", "backoff", "idle_heartbeat", "max_expires", "inactive_threshold")

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        super()._convert(params)
        cls._enum(params, "deliver_policy", DeliverPolicy)
        cls._enum(params, "ack_policy", AckPolicy)
        cls._enum(params, "replay_policy", ReplayPolicy)


@dataclass
class SequenceInfo(Base):
    consumer_seq: int = 0
    stream_seq: int = 0
    last_active: Optional[str] = None


@dataclass
class ConsumerInfo(Base):
    name: str
    stream_name: str
    config: ConsumerConfig
    created: Optional[str] = None
    delivered: Optional[SequenceInfo] = None
    ack_floor: Optional[SequenceInfo] = None
    num_ack_pending: Optional[int] = None
    num_redelivered: Optional[int] = None
    num_waiting: Optional[int] = None
    num_pending: Optional[int] = None
    cluster: Optional[ClusterInfo] = None
    push_bound: Optional[bool] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._object(params, "config", ConsumerConfig)
        cls._object(params, "delivered", SequenceInfo)
        cls._object(params, "ack_floor", SequenceInfo)
        cls._object(params, "cluster", ClusterInfo)


@dataclass
class AccountLimits(Base):
    max_memory: int = 0
    max_storage: int = 0
    max_streams: int = 0
    max_consumers: int = 0
    max_ack_pending: int = 0
    memory_max_stream_bytes: int = 0
    storage_max_stream_bytes: int = 0
    max_bytes_required: bool = False


@dataclass
class APIStats(Base):
    total: int = 0
    errors: int = 0


@dataclass
class AccountInfo(Base):
    memory: int = 0
    storage: int = 0
    streams: int = 0
    consumers: int = 0
    limits: AccountLimits = field(default_factory=AccountLimits)
    api: APIStats = field(default_factory=APIStats)
    domain: Optional[str] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._object(params, "limits", AccountLimits)
        cls._object(params, "api", APIStats)


@dataclass
class RawStreamMsg(Base):
    """A message read back from a stream (``get_msg``); ``data`` is bytes, ``headers`` a dict or
    None, ``time`` an aware datetime."""

    subject: Optional[str] = None
    seq: Optional[int] = None
    data: Optional[bytes] = None
    headers: Optional[Dict[str, str]] = None
    time: Optional[datetime.datetime] = None
    stream: Optional[str] = None

    @property
    def sequence(self) -> Optional[int]:
        return self.seq

    @property
    def header(self) -> Optional[Dict[str, str]]:
        return self.headers


@dataclass
class KeyValueConfig(Base):
    """A Key/Value bucket's configuration (``ttl`` in seconds)."""

    bucket: str
    description: Optional[str] = None
    max_value_size: Optional[int] = None
    history: int = 1
    ttl: Optional[float] = None
    max_bytes: Optional[int] = None
    storage: Optional[StorageType] = None
    replicas: int = 1


@dataclass
class ObjectStoreConfig(Base):
    """An object store's configuration (``ttl`` in seconds)."""

    bucket: Optional[str] = None
    description: Optional[str] = None
    ttl: Optional[float] = None
    max_bytes: Optional[int] = None
    storage: Optional[StorageType] = None
    replicas: int = 1


@dataclass
class ObjectLink(Base):
    bucket: str
    name: Optional[str] = None


@dataclass
class ObjectMetaOptions(Base):
    link: Optional[ObjectLink] = None
    max_chunk_size: Optional[int] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._object(params, "link", ObjectLink)


@dataclass
class ObjectMeta(Base):
    name: Optional[str] = None
    description: Optional[str] = None
    headers: Optional[Dict[str, List[str]]] = None
    options: Optional[ObjectMetaOptions] = None


@dataclass
class ObjectInfo(Base):
    """An object's metadata as stored (``mtime`` is the RFC 3339 string of the API)."""

    name: str
    bucket: str
    nuid: str
    size: Optional[int] = None
    mtime: Optional[str] = None
    chunks: Optional[int] = None
    digest: Optional[str] = None
    deleted: Optional[bool] = False
    description: Optional[str] = None
    headers: Optional[Dict[str, List[str]]] = None
    options: Optional[ObjectMetaOptions] = None

    @classmethod
    def _convert(cls, params: Dict[str, Any]) -> None:
        cls._object(params, "options", ObjectMetaOptions)

    @property
    def meta(self) -> ObjectMeta:
        return ObjectMeta(
            name=self.name,
            description=self.description,
            headers=self.headers,
            options=self.options,
        )


__all__ = [
    "Header",
    "RetentionPolicy",
    "StorageType",
    "DiscardPolicy",
    "DeliverPolicy",
    "AckPolicy",
    "ReplayPolicy",
    "PubAck",
    "Placement",
    "ExternalStream",
    "StreamSource",
    "RePublish",
    "StreamConfig",
    "StreamState",
    "PeerInfo",
    "ClusterInfo",
    "StreamSourceInfo",
    "StreamInfo",
    "ConsumerConfig",
    "SequenceInfo",
    "ConsumerInfo",
    "AccountLimits",
    "APIStats",
    "AccountInfo",
    "RawStreamMsg",
    "KeyValueConfig",
    "ObjectStoreConfig",
    "ObjectLink",
    "ObjectMetaOptions",
    "ObjectMeta",
    "ObjectInfo",
]
