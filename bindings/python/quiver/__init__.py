"""quiver: an asyncio NATS client for Python over Quiver's C++ client.

The API follows nats-py (``import nats`` -> ``import quiver``)::

    import asyncio, quiver

    async def main():
        nc = await quiver.connect("nats://127.0.0.1:4222", name="example")
        sub = await nc.subscribe("greet.*")
        await nc.publish("greet.joe", b"hello")
        msg = await sub.next_msg(timeout=1)
        print(msg.subject, msg.data)
        await nc.drain()

    asyncio.run(main())
"""

import atexit as _atexit

from . import _quiver, errors
from .client import Client, _shutdown_all, connect
from .msg import Msg
from .subscription import Subscription

__version__ = "0.1.0"

_quiver.set_msg_type(Msg)
_atexit.register(_shutdown_all)

# nats-py exports its client class as nats.NATS too.
NATS = Client

__all__ = ["connect", "Client", "NATS", "Msg", "Subscription", "errors", "__version__"]
