"""Prints messages as they arrive: python3 sub.py [--url ...] [--queue Q] SUBJECT.

Ctrl-C drains the subscription (messages already sent by the server are still printed).
"""

import argparse
import asyncio
import signal

import quiver


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("subject")
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    parser.add_argument("--queue", default="")
    args = parser.parse_args()

    async def disconnected() -> None:
        print("disconnected; reconnecting...")

    async def reconnected() -> None:
        print(f"reconnected to {nc.connected_url.netloc}")

    nc = await quiver.connect(
        args.url,
        name="quiver-sub-example",
        max_reconnect_attempts=-1,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
    )
    sub = await nc.subscribe(args.subject, queue=args.queue)
    draining = []

    def on_sigint() -> None:
        if not draining:
            draining.append(asyncio.create_task(nc.drain()))

    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, on_sigint)
    print(f"listening on '{args.subject}'", flush=True)
    async for msg in sub.messages:  # ends once the drain handed out the last message
        extra = f" {msg.headers}" if msg.headers else ""
        print(f"[{msg.subject}] {msg.data!r}{extra}", flush=True)
    await asyncio.gather(*draining)
    print("drained")


if __name__ == "__main__":
    asyncio.run(main())
