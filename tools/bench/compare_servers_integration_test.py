"""Runs compare_servers.py end to end at a tiny scale, with nats-server standing in for both
brokers: every load must complete with zero loss and a full table. nats-server 2.9 rejects
quiver's `sync_interval`, so the *-interval loads get a plain `jetstream {}` config file, which
still exercises the -c path."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NATS = "/usr/sbin/nats-server"


class CompareServersTest(unittest.TestCase):
    @unittest.skipUnless(os.access(NATS, os.X_OK), "nats-server not installed")
    def test_every_load_against_nats_twice(self):
        loadgen = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ["LOADGEN"])
        with tempfile.TemporaryDirectory() as tmp:
            out_json = os.path.join(tmp, "out.json")
            proc = subprocess.run(
                ["/usr/bin/python3", os.path.join(HERE, "compare_servers.py"),
                 "--quiver", NATS, "--nats", NATS, "--loadgen", loadgen, "--rounds", "1",
                 "--scale", "0.01", "--idle-conns", "50", "--startup-repeats", "2",
                 "--interval-conf", "jetstream {}", "--json", out_json],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=280)
            self.assertEqual(proc.returncode, 0, proc.stderr.decode())
            with open(out_json) as f:
                doc = json.load(f)
        table = proc.stdout.decode()
        self.assertIn("| load | quiver | nats-server | ratio | goal | met? |", table)
        self.assertEqual(set(doc["runs"]), {"pub16", "pub1k", "pubsub16", "pubsub1k", "fanout4",
                                            "queue4", "reqrep", "subjects", "idle", "js-pub16",
                                            "js-pub16-interval", "js-pub1k", "js-pub1k-interval",
                                            "js-pull16", "js-push16"})
        for load, per_server in doc["runs"].items():
            for server in ("quiver", "nats"):
                (r,) = per_server[server]
                self.assertTrue(r["ok"], f"{load}/{server}: {r}")
                self.assertEqual(r.get("lost", 0), 0)
        self.assertEqual(doc["runs"]["idle"]["nats"][0]["opened"], 50)
        self.assertGreater(doc["runs"]["idle"]["nats"][0]["bytes_per_conn"], 0)
        self.assertEqual(len(doc["startup"]["nats"]["accept_ms"]), 2)
        for load, count in (("js-pub16", 4000), ("js-pub1k-interval", 3000)):
            self.assertEqual(doc["runs"][load]["quiver"][0]["acked"], count)
        for load, count in (("js-pull16", 3000), ("js-push16", 2500)):
            r = doc["runs"][load]["nats"][0]
            self.assertEqual((r["consumed"], r["ack_pending_end"]), (count, 0))
            self.assertGreater(r["consume_msgs_per_s"], 0)
        self.assertIn("JS pull consume 16 B, batch 256 (3k msgs), msgs/s", table)
        loss = doc["summary"][-1]
        self.assertEqual((loss["quiver"], loss["nats"], loss["met"]),
                         ("0 (0/15)", "0 (0/15)", "yes"))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
