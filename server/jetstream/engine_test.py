"""Behaviour of quiver-server's JetStream that the cross-server suites do not pin down: replay
original pacing, ephemeral inactivity, backoff, durable state across restarts, interval sync
mode, storage limits. Runs the real binary (raw protocol client from crash_test.py).

Usage: engine_test.py QUIVER_SERVER_BINARY
"""

import json
import os
import sys
import tempfile
import time
import unittest

import crash_test
from crash_test import Broker, Conn


def ns(seconds):
    return int(seconds * 1_000_000_000)


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="quiver-engine-")
        self.broker = None

    def tearDown(self):
        if self.broker:
            self.broker.stop()

    def start(self, extra=()):
        self.broker = Broker(self.dir, extra)
        return Conn(self.broker.port)

    def create_stream(self, conn, name, **config):
        config.setdefault("subjects", [f"{name.lower()}.>"])
        r = conn.api(f"$JS.API.STREAM.CREATE.{name}", {"name": name, **config})
        self.assertNotIn("error", r, r)
        return r

    def create_consumer(self, conn, stream, config):
        subject = (f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{config['durable_name']}"
                   if "durable_name" in config else f"$JS.API.CONSUMER.CREATE.{stream}")
        r = conn.api(subject, {"stream_name": stream, "config": config})
        self.assertNotIn("error", r, r)
        return r

    def test_replay_original_spaces_messages_as_they_arrived(self):
        conn = self.start()
        self.create_stream(conn, "RP", storage="memory")
        for i in range(3):
            conn.request("rp.x", f"m{i}")
            time.sleep(0.3)
        sid = conn.sub("deliver.rp")
        self.create_consumer(conn, "RP", {"deliver_subject": "deliver.rp",
                                          "replay_policy": "original", "ack_policy": "none"})
        got = []
        deadline = time.monotonic() + 5
        while len(got) < 3 and time.monotonic() < deadline:
            for m in conn.take(sid):
                got.append((time.monotonic(), m[3]))
            time.sleep(0.01)
        self.assertEqual([p for _, p in got], [b"m0", b"m1", b"m2"])
        gaps = [got[i + 1][0] - got[i][0] for i in range(2)]
        for gap in gaps:
            # Arrived >= 0.3 s apart (the sleeps), so replayed at least about that far apart; the
            # upper bound only catches a consumer that waits for something else.
            self.assertGreater(gap, 0.2, gaps)
            self.assertLess(gap, 3.0, gaps)

    def test_ephemeral_consumer_goes_after_inactive_threshold(self):
        conn = self.start()
        self.create_stream(conn, "EPH", storage="memory")
        r = self.create_consumer(conn, "EPH", {"ack_policy": "explicit",
                                               "inactive_threshold": ns(0.5)})
        name = r["name"]
        self.assertEqual(len(name), 8)
        info = conn.api(f"$JS.API.CONSUMER.INFO.EPH.{name}")
        self.assertNotIn("error", info)
        time.sleep(1.5)
        info = conn.api(f"$JS.API.CONSUMER.INFO.EPH.{name}")
        self.assertEqual(info["error"]["err_code"], 10014, info)

    def test_backoff_sets_the_redelivery_delays(self):
        conn = self.start()
        self.create_stream(conn, "BO", storage="memory")
        self.create_consumer(conn, "BO", {"durable_name": "D", "ack_policy": "explicit",
                                          "backoff": [ns(0.2), ns(0.6)], "max_deliver": 4})
        conn.request("bo.x", "one")
        inbox = "_INBOX.bo"
        sid = conn.sub(inbox)
        times = []
        start = time.monotonic()
        for _ in range(3):
            conn.pub("$JS.API.CONSUMER.MSG.NEXT.BO.D",
                     json.dumps({"batch": 1, "expires": ns(2)}), inbox)
            got = conn.wait(sid, 1, 3)
            conn.take(sid)
            self.assertTrue(got and got[0][1].startswith("$JS.ACK."), got)
            times.append(time.monotonic() - start)
        # Delivery 2 no sooner than backoff[0] (0.2 s) after 1, delivery 3 no sooner than
        # backoff[1] (0.6 s) after 2 (the lower bounds are the behaviour; a little slack for
        # the client's own clock). Without backoff both would be ack_wait (30 s).
        self.assertGreater(times[1] - times[0], 0.15, times)
        self.assertGreater(times[2] - times[1], 0.5, times)
        self.assertLess(times[2], 10.0, times)

    def test_durable_consumer_and_messages_survive_a_clean_restart(self):
        conn = self.start()
        self.create_stream(conn, "DUR")
        self.create_stream(conn, "MEM", storage="memory")
        for i in range(10):
            conn.request("dur.x", f"d{i}")
        conn.request("mem.x", "gone after restart")
        self.create_consumer(conn, "DUR", {"durable_name": "C", "ack_policy": "explicit"})
        inbox = "_INBOX.dur"
        sid = conn.sub(inbox)
        conn.pub("$JS.API.CONSUMER.MSG.NEXT.DUR.C", json.dumps({"batch": 4}), inbox)
        got = conn.wait(sid, 4, 3)
        for m in got:
            conn.request(m[1], "+ACK")  # ack sync
        conn.close()
        self.broker.stop()
        conn = self.start()
        info = conn.api("$JS.API.CONSUMER.INFO.DUR.C")
        self.assertEqual(info["ack_floor"]["stream_seq"], 4, info)
        self.assertEqual(info["num_pending"], 6, info)
        sid = conn.sub(inbox)
        conn.pub("$JS.API.CONSUMER.MSG.NEXT.DUR.C", json.dumps({"batch": 1}), inbox)
        got = conn.wait(sid, 1, 3)
        self.assertEqual(got[0][3], b"d4")
        self.assertEqual(conn.api("$JS.API.STREAM.INFO.MEM")["error"]["err_code"], 10059)
        self.assertEqual(conn.api("$JS.API.STREAM.INFO.DUR")["state"]["messages"], 10)

    def test_interval_mode_acknowledges_and_keeps_messages(self):
        conf = os.path.join(self.dir, "interval.conf")
        with open(conf, "w") as f:
            f.write('jetstream { sync_interval: "200ms" }\n')
        conn = self.start(("-c", conf))
        self.assertIn("every 200ms", self.broker.output())
        self.create_stream(conn, "INT")
        for i in range(100):
            _, _, _, data = conn.request("int.x", f"i{i}")
            self.assertEqual(json.loads(data)["seq"], i + 1)
        time.sleep(0.5)  # one interval sync later the data is on disk
        conn.close()
        self.broker.kill()
        self.broker = None
        conn = self.start()
        self.assertEqual(conn.api("$JS.API.STREAM.INFO.INT")["state"]["messages"], 100)

    def test_file_storage_limit_refuses_with_10047_and_keeps_serving(self):
        conf = os.path.join(self.dir, "limits.conf")
        with open(conf, "w") as f:
            f.write("jetstream { max_file_store: 64KB }\n")
        conn = self.start(("-c", conf))
        self.create_stream(conn, "FULL")
        errors = []
        for i in range(200):
            _, _, _, data = conn.request("full.x", "y" * 1000)
            body = json.loads(data)
            if "error" in body:
                errors.append(body["error"])
                break
        self.assertTrue(errors, "the limit was never reached")
        self.assertEqual(errors[0]["err_code"], 10047, errors)
        self.assertEqual(errors[0]["description"], "insufficient storage resources available")
        info = conn.api("$JS.API.STREAM.INFO.FULL")
        self.assertGreater(info["state"]["messages"], 10)


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore", ResourceWarning)
    crash_test.BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
