"""Publishes messages: python3 pub.py [--url nats://127.0.0.1:4222] SUBJECT [DATA] [--count N]."""

import argparse
import asyncio

import quiver


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("subject")
    parser.add_argument("data", nargs="?", default="hello")
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--header", action="append", default=[], help="Key:Value")
    args = parser.parse_args()

    headers = dict(h.split(":", 1) for h in args.header) or None
    async with await quiver.connect(args.url, name="quiver-pub-example") as nc:
        for _ in range(args.count):
            await nc.publish(args.subject, args.data.encode(), headers=headers)
        await nc.flush()  # publish() only queues; flush() waits for the server
        print(f"published {args.count} message(s) to '{args.subject}'")


if __name__ == "__main__":
    asyncio.run(main())
