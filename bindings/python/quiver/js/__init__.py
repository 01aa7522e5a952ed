"""JetStream for quiver (nats-py's ``nats.js``): ``js = nc.jetstream()``.

    js = nc.jetstream(timeout=5.0)
    await js.add_stream(name="ORDERS", subjects=["orders.>"])
    ack = await js.publish("orders.new", b"1", headers={api.Header.MSG_ID: "order-1"})
    psub = await js.pull_subscribe("orders.>", durable="worker")
    for msg in await psub.fetch(10, timeout=2):
        await msg.ack()
    kv = await js.create_key_value(bucket="config", history=5)
    obs = await js.create_object_store("files")

Errors are in :mod:`quiver.js.errors`, API types in :mod:`quiver.js.api`.
"""

from . import api, errors
from .client import JetStreamContext, PullSubscription, PushSubscription
from .kv import KeyValue
from .manager import JetStreamManager
from .object_store import ObjectResult, ObjectStore

__all__ = [
    "api",
    "errors",
    "JetStreamContext",
    "JetStreamManager",
    "PullSubscription",
    "PushSubscription",
    "KeyValue",
    "ObjectStore",
    "ObjectResult",
]
