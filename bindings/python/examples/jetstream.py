"""JetStream, Key/Value and object store in one script (the server needs JetStream: -js).

    python3 jetstream.py [--url nats://127.0.0.1:4222]

Creates a stream, publishes with deduplication, works through it with a pull consumer, keeps
configuration in a KV bucket (with an optimistic-concurrency update and a watch) and stores a
file in an object store. Everything it creates is deleted at the end.
"""

import argparse
import asyncio

import quiver
from quiver.js import api
from quiver.js.errors import KeyWrongLastSequenceError


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    args = parser.parse_args()

    async with await quiver.connect(args.url, name="jetstream-example") as nc:
        js = nc.jetstream(timeout=5.0)

        # A stream and acknowledged publishes; the same Nats-Msg-Id is stored once.
        await js.add_stream(name="ORDERS", subjects=["orders.>"])
        for n in range(3):
            msg_id = {api.Header.MSG_ID: f"order-{n}"}
            ack = await js.publish("orders.new", f"order {n}".encode(), headers=msg_id)
        dup = await js.publish("orders.new", b"order 2", headers={api.Header.MSG_ID: "order-2"})
        print(f"published up to seq {ack.seq}; resent order-2: duplicate={dup.duplicate}")

        # A durable pull consumer: fetch a batch, acknowledge each message.
        psub = await js.pull_subscribe("orders.>", durable="worker")
        for msg in await psub.fetch(10, timeout=2):
            print(f"work: {msg.data.decode()} (stream seq {msg.metadata.sequence.stream})")
            await msg.ack()

        # Key/Value: put, compare-and-set update, and a watch.
        kv = await js.create_key_value(bucket="settings", history=5)
        rev = await kv.put("color", b"blue")
        await kv.update("color", b"green", last=rev)
        try:
            await kv.update("color", b"red", last=rev)  # stale revision
        except KeyWrongLastSequenceError:
            print("stale update of 'color' refused")
        watcher = await kv.watchall()
        async for entry in watcher:  # the current values; ends at the end of them
            print(f"kv: {entry.key}={entry.value.decode()} (revision {entry.revision})")
        await kv.put("size", b"XL")
        update = await watcher.updates(timeout=2)
        print(f"watch: {update.key}={update.value.decode()}")
        await watcher.stop()

        # Object store: a 300 KiB object in 128 KiB chunks, read back and checked.
        obs = await js.create_object_store("files")
        data = bytes(range(256)) * 1200
        info = await obs.put("blob.bin", data)
        result = await obs.get("blob.bin")
        intact = result.data == data
        print(f"object: {info.name} {info.size} bytes in {info.chunks} chunks, intact={intact}")

        await js.delete_object_store("files")
        await js.delete_key_value("settings")
        await js.delete_stream("ORDERS")
        print("cleaned up")


if __name__ == "__main__":
    asyncio.run(main())
