"""One million messages through a subscription callback: none lost, none reordered, no hang."""

import asyncio
import os
import time

from conftest import wait_for

import quiver

TOTAL = int(os.environ.get("QUIVER_STRESS_MESSAGES", "1000000"))
WINDOW = 50_000  # the publisher stays at most this far ahead of the callback


async def test_million_messages_through_a_callback(server):
    sub_nc = await quiver.connect(server.url, name="stress-sub")
    pub_nc = await quiver.connect(server.url, name="stress-pub")
    received = 0
    out_of_order = 0
    done = asyncio.get_running_loop().create_future()
    progress = asyncio.Event()

    async def cb(msg):
        nonlocal received, out_of_order
        if int.from_bytes(msg.data, "little") != received:
            out_of_order += 1
        received += 1
        if received % 10_000 == 0:
            progress.set()
        if received == TOTAL:
            done.set_result(None)

    sub = await sub_nc.subscribe("stress", cb=cb)
    await sub_nc.flush()
    start = time.monotonic()
    for i in range(TOTAL):
        await pub_nc.publish("stress", i.to_bytes(8, "little"))
        if i % 10_000 == 9_999:
            await pub_nc.flush()
            while i - received > WINDOW:
                progress.clear()
                await progress.wait()
    await wait_for(done, 120)
    elapsed = time.monotonic() - start
    print(f"{server.kind}: {TOTAL} messages in {elapsed:.1f} s ({TOTAL / elapsed:,.0f}/s)")
    assert received == TOTAL
    assert out_of_order == 0
    assert sub.dropped == 0
    assert sub_nc.stats["in_msgs"] == TOTAL
    await pub_nc.close()
    await sub_nc.drain()
