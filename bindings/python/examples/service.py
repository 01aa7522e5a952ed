"""A request/reply service and a client calling it, in one script.

    python3 service.py [--url nats://127.0.0.1:4222]

Several copies of the service can run at once: the queue group spreads requests over them.
"""

import argparse
import asyncio

import quiver
from quiver import errors


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    args = parser.parse_args()

    service = await quiver.connect(args.url, name="upper-service")

    async def upper(msg: quiver.Msg) -> None:
        # Callbacks run one at a time per subscription; spawn a task for concurrent work.
        await msg.respond(msg.data.upper())

    await service.subscribe("svc.upper", queue="upper", cb=upper)

    async def never_answers(msg: quiver.Msg) -> None:
        pass

    await service.subscribe("svc.slow", cb=never_answers)

    client = await quiver.connect(args.url, name="upper-client")
    reply = await client.request("svc.upper", b"hello quiver", timeout=1)
    print(reply.data.decode())

    # Many requests in flight at once share the client's one inbox subscription.
    words = [f"word{i}".encode() for i in range(10)]
    replies = await asyncio.gather(*(client.request("svc.upper", w) for w in words))
    print(" ".join(r.data.decode() for r in replies))

    try:
        await client.request("svc.nobody", b"", timeout=1)
    except errors.NoRespondersError:
        print("svc.nobody: no responders")

    try:
        await asyncio.wait_for(client.request("svc.slow", b"", timeout=5), 0.1)
    except asyncio.TimeoutError:  # quiver.errors.TimeoutError is one too
        print("cancelled a request after 0.1 s")

    await client.close()
    await service.drain()  # answers what is still queued, then closes


if __name__ == "__main__":
    asyncio.run(main())
